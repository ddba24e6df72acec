//! The ECS instance metadata service (its RAM role credentials, IMDSv2 session tokens) and a
//! credentials URI, on a port of their own.

use std::collections::HashMap;

use hyper::header::HeaderMap;
use serde::Serialize;

use crate::state::State;
use crate::sts::Issued;

/// `PUT` here, with the TTL header, returns a session token (IMDSv2).
pub(crate) const TOKEN_PATH: &str = "/latest/api/token";
/// `GET` lists the instance's role; `GET .../<role>` returns its credentials.
pub(crate) const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials";
/// `GET` returns credentials in the credentials-URI shape.
pub(crate) const CREDENTIALS_URI_PATH: &str = "/credentials-uri";
/// The session token's lifetime a `PUT` asks for, in seconds.
pub(crate) const TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";
/// The session token a `GET` presents.
pub(crate) const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";
/// The longest token lifetime the service grants (six hours).
const MAX_TTL: i64 = 21_600;
/// How many session tokens are kept; past it, expired ones are dropped, then all.
const TOKEN_LIMIT: usize = 10_000;
/// The `RoleSessionName` of the instance's credentials.
const SESSION: &str = "ecs-instance";

/// Requests the metadata port received, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MetadataRequests {
    /// Every request, whatever its path or outcome.
    pub total: u64,
    /// `PUT /latest/api/token`.
    pub tokens: u64,
    /// `GET /latest/meta-data/ram/security-credentials/` (the role listing).
    pub listings: u64,
    /// `GET /latest/meta-data/ram/security-credentials/<role>`.
    pub credentials: u64,
    /// `GET /credentials-uri`.
    pub credentials_uri: u64,
}

#[derive(Debug)]
pub(crate) struct MetadataState {
    initial_require_imdsv2: bool,
    /// Whether a `GET` must present a session token (IMDSv2 only, "security hardening mode").
    pub(crate) require_imdsv2: bool,
    /// Session token → its expiry, emulator time.
    tokens: HashMap<String, i64>,
    pub(crate) requests: MetadataRequests,
    /// The AccessKey ID of the credentials being handed out.
    current: Option<String>,
}

impl MetadataState {
    pub(crate) fn new(require_imdsv2: bool) -> Self {
        MetadataState {
            initial_require_imdsv2: require_imdsv2,
            require_imdsv2,
            tokens: HashMap::new(),
            requests: MetadataRequests::default(),
            current: None,
        }
    }

    pub(crate) fn reset(&mut self) {
        *self = MetadataState::new(self.initial_require_imdsv2);
    }
}

/// An answer of the metadata port.
pub(crate) struct Plain {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
}

const TEXT: &str = "text/plain;charset=utf-8";
const JSON: &str = "application/json;charset=utf-8";

impl Plain {
    /// A plain-text answer, as the metadata service gives.
    pub(crate) fn text(status: u16, body: &str) -> Plain {
        Plain {
            status,
            content_type: TEXT,
            body: body.as_bytes().to_vec(),
        }
    }
}

fn text(status: u16, body: &str) -> Plain {
    Plain::text(status, body)
}

fn json(body: &impl Serialize, pretty: bool) -> Plain {
    let body = if pretty {
        serde_json::to_vec_pretty(body)
    } else {
        serde_json::to_vec(body)
    };
    Plain {
        status: 200,
        content_type: JSON,
        body: body.unwrap_or_default(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct EcsCredentials<'a> {
    access_key_id: &'a str,
    access_key_secret: &'a str,
    expiration: String,
    security_token: &'a str,
    last_updated: String,
    code: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UriCredentials<'a> {
    code: &'static str,
    access_key_id: &'a str,
    access_key_secret: &'a str,
    security_token: &'a str,
    expiration: String,
}

/// The credentials the instance's role has now: the ones handed out before while less than
/// half their lifetime has passed (and they are not expired), else fresh ones. `None` when
/// the fixture has no instance.
fn credentials(state: &mut State, now: i64) -> Option<Issued> {
    let instance = state.fixture.instance.clone()?;
    let role = state.role_index(&instance.role)?;
    if let Some(k) = state
        .metadata
        .current
        .as_deref()
        .and_then(|id| state.sts.get(id))
    {
        let half_life = k.issued_at + (k.expires_at - k.issued_at) / 2;
        if now < half_life && now < k.expires_at {
            return Some(k.clone());
        }
    }
    let k = state
        .sts
        .issue(role, SESSION, now, instance.duration_seconds);
    state.metadata.current = Some(k.access_key_id.clone());
    Some(k)
}

fn stamp(unix: i64) -> String {
    bidcert_core::Timestamp::from_unix(unix).map_or_else(|_| String::new(), |t| t.to_string())
}

/// Whether a `GET` may read: its session token valid, or none given while IMDSv1 is allowed.
fn authorized(state: &State, headers: &HeaderMap, now: i64) -> Result<(), Plain> {
    match headers.get(TOKEN_HEADER).map(|v| v.to_str().unwrap_or("")) {
        Some(token) => match state.metadata.tokens.get(token) {
            Some(expires) if now < *expires => Ok(()),
            _ => Err(text(
                401,
                "Unauthorized: the metadata token is invalid or expired",
            )),
        },
        None if state.metadata.require_imdsv2 => Err(text(
            401,
            "Unauthorized: this instance requires a metadata token (PUT /latest/api/token)",
        )),
        None => Ok(()),
    }
}

/// Answers `method` on `path` with `headers`, counting it.
pub(crate) fn answer(state: &mut State, method: &str, path: &str, headers: &HeaderMap) -> Plain {
    let now = state.now().unix();
    state.metadata.requests.total += 1;
    let read = matches!(method, "GET" | "HEAD");
    if path == TOKEN_PATH {
        state.metadata.requests.tokens += 1;
        if method != "PUT" {
            return text(405, "Method Not Allowed: PUT a token request");
        }
        let ttl = headers
            .get(TTL_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|t| (1..=MAX_TTL).contains(t));
        let Some(ttl) = ttl else {
            return text(
                400,
                "Bad Request: X-aliyun-ecs-metadata-token-ttl-seconds must be 1 to 21600",
            );
        };
        let tokens = &mut state.metadata.tokens;
        if tokens.len() >= TOKEN_LIMIT {
            tokens.retain(|_, expires| *expires > now);
            if tokens.len() >= TOKEN_LIMIT {
                tokens.clear();
            }
        }
        let mut token = String::with_capacity(64);
        for _ in 0..2 {
            let mut buf = uuid::Uuid::encode_buffer();
            token.push_str(uuid::Uuid::new_v4().simple().encode_lower(&mut buf));
        }
        tokens.insert(token.clone(), now + ttl);
        return text(200, &token);
    }
    if path == CREDENTIALS_URI_PATH {
        state.metadata.requests.credentials_uri += 1;
        if !read {
            return text(405, "Method Not Allowed");
        }
        return match credentials(state, now) {
            Some(k) => json(
                &UriCredentials {
                    code: "Success",
                    access_key_id: &k.access_key_id,
                    access_key_secret: &k.secret,
                    security_token: &k.token,
                    expiration: k.expiration(),
                },
                false,
            ),
            None => text(404, "Not Found: the fixture has no instance role"),
        };
    }
    let Some(rest) = path.strip_prefix(CREDENTIALS_PATH) else {
        return text(404, "Not Found");
    };
    let role = rest.trim_start_matches('/');
    if role.is_empty() {
        state.metadata.requests.listings += 1;
    } else {
        state.metadata.requests.credentials += 1;
    }
    if !read {
        return text(405, "Method Not Allowed");
    }
    if let Err(refused) = authorized(state, headers, now) {
        return refused;
    }
    let name = state
        .fixture
        .instance
        .as_ref()
        .and_then(|i| state.role_index(&i.role))
        .map(|i| state.fixture.roles[i].name().to_owned());
    match (name, role) {
        (None, _) => text(404, "Not Found: the instance has no RAM role"),
        (Some(name), "") => text(200, &name),
        (Some(name), asked) if asked.trim_end_matches('/') == name => {
            match credentials(state, now) {
                Some(k) => json(
                    &EcsCredentials {
                        access_key_id: &k.access_key_id,
                        access_key_secret: &k.secret,
                        expiration: k.expiration(),
                        security_token: &k.token,
                        last_updated: stamp(k.issued_at),
                        code: "Success",
                    },
                    true,
                ),
                None => text(404, "Not Found"),
            }
        }
        (Some(_), _) => text(404, "Not Found: no such role on this instance"),
    }
}

//! STS (`2015-04-01`): `AssumeRole` and `AssumeRoleWithOIDC`, the temporary keys they issue,
//! and the gateway's checks of a request signed with one of them.

use std::collections::HashMap;

use bidcert_core::{Timestamp, VerifyError};
use serde::Serialize;

use crate::api::{request_id, Refusal};
use crate::fixture::{Fixture, Role};
use crate::state::State;

/// STS's API version.
pub(crate) const VERSION: &str = "2015-04-01";
/// The signed action.
pub(crate) const ASSUME_ROLE: &str = "AssumeRole";
/// The action sent unsigned.
pub(crate) const ASSUME_ROLE_WITH_OIDC: &str = "AssumeRoleWithOIDC";
/// Every STS action the emulator answers.
pub(crate) const ACTIONS: [&str; 2] = [ASSUME_ROLE, ASSUME_ROLE_WITH_OIDC];

/// Every issued AccessKey ID starts with it, as the real ones do.
pub(crate) const KEY_PREFIX: &str = "STS.";
/// The shortest session STS grants, and the default one.
const MIN_DURATION: i64 = 900;
const DEFAULT_DURATION: i64 = 3600;
/// How many issued keys are kept; past it, expired ones are dropped, then the oldest.
const KEY_LIMIT: usize = 100_000;

/// The messages of Alibaba's STS documents, verbatim where they give one.
mod msg {
    pub(super) const NO_PROVIDER: &str = "No such OIDC Provider registered.";
    pub(super) const NO_PERMISSION_OIDC: &str = "There is no permission";
    pub(super) const TOKEN_EMPTY: &str = "The OIDCToken can not empty.";
    pub(super) const TOKEN_INVALID: &str = "The Jwt content is invalid that cannot be recognized.";
    pub(super) const TOKEN_EXPIRED: &str = "This JsonWebToken is expired.";
    pub(super) const ROLE_NOT_EXIST: &str = "The specified Role not exists.";
    pub(super) const NO_PERMISSION: &str =
        "No permission perform sts:AssumeRole on this Role. Maybe you are not in the role's trust policy, or its ExternalId does not match.";
    pub(super) const SESSION_NAME: &str = "The parameter RoleSessionName is wrongly formed.";
    pub(super) const ROLE_ARN: &str = "The parameter RoleArn is wrongly formed.";
    pub(super) const POLICY: &str = "The parameter Policy has not passed grammar check.";
    pub(super) const MISSING_TOKEN: &str = "SecurityToken is mandatory for this action.";
    pub(super) const TOKEN_MISMATCH: &str = "Specified SecurityToken mismatch with the AccessKey.";
    pub(super) const TOKEN_MALFORMED: &str = "Specified SecurityToken is malformed.";
    pub(super) const KEY_EXPIRED: &str = "Specified SecurityToken is expired.";
}

/// A temporary key STS issued.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) access_key_id: String,
    pub(crate) secret: String,
    pub(crate) token: String,
    /// Index into `fixture.roles`.
    pub(crate) role: usize,
    pub(crate) session: String,
    pub(crate) issued_at: i64,
    pub(crate) expires_at: i64,
}

impl Issued {
    pub(crate) fn expiration(&self) -> String {
        timestamp(self.expires_at)
    }
}

/// A temporary key as the handle and the admin API show it: no secret, no token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StsCredential {
    /// The `STS.`-prefixed AccessKey ID.
    pub access_key_id: String,
    /// The role it was issued for.
    pub role_arn: String,
    /// The `RoleSessionName` it was issued to.
    pub session_name: String,
    /// When it expires, emulator time (`YYYY-MM-DDThh:mm:ssZ`).
    pub expiration: String,
    /// Whether the emulator clock has passed its expiry.
    pub expired: bool,
}

/// The issued keys, by AccessKey ID and by token.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    by_id: HashMap<String, Issued>,
    /// SecurityToken → AccessKey ID, to tell a token of another key from a made-up one.
    by_token: HashMap<String, String>,
}

fn random_hex(n: usize) -> String {
    let mut out = String::with_capacity(n + 32);
    while out.len() < n {
        let mut buf = uuid::Uuid::encode_buffer();
        out.push_str(uuid::Uuid::new_v4().simple().encode_lower(&mut buf));
    }
    out.truncate(n);
    out
}

fn timestamp(unix: i64) -> String {
    let unix = unix.clamp(Timestamp::MIN_UNIX, Timestamp::MAX_UNIX);
    Timestamp::from_unix(unix).map_or_else(|_| String::new(), |t| t.to_string())
}

impl Keys {
    /// A new key for `role`'s `session`, valid `duration` seconds from `now`.
    pub(crate) fn issue(&mut self, role: usize, session: &str, now: i64, duration: i64) -> Issued {
        if self.by_id.len() >= KEY_LIMIT {
            self.by_id.retain(|_, k| k.expires_at > now);
            if self.by_id.len() >= KEY_LIMIT {
                let oldest = self
                    .by_id
                    .values()
                    .min_by_key(|k| k.issued_at)
                    .map(|k| k.access_key_id.clone());
                if let Some(id) = oldest {
                    self.by_id.remove(&id);
                }
            }
            let by_id = &self.by_id;
            self.by_token.retain(|_, id| by_id.contains_key(id));
        }
        let issued = Issued {
            access_key_id: format!("{KEY_PREFIX}{}", random_hex(24)),
            secret: random_hex(40),
            // Real tokens are long opaque strings that start so.
            token: format!("CAIS{}", random_hex(96)),
            role,
            session: session.to_owned(),
            issued_at: now,
            expires_at: now + duration,
        };
        self.by_token
            .insert(issued.token.clone(), issued.access_key_id.clone());
        self.by_id
            .insert(issued.access_key_id.clone(), issued.clone());
        issued
    }

    pub(crate) fn get(&self, access_key_id: &str) -> Option<&Issued> {
        self.by_id.get(access_key_id)
    }

    /// Makes every key expire at `now`; answers how many were still valid.
    pub(crate) fn expire_all(&mut self, now: i64) -> usize {
        let mut n = 0;
        for k in self.by_id.values_mut() {
            if k.expires_at > now {
                k.expires_at = now;
                n += 1;
            }
        }
        n
    }

    pub(crate) fn clear(&mut self) {
        self.by_id.clear();
        self.by_token.clear();
    }

    pub(crate) fn list(&self, fixture: &Fixture, now: i64) -> Vec<StsCredential> {
        let mut all: Vec<&Issued> = self.by_id.values().collect();
        all.sort_by_key(|k| (k.issued_at, k.access_key_id.as_str()));
        all.into_iter()
            .map(|k| StsCredential {
                access_key_id: k.access_key_id.clone(),
                role_arn: fixture.roles[k.role].arn.clone(),
                session_name: k.session.clone(),
                expiration: k.expiration(),
                expired: now >= k.expires_at,
            })
            .collect()
    }

    /// The gateway's checks of a request signed with an issued key, after its signature held:
    /// the `SecurityToken` must be the key's own, and the key unexpired at `now` (emulator
    /// time). Answers the key's role.
    pub(crate) fn check(
        &self,
        access_key_id: &str,
        token: Option<&str>,
        now: i64,
    ) -> Result<usize, Refusal> {
        let key = self
            .get(access_key_id)
            .ok_or_else(|| Refusal::from(VerifyError::AccessKeyNotFound(access_key_id.into())))?;
        match token {
            None | Some("") => {
                return Err(Refusal::new(
                    400,
                    "MissingSecurityToken",
                    msg::MISSING_TOKEN,
                ))
            }
            Some(t) if t == key.token => {}
            Some(t) if self.by_token.contains_key(t) => {
                return Err(Refusal::new(
                    400,
                    "InvalidSecurityToken.MismatchWithAccessKey",
                    msg::TOKEN_MISMATCH,
                ))
            }
            Some(_) => {
                return Err(Refusal::new(
                    400,
                    "InvalidSecurityToken.Malformed",
                    msg::TOKEN_MALFORMED,
                ))
            }
        }
        if now >= key.expires_at {
            return Err(Refusal::new(
                400,
                "InvalidSecurityToken.Expired",
                msg::KEY_EXPIRED,
            ));
        }
        Ok(key.role)
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn required<'a>(params: &'a [(String, String)], name: &'static str) -> Result<&'a str, Refusal> {
    param(params, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| VerifyError::MissingParameter(name).into())
}

/// `RoleArn`, well formed; its role, or `EntityNotExist.Role`.
fn role_of(state: &State, params: &[(String, String)]) -> Result<usize, Refusal> {
    let arn = required(params, "RoleArn")?;
    if !crate::fixture::is_arn(arn, "role") {
        return Err(Refusal::invalid("InvalidParameter.RoleArn", msg::ROLE_ARN));
    }
    state
        .role_index(arn)
        .ok_or_else(|| Refusal::new(404, "EntityNotExist.Role", msg::ROLE_NOT_EXIST))
}

/// `RoleSessionName`: 2 to 64 letters, digits and `.@-_`.
fn session_name(params: &[(String, String)]) -> Result<&str, Refusal> {
    let name = required(params, "RoleSessionName")?;
    let ok = (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b));
    ok.then_some(name)
        .ok_or_else(|| Refusal::invalid("InvalidParameter.RoleSessionName", msg::SESSION_NAME))
}

/// `DurationSeconds`: 900 up to the role's maximum, default 3600.
fn duration(params: &[(String, String)], role: &Role) -> Result<i64, Refusal> {
    let max = role.max_session_duration;
    let bad = || {
        Refusal::invalid(
            "InvalidParameter.DurationSeconds",
            format!(
                "The Min/Max value of DurationSeconds is {}min/{}min.",
                MIN_DURATION / 60,
                max / 60
            ),
        )
    };
    match param(params, "DurationSeconds") {
        None | Some("") => Ok(DEFAULT_DURATION.min(max)),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|d| (MIN_DURATION..=max).contains(d))
            .ok_or_else(bad),
    }
}

/// `Policy`, when given: a JSON object of at most 1024 characters.
fn check_policy(params: &[(String, String)]) -> Result<(), Refusal> {
    let Some(policy) = param(params, "Policy") else {
        return Ok(());
    };
    let ok = (1..=1024).contains(&policy.chars().count())
        && serde_json::from_str::<serde_json::Value>(policy).is_ok_and(|v| v.is_object());
    ok.then_some(())
        .ok_or_else(|| Refusal::invalid("InvalidParameter.PolicyGrammar", msg::POLICY))
}

/// A role's numeric id, stable for its ARN (the real ones are 17 digits).
fn role_id(arn: &str) -> String {
    // FNV-1a: a fixed function, so a role's id is the same every run.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in arn.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("3{:016}", h % 10_000_000_000_000_000)
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AssumedRoleUser {
    arn: String,
    assumed_role_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CredentialsBody<'a> {
    access_key_id: &'a str,
    access_key_secret: &'a str,
    security_token: &'a str,
    expiration: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct OidcTokenInfo<'a> {
    issuer: &'a str,
    subject: &'a str,
    client_ids: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AssumeRoleBody<'a> {
    request_id: &'a str,
    assumed_role_user: AssumedRoleUser,
    credentials: CredentialsBody<'a>,
    #[serde(rename = "OIDCTokenInfo", skip_serializing_if = "Option::is_none")]
    oidc_token_info: Option<OidcTokenInfo<'a>>,
}

/// Issues a key for `role` and answers it in STS's shape; `oidc_provider`, the index of the
/// provider whose token assumed it, adds its `OIDCTokenInfo`.
fn issue(
    state: &mut State,
    now: Timestamp,
    role: usize,
    session: &str,
    duration: i64,
    oidc_provider: Option<usize>,
) -> (String, Vec<u8>) {
    let issued = state.sts.issue(role, session, now.unix(), duration);
    let oidc = oidc_provider.map(|i| &state.fixture.oidc_providers[i]);
    let arn = &state.fixture.roles[role].arn;
    let request_id = request_id();
    let body = AssumeRoleBody {
        request_id: &request_id,
        assumed_role_user: AssumedRoleUser {
            arn: format!("{arn}/{session}"),
            assumed_role_id: format!("{}:{session}", role_id(arn)),
        },
        credentials: CredentialsBody {
            access_key_id: &issued.access_key_id,
            access_key_secret: &issued.secret,
            security_token: &issued.token,
            expiration: issued.expiration(),
        },
        oidc_token_info: oidc.map(|p| OidcTokenInfo {
            issuer: &p.issuer,
            subject: session,
            client_ids: p.client_ids.join(","),
        }),
    };
    let body = serde_json::to_vec(&body).unwrap_or_default();
    (request_id, body)
}

/// `AssumeRole`, signed by `principal` (a reseller's or an account's uid, or the ARN of the
/// role whose session signed it).
pub(crate) fn assume_role(
    state: &mut State,
    now: Timestamp,
    principal: &str,
    params: &[(String, String)],
) -> Result<(String, Vec<u8>), Refusal> {
    let session = session_name(params)?;
    check_policy(params)?;
    let role = role_of(state, params)?;
    let r = &state.fixture.roles[role];
    let trusted = r.principals.iter().any(|p| p == principal);
    let external_ok = match &r.external_id {
        None => true,
        Some(id) => param(params, "ExternalId") == Some(id.as_str()),
    };
    if !trusted || !external_ok {
        return Err(Refusal::new(403, "NoPermission", msg::NO_PERMISSION));
    }
    let duration = duration(params, r)?;
    Ok(issue(state, now, role, session, duration, None))
}

/// `AssumeRoleWithOIDC`: no signature; the OIDC token is the credential.
pub(crate) fn assume_role_with_oidc(
    state: &mut State,
    now: Timestamp,
    params: &[(String, String)],
) -> Result<(String, Vec<u8>), Refusal> {
    let provider_arn = required(params, "OIDCProviderArn")?;
    required(params, "RoleArn")?;
    let session = session_name(params)?;
    check_policy(params)?;
    let provider = state
        .fixture
        .oidc_providers
        .iter()
        .position(|p| p.arn == provider_arn)
        .ok_or_else(|| Refusal::new(401, "AuthenticationFail.NoPermission", msg::NO_PROVIDER))?;
    let p = &state.fixture.oidc_providers[provider];
    let token = param(params, "OIDCToken").unwrap_or("");
    if token.is_empty() {
        return Err(Refusal::new(
            401,
            "AuthenticationFail.OIDCToken.Invalid",
            msg::TOKEN_EMPTY,
        ));
    }
    if p.expired_tokens.iter().any(|t| t == token) {
        return Err(Refusal::new(
            401,
            "AuthenticationFail.OIDCToken.Expired",
            msg::TOKEN_EXPIRED,
        ));
    }
    if !p.tokens.iter().any(|t| t == token) {
        return Err(Refusal::new(
            401,
            "AuthenticationFail.OIDCToken.Invalid",
            msg::TOKEN_INVALID,
        ));
    }
    let role = role_of(state, params)?;
    let r = &state.fixture.roles[role];
    if !r.oidc_providers.iter().any(|a| a == provider_arn) {
        return Err(Refusal::new(
            401,
            "AuthenticationFail.NoPermission",
            msg::NO_PERMISSION_OIDC,
        ));
    }
    let duration = duration(params, r)?;
    Ok(issue(state, now, role, session, duration, Some(provider)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_token_first_then_expiry() {
        let mut keys = Keys::default();
        let a = keys.issue(0, "s", 1000, 900);
        let b = keys.issue(0, "s", 1000, 900);
        assert!(a.access_key_id.starts_with(KEY_PREFIX));
        assert_ne!(a.access_key_id, b.access_key_id);
        assert_eq!(
            keys.check(&a.access_key_id, Some(&a.token), 1899).unwrap(),
            0
        );
        let code = |r: Result<usize, Refusal>| r.unwrap_err().code;
        assert_eq!(
            code(keys.check(&a.access_key_id, None, 1000)),
            "MissingSecurityToken"
        );
        assert_eq!(
            code(keys.check(&a.access_key_id, Some(&b.token), 1000)),
            "InvalidSecurityToken.MismatchWithAccessKey"
        );
        assert_eq!(
            code(keys.check(&a.access_key_id, Some("CAISmadeup"), 1000)),
            "InvalidSecurityToken.Malformed"
        );
        assert_eq!(
            code(keys.check(&a.access_key_id, Some(&a.token), 1900)),
            "InvalidSecurityToken.Expired"
        );
        assert_eq!(keys.expire_all(1000), 2);
        assert_eq!(
            code(keys.check(&b.access_key_id, Some(&b.token), 1000)),
            "InvalidSecurityToken.Expired"
        );
    }

    #[test]
    fn role_ids_are_stable_17_digit_numbers() {
        let id = role_id("acs:ram::1:role/a");
        assert_eq!(id.len(), 17);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(id, role_id("acs:ram::1:role/a"));
        assert_ne!(id, role_id("acs:ram::1:role/b"));
    }
}

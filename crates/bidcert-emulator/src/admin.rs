//! The admin API under `/_emulator/`: JSON in, JSON out, no signature.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::fault::{Fault, FaultKind};
use crate::state::{CustomerState, Shared, State};

/// The prefix of every admin path.
pub(crate) const PREFIX: &str = "/_emulator/";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    offset_seconds: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetadataBody {
    require_imdsv2: bool,
}

fn error(status: u16, message: impl Into<String>) -> (u16, Value) {
    (status, json!({ "error": message.into() }))
}

fn clock(state: &State) -> Value {
    json!({ "offset_seconds": state.clock_offset, "now": state.now().to_string() })
}

fn sts(state: &State) -> Value {
    json!({
        "calls": state.sts_calls,
        "credentials": state.sts.list(&state.fixture, state.now().unix()),
    })
}

fn metadata(shared: &Shared, state: &State) -> Value {
    let role = state
        .fixture
        .instance
        .as_ref()
        .and_then(|i| state.role_index(&i.role))
        .map(|i| state.fixture.roles[i].name().to_owned());
    json!({
        "url": shared.metadata_url,
        "credentials_uri": shared
            .metadata_url
            .as_ref()
            .map(|url| format!("{url}{}", crate::metadata::CREDENTIALS_URI_PATH)),
        "require_imdsv2": state.metadata.require_imdsv2,
        "role_name": role,
        "requests": state.metadata.requests,
    })
}

/// Answers `method` on `path` (after [`PREFIX`]) with `body`: a status and a JSON value.
pub(crate) fn handle(shared: &Shared, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut state = shared.lock();
    match (method, segments.as_slice()) {
        ("GET", ["state"]) => (
            200,
            json!({
                "url": shared.base_url,
                "https_url": shared.https_url,
                "metadata_url": shared.metadata_url,
                "tls_handshakes": state.tls_handshakes,
                "clock": clock(&state),
                "customers": state.customer_states(),
                "faults": state.faults,
                "links": state.links.len(),
                "nonces": state.nonces.len(),
                "requests": state.log.len(),
            }),
        ),
        ("POST", ["reset"]) => {
            state.reset();
            (200, json!({ "reset": true }))
        }
        ("GET", ["clock"]) => (200, clock(&state)),
        ("POST", ["clock"]) => match serde_json::from_slice::<ClockBody>(body) {
            Ok(c) => {
                state.clock_offset = c.offset_seconds;
                (200, clock(&state))
            }
            Err(e) => error(
                400,
                format!("expected {{\"offset_seconds\": <integer>}}: {e}"),
            ),
        },
        ("GET", ["customers", pk]) => match state.customer(pk) {
            Some(c) => (200, json!(CustomerState::from(c))),
            None => error(404, format!("no customer with pk {pk:?}")),
        },
        ("POST", ["customers", pk, "verify"]) => match state.verify_customer(pk, false) {
            Ok(c) => (200, json!(c)),
            Err(e) => error(404, e.to_string()),
        },
        ("GET", ["faults"]) => (200, json!({ "faults": state.faults })),
        ("GET", ["faults", "kinds"]) => (200, json!(FaultKind::NAMES)),
        ("GET", ["demo"]) => (
            200,
            Value::Object(
                crate::demo::VALUES
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), json!(value)))
                    .collect(),
            ),
        ),
        ("POST", ["faults"]) => match serde_json::from_slice::<Fault>(body) {
            Ok(f) => {
                if f.is_live() {
                    state.faults.push(f);
                }
                (200, json!({ "faults": state.faults }))
            }
            Err(e) => error(400, format!("not a fault: {e}")),
        },
        ("DELETE", ["faults"]) => {
            state.faults.clear();
            (200, json!({ "faults": [] }))
        }
        ("GET", ["requests"]) => (200, json!(state.log)),
        ("DELETE", ["requests"]) => {
            state.log.clear();
            (200, json!([]))
        }
        ("GET", ["fixture"]) => (200, json!(state.fixture)),
        ("GET", ["tls"]) => (
            200,
            json!({
                "https_url": shared.https_url,
                "handshakes": state.tls_handshakes,
                "ca_pem": shared.ca_pem,
            }),
        ),
        ("GET", ["sts"]) => (200, sts(&state)),
        ("POST", ["sts", "expire"]) => {
            let now = state.now().unix();
            let expired = state.sts.expire_all(now);
            (200, json!({ "expired": expired }))
        }
        ("GET", ["metadata"]) => (200, metadata(shared, &state)),
        ("POST", ["metadata"]) => match serde_json::from_slice::<MetadataBody>(body) {
            Ok(m) => {
                state.metadata.require_imdsv2 = m.require_imdsv2;
                (200, metadata(shared, &state))
            }
            Err(e) => error(400, format!("expected {{\"require_imdsv2\": <bool>}}: {e}")),
        },
        (
            _,
            ["state" | "reset" | "clock" | "faults" | "requests" | "fixture" | "tls" | "sts"
            | "metadata" | "demo"],
        )
        | (_, ["faults", "kinds"] | ["sts", "expire"])
        | (_, ["customers", _] | ["customers", _, "verify"]) => {
            error(405, format!("{method} is not allowed on {PREFIX}{path}"))
        }
        _ => error(404, format!("no admin endpoint {PREFIX}{path}")),
    }
}

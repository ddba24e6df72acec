//! Injected faults: what goes wrong, and for which requests.
//!
//! A fault targets the API (both gateways and STS; the default) or the metadata service (the
//! ECS metadata and the credentials URI), never the admin API or the link page. Faults apply
//! in the order they were injected: a request takes the first fault of its target whose scope
//! matches it, and at most one. Nothing is random, so a test sees the same thing every run.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A fault and the requests it applies to.
///
/// In the admin API (`POST /_emulator/faults`) a fault is flat JSON: `kind` (one of
/// [`FaultKind::NAMES`]), `latency_ms` for `latency`, `retry_after_ms` for `throttling`
/// (optional, default [`FaultKind::DEFAULT_RETRY_AFTER`]), `next` (a count) and/or `action`,
/// and `target` (`api`, the default, or `metadata`; metadata faults take no `action`):
///
/// ```
/// use bidcert_emulator::{Fault, FaultKind, FaultScope};
/// let f: Fault = serde_json::from_str(r#"{"kind": "http_503", "next": 2}"#).unwrap();
/// assert_eq!(f, Fault::new(FaultKind::Http503, FaultScope::Next(2)));
/// let f: Fault = serde_json::from_str(
///     r#"{"kind": "latency", "latency_ms": 250, "action": "QueryBidUserCertifiedInfo"}"#,
/// ).unwrap();
/// assert_eq!(f.kind, FaultKind::Latency(std::time::Duration::from_millis(250)));
/// let f: Fault = serde_json::from_str(r#"{"kind": "throttling", "retry_after_ms": 2500}"#).unwrap();
/// assert_eq!(f.kind, FaultKind::Throttling(std::time::Duration::from_millis(2500)));
/// let f: Fault = serde_json::from_str(r#"{"kind": "hang", "target": "metadata"}"#).unwrap();
/// assert_eq!(f, Fault::metadata(FaultKind::Hang, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FaultWire", into = "FaultWire")]
pub struct Fault {
    /// What goes wrong.
    pub kind: FaultKind,
    /// Which requests it applies to.
    pub scope: FaultScope,
    /// Which service's requests.
    pub target: FaultTarget,
}

/// The service whose requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FaultTarget {
    /// API requests: Crm, Aas and STS, on the HTTP and HTTPS ports.
    #[default]
    Api,
    /// The metadata port: ECS instance metadata and the credentials URI.
    Metadata,
}

impl FaultTarget {
    fn name(self) -> &'static str {
        match self {
            FaultTarget::Api => "api",
            FaultTarget::Metadata => "metadata",
        }
    }
}

/// What goes wrong with a request.
///
/// Every faulted API request is still verified and processed (so its nonce is remembered, as
/// when a gateway did the work but the answer was lost), and logged with the fault. On the
/// metadata port the error kinds answer in plain text, as the metadata service does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Waits this long, then answers normally.
    Latency(Duration),
    /// HTTP 500, `InternalError`.
    Http500,
    /// HTTP 503, `ServiceUnavailable`.
    Http503,
    /// HTTP 400, `Throttling.User`, with the server's hint to retry after this long: in
    /// `Retry-After` (whole seconds, rounded up) and in `x-acs-retry-after` (milliseconds, as
    /// Alibaba's gateway sends it).
    Throttling(Duration),
    /// Closes the connection without an answer.
    DropConnection,
    /// Sends the status, headers (with the full `Content-Length`) and the first half of the
    /// normal answer's body, then closes the connection.
    TruncatedBody,
    /// HTTP 502 with an HTML page, as a proxy in front of the gateway would answer.
    NonJsonBody,
    /// Never answers: the connection stays open, silent, until the client gives up (or the
    /// emulator stops). For a client's timeouts, e.g. a metadata client's 1 s.
    Hang,
    /// The normal answer's status and headers with the first half of its body, framed as a
    /// whole body (`Content-Length` says so): a malformed answer, not a broken connection.
    MalformedBody,
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultScope {
    /// The next `n` API requests, whatever their action.
    Next(u32),
    /// Every request with this `Action`, until the faults are cleared.
    Action(String),
    /// The next `n` requests with this `Action`.
    NextForAction(String, u32),
}

impl Fault {
    /// A fault of `kind` for the API requests in `scope`.
    pub fn new(kind: FaultKind, scope: FaultScope) -> Self {
        Fault {
            kind,
            scope,
            target: FaultTarget::Api,
        }
    }

    /// A fault of `kind` for the next `n` requests to the metadata port.
    pub fn metadata(kind: FaultKind, n: u32) -> Self {
        Fault {
            kind,
            scope: FaultScope::Next(n),
            target: FaultTarget::Metadata,
        }
    }

    /// A fault of `kind` for the next request only.
    pub fn next(kind: FaultKind) -> Self {
        Fault::new(kind, FaultScope::Next(1))
    }

    /// Whether it still applies to some request (a count of 0 applies to none).
    pub(crate) fn is_live(&self) -> bool {
        !matches!(
            self.scope,
            FaultScope::Next(0) | FaultScope::NextForAction(_, 0)
        )
    }
}

impl FaultKind {
    /// Every kind's name, as [`FaultKind::name`] spells it, in declaration order: what the
    /// admin API's `GET /_emulator/faults/kinds` answers, so bindings need not restate them.
    pub const NAMES: &'static [&'static str] = &[
        "latency",
        "http_500",
        "http_503",
        "throttling",
        "drop_connection",
        "truncated_body",
        "non_json_body",
        "hang",
        "malformed_body",
    ];

    /// The retry hint of a throttling fault injected without one: one second.
    pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

    /// A throttling fault with the default hint ([`FaultKind::DEFAULT_RETRY_AFTER`]).
    pub fn throttling() -> FaultKind {
        FaultKind::Throttling(FaultKind::DEFAULT_RETRY_AFTER)
    }

    /// The name used in the admin API and the request log (`http_503`, ...): one of
    /// [`FaultKind::NAMES`].
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Latency(_) => "latency",
            FaultKind::Http500 => "http_500",
            FaultKind::Http503 => "http_503",
            FaultKind::Throttling(_) => "throttling",
            FaultKind::DropConnection => "drop_connection",
            FaultKind::TruncatedBody => "truncated_body",
            FaultKind::NonJsonBody => "non_json_body",
            FaultKind::Hang => "hang",
            FaultKind::MalformedBody => "malformed_body",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::Latency(d) => write!(f, "latency {} ms", d.as_millis()),
            FaultKind::Throttling(d) => write!(f, "throttling, retry after {} ms", d.as_millis()),
            other => f.write_str(other.name()),
        }
    }
}

impl Serialize for FaultKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Takes the fault for a request to `target` with `action`: the first live one of that target
/// whose scope matches, counting it down and dropping it once spent.
pub(crate) fn take(
    faults: &mut Vec<Fault>,
    target: FaultTarget,
    action: Option<&str>,
) -> Option<FaultKind> {
    let i = faults.iter().position(|f| {
        f.target == target
            && match &f.scope {
                FaultScope::Next(n) => *n > 0,
                FaultScope::Action(a) => action == Some(a.as_str()),
                FaultScope::NextForAction(a, n) => *n > 0 && action == Some(a.as_str()),
            }
    })?;
    let kind = faults[i].kind.clone();
    match &mut faults[i].scope {
        FaultScope::Next(n) | FaultScope::NextForAction(_, n) => *n -= 1,
        FaultScope::Action(_) => {}
    }
    if !faults[i].is_live() {
        faults.remove(i);
    }
    Some(kind)
}

/// The admin API's flat JSON form of a [`Fault`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultWire {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
}

impl TryFrom<FaultWire> for Fault {
    type Error = String;

    fn try_from(w: FaultWire) -> Result<Self, String> {
        let ms = Duration::from_millis;
        if w.latency_ms.is_some() && w.kind != "latency" {
            return Err("latency_ms is only for kind latency".into());
        }
        if w.retry_after_ms.is_some() && w.kind != "throttling" {
            return Err("retry_after_ms is only for kind throttling".into());
        }
        let kind = match w.kind.as_str() {
            "latency" => {
                FaultKind::Latency(ms(w.latency_ms.ok_or("kind latency needs latency_ms")?))
            }
            "http_500" => FaultKind::Http500,
            "http_503" => FaultKind::Http503,
            "throttling" => {
                FaultKind::Throttling(w.retry_after_ms.map_or(FaultKind::DEFAULT_RETRY_AFTER, ms))
            }
            "drop_connection" => FaultKind::DropConnection,
            "truncated_body" => FaultKind::TruncatedBody,
            "non_json_body" => FaultKind::NonJsonBody,
            "hang" => FaultKind::Hang,
            "malformed_body" => FaultKind::MalformedBody,
            other => {
                return Err(format!(
                    "unknown fault kind {other:?}; one of {}",
                    FaultKind::NAMES.join(", ")
                ))
            }
        };
        let target = match w.target.as_deref() {
            None | Some("api") => FaultTarget::Api,
            Some("metadata") if w.action.is_some() => {
                return Err("metadata faults take no action".into())
            }
            Some("metadata") => FaultTarget::Metadata,
            Some(other) => return Err(format!("unknown target {other:?}; api or metadata")),
        };
        let scope = match (w.next, w.action) {
            (n, None) => FaultScope::Next(n.unwrap_or(1)),
            (None, Some(a)) => FaultScope::Action(a),
            (Some(n), Some(a)) => FaultScope::NextForAction(a, n),
        };
        Ok(Fault {
            kind,
            scope,
            target,
        })
    }
}

impl From<Fault> for FaultWire {
    fn from(f: Fault) -> Self {
        let millis = |d: Duration| Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let (latency_ms, retry_after_ms) = match f.kind {
            FaultKind::Latency(d) => (millis(d), None),
            FaultKind::Throttling(d) => (None, millis(d)),
            _ => (None, None),
        };
        let (next, action) = match f.scope {
            FaultScope::Next(n) => (Some(n), None),
            FaultScope::Action(a) => (None, Some(a)),
            FaultScope::NextForAction(a, n) => (Some(n), Some(a)),
        };
        FaultWire {
            kind: f.kind.name().to_owned(),
            latency_ms,
            retry_after_ms,
            next,
            action,
            target: (f.target != FaultTarget::Api).then(|| f.target.name().to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_fault_wins_and_counts_down() {
        let mut faults = vec![
            Fault::new(FaultKind::Http500, FaultScope::NextForAction("A".into(), 1)),
            Fault::new(FaultKind::Http503, FaultScope::Next(2)),
        ];
        let api = FaultTarget::Api;
        assert_eq!(take(&mut faults, api, Some("B")), Some(FaultKind::Http503));
        assert_eq!(take(&mut faults, api, Some("A")), Some(FaultKind::Http500));
        assert_eq!(take(&mut faults, api, Some("A")), Some(FaultKind::Http503));
        assert_eq!(take(&mut faults, api, Some("A")), None);
        assert!(faults.is_empty());
    }

    #[test]
    fn action_scope_lasts_until_cleared() {
        let mut faults = vec![Fault::new(
            FaultKind::throttling(),
            FaultScope::Action("A".into()),
        )];
        for _ in 0..3 {
            assert_eq!(
                take(&mut faults, FaultTarget::Api, Some("A")),
                Some(FaultKind::throttling())
            );
        }
        assert_eq!(take(&mut faults, FaultTarget::Api, None), None);
        assert_eq!(faults.len(), 1);
    }

    #[test]
    fn targets_keep_api_and_metadata_faults_apart() {
        let mut faults = vec![
            Fault::metadata(FaultKind::Hang, 1),
            Fault::next(FaultKind::Http503),
        ];
        assert_eq!(
            take(&mut faults, FaultTarget::Api, Some("A")),
            Some(FaultKind::Http503)
        );
        assert_eq!(take(&mut faults, FaultTarget::Api, Some("A")), None);
        assert_eq!(
            take(&mut faults, FaultTarget::Metadata, None),
            Some(FaultKind::Hang)
        );
        assert!(faults.is_empty());
    }

    #[test]
    fn wire_form_round_trips_and_rejects_nonsense() {
        for f in [
            Fault::new(
                FaultKind::Latency(Duration::from_millis(5)),
                FaultScope::Next(3),
            ),
            Fault::new(FaultKind::DropConnection, FaultScope::Action("X".into())),
            Fault::new(
                FaultKind::Throttling(Duration::from_millis(1500)),
                FaultScope::Next(1),
            ),
            Fault::new(
                FaultKind::TruncatedBody,
                FaultScope::NextForAction("X".into(), 2),
            ),
        ] {
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<Fault>(&json).unwrap(), f, "{json}");
        }
        for bad in [
            r#"{"kind": "latency"}"#,
            r#"{"kind": "http_500", "latency_ms": 3}"#,
            r#"{"kind": "gremlins"}"#,
            r#"{"kind": "http_500", "nxt": 1}"#,
            r#"{"kind": "http_503", "retry_after_ms": 5}"#,
            r#"{"kind": "hang", "target": "metadata", "action": "X"}"#,
            r#"{"kind": "hang", "target": "moon"}"#,
        ] {
            assert!(serde_json::from_str::<Fault>(bad).is_err(), "{bad}");
        }
        let f: Fault = serde_json::from_str(r#"{"kind": "throttling"}"#).unwrap();
        assert_eq!(f.kind, FaultKind::Throttling(Duration::from_secs(1)));
    }

    /// One kind of every variant: the match has no wildcard, so a new variant fails to
    /// compile here until it is listed.
    fn one_of_each() -> Vec<FaultKind> {
        let all = vec![
            FaultKind::Latency(Duration::from_millis(1)),
            FaultKind::Http500,
            FaultKind::Http503,
            FaultKind::throttling(),
            FaultKind::DropConnection,
            FaultKind::TruncatedBody,
            FaultKind::NonJsonBody,
            FaultKind::Hang,
            FaultKind::MalformedBody,
        ];
        for kind in &all {
            match kind {
                FaultKind::Latency(_)
                | FaultKind::Http500
                | FaultKind::Http503
                | FaultKind::Throttling(_)
                | FaultKind::DropConnection
                | FaultKind::TruncatedBody
                | FaultKind::NonJsonBody
                | FaultKind::Hang
                | FaultKind::MalformedBody => {}
            }
        }
        all
    }

    #[test]
    fn names_list_every_kind_once_and_each_parses() {
        let names: Vec<&str> = one_of_each().iter().map(FaultKind::name).collect();
        assert_eq!(names, FaultKind::NAMES);
        for kind in one_of_each() {
            for f in [Fault::next(kind.clone()), Fault::metadata(kind, 2)] {
                let json = serde_json::to_string(&f).unwrap();
                assert_eq!(serde_json::from_str::<Fault>(&json).unwrap(), f, "{json}");
            }
        }
    }
}

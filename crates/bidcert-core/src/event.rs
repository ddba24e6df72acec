//! FastAuthc events: what the verification page inside the iframe posts to its parent.

use std::fmt;

use serde_json::Value;

use crate::error::ErrorKind;

/// The type of a FastAuthc event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FastAuthEventKind {
    /// `aliyun_fast_auth_init`: the page loaded.
    Init,
    /// `aliyun_fast_auth_later`: the customer chose to verify later.
    Later,
    /// `aliyun_fast_auth_another_authc_way`: the customer picked another way to verify.
    AnotherAuthcWay,
    /// `aliyun_fast_auth_success`: verification succeeded.
    Success,
    /// `aliyun_fast_auth_fail`: verification failed (see the reason).
    Fail,
    /// `aliyun_fast_auth_re_authc`: the customer starts again.
    ReAuthc,
    /// `aliyun_fast_auth_open_alipay`: the Alipay verification page opened.
    OpenAlipay,
    /// A type not in the API document, verbatim.
    Unknown(String),
}

impl FastAuthEventKind {
    /// The kind of a `type` value, long (`aliyun_fast_auth_fail`) or short (`fail`).
    pub fn from_type(t: &str) -> Self {
        match t.strip_prefix("aliyun_fast_auth_").unwrap_or(t) {
            "init" => FastAuthEventKind::Init,
            "later" => FastAuthEventKind::Later,
            "another_authc_way" => FastAuthEventKind::AnotherAuthcWay,
            "success" => FastAuthEventKind::Success,
            "fail" => FastAuthEventKind::Fail,
            "re_authc" => FastAuthEventKind::ReAuthc,
            "open_alipay" => FastAuthEventKind::OpenAlipay,
            _ => FastAuthEventKind::Unknown(t.to_owned()),
        }
    }

    /// The short name (`init`, `success`, ...), or `unknown`.
    pub fn as_str(&self) -> &str {
        match self {
            FastAuthEventKind::Init => "init",
            FastAuthEventKind::Later => "later",
            FastAuthEventKind::AnotherAuthcWay => "another_authc_way",
            FastAuthEventKind::Success => "success",
            FastAuthEventKind::Fail => "fail",
            FastAuthEventKind::ReAuthc => "re_authc",
            FastAuthEventKind::OpenAlipay => "open_alipay",
            FastAuthEventKind::Unknown(_) => "unknown",
        }
    }

    /// Whether the flow in the iframe is over: success, or the customer chose to verify later.
    /// After a failure the page offers to try again, so `Fail` does not end it.
    pub fn ends_flow(&self) -> bool {
        matches!(self, FastAuthEventKind::Success | FastAuthEventKind::Later)
    }
}

impl fmt::Display for FastAuthEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed FastAuthc message `{success, type, data}`.
#[derive(Debug, Clone, PartialEq)]
pub struct FastAuthEvent {
    kind: FastAuthEventKind,
    success: bool,
    reason: Option<String>,
    data: Value,
}

impl FastAuthEvent {
    /// The event's type.
    pub fn kind(&self) -> &FastAuthEventKind {
        &self.kind
    }
    /// The message's `success` flag (false when absent).
    pub fn success(&self) -> bool {
        self.success
    }
    /// `data.reason`, for a failure.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
    /// The message's `data`, as sent.
    pub fn data(&self) -> &Value {
        &self.data
    }
    /// Whether the flow is over (see [`FastAuthEventKind::ends_flow`]).
    pub fn ends_flow(&self) -> bool {
        self.kind.ends_flow()
    }
}

/// Why a message is not a FastAuthc event to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventError {
    /// The message came from another origin than the link's: ignore it.
    OriginMismatch {
        /// The link's origin.
        expected: String,
        /// The message's origin (empty when unknown).
        actual: String,
    },
    /// Not a `{success, type, data}` object.
    Malformed(String),
}

impl EventError {
    /// Its kind: [`ErrorKind::OriginMismatch`] or [`ErrorKind::Malformed`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            EventError::OriginMismatch { .. } => ErrorKind::OriginMismatch,
            EventError::Malformed(_) => ErrorKind::Malformed,
        }
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::OriginMismatch { expected, actual } => write!(
                f,
                "message from origin {actual:?}, expected {expected:?}: ignore it"
            ),
            EventError::Malformed(why) => write!(f, "not a FastAuthc message: {why}"),
        }
    }
}

impl std::error::Error for EventError {}

/// Parses a FastAuthc `postMessage` payload (`data`, as JSON text).
///
/// When `expected_origin` is given (the link's origin, [`crate::CertWaysUrl::origin`]), a
/// message from any other `origin` is refused; one trailing `/` is ignored on both.
///
/// ```
/// use bidcert_core::{parse_fast_auth_event, FastAuthEventKind};
/// let e = parse_fast_auth_event(
///     r#"{"success":true,"type":"fail","data":{"reason":"name mismatch"}}"#,
///     Some("https://account.aliyun.com"),
///     Some("https://account.aliyun.com"),
/// ).unwrap();
/// assert_eq!(e.kind(), &FastAuthEventKind::Fail);
/// assert_eq!(e.reason(), Some("name mismatch"));
/// ```
pub fn parse_fast_auth_event(
    data: &str,
    origin: Option<&str>,
    expected_origin: Option<&str>,
) -> Result<FastAuthEvent, EventError> {
    if let Some(expected) = expected_origin {
        let trim = |s: &str| s.strip_suffix('/').unwrap_or(s).to_owned();
        // An unknown origin differs from every expected one, the empty string included.
        if origin.map(trim) != Some(trim(expected)) {
            return Err(EventError::OriginMismatch {
                expected: expected.to_owned(),
                actual: origin.map(trim).unwrap_or_default(),
            });
        }
    }
    let value: Value =
        serde_json::from_str(data).map_err(|e| EventError::Malformed(format!("not JSON ({e})")))?;
    let Value::Object(mut obj) = value else {
        return Err(EventError::Malformed("not a JSON object".into()));
    };
    let kind = match obj.get("type") {
        Some(Value::String(t)) => FastAuthEventKind::from_type(t),
        _ => return Err(EventError::Malformed("no string \"type\"".into())),
    };
    let success = matches!(obj.get("success"), Some(Value::Bool(true)));
    let data = obj.remove("data").unwrap_or(Value::Null);
    let reason = match kind {
        FastAuthEventKind::Fail => data
            .get("reason")
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    };
    Ok(FastAuthEvent {
        kind,
        success,
        reason,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Found by the fast_auth_event fuzz target: a message without an origin was taken for
    // one from the link's origin when that origin was empty.
    #[test]
    fn an_unknown_origin_never_matches_not_even_an_empty_one() {
        let e = parse_fast_auth_event(r#"{"type":"success"}"#, None, Some("")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::OriginMismatch);
        assert!(parse_fast_auth_event(r#"{"type":"success"}"#, Some(""), Some("/")).is_ok());
    }
}

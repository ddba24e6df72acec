//! `parse_fast_auth_event`. Input: a flags byte (bit 0: an origin is given, bit 1: an
//! expected origin is given), then `origin NUL expected_origin NUL data`.

use bidcert_core::{parse_fast_auth_event, EventError, FastAuthEventKind};
use serde_json::Value;

use crate::input::{fields, Reader};

/// One input.
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let flags = r.u8();
    let f = fields(r.rest(), 3);
    let origin = (flags & 1 != 0).then_some(f[0].as_str());
    let expected = (flags & 2 != 0).then_some(f[1].as_str());
    let text = f[2].as_str();

    let trim = |s: &str| s.strip_suffix('/').unwrap_or(s).to_owned();
    let foreign = expected.is_some_and(|e| origin.map(trim) != Some(trim(e)));
    // What the message is, read here without the parser: a JSON object with a string type.
    let message = serde_json::from_str::<Value>(text).ok();
    let type_ = message
        .as_ref()
        .and_then(|m| m.get("type"))
        .and_then(Value::as_str)
        .filter(|_| message.as_ref().is_some_and(Value::is_object));

    match parse_fast_auth_event(text, origin, expected) {
        Err(EventError::OriginMismatch { expected: e, .. }) => {
            assert!(foreign, "refused a message from the link's own origin");
            assert_eq!(Some(e.as_str()), expected);
        }
        Err(EventError::Malformed(_)) => {
            assert!(
                !foreign,
                "a foreign message must be refused for its origin first"
            );
            assert!(type_.is_none(), "refused a message with a string type");
        }
        Err(other) => panic!("unexpected {other:?}"),
        Ok(event) => {
            assert!(!foreign, "accepted a message from another origin");
            let Some(t) = type_ else {
                panic!("accepted a message without a string type")
            };
            let kind = event.kind();
            assert_eq!(kind, &FastAuthEventKind::from_type(t));
            match kind {
                FastAuthEventKind::Unknown(raw) => assert_eq!(raw, t),
                known => {
                    assert_eq!(&FastAuthEventKind::from_type(known.as_str()), known);
                    let long = format!("aliyun_fast_auth_{}", known.as_str());
                    assert_eq!(&FastAuthEventKind::from_type(&long), known);
                }
            }
            let success = message.as_ref().and_then(|m| m.get("success"));
            assert_eq!(event.success(), success == Some(&Value::Bool(true)));
            assert!(event.reason().is_none() || kind == &FastAuthEventKind::Fail);
            assert_eq!(
                event.ends_flow(),
                matches!(kind, FastAuthEventKind::Success | FastAuthEventKind::Later)
            );
        }
    }
}

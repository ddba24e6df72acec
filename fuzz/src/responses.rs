//! What every response parser promises about an error, whatever the body.

use bidcert_core::{redact_security_token, ApiErrorKind, Error, EXCERPT_LIMIT};

/// An error from parsing `(status, body)`: it keeps the status; an API error keeps a
/// non-empty code, its kind is the code's, and its message carries no security token; a
/// parse error keeps the body's first bytes.
pub fn check_error(status: u16, body: &[u8], e: &Error) {
    assert_eq!(e.http_status(), Some(status), "the status is lost: {e:?}");
    match e {
        Error::Api(api) => {
            assert!(!api.code().is_empty(), "an API error without a code");
            assert_eq!(api.kind(), ApiErrorKind::from_code(api.code()));
            assert_eq!(
                redact_security_token(api.message()),
                api.message(),
                "a security token is left in the message"
            );
        }
        Error::Parse(p) => {
            let cut = &body[..body.len().min(EXCERPT_LIMIT)];
            assert_eq!(p.excerpt(), String::from_utf8_lossy(cut));
        }
        other => panic!("a response parser answered {other:?}"),
    }
}

/// A success: only a 2xx status can give one.
pub fn check_success(status: u16) {
    assert!(
        (200..300).contains(&status),
        "HTTP {status} parsed as a success"
    );
}

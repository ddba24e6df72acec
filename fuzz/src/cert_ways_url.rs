//! `parse_cert_ways_url`. Input: the status (2 bytes), the issue time (8 bytes, Unix
//! seconds, taken modulo the timestamps' range), then the body.

use bidcert_core::{parse_cert_ways_url, Timestamp, CERT_WAYS_URL_VALIDITY_SECONDS};

use crate::input::Reader;
use crate::responses::{check_error, check_success};

/// One input.
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let status = r.u16();
    let unix = r.i64().rem_euclid(Timestamp::MAX_UNIX + 1);
    let Ok(issued_at) = Timestamp::from_unix(unix) else {
        panic!("{unix} is in the timestamps' range")
    };
    let body = r.rest();
    match parse_cert_ways_url(status, body, issued_at) {
        Ok(link) => {
            check_success(status);
            assert_eq!(link.issued_at(), issued_at);
            assert_eq!(
                link.expires_at().unix(),
                issued_at.unix() + CERT_WAYS_URL_VALIDITY_SECONDS,
                "a link expires 3 hours after it was issued"
            );
            assert!(!link.is_expired(issued_at));
            assert!(link.is_expired(link.expires_at()));
            assert!(!link.url().is_empty());
            assert!(link.url().starts_with(link.origin()));
        }
        Err(e) => check_error(status, body, &e),
    }
}

//! `parse_certified_info`. Input: the status (2 bytes), then the body.

use bidcert_core::parse_certified_info;

use crate::input::Reader;
use crate::responses::{check_error, check_success};

/// One input.
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let status = r.u16();
    let body = r.rest();
    match parse_certified_info(status, body) {
        Ok(info) => {
            check_success(status);
            // Debug masks the personal fields: none shows whole (unless too short to mask,
            // or the same text is also a field Debug shows whole).
            let shown = format!("{info:?}");
            let whole = format!(
                "{:?}{:?}{:?}{:?}",
                info.request_id(),
                info.aliyun_pk(),
                info.account_cert_type(),
                info.cert_type()
            );
            for value in [info.name(), info.phone(), info.cert_number()]
                .into_iter()
                .flatten()
            {
                let quoted = format!("{value:?}");
                if value.chars().count() >= 2 && !value.contains('*') && !whole.contains(value) {
                    assert!(!shown.contains(&quoted), "Debug shows {quoted}: {shown}");
                }
            }
        }
        Err(e) => check_error(status, body, &e),
    }
}

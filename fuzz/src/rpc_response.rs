//! `parse_rpc_response`, and the three parsers' agreement on what is an API error.
//! Input: the status (2 bytes), then the body.

use bidcert_core::{
    parse_cert_ways_url, parse_certified_info, parse_rpc_response, Error, Timestamp,
};

use crate::input::Reader;
use crate::responses::{check_error, check_success};

/// One input.
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let status = r.u16();
    let body = r.rest();
    let any = parse_rpc_response(status, body);
    match &any {
        Ok(value) => {
            check_success(status);
            assert!(value.is_object(), "a success is a JSON object");
        }
        Err(e) => check_error(status, body, e),
    }
    // One envelope for every operation: the same body is the same API error (or none).
    let api = |r: Result<(), Error>| r.err().and_then(|e| e.api_error().cloned());
    let at = Timestamp::from_unix(1_795_420_800).expect("a time in range");
    let expected = api(any.map(drop));
    assert_eq!(api(parse_certified_info(status, body).map(drop)), expected);
    assert_eq!(
        api(parse_cert_ways_url(status, body, at).map(drop)),
        expected
    );
}

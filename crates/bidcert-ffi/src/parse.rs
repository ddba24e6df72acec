//! Parsing response bodies received by any HTTP client (the Go package sends with net/http
//! and parses here, so every binding reads answers the same way).

use std::ffi::c_char;

use crate::convert::{bytes_arg, into_object, out_arg, string_out, timestamp_arg};
use crate::results::{bidcert_cert_ways_url, bidcert_certified_info};
use crate::status::bidcert_status;

/// Parses a QueryBidUserCertifiedInfo response: HTTP `status` and the `body_len` bytes of
/// `body` (NULL allowed when `body_len` is 0).
///
/// Ownership: `body` is only read; `*out` is owned by the caller, free it with
/// `bidcert_certified_info_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_API_ERROR` (an error body,
/// even with HTTP 200); `BIDCERT_PARSE` (a body that cannot be understood).
#[no_mangle]
pub unsafe extern "C" fn bidcert_parse_certified_info(
    status: u16,
    body: *const u8,
    body_len: usize,
    out: *mut *mut bidcert_certified_info,
) -> bidcert_status {
    ffi_status!({
        let body = unsafe { bytes_arg(body, body_len, "body") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let info = bidcert_core::parse_certified_info(status, body)?;
        *out = into_object(bidcert_certified_info::new(info));
        Ok(())
    })
}

/// Parses a GenerateAliyunBidCertWaysUrl response. `issued_at` is when the request was
/// signed (`bidcert_signed_request_timestamp`), `YYYY-MM-DDThh:mm:ssZ`, or NULL for now.
///
/// Ownership: `body` is only read; `*out` is owned by the caller, free it with
/// `bidcert_cert_ways_url_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8` (`issued_at`);
/// `BIDCERT_VALIDATION` (`issued_at`); `BIDCERT_API_ERROR`; `BIDCERT_PARSE`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_parse_cert_ways_url(
    status: u16,
    body: *const u8,
    body_len: usize,
    issued_at: *const c_char,
    out: *mut *mut bidcert_cert_ways_url,
) -> bidcert_status {
    ffi_status!({
        let body = unsafe { bytes_arg(body, body_len, "body") }?;
        let issued_at = unsafe { timestamp_arg(issued_at, "issued_at") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let url = bidcert_core::parse_cert_ways_url(status, body, issued_at)?;
        *out = into_object(bidcert_cert_ways_url::new(url));
        Ok(())
    })
}

/// Parses any RPC response and writes the JSON text of its object into `*out`.
///
/// Ownership: `body` is only read; `*out` is owned by the caller, free it with
/// `bidcert_string_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_API_ERROR`; `BIDCERT_PARSE`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_parse_rpc_response(
    status: u16,
    body: *const u8,
    body_len: usize,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let body = unsafe { bytes_arg(body, body_len, "body") }?;
        unsafe { out_arg(out, "out") }?;
        let value = bidcert_core::parse_rpc_response(status, body)?;
        unsafe { string_out(out, value.to_string()) }
    })
}

//! Signature V3 (ACS3-HMAC-SHA256), stage by stage: canonical request, string to sign,
//! `Authorization`. Pure; safe from any thread.

use std::ffi::c_char;

use bidcert_rs::v3;

use crate::convert::{bidcert_param, out_arg, params_arg_named, str_arg, string_out};
use crate::pure::method_arg;
use crate::status::bidcert_status;

/// The V3 canonical request into `*out`: `METHOD\nURI\nQUERY\n`, one `name:value\n` per
/// signed header, `\n`, the signed header names joined with `;`, `\n`, `hashed_payload`.
///
/// `method` is `"GET"` or `"POST"`; `canonical_uri` is the encoded path (`"/"` for RPC).
/// `query` (any order; names and values percent-encoded as for v1.0, sorted by name) may be
/// NULL when `query_len` is 0. `headers` (the request's headers, any spelling and order) may be
/// NULL when `headers_len` is 0: `host`, `content-type` and `x-acs-*` are signed, lower-cased,
/// their values trimmed of spaces and tabs; names differing only in case are one header whose
/// values are sorted and joined with `,`. `hashed_payload` is the lower-case hex SHA-256 of
/// the body.
/// Ownership: every argument is borrowed for the call; `*out` is owned by the caller, free it
/// with `bidcert_string_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (a NULL string, an array with a length, a
/// NULL key or value, `out`); `BIDCERT_INVALID_UTF8`; `BIDCERT_VALIDATION` (unknown method,
/// a path not starting with `/`, a payload hash that is not 64 lower-case hex digits, an empty
/// or repeated query name, a header name that is not an HTTP token, a control character in a
/// header value).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn bidcert_v3_canonical_request(
    method: *const c_char,
    canonical_uri: *const c_char,
    query: *const bidcert_param,
    query_len: usize,
    headers: *const bidcert_param,
    headers_len: usize,
    hashed_payload: *const c_char,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let method = unsafe { method_arg(method) }?;
        let uri = unsafe { str_arg(canonical_uri, "canonical_uri") }?;
        let query = unsafe { params_arg_named(query, query_len, "query") }?;
        let headers = unsafe { params_arg_named(headers, headers_len, "headers") }?;
        let payload = unsafe { str_arg(hashed_payload, "hashed_payload") }?;
        unsafe { out_arg(out, "out") }?;
        let cr = v3::canonical_request(method, uri, &query, &headers, payload)?;
        unsafe { string_out(out, cr.into_string()) }
    })
}

/// The V3 string to sign, `ACS3-HMAC-SHA256\n` + lower-case hex SHA-256 of
/// `canonical_request`, into `*out`.
///
/// Ownership: `canonical_request` is borrowed for the call; `*out` is owned by the caller,
/// free it with `bidcert_string_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_v3_string_to_sign(
    canonical_request: *const c_char,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let cr = unsafe { str_arg(canonical_request, "canonical_request") }?;
        unsafe { out_arg(out, "out") }?;
        unsafe { string_out(out, v3::string_to_sign(cr)) }
    })
}

/// The V3 `Authorization` header value,
/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<hex HMAC-SHA256>`, of
/// `canonical_request` (from `bidcert_v3_canonical_request`), into `*out`. The HMAC key is the
/// plain `access_key_secret`.
///
/// Ownership: the arguments are borrowed for the call (the secret is only read); `*out` is
/// owned by the caller, free it with `bidcert_string_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (`canonical_request` does not have the canonical request's lines).
#[no_mangle]
pub unsafe extern "C" fn bidcert_v3_authorization(
    canonical_request: *const c_char,
    access_key_id: *const c_char,
    access_key_secret: *const c_char,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let cr = unsafe { str_arg(canonical_request, "canonical_request") }?;
        let id = unsafe { str_arg(access_key_id, "access_key_id") }?;
        let secret = unsafe { str_arg(access_key_secret, "access_key_secret") }?;
        unsafe { out_arg(out, "out") }?;
        let cr: v3::CanonicalRequest = cr.parse()?;
        unsafe { string_out(out, v3::authorization(&cr, id, secret)) }
    })
}

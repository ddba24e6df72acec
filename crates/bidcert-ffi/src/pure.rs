//! Pure functions: percent-encoding, canonicalization, string-to-sign, signature, masking,
//! timestamps. No state; safe from any thread.

use std::ffi::c_char;

use bidcert_rs::{Method, Timestamp};

use crate::convert::{bidcert_param, out_arg, params_arg, str_arg, string_out};
use crate::error::bidcert_error;
use crate::status::bidcert_status;

pub(crate) unsafe fn method_arg(method: *const c_char) -> Result<Method, bidcert_error> {
    let method = unsafe { str_arg(method, "method") }?;
    Ok(method.parse::<Method>()?)
}

/// Percent-encodes `s` as the RPC signature requires (only `A-Z a-z 0-9 - _ . ~` stay;
/// upper-case hex; space is `%20`) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` if `s` or `out` is NULL;
/// `BIDCERT_INVALID_UTF8`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_percent_encode(
    s: *const c_char,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let s = unsafe { str_arg(s, "s") }?;
        unsafe { out_arg(out, "out") }?;
        unsafe { string_out(out, bidcert_rs::percent_encode(s)) }
    })
}

/// The canonicalized query string of `params` (sorted by name in byte order, each name and
/// value percent-encoded, joined with `&`; a `Signature` parameter is left out) into `*out`.
///
/// `params` may be NULL when `params_len` is 0.
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`params` with a length, a NULL key or
/// value, `out`); `BIDCERT_INVALID_UTF8`; `BIDCERT_VALIDATION` (empty or duplicate name).
#[no_mangle]
pub unsafe extern "C" fn bidcert_canonicalized_query(
    params: *const bidcert_param,
    params_len: usize,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let params = unsafe { params_arg(params, params_len) }?;
        unsafe { out_arg(out, "out") }?;
        let query = bidcert_rs::canonicalized_query(&params)?;
        unsafe { string_out(out, query) }
    })
}

/// The string to sign, `METHOD&%2F&percentEncode(canonicalized query)`, into `*out`.
///
/// `method` is `"GET"` or `"POST"`; `params` may be NULL when `params_len` is 0.
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (unknown method, empty or duplicate name).
#[no_mangle]
pub unsafe extern "C" fn bidcert_string_to_sign(
    method: *const c_char,
    params: *const bidcert_param,
    params_len: usize,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let params = unsafe { params_arg(params, params_len) }?;
        unsafe { out_arg(out, "out") }?;
        let method = unsafe { method_arg(method) }?;
        let sts = bidcert_rs::string_to_sign(method, &params)?;
        unsafe { string_out(out, sts) }
    })
}

/// The signature, Base64(HMAC-SHA1(`access_key_secret` + `&`, string to sign)), into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`. The secret
/// is only read during the call. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (unknown method, empty or duplicate name).
#[no_mangle]
pub unsafe extern "C" fn bidcert_signature(
    method: *const c_char,
    params: *const bidcert_param,
    params_len: usize,
    access_key_secret: *const c_char,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let params = unsafe { params_arg(params, params_len) }?;
        let secret = unsafe { str_arg(access_key_secret, "access_key_secret") }?;
        unsafe { out_arg(out, "out") }?;
        let method = unsafe { method_arg(method) }?;
        let signature = bidcert_rs::signature(method, &params, secret)?;
        unsafe { string_out(out, signature) }
    })
}

/// Masks personal data for display (keeps a quarter of the characters, at most 4, at each
/// end: `15812345678` -> `15*******78`) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_mask(s: *const c_char, out: *mut *mut c_char) -> bidcert_status {
    ffi_status!({
        let s = unsafe { str_arg(s, "s") }?;
        unsafe { out_arg(out, "out") }?;
        unsafe { string_out(out, bidcert_rs::mask(s)) }
    })
}

/// Formats Unix seconds as the wire timestamp `YYYY-MM-DDThh:mm:ssZ` (UTC) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (before 1970 or
/// after 9999).
#[no_mangle]
pub unsafe extern "C" fn bidcert_timestamp_format(
    unix_seconds: i64,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe { out_arg(out, "out") }?;
        let t = Timestamp::from_unix(unix_seconds)?;
        unsafe { string_out(out, t.as_str()) }
    })
}

/// Parses a wire timestamp `YYYY-MM-DDThh:mm:ssZ` (strictly) into Unix seconds in `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (another form).
#[no_mangle]
pub unsafe extern "C" fn bidcert_timestamp_parse(
    s: *const c_char,
    out: *mut i64,
) -> bidcert_status {
    ffi_status!({
        let s = unsafe { str_arg(s, "s") }?;
        let out = unsafe { out_arg(out, "out") }?;
        *out = Timestamp::parse(s)?.unix();
        Ok(())
    })
}

/// Checks an endpoint URL against the transport rule every binding applies: `https://` for
/// every host, plain `http://` only to a loopback address (`localhost`, `127.0.0.0/8`, `[::1]`)
/// unless `allow_insecure_http` is true.
///
/// Ownership: borrows `url` for the call only.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK` when the endpoint may be used; `BIDCERT_NULL_ARGUMENT`;
/// `BIDCERT_INVALID_UTF8`; `BIDCERT_VALIDATION` (not `http(s)://host[:port]`, or plain http
/// to another host; the last error says which).
#[no_mangle]
pub unsafe extern "C" fn bidcert_endpoint_check(
    url: *const c_char,
    allow_insecure_http: bool,
) -> bidcert_status {
    ffi_status!({
        let url = unsafe { str_arg(url, "url") }?;
        bidcert_rs::Endpoint::new(url)?.check_transport(allow_insecure_http)?;
        Ok(())
    })
}

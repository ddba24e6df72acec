//! `bidcert_fast_auth_event`: a FastAuthc `postMessage` from the verification page.

use std::ffi::c_char;

use bidcert_rs::FastAuthEvent;

use crate::convert::{
    free_object, get_opt_string, get_string, get_value, into_object, opt_str_arg, out_arg, str_arg,
};
use crate::status::bidcert_status;

/// A parsed FastAuthc event (opaque, immutable: getters are safe from any thread).
#[derive(Debug)]
pub struct bidcert_fast_auth_event {
    inner: FastAuthEvent,
}

/// Parses the JSON text `data` of a `postMessage` event from `origin`. When
/// `expected_origin` (the link's origin, `bidcert_cert_ways_url_origin`) is not NULL, the
/// origins must match (one trailing `/` ignored); a NULL `origin` then never matches.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_fast_auth_event_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`data`, `out`); `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_ORIGIN_MISMATCH` (kind `origin_mismatch`: ignore the message);
/// `BIDCERT_PARSE` (kind `malformed`: not a JSON object with a string `type`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_parse_fast_auth_event(
    data: *const c_char,
    origin: *const c_char,
    expected_origin: *const c_char,
    out: *mut *mut bidcert_fast_auth_event,
) -> bidcert_status {
    ffi_status!({
        let data = unsafe { str_arg(data, "data") }?;
        let origin = unsafe { opt_str_arg(origin, "origin") }?;
        let expected = unsafe { opt_str_arg(expected_origin, "expected_origin") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let inner = bidcert_rs::parse_fast_auth_event(data, origin, expected)?;
        *out = into_object(bidcert_fast_auth_event { inner });
        Ok(())
    })
}

/// The event type without its prefix (`init`, `later`, `another_authc_way`, `success`,
/// `fail`, `re_authc`, `open_alipay`, or `unknown`) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`event`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_fast_auth_event_type(
    event: *const bidcert_fast_auth_event,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(event, "event", out, |e| e.inner.kind().as_str()) } })
}

/// The `data.reason` of a `fail` event into `*out`, or NULL (absent, or another type).
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with
/// `bidcert_string_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`event`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_fast_auth_event_reason(
    event: *const bidcert_fast_auth_event,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_opt_string(event, "event", out, |e| e.inner.reason()) } })
}

/// The message's `data` member as JSON text into `*out` (`null` when absent).
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`event`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_fast_auth_event_data_json(
    event: *const bidcert_fast_auth_event,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(event, "event", out, |e| e.inner.data().to_string()) } })
}

/// The message's `success` (false when absent) into `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`event`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_fast_auth_event_success(
    event: *const bidcert_fast_auth_event,
    out: *mut bool,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(event, "event", out, |e| e.inner.success()) } })
}

/// Whether this event ends the flow (`success` and `later`) into `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`event`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_fast_auth_event_ends_flow(
    event: *const bidcert_fast_auth_event,
    out: *mut bool,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(event, "event", out, |e| e.inner.ends_flow()) } })
}

/// Frees an event. NULL is a no-op. Thread-safety: not concurrently with other uses.
#[no_mangle]
pub unsafe extern "C" fn bidcert_fast_auth_event_free(event: *mut bidcert_fast_auth_event) {
    ffi_void!({ unsafe { free_object(event) } })
}

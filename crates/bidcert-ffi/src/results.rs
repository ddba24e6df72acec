//! Result objects: `bidcert_certified_info` and `bidcert_cert_ways_url`.

use std::ffi::c_char;

use bidcert_rs::{CertWaysUrl, CertifiedInfo};

use crate::convert::{free_object, opt_string_out, out_arg, ref_arg};
use crate::error::bidcert_error;
use crate::status::bidcert_status;

/// A customer's verification state (opaque, immutable: getters are safe from any thread).
/// Name, phone and certificate number are personal data: their getters mask them unless
/// asked to reveal them.
#[derive(Debug)]
pub struct bidcert_certified_info {
    inner: CertifiedInfo,
}

impl bidcert_certified_info {
    pub(crate) fn new(inner: CertifiedInfo) -> Self {
        bidcert_certified_info { inner }
    }
}

/// A one-time verification link and its expiry (opaque, immutable).
#[derive(Debug)]
pub struct bidcert_cert_ways_url {
    inner: CertWaysUrl,
}

impl bidcert_cert_ways_url {
    pub(crate) fn new(inner: CertWaysUrl) -> Self {
        bidcert_cert_ways_url { inner }
    }
}

unsafe fn info_string(
    info: *const bidcert_certified_info,
    out: *mut *mut c_char,
    get: impl FnOnce(&CertifiedInfo) -> Option<String>,
) -> Result<(), bidcert_error> {
    let info = unsafe { ref_arg(info, "info") }?;
    unsafe { out_arg(out, "out") }?;
    unsafe { opt_string_out(out, get(&info.inner).as_deref()) }
}

fn masked(value: Option<&str>, reveal: bool) -> Option<String> {
    value.map(|v| {
        if reveal {
            v.to_owned()
        } else {
            bidcert_rs::mask(v)
        }
    })
}

unsafe fn url_string(
    url: *const bidcert_cert_ways_url,
    out: *mut *mut c_char,
    get: impl FnOnce(&CertWaysUrl) -> Option<String>,
) -> Result<(), bidcert_error> {
    let url = unsafe { ref_arg(url, "url") }?;
    unsafe { out_arg(out, "out") }?;
    unsafe { opt_string_out(out, get(&url.inner).as_deref()) }
}

/// The server's request id into `*out`, or NULL when absent.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_request_id(
    info: *const bidcert_certified_info,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { info_string(info, out, |r| r.request_id().map(str::to_owned)) } })
}

/// The customer's account id into `*out`, or NULL when absent.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_aliyun_pk(
    info: *const bidcert_certified_info,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { info_string(info, out, |r| r.aliyun_pk().map(str::to_owned)) } })
}

/// The account type (`personal`, `enterprise`, or the server's value verbatim) into `*out`,
/// or NULL when absent.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_account_cert_type(
    info: *const bidcert_certified_info,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe {
            info_string(info, out, |r| {
                r.account_cert_type().map(|t| t.as_str().to_owned())
            })
        }
    })
}

/// The certificate type (`ID`, `BUSINESS`, `ORGANIZATION_CODE`, `INSTITUTION_LEGAL_PERSON`,
/// or an unknown code verbatim) into `*out`, or NULL when absent.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_cert_type(
    info: *const bidcert_certified_info,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe { info_string(info, out, |r| r.cert_type().map(|t| t.name().to_owned())) }
    })
}

/// The certificate type's wire code (`0`, `9`, `12`, `13`, ...) into `*out`, or NULL.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_cert_type_code(
    info: *const bidcert_certified_info,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe { info_string(info, out, |r| r.cert_type().map(|t| t.code().to_owned())) }
    })
}

/// The verified name into `*out` (masked unless `reveal`), or NULL when absent.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_name(
    info: *const bidcert_certified_info,
    reveal: bool,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { info_string(info, out, |r| masked(r.name(), reveal)) } })
}

/// The phone number into `*out` (masked unless `reveal`), or NULL when absent.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_phone(
    info: *const bidcert_certified_info,
    reveal: bool,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { info_string(info, out, |r| masked(r.phone(), reveal)) } })
}

/// The certificate number into `*out` (masked unless `reveal`), or NULL when absent.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_cert_number(
    info: *const bidcert_certified_info,
    reveal: bool,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { info_string(info, out, |r| masked(r.cert_number(), reveal)) } })
}

/// Whether the customer has passed identity verification, into `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_is_certified(
    info: *const bidcert_certified_info,
    out: *mut bool,
) -> bidcert_status {
    ffi_status!({
        let info = unsafe { ref_arg(info, "info") }?;
        *unsafe { out_arg(out, "out") }? = info.inner.is_certified();
        Ok(())
    })
}

/// Frees a result. NULL is a no-op. Thread-safety: not concurrently with other uses.
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_free(info: *mut bidcert_certified_info) {
    ffi_void!({ unsafe { free_object(info) } })
}

/// The link to show the customer (in an iframe) into `*out`.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`url`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_cert_ways_url_url(
    url: *const bidcert_cert_ways_url,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { url_string(url, out, |r| Some(r.url().to_owned())) } })
}

/// The server's request id into `*out`, or NULL when absent.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`url`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_cert_ways_url_request_id(
    url: *const bidcert_cert_ways_url,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { url_string(url, out, |r| r.request_id().map(str::to_owned)) } })
}

/// The link's origin (`https://host[:port]`) into `*out`: the `expected_origin` for
/// `bidcert_parse_fast_auth_event`.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`url`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_cert_ways_url_origin(
    url: *const bidcert_cert_ways_url,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { url_string(url, out, |r| Some(r.origin().to_owned())) } })
}

/// When the link was obtained, in Unix seconds, into `*out`
/// (`bidcert_timestamp_format` gives the wire form).
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`url`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_cert_ways_url_issued_at(
    url: *const bidcert_cert_ways_url,
    out: *mut i64,
) -> bidcert_status {
    ffi_status!({
        let r = &unsafe { ref_arg(url, "url") }?.inner;
        *unsafe { out_arg(out, "out") }? = r.issued_at().unix();
        Ok(())
    })
}

/// When the link expires (issued + 3 hours), in Unix seconds, into `*out`
/// (`bidcert_timestamp_format` gives the wire form).
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`url`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_cert_ways_url_expires_at(
    url: *const bidcert_cert_ways_url,
    out: *mut i64,
) -> bidcert_status {
    ffi_status!({
        let r = &unsafe { ref_arg(url, "url") }?.inner;
        *unsafe { out_arg(out, "out") }? = r.expires_at().unix();
        Ok(())
    })
}

/// Frees a link. NULL is a no-op. Thread-safety: not concurrently with other uses.
#[no_mangle]
pub unsafe extern "C" fn bidcert_cert_ways_url_free(url: *mut bidcert_cert_ways_url) {
    ffi_void!({ unsafe { free_object(url) } })
}

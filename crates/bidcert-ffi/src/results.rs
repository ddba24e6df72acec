//! Result objects: `bidcert_certified_info` and `bidcert_cert_ways_url`.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use bidcert_rs::{CertWaysUrl, CertifiedInfo};

use crate::convert::{free_object, get_opt_string, get_string, get_value};
use crate::status::bidcert_status;

/// A customer's verification state (opaque, immutable: getters are safe from any thread).
/// Name, phone and certificate number are personal data: their getters mask them unless
/// asked to reveal them.
#[derive(Debug)]
pub struct bidcert_certified_info {
    inner: CertifiedInfo,
    // The C strings `bidcert_certified_info_fields` lends, made on first use.
    fields: OnceLock<Fields>,
}

impl bidcert_certified_info {
    pub(crate) fn new(inner: CertifiedInfo) -> Self {
        bidcert_certified_info {
            inner,
            fields: OnceLock::new(),
        }
    }
}

/// Every field of a `bidcert_certified_info` at once, borrowed from it (valid until its
/// `_free`); each string is NULL when absent. The personal data (`name`, `phone`,
/// `cert_number`) is verbatim, not masked: copy it, never log it. For bindings that copy a
/// whole result (one call instead of one per field).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_certified_info_fields {
    /// Whether the customer has passed identity verification.
    pub is_certified: bool,
    /// The server's request id.
    pub request_id: *const c_char,
    /// The customer's account id.
    pub aliyun_pk: *const c_char,
    /// `personal`, `enterprise`, or the server's value verbatim.
    pub account_cert_type: *const c_char,
    /// The verified name (personal data).
    pub name: *const c_char,
    /// The phone number (personal data).
    pub phone: *const c_char,
    /// `ID`, `BUSINESS`, `ORGANIZATION_CODE`, `INSTITUTION_LEGAL_PERSON`, or the code.
    pub cert_type: *const c_char,
    /// The certificate type's wire code (`0`, `9`, ...).
    pub cert_type_code: *const c_char,
    /// The certificate number (personal data).
    pub cert_number: *const c_char,
}

/// The owned C strings behind a `bidcert_certified_info_fields`.
#[derive(Debug)]
pub(crate) struct Fields {
    request_id: Option<CString>,
    aliyun_pk: Option<CString>,
    account_cert_type: Option<CString>,
    name: Option<CString>,
    phone: Option<CString>,
    cert_type: Option<CString>,
    cert_type_code: Option<CString>,
    cert_number: Option<CString>,
}

impl Fields {
    fn of(i: &CertifiedInfo) -> Self {
        let c = |s: Option<&str>| s.and_then(|s| CString::new(s).ok());
        Fields {
            request_id: c(i.request_id()),
            aliyun_pk: c(i.aliyun_pk()),
            account_cert_type: c(i.account_cert_type().map(|t| t.as_str())),
            name: c(i.name()),
            phone: c(i.phone()),
            cert_type: c(i.cert_type().map(|t| t.name())),
            cert_type_code: c(i.cert_type().map(|t| t.code())),
            cert_number: c(i.cert_number()),
        }
    }
}

fn borrow(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Writes every field of `info` into `*out` (see `bidcert_certified_info_fields`).
///
/// Ownership: the strings are borrowed from `info`, valid until `bidcert_certified_info_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`info`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_certified_info_get_fields(
    info: *const bidcert_certified_info,
    out: *mut bidcert_certified_info_fields,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(info, "info", out, |i| { fields_of(&i.inner, &i.fields) }) } })
}

/// The fields of `info`, lent from `cache` (filled on first use).
pub(crate) fn fields_of(
    info: &CertifiedInfo,
    cache: &OnceLock<Fields>,
) -> bidcert_certified_info_fields {
    let f = cache.get_or_init(|| Fields::of(info));
    bidcert_certified_info_fields {
        is_certified: info.is_certified(),
        request_id: borrow(&f.request_id),
        aliyun_pk: borrow(&f.aliyun_pk),
        account_cert_type: borrow(&f.account_cert_type),
        name: borrow(&f.name),
        phone: borrow(&f.phone),
        cert_type: borrow(&f.cert_type),
        cert_type_code: borrow(&f.cert_type_code),
        cert_number: borrow(&f.cert_number),
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
    ffi_status!({ unsafe { get_opt_string(info, "info", out, |i| i.inner.request_id()) } })
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
    ffi_status!({ unsafe { get_opt_string(info, "info", out, |i| i.inner.aliyun_pk()) } })
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
            get_opt_string(info, "info", out, |i| {
                i.inner.account_cert_type().map(|t| t.as_str())
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
        unsafe { get_opt_string(info, "info", out, |i| i.inner.cert_type().map(|t| t.name())) }
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
        unsafe { get_opt_string(info, "info", out, |i| i.inner.cert_type().map(|t| t.code())) }
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
    ffi_status!({
        unsafe {
            get_opt_string(info, "info", out, |i| {
                bidcert_rs::mask_unless(i.inner.name(), reveal)
            })
        }
    })
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
    ffi_status!({
        unsafe {
            get_opt_string(info, "info", out, |i| {
                bidcert_rs::mask_unless(i.inner.phone(), reveal)
            })
        }
    })
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
    ffi_status!({
        unsafe {
            get_opt_string(info, "info", out, |i| {
                bidcert_rs::mask_unless(i.inner.cert_number(), reveal)
            })
        }
    })
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
    ffi_status!({ unsafe { get_value(info, "info", out, |i| i.inner.is_certified()) } })
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
    ffi_status!({ unsafe { get_string(url, "url", out, |u| u.inner.url()) } })
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
    ffi_status!({ unsafe { get_opt_string(url, "url", out, |u| u.inner.request_id()) } })
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
    ffi_status!({ unsafe { get_string(url, "url", out, |u| u.inner.origin()) } })
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
    ffi_status!({ unsafe { get_value(url, "url", out, |u| u.inner.issued_at().unix()) } })
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
    ffi_status!({ unsafe { get_value(url, "url", out, |u| u.inner.expires_at().unix()) } })
}

/// Frees a link. NULL is a no-op. Thread-safety: not concurrently with other uses.
#[no_mangle]
pub unsafe extern "C" fn bidcert_cert_ways_url_free(url: *mut bidcert_cert_ways_url) {
    ffi_void!({ unsafe { free_object(url) } })
}

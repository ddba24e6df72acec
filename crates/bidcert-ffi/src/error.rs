//! `bidcert_error`: the details of a failed call, kept per thread.
//!
//! Every export that returns a `bidcert_status` records its outcome for the calling thread:
//! a failure replaces the thread's last error, a success clears it. `bidcert_last_error`
//! hands out an owned copy, so the details survive later calls.

use std::cell::RefCell;
use std::ffi::c_char;

use bidcert_rs::{ApiError, Diagnosis, ErrorKind, EventError, ValidationError};

use crate::convert::{
    c_owned, free_object, get_opt_string, get_string, get_value, into_object, out_arg,
};
use crate::enums::{FfiEnum, Mirror};
use crate::status::bidcert_status;

/// What went wrong: one flat list of every kind, the core's (with their stable snake_case
/// names, `bidcert_error_kind_name`) and the C boundary's own. Values are stable: new ones are
/// only ever added. Go's kinds are these constants.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_error_kind {
    /// `Empty PK` from the server.
    BIDCERT_ERROR_KIND_EMPTY_PK = 1,
    /// `Not Bid`: the caller is not a reseller account.
    BIDCERT_ERROR_KIND_NOT_BID = 2,
    /// `Bid Mismatch`: the customer does not belong to this reseller.
    BIDCERT_ERROR_KIND_BID_MISMATCH = 3,
    /// `Invalid PK`: no account has this PK.
    BIDCERT_ERROR_KIND_INVALID_PK = 4,
    /// `Already Certified`: the account is verified already.
    BIDCERT_ERROR_KIND_ALREADY_CERTIFIED = 5,
    /// `InvalidApi.NotFound`: the API has not been granted to this reseller.
    BIDCERT_ERROR_KIND_API_NOT_FOUND = 6,
    /// `InvalidAccessKeyId.NotFound`.
    BIDCERT_ERROR_KIND_ACCESS_KEY_NOT_FOUND = 7,
    /// `SignatureNonceUsed`.
    BIDCERT_ERROR_KIND_SIGNATURE_NONCE_USED = 8,
    /// `SignatureDoesNotMatch` (see `bidcert_error_diagnosis`).
    BIDCERT_ERROR_KIND_SIGNATURE_MISMATCH = 9,
    /// `Throttling`, `Throttling.*`.
    BIDCERT_ERROR_KIND_THROTTLING = 10,
    /// `InvalidTimeStamp.*` (see `bidcert_error_clock_offset`).
    BIDCERT_ERROR_KIND_TIMESTAMP = 11,
    /// `ServiceUnavailable`.
    BIDCERT_ERROR_KIND_SERVICE_UNAVAILABLE = 12,
    /// `InternalError`.
    BIDCERT_ERROR_KIND_INTERNAL_ERROR = 13,
    /// `Missing*`: a required parameter was not sent.
    BIDCERT_ERROR_KIND_MISSING_PARAMETER = 14,
    /// Any other server code, kept verbatim (`bidcert_error_code`).
    BIDCERT_ERROR_KIND_UNKNOWN = 15,
    /// An argument was rejected before anything was sent (`bidcert_error_field` names it).
    BIDCERT_ERROR_KIND_VALIDATION = 16,
    /// No usable credentials.
    BIDCERT_ERROR_KIND_CREDENTIALS = 17,
    /// The connection could not be made (refused, unreachable, DNS, proxy).
    BIDCERT_ERROR_KIND_CONNECT = 18,
    /// No complete response within the attempt's timeout or the call's budget.
    BIDCERT_ERROR_KIND_TIMEOUT = 19,
    /// The connection failed after it was made (reset, closed early, truncated, not HTTP).
    BIDCERT_ERROR_KIND_RESET = 20,
    /// The TLS handshake failed.
    BIDCERT_ERROR_KIND_TLS = 21,
    /// The response body could not be understood.
    BIDCERT_ERROR_KIND_PARSE = 22,
    /// The caller cancelled the call (a binding's cancellation: a Go context, an asyncio task).
    BIDCERT_ERROR_KIND_CANCELED = 23,
    /// A FastAuthc message came from another origin than the link's.
    BIDCERT_ERROR_KIND_ORIGIN_MISMATCH = 24,
    /// A FastAuthc message is not a `{success, type, data}` object.
    BIDCERT_ERROR_KIND_MALFORMED = 25,
    /// C boundary: a required pointer argument was NULL.
    BIDCERT_ERROR_KIND_NULL_ARGUMENT = 100,
    /// C boundary: a string argument was not valid UTF-8.
    BIDCERT_ERROR_KIND_INVALID_UTF8 = 101,
    /// C boundary: an enum argument was out of range.
    BIDCERT_ERROR_KIND_INVALID_ENUM = 102,
    /// C boundary: a bug in bidcert (a caught panic).
    BIDCERT_ERROR_KIND_INTERNAL = 103,
}

mirror!(bidcert_error_kind => ErrorKind);

impl From<ErrorKind> for bidcert_error_kind {
    /// A core kind C lacks cannot happen once the tests pass (`enums::tests`); it would read
    /// as `INTERNAL` rather than be lost.
    fn from(kind: ErrorKind) -> Self {
        bidcert_error_kind::from_core(kind)
            .unwrap_or(bidcert_error_kind::BIDCERT_ERROR_KIND_INTERNAL)
    }
}

/// The details of a failed call (opaque). Get one with `bidcert_last_error` (or
/// `bidcert_call_error`); free it with `bidcert_error_free`. Immutable: its getters may be
/// called from any thread.
#[derive(Debug, Clone)]
pub struct bidcert_error {
    pub(crate) status: bidcert_status,
    pub(crate) kind: bidcert_error_kind,
    pub(crate) code: Option<String>,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) http_status: u16,
    pub(crate) retryable: bool,
    pub(crate) field: Option<String>,
    pub(crate) diagnosis: Option<Diagnosis>,
    pub(crate) clock_offset: Option<i64>,
    // A credentials error: each source tried, with what it lacked.
    pub(crate) tried: Vec<(String, String)>,
}

impl bidcert_error {
    pub(crate) fn new(
        status: bidcert_status,
        kind: bidcert_error_kind,
        message: impl Into<String>,
    ) -> Self {
        bidcert_error {
            status,
            kind,
            code: None,
            message: message.into(),
            request_id: None,
            http_status: 0,
            retryable: false,
            field: None,
            diagnosis: None,
            clock_offset: None,
            tried: Vec::new(),
        }
    }

    pub(crate) fn null(arg: &str) -> Self {
        Self::new(
            bidcert_status::BIDCERT_NULL_ARGUMENT,
            bidcert_error_kind::BIDCERT_ERROR_KIND_NULL_ARGUMENT,
            format!("argument `{arg}` is NULL"),
        )
        .with_field(arg)
    }

    pub(crate) fn utf8(arg: &str) -> Self {
        Self::new(
            bidcert_status::BIDCERT_INVALID_UTF8,
            bidcert_error_kind::BIDCERT_ERROR_KIND_INVALID_UTF8,
            format!("argument `{arg}` is not valid UTF-8"),
        )
        .with_field(arg)
    }

    pub(crate) fn invalid_enum(arg: &str, value: u32, accepted: &str) -> Self {
        Self::new(
            bidcert_status::BIDCERT_INVALID_ENUM,
            bidcert_error_kind::BIDCERT_ERROR_KIND_INVALID_ENUM,
            format!("argument `{arg}` is {value}, not one of {accepted}"),
        )
        .with_field(arg)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(
            bidcert_status::BIDCERT_INTERNAL,
            bidcert_error_kind::BIDCERT_ERROR_KIND_INTERNAL,
            message,
        )
    }

    pub(crate) fn validation(field: &str, reason: &str) -> Self {
        ValidationError::new(field, reason).into()
    }

    fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    fn api(e: &ApiError) -> Self {
        bidcert_error {
            status: bidcert_status::BIDCERT_API_ERROR,
            kind: ErrorKind::from(e.kind()).into(),
            code: Some(e.code().to_owned()),
            message: e.message().to_owned(),
            request_id: e.request_id().map(str::to_owned),
            http_status: e.http_status(),
            retryable: e.is_retryable(),
            field: None,
            diagnosis: e.diagnosis().cloned(),
            clock_offset: e.clock_offset(),
            tried: Vec::new(),
        }
    }
}

impl From<ValidationError> for bidcert_error {
    fn from(e: ValidationError) -> Self {
        Self::new(
            bidcert_status::BIDCERT_VALIDATION,
            bidcert_error_kind::BIDCERT_ERROR_KIND_VALIDATION,
            e.to_string(),
        )
        .with_field(e.field())
    }
}

impl From<bidcert_rs::Error> for bidcert_error {
    fn from(e: bidcert_rs::Error) -> Self {
        use bidcert_rs::Error as E;
        let (kind, retryable) = (e.kind().into(), e.is_retryable());
        let mut out = match &e {
            E::Validation(v) => return v.clone().into(),
            E::Api(a) => return Self::api(a),
            E::Credentials(c) => {
                let mut out = Self::new(bidcert_status::BIDCERT_CREDENTIALS, kind, e.to_string());
                out.tried = c.tried().to_vec();
                out
            }
            E::Transport(t) => {
                let status = match t.kind() {
                    bidcert_rs::TransportKind::Timeout => bidcert_status::BIDCERT_TIMEOUT,
                    _ => bidcert_status::BIDCERT_TRANSPORT,
                };
                Self::new(status, kind, e.to_string())
            }
            E::Parse(p) => {
                let mut out = Self::new(bidcert_status::BIDCERT_PARSE, kind, e.to_string());
                out.http_status = p.http_status();
                out
            }
            _ => Self::internal(e.to_string()),
        };
        out.retryable = retryable;
        out
    }
}

impl From<EventError> for bidcert_error {
    fn from(e: EventError) -> Self {
        let status = match e {
            EventError::OriginMismatch { .. } => bidcert_status::BIDCERT_ORIGIN_MISMATCH,
            _ => bidcert_status::BIDCERT_PARSE,
        };
        Self::new(status, e.kind().into(), e.to_string())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<bidcert_error>> = const { RefCell::new(None) };
}

pub(crate) fn set_last_error(e: bidcert_error) {
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = Some(e));
}

/// The calling thread's last error, for the Rust tests.
#[cfg(test)]
pub(crate) fn last_error_for_tests() -> Option<bidcert_error> {
    LAST_ERROR.with(|last| last.borrow().clone())
}

pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|last| last.borrow_mut().take());
}

/// Copies the details of the calling thread's last failed call into `*out`, or writes NULL
/// when the thread's last status-returning call succeeded (or there was none).
///
/// Every export that returns a `bidcert_status` records its outcome per thread: a failure
/// replaces the last error, a success clears it. This function does not change it.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_error_free`.
/// Thread-safety: per thread; safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` if `out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn bidcert_last_error(out: *mut *mut bidcert_error) -> bidcert_status {
    ffi_value!(bidcert_status::BIDCERT_INTERNAL, {
        if out.is_null() {
            return bidcert_status::BIDCERT_NULL_ARGUMENT;
        }
        let copy = LAST_ERROR
            .try_with(|last| last.borrow().clone())
            .ok()
            .flatten();
        // SAFETY: `out` is non-NULL and, by the contract, points to writable memory.
        unsafe { *out = copy.map_or(std::ptr::null_mut(), into_object) };
        bidcert_status::BIDCERT_OK
    })
}

/// Frees an error. NULL is a no-op. Thread-safety: not concurrently with other uses of `err`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_free(err: *mut bidcert_error) {
    ffi_void!({ unsafe { free_object(err) } })
}

/// Writes the status of the failed call into `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` if `err` or `out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_status(
    err: *const bidcert_error,
    out: *mut bidcert_status,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(err, "err", out, |e| e.status) } })
}

/// Writes the kind into `*out`: for API errors the kind of the server's code
/// (`BIDCERT_ERROR_KIND_BID_MISMATCH`, `..._THROTTLING`, `..._UNKNOWN`, ...), else the kind of
/// local failure (`..._VALIDATION`, `..._TIMEOUT`, `..._NULL_ARGUMENT`, ...).
/// `bidcert_error_kind_name` gives its stable name.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_get_kind(
    err: *const bidcert_error,
    out: *mut bidcert_error_kind,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(err, "err", out, |e| e.kind) } })
}

/// The stable snake_case name of a `bidcert_error_kind` (`"bid_mismatch"`, `"timeout"`,
/// `"null_argument"`, ...), the same in every binding and in the test vectors; NULL for a
/// value that is no kind.
///
/// Takes the kind as `uint32_t` so any value is safe to pass.
/// Ownership: the string is static; never free it. Thread-safety: safe from any thread.
/// Never fails; does not touch the thread's last error.
#[no_mangle]
pub extern "C" fn bidcert_error_kind_name(kind: u32) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        bidcert_error_kind::from_u32(kind).map_or(std::ptr::null(), |k| k.name().as_ptr())
    })
}

/// Writes the server's error code, verbatim (`Bid Mismatch`), into `*out` (owned; free with
/// `bidcert_string_free`), or NULL when the failure was not an API error.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_code(
    err: *const bidcert_error,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_opt_string(err, "err", out, |e| e.code.as_deref()) } })
}

/// Writes the message into `*out` (owned; free with `bidcert_string_free`): the server's
/// message verbatim for an API error, else an English description. Never holds a secret.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_message(
    err: *const bidcert_error,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(err, "err", out, |e| e.message.as_str()) } })
}

/// Writes the server's request id into `*out` (owned; free with `bidcert_string_free`), or
/// NULL when there is none.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_request_id(
    err: *const bidcert_error,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_opt_string(err, "err", out, |e| e.request_id.as_deref()) } })
}

/// Writes the HTTP status of the response into `*out`, 0 when there was no response.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_http_status(
    err: *const bidcert_error,
    out: *mut u16,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(err, "err", out, |e| e.http_status) } })
}

/// Writes into `*out` whether repeating the call (signed afresh) can succeed.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_retryable(
    err: *const bidcert_error,
    out: *mut bool,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(err, "err", out, |e| e.retryable) } })
}

/// Writes the rejected argument or field (`PK`, `BidType`, `out`...) into `*out` (owned; free
/// with `bidcert_string_free`), or NULL when the failure was not about one argument.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_field(
    err: *const bidcert_error,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_opt_string(err, "err", out, |e| e.field.as_deref()) } })
}

/// For a credentials error (`BIDCERT_CREDENTIALS`): writes how many sources were tried into
/// `*out` (0 for any other error). `bidcert_error_tried` gives each.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_tried_count(
    err: *const bidcert_error,
    out: *mut usize,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(err, "err", out, |e| e.tried.len()) } })
}

/// For a credentials error: the source tried at `index` (in the order tried) into `*source`
/// (`environment`, `oidc`, or a file and profile, a role, an address) and what it lacked, or
/// why its credentials were refused (a key with a space at either end, say), into `*reason`.
/// Neither ever holds a secret.
///
/// Ownership: both are owned by the caller; free them with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`err`, `source`, `reason`);
/// `BIDCERT_VALIDATION` (`index` is not below `bidcert_error_tried_count`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_tried(
    err: *const bidcert_error,
    index: usize,
    source: *mut *mut c_char,
    reason: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let e = unsafe { crate::convert::ref_arg(err, "err") }?;
        let source = unsafe { out_arg(source, "source") }?;
        let reason = unsafe { out_arg(reason, "reason") }?;
        let (s, r) = e.tried.get(index).ok_or_else(|| {
            bidcert_error::validation(
                "index",
                &format!("is {index}; the error tried {} sources", e.tried.len()),
            )
        })?;
        // Both made before either is handed out: nothing leaks when one fails.
        let (s, r) = (c_owned(s.as_str())?, c_owned(r.as_str())?);
        *source = s.into_raw();
        *reason = r.into_raw();
        Ok(())
    })
}

/// For a `SignatureDoesNotMatch` from a client call: writes how the server's string to sign
/// differs from ours into `*out` (owned; free with `bidcert_string_free`), else NULL.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_diagnosis(
    err: *const bidcert_error,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe {
            get_opt_string(err, "err", out, |e| {
                e.diagnosis.as_ref().map(ToString::to_string)
            })
        }
    })
}

/// For a `SignatureDoesNotMatch` from a call: the diagnosis as JSON text (the shape of
/// `bidcert_diagnosis_to_json`) into `*out` (owned; free with `bidcert_string_free`), else
/// NULL.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_diagnosis_json(
    err: *const bidcert_error,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe {
            get_opt_string(err, "err", out, |e| {
                e.diagnosis.as_ref().map(|d| d.to_json().to_string())
            })
        }
    })
}

/// For a timestamp error from a call: writes whether the server's `Date` showed its clock
/// into `*known` and, when it did, the server's clock minus ours in seconds into `*seconds`
/// (untouched otherwise). The client keeps that offset for later calls.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`err`, `known`, `seconds`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_clock_offset(
    err: *const bidcert_error,
    known: *mut bool,
    seconds: *mut i64,
) -> bidcert_status {
    ffi_status!({
        let offset = unsafe { crate::convert::ref_arg(err, "err") }?.clock_offset;
        let known = unsafe { out_arg(known, "known") }?;
        let seconds = unsafe { out_arg(seconds, "seconds") }?;
        *known = offset.is_some();
        if let Some(s) = offset {
            *seconds = s;
        }
        Ok(())
    })
}

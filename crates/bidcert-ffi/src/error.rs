//! `bidcert_error`: the details of a failed call, kept per thread.
//!
//! Every export that returns a `bidcert_status` records its outcome for the calling thread:
//! a failure replaces the thread's last error, a success clears it. `bidcert_last_error`
//! hands out an owned copy, so the details survive later calls.

use std::cell::RefCell;
use std::ffi::c_char;

use bidcert_rs::{ApiError, EventError, ValidationError};

use crate::convert::{free_object, get_opt_string, get_string, get_value, into_object};
use crate::status::bidcert_status;

/// The details of a failed call (opaque). Get one with `bidcert_last_error`; free it with
/// `bidcert_error_free`. Immutable: its getters may be called from any thread.
#[derive(Debug, Clone)]
pub struct bidcert_error {
    pub(crate) status: bidcert_status,
    pub(crate) kind: String,
    pub(crate) code: Option<String>,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) http_status: u16,
    pub(crate) retryable: bool,
    pub(crate) field: Option<String>,
    pub(crate) diagnosis: Option<String>,
}

impl bidcert_error {
    pub(crate) fn new(status: bidcert_status, kind: &str, message: impl Into<String>) -> Self {
        bidcert_error {
            status,
            kind: kind.to_owned(),
            code: None,
            message: message.into(),
            request_id: None,
            http_status: 0,
            retryable: false,
            field: None,
            diagnosis: None,
        }
    }

    pub(crate) fn null(arg: &str) -> Self {
        Self::new(
            bidcert_status::BIDCERT_NULL_ARGUMENT,
            "null_argument",
            format!("argument `{arg}` is NULL"),
        )
        .with_field(arg)
    }

    pub(crate) fn utf8(arg: &str) -> Self {
        Self::new(
            bidcert_status::BIDCERT_INVALID_UTF8,
            "invalid_utf8",
            format!("argument `{arg}` is not valid UTF-8"),
        )
        .with_field(arg)
    }

    pub(crate) fn invalid_enum(arg: &str, value: u32, accepted: &str) -> Self {
        Self::new(
            bidcert_status::BIDCERT_INVALID_ENUM,
            "invalid_enum",
            format!("argument `{arg}` is {value}, not one of {accepted}"),
        )
        .with_field(arg)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(bidcert_status::BIDCERT_INTERNAL, "internal", message)
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
            kind: e.kind().as_str().to_owned(),
            code: Some(e.code().to_owned()),
            message: e.message().to_owned(),
            request_id: e.request_id().map(str::to_owned),
            http_status: e.http_status(),
            retryable: e.is_retryable(),
            field: None,
            diagnosis: None,
        }
    }

    fn parse(e: &bidcert_rs::ParseError) -> Self {
        let mut out = Self::new(bidcert_status::BIDCERT_PARSE, "parse", e.to_string());
        out.http_status = e.http_status();
        out.retryable = e.is_retryable();
        out
    }
}

impl From<ValidationError> for bidcert_error {
    fn from(e: ValidationError) -> Self {
        Self::new(
            bidcert_status::BIDCERT_VALIDATION,
            "validation",
            e.to_string(),
        )
        .with_field(e.field())
    }
}

impl From<bidcert_rs::Error> for bidcert_error {
    fn from(e: bidcert_rs::Error) -> Self {
        use bidcert_rs::Error as E;
        let retryable = e.is_retryable();
        let mut out = match e {
            E::Validation(v) => return v.into(),
            E::Credentials(c) => Self::new(
                bidcert_status::BIDCERT_CREDENTIALS,
                "credentials",
                c.to_string(),
            ),
            E::Transport(t) => {
                let status = match t.kind() {
                    bidcert_rs::TransportKind::Timeout => bidcert_status::BIDCERT_TIMEOUT,
                    _ => bidcert_status::BIDCERT_TRANSPORT,
                };
                Self::new(status, t.kind().as_str(), t.to_string())
            }
            E::Parse(p) => Self::parse(&p),
            E::Api(a) => {
                let mut out = Self::api(&a);
                out.diagnosis = a.diagnosis().map(ToString::to_string);
                out
            }
            other => Self::internal(other.to_string()),
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
        Self::new(status, e.kind().as_str(), e.to_string())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<bidcert_error>> = const { RefCell::new(None) };
}

pub(crate) fn set_last_error(e: bidcert_error) {
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = Some(e));
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

/// Writes the kind into `*out` (owned; free with `bidcert_string_free`): for API errors the
/// snake_case kind of the code (`not_bid`, `bid_mismatch`, `throttling`, `unknown`, ...), else
/// one of `null_argument`, `invalid_utf8`, `validation`, `transport`, `timeout`, `parse`,
/// `credentials`, `invalid_enum`, `internal`, `origin_mismatch`, `malformed`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_error_kind(
    err: *const bidcert_error,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(err, "err", out, |e| e.kind.as_str()) } })
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
    ffi_status!({ unsafe { get_opt_string(err, "err", out, |e| e.diagnosis.as_deref()) } })
}

/// Test support: panics inside the panic boundary, to show that no panic reaches C.
///
/// Thread-safety: safe from any thread.
/// Returns: always `BIDCERT_INTERNAL` (the caught panic).
#[no_mangle]
pub extern "C" fn bidcert_test_panic() -> bidcert_status {
    ffi_status!({ panic!("bidcert_test_panic was called") })
}

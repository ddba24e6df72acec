//! `bidcert_status`: what every fallible export returns. Values are never renumbered.

use std::ffi::{c_char, CStr};

use crate::enums::FfiEnum;

/// The result of a call. `BIDCERT_OK` is 0; every other value is a failure whose details
/// (`bidcert_last_error`) describe it. Values are stable: new ones are only ever added.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_status {
    /// Success.
    BIDCERT_OK = 0,
    /// A required pointer argument was NULL.
    BIDCERT_NULL_ARGUMENT = 1,
    /// A string argument was not valid UTF-8.
    BIDCERT_INVALID_UTF8 = 2,
    /// An argument was rejected (empty or non-digit PK, bad endpoint, duplicate parameter...).
    BIDCERT_VALIDATION = 3,
    /// The server answered with an error code (kind, code, message, request id in the error).
    BIDCERT_API_ERROR = 4,
    /// The request could not be sent or the response not read.
    BIDCERT_TRANSPORT = 5,
    /// No complete response within the configured timeout.
    BIDCERT_TIMEOUT = 6,
    /// A body (or a FastAuthc message) could not be understood.
    BIDCERT_PARSE = 7,
    /// No usable credentials were found.
    BIDCERT_CREDENTIALS = 8,
    /// An enum argument (bid type, platform, subject type, product, transport kind) was out
    /// of range.
    BIDCERT_INVALID_ENUM = 9,
    /// A bug in bidcert (a caught panic); the call had no effect.
    BIDCERT_INTERNAL = 10,
    /// A FastAuthc message came from another origin than the link's: ignore it.
    BIDCERT_ORIGIN_MISMATCH = 11,
}

/// A static, NUL-terminated English name for a status (`"BIDCERT_OK: success"`), or
/// `"BIDCERT_UNKNOWN_STATUS"` for a value that is not a status.
///
/// Takes the status as `uint32_t` so any value is safe to pass.
/// Ownership: the string is static; never free it. Thread-safety: safe from any thread.
/// Never fails; does not touch the thread's last error.
#[no_mangle]
pub extern "C" fn bidcert_status_str(status: u32) -> *const c_char {
    ffi_value!(c"BIDCERT_INTERNAL".as_ptr(), {
        use bidcert_status as S;
        let s: &'static CStr = match bidcert_status::from_u32(status) {
            Some(S::BIDCERT_OK) => c"BIDCERT_OK: success",
            Some(S::BIDCERT_NULL_ARGUMENT) => {
                c"BIDCERT_NULL_ARGUMENT: a required pointer argument was NULL"
            }
            Some(S::BIDCERT_INVALID_UTF8) => {
                c"BIDCERT_INVALID_UTF8: a string argument was not valid UTF-8"
            }
            Some(S::BIDCERT_VALIDATION) => c"BIDCERT_VALIDATION: an argument was rejected",
            Some(S::BIDCERT_API_ERROR) => {
                c"BIDCERT_API_ERROR: the server answered with an error code"
            }
            Some(S::BIDCERT_TRANSPORT) => {
                c"BIDCERT_TRANSPORT: the request could not be sent or the response not read"
            }
            Some(S::BIDCERT_TIMEOUT) => c"BIDCERT_TIMEOUT: no complete response within the timeout",
            Some(S::BIDCERT_PARSE) => c"BIDCERT_PARSE: the body could not be understood",
            Some(S::BIDCERT_CREDENTIALS) => c"BIDCERT_CREDENTIALS: no usable credentials",
            Some(S::BIDCERT_INVALID_ENUM) => {
                c"BIDCERT_INVALID_ENUM: an enum argument was out of range"
            }
            Some(S::BIDCERT_INTERNAL) => c"BIDCERT_INTERNAL: internal error (a bug in bidcert)",
            Some(S::BIDCERT_ORIGIN_MISMATCH) => {
                c"BIDCERT_ORIGIN_MISMATCH: the message came from an unexpected origin"
            }
            None => c"BIDCERT_UNKNOWN_STATUS",
        };
        s.as_ptr()
    })
}

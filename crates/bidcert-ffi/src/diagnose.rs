//! `bidcert_diagnosis`: what differs between the server's string to sign and ours.

use std::ffi::c_char;

use bidcert_rs::Diagnosis;

use crate::convert::{
    free_object, get_opt_string, get_string, get_value, into_object, out_arg, str_arg,
};
use crate::status::bidcert_status;

/// A signature-mismatch diagnosis (opaque, immutable: getters are safe from any thread).
#[derive(Debug)]
pub struct bidcert_diagnosis {
    inner: Diagnosis,
}

/// Compares the server's string to sign, quoted in a `SignatureDoesNotMatch` message
/// (`server_message`), with `our_string_to_sign` (`bidcert_signed_request_string_to_sign`).
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_diagnosis_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK` (also when the message quotes no string: see
/// `bidcert_diagnosis_server_string_found`); `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_diagnose_signature_mismatch(
    server_message: *const c_char,
    our_string_to_sign: *const c_char,
    out: *mut *mut bidcert_diagnosis,
) -> bidcert_status {
    ffi_status!({
        let message = unsafe { str_arg(server_message, "server_message") }?;
        let ours = unsafe { str_arg(our_string_to_sign, "our_string_to_sign") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let inner = bidcert_rs::diagnose_signature_mismatch(message, ours);
        *out = into_object(bidcert_diagnosis { inner });
        Ok(())
    })
}

/// Compares the V3 string to sign (and canonical request, when quoted) in a
/// `SignatureDoesNotMatch` message (`server_message`: `server StringToSign is [...]`,
/// `server CanonicalRequest is [...]`) with `our_canonical_request`. Identical strings to sign:
/// the secret is wrong. Otherwise each differing stage (`method`, `path`, a parameter, a
/// `header`, `signed_headers`, `payload_hash`), or `hashed_canonical_request` when the message
/// quotes only the hash. Security token values never appear.
///
/// Ownership: the arguments are borrowed for the call; `*out` is owned by the caller; free it
/// with `bidcert_diagnosis_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK` (also when the message quotes nothing: see
/// `bidcert_diagnosis_server_string_found`); `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_v3_diagnose_signature_mismatch(
    server_message: *const c_char,
    our_canonical_request: *const c_char,
    out: *mut *mut bidcert_diagnosis,
) -> bidcert_status {
    ffi_status!({
        let message = unsafe { str_arg(server_message, "server_message") }?;
        let ours = unsafe { str_arg(our_canonical_request, "our_canonical_request") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let inner = bidcert_rs::v3::diagnose_signature_mismatch(message, ours);
        *out = into_object(bidcert_diagnosis { inner });
        Ok(())
    })
}

/// An English explanation (`"Format: we signed \"JSON\", the server received \"json\""`,
/// `"identical strings: the secret is wrong"`, ...) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`diagnosis`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_diagnosis_text(
    diagnosis: *const bidcert_diagnosis,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(diagnosis, "diagnosis", out, |d| d.inner.to_string()) } })
}

/// The structured result as JSON text into `*out`, the core's one shape:
/// `{"server_string_found": bool, "server_string_to_sign": string | null, "identical": bool,
/// "differences": [{"kind": "method" | "missing" | "extra" | "different" | "encoding" (V3 also
/// "path" | "header" | "signed_headers" | "payload_hash" | "algorithm" |
/// "hashed_canonical_request"), "name", "ours", "server"}], "summary": string}` (each
/// difference has the keys its kind needs; `method` first, then by parameter name; V3 in
/// canonical request order).
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`diagnosis`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_diagnosis_to_json(
    diagnosis: *const bidcert_diagnosis,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe {
            get_string(diagnosis, "diagnosis", out, |d| {
                d.inner.to_json().to_string()
            })
        }
    })
}

/// The server's string to sign quoted in the message into `*out`, or NULL when absent.
///
/// Ownership: `*out` (when not NULL) is owned by the caller; free it with
/// `bidcert_string_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`diagnosis`, `out`); `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_diagnosis_server_string_to_sign(
    diagnosis: *const bidcert_diagnosis,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe {
            get_opt_string(diagnosis, "diagnosis", out, |d| {
                d.inner.server_string_to_sign()
            })
        }
    })
}

/// Whether the message quoted the server's string to sign, into `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`diagnosis`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_diagnosis_server_string_found(
    diagnosis: *const bidcert_diagnosis,
    out: *mut bool,
) -> bidcert_status {
    ffi_status!({
        unsafe {
            get_value(diagnosis, "diagnosis", out, |d| {
                d.inner.server_string_to_sign().is_some()
            })
        }
    })
}

/// Whether both strings are identical (so the secret is wrong), into `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`diagnosis`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_diagnosis_identical(
    diagnosis: *const bidcert_diagnosis,
    out: *mut bool,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(diagnosis, "diagnosis", out, |d| d.inner.is_identical()) } })
}

/// The number of differences into `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`diagnosis`, `out`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_diagnosis_difference_count(
    diagnosis: *const bidcert_diagnosis,
    out: *mut usize,
) -> bidcert_status {
    ffi_status!({
        unsafe { get_value(diagnosis, "diagnosis", out, |d| d.inner.differences().len()) }
    })
}

/// Frees a diagnosis. NULL is a no-op. Thread-safety: not concurrently with other uses.
#[no_mangle]
pub unsafe extern "C" fn bidcert_diagnosis_free(diagnosis: *mut bidcert_diagnosis) {
    ffi_void!({ unsafe { free_object(diagnosis) } })
}

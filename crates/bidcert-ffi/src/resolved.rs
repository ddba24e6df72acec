//! `bidcert_resolved_credentials`: what a provider handed out, as far as it may be shown:
//! where it came from, its kind, its AccessKey id and its expiry. Never the secret or a token.

use std::ffi::c_char;
use std::sync::Arc;

use bidcert_rs::credentials::ResolvedCredentials;

use crate::convert::{free_object, get_string, get_value, out_arg, ref_arg};
use crate::credentials::bidcert_credentials_kind;
use crate::status::bidcert_status;

/// Credentials as a provider resolved them (opaque), from `bidcert_credentials_current`.
/// Immutable: safe to share between threads. Its getters show no secret and no token.
#[derive(Debug)]
pub struct bidcert_resolved_credentials {
    pub(crate) inner: Arc<ResolvedCredentials>,
}

/// The source that gave them, by its stable name, into `*out`: `explicit`, `environment`,
/// `oidc`, `cli_config`, `credentials_file`, `ecs_metadata`, `credentials_uri`,
/// `ram_role_arn` (what `bidcert credentials` prints).
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_resolved_credentials_source(
    resolved: *const bidcert_resolved_credentials,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(resolved, "resolved", out, |r| r.inner.source()) } })
}

/// Which file and profile, role or address gave them (never a secret) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_resolved_credentials_detail(
    resolved: *const bidcert_resolved_credentials,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(resolved, "resolved", out, |r| r.inner.detail()) } })
}

/// Their kind into `*out`; `bidcert_credentials_kind_name` gives its stable name.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_resolved_credentials_kind(
    resolved: *const bidcert_resolved_credentials,
    out: *mut bidcert_credentials_kind,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(resolved, "resolved", out, |r| r.inner.kind().into()) } })
}

/// The AccessKey id (not a secret) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_resolved_credentials_access_key_id(
    resolved: *const bidcert_resolved_credentials,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe {
            get_string(resolved, "resolved", out, |r| {
                r.inner.credentials().access_key_id()
            })
        }
    })
}

/// Writes whether they expire into `*known` and, when they do, when, in seconds since the Unix
/// epoch, into `*unix_seconds` (untouched otherwise). Long-term keys do not expire.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`resolved`, `known`, `unix_seconds`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_resolved_credentials_expiration(
    resolved: *const bidcert_resolved_credentials,
    known: *mut bool,
    unix_seconds: *mut i64,
) -> bidcert_status {
    ffi_status!({
        let expiration = unsafe { ref_arg(resolved, "resolved") }?.inner.expiration();
        let known = unsafe { out_arg(known, "known") }?;
        let unix_seconds = unsafe { out_arg(unix_seconds, "unix_seconds") }?;
        *known = expiration.is_some();
        if let Some(e) = expiration {
            *unix_seconds = e.unix();
        }
        Ok(())
    })
}

/// Frees resolved credentials. NULL is a no-op.
/// Thread-safety: not concurrently with other uses of `resolved`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_resolved_credentials_free(
    resolved: *mut bidcert_resolved_credentials,
) {
    ffi_void!({ unsafe { free_object(resolved) } })
}

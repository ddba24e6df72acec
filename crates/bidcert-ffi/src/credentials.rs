//! `bidcert_credentials`: an AccessKey pair (and STS token). The secret never leaves it.

use std::ffi::c_char;

use bidcert_rs::Credentials;

use crate::convert::{free_object, get_string, into_object, opt_str_arg, out_arg, str_arg};
use crate::status::bidcert_status;

/// AccessKey credentials (opaque). Immutable: safe to share between threads. The secret and
/// token are wiped from memory when freed.
#[derive(Debug, Clone)]
pub struct bidcert_credentials {
    pub(crate) inner: Credentials,
}

/// New credentials from explicit values; `security_token` is NULL for long-term keys.
///
/// Ownership: the strings are copied; `*out` is owned by the caller, free it with
/// `bidcert_credentials_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`access_key_id`, `access_key_secret`,
/// `out`); `BIDCERT_INVALID_UTF8`; `BIDCERT_VALIDATION` (empty, or a control character).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_new(
    access_key_id: *const c_char,
    access_key_secret: *const c_char,
    security_token: *const c_char,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let id = unsafe { str_arg(access_key_id, "access_key_id") }?;
        let secret = unsafe { str_arg(access_key_secret, "access_key_secret") }?;
        let token = unsafe { opt_str_arg(security_token, "security_token") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let mut creds = Credentials::new(id, secret)?;
        if let Some(token) = token {
            creds = creds.with_security_token(token)?;
        }
        *out = into_object(bidcert_credentials { inner: creds });
        Ok(())
    })
}

/// Credentials from the default chain: `ALIBABA_CLOUD_ACCESS_KEY_ID` /
/// `ALIBABA_CLOUD_ACCESS_KEY_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN`, then the Alibaba
/// Cloud CLI profile, then the shared credentials file.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_credentials_free`.
/// Thread-safety: safe from any thread (reads the environment).
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_CREDENTIALS` (none usable; the
/// error message lists what was tried).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_resolve(
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let creds = bidcert_rs::credentials::resolve().map_err(bidcert_rs::Error::from)?;
        *out = into_object(bidcert_credentials { inner: creds });
        Ok(())
    })
}

/// The AccessKey id (not a secret) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_access_key_id(
    credentials: *const bidcert_credentials,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        unsafe { get_string(credentials, "credentials", out, |c| c.inner.access_key_id()) }
    })
}

/// Frees credentials (wiping the secret). NULL is a no-op.
/// Thread-safety: not concurrently with other uses of `credentials`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_free(credentials: *mut bidcert_credentials) {
    ffi_void!({ unsafe { free_object(credentials) } })
}

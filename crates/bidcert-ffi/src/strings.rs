//! Strings handed to C: owned by the caller, freed with `bidcert_string_free`.

use std::ffi::{c_char, CString};

/// Frees a string returned by this library. NULL is a no-op.
///
/// Ownership: takes back a string this library handed out; never pass memory from
/// elsewhere, never free one twice. Thread-safety: safe from any thread.
#[no_mangle]
pub unsafe extern "C" fn bidcert_string_free(s: *mut c_char) {
    ffi_void!({
        if !s.is_null() {
            // SAFETY: by the contract, `s` came from `CString::into_raw` here and is freed once.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

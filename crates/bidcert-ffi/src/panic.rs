//! The panic boundary every export runs in: no panic unwinds into C.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{bidcert_error, clear_last_error, set_last_error};
use crate::status::bidcert_status;

/// Runs the body of a status-returning export: `Ok` clears the thread's last error and
/// returns `BIDCERT_OK`; an error (or a panic, as `BIDCERT_INTERNAL`) becomes the thread's
/// last error and its status is returned.
macro_rules! ffi_status {
    ($body:block) => {
        $crate::panic::status_boundary(
            move || -> ::core::result::Result<(), $crate::error::bidcert_error> { $body },
        )
    };
}

/// Runs the body of an export that returns nothing (the `_free` functions): a panic is
/// swallowed, since there is no status to report it with.
macro_rules! ffi_void {
    ($body:block) => {
        $crate::panic::void_boundary(move || $body)
    };
}

/// Runs the body of an export that returns a plain value; a panic returns `$default`.
macro_rules! ffi_value {
    ($default:expr, $body:block) => {
        $crate::panic::value_boundary($default, move || $body)
    };
}

pub(crate) fn status_boundary<F>(f: F) -> bidcert_status
where
    F: FnOnce() -> Result<(), bidcert_error>,
{
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            clear_last_error();
            bidcert_status::BIDCERT_OK
        }
        Ok(Err(e)) => {
            let status = e.status;
            set_last_error(e);
            status
        }
        Err(payload) => {
            let e = bidcert_error::internal(panic_message(payload.as_ref()));
            let status = e.status;
            set_last_error(e);
            status
        }
    }
}

pub(crate) fn void_boundary<F: FnOnce()>(f: F) {
    let _ = catch_unwind(AssertUnwindSafe(f));
}

pub(crate) fn value_boundary<T, F: FnOnce() -> T>(default: T, f: F) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(default)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("internal error (a bug in bidcert, please report it): {what}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{bidcert_error_kind, last_error_for_tests};

    #[test]
    fn a_panic_becomes_internal_and_the_last_error() {
        let status = status_boundary(|| panic!("boom"));
        assert_eq!(status, bidcert_status::BIDCERT_INTERNAL);
        let last = last_error_for_tests().expect("the panic was recorded");
        assert_eq!(last.kind, bidcert_error_kind::BIDCERT_ERROR_KIND_INTERNAL);
        assert!(last.message.contains("boom"), "{}", last.message);
        // A success clears it.
        assert_eq!(status_boundary(|| Ok(())), bidcert_status::BIDCERT_OK);
        assert!(last_error_for_tests().is_none());
    }

    #[test]
    fn the_other_boundaries_swallow_a_panic() {
        void_boundary(|| panic!("in a _free"));
        assert_eq!(value_boundary(7, || panic!("in a getter")), 7);
    }
}

//! Test support: the local emulator of both endpoints, started in-process.

use std::ffi::c_char;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use emulator_rs::{demo, Emulator, EmulatorHandle, Fault, FaultKind, FaultScope};

use crate::convert::{
    free_object, get_string, get_value, into_object, out_arg, ref_arg, str_arg, string_out,
};
use crate::error::bidcert_error;
use crate::status::bidcert_status;

/// A running emulator (opaque). Thread-safe: its functions may be called from any thread.
#[derive(Debug)]
pub struct bidcert_emulator {
    handle: Mutex<Option<EmulatorHandle>>,
    base_url: String,
    port: u16,
}

/// A fault the emulator injects into the next API requests.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum bidcert_fault {
    /// Waits `latency_ms`, then answers normally.
    BIDCERT_FAULT_LATENCY = 0,
    /// HTTP 500 `InternalError`.
    BIDCERT_FAULT_HTTP_500 = 1,
    /// HTTP 503 `ServiceUnavailable`.
    BIDCERT_FAULT_HTTP_503 = 2,
    /// HTTP 400 `Throttling.User`.
    BIDCERT_FAULT_THROTTLING = 3,
    /// Closes the connection without an answer.
    BIDCERT_FAULT_DROP_CONNECTION = 4,
    /// Sends half of the body, then closes the connection.
    BIDCERT_FAULT_TRUNCATED_BODY = 5,
    /// HTTP 502 with an HTML page.
    BIDCERT_FAULT_NON_JSON_BODY = 6,
}

impl bidcert_emulator {
    /// The running server, or `None` once stopped. A poisoned lock is still usable: the
    /// handle holds no invariant a panic could break.
    fn handle(&self) -> MutexGuard<'_, Option<EmulatorHandle>> {
        self.handle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn with_handle<T>(
    emulator: &bidcert_emulator,
    f: impl FnOnce(&EmulatorHandle) -> T,
) -> Result<T, bidcert_error> {
    match emulator.handle().as_ref() {
        Some(handle) => Ok(f(handle)),
        None => Err(bidcert_error::validation(
            "emulator",
            "is stopped (bidcert_emulator_stop was called)",
        )),
    }
}

/// Starts the emulator with its demo fixture on `127.0.0.1:port` (0 picks a free port).
///
/// Ownership: `*out` is owned by the caller; stop and free it with `bidcert_emulator_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_TRANSPORT` (the port could not
/// be bound).
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_start(
    port: u16,
    out: *mut *mut bidcert_emulator,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let handle = Emulator::builder().port(port).start().map_err(|e| {
            bidcert_error::new(
                bidcert_status::BIDCERT_TRANSPORT,
                "transport",
                format!("could not start the emulator: {e}"),
            )
        })?;
        *out = into_object(bidcert_emulator {
            base_url: handle.base_url().to_owned(),
            port: handle.port(),
            handle: Mutex::new(Some(handle)),
        });
        Ok(())
    })
}

/// The emulator's base URL (`http://127.0.0.1:PORT`), the endpoint for both products, into
/// `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INTERNAL`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_url(
    emulator: *const bidcert_emulator,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({ unsafe { get_string(emulator, "emulator", out, |e| e.base_url.as_str()) } })
}

/// The port the emulator listens on, into `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_port(
    emulator: *const bidcert_emulator,
    out: *mut u16,
) -> bidcert_status {
    ffi_status!({ unsafe { get_value(emulator, "emulator", out, |e| e.port) } })
}

/// Marks customer `pk` verified, as a successful verification through the link would.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (no such customer, or the emulator is stopped).
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_verify_customer(
    emulator: *const bidcert_emulator,
    pk: *const c_char,
) -> bidcert_status {
    ffi_status!({
        let emulator = unsafe { ref_arg(emulator, "emulator") }?;
        let pk = unsafe { str_arg(pk, "pk") }?;
        with_handle(emulator, |h| h.verify_customer(pk))?
            .map_err(|e| bidcert_error::validation("pk", &e.to_string()))?;
        Ok(())
    })
}

/// Restores the fixture's customers, forgets nonces, faults and the request log.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (stopped).
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_reset(
    emulator: *const bidcert_emulator,
) -> bidcert_status {
    ffi_status!({
        let emulator = unsafe { ref_arg(emulator, "emulator") }?;
        with_handle(emulator, EmulatorHandle::reset)
    })
}

/// Moves the emulator's clock by `seconds` from the system clock (to provoke
/// `InvalidTimeStamp.Expired`).
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (stopped).
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_set_clock_offset(
    emulator: *const bidcert_emulator,
    seconds: i64,
) -> bidcert_status {
    ffi_status!({
        let emulator = unsafe { ref_arg(emulator, "emulator") }?;
        with_handle(emulator, |h| h.set_clock_offset(seconds))
    })
}

/// Injects `fault` (a `bidcert_fault`) into the next `count` API requests; `latency_ms` is
/// the delay of `BIDCERT_FAULT_LATENCY` and ignored otherwise.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_ENUM` (`fault`);
/// `BIDCERT_VALIDATION` (`count` is 0, or stopped).
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_inject_fault(
    emulator: *const bidcert_emulator,
    fault: u32,
    latency_ms: u64,
    count: u32,
) -> bidcert_status {
    ffi_status!({
        let emulator = unsafe { ref_arg(emulator, "emulator") }?;
        let kind = match fault {
            0 => FaultKind::Latency(Duration::from_millis(latency_ms)),
            1 => FaultKind::Http500,
            2 => FaultKind::Http503,
            3 => FaultKind::throttling(),
            4 => FaultKind::DropConnection,
            5 => FaultKind::TruncatedBody,
            6 => FaultKind::NonJsonBody,
            _ => {
                return Err(bidcert_error::invalid_enum(
                    "fault",
                    fault,
                    "BIDCERT_FAULT_LATENCY (0) to BIDCERT_FAULT_NON_JSON_BODY (6)",
                ))
            }
        };
        if count == 0 {
            return Err(bidcert_error::validation("count", "must be at least 1"));
        }
        with_handle(emulator, |h| {
            h.inject_fault(Fault::new(kind, FaultScope::Next(count)))
        })
    })
}

/// Removes every injected fault.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (stopped).
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_clear_faults(
    emulator: *const bidcert_emulator,
) -> bidcert_status {
    ffi_status!({
        let emulator = unsafe { ref_arg(emulator, "emulator") }?;
        with_handle(emulator, EmulatorHandle::clear_faults)
    })
}

/// The number of API requests in the emulator's log (bounded), into `*out`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_VALIDATION` (stopped).
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_request_count(
    emulator: *const bidcert_emulator,
    out: *mut usize,
) -> bidcert_status {
    ffi_status!({
        let emulator = unsafe { ref_arg(emulator, "emulator") }?;
        let out = unsafe { out_arg(out, "out") }?;
        *out = with_handle(emulator, |h| h.requests().len())?;
        Ok(())
    })
}

/// A well-known value of the demo fixture by `name` into `*out`: `NORMAL_ACCESS_KEY_ID`,
/// `NORMAL_ACCESS_KEY_SECRET`, `NORMAL_UID`, the same three for `LIGHTWEIGHT_`, `NO_AAS_` and
/// `ACCOUNT_`, and `UNVERIFIED_PK`, `PERSONAL_PK`, `ENTERPRISE_PK`, `LIGHTWEIGHT_CUSTOMER_PK`,
/// `NO_AAS_CUSTOMER_PK`, `UNKNOWN_PK`. Published test values.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (unknown name).
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_demo_value(
    name: *const c_char,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let name = unsafe { str_arg(name, "name") }?;
        unsafe { out_arg(out, "out") }?;
        let value = demo::value(name)
            .ok_or_else(|| bidcert_error::validation("name", "is not a demo value"))?;
        unsafe { string_out(out, value) }
    })
}

/// Stops serving (waits for the server thread). Idempotent; the object stays valid until
/// `bidcert_emulator_free`.
///
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_stop(
    emulator: *const bidcert_emulator,
) -> bidcert_status {
    ffi_status!({
        let emulator = unsafe { ref_arg(emulator, "emulator") }?;
        // Taken under the lock, shut down after it: other calls see "stopped" at once.
        let handle = emulator.handle().take();
        if let Some(h) = handle {
            h.shutdown();
        }
        Ok(())
    })
}

/// Stops the emulator if it runs, and frees it. NULL is a no-op.
/// Thread-safety: not concurrently with other uses of `emulator`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_emulator_free(emulator: *mut bidcert_emulator) {
    ffi_void!({
        // Dropping the handle stops the server and waits for its thread.
        unsafe { free_object(emulator) }
    })
}

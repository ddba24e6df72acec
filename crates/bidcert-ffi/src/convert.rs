//! Conversions at the edge: C arguments in, owned C strings and objects out.
//!
//! Every helper checks its pointer first and names the argument in the error.

use std::ffi::{c_char, CStr, CString};
use std::time::Duration;

use bidcert_rs::{Nonce, Timestamp};

use crate::error::bidcert_error;

/// One request parameter: a name and a value, both NUL-terminated UTF-8.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_param {
    /// The parameter name.
    pub key: *const c_char,
    /// The parameter value.
    pub value: *const c_char,
}

/// A required string argument.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str, bidcert_error> {
    unsafe { str_arg_named_by(p, || name.to_owned()) }
}

/// [`str_arg`] whose name is made only for an error: an array element's (`headers[2].key`)
/// costs a `format!`, which every call would otherwise pay.
unsafe fn str_arg_named_by<'a>(
    p: *const c_char,
    name: impl FnOnce() -> String,
) -> Result<&'a str, bidcert_error> {
    if p.is_null() {
        return Err(bidcert_error::null(&name()));
    }
    // SAFETY: non-NULL and, by the contract, a NUL-terminated string that outlives the call.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .map_err(|_| bidcert_error::utf8(&name()))
}

/// An optional string argument: NULL is `None`.
pub(crate) unsafe fn opt_str_arg<'a>(
    p: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, bidcert_error> {
    if p.is_null() {
        Ok(None)
    } else {
        unsafe { str_arg(p, name) }.map(Some)
    }
}

/// A required object argument.
pub(crate) unsafe fn ref_arg<'a, T>(p: *const T, name: &str) -> Result<&'a T, bidcert_error> {
    // SAFETY: by the contract, a non-NULL object pointer came from this library and is live.
    unsafe { p.as_ref() }.ok_or_else(|| bidcert_error::null(name))
}

/// A required out-parameter. Checked before any work, written only on success.
pub(crate) unsafe fn out_arg<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, bidcert_error> {
    // SAFETY: by the contract, a non-NULL out-pointer points to writable memory of its type.
    unsafe { p.as_mut() }.ok_or_else(|| bidcert_error::null(name))
}

/// A byte buffer: NULL is allowed only with length 0.
pub(crate) unsafe fn bytes_arg<'a>(
    p: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], bidcert_error> {
    if p.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(bidcert_error::null(name))
        };
    }
    // SAFETY: by the contract, `p` points to `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// An array of parameters: NULL is allowed only with length 0; every key and value must be
/// non-NULL UTF-8.
pub(crate) unsafe fn params_arg<'a>(
    p: *const bidcert_param,
    len: usize,
) -> Result<Vec<(&'a str, &'a str)>, bidcert_error> {
    unsafe { params_arg_named(p, len, "params") }
}

/// [`params_arg`] for the argument `name`.
pub(crate) unsafe fn params_arg_named<'a>(
    p: *const bidcert_param,
    len: usize,
    name: &str,
) -> Result<Vec<(&'a str, &'a str)>, bidcert_error> {
    let mut params = Vec::with_capacity(if p.is_null() { 0 } else { len });
    unsafe { for_each_param(p, len, name, |k, v| params.push((k, v))) }?;
    Ok(params)
}

/// [`params_arg_named`] without collecting: `f` gets each pair in order, until one is invalid
/// (then the error; build only local state with `f`).
pub(crate) unsafe fn for_each_param<'a>(
    p: *const bidcert_param,
    len: usize,
    name: &str,
    mut f: impl FnMut(&'a str, &'a str),
) -> Result<(), bidcert_error> {
    if p.is_null() {
        return if len == 0 {
            Ok(())
        } else {
            Err(bidcert_error::null(name))
        };
    }
    // SAFETY: by the contract, `p` points to `len` initialized `bidcert_param`s.
    let params = unsafe { std::slice::from_raw_parts(p, len) };
    for (i, param) in params.iter().enumerate() {
        let key = unsafe { str_arg_named_by(param.key, || format!("{name}[{i}].key")) }?;
        let value = unsafe { str_arg_named_by(param.value, || format!("{name}[{i}].value")) }?;
        f(key, value);
    }
    Ok(())
}

/// A duration field in milliseconds where 0 is unset (the default applies).
pub(crate) fn opt_millis(v: u64) -> Option<Duration> {
    (v != 0).then(|| Duration::from_millis(v))
}

/// An optional timestamp argument (`YYYY-MM-DDThh:mm:ssZ`): NULL is now.
pub(crate) unsafe fn timestamp_arg(
    p: *const c_char,
    name: &str,
) -> Result<Timestamp, bidcert_error> {
    match unsafe { opt_str_arg(p, name) }? {
        Some(t) => Ok(Timestamp::parse(t)?),
        None => Ok(Timestamp::now()),
    }
}

/// An optional `SignatureNonce` argument: NULL is a random one.
pub(crate) unsafe fn nonce_arg(p: *const c_char, name: &str) -> Result<Nonce, bidcert_error> {
    match unsafe { opt_str_arg(p, name) }? {
        Some(n) => Ok(Nonce::new(n)?),
        None => Ok(Nonce::random()),
    }
}

/// A C string still owned here, for a function that hands out several and must make them all
/// before it hands out any. An owned `String` is moved into it, not copied.
pub(crate) fn c_owned(s: impl Into<Vec<u8>>) -> Result<CString, bidcert_error> {
    CString::new(s).map_err(|_| {
        bidcert_error::internal("the value holds a NUL byte and cannot be returned as a C string")
    })
}

/// A new C string owned by the caller (freed with `bidcert_string_free`). An owned `String`
/// is moved into it, not copied.
pub(crate) fn c_string(s: impl Into<Vec<u8>>) -> Result<*mut c_char, bidcert_error> {
    c_owned(s).map(CString::into_raw)
}

/// Writes a new owned C string into a checked out-parameter.
pub(crate) unsafe fn string_out(
    out: *mut *mut c_char,
    s: impl Into<Vec<u8>>,
) -> Result<(), bidcert_error> {
    let out = unsafe { out_arg(out, "out") }?;
    *out = c_string(s)?;
    Ok(())
}

/// The body of a getter: checks the object `obj` (the argument `name`), then `out`, and writes
/// what `get` reads from the object.
pub(crate) unsafe fn get_value<T, V>(
    obj: *const T,
    name: &str,
    out: *mut V,
    get: impl FnOnce(&T) -> V,
) -> Result<(), bidcert_error> {
    let obj = unsafe { ref_arg(obj, name) }?;
    *unsafe { out_arg(out, "out") }? = get(obj);
    Ok(())
}

/// [`get_value`] for a string: writes a new owned C string.
pub(crate) unsafe fn get_string<'a, T: 'a, S: Into<Vec<u8>>>(
    obj: *const T,
    name: &str,
    out: *mut *mut c_char,
    get: impl FnOnce(&'a T) -> S,
) -> Result<(), bidcert_error> {
    unsafe { get_opt_string(obj, name, out, |o| Some(get(o))) }
}

/// [`get_value`] for an optional string: writes a new owned C string, or NULL for `None`.
pub(crate) unsafe fn get_opt_string<'a, T: 'a, S: Into<Vec<u8>>>(
    obj: *const T,
    name: &str,
    out: *mut *mut c_char,
    get: impl FnOnce(&'a T) -> Option<S>,
) -> Result<(), bidcert_error> {
    let obj = unsafe { ref_arg(obj, name) }?;
    let out = unsafe { out_arg(out, "out") }?;
    *out = match get(obj) {
        Some(s) => c_string(s)?,
        None => std::ptr::null_mut(),
    };
    Ok(())
}

/// Moves an object to the heap for C; freed by its `_free` through [`free_object`].
pub(crate) fn into_object<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees an object made by [`into_object`]; NULL is a no-op.
pub(crate) unsafe fn free_object<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: by the contract, `p` came from `into_object` and is freed once.
        drop(unsafe { Box::from_raw(p) });
    }
}

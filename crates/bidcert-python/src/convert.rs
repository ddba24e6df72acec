//! Conversions at the edge: Python enums and strings, datetimes, parameter lists, bodies.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use bidcert::{BidType, CertType, Nonce, Platform, SubjectType, Timestamp};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString, PyTuple, PyType};

use crate::errors::{invalid, BindingError};

/// The text of a wire value given as a `str` (our enums are `str` subclasses) or as any
/// `enum.Enum` member whose value is a `str`.
pub(crate) fn wire_str(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if is_enum_member(obj)? {
        if let Ok(value) = obj.getattr("value") {
            if let Ok(s) = value.cast::<PyString>() {
                return Ok(s.to_cow()?.into_owned());
            }
        }
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a str or a bidcert.{what}, not {}",
        type_name(obj)
    )))
}

fn is_enum_member(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    static ENUM: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let enum_type = ENUM.import(obj.py(), "enum", "Enum")?;
    obj.is_instance(enum_type)
}

/// The name of `obj`'s type, for `TypeError` messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

/// `obj` as a `str`, strictly (no `bytes`, no numbers).
fn as_str_arg<'a, 'py>(
    obj: &'a Bound<'py, PyAny>,
    what: &str,
) -> PyResult<&'a Bound<'py, PyString>> {
    obj.cast::<PyString>()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a str, not {}", type_name(obj))))
}

/// A `str` argument, strictly (no `bytes`, no numbers).
pub(crate) fn text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    Ok(as_str_arg(obj, what)?.to_str()?.to_owned())
}

/// A `str` argument borrowed, strictly (no `bytes`, no numbers).
pub(crate) fn borrowed_text<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<&'a str> {
    as_str_arg(obj, what)?.to_str()
}

/// A response body: `bytes` (borrowed, not copied), `bytearray`, `memoryview` or `str`
/// (encoded as UTF-8).
pub(crate) fn body<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Cow::Owned(s.to_cow()?.into_owned().into_bytes()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Cow::Owned(b.to_vec()));
    }
    let builtins = obj.py().import("builtins")?;
    if obj.is_instance(&builtins.getattr("memoryview")?)? {
        let b = builtins.getattr("bytes")?.call1((obj,))?;
        return Ok(Cow::Owned(b.cast::<PyBytes>()?.as_bytes().to_vec()));
    }
    Err(PyTypeError::new_err(format!(
        "body must be bytes or str, not {}",
        type_name(obj)
    )))
}

/// An HTTP status code.
pub(crate) fn status(obj: &Bound<'_, PyAny>) -> PyResult<u16> {
    if obj.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err("status must be an int, not bool"));
    }
    let n: i64 = obj.extract().map_err(|_| {
        PyTypeError::new_err(format!("status must be an int, not {}", type_name(obj)))
    })?;
    u16::try_from(n)
        .ok()
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| invalid("status", format!("{n} is not an HTTP status (100..=599)")))
}

macro_rules! enum_conversions {
    ($parse:ident, $to_py:ident, $ty:ty, $py_name:literal) => {
        /// Parses a `str` or enum member into the wire enum.
        pub(crate) fn $parse(obj: &Bound<'_, PyAny>) -> PyResult<$ty> {
            let s = wire_str(obj, $py_name)?;
            s.parse::<$ty>()
                .map_err(|e| PyErr::from(BindingError::from(e)))
        }

        /// The Python enum member of a wire value.
        pub(crate) fn $to_py<'py>(py: Python<'py>, v: $ty) -> PyResult<Bound<'py, PyAny>> {
            static TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
            TYPE.import(py, "bidcert._enums", $py_name)?
                .call1((v.as_str(),))
        }
    };
}

enum_conversions!(bid_type, bid_type_to_py, BidType, "BidType");
enum_conversions!(platform, platform_to_py, Platform, "Platform");
enum_conversions!(subject_type, subject_type_to_py, SubjectType, "SubjectType");

/// A certificate type: the `CertType` member for a documented code, the raw code otherwise.
pub(crate) fn cert_type_to_py<'py>(py: Python<'py>, v: &CertType) -> PyResult<Bound<'py, PyAny>> {
    static TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    match v {
        CertType::Other(code) => Ok(PyString::new(py, code).into_any()),
        known => TYPE
            .import(py, "bidcert._enums", "CertType")?
            .call1((known.name(),)),
    }
}

/// A timestamp given as an aware `datetime` or as `YYYY-MM-DDThh:mm:ssZ`.
pub(crate) fn timestamp(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Timestamp> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Timestamp::parse(&s.to_cow()?).map_err(|e| BindingError::from(e).into());
    }
    let py = obj.py();
    if obj.is_instance(datetime_type(py)?)? {
        if obj.getattr("tzinfo")?.is_none() || obj.call_method0("utcoffset")?.is_none() {
            return Err(invalid(
                "Timestamp",
                "is a naive datetime; give an aware one (tzinfo=datetime.timezone.utc)",
            ));
        }
        let secs: f64 = obj.call_method0("timestamp")?.extract()?;
        // Whole seconds, as the wire form has; floor, so 08:00:00.9 is still 08:00:00.
        let unix = secs.floor();
        if !unix.is_finite() || unix < i64::MIN as f64 || unix > i64::MAX as f64 {
            return Err(invalid("Timestamp", "is out of range"));
        }
        return Timestamp::from_unix(unix as i64).map_err(|e| BindingError::from(e).into());
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be an aware datetime or a str like 2026-11-23T08:00:00Z, not {}",
        type_name(obj)
    )))
}

/// A `SignatureNonce` given as a `str`; `None` is a random one (a UUID v4).
pub(crate) fn nonce(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Nonce> {
    match obj {
        Some(n) => Ok(Nonce::new(text(n, "nonce")?).map_err(BindingError::from)?),
        None => Ok(Nonce::random()),
    }
}

/// An instant for the call engine, to the microsecond: an aware `datetime`, or seconds since
/// the Unix epoch (`time.time()`); `None` is the system clock.
pub(crate) fn instant(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<SystemTime> {
    let Some(obj) = obj else {
        return Ok(SystemTime::now());
    };
    let py = obj.py();
    let secs: f64 = if obj.is_instance(datetime_type(py)?)? {
        if obj.call_method0("utcoffset")?.is_none() {
            return Err(invalid(
                what,
                "is a naive datetime; give an aware one (tzinfo=datetime.timezone.utc)",
            ));
        }
        obj.call_method0("timestamp")?.extract()?
    } else if obj.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a number, not bool"
        )));
    } else {
        obj.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what} must be an aware datetime or seconds since the epoch, not {}",
                type_name(obj)
            ))
        })?
    };
    let out_of_range = || invalid(what, format!("{secs} is out of range"));
    let since = Duration::try_from_secs_f64(secs.abs()).map_err(|_| out_of_range())?;
    let t = if secs >= 0.0 {
        SystemTime::UNIX_EPOCH.checked_add(since)
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(since)
    };
    t.ok_or_else(out_of_range)
}

fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    TYPE.import(py, "datetime", "datetime")
}

/// An aware UTC `datetime` of a timestamp.
pub(crate) fn datetime<'py>(py: Python<'py>, t: Timestamp) -> PyResult<Bound<'py, PyAny>> {
    static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let utc = UTC.get_or_try_init(py, || -> PyResult<_> {
        Ok(py
            .import("datetime")?
            .getattr("timezone")?
            .getattr("utc")?
            .unbind())
    })?;
    datetime_type(py)?.call_method1("fromtimestamp", (t.unix(), utc.bind(py)))
}

/// A `str` argument whose UTF-8 is borrowed from the string itself (the limited API has
/// lent it since Python 3.10: no copy, and none at all for ASCII text).
pub(crate) struct Utf8<'py>(Bound<'py, PyString>);

impl<'py> Utf8<'py> {
    pub(crate) fn new(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
        Ok(Utf8(as_str_arg(obj, what)?.clone()))
    }

    pub(crate) fn as_str(&self) -> PyResult<&str> {
        self.0.to_str()
    }
}

/// Signing parameters held by Python; borrow them with [`borrow_params`].
pub(crate) type HeldParams<'py> = Vec<(Utf8<'py>, Utf8<'py>)>;

/// Signing parameters: a mapping of `str` to `str`, or an iterable of `(name, value)` pairs.
pub(crate) fn params<'py>(obj: &Bound<'py, PyAny>) -> PyResult<HeldParams<'py>> {
    per_item_params(obj)
}

/// Borrows the parameters [`params`] holds.
pub(crate) fn borrow_params<'a>(held: &'a HeldParams<'_>) -> PyResult<Vec<(&'a str, &'a str)>> {
    held.iter()
        .map(|(k, v)| Ok((k.as_str()?, v.as_str()?)))
        .collect()
}

/// Signing parameters: a mapping of `str` to `str`, or an iterable of `(name, value)` pairs,
/// as UTF-8 held by Python (borrow them with [`borrow_params`]).
fn per_item_params<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<(Utf8<'py>, Utf8<'py>)>> {
    let mut out = Vec::new();
    let pair = |k: &Bound<'py, PyAny>, v: &Bound<'py, PyAny>| -> PyResult<(Utf8<'py>, Utf8<'py>)> {
        Ok((
            Utf8::new(k, "a parameter name")?,
            Utf8::new(v, "a parameter value")?,
        ))
    };
    if let Ok(d) = obj.cast::<PyDict>() {
        out.reserve(d.len());
        for (k, v) in d.iter() {
            out.push(pair(&k, &v)?);
        }
        return Ok(out);
    }
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "params must be a mapping or a sequence of (name, value) pairs, not a string",
        ));
    }
    if obj.hasattr("keys")? && obj.hasattr("__getitem__")? {
        for item in obj.call_method0("items")?.try_iter()? {
            let item = item?;
            out.push(pair(&item.get_item(0)?, &item.get_item(1)?)?);
        }
        return Ok(out);
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "params must be a mapping or a sequence of (name, value) pairs, not {}",
            type_name(obj)
        ))
    })?;
    for item in iter {
        let item = item?;
        let bad = || {
            PyTypeError::new_err(format!(
                "each parameter must be a (name, value) pair, not {}",
                type_name(&item)
            ))
        };
        if let Ok(t) = item.cast::<PyTuple>() {
            if t.len() != 2 {
                return Err(bad());
            }
            out.push(pair(&t.get_item(0)?, &t.get_item(1)?)?);
            continue;
        }
        if item.is_instance_of::<PyString>() {
            return Err(bad());
        }
        let n = item.len().map_err(|_| bad())?;
        if n != 2 {
            return Err(bad());
        }
        out.push(pair(&item.get_item(0)?, &item.get_item(1)?)?);
    }
    Ok(out)
}

/// `s` as Python's `repr` shows a `str` (single quotes), for `__repr__`s.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// An optional string as Python shows it: `None` or a quoted `str`.
pub(crate) fn quote_opt(s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_owned(), quote)
}

/// A `bool` as Python shows it, for `__repr__`s.
pub(crate) fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// The Python value of JSON text (`json.loads`), for `dict` and `list` results.
pub(crate) fn json_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOADS.import(py, "json", "loads")?.call1((text,))
}

//! The one conversion from Rust errors to Python exceptions.
//!
//! The class follows the error's core [`ErrorKind`] and nothing else: each class of
//! `bidcert/exceptions.py` declares the kind it stands for, and `exceptions.exception_class`
//! looks it up by the kind's name (the suite checks that every core kind has its class, and
//! that no class names a kind core lacks). This file names no class and no kind; it moves each
//! error's fields into its class's constructor.

use bidcert::{ErrorKind, EventError, ValidationError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

use crate::results::PyDiagnosis;

/// Everything the binding can fail with, before it becomes a Python exception.
#[derive(Debug)]
pub(crate) enum BindingError {
    /// Any error of the client crate (validation, credentials, transport, API, parse).
    Client(bidcert::Error),
    /// A FastAuthc message that is not to be acted on.
    Event(EventError),
}

impl BindingError {
    fn kind(&self) -> ErrorKind {
        match self {
            BindingError::Client(e) => e.kind(),
            BindingError::Event(e) => e.kind(),
        }
    }
}

impl From<bidcert::Error> for BindingError {
    fn from(e: bidcert::Error) -> Self {
        BindingError::Client(e)
    }
}

impl From<ValidationError> for BindingError {
    fn from(e: ValidationError) -> Self {
        BindingError::Client(bidcert::Error::Validation(e))
    }
}

impl From<EventError> for BindingError {
    fn from(e: EventError) -> Self {
        BindingError::Event(e)
    }
}

/// A validation error for `field`, as `bidcert.ValidationError`.
pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> PyErr {
    BindingError::from(ValidationError::new(field, reason)).into()
}

impl From<BindingError> for PyErr {
    fn from(e: BindingError) -> PyErr {
        Python::attach(|py| match exception(py, e) {
            Ok(instance) => PyErr::from_value(instance),
            // The constructor itself failed: its error says why.
            Err(e) => e,
        })
    }
}

/// The exception instance for `e`, not raised: what `Call`'s decisions carry.
pub(crate) fn exception(py: Python<'_>, e: BindingError) -> PyResult<Bound<'_, PyAny>> {
    let kind = e.kind();
    let kwargs = PyDict::new(py);
    let args = fields(py, e, &kwargs)?;
    match exception_class(py, kind) {
        Ok(class) => class.call(args, Some(&kwargs)),
        // Only a package whose Python half is older than its native half gets here: still
        // raise a `BidcertError` that names the kind.
        Err(_) => {
            let root = py.import("bidcert.exceptions")?.getattr("BidcertError")?;
            let instance = root.call1(args)?;
            instance.setattr("kind", kind.as_str())?;
            Ok(instance)
        }
    }
}

/// `bidcert.exceptions.exception_class(kind)`: the class that declares `kind`.
fn exception_class(py: Python<'_>, kind: ErrorKind) -> PyResult<Bound<'_, PyAny>> {
    static LOOKUP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let lookup = LOOKUP.get_or_try_init(py, || -> PyResult<_> {
        Ok(py
            .import("bidcert.exceptions")?
            .getattr("exception_class")?
            .unbind())
    })?;
    lookup.bind(py).call1((kind.as_str(),))
}

/// The positional arguments of `e`'s class, its keyword arguments put in `kw`.
fn fields<'py>(
    py: Python<'py>,
    e: BindingError,
    kw: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyTuple>> {
    use bidcert::Error as E;
    match e {
        BindingError::Client(E::Validation(v)) => (v.field(), v.reason()).into_pyobject(py),
        BindingError::Client(E::Credentials(c)) => {
            kw.set_item("tried", c.tried().to_vec())?;
            (c.to_string(),).into_pyobject(py)
        }
        BindingError::Client(E::Transport(t)) => {
            kw.set_item("retryable", t.is_retryable())?;
            (t.to_string(),).into_pyobject(py)
        }
        BindingError::Client(E::Parse(p)) => {
            kw.set_item("excerpt", p.excerpt())?;
            kw.set_item("retryable", p.is_retryable())?;
            (p.http_status(), p.reason()).into_pyobject(py)
        }
        BindingError::Client(E::Api(a)) => {
            kw.set_item("http_status", a.http_status())?;
            kw.set_item("request_id", a.request_id())?;
            kw.set_item("host_id", a.host_id())?;
            kw.set_item("recommend", a.recommend())?;
            kw.set_item("retryable", a.is_retryable())?;
            let diagnosis = a
                .diagnosis()
                .map(|d| Py::new(py, PyDiagnosis::from(d.clone())))
                .transpose()?;
            kw.set_item("diagnosis", diagnosis)?;
            kw.set_item("clock_offset", a.clock_offset())?;
            (a.code(), a.message()).into_pyobject(py)
        }
        BindingError::Client(other) => (other.to_string(),).into_pyobject(py),
        BindingError::Event(EventError::OriginMismatch { expected, actual }) => {
            (expected, actual).into_pyobject(py)
        }
        BindingError::Event(EventError::Malformed(why)) => (why,).into_pyobject(py),
        BindingError::Event(other) => (other.to_string(),).into_pyobject(py),
    }
}

//! The one conversion from Rust errors to Python exceptions.
//!
//! The exception classes are defined in `bidcert/exceptions.py` and imported here; the class
//! follows the error's kind enum, never its message text.

use bidcert::{ApiErrorKind, EventError, TransportKind, ValidationError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::results::PyDiagnosis;

mod exc {
    use pyo3::import_exception;

    import_exception!(bidcert.exceptions, BidcertError);
    import_exception!(bidcert.exceptions, ValidationError);
    import_exception!(bidcert.exceptions, CredentialsError);
    import_exception!(bidcert.exceptions, TransportError);
    import_exception!(bidcert.exceptions, TimeoutError);
    import_exception!(bidcert.exceptions, ResponseError);
    import_exception!(bidcert.exceptions, ApiError);
    import_exception!(bidcert.exceptions, EmptyPkError);
    import_exception!(bidcert.exceptions, NotBidError);
    import_exception!(bidcert.exceptions, BidMismatchError);
    import_exception!(bidcert.exceptions, InvalidPkError);
    import_exception!(bidcert.exceptions, AlreadyCertifiedError);
    import_exception!(bidcert.exceptions, ApiNotFoundError);
    import_exception!(bidcert.exceptions, AccessKeyNotFoundError);
    import_exception!(bidcert.exceptions, SignatureNonceUsedError);
    import_exception!(bidcert.exceptions, SignatureMismatchError);
    import_exception!(bidcert.exceptions, ThrottlingError);
    import_exception!(bidcert.exceptions, TimestampError);
    import_exception!(bidcert.exceptions, ServiceUnavailableError);
    import_exception!(bidcert.exceptions, InternalServerError);
    import_exception!(bidcert.exceptions, MissingParameterError);
    import_exception!(bidcert.exceptions, OriginMismatchError);
    import_exception!(bidcert.exceptions, MalformedEventError);
}

/// Everything the binding can fail with, before it becomes a Python exception.
#[derive(Debug)]
pub(crate) enum BindingError {
    /// Any error of the client crate (validation, credentials, transport, API, parse).
    Client(bidcert::Error),
    /// A FastAuthc message that is not to be acted on.
    Event(EventError),
    /// A call on a closed `Client`.
    Closed,
    /// A failure that is none of the above (a bad fixture, an unknown customer, ...), as a
    /// `BidcertError` with this message.
    Other(String),
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
        Python::attach(|py| to_pyerr(py, e))
    }
}

fn to_pyerr(py: Python<'_>, e: BindingError) -> PyErr {
    use bidcert::Error as E;
    match e {
        BindingError::Client(E::Validation(v)) => {
            exc::ValidationError::new_err((v.field().to_owned(), v.reason().to_owned()))
        }
        BindingError::Client(E::Credentials(c)) => {
            let tried: Vec<(String, String)> = c.tried().to_vec();
            build(
                py,
                py.get_type::<exc::CredentialsError>(),
                (c.to_string(),),
                |kw| kw.set_item("tried", tried),
            )
        }
        BindingError::Client(E::Transport(t)) if t.kind() == TransportKind::Timeout => {
            exc::TimeoutError::new_err((t.to_string(),))
        }
        BindingError::Client(E::Transport(t)) => exc::TransportError::new_err((t.to_string(),)),
        BindingError::Client(E::Parse(p)) => build(
            py,
            py.get_type::<exc::ResponseError>(),
            (p.http_status(), p.reason().to_owned()),
            |kw| {
                kw.set_item("excerpt", p.excerpt())?;
                kw.set_item("retryable", p.is_retryable())
            },
        ),
        BindingError::Client(E::Api(e)) => api_error(py, e),
        BindingError::Client(other) => exc::BidcertError::new_err((other.to_string(),)),
        BindingError::Event(EventError::OriginMismatch { expected, actual }) => {
            exc::OriginMismatchError::new_err((expected, actual))
        }
        BindingError::Event(EventError::Malformed(why)) => {
            exc::MalformedEventError::new_err((why,))
        }
        BindingError::Event(other) => exc::BidcertError::new_err((other.to_string(),)),
        BindingError::Closed => exc::BidcertError::new_err(("the client is closed",)),
        BindingError::Other(message) => exc::BidcertError::new_err((message,)),
    }
}

/// Instantiates `ty(*args, **kwargs)` and raises that instance; if the constructor itself
/// fails, its error is raised instead (it says why).
fn build<'py, A>(
    py: Python<'py>,
    ty: Bound<'py, pyo3::types::PyType>,
    args: A,
    kwargs: impl FnOnce(&Bound<'py, PyDict>) -> PyResult<()>,
) -> PyErr
where
    A: pyo3::call::PyCallArgs<'py>,
{
    let kw = PyDict::new(py);
    if let Err(e) = kwargs(&kw) {
        return e;
    }
    match ty.call(args, Some(&kw)) {
        Ok(obj) => PyErr::from_value(obj),
        Err(e) => e,
    }
}

fn api_error(py: Python<'_>, e: bidcert::ApiError) -> PyErr {
    let kind = e.kind();
    let ty = match kind {
        ApiErrorKind::EmptyPk => py.get_type::<exc::EmptyPkError>(),
        ApiErrorKind::NotBid => py.get_type::<exc::NotBidError>(),
        ApiErrorKind::BidMismatch => py.get_type::<exc::BidMismatchError>(),
        ApiErrorKind::InvalidPk => py.get_type::<exc::InvalidPkError>(),
        ApiErrorKind::AlreadyCertified => py.get_type::<exc::AlreadyCertifiedError>(),
        ApiErrorKind::ApiNotFound => py.get_type::<exc::ApiNotFoundError>(),
        ApiErrorKind::AccessKeyNotFound => py.get_type::<exc::AccessKeyNotFoundError>(),
        ApiErrorKind::SignatureNonceUsed => py.get_type::<exc::SignatureNonceUsedError>(),
        ApiErrorKind::SignatureMismatch => py.get_type::<exc::SignatureMismatchError>(),
        ApiErrorKind::Throttling => py.get_type::<exc::ThrottlingError>(),
        ApiErrorKind::Timestamp => py.get_type::<exc::TimestampError>(),
        ApiErrorKind::ServiceUnavailable => py.get_type::<exc::ServiceUnavailableError>(),
        ApiErrorKind::InternalError => py.get_type::<exc::InternalServerError>(),
        ApiErrorKind::MissingParameter => py.get_type::<exc::MissingParameterError>(),
        _ => py.get_type::<exc::ApiError>(),
    };
    build(
        py,
        ty,
        (e.code().to_owned(), e.message().to_owned()),
        |kw| {
            kw.set_item("http_status", e.http_status())?;
            kw.set_item("request_id", e.request_id())?;
            kw.set_item("host_id", e.host_id())?;
            kw.set_item("recommend", e.recommend())?;
            kw.set_item("retryable", e.is_retryable())?;
            match kind {
                ApiErrorKind::SignatureMismatch => {
                    let diagnosis = e
                        .diagnosis()
                        .map(|d| Py::new(py, PyDiagnosis::from(d.clone())))
                        .transpose()?;
                    kw.set_item("diagnosis", diagnosis)
                }
                ApiErrorKind::Timestamp => kw.set_item("clock_skew_seconds", e.clock_offset()),
                _ => Ok(()),
            }?;
            kw.set_item("kind", kind.as_str())
        },
    )
}

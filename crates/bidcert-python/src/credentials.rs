//! `Credentials`: an AccessKey pair (and STS token) whose secret never reaches Python again.

use pyo3::prelude::*;

use crate::convert::quote;
use crate::errors::BindingError;

/// An AccessKey pair, with a security token when the keys are temporary (STS).
///
/// The secret and the token are kept in Rust memory (wiped when dropped), never returned to
/// Python, and never shown by `repr`.
#[pyclass(frozen, module = "bidcert._native", name = "Credentials")]
pub(crate) struct PyCredentials {
    pub(crate) inner: bidcert::Credentials,
}

#[pymethods]
impl PyCredentials {
    #[new]
    #[pyo3(signature = (access_key_id, access_key_secret, security_token = None))]
    fn new(
        access_key_id: &str,
        access_key_secret: &str,
        security_token: Option<&str>,
    ) -> PyResult<Self> {
        let mut inner = bidcert::Credentials::new(access_key_id, access_key_secret)
            .map_err(BindingError::from)?;
        if let Some(token) = security_token {
            inner = inner
                .with_security_token(token)
                .map_err(BindingError::from)?;
        }
        Ok(PyCredentials { inner })
    }

    /// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, when set,
    /// `ALIBABA_CLOUD_SECURITY_TOKEN`; raises `CredentialsError` when a key variable is unset.
    #[staticmethod]
    pub(crate) fn from_env() -> PyResult<Self> {
        match bidcert::credentials::from_env() {
            Ok(inner) => Ok(PyCredentials { inner }),
            Err(e) => Err(BindingError::from(bidcert::Error::from(e)).into()),
        }
    }

    /// The AccessKey id (not a secret: it is sent with every request).
    #[getter]
    fn access_key_id(&self) -> &str {
        self.inner.access_key_id()
    }

    /// Whether the credentials carry an STS security token.
    #[getter]
    fn is_temporary(&self) -> bool {
        self.inner.security_token().is_some()
    }

    fn __repr__(&self) -> String {
        format!(
            "Credentials(access_key_id={}, access_key_secret=<redacted>, security_token={})",
            quote(self.inner.access_key_id()),
            if self.is_temporary() {
                "<redacted>"
            } else {
                "None"
            }
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCredentials>()
}

//! `Signer` and `SignedRequest`: sign without sending, for any HTTP client.

use bidcert::{Endpoint, Product, SignedRequest, Signer, Timestamp};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::convert::{self, quote, type_name};
use crate::credentials::PyCredentials;
use crate::errors::BindingError;
use crate::ops::{PyGenerateCertWaysUrl, PyQueryCertifiedInfo, PyRpcCall};

/// Signs operations with one set of credentials; sends nothing.
#[pyclass(frozen, module = "bidcert._native", name = "Signer")]
pub(crate) struct PySigner {
    pub(crate) inner: Signer,
}

#[pymethods]
impl PySigner {
    #[new]
    #[pyo3(signature = (credentials, *, crm_endpoint = None, aas_endpoint = None))]
    fn new(
        py: Python<'_>,
        credentials: &Bound<'_, PyCredentials>,
        crm_endpoint: Option<&str>,
        aas_endpoint: Option<&str>,
    ) -> PyResult<Self> {
        let mut inner = Signer::new(credentials.get().keys(py)?);
        for (product, url) in [(Product::Crm, crm_endpoint), (Product::Aas, aas_endpoint)] {
            if let Some(url) = url {
                inner =
                    inner.with_endpoint(product, Endpoint::new(url).map_err(BindingError::from)?);
            }
        }
        Ok(PySigner { inner })
    }

    /// Signs `op` at `timestamp` (default: now) with `nonce` (default: a fresh UUID v4).
    #[pyo3(signature = (op, *, timestamp = None, nonce = None))]
    fn sign(
        &self,
        op: &Bound<'_, PyAny>,
        timestamp: Option<&Bound<'_, PyAny>>,
        nonce: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySignedRequest> {
        let timestamp = match timestamp {
            Some(t) => convert::timestamp(t, "timestamp")?,
            None => Timestamp::now(),
        };
        let nonce = convert::nonce(nonce)?;
        // Borrow the operation where it lives: signing copies nothing it does not send.
        let signed = if let Ok(q) = op.cast::<PyQueryCertifiedInfo>() {
            self.inner.sign(&q.get().inner, timestamp, &nonce)
        } else if let Ok(g) = op.cast::<PyGenerateCertWaysUrl>() {
            self.inner.sign(&g.get().inner, timestamp, &nonce)
        } else if let Ok(c) = op.cast::<PyRpcCall>() {
            self.inner.sign(&c.get().inner, timestamp, &nonce)
        } else {
            return Err(PyTypeError::new_err(format!(
                "op must be a QueryCertifiedInfo, GenerateCertWaysUrl or RpcCall, not {}",
                type_name(op)
            )));
        };
        Ok(PySignedRequest {
            inner: signed.map_err(BindingError::from)?,
        })
    }

    /// The AccessKey id it signs with.
    #[getter]
    fn access_key_id(&self) -> &str {
        self.inner.credentials().access_key_id()
    }

    /// Where Crm requests go.
    #[getter]
    fn crm_endpoint(&self) -> &str {
        self.inner.endpoint(Product::Crm).as_str()
    }

    /// Where Aas requests go.
    #[getter]
    fn aas_endpoint(&self) -> &str {
        self.inner.endpoint(Product::Aas).as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "Signer(access_key_id={}, crm_endpoint={}, aas_endpoint={})",
            quote(self.access_key_id()),
            quote(self.crm_endpoint()),
            quote(self.aas_endpoint())
        )
    }
}

/// A signed request: send `method` to `url` with `headers` and `body`.
#[pyclass(frozen, module = "bidcert._native", name = "SignedRequest")]
pub(crate) struct PySignedRequest {
    pub(crate) inner: SignedRequest,
}

#[pymethods]
impl PySignedRequest {
    /// `GET` or `POST`: send it with the method it was signed for.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method().as_str()
    }

    /// The full URL, every parameter and the `Signature` in its query.
    #[getter]
    fn url(&self) -> &str {
        self.inner.url()
    }

    /// Headers to send.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.inner.headers() {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// The body to send (empty: every parameter is in the query).
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.body())
    }

    /// The string that was signed; compare it with a server's `server string to sign is:`.
    #[getter]
    fn string_to_sign(&self) -> &str {
        self.inner.string_to_sign()
    }

    /// The canonicalized query string (the URL's query without `Signature`).
    #[getter]
    fn canonicalized_query(&self) -> &str {
        self.inner.canonicalized_query()
    }

    /// The `Signature` parameter.
    #[getter]
    fn signature(&self) -> String {
        self.inner.signature()
    }

    /// When it was signed, as an aware UTC datetime.
    #[getter]
    fn timestamp<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::datetime(py, self.inner.timestamp())
    }

    /// The URL with `Signature` and `SecurityToken` replaced, for logs.
    #[getter]
    fn redacted_url(&self) -> String {
        self.inner.redacted_url()
    }

    fn __repr__(&self) -> String {
        format!(
            "SignedRequest(method={}, url={})",
            quote(self.method()),
            quote(&self.inner.redacted_url())
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySigner>()?;
    m.add_class::<PySignedRequest>()
}

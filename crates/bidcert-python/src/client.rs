//! `Client`: sends with the Rust client, the GIL released for the whole call.

use std::borrow::Cow;
use std::sync::{RwLock, RwLockReadGuard};

use bidcert::Product;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::convert::json_to_py;
use crate::convert::{quote, type_name};
use crate::credentials::PyCredentials;
use crate::errors::{invalid, BindingError};
use crate::ops::{PyGenerateCertWaysUrl, PyQueryCertifiedInfo, PyRpcCall};
use crate::policy::{PolicyArgs, PyPolicy};
use crate::results::{PyCertWaysUrl, PyCertifiedInfo};

/// A client for both operations and any other RPC action. Safe to share between threads:
/// calls run concurrently over one connection pool, without the GIL.
///
/// Retries, timeouts, the time budget and the body limit follow `policy` (default: the core's
/// `Policy()`); each policy keyword given (`max_attempts`, `timeout`, `connect_timeout`,
/// `budget`, `base_delay`, `max_delay` in seconds, `max_body_bytes`, `user_agent_suffix`)
/// replaces that one field. A clock skew the server reports is corrected and kept
/// (`clock_offset`).
#[pyclass(frozen, module = "bidcert._native", name = "Client")]
pub(crate) struct PyClient {
    // `None` once closed. Calls clone the client out (an Arc) and release the lock at once.
    inner: RwLock<Option<bidcert::Client>>,
}

impl PyClient {
    fn read(&self) -> RwLockReadGuard<'_, Option<bidcert::Client>> {
        self.inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn client(&self) -> PyResult<bidcert::Client> {
        self.read()
            .clone()
            .ok_or_else(|| invalid("client", "is closed"))
    }

    fn endpoint(&self, product: Product) -> PyResult<String> {
        Ok(self
            .client()?
            .signer()
            .endpoint(product)
            .as_str()
            .to_owned())
    }
}

#[pymethods]
impl PyClient {
    /// Every policy keyword left at `None` keeps `policy`'s value, and `policy` left at `None`
    /// is the core's default policy (see `Policy`).
    #[new]
    #[pyo3(signature = (
        credentials = None,
        *,
        endpoint = None,
        crm_endpoint = None,
        aas_endpoint = None,
        policy = None,
        max_attempts = None,
        timeout = None,
        connect_timeout = None,
        budget = None,
        base_delay = None,
        max_delay = None,
        max_body_bytes = None,
        user_agent_suffix = None,
        signature_version = None,
        proxy = None,
        ca_file = None,
        allow_insecure_http = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        credentials: Option<&Bound<'_, PyCredentials>>,
        endpoint: Option<String>,
        crm_endpoint: Option<String>,
        aas_endpoint: Option<String>,
        policy: Option<&Bound<'_, PyPolicy>>,
        max_attempts: Option<i64>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        budget: Option<f64>,
        base_delay: Option<f64>,
        max_delay: Option<f64>,
        max_body_bytes: Option<i64>,
        user_agent_suffix: Option<String>,
        signature_version: Option<String>,
        proxy: Option<String>,
        ca_file: Option<std::path::PathBuf>,
        allow_insecure_http: bool,
    ) -> PyResult<Self> {
        let policy = PolicyArgs {
            max_attempts,
            timeout,
            connect_timeout,
            budget,
            base_delay,
            max_delay,
            max_body_bytes,
            user_agent_suffix,
            signature_version,
        }
        .apply(policy.map(|p| p.get().inner.clone()).unwrap_or_default())?;
        let mut builder = bidcert::Client::builder()
            .policy(policy)
            .allow_insecure_http(allow_insecure_http);
        if let Some(c) = credentials {
            builder = builder.credentials(c.get().inner.clone());
        }
        if let Some(path) = ca_file {
            builder = builder.ca_file(path);
        }
        if let Some(url) = endpoint {
            builder = builder.endpoint(url);
        }
        if let Some(url) = crm_endpoint {
            builder = builder.crm_endpoint(url);
        }
        if let Some(url) = aas_endpoint {
            builder = builder.aas_endpoint(url);
        }
        if let Some(p) = proxy {
            builder = builder.proxy(p);
        }
        // Resolving credentials may read files: no GIL needed for that.
        let client = py.detach(|| builder.build()).map_err(BindingError::from)?;
        Ok(PyClient {
            inner: RwLock::new(Some(client)),
        })
    }

    /// A client with `Credentials.from_env()` and the given keyword options.
    #[classmethod]
    #[pyo3(signature = (**options))]
    fn from_env<'py>(
        cls: &Bound<'py, pyo3::types::PyType>,
        options: Option<&Bound<'py, pyo3::types::PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let credentials = Bound::new(cls.py(), PyCredentials::from_env()?)?;
        cls.call((credentials,), options)
    }

    /// `QueryBidUserCertifiedInfo`: whether a customer has passed identity verification.
    #[pyo3(signature = (pk, bid_type = None))]
    fn query_certified_info(
        &self,
        py: Python<'_>,
        pk: &Bound<'_, PyAny>,
        bid_type: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCertifiedInfo> {
        // A given operation is borrowed (the class is frozen), not copied, for the call.
        let op = match (pk.cast::<PyQueryCertifiedInfo>(), bid_type) {
            (Ok(op), None) => Cow::Borrowed(&op.get().inner),
            (Ok(_), Some(_)) => {
                return Err(PyTypeError::new_err(
                    "give either a QueryCertifiedInfo or pk and bid_type, not both",
                ))
            }
            (Err(_), Some(bid_type)) => Cow::Owned(PyQueryCertifiedInfo::new(pk, bid_type)?.inner),
            (Err(_), None) => {
                return Err(PyTypeError::new_err(format!(
                    "query_certified_info() takes a QueryCertifiedInfo, or pk and bid_type \
                     (got {} and no bid_type)",
                    type_name(pk)
                )))
            }
        };
        let client = self.client()?;
        let inner = py
            .detach(|| client.query_certified_info(&op))
            .map_err(BindingError::from)?;
        Ok(PyCertifiedInfo { inner })
    }

    /// `GenerateAliyunBidCertWaysUrl`: a one-time link, valid 3 hours, for the customer.
    #[pyo3(signature = (aliyun_pk, bid_type = None, *, platform = None, subject_type = None, is_open_app = false, is_mobile = false))]
    #[allow(clippy::too_many_arguments)]
    fn generate_cert_ways_url(
        &self,
        py: Python<'_>,
        aliyun_pk: &Bound<'_, PyAny>,
        bid_type: Option<&Bound<'_, PyAny>>,
        platform: Option<&Bound<'_, PyAny>>,
        subject_type: Option<&Bound<'_, PyAny>>,
        is_open_app: bool,
        is_mobile: bool,
    ) -> PyResult<PyCertWaysUrl> {
        let op = match (aliyun_pk.cast::<PyGenerateCertWaysUrl>(), bid_type) {
            (Ok(op), None)
                if platform.is_none() && subject_type.is_none() && !is_open_app && !is_mobile =>
            {
                Cow::Borrowed(&op.get().inner)
            }
            (Ok(_), _) => {
                return Err(PyTypeError::new_err(
                    "give either a GenerateCertWaysUrl or its fields, not both",
                ))
            }
            (Err(_), Some(bid_type)) => Cow::Owned(
                PyGenerateCertWaysUrl::new(
                    aliyun_pk,
                    bid_type,
                    platform,
                    subject_type,
                    is_open_app,
                    is_mobile,
                )?
                .inner,
            ),
            (Err(_), None) => {
                return Err(PyTypeError::new_err(format!(
                    "generate_cert_ways_url() takes a GenerateCertWaysUrl, or aliyun_pk and \
                     bid_type (got {} and no bid_type)",
                    type_name(aliyun_pk)
                )))
            }
        };
        let client = self.client()?;
        let inner = py
            .detach(|| client.generate_cert_ways_url(&op))
            .map_err(BindingError::from)?;
        Ok(PyCertWaysUrl { inner })
    }

    /// Any other RPC action; returns the response's JSON object as a `dict`.
    fn call<'py>(
        &self,
        py: Python<'py>,
        rpc_call: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let op = &rpc_call
            .cast::<PyRpcCall>()
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "call() takes an RpcCall, not {}",
                    type_name(rpc_call)
                ))
            })?
            .get()
            .inner;
        let client = self.client()?;
        let value = py
            .detach(|| client.call(op).map(|v| v.to_string()))
            .map_err(BindingError::from)?;
        json_to_py(py, &value)
    }

    /// Replaces the credentials (a rotated STS token, say); calls under way finish with the
    /// ones they started with.
    fn set_credentials(&self, credentials: &Bound<'_, PyCredentials>) -> PyResult<()> {
        self.client()?
            .set_credentials(credentials.get().inner.clone());
        Ok(())
    }

    /// The AccessKey id in use.
    #[getter]
    fn access_key_id(&self) -> PyResult<String> {
        Ok(self
            .client()?
            .signer()
            .credentials()
            .access_key_id()
            .to_owned())
    }

    /// Where Crm requests go.
    #[getter]
    fn crm_endpoint(&self) -> PyResult<String> {
        self.endpoint(Product::Crm)
    }

    /// Where Aas requests go.
    #[getter]
    fn aas_endpoint(&self) -> PyResult<String> {
        self.endpoint(Product::Aas)
    }

    /// The policy every call follows.
    #[getter]
    fn policy(&self) -> PyResult<PyPolicy> {
        Ok(PyPolicy {
            inner: self.client()?.policy().clone(),
        })
    }

    /// The server's clock minus ours, in seconds, as learned from the last timestamp error
    /// (0 until then). Every request is timestamped with our clock plus it.
    #[getter]
    fn clock_offset(&self) -> PyResult<i64> {
        Ok(self.client()?.clock_offset())
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.read().is_none()
    }

    /// Closes the connection pool; later calls raise `ValidationError`. Idempotent.
    fn close(&self) {
        let client = self
            .inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        drop(client);
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) {
        self.close();
    }

    fn __repr__(&self) -> String {
        match self.client() {
            Ok(c) => {
                let s = c.signer();
                format!(
                    "Client(access_key_id={}, crm_endpoint={}, aas_endpoint={})",
                    quote(s.credentials().access_key_id()),
                    quote(s.endpoint(Product::Crm).as_str()),
                    quote(s.endpoint(Product::Aas).as_str())
                )
            }
            Err(_) => "Client(<closed>)".to_owned(),
        }
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyClient>()
}

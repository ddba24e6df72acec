//! `Client`: the Rust client's calls on the process's runtime, the calling thread waiting
//! without the GIL and interruptible by Ctrl-C. The same object drives `bidcert.AsyncClient`
//! (its `_async_*` methods answer futures of the running loop).

use std::sync::{Arc, RwLock, RwLockReadGuard};

use bidcert::{
    CertWaysUrl, CertifiedInfo, GenerateCertWaysUrl, Product, QueryCertifiedInfo, RpcCall,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::convert::json_to_py;
use crate::convert::{quote, type_name};
use crate::credentials::PyCredentials;
use crate::errors::{invalid, BindingError};
use crate::ops::{PyGenerateCertWaysUrl, PyQueryCertifiedInfo, PyRpcCall};
use crate::policy::{PolicyArgs, PyPolicy};
use crate::results::{PyCertWaysUrl, PyCertifiedInfo};
use crate::runtime::{block_on, generation, spawn_future, Completions};

/// A client for both operations and any other RPC action. Safe to share between threads:
/// calls run concurrently over one connection pool, without the GIL. Ctrl-C during a call
/// (a retry's sleep included) aborts it and raises `KeyboardInterrupt`.
///
/// Retries, timeouts, the time budget and the body limit follow `policy` (default: the core's
/// `Policy()`); each policy keyword given (`max_attempts`, `timeout`, `connect_timeout`,
/// `budget`, `base_delay`, `max_delay` in seconds, `max_body_bytes`, `user_agent_suffix`)
/// replaces that one field. `resolve` maps host names to IP addresses to connect to instead
/// of looking them up (as `curl --resolve`); TLS still checks the name. A clock skew the server reports is corrected and kept
/// (`clock_offset`).
#[pyclass(frozen, module = "bidcert._native", name = "Client")]
pub(crate) struct PyClient {
    // `None` once closed. Calls clone the client out (an Arc) and release the lock at once.
    // The token is alive as long as the client is open: the pools that threads keep for
    // their blocking calls go with it.
    inner: RwLock<Option<Open>>,
}

/// An open client: the one its async calls use (with the fork generation of its pool) and
/// the token of the pools threads keep for its blocking calls.
#[derive(Clone)]
struct Open {
    client: bidcert::AsyncClient,
    generation: u64,
    alive: Arc<()>,
}

impl PyClient {
    fn read(&self) -> RwLockReadGuard<'_, Option<Open>> {
        self.inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The open client; in a child of `fork()`, with a new pool for its async calls (the
    /// inherited one's connections are driven by the parent's runtime).
    fn open(&self) -> PyResult<Open> {
        let open = self
            .read()
            .clone()
            .ok_or_else(|| invalid("client", "is closed"))?;
        if open.generation == generation() {
            return Ok(open);
        }
        let mut slot = self
            .inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(current) = slot.as_mut() else {
            return Err(invalid("client", "is closed"));
        };
        if current.generation != generation() {
            let own = current.client.with_own_pool().map_err(BindingError::from)?;
            // Not dropped: its connections' tasks belong to the parent's runtime, which
            // dropping them would wake.
            std::mem::forget(std::mem::replace(&mut current.client, own));
            current.generation = generation();
        }
        Ok(current.clone())
    }

    fn client(&self) -> PyResult<bidcert::AsyncClient> {
        Ok(self.open()?.client)
    }

    /// Runs the call `start` makes on this thread's runtime (see `runtime::block_on`).
    fn block_on<T, F>(
        &self,
        py: Python<'_>,
        start: impl FnOnce(bidcert::AsyncClient) -> F,
    ) -> PyResult<T>
    where
        F: std::future::Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let open = self.open()?;
        block_on(py, &open.client, &open.alive, start)
    }

    fn blocking(&self) -> PyResult<bidcert::Client> {
        Ok(self.client()?.blocking().clone())
    }

    fn endpoint(&self, product: Product) -> PyResult<String> {
        Ok(self
            .blocking()?
            .signer()
            .endpoint(product)
            .as_str()
            .to_owned())
    }
}

/// The operation of `query_certified_info(pk, bid_type)`.
fn query_op(
    pk: &Bound<'_, PyAny>,
    bid_type: Option<&Bound<'_, PyAny>>,
) -> PyResult<QueryCertifiedInfo> {
    match (pk.cast::<PyQueryCertifiedInfo>(), bid_type) {
        (Ok(op), None) => Ok(op.get().inner.clone()),
        (Ok(_), Some(_)) => Err(PyTypeError::new_err(
            "give either a QueryCertifiedInfo or pk and bid_type, not both",
        )),
        (Err(_), Some(bid_type)) => Ok(PyQueryCertifiedInfo::new(pk, bid_type)?.inner),
        (Err(_), None) => Err(PyTypeError::new_err(format!(
            "query_certified_info() takes a QueryCertifiedInfo, or pk and bid_type \
             (got {} and no bid_type)",
            type_name(pk)
        ))),
    }
}

/// The operation of `generate_cert_ways_url(aliyun_pk, bid_type, ...)`.
fn link_op(
    aliyun_pk: &Bound<'_, PyAny>,
    bid_type: Option<&Bound<'_, PyAny>>,
    platform: Option<&Bound<'_, PyAny>>,
    subject_type: Option<&Bound<'_, PyAny>>,
    is_open_app: bool,
    is_mobile: bool,
) -> PyResult<GenerateCertWaysUrl> {
    match (aliyun_pk.cast::<PyGenerateCertWaysUrl>(), bid_type) {
        (Ok(op), None)
            if platform.is_none() && subject_type.is_none() && !is_open_app && !is_mobile =>
        {
            Ok(op.get().inner.clone())
        }
        (Ok(_), _) => Err(PyTypeError::new_err(
            "give either a GenerateCertWaysUrl or its fields, not both",
        )),
        (Err(_), Some(bid_type)) => Ok(PyGenerateCertWaysUrl::new(
            aliyun_pk,
            bid_type,
            platform,
            subject_type,
            is_open_app,
            is_mobile,
        )?
        .inner),
        (Err(_), None) => Err(PyTypeError::new_err(format!(
            "generate_cert_ways_url() takes a GenerateCertWaysUrl, or aliyun_pk and \
             bid_type (got {} and no bid_type)",
            type_name(aliyun_pk)
        ))),
    }
}

/// The operation of `call(rpc_call)`.
fn rpc_op(rpc_call: &Bound<'_, PyAny>) -> PyResult<RpcCall> {
    Ok(rpc_call
        .cast::<PyRpcCall>()
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "call() takes an RpcCall, not {}",
                type_name(rpc_call)
            ))
        })?
        .get()
        .inner
        .clone())
}

fn info_to_py(py: Python<'_>, inner: CertifiedInfo) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, PyCertifiedInfo { inner })?.into_any())
}

fn link_to_py(py: Python<'_>, inner: CertWaysUrl) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, PyCertWaysUrl { inner })?.into_any())
}

fn json_text_to_py(py: Python<'_>, text: String) -> PyResult<Py<PyAny>> {
    Ok(json_to_py(py, &text)?.unbind())
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
        resolve = None,
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
        resolve: Option<std::collections::BTreeMap<String, String>>,
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
            builder = builder.provider(c.get().provider.clone());
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
        for (host, ip) in resolve.unwrap_or_default() {
            let ip = ip
                .parse()
                .map_err(|_| invalid("resolve", format!("{ip:?} is not an IP address")))?;
            builder = builder.resolve(host, ip);
        }
        // Resolving credentials may read files or ask STS: no GIL needed for that.
        let client = py
            .detach(|| builder.build_async())
            .map_err(BindingError::from)?;
        Ok(PyClient {
            inner: RwLock::new(Some(Open {
                client,
                generation: generation(),
                alive: Arc::new(()),
            })),
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
        let op = query_op(pk, bid_type)?;
        let inner = self
            .block_on(py, |client| async move {
                client.query_certified_info(&op).await
            })?
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
        let op = link_op(
            aliyun_pk,
            bid_type,
            platform,
            subject_type,
            is_open_app,
            is_mobile,
        )?;
        let inner = self
            .block_on(py, |client| async move {
                client.generate_cert_ways_url(&op).await
            })?
            .map_err(BindingError::from)?;
        Ok(PyCertWaysUrl { inner })
    }

    /// Any other RPC action; returns the response's JSON object as a `dict`.
    fn call<'py>(
        &self,
        py: Python<'py>,
        rpc_call: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let op = rpc_op(rpc_call)?;
        let value = self
            .block_on(py, |client| async move {
                client.call(&op).await.map(|v| v.to_string())
            })?
            .map_err(BindingError::from)?;
        json_to_py(py, &value)
    }

    /// `query_certified_info` as a future of `completions`' loop (for `bidcert.AsyncClient`).
    #[pyo3(signature = (completions, pk, bid_type = None))]
    fn _async_query_certified_info<'py>(
        &self,
        py: Python<'py>,
        completions: &Bound<'py, Completions>,
        pk: &Bound<'py, PyAny>,
        bid_type: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let op = query_op(pk, bid_type)?;
        let client = self.client()?;
        let call = async move { client.query_certified_info(&op).await };
        spawn_future(py, completions, call, info_to_py)
    }

    /// `generate_cert_ways_url` as a future of `completions`' loop.
    #[pyo3(signature = (completions, aliyun_pk, bid_type = None, *, platform = None, subject_type = None, is_open_app = false, is_mobile = false))]
    #[allow(clippy::too_many_arguments)]
    fn _async_generate_cert_ways_url<'py>(
        &self,
        py: Python<'py>,
        completions: &Bound<'py, Completions>,
        aliyun_pk: &Bound<'py, PyAny>,
        bid_type: Option<&Bound<'py, PyAny>>,
        platform: Option<&Bound<'py, PyAny>>,
        subject_type: Option<&Bound<'py, PyAny>>,
        is_open_app: bool,
        is_mobile: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let op = link_op(
            aliyun_pk,
            bid_type,
            platform,
            subject_type,
            is_open_app,
            is_mobile,
        )?;
        let client = self.client()?;
        let call = async move { client.generate_cert_ways_url(&op).await };
        spawn_future(py, completions, call, link_to_py)
    }

    /// `call` as a future of `completions`' loop.
    fn _async_call<'py>(
        &self,
        py: Python<'py>,
        completions: &Bound<'py, Completions>,
        rpc_call: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let op = rpc_op(rpc_call)?;
        let client = self.client()?;
        let call = async move { client.call(&op).await.map(|v| v.to_string()) };
        spawn_future(py, completions, call, json_text_to_py)
    }

    /// Replaces the credentials (a rotated STS token, say); calls under way finish with the
    /// ones they started with.
    fn set_credentials(&self, credentials: &Bound<'_, PyCredentials>) -> PyResult<()> {
        self.blocking()?
            .set_provider(credentials.get().provider.clone());
        Ok(())
    }

    /// The AccessKey id in use (refreshed first when due, which may ask STS or the metadata
    /// service).
    #[getter]
    fn access_key_id(&self, py: Python<'_>) -> PyResult<String> {
        let client = self.blocking()?;
        Ok(py.detach(|| client.signer().credentials().access_key_id().to_owned()))
    }

    /// System name lookups made so far by this client (cached answers, IP literals and fixed
    /// addresses are not lookups): at most one per host per cache interval.
    #[getter]
    fn name_lookups(&self) -> PyResult<u64> {
        Ok(self.blocking()?.name_lookups())
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
            inner: self.blocking()?.policy().clone(),
        })
    }

    /// The server's clock minus ours, in seconds, as learned from the last timestamp error
    /// (0 until then). Every request is timestamped with our clock plus it.
    #[getter]
    fn clock_offset(&self) -> PyResult<i64> {
        Ok(self.blocking()?.clock_offset())
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

    fn __repr__(&self, py: Python<'_>) -> String {
        match self.blocking() {
            Ok(c) => {
                let s = py.detach(|| c.signer());
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

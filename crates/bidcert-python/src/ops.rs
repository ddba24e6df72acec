//! The operations: `QueryCertifiedInfo`, `GenerateCertWaysUrl`, `RpcCall`. Each is validated
//! when built, so signing and sending cannot see a bad value.

use bidcert::exchange::AnyOperation;
use bidcert::Operation as _;
use bidcert::{
    Endpoint, GenerateCertWaysUrl, Method, Product, QueryCertifiedInfo, RpcCall, Target,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::{self, py_bool, quote, text, type_name};
use crate::errors::{invalid, BindingError};

/// `QueryBidUserCertifiedInfo` (Crm 2015-04-08): whether a customer has passed identity
/// verification.
#[pyclass(frozen, module = "bidcert._native", name = "QueryCertifiedInfo")]
pub(crate) struct PyQueryCertifiedInfo {
    pub(crate) inner: QueryCertifiedInfo,
}

#[pymethods]
impl PyQueryCertifiedInfo {
    /// Also `Client.query_certified_info`'s way from `pk` and `bid_type` to the operation.
    #[new]
    #[pyo3(signature = (pk, bid_type))]
    pub(crate) fn new(pk: &Bound<'_, PyAny>, bid_type: &Bound<'_, PyAny>) -> PyResult<Self> {
        let pk = text(pk, "pk")?;
        let bid_type = convert::bid_type(bid_type)?;
        let inner = QueryCertifiedInfo::new(pk, bid_type).map_err(BindingError::from)?;
        Ok(PyQueryCertifiedInfo { inner })
    }

    /// The customer's account id (ASCII digits).
    #[getter]
    fn pk(&self) -> &str {
        self.inner.pk().as_str()
    }

    /// The reseller's type.
    #[getter]
    fn bid_type<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::bid_type_to_py(py, self.inner.bid_type())
    }

    /// The action name, `QueryBidUserCertifiedInfo`.
    #[getter]
    fn action(&self) -> &'static str {
        QueryCertifiedInfo::ACTION
    }

    fn __repr__(&self) -> String {
        format!(
            "QueryCertifiedInfo(pk={}, bid_type={})",
            quote(self.inner.pk().as_str()),
            quote(self.inner.bid_type().as_str())
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyQueryCertifiedInfo>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }
}

/// `GenerateAliyunBidCertWaysUrl` (Aas 2015-07-01): a one-time link, valid 3 hours, for the
/// customer to verify.
#[pyclass(frozen, module = "bidcert._native", name = "GenerateCertWaysUrl")]
pub(crate) struct PyGenerateCertWaysUrl {
    pub(crate) inner: GenerateCertWaysUrl,
}

#[pymethods]
impl PyGenerateCertWaysUrl {
    /// Also `Client.generate_cert_ways_url`'s way from its fields to the operation.
    #[new]
    #[pyo3(signature = (aliyun_pk, bid_type, *, platform = None, subject_type = None, is_open_app = false, is_mobile = false))]
    pub(crate) fn new(
        aliyun_pk: &Bound<'_, PyAny>,
        bid_type: &Bound<'_, PyAny>,
        platform: Option<&Bound<'_, PyAny>>,
        subject_type: Option<&Bound<'_, PyAny>>,
        is_open_app: bool,
        is_mobile: bool,
    ) -> PyResult<Self> {
        let pk = text(aliyun_pk, "aliyun_pk")?;
        let bid_type = convert::bid_type(bid_type)?;
        let mut inner = GenerateCertWaysUrl::new(pk, bid_type).map_err(BindingError::from)?;
        if let Some(p) = platform {
            inner = inner.with_platform(convert::platform(p)?);
        }
        if let Some(s) = subject_type {
            inner = inner.with_subject_type(convert::subject_type(s)?);
        }
        Ok(PyGenerateCertWaysUrl {
            inner: inner.with_open_app(is_open_app).with_mobile(is_mobile),
        })
    }

    /// The customer's account id (ASCII digits).
    #[getter]
    fn aliyun_pk(&self) -> &str {
        self.inner.aliyun_pk().as_str()
    }

    /// The reseller's type.
    #[getter]
    fn bid_type<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::bid_type_to_py(py, self.inner.bid_type())
    }

    /// Where the link will be opened.
    #[getter]
    fn platform<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::platform_to_py(py, self.inner.platform())
    }

    /// Which verifications the link allows.
    #[getter]
    fn subject_type<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::subject_type_to_py(py, self.inner.subject_type())
    }

    /// Whether the Alipay app is woken for quick verification.
    #[getter]
    fn is_open_app(&self) -> bool {
        self.inner.is_open_app()
    }

    /// Whether the Alipay page uses a mobile layout.
    #[getter]
    fn is_mobile(&self) -> bool {
        self.inner.is_mobile()
    }

    /// The action name, `GenerateAliyunBidCertWaysUrl`.
    #[getter]
    fn action(&self) -> &'static str {
        GenerateCertWaysUrl::ACTION
    }

    fn __repr__(&self) -> String {
        let op = &self.inner;
        format!(
            "GenerateCertWaysUrl(aliyun_pk={}, bid_type={}, platform={}, subject_type={}, \
             is_open_app={}, is_mobile={})",
            quote(op.aliyun_pk().as_str()),
            quote(op.bid_type().as_str()),
            quote(op.platform().as_str()),
            quote(op.subject_type().as_str()),
            py_bool(op.is_open_app()),
            py_bool(op.is_mobile())
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyGenerateCertWaysUrl>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }
}

/// Any other RPC action, with its parameters given by name.
#[pyclass(frozen, module = "bidcert._native", name = "RpcCall")]
pub(crate) struct PyRpcCall {
    pub(crate) inner: RpcCall,
}

/// `crm`, `aas` (any case), or an endpoint URL `https://host[:port]`.
fn target(product: &str) -> PyResult<Target> {
    if let Ok(p) = product.parse::<Product>() {
        Ok(Target::Product(p))
    } else if product.contains("://") {
        Ok(Target::Endpoint(
            Endpoint::new(product).map_err(BindingError::from)?,
        ))
    } else {
        Err(invalid(
            "product",
            format!("{product:?} is not one of crm, aas, or an endpoint URL https://host[:port]"),
        ))
    }
}

#[pymethods]
impl PyRpcCall {
    #[new]
    #[pyo3(signature = (product, action, version, params = None, *, method = "POST"))]
    fn new(
        product: &Bound<'_, PyAny>,
        action: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        params: Option<&Bound<'_, PyAny>>,
        method: &str,
    ) -> PyResult<Self> {
        let product = text(product, "product")?;
        let action = text(action, "action")?;
        let version = text(version, "version")?;
        let method: Method = method.parse().map_err(BindingError::from)?;
        let mut inner = match target(&product)? {
            Target::Product(p) => RpcCall::new(p, action, version),
            Target::Endpoint(e) => RpcCall::to_endpoint(e, action, version),
        }
        .map_err(BindingError::from)?
        .with_method(method);
        if let Some(params) = params {
            let held = convert::params(params)?;
            for (name, value) in convert::borrow_params(&held)? {
                inner = inner.with_param(name, value).map_err(BindingError::from)?;
            }
        }
        Ok(PyRpcCall { inner })
    }

    /// `crm`, `aas`, or the endpoint URL it goes to.
    #[getter]
    fn product(&self) -> &str {
        match self.inner.target() {
            Target::Product(p) => p.as_str(),
            Target::Endpoint(e) => e.as_str(),
        }
    }

    /// The `Action` parameter.
    #[getter]
    fn action(&self) -> &str {
        self.inner.action()
    }

    /// The `Version` parameter.
    #[getter]
    fn version(&self) -> &str {
        self.inner.version()
    }

    /// `GET` or `POST`.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method().as_str()
    }

    /// The operation's own parameters, in the order given.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.params().iter().cloned())
    }

    fn __repr__(&self) -> String {
        format!(
            "RpcCall(product={}, action={}, version={}, params=[{}], method={})",
            quote(self.product()),
            quote(self.action()),
            quote(self.version()),
            self.inner
                .params()
                .iter()
                .map(|(k, v)| format!("({}, {})", quote(k), quote(v)))
                .collect::<Vec<_>>()
                .join(", "),
            quote(self.method())
        )
    }
}

/// `op` as one of the engine's operations (a copy: the call keeps it).
pub(crate) fn any_operation(op: &Bound<'_, PyAny>) -> PyResult<AnyOperation> {
    if let Ok(q) = op.cast::<PyQueryCertifiedInfo>() {
        Ok(q.get().inner.clone().into())
    } else if let Ok(g) = op.cast::<PyGenerateCertWaysUrl>() {
        Ok(g.get().inner.clone().into())
    } else if let Ok(c) = op.cast::<PyRpcCall>() {
        Ok(c.get().inner.clone().into())
    } else {
        Err(PyTypeError::new_err(format!(
            "the operation must be a QueryCertifiedInfo, GenerateCertWaysUrl or RpcCall, not {}",
            type_name(op)
        )))
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyQueryCertifiedInfo>()?;
    m.add_class::<PyGenerateCertWaysUrl>()?;
    m.add_class::<PyRpcCall>()
}

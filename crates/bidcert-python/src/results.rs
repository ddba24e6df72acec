//! Results: `CertifiedInfo`, `CertWaysUrl`, `FastAuthEvent`, `Diagnosis` and `Difference`.
//! All frozen; personal data is masked in every `repr`.

use bidcert::{mask, CertWaysUrl, CertifiedInfo, Diagnosis, Difference, FastAuthEvent};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::{self, json_to_py, py_bool, quote, quote_opt};

/// A customer's verification state. `repr` masks the name, phone and certificate number;
/// the attributes hold them whole.
#[pyclass(frozen, module = "bidcert._native", name = "CertifiedInfo")]
pub(crate) struct PyCertifiedInfo {
    pub(crate) inner: CertifiedInfo,
}

/// Personal data as `repr` shows it: masked.
fn masked(v: Option<&str>) -> String {
    quote_opt(v.map(mask).as_deref())
}

#[pymethods]
impl PyCertifiedInfo {
    /// The server's request id.
    #[getter]
    fn request_id(&self) -> Option<&str> {
        self.inner.request_id()
    }

    /// The customer's account id as the server reports it.
    #[getter]
    fn aliyun_pk(&self) -> Option<&str> {
        self.inner.aliyun_pk()
    }

    /// Whether the account has passed identity verification.
    #[getter]
    fn is_certified(&self) -> bool {
        self.inner.is_certified()
    }

    /// `personal`, `enterprise` (or another value verbatim); `None` until verified.
    #[getter]
    fn account_cert_type(&self) -> Option<&str> {
        self.inner.account_cert_type().map(|t| t.as_str())
    }

    /// The verified name (personal data).
    #[getter]
    fn name(&self) -> Option<&str> {
        self.inner.name()
    }

    /// The phone number (personal data).
    #[getter]
    fn phone(&self) -> Option<&str> {
        self.inner.phone()
    }

    /// The certificate type: a `CertType`, or the raw code when it is not a documented one.
    #[getter]
    fn cert_type<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .cert_type()
            .map(|t| convert::cert_type_to_py(py, t))
            .transpose()
    }

    /// The certificate type's wire code (`"0"`, `"9"`, ...).
    #[getter]
    fn cert_type_code(&self) -> Option<&str> {
        self.inner.cert_type().map(|t| t.code())
    }

    /// The certificate number (personal data).
    #[getter]
    fn cert_number(&self) -> Option<&str> {
        self.inner.cert_number()
    }

    fn __repr__(&self) -> String {
        let i = &self.inner;
        format!(
            "CertifiedInfo(request_id={}, aliyun_pk={}, is_certified={}, account_cert_type={}, \
             name={}, phone={}, cert_type={}, cert_number={})",
            quote_opt(i.request_id()),
            quote_opt(i.aliyun_pk()),
            py_bool(i.is_certified()),
            quote_opt(i.account_cert_type().map(|t| t.as_str())),
            masked(i.name()),
            masked(i.phone()),
            quote_opt(i.cert_type().map(|t| t.name())),
            masked(i.cert_number()),
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyCertifiedInfo>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }
}

/// A verification link and when it expires (issued + 3 hours).
#[pyclass(frozen, module = "bidcert._native", name = "CertWaysUrl")]
pub(crate) struct PyCertWaysUrl {
    pub(crate) inner: CertWaysUrl,
}

#[pymethods]
impl PyCertWaysUrl {
    /// The link to show the customer (in an iframe or a new page). One-time: do not log it.
    #[getter]
    fn url(&self) -> &str {
        self.inner.url()
    }

    /// The server's request id.
    #[getter]
    fn request_id(&self) -> Option<&str> {
        self.inner.request_id()
    }

    /// When it was issued, as an aware UTC datetime.
    #[getter]
    fn issued_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::datetime(py, self.inner.issued_at())
    }

    /// When it stops working, as an aware UTC datetime.
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::datetime(py, self.inner.expires_at())
    }

    /// The link's origin (`https://host[:port]`): the only origin its events may come from.
    #[getter]
    fn origin(&self) -> &str {
        self.inner.origin()
    }

    /// Whether it has expired at `now` (an aware datetime; default: the current time).
    #[pyo3(signature = (now = None))]
    fn is_expired(&self, now: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
        let now = match now {
            Some(t) => convert::timestamp(t, "now")?,
            None => bidcert::Timestamp::now(),
        };
        Ok(self.inner.is_expired(now))
    }

    fn __repr__(&self) -> String {
        // The query carries the one-time token: show where the link goes, not the link.
        let url = self.inner.url();
        let shown = match url.find(['?', '#']) {
            Some(i) => format!("{}?<redacted>", &url[..i]),
            None => url.to_owned(),
        };
        format!(
            "CertWaysUrl(url={}, request_id={}, expires_at={})",
            quote(&shown),
            quote_opt(self.inner.request_id()),
            quote(self.inner.expires_at().as_str())
        )
    }
}

/// A parsed FastAuthc `postMessage` event.
#[pyclass(frozen, module = "bidcert._native", name = "FastAuthEvent")]
pub(crate) struct PyFastAuthEvent {
    pub(crate) inner: FastAuthEvent,
}

#[pymethods]
impl PyFastAuthEvent {
    /// The short type: `init`, `later`, `another_authc_way`, `success`, `fail`, `re_authc`,
    /// `open_alipay`, or `unknown`.
    #[getter]
    fn r#type(&self) -> &str {
        self.inner.kind().as_str()
    }

    /// The `type` as sent, for an unknown type; `None` for a known one.
    #[getter]
    fn unknown_type(&self) -> Option<&str> {
        match self.inner.kind() {
            bidcert::FastAuthEventKind::Unknown(t) => Some(t.as_str()),
            _ => None,
        }
    }

    /// The message's `success` flag (`False` when absent).
    #[getter]
    fn success(&self) -> bool {
        self.inner.success()
    }

    /// `data.reason` of a `fail` event.
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.inner.reason()
    }

    /// Whether the flow is over: `success` or `later`.
    #[getter]
    fn ends_flow(&self) -> bool {
        self.inner.ends_flow()
    }

    /// The message's `data`, as sent (decoded JSON).
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.inner.data().to_string())
    }

    fn __repr__(&self) -> String {
        format!(
            "FastAuthEvent(type={}, success={}, reason={}, ends_flow={})",
            quote(self.inner.kind().as_str()),
            py_bool(self.inner.success()),
            quote_opt(self.inner.reason()),
            py_bool(self.inner.ends_flow()),
        )
    }
}

/// One way the server's string to sign differs from ours.
#[pyclass(frozen, module = "bidcert._native", name = "Difference")]
pub(crate) struct PyDifference {
    inner: Difference,
}

#[pymethods]
impl PyDifference {
    /// `method`, `missing`, `extra`, `different` or `encoding`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    /// The parameter's name (`None` for a method difference).
    #[getter]
    fn name(&self) -> Option<&str> {
        self.inner.name()
    }

    /// Our value (`None` when we did not sign the parameter).
    #[getter]
    fn ours(&self) -> Option<&str> {
        self.inner.ours()
    }

    /// The server's value (`None` when the server did not receive the parameter).
    #[getter]
    fn server(&self) -> Option<&str> {
        self.inner.server()
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "Difference(kind={}, name={}, ours={}, server={})",
            quote(self.kind()),
            quote_opt(self.name()),
            quote_opt(self.ours()),
            quote_opt(self.server())
        )
    }
}

/// How the server's string to sign differs from ours (a `SignatureDoesNotMatch` explained).
#[pyclass(frozen, module = "bidcert._native", name = "Diagnosis")]
pub(crate) struct PyDiagnosis {
    inner: Diagnosis,
}

impl From<Diagnosis> for PyDiagnosis {
    fn from(inner: Diagnosis) -> Self {
        PyDiagnosis { inner }
    }
}

#[pymethods]
impl PyDiagnosis {
    /// Whether the server's message carried its string to sign.
    #[getter]
    fn server_string_found(&self) -> bool {
        self.inner.server_string_to_sign().is_some()
    }

    /// The server's string to sign, when the message carried one.
    #[getter]
    fn server_string_to_sign(&self) -> Option<&str> {
        self.inner.server_string_to_sign()
    }

    /// Whether both strings are the same, so the AccessKey secret must be wrong.
    #[getter]
    fn identical(&self) -> bool {
        self.inner.is_identical()
    }

    /// Each difference: the method first, then parameters by name in byte order.
    #[getter]
    fn differences<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = self
            .inner
            .differences()
            .iter()
            .map(|d| Py::new(py, PyDifference { inner: d.clone() }))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "Diagnosis(server_string_found={}, identical={}, differences={})",
            py_bool(self.server_string_found()),
            py_bool(self.identical()),
            self.inner.differences().len()
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCertifiedInfo>()?;
    m.add_class::<PyCertWaysUrl>()?;
    m.add_class::<PyFastAuthEvent>()?;
    m.add_class::<PyDifference>()?;
    m.add_class::<PyDiagnosis>()
}

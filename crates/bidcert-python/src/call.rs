//! `Call`: the core's call engine for a driver with an HTTP stack of its own (aiohttp, httpx,
//! urllib). The engine decides everything; this file converts its inputs and decisions.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use bidcert::exchange::{AnyOperation, AnyOutput, Call, Decision, Jitter, Response};
use bidcert::{Signer, TransportError, TransportKind};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};

use crate::convert::{self, json_to_py, py_bool, quote, type_name};
use crate::credentials::PyCredentials;
use crate::errors::{exception, BindingError};
use crate::ops::any_operation;
use crate::policy::PyPolicy;
use crate::results::{PyCertWaysUrl, PyCertifiedInfo};
use crate::signer::{PySignedRequest, PySigner};

/// One API call as the core's engine runs it: ask it for each attempt, send the attempt with
/// any HTTP client, feed it what came back, and do what it decides.
#[pyclass(frozen, generic, module = "bidcert._native", name = "Call")]
pub(crate) struct PyCall {
    call: Mutex<Call<AnyOperation>>,
    signer: Signer,
}

impl PyCall {
    fn lock(&self) -> MutexGuard<'_, Call<AnyOperation>> {
        self.call
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `signer` as a `Signer`: a `Signer`, or `Credentials` signing for the default endpoints.
fn signer_of(obj: &Bound<'_, PyAny>) -> PyResult<Signer> {
    if let Ok(s) = obj.cast::<PySigner>() {
        return Ok(s.get().inner.clone());
    }
    if let Ok(c) = obj.cast::<PyCredentials>() {
        return Ok(Signer::new(c.get().keys(obj.py())?));
    }
    Err(PyTypeError::new_err(format!(
        "signer must be a Signer or Credentials, not {}",
        type_name(obj)
    )))
}

/// A header name or value: `str`, or `bytes` as an HTTP stack may hand them over (Latin-1,
/// as HTTP/1.1 allows).
fn header_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().iter().map(|&c| char::from(c)).collect());
    }
    Err(PyTypeError::new_err(format!(
        "a header name or value must be str or bytes, not {}",
        type_name(obj)
    )))
}

/// The headers the engine reads ([`Response::HEADERS`]), from a mapping with `items()` (a
/// `dict`, aiohttp's and httpx's headers, `http.client.HTTPMessage`) or `(name, value)` pairs.
fn read_headers(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let items = if obj.hasattr("items")? {
        obj.call_method0("items")?
    } else {
        obj.clone()
    };
    let mut out = Vec::new();
    for item in items.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "headers must be a mapping or (name, value) pairs, not {}",
            type_name(obj)
        ))
    })? {
        let item = item?;
        let name = header_text(&item.get_item(0)?)?;
        if Response::HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&name))
        {
            out.push((name, header_text(&item.get_item(1)?)?));
        }
    }
    Ok(out)
}

fn jitter(j: Option<f64>) -> Jitter {
    j.map_or_else(Jitter::random, Jitter::new)
}

/// The engine's decision, as `Done`, `Retry` or `Fail`.
fn decision(py: Python<'_>, d: Decision<AnyOutput>) -> PyResult<Py<PyAny>> {
    Ok(match d {
        Decision::Done(output) => {
            let value = match output {
                AnyOutput::CertifiedInfo(inner) => {
                    Py::new(py, PyCertifiedInfo { inner })?.into_any()
                }
                AnyOutput::CertWaysUrl(inner) => Py::new(py, PyCertWaysUrl { inner })?.into_any(),
                AnyOutput::Json(v) => json_to_py(py, &v.to_string())?.unbind(),
                other => return Err(PyTypeError::new_err(format!("unexpected output {other:?}"))),
            };
            Py::new(py, PyDone { value })?.into_any()
        }
        Decision::Retry { after, cause } => Py::new(
            py,
            PyRetry {
                after,
                cause: exception(py, cause.into())?.unbind(),
            },
        )?
        .into_any(),
        Decision::Fail(e) => Py::new(
            py,
            PyFail {
                error: exception(py, e.into())?.unbind(),
            },
        )?
        .into_any(),
    })
}

#[pymethods]
impl PyCall {
    /// A call of `operation` signed by `signer` (a `Signer`, or `Credentials` for the default
    /// endpoints) under `policy` (default: the core's), timestamped with our clock plus
    /// `clock_offset` seconds (a `Client`'s, or the last call's `clock_offset`).
    #[new]
    #[pyo3(signature = (operation, signer, *, policy = None, clock_offset = 0))]
    fn new(
        operation: &Bound<'_, PyAny>,
        signer: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyPolicy>>,
        clock_offset: i64,
    ) -> PyResult<Self> {
        let op = any_operation(operation)?;
        let policy = policy.map(|p| p.get().inner.clone()).unwrap_or_default();
        Ok(PyCall {
            call: Mutex::new(Call::new(op, policy).with_clock_offset(clock_offset)),
            signer: signer_of(signer)?,
        })
    }

    /// The next attempt to send, signed at `now` (default: the system clock; an aware
    /// `datetime` or `time.time()` seconds) with `nonce` (default: a random UUID v4; give a
    /// new one for every attempt). Raises the call's final error when no attempt is left
    /// (the budget spent: `TimeoutError`), and `ValidationError` when called out of turn.
    #[pyo3(signature = (now = None, nonce = None))]
    fn next_request(
        &self,
        py: Python<'_>,
        now: Option<&Bound<'_, PyAny>>,
        nonce: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyAttempt> {
        let now = convert::instant(now, "now")?;
        let nonce = convert::nonce(nonce)?;
        let mut call = self.lock();
        let attempt = call
            .next_request(&self.signer, now, &nonce)
            .map_err(BindingError::from)?;
        Ok(PyAttempt {
            number: attempt.number(),
            headers: attempt
                .headers()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            timeout: attempt.timeout(),
            connect_timeout: attempt.connect_timeout(),
            max_body_bytes: attempt.max_body_bytes(),
            request: Py::new(
                py,
                PySignedRequest {
                    inner: attempt.request().clone(),
                },
            )?,
        })
    }

    /// Feeds the response to the attempt in flight: its status, its headers (a mapping or
    /// pairs; only `Date`, the request id and the retry hints are read) and its body, read
    /// at `now` (default: the system clock). `jitter` (0 to 1; default random) picks where
    /// a backoff falls in its range. Returns `Done`, `Retry` or `Fail`.
    #[pyo3(signature = (status, headers, body, now = None, jitter = None))]
    fn on_response(
        &self,
        py: Python<'_>,
        status: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        jitter: Option<f64>,
    ) -> PyResult<Py<PyAny>> {
        let status = convert::status(status)?;
        let headers = read_headers(headers)?;
        let body = convert::body(body)?;
        let now = convert::instant(now, "now")?;
        let response = headers
            .iter()
            .fold(Response::new(status, &body), |r, (k, v)| {
                r.with_header(k, v)
            });
        let d = self
            .lock()
            .on_response(&response, now, self::jitter(jitter));
        decision(py, d)
    }

    /// Feeds a transport failure of the attempt in flight: `kind` one of `TRANSPORT_KINDS`
    /// (`connect`, `timeout`, `reset`, `tls`), `message` the HTTP stack's words (never a
    /// secret). Returns `Done`, `Retry` or `Fail`.
    #[pyo3(signature = (kind, message, now = None, jitter = None))]
    fn on_transport_error(
        &self,
        py: Python<'_>,
        kind: &str,
        message: &str,
        now: Option<&Bound<'_, PyAny>>,
        jitter: Option<f64>,
    ) -> PyResult<Py<PyAny>> {
        let kind: TransportKind = kind.parse().map_err(BindingError::from)?;
        let now = convert::instant(now, "now")?;
        let d = self.lock().on_transport_error(
            TransportError::new(kind, message),
            now,
            self::jitter(jitter),
        );
        decision(py, d)
    }

    /// Attempts handed out so far.
    #[getter]
    fn attempts(&self) -> u32 {
        self.lock().attempts()
    }

    /// The clock offset in use (server minus ours, seconds): the one given, or what a
    /// timestamp error's `Date` showed. Start the next call with it.
    #[getter]
    fn clock_offset(&self) -> i64 {
        self.lock().clock_offset()
    }

    /// Whether the call has come to its decision (done or failed).
    #[getter]
    fn finished(&self) -> bool {
        self.lock().is_finished()
    }

    /// The policy it follows.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            inner: self.lock().policy().clone(),
        }
    }

    fn __repr__(&self) -> String {
        let call = self.lock();
        format!(
            "Call(action={}, attempts={}, clock_offset={}, finished={})",
            quote(bidcert::Operation::action(call.operation())),
            call.attempts(),
            call.clock_offset(),
            py_bool(call.is_finished())
        )
    }
}

/// One attempt to send: `method` to `url` with every header of `headers` and `body`, giving
/// up connecting after `connect_timeout` seconds and the whole exchange after `timeout`;
/// read at most `max_body_bytes + 1` bytes of the body (the call refuses a longer one).
#[pyclass(frozen, module = "bidcert._native", name = "Attempt")]
pub(crate) struct PyAttempt {
    number: u32,
    headers: Vec<(String, String)>,
    timeout: Duration,
    connect_timeout: Duration,
    max_body_bytes: usize,
    request: Py<PySignedRequest>,
}

#[pymethods]
impl PyAttempt {
    /// 1 for the first attempt, 2 for the first retry, ...
    #[getter]
    fn number(&self) -> u32 {
        self.number
    }

    /// `GET` or `POST`.
    #[getter]
    fn method(&self) -> &'static str {
        self.request.get().inner.method().as_str()
    }

    /// The URL, query and signature included.
    #[getter]
    fn url(&self) -> &str {
        self.request.get().inner.url()
    }

    /// Every header to send: `Accept`, `User-Agent` and those the signature needs.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.headers {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// The body to send.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.request.get().inner.body())
    }

    /// Seconds the whole attempt may take (less than the policy's when the budget has less
    /// left).
    #[getter]
    fn timeout(&self) -> f64 {
        self.timeout.as_secs_f64()
    }

    /// Seconds connecting may take.
    #[getter]
    fn connect_timeout(&self) -> f64 {
        self.connect_timeout.as_secs_f64()
    }

    /// The largest body the call accepts, in bytes.
    #[getter]
    fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The signed request (its timestamp, string to sign, redacted URL).
    #[getter]
    fn request(&self, py: Python<'_>) -> Py<PySignedRequest> {
        self.request.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        let r = &self.request.get().inner;
        format!(
            "Attempt(number={}, method={}, url={}, timeout={:?})",
            self.number,
            quote(r.method().as_str()),
            quote(&r.redacted_url()),
            self.timeout()
        )
    }
}

/// The call succeeded: `value` is its result (`CertifiedInfo`, `CertWaysUrl`, or the JSON
/// object of any other action as a `dict`).
#[pyclass(frozen, generic, module = "bidcert._native", name = "Done")]
pub(crate) struct PyDone {
    value: Py<PyAny>,
}

#[pymethods]
impl PyDone {
    /// The result.
    #[getter]
    fn value(&self, py: Python<'_>) -> Py<PyAny> {
        self.value.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Done({})", self.value.bind(py).repr()?))
    }
}

/// The attempt failed and another can help: wait `after` seconds, then ask for the next
/// attempt. `cause` is the attempt's error (an exception instance, not raised), for logs.
#[pyclass(frozen, module = "bidcert._native", name = "Retry")]
pub(crate) struct PyRetry {
    after: Duration,
    cause: Py<PyAny>,
}

#[pymethods]
impl PyRetry {
    /// Seconds to wait (zero after a clock-skew correction).
    #[getter]
    fn after(&self) -> f64 {
        self.after.as_secs_f64()
    }

    /// Why the attempt failed.
    #[getter]
    fn cause(&self, py: Python<'_>) -> Py<PyAny> {
        self.cause.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Retry(after={:?}, cause={})",
            self.after(),
            self.cause.bind(py).repr()?
        ))
    }
}

/// The call failed and no further attempt can help: `error` is the exception (not raised;
/// `raise decision.error`).
#[pyclass(frozen, module = "bidcert._native", name = "Fail")]
pub(crate) struct PyFail {
    error: Py<PyAny>,
}

#[pymethods]
impl PyFail {
    /// The call's error.
    #[getter]
    fn error(&self, py: Python<'_>) -> Py<PyAny> {
        self.error.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Fail({})", self.error.bind(py).repr()?))
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyCall>()?;
    m.add_class::<PyAttempt>()?;
    m.add_class::<PyDone>()?;
    m.add_class::<PyRetry>()?;
    m.add_class::<PyFail>()?;
    let kinds = TransportKind::ALL.iter().map(|k| k.as_str());
    m.add("TRANSPORT_KINDS", PyTuple::new(py, kinds)?)?;
    m.add("RESPONSE_HEADERS", PyTuple::new(py, Response::HEADERS)?)
}

//! The in-process emulator behind `bidcert.testing.Emulator`.

use std::sync::{Mutex, MutexGuard};

use bidcert_emulator::{demo, Emulator, EmulatorHandle, Fault, FaultKind, Fixture};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{json_to_py, py_bool, quote};
use crate::errors::invalid;

/// A running emulator of both endpoints on a loopback port. Use `bidcert.testing.Emulator`.
#[pyclass(frozen, module = "bidcert._native", name = "EmulatorHandle")]
pub(crate) struct PyEmulatorHandle {
    // `None` once shut down.
    inner: Mutex<Option<EmulatorHandle>>,
    base_url: String,
    port: u16,
    https_url: Option<String>,
    ca_pem: Option<String>,
    metadata_url: Option<String>,
    credentials_uri: Option<String>,
}

impl PyEmulatorHandle {
    fn lock(&self) -> MutexGuard<'_, Option<EmulatorHandle>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn with<T>(&self, f: impl FnOnce(&EmulatorHandle) -> T) -> PyResult<T> {
        match self.lock().as_ref() {
            Some(h) => Ok(f(h)),
            None => Err(invalid("emulator", "has been shut down")),
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

#[pymethods]
impl PyEmulatorHandle {
    /// Starts an emulator on `127.0.0.1:port` (0: an ephemeral port) serving `fixture_json`
    /// (default: the demo fixture); with `tls`, HTTPS too on a port of its own (a CA made at
    /// start); with `metadata`, the ECS metadata service and a credentials URI on another.
    #[staticmethod]
    #[pyo3(signature = (fixture_json = None, port = 0, tls = false, metadata = false, require_imdsv2 = false))]
    fn start(
        py: Python<'_>,
        fixture_json: Option<&str>,
        port: u16,
        tls: bool,
        metadata: bool,
        require_imdsv2: bool,
    ) -> PyResult<Self> {
        let fixture = match fixture_json {
            Some(json) => {
                Fixture::from_json(json).map_err(|e| invalid("fixture", e.to_string()))?
            }
            None => Fixture::demo(),
        };
        let handle = py
            .detach(|| {
                Emulator::builder()
                    .fixture(fixture)
                    .port(port)
                    .tls(tls)
                    .metadata(metadata)
                    .require_imdsv2(require_imdsv2)
                    .start()
            })
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidInput => invalid("fixture", e.to_string()),
                _ => PyErr::from(e),
            })?;
        Ok(PyEmulatorHandle {
            base_url: handle.base_url().to_owned(),
            port: handle.port(),
            https_url: handle.https_url().map(str::to_owned),
            ca_pem: handle.ca_pem().map(str::to_owned),
            metadata_url: handle.metadata_url().map(str::to_owned),
            credentials_uri: handle.credentials_uri(),
            inner: Mutex::new(Some(handle)),
        })
    }

    /// `http://127.0.0.1:PORT`: the endpoint of both products.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The port it listens on.
    #[getter]
    fn port(&self) -> u16 {
        self.port
    }

    /// `https://127.0.0.1:PORT` when started with `tls`.
    #[getter]
    fn https_url(&self) -> Option<&str> {
        self.https_url.as_deref()
    }

    /// The PEM of the CA that signed its HTTPS certificate, when started with `tls`.
    #[getter]
    fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// `http://127.0.0.1:PORT` of the metadata service, when started with `metadata`.
    #[getter]
    fn metadata_url(&self) -> Option<&str> {
        self.metadata_url.as_deref()
    }

    /// The credentials URI on the metadata port, when started with `metadata`.
    #[getter]
    fn credentials_uri(&self) -> Option<&str> {
        self.credentials_uri.as_deref()
    }

    /// TLS handshakes completed since start or the last reset.
    fn tls_handshakes(&self) -> PyResult<u64> {
        self.with(EmulatorHandle::tls_handshakes)
    }

    /// The requests the metadata port received, by kind, as a dict.
    fn metadata_requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let counts = self.with(EmulatorHandle::metadata_requests)?;
        json_to_py(py, &to_json(&counts)?)
    }

    /// Whether the metadata service answers only requests with a session token.
    fn set_require_imdsv2(&self, required: bool) -> PyResult<()> {
        self.with(|h| h.set_require_imdsv2(required))
    }

    /// STS requests received with `action`, faulted ones included.
    fn sts_call_count(&self, action: &str) -> PyResult<u64> {
        self.with(|h| h.sts_call_count(action))
    }

    /// The temporary keys issued so far, without secrets or tokens, as dicts.
    fn sts_credentials<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let issued = self.with(EmulatorHandle::sts_credentials)?;
        json_to_py(py, &to_json(&issued)?)
    }

    /// Makes every temporary key issued so far expire now; answers how many were valid.
    fn expire_sts_credentials(&self) -> PyResult<usize> {
        self.with(EmulatorHandle::expire_sts_credentials)
    }

    /// Whether it is still serving.
    #[getter]
    fn running(&self) -> bool {
        self.lock().is_some()
    }

    /// Stops serving and joins its threads. Idempotent.
    fn shutdown(&self, py: Python<'_>) {
        let handle = self.lock().take();
        if let Some(h) = handle {
            py.detach(move || h.shutdown());
        }
    }

    /// Back to the state at start.
    fn reset(&self) -> PyResult<()> {
        self.with(EmulatorHandle::reset)
    }

    /// Moves the emulator's clock by `seconds` from the system clock.
    fn set_clock_offset(&self, seconds: i64) -> PyResult<()> {
        self.with(|h| h.set_clock_offset(seconds))
    }

    /// The clock offset in seconds.
    #[getter]
    fn clock_offset(&self) -> PyResult<i64> {
        self.with(EmulatorHandle::clock_offset)
    }

    /// Marks a customer verified; returns its new state. `KeyError` for an unknown PK.
    fn verify_customer<'py>(&self, py: Python<'py>, pk: &str) -> PyResult<Bound<'py, PyAny>> {
        let state = self.with(|h| h.verify_customer(pk))?;
        match state {
            Ok(s) => json_to_py(py, &to_json(&s)?),
            Err(e) => Err(pyo3::exceptions::PyKeyError::new_err(e.to_string())),
        }
    }

    /// A customer's state, or `None` for an unknown PK.
    fn customer<'py>(&self, py: Python<'py>, pk: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.with(|h| h.customer(pk))? {
            Some(s) => Ok(Some(json_to_py(py, &to_json(&s)?)?)),
            None => Ok(None),
        }
    }

    /// Adds a fault given in the admin API's JSON form (`{"kind": "http_503", "next": 2}`;
    /// the emulator's README lists the fields).
    fn inject_fault(&self, fault_json: &str) -> PyResult<()> {
        let fault: Fault =
            serde_json::from_str(fault_json).map_err(|e| invalid("fault", e.to_string()))?;
        self.with(|h| h.inject_fault(fault))
    }

    /// Removes every pending fault.
    fn clear_faults(&self) -> PyResult<()> {
        self.with(EmulatorHandle::clear_faults)
    }

    /// The API requests answered so far, oldest first, as dicts.
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let records = self.with(EmulatorHandle::requests)?;
        json_to_py(py, &to_json(&records)?)
    }

    /// Forgets the logged requests.
    fn clear_requests(&self) -> PyResult<()> {
        self.with(EmulatorHandle::clear_requests)
    }

    /// The fixture as it is now, as JSON (secrets included: it is test data).
    fn fixture_json(&self) -> PyResult<String> {
        self.with(|h| h.fixture().to_json_pretty())
    }

    fn __repr__(&self) -> String {
        format!(
            "EmulatorHandle(base_url={}, running={})",
            quote(&self.base_url),
            py_bool(self.running())
        )
    }
}

/// The demo fixture's well-known values (ids, published test secrets, PKs).
#[pyfunction]
fn demo_values(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in demo::VALUES {
        d.set_item(k, v)?;
    }
    Ok(d)
}

/// The demo fixture as JSON.
#[pyfunction]
fn demo_fixture_json() -> String {
    Fixture::demo().to_json_pretty()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEmulatorHandle>()?;
    m.add("FAULT_KINDS", PyTuple::new(m.py(), FaultKind::NAMES)?)?;
    m.add_function(wrap_pyfunction!(demo_values, m)?)?;
    m.add_function(wrap_pyfunction!(demo_fixture_json, m)?)
}

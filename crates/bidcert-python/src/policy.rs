//! `Policy`: the core's retry, time and size policy. Every default is the core's; a keyword
//! left at `None` keeps it.

use std::time::Duration;

use bidcert::Policy;
use pyo3::prelude::*;

use crate::convert::quote;
use crate::errors::{invalid, BindingError};

/// The policy keywords `Policy(...)` and `Client(...)` share, as Python gave them.
#[derive(Debug, Default)]
pub(crate) struct PolicyArgs {
    pub(crate) max_attempts: Option<i64>,
    pub(crate) timeout: Option<f64>,
    pub(crate) connect_timeout: Option<f64>,
    pub(crate) budget: Option<f64>,
    pub(crate) base_delay: Option<f64>,
    pub(crate) max_delay: Option<f64>,
    pub(crate) max_body_bytes: Option<i64>,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) signature_version: Option<String>,
}

fn seconds(what: &str, s: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(s)
        .map_err(|_| invalid(what, format!("{s} is not a number of seconds from 0 up")))
}

fn count<T: TryFrom<i64>>(what: &str, n: i64) -> PyResult<T> {
    T::try_from(n).map_err(|_| invalid(what, format!("{n} is out of range")))
}

impl PolicyArgs {
    /// `base` with each given keyword applied, checked by the core.
    pub(crate) fn apply(self, mut p: Policy) -> PyResult<Policy> {
        if let Some(n) = self.max_attempts {
            p = p.with_max_attempts(count("max_attempts", n)?);
        }
        if let Some(s) = self.timeout {
            p = p.with_attempt_timeout(seconds("timeout", s)?);
        }
        if let Some(s) = self.connect_timeout {
            p = p.with_connect_timeout(seconds("connect_timeout", s)?);
        }
        if let Some(s) = self.budget {
            p = p.with_budget(seconds("budget", s)?);
        }
        if let Some(s) = self.base_delay {
            p = p.with_base_delay(seconds("base_delay", s)?);
        }
        if let Some(s) = self.max_delay {
            p = p.with_max_delay(seconds("max_delay", s)?);
        }
        if let Some(n) = self.max_body_bytes {
            p = p.with_max_body_bytes(count("max_body_bytes", n)?);
        }
        if let Some(suffix) = self.user_agent_suffix {
            p = p.with_user_agent_suffix(&suffix);
        }
        if let Some(v) = self.signature_version {
            p = p.with_signature_version(v.parse().map_err(BindingError::from)?);
        }
        p.validate().map_err(BindingError::from)?;
        Ok(p)
    }
}

/// How a call retries and how long it may take. Every default is the core's (the same in
/// every binding); read them from `Policy()`.
#[pyclass(frozen, module = "bidcert._native", name = "Policy")]
pub(crate) struct PyPolicy {
    pub(crate) inner: Policy,
}

#[pymethods]
impl PyPolicy {
    #[new]
    #[pyo3(signature = (
        *,
        max_attempts = None,
        timeout = None,
        connect_timeout = None,
        budget = None,
        base_delay = None,
        max_delay = None,
        max_body_bytes = None,
        user_agent_suffix = None,
        signature_version = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        max_attempts: Option<i64>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        budget: Option<f64>,
        base_delay: Option<f64>,
        max_delay: Option<f64>,
        max_body_bytes: Option<i64>,
        user_agent_suffix: Option<String>,
        signature_version: Option<String>,
    ) -> PyResult<Self> {
        let args = PolicyArgs {
            max_attempts,
            timeout,
            connect_timeout,
            budget,
            base_delay,
            max_delay,
            max_body_bytes,
            user_agent_suffix,
            signature_version,
        };
        Ok(PyPolicy {
            inner: args.apply(Policy::default())?,
        })
    }

    /// The signature scheme, `"v1"` or `"v3"`.
    #[getter]
    fn signature_version(&self) -> &'static str {
        self.inner.signature_version().as_str()
    }

    /// Attempts in all, the first included (1: no retry).
    #[getter]
    fn max_attempts(&self) -> u32 {
        self.inner.max_attempts()
    }

    /// Seconds one attempt may take, from connecting to the end of the body.
    #[getter]
    fn timeout(&self) -> f64 {
        self.inner.attempt_timeout().as_secs_f64()
    }

    /// Seconds one attempt may take to connect.
    #[getter]
    fn connect_timeout(&self) -> f64 {
        self.inner.connect_timeout().as_secs_f64()
    }

    /// Seconds a whole call may take, retries and their delays included.
    #[getter]
    fn budget(&self) -> f64 {
        self.inner.budget().as_secs_f64()
    }

    /// Seconds before the first retry; the delay doubles for each further one, with jitter.
    #[getter]
    fn base_delay(&self) -> f64 {
        self.inner.base_delay().as_secs_f64()
    }

    /// The longest backoff in seconds (a server's retry hint may ask for longer).
    #[getter]
    fn max_delay(&self) -> f64 {
        self.inner.max_delay().as_secs_f64()
    }

    /// The largest response body accepted, in bytes.
    #[getter]
    fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes()
    }

    /// The `User-Agent` sent, `bidcert/<version>` and the suffix.
    #[getter]
    fn user_agent(&self) -> &str {
        self.inner.user_agent()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyPolicy>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Policy(max_attempts={}, timeout={:?}, connect_timeout={:?}, budget={:?}, \
             base_delay={:?}, max_delay={:?}, max_body_bytes={}, user_agent={})",
            self.max_attempts(),
            self.timeout(),
            self.connect_timeout(),
            self.budget(),
            self.base_delay(),
            self.max_delay(),
            self.max_body_bytes(),
            quote(self.user_agent())
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPolicy>()
}

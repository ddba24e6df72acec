//! `bidcert._native`: the pyo3 module behind the `bidcert` Python package.
//!
//! Glue only: every rule lives in `bidcert-core` and `bidcert`. The Python package
//! (`python/bidcert`) defines the exceptions and enums and re-exports these classes.
//! One module per Python class family; one conversion from `errors::BindingError` to `PyErr`.
#![forbid(unsafe_code)]

use pyo3::prelude::*;
use pyo3::types::PyTuple;

mod call;
mod cli;
mod client;
mod convert;
mod credentials;
mod emulator;
mod errors;
mod functions;
mod logging;
mod ops;
mod policy;
mod results;
mod runtime;
mod signer;

/// Forgets the cached levels of the Python loggers, so a level set after the first log record
/// takes effect.
#[pyfunction]
fn refresh_logging() {
    logging::refresh();
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install(m.py())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The core's error kinds: `bidcert.exceptions` has one class for each.
    let kinds = bidcert::ErrorKind::ALL.iter().map(|k| k.as_str());
    m.add("ERROR_KINDS", PyTuple::new(m.py(), kinds)?)?;
    m.add_function(wrap_pyfunction!(refresh_logging, m)?)?;
    credentials::register(m)?;
    ops::register(m)?;
    signer::register(m)?;
    results::register(m)?;
    policy::register(m)?;
    client::register(m)?;
    runtime::register(m)?;
    call::register(m)?;
    functions::register(m)?;
    emulator::register(m)?;
    cli::register(m)?;
    Ok(())
}

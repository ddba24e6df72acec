//! `bidcert._native`: the pyo3 module behind the `bidcert` Python package.
//!
//! Glue only: every rule lives in `bidcert-core` and `bidcert`. The Python package
//! (`python/bidcert`) defines the exceptions and enums and re-exports these classes.
//! One module per Python class family; one conversion from `errors::BindingError` to `PyErr`.
#![forbid(unsafe_code)]

use std::sync::OnceLock;

use pyo3::prelude::*;

mod cli;
mod client;
mod convert;
mod credentials;
mod emulator;
mod errors;
mod functions;
mod ops;
mod results;
mod signer;

/// Clears pyo3-log's cache of Python logger levels (see `bidcert.refresh_logging`).
static LOG_RESET: OnceLock<pyo3_log::ResetHandle> = OnceLock::new();

/// Forgets the cached levels of the Python loggers, so a level set after the first log record
/// takes effect.
#[pyfunction]
fn refresh_logging() {
    if let Some(handle) = LOG_RESET.get() {
        handle.reset();
    }
}

/// Routes the `log` records of the `bidcert` target (and warnings of the crates below it) to
/// Python's `logging`. Levels are cached, so the hot path takes no lock and no GIL.
fn install_logger(py: Python<'_>) -> PyResult<()> {
    let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::LoggersAndLevels)?
        .filter(log::LevelFilter::Warn)
        .filter_target("bidcert".to_owned(), log::LevelFilter::Trace);
    let handle = logger.reset_handle();
    // Another copy of the module in this process may have installed a logger already.
    if logger.install().is_ok() {
        let _ = LOG_RESET.set(handle);
    }
    Ok(())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    install_logger(m.py())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(refresh_logging, m)?)?;
    credentials::register(m)?;
    ops::register(m)?;
    signer::register(m)?;
    results::register(m)?;
    client::register(m)?;
    functions::register(m)?;
    emulator::register(m)?;
    cli::register(m)?;
    Ok(())
}

//! `cli_main`: the `bidcert` console script runs the Rust command through this module.

use pyo3::prelude::*;

use crate::logging::CommandLogger;

/// Runs the `bidcert` command with `argv` (`argv[0]` included) and returns its exit status.
/// The GIL is released while it runs. While it runs, log records go to the command's stderr
/// logger, as they do in the cargo-built command, not to Python's `logging`.
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(move || {
        let mut routed = None;
        let status = bidcert_cli::run_with_logger(argv, |logger, level| {
            routed = CommandLogger::install(logger, level);
        });
        drop(routed);
        status
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cli_main, m)?)
}

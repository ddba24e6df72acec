//! `cli_main`: the `bidcert` console script runs the Rust command through this module.

use pyo3::prelude::*;

/// Runs the `bidcert` command with `argv` (`argv[0]` included) and returns its exit status.
/// The GIL is released while it runs.
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(move || bidcert_cli::run(argv))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cli_main, m)?)
}

//! Replays every kept crashing input of `fuzz/regressions/<target>/` through the target's
//! `run`. Not part of the fuzz crate: each owning crate's `tests/fuzz_regressions.rs`
//! includes this file (`#[path]`), so a fixed crash stays fixed under a plain `cargo test`.

use std::path::Path;

/// Runs `run` on every input kept for `target`; there must be one at least.
pub fn replay(target: &str, run: fn(&[u8])) {
    // Every owning crate lies at crates/<name>.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no kept input in {}", dir.display());
    for path in inputs {
        eprintln!("replaying {}", path.display());
        run(&std::fs::read(&path).unwrap());
    }
}

//! Replays the inputs the credentials fuzz targets crashed on (`fuzz/regressions/<target>/`)
//! through the targets' own code, properties included, so a fixed crash stays fixed under
//! `cargo test`.

use std::path::Path;

// The targets' shared reader; these targets use part of it.
#[allow(dead_code)]
#[path = "../../../fuzz/src/input.rs"]
mod input;

// The CLI config target: its `disguised` serves the shared file's.
#[allow(dead_code)]
#[path = "../../../fuzz/src/cli_config.rs"]
mod cli_config;
#[path = "../../../fuzz/src/shared_credentials.rs"]
mod shared_credentials;

fn replay(target: &str, run: fn(&[u8])) {
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

#[test]
fn shared_credentials_crashes_stay_fixed() {
    replay("shared_credentials", shared_credentials::run);
}

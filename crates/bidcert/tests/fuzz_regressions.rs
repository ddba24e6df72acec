//! Replays the inputs the credentials fuzz targets crashed on (`fuzz/regressions/<target>/`)
//! through the targets' own code, properties included, so a fixed crash stays fixed under
//! `cargo test`.

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

#[path = "../../../fuzz/src/replay.rs"]
mod replay;
use replay::replay;

#[test]
fn shared_credentials_crashes_stay_fixed() {
    replay("shared_credentials", shared_credentials::run);
}

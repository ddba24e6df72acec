//! Replays the inputs the fuzz targets crashed on (`fuzz/regressions/<target>/`) through the
//! targets' own code, properties included, so a fixed crash stays fixed under `cargo test`.

use std::path::Path;

// The targets' shared reader; this crate's targets use part of it.
#[allow(dead_code)]
#[path = "../../../fuzz/src/input.rs"]
mod input;

// The v1.0 target: its token helpers serve the V3 one.
#[allow(dead_code)]
#[path = "../../../fuzz/src/diagnose.rs"]
mod diagnose;
#[path = "../../../fuzz/src/diagnose_v3.rs"]
mod diagnose_v3;
#[path = "../../../fuzz/src/exchange.rs"]
mod exchange;
#[path = "../../../fuzz/src/fast_auth_event.rs"]
mod fast_auth_event;
#[path = "../../../fuzz/src/verify.rs"]
mod verify;

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
fn exchange_crashes_stay_fixed() {
    replay("exchange", exchange::run);
}

#[test]
fn fast_auth_event_crashes_stay_fixed() {
    replay("fast_auth_event", fast_auth_event::run);
}

#[test]
fn diagnose_v3_crashes_stay_fixed() {
    replay("diagnose_v3", diagnose_v3::run);
}

#[test]
fn verify_crashes_stay_fixed() {
    replay("verify", verify::run);
}

//! Replays the inputs the fuzz targets crashed on (`fuzz/regressions/<target>/`) through the
//! targets' own code, properties included, so a fixed crash stays fixed under `cargo test`.

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

#[path = "../../../fuzz/src/replay.rs"]
mod replay;
use replay::replay;

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

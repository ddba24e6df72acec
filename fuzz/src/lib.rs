//! The fuzz targets' bodies: each module's `run` takes libFuzzer's bytes, decodes them as
//! `fuzz/README.md` describes, calls one public surface and asserts its properties.
//!
//! The modules use only the crate under test and its dependencies, so the crate's own
//! regression test includes the same file (`#[path]`) and replays the kept crashing inputs
//! of `fuzz/regressions/<target>/` under a plain `cargo test`.

pub mod input;
pub mod responses;

pub mod audit_input;
pub mod cert_ways_url;
pub mod certified_info;
pub mod cli_config;
pub mod diagnose;
pub mod diagnose_v3;
pub mod exchange;
pub mod fast_auth_event;
pub mod fixture;
pub mod rpc_response;
pub mod shared_credentials;
pub mod verify;

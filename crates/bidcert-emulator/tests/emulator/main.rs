//! The emulator driven over real TCP on 127.0.0.1, one module per area.

mod admin;
mod business;
mod clock;
mod common;
mod faults;
mod independent_signer;
mod link;
mod metadata;
mod robustness;
mod sts;
mod tls;
mod v3;
mod verification;

//! The C ABI of bidcert: `libbidcert.so` / `libbidcert.a` and `include/bidcert.h`.
//!
//! Glue only: every export converts its arguments, calls `bidcert` (core + client), and
//! converts the answer back. One module per C "class". Every export runs inside the panic
//! boundary of [`panic`], checks every pointer, and writes its out-parameter only on success.
//! The header is generated from these sources by cbindgen (`examples/gen_header.rs`).
#![allow(non_camel_case_types)]
// The pointer contract is documented once, in the header's preamble (cbindgen.toml).
#![allow(clippy::missing_safety_doc)]
// `bidcert_error` is the failure path of every export; it is moved once, into the
// thread-local last error, so its size costs nothing worth a Box.
#![allow(clippy::result_large_err)]

#[macro_use]
extern crate macro_rules_attribute;

#[macro_use]
mod panic;
#[macro_use]
mod enums;

mod call;
mod client;
mod convert;
mod credentials;
mod diagnose;
mod error;
mod event;
mod operation;
mod parse;
mod provider_config;
mod pure;
mod resolved;
mod results;
mod signer;
mod status;
mod strings;
mod v3;

pub use call::*;
pub use client::*;
pub use convert::bidcert_param;
pub use credentials::*;
pub use diagnose::*;
pub use enums::{
    bidcert_bid_type, bidcert_decision_kind, bidcert_platform, bidcert_product,
    bidcert_signature_version, bidcert_subject_type, bidcert_transport_kind,
};
pub use error::*;
pub use event::*;
pub use operation::*;
pub use parse::*;
pub use provider_config::*;
pub use pure::*;
pub use resolved::*;
pub use results::*;
pub use signer::*;
pub use status::*;
pub use strings::*;
pub use v3::*;

//! A local emulator of Alibaba Cloud's two reseller identity-verification endpoints
//! (Crm `QueryBidUserCertifiedInfo` and Aas `GenerateAliyunBidCertWaysUrl`) on one loopback
//! port, for tests and demos.
//!
//! It behaves like the gateway rather than a mock: every request is verified with
//! [`bidcert_core::verify`] (signature v1.0) or [`bidcert_core::verify_v3`] (signature V3,
//! an `ACS3-` `Authorization`): signature, 15-minute timestamp window, nonce replay; then the
//! business rules of the API documents answer with their exact status codes and body shapes.
//! The verification link it issues points at a page of its own that plays the FastAuthc
//! events and, on success, marks the customer verified. Faults (latency, 5xx, throttling,
//! dropped connections, truncated and non-JSON bodies) can be injected deterministically.
//!
//! It serves HTTP, and with [`EmulatorBuilder::tls`] HTTPS beside it with a CA of its own
//! ([`EmulatorHandle::ca_pem`]), counting TLS handshakes. Every answer's `Date` is the
//! emulator's clock, which a test can move ([`EmulatorHandle::set_clock_offset`]).
//!
//! The API is blocking; the server runs on threads of its own. The foreground runner (the
//! `bidcert-emulator` command) lives in the bidcert-cli package, so this library needs no CLI
//! parser.
//!
//! ```
//! use bidcert_emulator::{demo, Emulator, Fault, FaultKind};
//!
//! let emulator = Emulator::builder().start()?;
//! println!("serving {}", emulator.base_url());
//! emulator.inject_fault(Fault::next(FaultKind::Http503)); // the next API request gets a 503
//! emulator.verify_customer(demo::UNVERIFIED_PK).unwrap();
//! emulator.shutdown();
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The fixture's JSON schema, the admin API and the exact behaviour are in the crate's README.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod admin;
mod api;
mod body;
pub mod demo;
mod fault;
mod fixture;
mod handle;
mod metadata;
mod page;
mod server;
mod signal;
mod state;
mod sts;
mod tls;

pub use fault::{Fault, FaultKind, FaultScope, FaultTarget};
pub use fixture::{
    Account, Certificate, Customer, Fixture, FixtureError, Instance, OidcProvider, Reseller, Role,
};
pub use handle::{Emulator, EmulatorBuilder, EmulatorHandle, MAX_BODY_BYTES, MAX_HEADER_BYTES};
pub use metadata::MetadataRequests;
pub use signal::wait_for_shutdown_signal;
pub use state::{CustomerState, RequestRecord, UnknownCustomer, REQUEST_LOG_LIMIT};
pub use sts::StsCredential;

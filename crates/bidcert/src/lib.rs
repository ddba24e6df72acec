//! bidcert: Alibaba Cloud's RPC request signature and the reseller identity-verification
//! calls, with a blocking client.
//!
//! Re-exports everything in [`bidcert_core`] (signing, operations, parsers, the call engine,
//! the error model) and adds [`Client`], which drives the core's call engine
//! ([`exchange`]) over one shared ureq connection pool, and the credentials chain. With the
//! `async` feature, `AsyncClient` drives the same engine over reqwest on a Tokio runtime.
//!
//! ```no_run
//! use bidcert::{BidType, Client, Credentials, GenerateCertWaysUrl, Platform};
//!
//! let client = Client::new(Credentials::new("LTAI5tExample", "secret")?)?;
//! let link = client.generate_cert_ways_url(
//!     &GenerateCertWaysUrl::new("1234567890123456", BidType::Normal)?.with_platform(Platform::H5),
//! )?;
//! println!("{} (valid until {})", link.url(), link.expires_at());
//! # Ok::<(), bidcert::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

#[cfg(feature = "async")]
mod async_client;
mod client;
pub mod credentials;
mod drive;
mod resolve;
mod tls;
mod transport;

#[cfg(feature = "async")]
pub use async_client::AsyncClient;
pub use bidcert_core::exchange::Policy;
pub use bidcert_core::*;
pub use client::{Client, ClientBuilder};
pub use credentials::{
    CredentialsKind, CredentialsProvider, ResolvedCredentials, ENV_ACCESS_KEY_ID,
    ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN,
};
pub use resolve::DNS_CACHE_TTL;

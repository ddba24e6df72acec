//! The pure core of bidcert: Alibaba Cloud's RPC request signature (version 1.0, HMAC-SHA1;
//! V3, ACS3-HMAC-SHA256, opt-in in [`v3`]) and the two reseller identity-verification
//! operations.
//!
//! No network, no threads, no global state: the clock and the nonce are inputs
//! ([`Timestamp::now`] and [`Nonce::random`] are conveniences for callers). The `bidcert`
//! crate sends what this crate signs.
//!
//! ```
//! use bidcert_core::{BidType, Credentials, Nonce, QueryCertifiedInfo, Signer, Timestamp};
//!
//! let signer = Signer::new(Credentials::new("LTAI5tExample", "secret")?);
//! let op = QueryCertifiedInfo::new("1234567890123456", BidType::Normal)?;
//! let request = signer.sign(&op, Timestamp::now(), &Nonce::random())?;
//! println!("{} {}", request.method(), request.redacted_url());
//! println!("signed: {}", request.string_to_sign());
//! # Ok::<(), bidcert_core::ValidationError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
// `Operation`'s sealed supertrait hands crate-private parameters to the signer; nothing
// outside the crate can name or implement it.
#![allow(private_interfaces)]

mod clock;
mod credentials;
mod diagnose;
mod encode;
mod error;
mod event;
pub mod exchange;
mod ops;
mod redact;
mod refresh;
mod response;
mod sign;
mod sts;
mod temporary;
mod unsigned;
pub mod v3;
mod verify;
mod version;

pub use clock::{Nonce, Timestamp};
pub use credentials::Credentials;
pub use diagnose::{diagnose_signature_mismatch, Diagnosis, Difference, SERVER_STRING_MARKER};
pub use encode::percent_encode;
pub use error::{
    ApiError, ApiErrorKind, CredentialsError, Error, ErrorKind, ParseError, TransportError,
    TransportKind, ValidationError, EXCERPT_LIMIT,
};
pub use event::{parse_fast_auth_event, EventError, FastAuthEvent, FastAuthEventKind};
pub use ops::{
    BidType, Endpoint, GenerateCertWaysUrl, Method, Operation, Pk, Platform, Product,
    QueryCertifiedInfo, RpcCall, SubjectType, Target, COMMON_PARAMS,
};
pub use redact::{mask, mask_unless, redact_security_token};
pub use refresh::{Freshness, RefreshPolicy};
pub use response::{
    parse_cert_ways_url, parse_certified_info, parse_rpc_response, AccountCertType, CertType,
    CertWaysUrl, CertifiedInfo, CERT_WAYS_URL_VALIDITY_SECONDS,
};
pub use sign::{canonicalized_query, signature, string_to_sign, SignedRequest, Signer};
pub use sts::{
    sts_endpoint, AssumeRole, AssumeRoleWithOidc, DEFAULT_DURATION_SECONDS, MIN_DURATION_SECONDS,
    STS_VERSION,
};
pub use temporary::{
    parse_credentials_uri, parse_ecs_credentials, parse_sts_credentials, TemporaryCredentials,
    EXPIRED_SECURITY_TOKEN,
};
pub use verify::v3::{verify_v3, ReceivedRequest, V3_REQUIRED_HEADERS};
pub use verify::{verify, MemoryNonceStore, NonceStore, Verified, VerifyError, WINDOW_SECONDS};
pub use version::SignatureVersion;

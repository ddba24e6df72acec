//! HTTPS: a CA and a leaf certificate made at start, and the rustls configuration that serves
//! them.
//!
//! The provider is rustls's `ring`: it is the one ureq's rustls (the project's client) already
//! builds with, so the workspace compiles one crypto library, and it needs only a C compiler
//! (aws-lc-rs also needs cmake or a prebuilt object).

use std::io;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// The names the leaf certificate is valid for: every loopback spelling a client may use.
pub(crate) const LEAF_NAMES: [&str; 3] = ["127.0.0.1", "::1", "localhost"];

/// A fresh CA, the leaf it signed, and the acceptor that serves the leaf.
pub(crate) struct Tls {
    /// The CA certificate, PEM: what a client adds to its roots.
    pub(crate) ca_pem: String,
    pub(crate) acceptor: TlsAcceptor,
}

fn tls_error(what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("cannot {what}: {e}"))
}

impl Tls {
    /// Makes a new CA and leaf (ECDSA P-256, as rcgen generates by default).
    pub(crate) fn generate() -> io::Result<Tls> {
        let ca_key = KeyPair::generate().map_err(|e| tls_error("generate the CA key", e))?;
        let mut ca = CertificateParams::default();
        ca.distinguished_name = rcgen::DistinguishedName::new();
        ca.distinguished_name
            .push(DnType::CommonName, "bidcert-emulator test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = ca
            .self_signed(&ca_key)
            .map_err(|e| tls_error("sign the CA", e))?;

        let leaf_key = KeyPair::generate().map_err(|e| tls_error("generate the leaf key", e))?;
        let mut leaf = CertificateParams::new(LEAF_NAMES.map(str::to_owned).to_vec())
            .map_err(|e| tls_error("name the leaf", e))?;
        leaf.distinguished_name = rcgen::DistinguishedName::new();
        leaf.distinguished_name
            .push(DnType::CommonName, "bidcert-emulator");
        leaf.use_authority_key_identifier_extension = true;
        let leaf = leaf
            .signed_by(&leaf_key, &ca, &ca_key)
            .map_err(|e| tls_error("sign the leaf", e))?;

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| tls_error("configure TLS", e))?
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone(), ca.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .map_err(|e| tls_error("configure TLS", e))?;
        // The server speaks HTTP/1.1 only.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            ca_pem: ca.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }
}

//! Which certificate authorities a client trusts: the platform's, plus any the caller adds.

use std::path::{Path, PathBuf};

use bidcert_core::ValidationError;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

/// A CA to trust beside the platform's store: PEM text, or a PEM file read when the client
/// is built.
#[derive(Debug, Clone)]
pub(crate) enum ExtraCa {
    Pem(Vec<u8>),
    File(PathBuf),
}

impl ExtraCa {
    fn certificates(&self) -> Result<Vec<Certificate<'static>>, ValidationError> {
        let (field, pem) = match self {
            ExtraCa::Pem(pem) => ("ca_pem", std::borrow::Cow::Borrowed(pem.as_slice())),
            ExtraCa::File(path) => ("ca_file", std::borrow::Cow::Owned(read(path)?)),
        };
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(&pem) {
            match item {
                Ok(PemItem::Certificate(c)) => certs.push(c),
                Ok(_) => {}
                Err(e) => {
                    return Err(ValidationError::new(
                        field,
                        format!("{}not PEM: {e}", whose(self)),
                    ))
                }
            }
        }
        if certs.is_empty() {
            return Err(ValidationError::new(
                field,
                format!("{}holds no certificate", whose(self)),
            ));
        }
        Ok(certs)
    }
}

fn whose(ca: &ExtraCa) -> String {
    match ca {
        ExtraCa::File(path) => format!("{} ", path.display()),
        ExtraCa::Pem(_) => String::new(),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, ValidationError> {
    std::fs::read(path).map_err(|e| {
        ValidationError::new("ca_file", format!("cannot read {}: {e}", path.display()))
    })
}

/// The TLS configuration: the platform verifier alone (which honours `SSL_CERT_FILE` and
/// `SSL_CERT_DIR` on Linux), or, with extra CAs, the system's roots and those.
pub(crate) fn config(extra: &[ExtraCa]) -> Result<TlsConfig, ValidationError> {
    let roots = if extra.is_empty() {
        RootCerts::PlatformVerifier
    } else {
        // The same roots the platform verifier reads on Linux (the system store, or
        // SSL_CERT_FILE / SSL_CERT_DIR), with the caller's CAs added.
        let mut certs: Vec<Certificate<'static>> = rustls_native_certs::load_native_certs()
            .certs
            .iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .collect();
        for ca in extra {
            certs.extend(ca.certificates()?);
        }
        RootCerts::new_with_certs(&certs)
    };
    Ok(TlsConfig::builder().root_certs(roots).build())
}

/// The same trust as [`config`], as a rustls configuration for the async driver: the
/// platform verifier alone, or the system's roots with the caller's CAs; ring, and TLS 1.2
/// and 1.3, as ureq's.
#[cfg(feature = "async")]
pub(crate) fn rustls_config(extra: &[ExtraCa]) -> Result<rustls::ClientConfig, ValidationError> {
    use std::sync::Arc;

    let refused = |e: rustls::Error| ValidationError::new("tls", e.to_string());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(refused)?;
    let builder = if extra.is_empty() {
        let verifier = rustls_platform_verifier::Verifier::new(provider).map_err(refused)?;
        builder
            .dangerous() // not dangerous: the platform's own verification
            .with_custom_certificate_verifier(Arc::new(verifier))
    } else {
        let mut roots = rustls::RootCertStore::empty();
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        for ca in extra {
            for cert in ca.certificates()? {
                roots
                    .add(cert.der().to_vec().into())
                    .map_err(|e| ValidationError::new("ca_pem", e.to_string()))?;
            }
        }
        builder.with_root_certificates(roots)
    };
    Ok(builder.with_no_client_auth())
}

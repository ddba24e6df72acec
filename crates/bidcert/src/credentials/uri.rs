//! Temporary credentials from a credentials URI (`ALIBABA_CLOUD_CREDENTIALS_URI`): a `GET`
//! answering `{Code, AccessKeyId, AccessKeySecret, SecurityToken, Expiration}`.

use bidcert_core::exchange::Policy;
use bidcert_core::{parse_credentials_uri, Endpoint, Error};

use super::config::CredentialsUriConfig;
use super::env::Env;
use super::provide::{refuse, CredentialsKind, ProvideCredentials, ResolvedCredentials};
use super::vars::ENV_CREDENTIALS_URI;
use crate::transport::{Proxy, Timeouts, Transport};

/// A URI without its query and fragment, which may carry a token: what messages show.
pub(crate) fn redact_uri(uri: &str) -> String {
    let cut = uri.find(['?', '#']).unwrap_or(uri.len());
    let mut out = uri[..cut].to_owned();
    if cut < uri.len() {
        out.push_str("?<redacted>");
    }
    // user:password@ in the authority
    if let Some((scheme, rest)) = out.split_once("://") {
        if let Some((userinfo, host)) = rest.split_once('@') {
            if !userinfo.contains('/') {
                return format!("{scheme}://<redacted>@{host}");
            }
        }
    }
    out
}

/// Temporary credentials from a URI (kind `credentials_uri`). `Debug` and messages show the
/// URI without its query.
///
/// ```
/// use bidcert::credentials::{CredentialsUriConfig, CredentialsUriProvider, Env};
/// let config = CredentialsUriConfig { uri: Some("http://10.0.0.1/creds".into()), ..Default::default() };
/// let e = CredentialsUriProvider::new(&config, &Env::empty()).unwrap_err();
/// assert!(e.to_string().contains("plain http"), "the answer holds a secret: https or loopback");
/// ```
pub struct CredentialsUriProvider {
    uri: String,
    timeouts: Timeouts,
    transport: Transport,
}

impl std::fmt::Debug for CredentialsUriProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsUriProvider")
            .field("uri", &redact_uri(&self.uri))
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl CredentialsUriProvider {
    /// The URI `config` gives, else `ALIBABA_CLOUD_CREDENTIALS_URI`: https, or plain http to a
    /// loopback address (unless `config` allows any).
    pub fn new(config: &CredentialsUriConfig, env: &Env) -> Result<Self, Error> {
        let uri = env
            .or_var(&config.uri, ENV_CREDENTIALS_URI)
            .ok_or_else(|| {
                refuse(
                    "credentials_uri",
                    format!("{ENV_CREDENTIALS_URI} is not set"),
                )
            })?;
        let shown = redact_uri(&uri);
        let parsed: ureq::http::Uri = uri
            .parse()
            .map_err(|_| refuse("credentials_uri", format!("{shown} is not a URI")))?;
        let (Some(scheme), Some(authority)) = (parsed.scheme_str(), parsed.authority()) else {
            return Err(refuse(
                "credentials_uri",
                format!("{shown} is not an http(s) URI"),
            ));
        };
        if !matches!(scheme, "http" | "https") {
            return Err(refuse(
                "credentials_uri",
                format!("{shown} is not an http(s) URI"),
            ));
        }
        let host = authority.as_str().rsplit('@').next().unwrap_or("");
        let endpoint = Endpoint::new(format!("{scheme}://{host}"))
            .map_err(|e| refuse("credentials_uri", e.reason().to_owned()))?;
        endpoint
            .check_transport(config.allow_insecure_http)
            .map_err(|_| {
                refuse(
                    "credentials_uri",
                    format!("{shown} is plain http to a host that is not loopback; use https"),
                )
            })?;
        let policy = Policy::default();
        Ok(CredentialsUriProvider {
            uri,
            timeouts: Timeouts {
                connect: policy.connect_timeout(),
                read: policy.attempt_timeout(),
            },
            transport: Transport::new(policy.user_agent(), &Proxy::FromEnv, 1)?,
        })
    }
}

impl ProvideCredentials for CredentialsUriProvider {
    fn fetch(&self) -> Result<ResolvedCredentials, Error> {
        let (status, body) = self
            .transport
            .plain(
                false,
                &self.uri,
                &[("Accept", "application/json")],
                self.timeouts,
                64 * 1024,
            )
            .map_err(|e| refuse(self.describe(), e.to_string()))?;
        let temporary = parse_credentials_uri(status, &body)
            .map_err(|e| refuse(self.describe(), e.to_string()))?;
        let expiration = temporary.expiration();
        Ok(ResolvedCredentials::new(
            temporary.into_credentials(),
            Some(expiration),
            CredentialsKind::CredentialsUri,
            "credentials_uri",
            redact_uri(&self.uri),
        ))
    }

    fn describe(&self) -> String {
        format!("credentials URI {}", redact_uri(&self.uri))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_passwords_never_show() {
        assert_eq!(
            redact_uri("http://127.0.0.1:9/c?token=abc"),
            "http://127.0.0.1:9/c?<redacted>"
        );
        assert_eq!(
            redact_uri("https://u:p@host/c"),
            "https://<redacted>@host/c"
        );
        assert_eq!(redact_uri("https://host/c"), "https://host/c");
    }
}

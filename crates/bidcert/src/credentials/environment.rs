//! The environment's keys: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`.

use bidcert_core::{Credentials, Error};

use super::env::Env;
use super::provide::{
    key_refused, refuse, CredentialsKind, ProvideCredentials, ResolvedCredentials,
};
use super::vars::{ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN};

/// Keys from `ALIBABA_CLOUD_ACCESS_KEY_ID` and `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, with
/// `ALIBABA_CLOUD_SECURITY_TOKEN` when set (kind `sts`, else `static`). Read at each fetch.
///
/// ```
/// use bidcert::credentials::{Env, EnvironmentProvider, ProvideCredentials};
/// let env = Env::empty()
///     .with("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tExample")
///     .with("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret ");
/// let e = EnvironmentProvider::new(&env).fetch().unwrap_err();
/// assert!(e.to_string().contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET must not start or end with whitespace"));
/// ```
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// Reads `env`.
    pub fn new(env: &Env) -> Self {
        EnvironmentProvider { env: env.clone() }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn fetch(&self) -> Result<ResolvedCredentials, Error> {
        let source = self.describe();
        let need = |name: &str| {
            self.env
                .var(name)
                .ok_or_else(|| refuse(&source, format!("{name} is not set")))
        };
        let id = need(ENV_ACCESS_KEY_ID)?;
        let secret = need(ENV_ACCESS_KEY_SECRET)?;
        // Name the variable, not the field, so the user knows what to fix.
        let named = |e: bidcert_core::ValidationError| {
            let var = match e.field() {
                "AccessKeyId" => ENV_ACCESS_KEY_ID,
                "AccessKeySecret" => ENV_ACCESS_KEY_SECRET,
                _ => ENV_SECURITY_TOKEN,
            };
            key_refused(&source, &e, var)
        };
        let creds = Credentials::new(id, secret).map_err(named)?;
        let (creds, kind) = match self.env.var(ENV_SECURITY_TOKEN) {
            Some(t) => (
                creds.with_security_token(t).map_err(named)?,
                CredentialsKind::Sts,
            ),
            None => (creds, CredentialsKind::Static),
        };
        Ok(ResolvedCredentials::new(
            creds,
            None,
            kind,
            "environment",
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
        ))
    }

    fn describe(&self) -> String {
        "environment".to_owned()
    }
}

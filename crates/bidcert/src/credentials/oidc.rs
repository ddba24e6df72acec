//! A RAM role assumed with an OIDC token (`AssumeRoleWithOIDC`), as ACK's RRSA sets up a pod:
//! the role, the identity provider and the token's file from the environment. The file is read
//! at every refresh, as the token in it rotates.

use std::path::PathBuf;
use std::sync::Arc;

use bidcert_core::{AssumeRoleWithOidc, Credentials, Error, Signer};
use zeroize::Zeroizing;

use super::config::{default_session_name, OidcRoleConfig};
use super::env::Env;
use super::provide::{failed_at, refuse, CredentialsKind, ProvideCredentials, ResolvedCredentials};
use super::sts_client::StsClient;
use super::vars::{
    ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE, ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME,
};

/// Temporary credentials of a RAM role for the holder of an OIDC token (kind
/// `oidc_role_arn`). The call is unsigned; the token never enters a URL, a log or an error.
///
/// ```
/// use bidcert::credentials::{Env, OidcRoleConfig, OidcRoleProvider};
/// // Without the role, the provider and the token file, there is nothing to assume.
/// let e = OidcRoleProvider::new(&OidcRoleConfig::default(), &Env::empty()).unwrap_err();
/// assert!(e.to_string().contains("ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set"));
/// ```
#[derive(Debug)]
pub struct OidcRoleProvider {
    role_arn: String,
    oidc_provider_arn: String,
    token_file: PathBuf,
    role_session_name: String,
    duration_seconds: Option<u32>,
    policy: Option<String>,
    endpoint: bidcert_core::Endpoint,
    sts: StsClient,
    // The engine's protocol takes a signer for every attempt; this call is unsigned and its
    // request is built without it.
    unsigned: Arc<Signer>,
}

impl OidcRoleProvider {
    /// The role `config` names, its unset fields from `env` (`ALIBABA_CLOUD_ROLE_ARN`,
    /// `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`). Fails, naming
    /// what is missing, when one of the three is neither given nor set.
    pub fn new(config: &OidcRoleConfig, env: &Env) -> Result<Self, Error> {
        let role_arn = env.or_var(&config.role_arn, ENV_ROLE_ARN);
        let oidc_provider_arn = env.or_var(&config.oidc_provider_arn, ENV_OIDC_PROVIDER_ARN);
        let token_file = config
            .oidc_token_file
            .clone()
            .filter(|p| !p.as_os_str().is_empty())
            .or_else(|| env.var(ENV_OIDC_TOKEN_FILE).map(PathBuf::from));
        let missing: Vec<&str> = [
            (role_arn.is_none(), ENV_ROLE_ARN),
            (oidc_provider_arn.is_none(), ENV_OIDC_PROVIDER_ARN),
            (token_file.is_none(), ENV_OIDC_TOKEN_FILE),
        ]
        .into_iter()
        .filter_map(|(m, var)| m.then_some(var))
        .collect();
        let (Some(role_arn), Some(oidc_provider_arn), Some(token_file)) =
            (role_arn, oidc_provider_arn, token_file)
        else {
            let verb = if missing.len() == 1 { "is" } else { "are" };
            return Err(refuse(
                "oidc",
                format!("{} {verb} not set", missing.join(", ")),
            ));
        };
        let role_session_name = env
            .or_var(&config.role_session_name, ENV_ROLE_SESSION_NAME)
            .unwrap_or_else(default_session_name);
        let endpoint = config.sts.endpoint_in(env)?;
        let provider = OidcRoleProvider {
            role_arn,
            oidc_provider_arn,
            token_file,
            role_session_name,
            duration_seconds: config.duration_seconds,
            policy: config.policy.clone().filter(|p| !p.is_empty()),
            endpoint,
            sts: StsClient::new()?,
            unsigned: Arc::new(Signer::new(Credentials::new(
                "AssumeRoleWithOIDC",
                "unsigned",
            )?)),
        };
        // The parameters are checked now; the token at each fetch.
        provider.operation("placeholder-token")?;
        Ok(provider)
    }

    fn operation(&self, token: &str) -> Result<AssumeRoleWithOidc, Error> {
        let mut op = AssumeRoleWithOidc::new(
            self.endpoint.clone(),
            self.role_arn.clone(),
            self.oidc_provider_arn.clone(),
            token,
            self.role_session_name.clone(),
        )?;
        if let Some(d) = self.duration_seconds {
            op = op.with_duration_seconds(d)?;
        }
        if let Some(p) = &self.policy {
            op = op.with_policy(p.clone())?;
        }
        Ok(op)
    }

    /// The token, as the file has it now (a trailing newline is not part of it).
    fn token(&self) -> Result<Zeroizing<String>, Error> {
        let file = self.token_file.display();
        let text = std::fs::read_to_string(&self.token_file)
            .map(Zeroizing::new)
            .map_err(|e| {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "not found".to_owned(),
                    _ => e.to_string(),
                };
                refuse(
                    self.describe(),
                    format!("the OIDC token file {file}: {why}"),
                )
            })?;
        let token = Zeroizing::new(text.trim().to_owned());
        if token.is_empty() {
            return Err(refuse(
                self.describe(),
                format!("the OIDC token file {file} is empty"),
            ));
        }
        Ok(token)
    }
}

impl ProvideCredentials for OidcRoleProvider {
    fn fetch(&self) -> Result<ResolvedCredentials, Error> {
        let token = self.token()?;
        let op = self.operation(&token).map_err(|e| match e {
            Error::Validation(v) => refuse(
                self.describe(),
                format!(
                    "the OIDC token in {}: {}",
                    self.token_file.display(),
                    v.reason()
                ),
            ),
            other => other,
        })?;
        let temporary = self
            .sts
            .call(&op, &mut |_| Ok(self.unsigned.clone()))
            .map_err(|e| failed_at(self.describe(), e))?;
        let expiration = temporary.expiration();
        Ok(ResolvedCredentials::new(
            temporary.into_credentials(),
            Some(expiration),
            CredentialsKind::OidcRoleArn,
            "oidc",
            self.describe(),
        ))
    }

    fn describe(&self) -> String {
        format!(
            "OIDC role {} at {} (token file {})",
            self.role_arn,
            self.endpoint,
            self.token_file.display()
        )
    }
}

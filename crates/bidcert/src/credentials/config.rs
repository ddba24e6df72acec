//! Plain configuration of every provider: what a binding fills in from its own types. Unset
//! fields fall back to the environment ([`Env`]), then to the official defaults.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use bidcert_core::{sts_endpoint, Credentials, Endpoint, Error, ValidationError};

use super::cache::CredentialsProvider;
use super::chain::DefaultChain;
use super::ecs::EcsRamRoleProvider;
use super::env::Env;
use super::environment::EnvironmentProvider;
use super::files::{CliConfigProvider, CredentialsFileProvider};
use super::oidc::OidcRoleProvider;
use super::ram_role::RamRoleArnProvider;
use super::uri::CredentialsUriProvider;
use super::vars::{ENV_BIDCERT_STS_ENDPOINT, ENV_STS_REGION, ENV_VPC_ENDPOINT_ENABLED};

/// Where STS is: [`StsConfig::endpoint`], else `BIDCERT_STS_ENDPOINT`, else the region's
/// endpoint (`sts.<region>.aliyuncs.com`, `sts-vpc.<region>.aliyuncs.com` with `vpc`), else
/// `sts.aliyuncs.com`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StsConfig {
    /// An explicit endpoint: `https://host[:port]`, or a host name (https); plain http only to
    /// a loopback address.
    pub endpoint: Option<String>,
    /// The region (else `ALIBABA_CLOUD_STS_REGION`).
    pub region: Option<String>,
    /// The VPC endpoint of the region (or `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`).
    pub vpc: bool,
}

impl StsConfig {
    /// The endpoint this configuration and `env` select.
    ///
    /// ```
    /// use bidcert::credentials::{Env, StsConfig};
    /// let env = Env::empty().with("ALIBABA_CLOUD_STS_REGION", "cn-beijing");
    /// assert_eq!(StsConfig::default().endpoint_in(&env)?.as_str(), "https://sts.cn-beijing.aliyuncs.com");
    /// let env = env.with("BIDCERT_STS_ENDPOINT", "http://127.0.0.1:8080");
    /// assert_eq!(StsConfig::default().endpoint_in(&env)?.as_str(), "http://127.0.0.1:8080");
    /// let given = StsConfig { endpoint: Some("sts.example.com".into()), ..Default::default() };
    /// assert_eq!(given.endpoint_in(&env)?.as_str(), "https://sts.example.com");
    /// # Ok::<(), bidcert::ValidationError>(())
    /// ```
    pub fn endpoint_in(&self, env: &Env) -> Result<Endpoint, ValidationError> {
        let explicit = env.or_var(&self.endpoint, ENV_BIDCERT_STS_ENDPOINT);
        let endpoint = match explicit {
            Some(e) if e.contains("://") => Endpoint::new(e)?,
            Some(host) => Endpoint::new(format!("https://{host}"))?,
            None => {
                let region = env.or_var(&self.region, ENV_STS_REGION);
                let vpc = self.vpc || env.is_true(ENV_VPC_ENDPOINT_ENABLED);
                sts_endpoint(region.as_deref(), vpc)?
            }
        };
        endpoint.check_transport(false)?;
        Ok(endpoint)
    }
}

/// A role to assume with `AssumeRole`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RamRoleArnConfig {
    /// The role (else `ALIBABA_CLOUD_ROLE_ARN`).
    pub role_arn: Option<String>,
    /// The session's name (else `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else `bidcert-<time>`).
    pub role_session_name: Option<String>,
    /// The session's length, at least 900 (default 3600).
    pub duration_seconds: Option<u32>,
    /// A policy narrowing the session's permissions.
    pub policy: Option<String>,
    /// The external id the role's trust policy asks for.
    pub external_id: Option<String>,
    /// Where STS is.
    pub sts: StsConfig,
}

/// A role to assume with an OIDC token (`AssumeRoleWithOIDC`), as ACK's RRSA sets up a pod.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OidcRoleConfig {
    /// The role (else `ALIBABA_CLOUD_ROLE_ARN`).
    pub role_arn: Option<String>,
    /// The identity provider (else `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`).
    pub oidc_provider_arn: Option<String>,
    /// The token's file, re-read at every refresh (else `ALIBABA_CLOUD_OIDC_TOKEN_FILE`).
    pub oidc_token_file: Option<PathBuf>,
    /// The session's name (else `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else `bidcert-<time>`).
    pub role_session_name: Option<String>,
    /// The session's length, at least 900 (default 3600).
    pub duration_seconds: Option<u32>,
    /// A policy narrowing the session's permissions.
    pub policy: Option<String>,
    /// Where STS is.
    pub sts: StsConfig,
}

/// An ECS instance's RAM role, from the instance metadata service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EcsRamRoleConfig {
    /// The role's name (else `ALIBABA_CLOUD_ECS_METADATA`, else discovered).
    pub role_name: Option<String>,
    /// The metadata service (else `BIDCERT_ECS_METADATA_ENDPOINT`, else
    /// `http://100.100.100.200`).
    pub endpoint: Option<String>,
    /// IMDSv2 only, no fallback to plain reads (else `ALIBABA_CLOUD_IMDSV1_DISABLED`).
    pub imdsv1_disabled: Option<bool>,
    /// Time to connect (default 1 s, so that a machine off ECS fails fast).
    pub connect_timeout: Option<Duration>,
    /// Time to read an answer (default 1 s).
    pub read_timeout: Option<Duration>,
}

/// A credentials URI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialsUriConfig {
    /// The URI (else `ALIBABA_CLOUD_CREDENTIALS_URI`).
    pub uri: Option<String>,
    /// Allows plain http to a host other than loopback (off: the answer holds a secret).
    pub allow_insecure_http: bool,
}

/// One of the two files, and its profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileConfig {
    /// The file (else its variable, else its place in the home directory).
    pub path: Option<PathBuf>,
    /// The profile (else as the file's official readers choose it).
    pub profile: Option<String>,
}

/// Any provider as plain data: [`CredentialsProvider::from_config`] builds it. What a binding
/// converts its own configuration into.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProviderConfig {
    /// Keys given as they are (kind `static`, or `sts` with a token).
    Static {
        /// The AccessKey id.
        access_key_id: String,
        /// The AccessKey secret.
        access_key_secret: String,
        /// The STS security token of temporary keys.
        security_token: Option<String>,
    },
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID` and the rest.
    Environment,
    /// An OIDC token's role.
    OidcRole(OidcRoleConfig),
    /// The Alibaba Cloud CLI's `~/.aliyun/config.json`.
    CliConfig(FileConfig),
    /// The shared `~/.alibabacloud/credentials`.
    CredentialsFile(FileConfig),
    /// An ECS instance's RAM role.
    EcsRamRole(EcsRamRoleConfig),
    /// A credentials URI.
    CredentialsUri(CredentialsUriConfig),
    /// A role assumed with the credentials of `source` (which may be another role: roles
    /// chain).
    RamRoleArn {
        /// The role.
        role: RamRoleArnConfig,
        /// Who assumes it.
        source: Box<ProviderConfig>,
    },
    /// The default chain; `profile` names the profile of both files.
    DefaultChain {
        /// The profile, as `--profile` gives it.
        profile: Option<String>,
    },
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProviderConfig::Static {
                access_key_id,
                security_token,
                ..
            } => f
                .debug_struct("Static")
                .field("access_key_id", access_key_id)
                .field("access_key_secret", &"<redacted>")
                .field(
                    "security_token",
                    &security_token.as_ref().map(|_| "<redacted>"),
                )
                .finish(),
            ProviderConfig::Environment => f.write_str("Environment"),
            ProviderConfig::OidcRole(c) => f.debug_tuple("OidcRole").field(c).finish(),
            ProviderConfig::CliConfig(c) => f.debug_tuple("CliConfig").field(c).finish(),
            ProviderConfig::CredentialsFile(c) => {
                f.debug_tuple("CredentialsFile").field(c).finish()
            }
            ProviderConfig::EcsRamRole(c) => f.debug_tuple("EcsRamRole").field(c).finish(),
            ProviderConfig::CredentialsUri(c) => f
                .debug_struct("CredentialsUri")
                .field("uri", &c.uri.as_deref().map(super::uri::redact_uri))
                .field("allow_insecure_http", &c.allow_insecure_http)
                .finish(),
            ProviderConfig::RamRoleArn { role, source } => f
                .debug_struct("RamRoleArn")
                .field("role", role)
                .field("source", source)
                .finish(),
            ProviderConfig::DefaultChain { profile } => f
                .debug_struct("DefaultChain")
                .field("profile", profile)
                .finish(),
        }
    }
}

impl CredentialsProvider {
    /// The provider `config` describes, its unset fields taken from `env`.
    ///
    /// ```
    /// use bidcert::credentials::{CredentialsProvider, Env, ProviderConfig};
    /// let config = ProviderConfig::Static {
    ///     access_key_id: "LTAI5tExample".into(),
    ///     access_key_secret: "secret".into(),
    ///     security_token: None,
    /// };
    /// let p = CredentialsProvider::from_config(&config, &Env::empty())?;
    /// assert_eq!(p.credentials()?.kind().as_str(), "static");
    /// # Ok::<(), bidcert::Error>(())
    /// ```
    pub fn from_config(config: &ProviderConfig, env: &Env) -> Result<Self, Error> {
        Ok(match config {
            ProviderConfig::Static {
                access_key_id,
                access_key_secret,
                security_token,
            } => {
                let c = Credentials::new(access_key_id.clone(), access_key_secret.clone())?;
                let c = match security_token {
                    Some(t) => c.with_security_token(t.clone())?,
                    None => c,
                };
                CredentialsProvider::fixed(c)
            }
            ProviderConfig::Environment => CredentialsProvider::new(EnvironmentProvider::new(env)),
            ProviderConfig::OidcRole(c) => CredentialsProvider::new(OidcRoleProvider::new(c, env)?),
            ProviderConfig::CliConfig(c) => {
                CredentialsProvider::new(CliConfigProvider::new(c, env)?)
            }
            ProviderConfig::CredentialsFile(c) => {
                CredentialsProvider::new(CredentialsFileProvider::new(c, env)?)
            }
            ProviderConfig::EcsRamRole(c) => {
                CredentialsProvider::new(EcsRamRoleProvider::new(c, env)?)
            }
            ProviderConfig::CredentialsUri(c) => {
                CredentialsProvider::new(CredentialsUriProvider::new(c, env)?)
            }
            ProviderConfig::RamRoleArn { role, source } => {
                let source = CredentialsProvider::from_config(source, env)?;
                CredentialsProvider::new(RamRoleArnProvider::new(role, source, env)?)
            }
            ProviderConfig::DefaultChain { profile } => {
                CredentialsProvider::new(DefaultChain::new(env, profile.as_deref()))
            }
        })
    }

    /// The default chain of `env`, in the official order: environment, OIDC, the CLI's
    /// config, the credentials file, ECS metadata, credentials URI ([`DefaultChain`]).
    pub fn default_chain(env: &Env) -> Self {
        CredentialsProvider::new(DefaultChain::new(env, None))
    }
}

/// A session name for a role assumed without one: `bidcert-<unix milliseconds>` (the
/// official libraries name theirs after themselves the same way).
pub(crate) fn default_session_name() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("bidcert-{ms}")
}

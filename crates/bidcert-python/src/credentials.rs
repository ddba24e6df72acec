//! `Credentials`: what a client signs with, as the Rust crate's `ProviderConfig`. Given keys
//! (whose secret never reaches Python again) or a provider that fetches and refreshes them
//! (the environment, an OIDC role, a CLI profile, the credentials file, an ECS RAM role, a
//! credentials URI, an assumed role, the default chain). Every rule is the Rust providers';
//! this file only fills in their plain configuration.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bidcert::credentials::{
    CredentialsProvider, CredentialsUriConfig, EcsRamRoleConfig, Env, FileConfig, OidcRoleConfig,
    ProviderConfig, RamRoleArnConfig, StsConfig,
};
use bidcert::ResolvedCredentials;
use pyo3::prelude::*;

use crate::convert::{py_bool, quote};
use crate::errors::{invalid, BindingError};

/// What a client signs with: an AccessKey pair (with a security token when temporary), or a
/// provider of them that refreshes temporary ones ahead of expiry, one caller at a time.
///
/// The secret and the tokens stay in Rust memory (wiped when dropped), are never returned to
/// Python, and never shown by `repr`. Every client given the same `Credentials` shares its
/// cache: one refresh serves them all.
#[pyclass(frozen, module = "bidcert._native", name = "Credentials")]
pub(crate) struct PyCredentials {
    // `None` for keys given as they are (they stay in `keys`, whose memory is wiped).
    config: Option<ProviderConfig>,
    pub(crate) provider: CredentialsProvider,
    // The keys as given, for `Credentials(id, secret, token)` and `from_env()`.
    keys: Option<bidcert::Credentials>,
}

impl PyCredentials {
    fn from_keys(keys: bidcert::Credentials) -> Self {
        PyCredentials {
            config: None,
            provider: CredentialsProvider::fixed(keys.clone()),
            keys: Some(keys),
        }
    }

    fn from_config(config: ProviderConfig) -> PyResult<Self> {
        let provider = CredentialsProvider::from_config(&config, &Env::process())
            .map_err(BindingError::from)?;
        Ok(PyCredentials {
            config: Some(config),
            provider,
            keys: None,
        })
    }

    /// The keys to sign with now: those given, or the provider's current ones (fetched when
    /// due, without the GIL).
    pub(crate) fn keys(&self, py: Python<'_>) -> PyResult<bidcert::Credentials> {
        match &self.keys {
            Some(keys) => Ok(keys.clone()),
            None => Ok(self.resolved(py)?.credentials().clone()),
        }
    }

    fn resolved(&self, py: Python<'_>) -> PyResult<Arc<ResolvedCredentials>> {
        let provider = self.provider.clone();
        Ok(py
            .detach(move || provider.credentials())
            .map_err(BindingError::from)?)
    }

    /// What a role assumed with these credentials starts from.
    fn source_config(&self) -> ProviderConfig {
        match (&self.config, &self.keys) {
            (Some(config), _) => config.clone(),
            (None, Some(keys)) => ProviderConfig::Static {
                access_key_id: keys.access_key_id().to_owned(),
                access_key_secret: keys.access_key_secret().to_owned(),
                security_token: keys.security_token().map(str::to_owned),
            },
            (None, None) => ProviderConfig::Environment,
        }
    }

    /// The factory's name, as `repr` and `provider` show it.
    fn name(&self) -> &'static str {
        let Some(config) = &self.config else {
            return "static";
        };
        match config {
            ProviderConfig::Static { .. } => "static",
            ProviderConfig::Environment => "environment",
            ProviderConfig::OidcRole(_) => "oidc_role",
            ProviderConfig::CliConfig(_) => "cli_profile",
            ProviderConfig::CredentialsFile(_) => "credentials_file",
            ProviderConfig::EcsRamRole(_) => "ecs_ram_role",
            ProviderConfig::CredentialsUri(_) => "credentials_uri",
            ProviderConfig::RamRoleArn { .. } => "ram_role_arn",
            ProviderConfig::DefaultChain { .. } => "default_chain",
            _ => "provider",
        }
    }
}

fn seconds(field: &str, value: Option<f64>) -> PyResult<Option<Duration>> {
    value
        .map(|s| Duration::try_from_secs_f64(s).map_err(|_| invalid(field, "must be seconds >= 0")))
        .transpose()
}

fn sts(endpoint: Option<String>, region: Option<String>, vpc: bool) -> StsConfig {
    StsConfig {
        endpoint,
        region,
        vpc,
    }
}

#[pymethods]
impl PyCredentials {
    #[new]
    #[pyo3(signature = (access_key_id, access_key_secret, security_token = None))]
    fn new(
        access_key_id: &str,
        access_key_secret: &str,
        security_token: Option<&str>,
    ) -> PyResult<Self> {
        let mut keys = bidcert::Credentials::new(access_key_id, access_key_secret)
            .map_err(BindingError::from)?;
        if let Some(token) = security_token {
            keys = keys
                .with_security_token(token)
                .map_err(BindingError::from)?;
        }
        Ok(PyCredentials::from_keys(keys))
    }

    /// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, when set,
    /// `ALIBABA_CLOUD_SECURITY_TOKEN` now; raises `CredentialsError` when a key variable is
    /// unset. (`environment()` reads them at each refresh instead.)
    #[staticmethod]
    pub(crate) fn from_env() -> PyResult<Self> {
        match bidcert::credentials::from_env() {
            Ok(keys) => Ok(PyCredentials::from_keys(keys)),
            Err(e) => Err(BindingError::from(bidcert::Error::from(e)).into()),
        }
    }

    /// The environment's keys (`ALIBABA_CLOUD_ACCESS_KEY_ID` and the rest), read when needed.
    #[staticmethod]
    fn environment() -> PyResult<Self> {
        PyCredentials::from_config(ProviderConfig::Environment)
    }

    /// A role assumed with an OIDC token (`AssumeRoleWithOIDC`), as ACK's RRSA sets up a pod;
    /// unset fields from `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
    /// `ALIBABA_CLOUD_OIDC_TOKEN_FILE` (re-read at every refresh).
    #[staticmethod]
    #[pyo3(signature = (*, role_arn = None, oidc_provider_arn = None, oidc_token_file = None, role_session_name = None, duration_seconds = None, policy = None, sts_endpoint = None, sts_region = None, sts_vpc = false))]
    #[allow(clippy::too_many_arguments)]
    fn oidc_role(
        role_arn: Option<String>,
        oidc_provider_arn: Option<String>,
        oidc_token_file: Option<PathBuf>,
        role_session_name: Option<String>,
        duration_seconds: Option<u32>,
        policy: Option<String>,
        sts_endpoint: Option<String>,
        sts_region: Option<String>,
        sts_vpc: bool,
    ) -> PyResult<Self> {
        PyCredentials::from_config(ProviderConfig::OidcRole(OidcRoleConfig {
            role_arn,
            oidc_provider_arn,
            oidc_token_file,
            role_session_name,
            duration_seconds,
            policy,
            sts: sts(sts_endpoint, sts_region, sts_vpc),
        }))
    }

    /// A profile of the Alibaba Cloud CLI's `~/.aliyun/config.json` (or `path`), chosen as
    /// the CLI chooses it when `profile` is `None`.
    #[staticmethod]
    #[pyo3(signature = (profile = None, *, path = None))]
    fn cli_profile(profile: Option<String>, path: Option<PathBuf>) -> PyResult<Self> {
        PyCredentials::from_config(ProviderConfig::CliConfig(FileConfig { path, profile }))
    }

    /// A profile of the shared `~/.alibabacloud/credentials` (or `path`).
    #[staticmethod]
    #[pyo3(signature = (profile = None, *, path = None))]
    fn credentials_file(profile: Option<String>, path: Option<PathBuf>) -> PyResult<Self> {
        PyCredentials::from_config(ProviderConfig::CredentialsFile(FileConfig {
            path,
            profile,
        }))
    }

    /// The ECS instance's RAM role, from the instance metadata service (IMDSv2 first);
    /// `endpoint` replaces `http://100.100.100.200` (else `BIDCERT_ECS_METADATA_ENDPOINT`).
    /// Timeouts in seconds (default 1 each, so that a machine off ECS fails fast).
    #[staticmethod]
    #[pyo3(signature = (role_name = None, *, endpoint = None, imdsv1_disabled = None, connect_timeout = None, read_timeout = None))]
    fn ecs_ram_role(
        role_name: Option<String>,
        endpoint: Option<String>,
        imdsv1_disabled: Option<bool>,
        connect_timeout: Option<f64>,
        read_timeout: Option<f64>,
    ) -> PyResult<Self> {
        PyCredentials::from_config(ProviderConfig::EcsRamRole(EcsRamRoleConfig {
            role_name,
            endpoint,
            imdsv1_disabled,
            connect_timeout: seconds("connect_timeout", connect_timeout)?,
            read_timeout: seconds("read_timeout", read_timeout)?,
        }))
    }

    /// Temporary keys from a credentials URI (else `ALIBABA_CLOUD_CREDENTIALS_URI`).
    #[staticmethod]
    #[pyo3(signature = (uri = None, *, allow_insecure_http = false))]
    fn credentials_uri(uri: Option<String>, allow_insecure_http: bool) -> PyResult<Self> {
        PyCredentials::from_config(ProviderConfig::CredentialsUri(CredentialsUriConfig {
            uri,
            allow_insecure_http,
        }))
    }

    /// A RAM role assumed (`AssumeRole`) with the credentials of `source`, which may be any
    /// `Credentials`, another assumed role included: roles chain.
    #[staticmethod]
    #[pyo3(signature = (source, role_arn = None, *, role_session_name = None, duration_seconds = None, policy = None, external_id = None, sts_endpoint = None, sts_region = None, sts_vpc = false))]
    #[allow(clippy::too_many_arguments)]
    fn ram_role_arn(
        source: &Bound<'_, PyCredentials>,
        role_arn: Option<String>,
        role_session_name: Option<String>,
        duration_seconds: Option<u32>,
        policy: Option<String>,
        external_id: Option<String>,
        sts_endpoint: Option<String>,
        sts_region: Option<String>,
        sts_vpc: bool,
    ) -> PyResult<Self> {
        PyCredentials::from_config(ProviderConfig::RamRoleArn {
            role: RamRoleArnConfig {
                role_arn,
                role_session_name,
                duration_seconds,
                policy,
                external_id,
                sts: sts(sts_endpoint, sts_region, sts_vpc),
            },
            source: Box::new(source.get().source_config()),
        })
    }

    /// The default chain, in the official order: environment, OIDC role, the CLI's config,
    /// the credentials file, ECS metadata, credentials URI. `profile` names the profile of
    /// both files. What `Client()` uses without credentials.
    #[staticmethod]
    #[pyo3(signature = (profile = None))]
    fn default_chain(profile: Option<String>) -> PyResult<Self> {
        PyCredentials::from_config(ProviderConfig::DefaultChain { profile })
    }

    /// The credentials to sign with now, without their secret: fetched (or refreshed) when
    /// due, which may read a file or ask STS or the metadata service.
    fn resolve(&self, py: Python<'_>) -> PyResult<PyResolvedCredentials> {
        Ok(PyResolvedCredentials {
            inner: self.resolved(py)?,
        })
    }

    /// The AccessKey id (not a secret: it is sent with every request); of a provider, its
    /// current credentials' (see `resolve()`).
    #[getter]
    fn access_key_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.keys(py)?.access_key_id().to_owned())
    }

    /// Whether the credentials carry an STS security token (of a provider: its current ones).
    #[getter]
    fn is_temporary(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.keys(py)?.security_token().is_some())
    }

    /// Which factory made them: `static` (keys given, or `from_env()`), `environment`,
    /// `oidc_role`, `cli_profile`, `credentials_file`, `ecs_ram_role`, `credentials_uri`,
    /// `ram_role_arn`, `default_chain`.
    #[getter]
    fn provider(&self) -> &'static str {
        self.name()
    }

    fn __repr__(&self) -> String {
        match &self.keys {
            Some(keys) => format!(
                "Credentials(access_key_id={}, access_key_secret=<redacted>, security_token={})",
                quote(keys.access_key_id()),
                if keys.security_token().is_some() {
                    "<redacted>"
                } else {
                    "None"
                }
            ),
            // The configuration's Debug redacts secrets, tokens and a URI's query.
            None => match &self.config {
                Some(config) => format!("Credentials.{}({config:?})", self.name()),
                None => "Credentials(<none>)".to_owned(),
            },
        }
    }
}

/// Credentials as a provider resolved them, without their secret or token.
#[pyclass(frozen, module = "bidcert._native", name = "ResolvedCredentials")]
pub(crate) struct PyResolvedCredentials {
    inner: Arc<ResolvedCredentials>,
}

#[pymethods]
impl PyResolvedCredentials {
    /// The AccessKey id.
    #[getter]
    fn access_key_id(&self) -> &str {
        self.inner.credentials().access_key_id()
    }

    /// `static`, `sts`, `ecs_ram_role`, `ram_role_arn`, `oidc_role_arn` or `credentials_uri`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind().as_str()
    }

    /// The source that gave them: `explicit`, `environment`, `oidc`, `cli_config`,
    /// `credentials_file`, `ecs_metadata`, `credentials_uri`, `ram_role_arn`.
    #[getter]
    fn source(&self) -> &'static str {
        self.inner.source()
    }

    /// Which file and profile, role or address (never a secret).
    #[getter]
    fn detail(&self) -> &str {
        self.inner.detail()
    }

    /// When they expire (`YYYY-MM-DDThh:mm:ssZ`), or `None` for long-term keys.
    #[getter]
    fn expiration(&self) -> Option<String> {
        self.inner.expiration().map(|e| e.to_string())
    }

    /// Whether they carry a security token.
    #[getter]
    fn is_temporary(&self) -> bool {
        self.inner.credentials().security_token().is_some()
    }

    fn __repr__(&self) -> String {
        format!(
            "ResolvedCredentials(access_key_id={}, kind={}, source={}, expiration={}, is_temporary={})",
            quote(self.access_key_id()),
            quote(self.kind()),
            quote(self.source()),
            self.expiration()
                .map(|e| quote(&e))
                .unwrap_or_else(|| "None".to_owned()),
            py_bool(self.is_temporary())
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCredentials>()?;
    m.add_class::<PyResolvedCredentials>()
}

//! Where credentials come from, and how temporary ones stay fresh.
//!
//! A [`CredentialsProvider`] is what a [`Client`](crate::Client) signs with: a source
//! ([`ProvideCredentials`]) behind a cache that refreshes temporary credentials ahead of their
//! expiry, one caller at a time. The sources, each usable alone or in the [`DefaultChain`]:
//!
//! | source | type | kind |
//! |---|---|---|
//! | given keys | [`CredentialsProvider::fixed`] | `static`, `sts` |
//! | `ALIBABA_CLOUD_ACCESS_KEY_ID`, `_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN` | [`EnvironmentProvider`] | `static`, `sts` |
//! | an OIDC token (`ALIBABA_CLOUD_ROLE_ARN`, `_OIDC_PROVIDER_ARN`, `_OIDC_TOKEN_FILE`) | [`OidcRoleProvider`] | `oidc_role_arn` |
//! | the Alibaba Cloud CLI's `~/.aliyun/config.json` | [`CliConfigProvider`] | any |
//! | `~/.alibabacloud/credentials` | [`CredentialsFileProvider`] | any |
//! | the ECS instance's RAM role (metadata service) | [`EcsRamRoleProvider`] | `ecs_ram_role` |
//! | `ALIBABA_CLOUD_CREDENTIALS_URI` | [`CredentialsUriProvider`] | `credentials_uri` |
//! | a RAM role assumed with any of these | [`RamRoleArnProvider`] | `ram_role_arn` |
//!
//! Every provider reads an [`Env`] (the process's, or one given), and can be built from plain
//! data ([`ProviderConfig`], [`CredentialsProvider::from_config`]). Overrides for tests and
//! odd networks: `BIDCERT_STS_ENDPOINT`, `BIDCERT_ECS_METADATA_ENDPOINT`, or the `endpoint`
//! fields of [`StsConfig`] and [`EcsRamRoleConfig`].
//!
//! ```no_run
//! use bidcert::credentials::{CredentialsProvider, Env};
//! use bidcert::Client;
//! let provider = CredentialsProvider::default_chain(&Env::process());
//! let c = provider.credentials()?;
//! println!("{} ({}): {}", c.source(), c.kind(), c.credentials().access_key_id());
//! let client = Client::builder().provider(provider).build()?;
//! # Ok::<(), bidcert::Error>(())
//! ```

mod cache;
mod chain;
mod config;
mod ecs;
mod env;
mod environment;
mod files;
mod oidc;
mod profile;
mod provide;
mod ram_role;
mod sts_client;
mod uri;
mod vars;

pub use cache::CredentialsProvider;
pub use chain::DefaultChain;
pub use config::{
    CredentialsUriConfig, EcsRamRoleConfig, FileConfig, OidcRoleConfig, ProviderConfig,
    RamRoleArnConfig, StsConfig,
};
pub use ecs::{EcsRamRoleProvider, ECS_METADATA_ENDPOINT};
pub use env::Env;
pub use environment::EnvironmentProvider;
pub use files::{CliConfigProvider, CredentialsFileProvider};
pub use oidc::OidcRoleProvider;
pub use provide::{CredentialsKind, ProvideCredentials, ResolvedCredentials};
pub use ram_role::RamRoleArnProvider;
pub use uri::CredentialsUriProvider;
pub use vars::*;

use bidcert_core::{Credentials, CredentialsError, Error};

fn as_credentials_error(e: Error) -> CredentialsError {
    match e {
        Error::Credentials(c) => c,
        other => CredentialsError::single("credentials", other.to_string()),
    }
}

/// Resolves credentials once from the default chain of the process's environment (temporary
/// ones do not refresh: hold a [`CredentialsProvider`] for that).
pub fn resolve() -> Result<Credentials, CredentialsError> {
    CredentialsProvider::default_chain(&Env::process())
        .credentials()
        .map(|c| c.credentials().clone())
        .map_err(as_credentials_error)
}

/// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, when set,
/// `ALIBABA_CLOUD_SECURITY_TOKEN` from the process environment.
///
/// Fails naming what is missing or which variable holds an unusable value.
pub fn from_env() -> Result<Credentials, CredentialsError> {
    EnvironmentProvider::new(&Env::process())
        .fetch()
        .map(|c| c.credentials().clone())
        .map_err(as_credentials_error)
}

/// The keys a CLI configuration's profile holds (`Ok(None)` for a profile of another mode: a
/// role, the instance's, a URI), or why it cannot be read; the profile is `profile`, else the
/// file's `current` (no environment is read). The fuzz targets' entry; not a stable API.
#[doc(hidden)]
pub fn cli_config_from_str(
    text: &str,
    profile: Option<&str>,
) -> Result<Option<bidcert_core::Credentials>, String> {
    let (_, p) = profile::cli_profile(text, profile, &Env::empty())?;
    Ok(profile::Profile::keys_of(p))
}

/// The keys a section of a shared credentials file holds (`Ok(None)` for a section of
/// another type), or why it cannot be read; the section is `profile`, else `default`. The
/// fuzz targets' entry; not a stable API.
#[doc(hidden)]
pub fn shared_file_from_str(
    text: &str,
    profile: Option<&str>,
) -> Result<Option<bidcert_core::Credentials>, String> {
    let name = profile::shared_profile_name(profile, &Env::empty());
    Ok(profile::Profile::keys_of(profile::shared_profile(
        text, &name,
    )?))
}

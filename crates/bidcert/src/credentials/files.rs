//! The providers of the two files: each reads its file once, when first asked, picks the
//! profile, and builds the provider the profile describes (keys, a role, the instance's role,
//! an OIDC token, a URI); later fetches ask that provider.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bidcert_core::{CredentialsError, Error};

use super::cache::CredentialsProvider;
use super::config::{CredentialsUriConfig, EcsRamRoleConfig, FileConfig};
use super::ecs::EcsRamRoleProvider;
use super::env::Env;
use super::oidc::OidcRoleProvider;
use super::profile::{cli_profile, shared_profile, shared_profile_name, Profile};
use super::provide::{refuse, ProvideCredentials, ResolvedCredentials};
use super::ram_role::RamRoleArnProvider;
use super::uri::CredentialsUriProvider;
use super::vars::{ENV_CLI_PROFILE_DISABLED, ENV_CONFIG_FILE, ENV_CREDENTIALS_FILE};

/// The provider a profile describes.
fn build(profile: &Profile, env: &Env) -> Result<CredentialsProvider, Error> {
    Ok(match profile {
        Profile::Keys(c) => CredentialsProvider::fixed(c.clone()),
        Profile::RamRoleArn { source, role } => {
            CredentialsProvider::new(RamRoleArnProvider::new(role, build(source, env)?, env)?)
        }
        Profile::EcsRamRole { role_name } => {
            let config = EcsRamRoleConfig {
                role_name: role_name.clone(),
                ..EcsRamRoleConfig::default()
            };
            CredentialsProvider::new(EcsRamRoleProvider::new(&config, env)?)
        }
        Profile::Oidc(config) => CredentialsProvider::new(OidcRoleProvider::new(config, env)?),
        Profile::CredentialsUri { uri } => {
            let config = CredentialsUriConfig {
                uri: uri.clone(),
                ..CredentialsUriConfig::default()
            };
            CredentialsProvider::new(CredentialsUriProvider::new(&config, env)?)
        }
    })
}

/// `e`, a failure behind the profile `at`, as that profile's reason.
fn behind(at: &str, e: Error) -> Error {
    let why = match &e {
        Error::Credentials(c) => reasons(c),
        other => other.to_string(),
    };
    refuse(at, why)
}

fn reasons(c: &CredentialsError) -> String {
    c.tried()
        .iter()
        .map(|(source, why)| format!("{source}: {why}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "file not found".to_owned(),
        _ => format!("cannot be read ({e})"),
    })
}

/// A file's profile and the provider built from it, once it was read.
#[derive(Debug, Default)]
struct Built(Mutex<Option<(String, CredentialsProvider)>>);

impl Built {
    /// Passes a refusal on to the provider built, if any.
    fn invalidate(&self, access_key_id: &str) {
        let built = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some((_, provider)) = built {
            provider.invalidate(access_key_id);
        }
    }

    /// The provider, building it with `make` when not yet built (a failure is not kept: the
    /// file may be fixed before the next try).
    fn get(
        &self,
        make: impl FnOnce() -> Result<(String, CredentialsProvider), Error>,
    ) -> Result<(String, CredentialsProvider), Error> {
        let mut built = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = built.as_ref() {
            return Ok(b.clone());
        }
        let b = make()?;
        *built = Some(b.clone());
        Ok(b)
    }
}

/// The Alibaba Cloud CLI's configuration, `~/.aliyun/config.json` (or
/// `ALIBABA_CLOUD_CONFIG_FILE`): modes `AK`, `StsToken`, `RamRoleArn`, `ChainableRamRoleArn`
/// (`source_profile`), `EcsRamRole`, `OIDC`, `CredentialsURI`. The profile: the one given,
/// else `ALIBABACLOUD_PROFILE` / `ALIBABA_CLOUD_PROFILE` / `ALICLOUD_PROFILE`, else the file's
/// `current`, as the CLI chooses for its API calls.
///
/// ```
/// use bidcert::credentials::{CliConfigProvider, Env, FileConfig};
/// let env = Env::empty().with("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true");
/// assert!(CliConfigProvider::new(&FileConfig::default(), &env).is_err());
/// ```
#[derive(Debug)]
pub struct CliConfigProvider {
    path: PathBuf,
    profile: Option<String>,
    env: Env,
    built: Built,
}

impl CliConfigProvider {
    /// The file and profile `config` names, else as `env` says. Fails when
    /// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED` is `true`, or no home directory is known.
    pub fn new(config: &FileConfig, env: &Env) -> Result<Self, Error> {
        if env.is_true(ENV_CLI_PROFILE_DISABLED) {
            return Err(refuse(
                "cli_config",
                format!("disabled by {ENV_CLI_PROFILE_DISABLED}"),
            ));
        }
        let path = match (&config.path, env.var(ENV_CONFIG_FILE), env.home()) {
            (Some(p), _, _) => p.clone(),
            (None, Some(p), _) => PathBuf::from(p),
            (None, None, Some(home)) => home.join(".aliyun").join("config.json"),
            (None, None, None) => {
                return Err(refuse(
                    "~/.aliyun/config.json",
                    "no home directory (HOME is not set)",
                ))
            }
        };
        Ok(CliConfigProvider {
            path,
            profile: config.profile.clone().filter(|p| !p.is_empty()),
            env: env.clone(),
            built: Built::default(),
        })
    }
}

impl ProvideCredentials for CliConfigProvider {
    fn fetch(&self) -> Result<ResolvedCredentials, Error> {
        let file = self.describe();
        let (name, provider) = self.built.get(|| {
            let text = read(&self.path).map_err(|why| refuse(&file, why))?;
            let (name, profile) = cli_profile(&text, self.profile.as_deref(), &self.env)
                .map_err(|why| refuse(&file, why))?;
            let at = format!("{file}, profile {name:?}");
            Ok((
                name,
                build(&profile, &self.env).map_err(|e| behind(&at, e))?,
            ))
        })?;
        let at = format!("{file}, profile {name:?}");
        let c = provider.credentials().map_err(|e| behind(&at, e))?;
        Ok((*c).clone().with_source("cli_config", at))
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn invalidate(&self, access_key_id: &str) {
        self.built.invalidate(access_key_id);
    }
}

/// The shared credentials file, `~/.alibabacloud/credentials` (or
/// `ALIBABA_CLOUD_CREDENTIALS_FILE`): an INI file whose section (the one given, else
/// `ALIBABA_CLOUD_PROFILE`, else `default`) has a `type`: `access_key`, `ecs_ram_role`,
/// `ram_role_arn`, `oidc_role_arn`, or `sts` (alias `sts_token`) with `security_token`.
///
/// ```
/// use bidcert::credentials::{CredentialsFileProvider, Env, FileConfig, ProvideCredentials};
/// let dir = std::env::temp_dir().join(format!("bidcert-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let file = dir.join("credentials");
/// std::fs::write(&file, "[default]\ntype = access_key\naccess_key_id = LTAI5tExample\naccess_key_secret = s\n").unwrap();
/// let config = FileConfig { path: Some(file), profile: None };
/// let c = CredentialsFileProvider::new(&config, &Env::empty())?.fetch()?;
/// assert_eq!(c.credentials().access_key_id(), "LTAI5tExample");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), bidcert::Error>(())
/// ```
#[derive(Debug)]
pub struct CredentialsFileProvider {
    path: PathBuf,
    profile: String,
    env: Env,
    built: Built,
}

impl CredentialsFileProvider {
    /// The file and section `config` names, else as `env` says.
    pub fn new(config: &FileConfig, env: &Env) -> Result<Self, Error> {
        let path = match (&config.path, env.var(ENV_CREDENTIALS_FILE), env.home()) {
            (Some(p), _, _) => p.clone(),
            (None, Some(p), _) => PathBuf::from(p),
            (None, None, Some(home)) => home.join(".alibabacloud").join("credentials"),
            (None, None, None) => {
                return Err(refuse(
                    "~/.alibabacloud/credentials",
                    "no home directory (HOME is not set)",
                ))
            }
        };
        Ok(CredentialsFileProvider {
            path,
            profile: shared_profile_name(config.profile.as_deref(), env),
            env: env.clone(),
            built: Built::default(),
        })
    }
}

impl ProvideCredentials for CredentialsFileProvider {
    fn fetch(&self) -> Result<ResolvedCredentials, Error> {
        let file = self.describe();
        let at = format!("{file} [{}]", self.profile);
        let (_, provider) = self.built.get(|| {
            let text = read(&self.path).map_err(|why| refuse(&file, why))?;
            let profile = shared_profile(&text, &self.profile).map_err(|why| refuse(&file, why))?;
            Ok((
                self.profile.clone(),
                build(&profile, &self.env).map_err(|e| behind(&at, e))?,
            ))
        })?;
        let c = provider.credentials().map_err(|e| behind(&at, e))?;
        Ok((*c).clone().with_source("credentials_file", at))
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn invalidate(&self, access_key_id: &str) {
        self.built.invalidate(access_key_id);
    }
}

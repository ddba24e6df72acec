//! The default chain, in the official order (credentials-go `providers/default.go`):
//! environment, OIDC, the CLI's config, the credentials file, ECS metadata, credentials URI.

use std::sync::Mutex;

use bidcert_core::{CredentialsError, Error};

use super::config::{CredentialsUriConfig, EcsRamRoleConfig, FileConfig, OidcRoleConfig};
use super::ecs::EcsRamRoleProvider;
use super::env::Env;
use super::environment::EnvironmentProvider;
use super::files::{CliConfigProvider, CredentialsFileProvider};
use super::oidc::OidcRoleProvider;
use super::provide::{ProvideCredentials, ResolvedCredentials};
use super::uri::CredentialsUriProvider;
use super::vars::ENV_CREDENTIALS_URI;

/// A source of the chain, or why the chain has none in its place.
#[derive(Debug)]
enum Link {
    Ready(Box<dyn ProvideCredentials>),
    Absent(String, String),
}

fn link<P: ProvideCredentials + 'static>(built: Result<P, Error>) -> Link {
    match built {
        Ok(p) => Link::Ready(Box::new(p)),
        Err(e) => {
            let (source, why) = match &e {
                Error::Credentials(c) => c.tried().first().cloned().unwrap_or_default(),
                other => (String::new(), other.to_string()),
            };
            Link::Absent(source, why)
        }
    }
}

/// The official default chain. Each source is tried in order until one hands out
/// credentials; that one is asked alone from then on (as credentials-go does). When none
/// works, the error lists what each source lacked.
///
/// 1. the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`, ...);
/// 2. an OIDC role, when `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
///    `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are set;
/// 3. the CLI's `~/.aliyun/config.json`, unless `ALIBABA_CLOUD_CLI_PROFILE_DISABLED`;
/// 4. `~/.alibabacloud/credentials`;
/// 5. the ECS metadata service, unless `ALIBABA_CLOUD_ECS_METADATA_DISABLED`;
/// 6. a credentials URI, when `ALIBABA_CLOUD_CREDENTIALS_URI` is set.
///
/// ```
/// use bidcert::credentials::{DefaultChain, Env, ProvideCredentials};
/// let env = Env::empty().with("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
/// let e = DefaultChain::new(&env, None).fetch().unwrap_err();
/// let bidcert::Error::Credentials(c) = e else { panic!() };
/// assert_eq!(c.tried()[0], ("environment".into(), "ALIBABA_CLOUD_ACCESS_KEY_ID is not set".into()));
/// assert_eq!(c.tried().len(), 6);
/// ```
#[derive(Debug)]
pub struct DefaultChain {
    links: Vec<Link>,
    winner: Mutex<Option<usize>>,
}

impl DefaultChain {
    /// The chain of `env`; `profile` names the profile of both files (as `--profile` does).
    pub fn new(env: &Env, profile: Option<&str>) -> Self {
        let files = FileConfig {
            path: None,
            profile: profile.map(str::to_owned),
        };
        let uri = if env.var(ENV_CREDENTIALS_URI).is_some() {
            link(CredentialsUriProvider::new(
                &CredentialsUriConfig::default(),
                env,
            ))
        } else {
            Link::Absent(
                "credentials_uri".into(),
                format!("{ENV_CREDENTIALS_URI} is not set"),
            )
        };
        DefaultChain {
            links: vec![
                Link::Ready(Box::new(EnvironmentProvider::new(env))),
                link(OidcRoleProvider::new(&OidcRoleConfig::default(), env)),
                link(CliConfigProvider::new(&files, env)),
                link(CredentialsFileProvider::new(&files, env)),
                link(EcsRamRoleProvider::new(&EcsRamRoleConfig::default(), env)),
                uri,
            ],
            winner: Mutex::new(None),
        }
    }
}

impl ProvideCredentials for DefaultChain {
    fn fetch(&self) -> Result<ResolvedCredentials, Error> {
        let mut winner = self.winner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(Link::Ready(p)) = winner.and_then(|i| self.links.get(i)) {
            return p.fetch();
        }
        let mut tried = Vec::new();
        for (i, l) in self.links.iter().enumerate() {
            match l {
                Link::Absent(source, why) => tried.push((source.clone(), why.clone())),
                Link::Ready(p) => match p.fetch() {
                    Ok(c) => {
                        *winner = Some(i);
                        return Ok(c);
                    }
                    Err(Error::Credentials(c)) => tried.extend(c.tried().iter().cloned()),
                    Err(other) => tried.push((p.describe(), other.to_string())),
                },
            }
        }
        Err(CredentialsError::new(tried).into())
    }

    fn describe(&self) -> String {
        "the default chain".to_owned()
    }

    fn invalidate(&self, access_key_id: &str) {
        let winner = *self.winner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(Link::Ready(p)) = winner.and_then(|i| self.links.get(i)) {
            p.invalidate(access_key_id);
        }
    }
}

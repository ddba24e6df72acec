//! An ECS instance's RAM role, from the instance metadata service: an IMDSv2 session token
//! first (falling back to plain reads unless that is disabled), the role's name from the
//! configuration or the service's listing, then its credentials. Short timeouts, so that a
//! machine off ECS fails fast.

use std::time::Duration;

use bidcert_core::{parse_ecs_credentials, Error, TransportKind};
use log::debug;
use zeroize::Zeroizing;

use super::config::EcsRamRoleConfig;
use super::env::Env;
use super::provide::{refuse, CredentialsKind, ProvideCredentials, ResolvedCredentials};
use super::vars::{
    ENV_BIDCERT_ECS_METADATA_ENDPOINT, ENV_ECS_METADATA, ENV_ECS_METADATA_DISABLED,
    ENV_IMDSV1_DISABLED,
};
use crate::transport::{Proxy, Timeouts, Transport};

/// The metadata service of every ECS instance.
pub const ECS_METADATA_ENDPOINT: &str = "http://100.100.100.200";
const TOKEN_PATH: &str = "/latest/api/token";
const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
/// The session token's lifetime asked for (the service's maximum, six hours).
const TOKEN_TTL: &str = "21600";
/// No answer of the service is larger; a larger one is not the service.
const MAX_BODY: u64 = 64 * 1024;

/// Temporary credentials of the instance's RAM role (kind `ecs_ram_role`).
///
/// ```
/// use bidcert::credentials::{EcsRamRoleConfig, EcsRamRoleProvider, Env};
/// // Disabled: no request is ever sent.
/// let env = Env::empty().with("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
/// let e = EcsRamRoleProvider::new(&EcsRamRoleConfig::default(), &env).unwrap_err();
/// assert!(e.to_string().contains("ALIBABA_CLOUD_ECS_METADATA_DISABLED"));
/// ```
#[derive(Debug)]
pub struct EcsRamRoleProvider {
    base: String,
    role_name: Option<String>,
    imdsv1_disabled: bool,
    timeouts: Timeouts,
    transport: Transport,
}

impl EcsRamRoleProvider {
    /// The role `config` describes; unset fields from `env`. Fails when
    /// `ALIBABA_CLOUD_ECS_METADATA_DISABLED` is `true`.
    pub fn new(config: &EcsRamRoleConfig, env: &Env) -> Result<Self, Error> {
        if env.is_true(ENV_ECS_METADATA_DISABLED) {
            return Err(refuse(
                "ecs_metadata",
                format!("disabled by {ENV_ECS_METADATA_DISABLED}"),
            ));
        }
        let base = env
            .or_var(&config.endpoint, ENV_BIDCERT_ECS_METADATA_ENDPOINT)
            .unwrap_or_else(|| ECS_METADATA_ENDPOINT.to_owned());
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(refuse(
                "ecs_metadata",
                format!("the metadata endpoint {base:?} is not an http(s) URL"),
            ));
        }
        let role_name = env.or_var(&config.role_name, ENV_ECS_METADATA);
        if let Some(r) = &role_name {
            if r.contains(['/', '?', '#']) || r.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(refuse("ecs_metadata", format!("{r:?} is not a role name")));
            }
        }
        let second = Duration::from_secs(1);
        Ok(EcsRamRoleProvider {
            base,
            role_name,
            imdsv1_disabled: config
                .imdsv1_disabled
                .unwrap_or_else(|| env.is_true(ENV_IMDSV1_DISABLED)),
            timeouts: Timeouts {
                connect: config.connect_timeout.unwrap_or(second),
                read: config.read_timeout.unwrap_or(second),
            },
            // The service is on the instance's own link: never through a proxy.
            transport: Transport::new(bidcert_core::exchange::USER_AGENT, &Proxy::Direct, 1)?,
        })
    }

    /// An IMDSv2 session token, or `None` to read without one (IMDSv1).
    fn session_token(&self) -> Result<Option<Zeroizing<String>>, Error> {
        let url = format!("{}{TOKEN_PATH}", self.base);
        let failure = match self.transport.plain(
            true,
            &url,
            &[(TTL_HEADER, TOKEN_TTL)],
            self.timeouts,
            MAX_BODY,
        ) {
            Ok((200, body)) => {
                let token = Zeroizing::new(String::from_utf8_lossy(&body).trim().to_owned());
                if !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic()) {
                    return Ok(Some(token));
                }
                "the session token it answered is not one".to_owned()
            }
            Ok((status, _)) => format!("a session token was refused with HTTP {status}"),
            // Nothing listens there: reading without a token cannot work either.
            Err(e) if e.kind() == TransportKind::Connect => {
                return Err(refuse(self.describe(), format!("no metadata service: {e}")))
            }
            Err(e) => format!("no session token: {e}"),
        };
        if self.imdsv1_disabled {
            return Err(refuse(
                self.describe(),
                format!("{failure} (and {ENV_IMDSV1_DISABLED} forbids reading without one)"),
            ));
        }
        debug!(target: "bidcert::credentials", "ECS metadata: {failure}; reading without a session token (IMDSv1)");
        Ok(None)
    }

    fn get(&self, path: &str, token: Option<&str>) -> Result<(u16, Vec<u8>), Error> {
        let url = format!("{}{path}", self.base);
        let headers: Vec<(&str, &str)> = token.map(|t| (TOKEN_HEADER, t)).into_iter().collect();
        self.transport
            .plain(false, &url, &headers, self.timeouts, MAX_BODY)
            .map_err(|e| refuse(self.describe(), e.to_string()))
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn fetch(&self) -> Result<ResolvedCredentials, Error> {
        let token = self.session_token()?;
        let token = token.as_deref().map(String::as_str);
        let role = match &self.role_name {
            Some(r) => r.clone(),
            None => {
                let (status, body) = self.get(CREDENTIALS_PATH, token)?;
                if status != 200 {
                    return Err(refuse(
                        self.describe(),
                        format!("listing the instance's RAM role answered HTTP {status}"),
                    ));
                }
                let listed = String::from_utf8_lossy(&body);
                let role = listed.lines().next().unwrap_or("").trim().to_owned();
                if role.is_empty() || role.contains(['/', '?', '#']) {
                    return Err(refuse(self.describe(), "the instance has no RAM role"));
                }
                role
            }
        };
        let (status, body) = self.get(&format!("{CREDENTIALS_PATH}{role}"), token)?;
        let temporary = parse_ecs_credentials(status, &body)
            .map_err(|e| refuse(format!("{} (role {role})", self.describe()), e.to_string()))?;
        let expiration = temporary.expiration();
        Ok(ResolvedCredentials::new(
            temporary.into_credentials(),
            Some(expiration),
            CredentialsKind::EcsRamRole,
            "ecs_metadata",
            format!("{}, role {role}", self.base),
        ))
    }

    fn describe(&self) -> String {
        match &self.role_name {
            Some(r) => format!("ECS metadata {} (role {r})", self.base),
            None => format!("ECS metadata {}", self.base),
        }
    }
}

//! A RAM role assumed with `AssumeRole`, signed by our own signer with the credentials of any
//! other provider: long-term keys, an instance's role, another assumed role (roles chain).

use std::sync::Arc;

use bidcert_core::{AssumeRole, Error, Signer};

use super::cache::CredentialsProvider;
use super::config::{default_session_name, RamRoleArnConfig};
use super::env::Env;
use super::provide::{failed_at, refuse, CredentialsKind, ProvideCredentials, ResolvedCredentials};
use super::sts_client::StsClient;
use super::vars::{ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME};

/// Temporary credentials of a RAM role (kind `ram_role_arn`), assumed with the credentials
/// `source` hands out.
///
/// ```no_run
/// use bidcert::credentials::{CredentialsProvider, Env, RamRoleArnConfig, RamRoleArnProvider};
/// use bidcert::Credentials;
/// let keys = CredentialsProvider::fixed(Credentials::new("LTAI5tExample", "secret")?);
/// let role = RamRoleArnConfig {
///     role_arn: Some("acs:ram::1900000000000001:role/reseller".into()),
///     duration_seconds: Some(900),
///     ..Default::default()
/// };
/// let provider = CredentialsProvider::new(RamRoleArnProvider::new(&role, keys, &Env::process())?);
/// println!("{:?}", provider.credentials()?);
/// # Ok::<(), bidcert::Error>(())
/// ```
#[derive(Debug)]
pub struct RamRoleArnProvider {
    op: AssumeRole,
    source: CredentialsProvider,
    sts: StsClient,
}

impl RamRoleArnProvider {
    /// Assumes `config`'s role with `source`'s credentials; unset fields come from `env`.
    pub fn new(
        config: &RamRoleArnConfig,
        source: CredentialsProvider,
        env: &Env,
    ) -> Result<Self, Error> {
        let role_arn = env.or_var(&config.role_arn, ENV_ROLE_ARN).ok_or_else(|| {
            refuse(
                "ram_role_arn",
                format!("no role given, and {ENV_ROLE_ARN} is not set"),
            )
        })?;
        let name = env
            .or_var(&config.role_session_name, ENV_ROLE_SESSION_NAME)
            .unwrap_or_else(default_session_name);
        let endpoint = config.sts.endpoint_in(env)?;
        let mut op = AssumeRole::new(endpoint, role_arn, name)?;
        if let Some(d) = config.duration_seconds {
            op = op.with_duration_seconds(d)?;
        }
        if let Some(p) = config.policy.clone().filter(|p| !p.is_empty()) {
            op = op.with_policy(p)?;
        }
        if let Some(id) = config.external_id.clone() {
            op = op.with_external_id(id);
        }
        Ok(RamRoleArnProvider {
            op,
            source,
            sts: StsClient::new()?,
        })
    }
}

impl ProvideCredentials for RamRoleArnProvider {
    fn fetch(&self) -> Result<ResolvedCredentials, Error> {
        let source = &self.source;
        let temporary = self
            .sts
            .call(&self.op, &mut |call| {
                if let Some(id) = call.rejected_credentials() {
                    source.invalidate(id);
                }
                let c = source.credentials()?;
                Ok(Arc::new(Signer::new(c.credentials().clone())))
            })
            .map_err(|e| failed_at(self.describe(), e))?;
        let expiration = temporary.expiration();
        Ok(ResolvedCredentials::new(
            temporary.into_credentials(),
            Some(expiration),
            CredentialsKind::RamRoleArn,
            "ram_role_arn",
            self.describe(),
        ))
    }

    fn describe(&self) -> String {
        use bidcert_core::Operation as _;
        let endpoint = match self.op.target() {
            bidcert_core::Target::Endpoint(e) => e.as_str().to_owned(),
            bidcert_core::Target::Product(_) => String::new(),
        };
        format!(
            "role {} at {endpoint}, assumed with {}",
            self.op.role_arn(),
            self.source.describe()
        )
    }
}

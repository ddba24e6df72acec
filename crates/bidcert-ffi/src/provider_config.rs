//! The providers' configurations as C structs, and their conversion into the client crate's
//! plain configuration (`bidcert::credentials::*Config`). Zero-initialize each struct: a NULL
//! string or a zero number is "unset", which falls back to the provider's environment
//! variable, then to the official default.

use std::ffi::c_char;
use std::path::PathBuf;

use bidcert_rs::credentials::{
    CredentialsUriConfig, EcsRamRoleConfig, FileConfig, OidcRoleConfig, RamRoleArnConfig, StsConfig,
};

use crate::convert::{opt_millis, opt_str_arg};
use crate::error::bidcert_error;

/// Where STS is, for the roles (`bidcert_ram_role_arn_config.sts`,
/// `bidcert_oidc_role_config.sts`): `endpoint`, else `BIDCERT_STS_ENDPOINT`, else the region's
/// endpoint (`sts.<region>.aliyuncs.com`, `sts-vpc.<region>.aliyuncs.com` with `vpc`), else
/// `sts.aliyuncs.com`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_sts_config {
    /// An explicit endpoint: `https://host[:port]`, a host name (https), or plain http to a
    /// loopback address; NULL: as above.
    pub endpoint: *const c_char,
    /// The region; NULL: `ALIBABA_CLOUD_STS_REGION`.
    pub region: *const c_char,
    /// The region's VPC endpoint (false: only if `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`).
    pub vpc: bool,
}

/// A RAM role to assume with `AssumeRole` (`bidcert_credentials_from_ram_role_arn`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_ram_role_arn_config {
    /// The role's ARN; NULL: `ALIBABA_CLOUD_ROLE_ARN`.
    pub role_arn: *const c_char,
    /// The session's name; NULL: `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else `bidcert-<time>`.
    pub role_session_name: *const c_char,
    /// The session's length in seconds, at least 900; 0: 3600.
    pub duration_seconds: u32,
    /// A policy (JSON) narrowing the session's permissions; NULL for none.
    pub policy: *const c_char,
    /// The external id the role's trust policy asks for; NULL for none.
    pub external_id: *const c_char,
    /// Where STS is.
    pub sts: bidcert_sts_config,
}

/// A RAM role to assume with an OIDC token (`AssumeRoleWithOIDC`), as ACK's RRSA sets up a
/// pod (`bidcert_credentials_from_oidc_role`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_oidc_role_config {
    /// The role's ARN; NULL: `ALIBABA_CLOUD_ROLE_ARN`.
    pub role_arn: *const c_char,
    /// The OIDC identity provider's ARN; NULL: `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`.
    pub oidc_provider_arn: *const c_char,
    /// The file holding the token, read again at every refresh (it rotates); NULL:
    /// `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.
    pub oidc_token_file: *const c_char,
    /// The session's name; NULL: `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else `bidcert-<time>`.
    pub role_session_name: *const c_char,
    /// The session's length in seconds, at least 900; 0: 3600.
    pub duration_seconds: u32,
    /// A policy (JSON) narrowing the session's permissions; NULL for none.
    pub policy: *const c_char,
    /// Where STS is.
    pub sts: bidcert_sts_config,
}

/// An ECS instance's RAM role, from the instance metadata service
/// (`bidcert_credentials_from_ecs_ram_role`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_ecs_ram_role_config {
    /// The role's name; NULL: `ALIBABA_CLOUD_ECS_METADATA`, else the one the service lists.
    pub role_name: *const c_char,
    /// The metadata service (`http://host[:port]`); NULL: `BIDCERT_ECS_METADATA_ENDPOINT`,
    /// else `http://100.100.100.200`.
    pub endpoint: *const c_char,
    /// IMDSv2 only, never reading without a session token (false: only if
    /// `ALIBABA_CLOUD_IMDSV1_DISABLED=true`).
    pub imdsv1_disabled: bool,
    /// Time to connect, in milliseconds; 0: 1000, so that a machine off ECS fails fast.
    pub connect_timeout_ms: u64,
    /// Time to read an answer, in milliseconds; 0: 1000.
    pub read_timeout_ms: u64,
}

/// A credentials URI (`bidcert_credentials_from_credentials_uri`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_credentials_uri_config {
    /// The URI; NULL: `ALIBABA_CLOUD_CREDENTIALS_URI`.
    pub uri: *const c_char,
    /// Allow plain `http://` to a host that is not loopback (the answer holds a secret).
    pub allow_insecure_http: bool,
}

/// One of the two credentials files and its profile (`bidcert_credentials_from_cli_config`,
/// `bidcert_credentials_from_credentials_file`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct bidcert_file_config {
    /// The file; NULL: its variable (`ALIBABA_CLOUD_CONFIG_FILE`,
    /// `ALIBABA_CLOUD_CREDENTIALS_FILE`), else its place in the home directory.
    pub path: *const c_char,
    /// The profile; NULL: as the file's official readers choose it.
    pub profile: *const c_char,
}

/// An optional string field `cfg.name`, owned.
unsafe fn field(p: *const c_char, name: &str) -> Result<Option<String>, bidcert_error> {
    Ok(unsafe { opt_str_arg(p, name) }?.map(str::to_owned))
}

fn seconds(v: u32) -> Option<u32> {
    (v != 0).then_some(v)
}

unsafe fn sts(c: &bidcert_sts_config, name: &str) -> Result<StsConfig, bidcert_error> {
    Ok(StsConfig {
        endpoint: unsafe { field(c.endpoint, &format!("{name}.endpoint")) }?,
        region: unsafe { field(c.region, &format!("{name}.region")) }?,
        vpc: c.vpc,
    })
}

/// `*config`, or every default for NULL.
unsafe fn or_default<T: Copy, R: Default>(
    config: *const T,
    convert: impl FnOnce(&T) -> Result<R, bidcert_error>,
) -> Result<R, bidcert_error> {
    // SAFETY: NULL or readable, by the contract.
    match unsafe { config.as_ref() } {
        Some(c) => convert(c),
        None => Ok(R::default()),
    }
}

pub(crate) unsafe fn ram_role_arn(
    config: *const bidcert_ram_role_arn_config,
) -> Result<RamRoleArnConfig, bidcert_error> {
    unsafe {
        or_default(config, |c| {
            Ok(RamRoleArnConfig {
                role_arn: field(c.role_arn, "config.role_arn")?,
                role_session_name: field(c.role_session_name, "config.role_session_name")?,
                duration_seconds: seconds(c.duration_seconds),
                policy: field(c.policy, "config.policy")?,
                external_id: field(c.external_id, "config.external_id")?,
                sts: sts(&c.sts, "config.sts")?,
            })
        })
    }
}

pub(crate) unsafe fn oidc_role(
    config: *const bidcert_oidc_role_config,
) -> Result<OidcRoleConfig, bidcert_error> {
    unsafe {
        or_default(config, |c| {
            Ok(OidcRoleConfig {
                role_arn: field(c.role_arn, "config.role_arn")?,
                oidc_provider_arn: field(c.oidc_provider_arn, "config.oidc_provider_arn")?,
                oidc_token_file: field(c.oidc_token_file, "config.oidc_token_file")?
                    .map(PathBuf::from),
                role_session_name: field(c.role_session_name, "config.role_session_name")?,
                duration_seconds: seconds(c.duration_seconds),
                policy: field(c.policy, "config.policy")?,
                sts: sts(&c.sts, "config.sts")?,
            })
        })
    }
}

pub(crate) unsafe fn ecs_ram_role(
    config: *const bidcert_ecs_ram_role_config,
) -> Result<EcsRamRoleConfig, bidcert_error> {
    unsafe {
        or_default(config, |c| {
            Ok(EcsRamRoleConfig {
                role_name: field(c.role_name, "config.role_name")?,
                endpoint: field(c.endpoint, "config.endpoint")?,
                imdsv1_disabled: c.imdsv1_disabled.then_some(true),
                connect_timeout: opt_millis(c.connect_timeout_ms),
                read_timeout: opt_millis(c.read_timeout_ms),
            })
        })
    }
}

pub(crate) unsafe fn credentials_uri(
    config: *const bidcert_credentials_uri_config,
) -> Result<CredentialsUriConfig, bidcert_error> {
    unsafe {
        or_default(config, |c| {
            Ok(CredentialsUriConfig {
                uri: field(c.uri, "config.uri")?,
                allow_insecure_http: c.allow_insecure_http,
            })
        })
    }
}

pub(crate) unsafe fn file(config: *const bidcert_file_config) -> Result<FileConfig, bidcert_error> {
    unsafe {
        or_default(config, |c| {
            Ok(FileConfig {
                path: field(c.path, "config.path")?.map(PathBuf::from),
                profile: field(c.profile, "config.profile")?,
            })
        })
    }
}

//! `bidcert_credentials`: where a client's credentials come from. Given keys, or a provider
//! (the environment, an OIDC role, either credentials file, the ECS instance's role, a
//! credentials URI, an assumed RAM role, the default chain) behind the client crate's cache,
//! which refreshes temporary credentials ahead of their expiry, one caller at a time.
//!
//! Glue only: each constructor converts its C config (`provider_config`) into the client
//! crate's plain configuration and builds the provider from it. No secret leaves the object.

use std::ffi::c_char;

use bidcert_rs::credentials::{
    CredentialsKind, CredentialsProvider, Env, ProviderConfig, RamRoleArnProvider,
};
use bidcert_rs::Credentials;

use crate::convert::{free_object, into_object, opt_str_arg, out_arg, ref_arg, str_arg};
use crate::error::bidcert_error;
use crate::provider_config::{
    self, bidcert_credentials_uri_config, bidcert_ecs_ram_role_config, bidcert_file_config,
    bidcert_oidc_role_config, bidcert_ram_role_arn_config,
};
use crate::resolved::bidcert_resolved_credentials;
use crate::status::bidcert_status;

/// Where a client's credentials come from (opaque): keys given as they are, or a provider
/// that fetches them and refreshes temporary ones ahead of their expiry (single flight: one
/// caller refreshes while the others keep the valid ones; expired keys are never handed out).
/// Safe to share between threads. Clients made with it share its cache. The secret and the
/// tokens never leave it, and are wiped from memory when the last user frees it.
#[derive(Debug, Clone)]
pub struct bidcert_credentials {
    pub(crate) provider: CredentialsProvider,
}

/// What kind of credentials a source handed out (`bidcert_resolved_credentials_kind`).
/// Values are stable: new ones are only ever added.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FfiEnum!)]
pub enum bidcert_credentials_kind {
    /// A long-term AccessKey pair.
    BIDCERT_CREDENTIALS_KIND_STATIC = 0,
    /// Temporary keys with their security token, given as they are.
    BIDCERT_CREDENTIALS_KIND_STS = 1,
    /// An ECS instance's RAM role, from the instance metadata service.
    BIDCERT_CREDENTIALS_KIND_ECS_RAM_ROLE = 2,
    /// A RAM role assumed with `AssumeRole`.
    BIDCERT_CREDENTIALS_KIND_RAM_ROLE_ARN = 3,
    /// A RAM role assumed with an OIDC token (`AssumeRoleWithOIDC`).
    BIDCERT_CREDENTIALS_KIND_OIDC_ROLE_ARN = 4,
    /// Temporary keys from a credentials URI.
    BIDCERT_CREDENTIALS_KIND_CREDENTIALS_URI = 5,
}

mirror!(bidcert_credentials_kind => CredentialsKind);

impl From<CredentialsKind> for bidcert_credentials_kind {
    /// A kind the client crate adds and C lacks cannot pass the tests (`enums::tests`); it
    /// would read as `STS`, temporary keys, rather than be lost.
    fn from(kind: CredentialsKind) -> Self {
        use crate::enums::Mirror;
        bidcert_credentials_kind::from_core(kind)
            .unwrap_or(bidcert_credentials_kind::BIDCERT_CREDENTIALS_KIND_STS)
    }
}

/// The stable snake_case name of a `bidcert_credentials_kind` (`"static"`, `"sts"`,
/// `"ecs_ram_role"`, `"ram_role_arn"`, `"oidc_role_arn"`, `"credentials_uri"`), as
/// `bidcert credentials` prints it; NULL for a value that is no kind.
///
/// Takes the kind as `uint32_t` so any value is safe to pass.
/// Ownership: the string is static; never free it. Thread-safety: safe from any thread.
/// Never fails; does not touch the thread's last error.
#[no_mangle]
pub extern "C" fn bidcert_credentials_kind_name(kind: u32) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        use crate::enums::FfiEnum;
        bidcert_credentials_kind::from_u32(kind).map_or(std::ptr::null(), |k| k.name().as_ptr())
    })
}

/// Writes `provider` into `*out` as a new object.
fn credentials_out(
    out: &mut *mut bidcert_credentials,
    provider: CredentialsProvider,
) -> Result<(), bidcert_error> {
    *out = into_object(bidcert_credentials { provider });
    Ok(())
}

/// The provider `config` describes, its unset fields from the process's environment.
fn from_config(
    out: &mut *mut bidcert_credentials,
    config: &ProviderConfig,
) -> Result<(), bidcert_error> {
    credentials_out(
        out,
        CredentialsProvider::from_config(config, &Env::process())?,
    )
}

/// Credentials given as they are: long-term keys, or temporary ones with `security_token`
/// (NULL for long-term keys). They never refresh.
///
/// Ownership: the strings are copied; `*out` is owned by the caller, free it with
/// `bidcert_credentials_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`access_key_id`, `access_key_secret`,
/// `out`); `BIDCERT_INVALID_UTF8`; `BIDCERT_VALIDATION` (empty, whitespace at either end, or a
/// control character: the error's field names the key).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_new(
    access_key_id: *const c_char,
    access_key_secret: *const c_char,
    security_token: *const c_char,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let id = unsafe { str_arg(access_key_id, "access_key_id") }?;
        let secret = unsafe { str_arg(access_key_secret, "access_key_secret") }?;
        let token = unsafe { opt_str_arg(security_token, "security_token") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let mut creds = Credentials::new(id, secret)?;
        if let Some(token) = token {
            creds = creds.with_security_token(token)?;
        }
        credentials_out(out, CredentialsProvider::fixed(creds))
    })
}

/// The keys of `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
/// `ALIBABA_CLOUD_SECURITY_TOKEN`, read when first needed (source `environment`).
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_credentials_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_from_environment(
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        from_config(out, &ProviderConfig::Environment)
    })
}

/// A RAM role assumed with an OIDC token (`AssumeRoleWithOIDC`, kind `oidc_role_arn`, source
/// `oidc`); `config` NULL takes every field from the environment.
///
/// Ownership: `config` is only read; `*out` is owned by the caller, free it with
/// `bidcert_credentials_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`out`); `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (the STS endpoint, the duration); `BIDCERT_CREDENTIALS` (the role,
/// the provider or the token file is missing: the error names the source and what it lacked).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_from_oidc_role(
    config: *const bidcert_oidc_role_config,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let config = unsafe { provider_config::oidc_role(config) }?;
        from_config(out, &ProviderConfig::OidcRole(config))
    })
}

/// A profile of the Alibaba Cloud CLI's `~/.aliyun/config.json` (any mode: keys, a role, the
/// instance's role, a URI; source `cli_config`); `config` NULL: the file and profile the CLI
/// would use.
///
/// Ownership: `config` is only read; `*out` is owned by the caller, free it with
/// `bidcert_credentials_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`out`); `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_CREDENTIALS` (no home directory to find the file in).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_from_cli_config(
    config: *const bidcert_file_config,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let config = unsafe { provider_config::file(config) }?;
        from_config(out, &ProviderConfig::CliConfig(config))
    })
}

/// A profile of the shared `~/.alibabacloud/credentials` (types `access_key`, `ecs_ram_role`,
/// `ram_role_arn`, `oidc_role_arn`, `sts`; source `credentials_file`); `config` NULL: the file
/// and profile the official readers would use.
///
/// Ownership: `config` is only read; `*out` is owned by the caller, free it with
/// `bidcert_credentials_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`out`); `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_CREDENTIALS` (no home directory to find the file in).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_from_credentials_file(
    config: *const bidcert_file_config,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let config = unsafe { provider_config::file(config) }?;
        from_config(out, &ProviderConfig::CredentialsFile(config))
    })
}

/// The ECS instance's RAM role, from the instance metadata service (IMDSv2, kind
/// `ecs_ram_role`, source `ecs_metadata`); `config` NULL: `http://100.100.100.200` (or
/// `BIDCERT_ECS_METADATA_ENDPOINT`) and the role it lists.
///
/// Ownership: `config` is only read; `*out` is owned by the caller, free it with
/// `bidcert_credentials_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`out`); `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_CREDENTIALS` (disabled by `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`, an endpoint
/// that is no http(s) URL, a role name that is none).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_from_ecs_ram_role(
    config: *const bidcert_ecs_ram_role_config,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let config = unsafe { provider_config::ecs_ram_role(config) }?;
        from_config(out, &ProviderConfig::EcsRamRole(config))
    })
}

/// Temporary keys from a credentials URI (kind `credentials_uri`, source `credentials_uri`);
/// `config` NULL: `ALIBABA_CLOUD_CREDENTIALS_URI`.
///
/// Ownership: `config` is only read; `*out` is owned by the caller, free it with
/// `bidcert_credentials_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`out`); `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_CREDENTIALS` (no URI, or one that is not https nor loopback http).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_from_credentials_uri(
    config: *const bidcert_credentials_uri_config,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let config = unsafe { provider_config::credentials_uri(config) }?;
        from_config(out, &ProviderConfig::CredentialsUri(config))
    })
}

/// A RAM role assumed (`AssumeRole`, signed by bidcert's signer; kind `ram_role_arn`, source
/// `ram_role_arn`) with the credentials `source` hands out: given keys or any provider,
/// another role included (roles chain). `config` NULL: `ALIBABA_CLOUD_ROLE_ARN` and the
/// defaults.
///
/// Ownership: `source` and `config` are only read (the role shares `source`'s cache: free
/// `source` whenever you like); `*out` is owned by the caller, free it with
/// `bidcert_credentials_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`source`, `out`); `BIDCERT_INVALID_UTF8`;
/// `BIDCERT_VALIDATION` (the STS endpoint, a duration under 900 s); `BIDCERT_CREDENTIALS` (no
/// role ARN).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_from_ram_role_arn(
    source: *const bidcert_credentials,
    config: *const bidcert_ram_role_arn_config,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let source = unsafe { ref_arg(source, "source") }?;
        let out = unsafe { out_arg(out, "out") }?;
        let config = unsafe { provider_config::ram_role_arn(config) }?;
        // The source is a provider already (not a config): the role is built on it, so that
        // both share its cache, as `ProviderConfig::RamRoleArn` builds its own source.
        let role = RamRoleArnProvider::new(&config, source.provider.clone(), &Env::process())?;
        credentials_out(out, CredentialsProvider::new(role))
    })
}

/// The default chain, in the official order: the environment, an OIDC role, the CLI's
/// `~/.aliyun/config.json`, `~/.alibabacloud/credentials`, the ECS instance's role (unless
/// `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`), `ALIBABA_CLOUD_CREDENTIALS_URI`. The first
/// source that hands out credentials is asked alone from then on. `profile` (NULL: as the
/// files' readers choose) names the profile of both files, as `--profile` does.
///
/// Ownership: `profile` is copied; `*out` is owned by the caller, free it with
/// `bidcert_credentials_free`. Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT` (`out`); `BIDCERT_INVALID_UTF8`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_default_chain(
    profile: *const c_char,
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let profile = unsafe { opt_str_arg(profile, "profile") }?.map(str::to_owned);
        let out = unsafe { out_arg(out, "out") }?;
        from_config(out, &ProviderConfig::DefaultChain { profile })
    })
}

/// The default chain (`bidcert_credentials_default_chain` without a profile), its first
/// credentials fetched now: fails here when no source has any.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_credentials_free`.
/// Thread-safety: safe from any thread (reads the environment).
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_CREDENTIALS` (none usable; the
/// error lists each source with what it lacked: `bidcert_error_tried`).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_resolve(
    out: *mut *mut bidcert_credentials,
) -> bidcert_status {
    ffi_status!({
        let out = unsafe { out_arg(out, "out") }?;
        let provider = CredentialsProvider::default_chain(&Env::process());
        provider.credentials()?;
        credentials_out(out, provider)
    })
}

/// The credentials to sign with now, without their secret or token, into `*out`: the cached
/// ones while fresh, else fetched (or refreshed) first, which may ask a file, STS or the
/// metadata service.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_resolved_credentials_free`.
/// Thread-safety: safe from any thread, concurrently (one caller refreshes).
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_CREDENTIALS` (the source failed
/// and no valid credentials are cached: the error names the source and why).
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_current(
    credentials: *const bidcert_credentials,
    out: *mut *mut bidcert_resolved_credentials,
) -> bidcert_status {
    ffi_status!({
        let credentials = unsafe { ref_arg(credentials, "credentials") }?;
        let out = unsafe { out_arg(out, "out") }?;
        *out = into_object(bidcert_resolved_credentials {
            inner: credentials.provider.credentials()?,
        });
        Ok(())
    })
}

/// The AccessKey id (not a secret) of the current credentials (see
/// `bidcert_credentials_current`) into `*out`.
///
/// Ownership: `*out` is owned by the caller; free it with `bidcert_string_free`.
/// Thread-safety: safe from any thread.
/// Returns: `BIDCERT_OK`; `BIDCERT_NULL_ARGUMENT`; `BIDCERT_CREDENTIALS`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_access_key_id(
    credentials: *const bidcert_credentials,
    out: *mut *mut c_char,
) -> bidcert_status {
    ffi_status!({
        let credentials = unsafe { ref_arg(credentials, "credentials") }?;
        unsafe { out_arg(out, "out") }?;
        let current = credentials.provider.credentials()?;
        unsafe { crate::convert::string_out(out, current.credentials().access_key_id()) }
    })
}

/// Frees credentials (wiping the secret once no client shares it). NULL is a no-op.
/// Thread-safety: not concurrently with other uses of `credentials`.
#[no_mangle]
pub unsafe extern "C" fn bidcert_credentials_free(credentials: *mut bidcert_credentials) {
    ffi_void!({ unsafe { free_object(credentials) } })
}

//! What every provider hands out, and the trait a provider implements.

use std::fmt;

use bidcert_core::{Credentials, CredentialsError, Error, Timestamp};

/// What kind of credentials a provider handed out (the names `bidcert credentials` prints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialsKind {
    /// A long-term AccessKey pair.
    Static,
    /// Temporary keys with their security token, given as they are.
    Sts,
    /// An ECS instance's RAM role, from the instance metadata service.
    EcsRamRole,
    /// A RAM role assumed with `AssumeRole`.
    RamRoleArn,
    /// A RAM role assumed with an OIDC token (`AssumeRoleWithOIDC`).
    OidcRoleArn,
    /// Temporary keys from a credentials URI.
    CredentialsUri,
}

impl CredentialsKind {
    /// Every kind.
    pub const ALL: &'static [CredentialsKind] = &[
        CredentialsKind::Static,
        CredentialsKind::Sts,
        CredentialsKind::EcsRamRole,
        CredentialsKind::RamRoleArn,
        CredentialsKind::OidcRoleArn,
        CredentialsKind::CredentialsUri,
    ];

    /// The stable snake_case name: `static`, `sts`, `ecs_ram_role`, `ram_role_arn`,
    /// `oidc_role_arn`, `credentials_uri`.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialsKind::Static => "static",
            CredentialsKind::Sts => "sts",
            CredentialsKind::EcsRamRole => "ecs_ram_role",
            CredentialsKind::RamRoleArn => "ram_role_arn",
            CredentialsKind::OidcRoleArn => "oidc_role_arn",
            CredentialsKind::CredentialsUri => "credentials_uri",
        }
    }
}

impl fmt::Display for CredentialsKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Credentials as a provider resolved them: the keys, their expiry (none for long-term keys),
/// their kind, and where they came from.
///
/// `Debug` shows the AccessKeyId, never the secret or the token.
#[derive(Debug, Clone)]
pub struct ResolvedCredentials {
    credentials: Credentials,
    expiration: Option<Timestamp>,
    kind: CredentialsKind,
    source: &'static str,
    detail: String,
}

impl ResolvedCredentials {
    /// `credentials` of `kind` from `source` (a stable name such as `environment`), with
    /// `detail` saying which file, profile, role or address.
    pub fn new(
        credentials: Credentials,
        expiration: Option<Timestamp>,
        kind: CredentialsKind,
        source: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ResolvedCredentials {
            credentials,
            expiration,
            kind,
            source,
            detail: detail.into(),
        }
    }

    /// The keys to sign with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }
    /// When they stop working; `None` for long-term keys.
    pub fn expiration(&self) -> Option<Timestamp> {
        self.expiration
    }
    /// What kind they are.
    pub fn kind(&self) -> CredentialsKind {
        self.kind
    }
    /// The source that gave them, by a stable name: `explicit`, `environment`, `oidc`,
    /// `cli_config`, `credentials_file`, `ecs_metadata`, `credentials_uri`, `ram_role_arn`.
    pub fn source(&self) -> &'static str {
        self.source
    }
    /// Which file and profile, role, or address (never a secret).
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The same credentials, attributed to another source (a file's profile that chose them).
    pub fn with_source(mut self, source: &'static str, detail: impl Into<String>) -> Self {
        self.source = source;
        self.detail = detail.into();
        self
    }
}

/// A source of credentials. Each fetch may do I/O (a file, the metadata service, STS); when to
/// fetch is the [`CredentialsProvider`](super::CredentialsProvider) cache's decision.
///
/// Implement it for a source of your own and wrap it with
/// [`CredentialsProvider::new`](super::CredentialsProvider::new).
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Fetches the credentials afresh. A failure says which source failed and why, and never
    /// holds a secret.
    fn fetch(&self) -> Result<ResolvedCredentials, Error>;
    /// What it reads, for messages: a file and profile, a role, an address.
    fn describe(&self) -> String;
    /// A server refused the credentials of `access_key_id` as expired: a source that hands
    /// out another cache's credentials (a file's profile, a chain) passes it on, so that the
    /// next fetch brings new ones. Nothing to do by default.
    fn invalidate(&self, access_key_id: &str) {
        let _ = access_key_id;
    }
}

/// A credentials error of one source.
pub(crate) fn refuse(source: impl Into<String>, reason: impl Into<String>) -> Error {
    CredentialsError::single(source, reason).into()
}

/// `e` as the failure of `source`: a credentials error keeps its own sources; any other
/// (transport, API, parse) becomes the reason.
pub(crate) fn failed_at(source: impl Into<String>, e: Error) -> Error {
    match e {
        Error::Credentials(_) => e,
        other => refuse(source, other.to_string()),
    }
}

/// A core refusal of a key (`AccessKeyId must not ...`) as the reason of `source`, naming
/// `key` (a variable, or a key of a file) rather than the wire field.
pub(crate) fn key_refused(
    source: impl Into<String>,
    e: &bidcert_core::ValidationError,
    key: &str,
) -> Error {
    refuse(source, format!("{key} {}", e.reason()))
}

//! STS (`2015-04-01`), where temporary credentials come from: `AssumeRole`, signed like any
//! other action by whatever credentials assume the role (so roles chain), and
//! `AssumeRoleWithOIDC`, sent unsigned because the OIDC token is the credential. Both are
//! calls of the engine ([`crate::exchange`]), with its retries, budget and user agent.

use std::fmt;

use zeroize::Zeroizing;

use crate::clock::{Nonce, Timestamp};
use crate::error::{Error, ValidationError};
use crate::exchange::Exchange;
use crate::ops::{sealed, Endpoint, Operation, Target};
use crate::redact::Redacted;
use crate::sign::{fixed_param, Param, SignedRequest, Signer};
use crate::temporary::{parse_sts_credentials, TemporaryCredentials};
use crate::version::SignatureVersion;

/// STS's API version.
pub const STS_VERSION: &str = "2015-04-01";
/// The shortest session STS grants, in seconds.
pub const MIN_DURATION_SECONDS: u32 = 900;
/// The session length asked for when none is given, in seconds.
pub const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// The STS endpoint of a region: `https://sts.<region>.aliyuncs.com`, or
/// `https://sts-vpc.<region>.aliyuncs.com` when `vpc`; without a region, the central
/// `https://sts.aliyuncs.com` (as the official credentials libraries choose).
///
/// ```
/// use bidcert_core::sts_endpoint;
/// assert_eq!(sts_endpoint(Some("cn-shanghai"), false).unwrap().as_str(), "https://sts.cn-shanghai.aliyuncs.com");
/// assert_eq!(sts_endpoint(Some("cn-shanghai"), true).unwrap().as_str(), "https://sts-vpc.cn-shanghai.aliyuncs.com");
/// assert_eq!(sts_endpoint(None, true).unwrap().as_str(), "https://sts.aliyuncs.com");
/// assert!(sts_endpoint(Some("cn shanghai"), false).is_err());
/// ```
pub fn sts_endpoint(region: Option<&str>, vpc: bool) -> Result<Endpoint, ValidationError> {
    let Some(region) = region else {
        return Endpoint::new("https://sts.aliyuncs.com");
    };
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(ValidationError::new(
            "sts_region",
            format!("{region:?} is not a region id (like cn-hangzhou)"),
        ));
    }
    let prefix = if vpc { "sts-vpc" } else { "sts" };
    Endpoint::new(format!("https://{prefix}.{region}.aliyuncs.com"))
}

/// What both actions share: the role, the session, its length and an optional policy.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Session {
    target: Target,
    role_arn: String,
    role_session_name: String,
    duration_seconds: String,
    policy: Option<String>,
}

impl Session {
    fn new(endpoint: Endpoint, role_arn: String, name: String) -> Result<Self, ValidationError> {
        if role_arn.is_empty() || role_arn.chars().any(char::is_whitespace) {
            return Err(ValidationError::new(
                "RoleArn",
                "must be a role ARN (acs:ram::<account>:role/<name>)",
            ));
        }
        let name_ok = (2..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b));
        if !name_ok {
            return Err(ValidationError::new(
                "RoleSessionName",
                "must be 2 to 64 letters, digits and . @ - _",
            ));
        }
        Ok(Session {
            target: Target::Endpoint(endpoint),
            role_arn,
            role_session_name: name,
            duration_seconds: DEFAULT_DURATION_SECONDS.to_string(),
            policy: None,
        })
    }

    fn duration(&mut self, seconds: u32) -> Result<(), ValidationError> {
        if seconds < MIN_DURATION_SECONDS {
            return Err(ValidationError::new(
                "DurationSeconds",
                format!("must be at least {MIN_DURATION_SECONDS} (15 minutes), not {seconds}"),
            ));
        }
        self.duration_seconds = seconds.to_string();
        Ok(())
    }

    fn policy(&mut self, policy: String) -> Result<(), ValidationError> {
        if policy.trim().is_empty() {
            return Err(ValidationError::new("Policy", "must not be empty"));
        }
        self.policy = Some(policy);
        Ok(())
    }
}

/// `AssumeRole`: temporary credentials of a RAM role, for whoever signs the call (long-term
/// keys or another role's temporary ones).
///
/// ```
/// use bidcert_core::{AssumeRole, Endpoint};
/// let op = AssumeRole::new(
///     Endpoint::new("https://sts.cn-hangzhou.aliyuncs.com")?,
///     "acs:ram::1900000000000001:role/reseller",
///     "backoffice",
/// )?
/// .with_duration_seconds(900)?
/// .with_external_id("abc");
/// assert_eq!(op.duration_seconds(), 900);
/// assert!(op.clone().with_duration_seconds(899).is_err());
/// # Ok::<(), bidcert_core::ValidationError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    session: Session,
    external_id: Option<String>,
}

impl AssumeRole {
    /// The action name.
    pub const ACTION: &'static str = "AssumeRole";

    /// Assumes `role_arn` for a session named `role_session_name` (2 to 64 letters, digits and
    /// `.@-_`) at the STS `endpoint`, for [`DEFAULT_DURATION_SECONDS`].
    pub fn new(
        endpoint: Endpoint,
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Ok(AssumeRole {
            session: Session::new(endpoint, role_arn.into(), role_session_name.into())?,
            external_id: None,
        })
    }
    /// The session's length, at least [`MIN_DURATION_SECONDS`] (STS also caps it at the
    /// role's maximum).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Result<Self, ValidationError> {
        self.session.duration(seconds)?;
        Ok(self)
    }
    /// A policy (JSON) that narrows the role's permissions for this session.
    pub fn with_policy(mut self, policy: impl Into<String>) -> Result<Self, ValidationError> {
        self.session.policy(policy.into())?;
        Ok(self)
    }
    /// The external id the role's trust policy asks for.
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into()).filter(|e| !e.is_empty());
        self
    }
    /// The role.
    pub fn role_arn(&self) -> &str {
        &self.session.role_arn
    }
    /// The session's name.
    pub fn role_session_name(&self) -> &str {
        &self.session.role_session_name
    }
    /// The session's length.
    pub fn duration_seconds(&self) -> u32 {
        self.session.duration_seconds.parse().unwrap_or(0)
    }
}

impl sealed::Sealed for AssumeRole {
    fn action_version(&self) -> [Param<'_>; 2] {
        [
            fixed_param!("Action", "AssumeRole"),
            fixed_param!("Version", "2015-04-01"),
        ]
    }
    fn business_params<'a>(&'a self, out: &mut Vec<Param<'a>>) {
        let s = &self.session;
        out.push(Param::new("DurationSeconds", &s.duration_seconds));
        if let Some(id) = &self.external_id {
            out.push(Param::new("ExternalId", id));
        }
        if let Some(p) = &s.policy {
            out.push(Param::new("Policy", p));
        }
        out.push(Param::new("RoleArn", &s.role_arn));
        out.push(Param::new("RoleSessionName", &s.role_session_name));
    }
}

impl Operation for AssumeRole {
    fn target(&self) -> &Target {
        &self.session.target
    }
    fn action(&self) -> &str {
        Self::ACTION
    }
    fn version(&self) -> &str {
        STS_VERSION
    }
}

impl Exchange for AssumeRole {
    type Output = TemporaryCredentials;
    fn parse_response(
        &self,
        status: u16,
        body: &[u8],
        _: &SignedRequest,
    ) -> Result<TemporaryCredentials, Error> {
        parse_sts_credentials(status, body)
    }
}

/// `AssumeRoleWithOIDC`: temporary credentials of a RAM role for the holder of an OIDC token
/// (an ACK pod's service account token under RRSA, say).
///
/// Sent unsigned, as STS expects: the call's request carries no `AccessKeyId` and no
/// `Signature`, and the token travels in a form body, never in the URL. `Debug` never shows
/// the token.
///
/// ```
/// use bidcert_core::{AssumeRoleWithOidc, Endpoint};
/// let op = AssumeRoleWithOidc::new(
///     Endpoint::new("https://sts.aliyuncs.com")?,
///     "acs:ram::1900000000000001:role/reseller",
///     "acs:ram::1900000000000001:oidc-provider/ack",
///     "eyJhbGciOi.token",
///     "pod-session",
/// )?;
/// assert!(!format!("{op:?}").contains("eyJhbGciOi"));
/// # Ok::<(), bidcert_core::ValidationError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleWithOidc {
    session: Session,
    oidc_provider_arn: String,
    oidc_token: Zeroizing<String>,
}

impl AssumeRoleWithOidc {
    /// The action name.
    pub const ACTION: &'static str = "AssumeRoleWithOIDC";

    /// Assumes `role_arn` with `oidc_token`, issued by the identity provider registered as
    /// `oidc_provider_arn`, for a session named `role_session_name`.
    pub fn new(
        endpoint: Endpoint,
        role_arn: impl Into<String>,
        oidc_provider_arn: impl Into<String>,
        oidc_token: impl Into<String>,
        role_session_name: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let session = Session::new(endpoint, role_arn.into(), role_session_name.into())?;
        let oidc_provider_arn = oidc_provider_arn.into();
        if oidc_provider_arn.is_empty() || oidc_provider_arn.chars().any(char::is_whitespace) {
            return Err(ValidationError::new(
                "OIDCProviderArn",
                "must be an OIDC provider ARN (acs:ram::<account>:oidc-provider/<name>)",
            ));
        }
        let oidc_token = Zeroizing::new(oidc_token.into());
        if oidc_token.is_empty()
            || oidc_token
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(ValidationError::new(
                "OIDCToken",
                "must be one token, without whitespace or control characters",
            ));
        }
        Ok(AssumeRoleWithOidc {
            session,
            oidc_provider_arn,
            oidc_token,
        })
    }
    /// The session's length, at least [`MIN_DURATION_SECONDS`].
    pub fn with_duration_seconds(mut self, seconds: u32) -> Result<Self, ValidationError> {
        self.session.duration(seconds)?;
        Ok(self)
    }
    /// A policy (JSON) that narrows the role's permissions for this session.
    pub fn with_policy(mut self, policy: impl Into<String>) -> Result<Self, ValidationError> {
        self.session.policy(policy.into())?;
        Ok(self)
    }
    /// The role.
    pub fn role_arn(&self) -> &str {
        &self.session.role_arn
    }
    /// The identity provider.
    pub fn oidc_provider_arn(&self) -> &str {
        &self.oidc_provider_arn
    }
    /// The session's name.
    pub fn role_session_name(&self) -> &str {
        &self.session.role_session_name
    }
}

impl fmt::Debug for AssumeRoleWithOidc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithOidc")
            .field("session", &self.session)
            .field("oidc_provider_arn", &self.oidc_provider_arn)
            .field("oidc_token", &Redacted)
            .finish()
    }
}

impl sealed::Sealed for AssumeRoleWithOidc {
    fn action_version(&self) -> [Param<'_>; 2] {
        [
            fixed_param!("Action", "AssumeRoleWithOIDC"),
            fixed_param!("Version", "2015-04-01"),
        ]
    }
    fn business_params<'a>(&'a self, out: &mut Vec<Param<'a>>) {
        self.form(|name, value| out.push(Param::new(name, value)));
    }
}

impl AssumeRoleWithOidc {
    /// Hands each business parameter to `put`, in byte order of the names.
    fn form<'a>(&'a self, mut put: impl FnMut(&'static str, &'a str)) {
        let s = &self.session;
        put("DurationSeconds", &s.duration_seconds);
        put("OIDCProviderArn", &self.oidc_provider_arn);
        put("OIDCToken", &self.oidc_token);
        if let Some(p) = &s.policy {
            put("Policy", p);
        }
        put("RoleArn", &s.role_arn);
        put("RoleSessionName", &s.role_session_name);
    }
}

impl Operation for AssumeRoleWithOidc {
    fn target(&self) -> &Target {
        &self.session.target
    }
    fn action(&self) -> &str {
        Self::ACTION
    }
    fn version(&self) -> &str {
        STS_VERSION
    }
}

impl Exchange for AssumeRoleWithOidc {
    type Output = TemporaryCredentials;

    /// An unsigned POST: `Action`, `Format`, `Timestamp` and `Version` in the query, the
    /// rest (the token among them) in a form body. The signer and the nonce are not used.
    fn prepare(
        &self,
        _: &Signer,
        _: SignatureVersion,
        timestamp: Timestamp,
        _: &Nonce,
    ) -> Result<SignedRequest, ValidationError> {
        let Target::Endpoint(endpoint) = &self.session.target else {
            return Err(ValidationError::new("endpoint", "STS needs an endpoint"));
        };
        let query = [
            ("Action", Self::ACTION),
            ("Format", "JSON"),
            ("Timestamp", timestamp.as_str()),
            ("Version", STS_VERSION),
        ];
        let mut form = Vec::with_capacity(6);
        self.form(|name, value| form.push((name, value)));
        Ok(crate::unsigned::form_request(
            endpoint, &query, &form, timestamp,
        ))
    }

    fn parse_response(
        &self,
        status: u16,
        body: &[u8],
        _: &SignedRequest,
    ) -> Result<TemporaryCredentials, Error> {
        parse_sts_credentials(status, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Credentials, Nonce};

    fn endpoint() -> Endpoint {
        Endpoint::new("http://127.0.0.1:9").unwrap()
    }

    #[test]
    fn assume_role_is_signed_with_every_parameter_in_the_query() {
        let op = AssumeRole::new(endpoint(), "acs:ram::1:role/r", "s1")
            .unwrap()
            .with_policy(r#"{"Version":"1"}"#)
            .unwrap()
            .with_external_id("x");
        let signer = Signer::new(Credentials::new("LTAI", "secret").unwrap());
        let t = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        let r = op
            .prepare(&signer, SignatureVersion::V1, t, &Nonce::new("n").unwrap())
            .unwrap();
        for p in [
            "Action=AssumeRole",
            "DurationSeconds=3600",
            "ExternalId=x",
            "RoleArn=acs%3Aram%3A%3A1%3Arole%2Fr",
            "RoleSessionName=s1",
            "Version=2015-04-01",
            "Signature=",
        ] {
            assert!(r.url().contains(p), "{p} in {}", r.url());
        }
        assert!(r.url().starts_with("http://127.0.0.1:9/?"));
        assert!(r.body().is_empty());
    }

    #[test]
    fn assume_role_with_oidc_is_unsigned_and_keeps_the_token_out_of_the_url() {
        let op = AssumeRoleWithOidc::new(
            endpoint(),
            "acs:ram::1:role/r",
            "acs:ram::1:oidc-provider/p",
            "tok.en",
            "s1",
        )
        .unwrap()
        .with_duration_seconds(900)
        .unwrap();
        let signer = Signer::new(Credentials::new("LTAI", "secret").unwrap());
        let t = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        let r = op
            .prepare(&signer, SignatureVersion::V1, t, &Nonce::new("n").unwrap())
            .unwrap();
        assert!(!r.url().contains("tok.en") && !r.url().contains("LTAI"));
        assert!(!r.url().contains("Signature"));
        let body = String::from_utf8(r.body().to_vec()).unwrap();
        assert_eq!(
            body,
            "DurationSeconds=900&OIDCProviderArn=acs%3Aram%3A%3A1%3Aoidc-provider%2Fp&\
             OIDCToken=tok.en&RoleArn=acs%3Aram%3A%3A1%3Arole%2Fr&RoleSessionName=s1"
        );
    }

    #[test]
    fn sessions_are_validated_when_built() {
        assert!(AssumeRole::new(endpoint(), "", "ok").is_err());
        assert!(AssumeRole::new(endpoint(), "acs:ram::1:role/r", "x").is_err());
        assert!(AssumeRole::new(endpoint(), "acs:ram::1:role/r", "has space").is_err());
        let op = AssumeRole::new(endpoint(), "acs:ram::1:role/r", "ok").unwrap();
        assert_eq!(
            op.with_duration_seconds(600).unwrap_err().field(),
            "DurationSeconds"
        );
        let bad_token = |t: &str| {
            AssumeRoleWithOidc::new(endpoint(), "acs:ram::1:role/r", "p", t, "ok").unwrap_err()
        };
        assert_eq!(bad_token("").field(), "OIDCToken");
        assert_eq!(bad_token("a\nb").field(), "OIDCToken");
    }
}

//! The fixture: who may call the emulator, and which customers exist.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use bidcert_core::BidType;
use serde::{Deserialize, Serialize};

/// Everything the emulator knows: resellers, other accounts and customers, and for temporary
/// credentials the RAM roles, OIDC providers and the ECS instance's role.
///
/// Read from JSON (schema in the crate's README) or built in code; [`Fixture::demo`] covers
/// every documented case. `Debug` never shows a secret.
///
/// ```
/// use bidcert_emulator::Fixture;
/// let json = r#"{
///   "resellers": [{"access_key_id": "LTAI5tMine", "access_key_secret": "s3cret",
///                  "uid": "1900000000000009", "bid_type": "NORMAL", "aas_granted": true}],
///   "customers": [{"pk": "1000000000000009", "owner": "1900000000000009"}]
/// }"#;
/// let fixture = Fixture::from_json(json).unwrap();
/// assert!(!fixture.customers[0].verified);
/// assert!(!format!("{fixture:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Reseller (BID) accounts: they may call both operations.
    #[serde(default)]
    pub resellers: Vec<Reseller>,
    /// Ordinary accounts: their keys are valid, but the operations answer `Not Bid`.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// The resellers' customers.
    #[serde(default)]
    pub customers: Vec<Customer>,
    /// RAM roles that STS (`AssumeRole`, `AssumeRoleWithOIDC`) issues temporary keys for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// OIDC identity providers `AssumeRoleWithOIDC` accepts tokens of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oidc_providers: Vec<OidcProvider>,
    /// The ECS instance the metadata service describes: which role it runs under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<Instance>,
}

/// A RAM role: who may assume it, and which reseller its temporary keys act as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// `acs:ram::<account id>:role/<name>`.
    pub arn: String,
    /// The `uid` of the reseller whose calls the role's temporary keys make.
    pub reseller: String,
    /// Who may call `AssumeRole` for it: a reseller's or an account's `uid`, or the ARN of a
    /// role whose temporary keys may assume it in turn (a chained role).
    #[serde(default)]
    pub principals: Vec<String>,
    /// ARNs of the OIDC providers whose tokens may assume it (`AssumeRoleWithOIDC`).
    #[serde(default)]
    pub oidc_providers: Vec<String>,
    /// The `ExternalId` an `AssumeRole` must give, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The longest session, in seconds: `DurationSeconds` may be 900 up to this (3600 to
    /// 43200; default 3600).
    #[serde(default = "Role::default_max_session_duration")]
    pub max_session_duration: i64,
}

/// An OIDC identity provider. Tokens are opaque strings the fixture lists: no JWT is parsed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProvider {
    /// `acs:ram::<account id>:oidc-provider/<name>`.
    pub arn: String,
    /// The tokens it accepts.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// Tokens it knows but whose time is up: answered `AuthenticationFail.OIDCToken.Expired`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_tokens: Vec<String>,
    /// The issuer reported in `OIDCTokenInfo`.
    #[serde(default = "OidcProvider::default_issuer")]
    pub issuer: String,
    /// The client ids (audiences) reported in `OIDCTokenInfo`.
    #[serde(default = "OidcProvider::default_client_ids")]
    pub client_ids: Vec<String>,
}

/// The ECS instance behind the metadata service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// The ARN of the role (one of `roles`) the instance runs under; the metadata service lists
    /// its name (what follows `role/`).
    pub role: String,
    /// How long the credentials it hands out are valid, in seconds (900 to 43200; default
    /// 21600, six hours).
    #[serde(default = "Instance::default_duration_seconds")]
    pub duration_seconds: i64,
}

impl Role {
    fn default_max_session_duration() -> i64 {
        3600
    }

    /// The role's name: what follows `role/` in its ARN.
    pub fn name(&self) -> &str {
        self.arn.rsplit_once(":role/").map_or("", |(_, name)| name)
    }
}

impl OidcProvider {
    fn default_issuer() -> String {
        "https://oidc.bidcert.test".into()
    }

    fn default_client_ids() -> Vec<String> {
        vec!["sts.bidcert.test".into()]
    }
}

impl Instance {
    fn default_duration_seconds() -> i64 {
        21600
    }
}

/// The account id of `acs:ram::<digits>:<kind>/<name>`, when `arn` has that shape.
fn arn_account(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("acs:ram::")?;
    let (account, _) = rest.split_once(':')?;
    (!account.is_empty() && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Whether `arn` is `acs:ram::<digits>:<kind>/<name>` with a name of letters, digits and
/// `.@_-`.
pub(crate) fn is_arn(arn: &str, kind: &str) -> bool {
    let Some(account) = arn_account(arn) else {
        return false;
    };
    let prefix_len = "acs:ram::".len() + account.len() + 1;
    arn[prefix_len..]
        .strip_prefix(kind)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b))
        })
}

/// A reseller account and its AccessKey pair.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reseller {
    /// The AccessKey ID it signs with.
    pub access_key_id: String,
    /// The AccessKey secret.
    pub access_key_secret: String,
    /// The reseller's account id; customers name it as their `owner`.
    pub uid: String,
    /// `NORMAL` or `LIGHTWEIGHT`: a request's `BidType` must match it.
    #[serde(with = "bid_type_wire")]
    pub bid_type: BidType,
    /// Whether `GenerateAliyunBidCertWaysUrl` is granted (else `InvalidApi.NotFound`).
    #[serde(default)]
    pub aas_granted: bool,
}

/// An account that is not a reseller: its signature verifies, its calls answer `Not Bid`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The AccessKey ID it signs with.
    pub access_key_id: String,
    /// The AccessKey secret.
    pub access_key_secret: String,
    /// The account id.
    pub uid: String,
}

/// A reseller's customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The customer's account id (ASCII digits), sent as `PK` or `AliyunPk`.
    pub pk: String,
    /// The `uid` of the reseller it belongs to.
    pub owner: String,
    /// Whether it has passed identity verification.
    #[serde(default)]
    pub verified: bool,
    /// What `QueryBidUserCertifiedInfo` reports once verified; [`Certificate::placeholder`]
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Certificate>,
}

/// The identity a verified customer presented. `Debug` masks the personal fields.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// `personal` or `enterprise` (other values are reported verbatim).
    pub account_cert_type: String,
    /// The verified name.
    pub name: String,
    /// The phone number.
    pub phone: String,
    /// The certificate type code: `"0"` ID card, `"9"` business licence, `"12"`, `"13"`, ...
    pub cert_type: String,
    /// The certificate number.
    pub cert_number: String,
}

impl Customer {
    /// What a Query reports: `None` while unverified, then the fixture's certificate or, when
    /// it has none, the personal placeholder (borrowed when there is one, so a Query does not
    /// copy it).
    pub(crate) fn reported_certificate(&self) -> Option<Cow<'_, Certificate>> {
        self.verified.then(|| match &self.certificate {
            Some(c) => Cow::Borrowed(c),
            None => Cow::Owned(Certificate::placeholder(false)),
        })
    }
}

impl Certificate {
    /// The certificate reported for a verified customer whose fixture entry has none:
    /// a personal one (`certType` `"0"`), or an enterprise one (`"9"`) when the link that
    /// verified it allowed only enterprises.
    pub fn placeholder(enterprise: bool) -> Certificate {
        if enterprise {
            Certificate {
                account_cert_type: "enterprise".into(),
                name: "Bidcert Placeholder Co., Ltd.".into(),
                phone: "13800000000".into(),
                cert_type: "9".into(),
                cert_number: "91330100MA2B000000".into(),
            }
        } else {
            Certificate {
                account_cert_type: "personal".into(),
                name: "Bidcert Placeholder".into(),
                phone: "13800000000".into(),
                cert_type: "0".into(),
                cert_number: "110101199001010000".into(),
            }
        }
    }
}

impl fmt::Debug for Reseller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reseller")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field("uid", &self.uid)
            .field("bid_type", &self.bid_type)
            .field("aas_granted", &self.aas_granted)
            .finish()
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field("uid", &self.uid)
            .finish()
    }
}

impl fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The tokens are credentials.
        f.debug_struct("OidcProvider")
            .field("arn", &self.arn)
            .field("tokens", &format_args!("<{} redacted>", self.tokens.len()))
            .field(
                "expired_tokens",
                &format_args!("<{} redacted>", self.expired_tokens.len()),
            )
            .field("issuer", &self.issuer)
            .field("client_ids", &self.client_ids)
            .finish()
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("account_cert_type", &self.account_cert_type)
            .field("name", &bidcert_core::mask(&self.name))
            .field("phone", &bidcert_core::mask(&self.phone))
            .field("cert_type", &self.cert_type)
            .field("cert_number", &bidcert_core::mask(&self.cert_number))
            .finish()
    }
}

/// Why a fixture was refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum FixtureError {
    /// The text is not JSON of the fixture's schema.
    Json(serde_json::Error),
    /// The fixture is well-formed but inconsistent (a duplicate key, an unknown owner, ...).
    Invalid(String),
    /// The fixture file could not be read.
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixtureError::Json(e) => write!(f, "fixture is not valid JSON of the schema: {e}"),
            FixtureError::Invalid(why) => write!(f, "fixture is inconsistent: {why}"),
            FixtureError::Read { path, error } => {
                write!(f, "cannot read fixture {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for FixtureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FixtureError::Json(e) => Some(e),
            FixtureError::Invalid(_) => None,
            FixtureError::Read { error, .. } => Some(error),
        }
    }
}

impl Fixture {
    /// The built-in demo fixture; its well-known values are in [`crate::demo`].
    pub fn demo() -> Fixture {
        crate::demo::fixture()
    }

    /// Parses and [validates](Fixture::validate) a fixture.
    pub fn from_json(s: &str) -> Result<Fixture, FixtureError> {
        let fixture: Fixture = serde_json::from_str(s).map_err(FixtureError::Json)?;
        fixture.validate()?;
        Ok(fixture)
    }

    /// Reads, parses and validates a fixture file.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Fixture, FixtureError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| FixtureError::Read {
            path: path.to_owned(),
            error,
        })?;
        Fixture::from_json(&text)
    }

    /// The fixture as indented JSON, secrets included.
    pub fn to_json_pretty(&self) -> String {
        // Plain structs of strings and bools always serialize.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks consistency: AccessKey IDs and uids non-empty and unique across resellers and
    /// accounts (and none starting `STS.`, the prefix of issued keys), secrets non-empty,
    /// customer PKs ASCII digits and unique, every owner a reseller; role and OIDC provider ARNs
    /// well formed and unique, each role acting as a reseller, its principals and providers
    /// known, its durations in range; the instance's role one of the roles.
    pub fn validate(&self) -> Result<(), FixtureError> {
        let bad = |why: String| Err(FixtureError::Invalid(why));
        let mut ids = HashSet::new();
        let mut uids = HashSet::new();
        let keys = self
            .resellers
            .iter()
            .map(|r| (&r.access_key_id, &r.access_key_secret, &r.uid))
            .chain(
                self.accounts
                    .iter()
                    .map(|a| (&a.access_key_id, &a.access_key_secret, &a.uid)),
            );
        for (id, secret, uid) in keys {
            if id.is_empty() || secret.is_empty() || uid.is_empty() {
                return bad(format!(
                    "access_key_id, access_key_secret and uid must not be empty (key {id:?})"
                ));
            }
            if id.starts_with(crate::sts::KEY_PREFIX) {
                return bad(format!(
                    "access_key_id {id:?} starts with {:?}, which only issued STS keys do",
                    crate::sts::KEY_PREFIX
                ));
            }
            if !ids.insert(id.as_str()) {
                return bad(format!("access_key_id {id:?} appears twice"));
            }
            if !uids.insert(uid.as_str()) {
                return bad(format!("uid {uid:?} appears twice"));
            }
        }
        let resellers: HashSet<&str> = self.resellers.iter().map(|r| r.uid.as_str()).collect();
        let mut pks = HashSet::new();
        for c in &self.customers {
            if c.pk.is_empty() || !c.pk.bytes().all(|b| b.is_ascii_digit()) {
                return bad(format!("customer pk {:?} is not ASCII digits", c.pk));
            }
            if !pks.insert(c.pk.as_str()) {
                return bad(format!("customer pk {:?} appears twice", c.pk));
            }
            if !resellers.contains(c.owner.as_str()) {
                return bad(format!(
                    "customer {:?} has owner {:?}, which is no reseller's uid",
                    c.pk, c.owner
                ));
            }
        }
        self.validate_roles(&resellers, &uids)
    }

    fn validate_roles(
        &self,
        resellers: &HashSet<&str>,
        uids: &HashSet<&str>,
    ) -> Result<(), FixtureError> {
        let bad = |why: String| Err(FixtureError::Invalid(why));
        let mut providers = HashSet::new();
        for p in &self.oidc_providers {
            if !is_arn(&p.arn, "oidc-provider") {
                return bad(format!(
                    "oidc provider arn {:?} is not acs:ram::<account id>:oidc-provider/<name>",
                    p.arn
                ));
            }
            if !providers.insert(p.arn.as_str()) {
                return bad(format!("oidc provider {:?} appears twice", p.arn));
            }
            if let Some(t) = p
                .tokens
                .iter()
                .chain(&p.expired_tokens)
                .find(|t| !(4..=20_000).contains(&t.len()) || t.chars().any(char::is_control))
            {
                return bad(format!(
                    "oidc provider {:?} lists a token of {} characters or with control \
                     characters; tokens are 4 to 20000 printable characters",
                    p.arn,
                    t.len()
                ));
            }
        }
        let roles: HashSet<&str> = self.roles.iter().map(|r| r.arn.as_str()).collect();
        if roles.len() != self.roles.len() {
            return bad("a role arn appears twice".into());
        }
        for r in &self.roles {
            if !is_arn(&r.arn, "role") {
                return bad(format!(
                    "role arn {:?} is not acs:ram::<account id>:role/<name>",
                    r.arn
                ));
            }
            if !resellers.contains(r.reseller.as_str()) {
                return bad(format!(
                    "role {:?} acts as {:?}, which is no reseller's uid",
                    r.arn, r.reseller
                ));
            }
            if let Some(p) = r
                .principals
                .iter()
                .find(|p| !uids.contains(p.as_str()) && !roles.contains(p.as_str()))
            {
                return bad(format!(
                    "role {:?} trusts {p:?}, which is no reseller's or account's uid and no role",
                    r.arn
                ));
            }
            if let Some(p) = r
                .oidc_providers
                .iter()
                .find(|p| !providers.contains(p.as_str()))
            {
                return bad(format!(
                    "role {:?} trusts oidc provider {p:?}, which is not in oidc_providers",
                    r.arn
                ));
            }
            if !(3600..=43_200).contains(&r.max_session_duration) {
                return bad(format!(
                    "role {:?} has max_session_duration {}; it must be 3600 to 43200",
                    r.arn, r.max_session_duration
                ));
            }
        }
        if let Some(i) = &self.instance {
            if !roles.contains(i.role.as_str()) {
                return bad(format!("instance role {:?} is not in roles", i.role));
            }
            if !(900..=43_200).contains(&i.duration_seconds) {
                return bad(format!(
                    "instance duration_seconds {} must be 900 to 43200",
                    i.duration_seconds
                ));
            }
        }
        Ok(())
    }
}

/// `BidType` in the fixture: `"NORMAL"` or `"LIGHTWEIGHT"`.
mod bid_type_wire {
    use bidcert_core::BidType;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(t: &BidType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(t.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BidType, D::Error> {
        // Exactly as spelt on the wire: the core's `FromStr` would also take `normal`.
        let s = String::deserialize(d)?;
        BidType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                serde::de::Error::custom(format!("bid_type {s:?} is not NORMAL or LIGHTWEIGHT"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_fixture_round_trips_through_json() {
        let demo = Fixture::demo();
        assert_eq!(Fixture::from_json(&demo.to_json_pretty()).unwrap(), demo);
    }

    #[test]
    fn unknown_fields_and_bad_bid_types_are_refused() {
        let e = Fixture::from_json(r#"{"resselers": []}"#).unwrap_err();
        assert!(e.to_string().contains("resselers"), "{e}");
        let e = Fixture::from_json(
            r#"{"resellers": [{"access_key_id": "a", "access_key_secret": "b", "uid": "1", "bid_type": "BIG"}]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("NORMAL or LIGHTWEIGHT"), "{e}");
    }

    #[test]
    fn inconsistent_fixtures_are_refused() {
        let mut f = Fixture::demo();
        f.accounts[0].access_key_id = f.resellers[0].access_key_id.clone();
        assert!(matches!(f.validate(), Err(FixtureError::Invalid(_))));
        let mut f = Fixture::demo();
        f.customers[0].owner = f.accounts[0].uid.clone();
        assert!(f
            .validate()
            .unwrap_err()
            .to_string()
            .contains("no reseller"));
        let mut f = Fixture::demo();
        f.customers[1].pk = f.customers[0].pk.clone();
        assert!(f.validate().is_err());
    }

    #[test]
    fn role_and_provider_references_are_checked() {
        let mut f = Fixture::demo();
        f.roles[0].reseller = f.accounts[0].uid.clone();
        assert!(f
            .validate()
            .unwrap_err()
            .to_string()
            .contains("no reseller"));
        let mut f = Fixture::demo();
        f.roles[0].principals.push("acs:ram::1:role/nobody".into());
        assert!(f.validate().unwrap_err().to_string().contains("trusts"));
        let mut f = Fixture::demo();
        f.roles[0].oidc_providers = vec!["acs:ram::1:oidc-provider/none".into()];
        assert!(f.validate().is_err());
        let mut f = Fixture::demo();
        f.roles[0].arn = "arn:aws:iam::1:role/x".into();
        assert!(f.validate().unwrap_err().to_string().contains("role arn"));
        let mut f = Fixture::demo();
        f.roles[0].max_session_duration = 100;
        assert!(f.validate().is_err());
        let mut f = Fixture::demo();
        f.instance.as_mut().unwrap().role = "acs:ram::1:role/missing".into();
        assert!(f.validate().is_err());
        let mut f = Fixture::demo();
        f.accounts[0].access_key_id = "STS.mine".into();
        assert!(f.validate().unwrap_err().to_string().contains("STS."));
        assert!(is_arn("acs:ram::123:role/a-b.c", "role"));
        assert!(!is_arn("acs:ram::12x:role/a", "role"));
        assert!(!is_arn("acs:ram::123:role/", "role"));
        assert!(!is_arn("acs:ram::123:user/a", "role"));
        assert_eq!(Fixture::demo().roles[0].name(), "bidcert-demo-reseller");
    }

    #[test]
    fn old_fixtures_without_roles_still_load() {
        let f = Fixture::from_json(r#"{"resellers": [], "customers": []}"#).unwrap();
        assert!(f.roles.is_empty() && f.oidc_providers.is_empty() && f.instance.is_none());
    }

    #[test]
    fn debug_hides_secrets_and_masks_personal_data() {
        let f = Fixture::demo();
        let dbg = format!("{f:?}");
        for r in &f.resellers {
            assert!(!dbg.contains(&r.access_key_secret), "{dbg}");
        }
        let cert = f
            .customers
            .iter()
            .find_map(|c| c.certificate.clone())
            .unwrap();
        assert!(!dbg.contains(&cert.cert_number) && !dbg.contains(&cert.phone));
        for p in &f.oidc_providers {
            for t in &p.tokens {
                assert!(!dbg.contains(t.as_str()), "{dbg}");
            }
        }
    }
}

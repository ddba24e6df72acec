//! The operations: the two identity-verification calls and any other RPC action.

use std::fmt;
use std::str::FromStr;

use crate::error::ValidationError;
use crate::sign::{fixed_param, Param};

macro_rules! wire_enum {
    (
        $(#[$meta:meta])* $name:ident, $field:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value, in documented order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// This value as a parameter, encoded at compile time.
            pub(crate) fn param(self) -> Param<'static> {
                match self { $($name::$variant => fixed_param!($field, $wire)),+ }
            }
        }

        impl FromStr for $name {
            type Err = ValidationError;
            /// Parses a documented value, ignoring ASCII case.
            fn from_str(s: &str) -> Result<Self, ValidationError> {
                $(if s.eq_ignore_ascii_case($wire) { return Ok($name::$variant); })+
                Err(ValidationError::new(
                    $field,
                    format!(
                        "{:?} is not one of {}",
                        s,
                        [$($wire),+].join(", ")
                    ),
                ))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// The reseller's type, sent as `BidType`.
    ///
    /// The Query API's table spells the parameter `bidType`; Alibaba's own SDK for Crm
    /// 2015-04-08 sends `BidType`, and so does bidcert.
    BidType, "BidType" {
        /// A standard (BID service) reseller.
        Normal = "NORMAL",
        /// A lightweight reseller.
        Lightweight = "LIGHTWEIGHT",
    }
}

wire_enum! {
    /// Where the verification link will be opened, sent as `Platform`.
    Platform, "Platform" {
        /// A computer browser.
        Pc = "pc",
        /// A mobile web (H5) page.
        H5 = "h5",
        /// An app.
        App = "app",
    }
}

wire_enum! {
    /// Which verifications the link allows, sent as `SubjectType`.
    SubjectType, "SubjectType" {
        /// Individual and enterprise.
        All = "all",
        /// Individual only.
        Personal = "personal",
        /// Enterprise only.
        Enterprise = "enterprise",
    }
}

/// An Alibaba Cloud account id (PK, UID): one or more ASCII digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pk(String);

impl Pk {
    /// The longest PK accepted (account ids are 16 digits today).
    pub const MAX_LEN: usize = 32;

    /// Validates a PK for the parameter `field` (`PK` or `AliyunPk`).
    pub(crate) fn parse_for(field: &str, s: &str) -> Result<Self, ValidationError> {
        if s.is_empty() {
            return Err(ValidationError::new(field, "must not be empty"));
        }
        if s.len() > Self::MAX_LEN || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new(
                field,
                format!(
                    "{:?} is not an account id (1 to {} ASCII digits)",
                    s.chars().take(40).collect::<String>(),
                    Self::MAX_LEN
                ),
            ));
        }
        Ok(Pk(s.to_owned()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Pk {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, ValidationError> {
        Pk::parse_for("PK", s)
    }
}

impl fmt::Display for Pk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Pk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pk({})", self.0)
    }
}

/// The HTTP method a request is signed for and sent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`, the default (as in the API documents' examples).
    #[default]
    Post,
}

impl Method {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl FromStr for Method {
    type Err = ValidationError;
    /// Accepts exactly `GET` or `POST`: the method is part of the string to sign, so a
    /// different spelling would sign something else.
    fn from_str(s: &str) -> Result<Self, ValidationError> {
        match s {
            "GET" => Ok(Method::Get),
            "POST" => Ok(Method::Post),
            _ => Err(ValidationError::new(
                "method",
                format!("{s:?} is not one of GET, POST (upper case)"),
            )),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The two products behind the operations; each has its own endpoint and API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Product {
    /// Crm, version 2015-04-08: `QueryBidUserCertifiedInfo`.
    Crm,
    /// Aas, version 2015-07-01: `GenerateAliyunBidCertWaysUrl`.
    Aas,
}

impl Product {
    /// Both products.
    pub const ALL: &'static [Product] = &[Product::Crm, Product::Aas];

    /// `crm` or `aas`: how the bindings name a product.
    pub fn as_str(self) -> &'static str {
        match self {
            Product::Crm => "crm",
            Product::Aas => "aas",
        }
    }

    /// The production endpoint.
    pub fn default_endpoint(self) -> &'static str {
        match self {
            Product::Crm => "https://crm-cn-hangzhou.aliyuncs.com",
            Product::Aas => "https://aas.aliyuncs.com",
        }
    }

    /// The API version of this product's operations.
    pub fn version(self) -> &'static str {
        match self {
            Product::Crm => "2015-04-08",
            Product::Aas => "2015-07-01",
        }
    }
}

impl FromStr for Product {
    type Err = ValidationError;
    /// `crm` or `aas`, ignoring ASCII case.
    ///
    /// ```
    /// use bidcert_core::Product;
    /// assert_eq!("AAS".parse::<Product>().unwrap(), Product::Aas);
    /// assert_eq!(Product::Crm.as_str(), "crm");
    /// ```
    fn from_str(s: &str) -> Result<Self, ValidationError> {
        Product::ALL
            .iter()
            .copied()
            .find(|p| s.eq_ignore_ascii_case(p.as_str()))
            .ok_or_else(|| ValidationError::new("product", format!("{s:?} is not one of crm, aas")))
    }
}

/// Where a request goes: a scheme and authority (`https://host[:port]`), path always `/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint(String);

impl Endpoint {
    /// Validates `http(s)://host[:port]` with an optional trailing `/`.
    ///
    /// Which schemes may reach which hosts is the transport's policy, not the signer's.
    pub fn new(url: impl AsRef<str>) -> Result<Self, ValidationError> {
        let url = url.as_ref().trim_end_matches('/');
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        match rest {
            Some(authority)
                if !authority.is_empty()
                    && !authority.contains(['/', '?', '#', '@', ' '])
                    && !authority.chars().any(char::is_control) =>
            {
                Ok(Endpoint(url.to_owned()))
            }
            _ => Err(ValidationError::new(
                "endpoint",
                format!("{url:?} is not of the form https://host[:port]"),
            )),
        }
    }

    /// The endpoint, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host and port part.
    pub fn authority(&self) -> &str {
        self.0.split_once("://").map_or("", |(_, a)| a)
    }

    /// Whether the scheme is `https`.
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// The host, without port or IPv6 brackets.
    pub fn host(&self) -> &str {
        let authority = self.authority();
        match authority.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or(""),
            None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
        }
    }

    /// Whether the host is a loopback address: `localhost`, `127.0.0.0/8` or `[::1]`.
    pub fn is_loopback(&self) -> bool {
        let host = self.host();
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// The transport rule every binding applies: https everywhere, plain http only to a
    /// loopback address unless the caller opts in with `allow_insecure_http` (the AccessKeyId,
    /// the signature and customer data would otherwise cross the network in clear).
    ///
    /// ```
    /// use bidcert_core::Endpoint;
    /// assert!(Endpoint::new("http://127.0.0.1:8080").unwrap().check_transport(false).is_ok());
    /// assert!(Endpoint::new("http://crm.example.com").unwrap().check_transport(false).is_err());
    /// assert!(Endpoint::new("http://crm.example.com").unwrap().check_transport(true).is_ok());
    /// ```
    pub fn check_transport(&self, allow_insecure_http: bool) -> Result<(), ValidationError> {
        if self.is_https() || allow_insecure_http || self.is_loopback() {
            return Ok(());
        }
        Err(ValidationError::new(
            "endpoint",
            format!(
                "{self} is plain http to a host that is not loopback; use https, or allow \
                 insecure http if you really mean it"
            ),
        ))
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Product> for Endpoint {
    fn from(p: Product) -> Self {
        Endpoint(p.default_endpoint().to_owned())
    }
}

/// Which endpoint an operation is sent to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A product's configured endpoint.
    Product(Product),
    /// A fixed endpoint.
    Endpoint(Endpoint),
}

pub(crate) mod sealed {
    use crate::sign::Param;

    /// The part of [`super::Operation`] only this crate implements and calls.
    pub trait Sealed {
        /// `Action` and `Version`, encoded ahead when they are fixed.
        fn action_version(&self) -> [Param<'_>; 2];
        /// Appends the operation's own parameters (not the common ones), in byte order of
        /// their names where they are fixed, which makes sorting them cheap.
        fn business_params<'a>(&'a self, out: &mut Vec<Param<'a>>);
    }
}

/// A signable operation: [`QueryCertifiedInfo`], [`GenerateCertWaysUrl`] or [`RpcCall`].
///
/// Sealed: every operation is validated when built, so signing cannot see a bad value.
pub trait Operation: sealed::Sealed {
    /// Where it goes.
    fn target(&self) -> &Target;
    /// The `Action` parameter.
    fn action(&self) -> &str;
    /// The `Version` parameter.
    fn version(&self) -> &str;
    /// The method it is signed for and sent with.
    fn method(&self) -> Method {
        Method::Post
    }
}

impl<O: sealed::Sealed + ?Sized> sealed::Sealed for &O {
    fn action_version(&self) -> [Param<'_>; 2] {
        (**self).action_version()
    }
    fn business_params<'a>(&'a self, out: &mut Vec<Param<'a>>) {
        (**self).business_params(out)
    }
}

impl<O: Operation + ?Sized> Operation for &O {
    fn target(&self) -> &Target {
        (**self).target()
    }
    fn action(&self) -> &str {
        (**self).action()
    }
    fn version(&self) -> &str {
        (**self).version()
    }
    fn method(&self) -> Method {
        (**self).method()
    }
}

/// `QueryBidUserCertifiedInfo` (Crm 2015-04-08): whether a customer has passed verification.
///
/// ```
/// use bidcert_core::{BidType, QueryCertifiedInfo};
/// let op = QueryCertifiedInfo::new("1234567890123456", BidType::Normal).unwrap();
/// assert_eq!(op.pk().as_str(), "1234567890123456");
/// assert!(QueryCertifiedInfo::new("12ab", BidType::Normal).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryCertifiedInfo {
    pk: Pk,
    bid_type: BidType,
}

const CRM: Target = Target::Product(Product::Crm);
const AAS: Target = Target::Product(Product::Aas);

impl QueryCertifiedInfo {
    /// The action name.
    pub const ACTION: &'static str = "QueryBidUserCertifiedInfo";

    /// Validates the customer's PK (ASCII digits).
    pub fn new(pk: impl AsRef<str>, bid_type: BidType) -> Result<Self, ValidationError> {
        Ok(QueryCertifiedInfo {
            pk: Pk::parse_for("PK", pk.as_ref())?,
            bid_type,
        })
    }
    /// The customer's account id.
    pub fn pk(&self) -> &Pk {
        &self.pk
    }
    /// The reseller's type.
    pub fn bid_type(&self) -> BidType {
        self.bid_type
    }
}

impl sealed::Sealed for QueryCertifiedInfo {
    fn action_version(&self) -> [Param<'_>; 2] {
        [
            fixed_param!("Action", "QueryBidUserCertifiedInfo"),
            fixed_param!("Version", "2015-04-08"),
        ]
    }
    fn business_params<'a>(&'a self, out: &mut Vec<Param<'a>>) {
        out.push(self.bid_type.param());
        out.push(Param::new("PK", self.pk.as_str()));
    }
}
impl Operation for QueryCertifiedInfo {
    fn target(&self) -> &Target {
        &CRM
    }
    fn action(&self) -> &str {
        Self::ACTION
    }
    fn version(&self) -> &str {
        Product::Crm.version()
    }
}

/// `GenerateAliyunBidCertWaysUrl` (Aas 2015-07-01): a one-time link (valid 3 hours) for the
/// customer to verify.
///
/// Defaults: `Platform=pc`, `SubjectType=all`, `IsOpenApp=false`, `IsMobile=false`, and
/// `Source=BID` always.
///
/// ```
/// use bidcert_core::{BidType, GenerateCertWaysUrl, Platform};
/// let op = GenerateCertWaysUrl::new("1234567890123456", BidType::Lightweight)
///     .unwrap()
///     .with_platform(Platform::H5)
///     .with_mobile(true)
///     .with_open_app(true);
/// assert_eq!(op.platform(), Platform::H5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateCertWaysUrl {
    aliyun_pk: Pk,
    bid_type: BidType,
    platform: Platform,
    subject_type: SubjectType,
    is_open_app: bool,
    is_mobile: bool,
}

impl GenerateCertWaysUrl {
    /// The action name.
    pub const ACTION: &'static str = "GenerateAliyunBidCertWaysUrl";
    /// The only documented `Source`.
    pub const SOURCE: &'static str = "BID";

    /// Validates the customer's PK (ASCII digits); other fields take their defaults.
    pub fn new(aliyun_pk: impl AsRef<str>, bid_type: BidType) -> Result<Self, ValidationError> {
        Ok(GenerateCertWaysUrl {
            aliyun_pk: Pk::parse_for("AliyunPk", aliyun_pk.as_ref())?,
            bid_type,
            platform: Platform::Pc,
            subject_type: SubjectType::All,
            is_open_app: false,
            is_mobile: false,
        })
    }
    /// Sets where the link will be opened.
    pub fn with_platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }
    /// Sets which verifications the link allows.
    pub fn with_subject_type(mut self, subject_type: SubjectType) -> Self {
        self.subject_type = subject_type;
        self
    }
    /// Sets whether the Alipay app is woken for quick verification (usually on mobile).
    pub fn with_open_app(mut self, is_open_app: bool) -> Self {
        self.is_open_app = is_open_app;
        self
    }
    /// Sets whether the Alipay page uses a mobile layout.
    pub fn with_mobile(mut self, is_mobile: bool) -> Self {
        self.is_mobile = is_mobile;
        self
    }
    /// The customer's account id.
    pub fn aliyun_pk(&self) -> &Pk {
        &self.aliyun_pk
    }
    /// The reseller's type.
    pub fn bid_type(&self) -> BidType {
        self.bid_type
    }
    /// Where the link will be opened.
    pub fn platform(&self) -> Platform {
        self.platform
    }
    /// Which verifications the link allows.
    pub fn subject_type(&self) -> SubjectType {
        self.subject_type
    }
    /// Whether the Alipay app is woken.
    pub fn is_open_app(&self) -> bool {
        self.is_open_app
    }
    /// Whether the mobile layout is used.
    pub fn is_mobile(&self) -> bool {
        self.is_mobile
    }
}

impl sealed::Sealed for GenerateCertWaysUrl {
    fn action_version(&self) -> [Param<'_>; 2] {
        [
            fixed_param!("Action", "GenerateAliyunBidCertWaysUrl"),
            fixed_param!("Version", "2015-07-01"),
        ]
    }
    fn business_params<'a>(&'a self, out: &mut Vec<Param<'a>>) {
        out.push(Param::new("AliyunPk", self.aliyun_pk.as_str()));
        out.push(self.bid_type.param());
        out.push(if self.is_mobile {
            fixed_param!("IsMobile", "true")
        } else {
            fixed_param!("IsMobile", "false")
        });
        out.push(if self.is_open_app {
            fixed_param!("IsOpenApp", "true")
        } else {
            fixed_param!("IsOpenApp", "false")
        });
        out.push(self.platform.param());
        out.push(fixed_param!("Source", "BID"));
        out.push(self.subject_type.param());
    }
}
impl Operation for GenerateCertWaysUrl {
    fn target(&self) -> &Target {
        &AAS
    }
    fn action(&self) -> &str {
        Self::ACTION
    }
    fn version(&self) -> &str {
        Product::Aas.version()
    }
}

/// Any other RPC action, with its parameters given by name.
///
/// ```
/// use bidcert_core::{Product, RpcCall};
/// let call = RpcCall::new(Product::Crm, "QueryBidUserCertifiedInfo", "2015-04-08")
///     .unwrap()
///     .with_param("PK", "1234567890123456")
///     .unwrap();
/// assert_eq!(call.params().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcCall {
    target: Target,
    action: String,
    version: String,
    method: Method,
    params: Vec<(String, String)>,
}

/// Parameters the signer sets itself; an operation may not give them.
pub const COMMON_PARAMS: &[&str] = &[
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

impl RpcCall {
    /// An action of a known product, at the given API version.
    pub fn new(
        product: Product,
        action: impl Into<String>,
        version: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::build(Target::Product(product), action.into(), version.into())
    }

    /// An action at a fixed endpoint (another product).
    pub fn to_endpoint(
        endpoint: Endpoint,
        action: impl Into<String>,
        version: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        Self::build(Target::Endpoint(endpoint), action.into(), version.into())
    }

    fn build(target: Target, action: String, version: String) -> Result<Self, ValidationError> {
        if action.is_empty() {
            return Err(ValidationError::new("Action", "must not be empty"));
        }
        if version.is_empty() {
            return Err(ValidationError::new("Version", "must not be empty"));
        }
        Ok(RpcCall {
            target,
            action,
            version,
            method: Method::Post,
            params: Vec::new(),
        })
    }

    /// Adds a parameter. Empty names, common parameters (`Timestamp`, `Signature`, ...) and a
    /// name given twice are rejected.
    pub fn with_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let name = name.into();
        if name.is_empty() {
            return Err(ValidationError::new("parameter name", "must not be empty"));
        }
        if COMMON_PARAMS.contains(&name.as_str()) {
            return Err(ValidationError::new(
                name,
                "is a common parameter the signer sets itself",
            ));
        }
        if self.params.iter().any(|(n, _)| *n == name) {
            return Err(ValidationError::new(name, "is given twice"));
        }
        self.params.push((name, value.into()));
        Ok(self)
    }

    /// Sets the method (POST by default).
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// The parameters, in the order given.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }
}

impl sealed::Sealed for RpcCall {
    fn action_version(&self) -> [Param<'_>; 2] {
        [
            Param::new("Action", &self.action),
            Param::new("Version", &self.version),
        ]
    }
    fn business_params<'a>(&'a self, out: &mut Vec<Param<'a>>) {
        out.extend(self.params.iter().map(|(k, v)| Param::new(k, v)));
    }
}
impl Operation for RpcCall {
    fn target(&self) -> &Target {
        &self.target
    }
    fn action(&self) -> &str {
        &self.action
    }
    fn version(&self) -> &str {
        &self.version
    }
    fn method(&self) -> Method {
        self.method
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_documented_values_and_name_the_alternatives() {
        assert_eq!(
            "lightweight".parse::<BidType>().unwrap(),
            BidType::Lightweight
        );
        assert_eq!("H5".parse::<Platform>().unwrap(), Platform::H5);
        let e = "gold".parse::<BidType>().unwrap_err();
        assert_eq!(e.field(), "BidType");
        assert!(e.reason().contains("NORMAL, LIGHTWEIGHT"), "{e}");
        let e = "web".parse::<Platform>().unwrap_err();
        assert!(e.reason().contains("pc, h5, app"), "{e}");
        let e = "people".parse::<SubjectType>().unwrap_err();
        assert!(e.reason().contains("all, personal, enterprise"), "{e}");
    }

    #[test]
    fn pk_must_be_digits() {
        for bad in ["", " 1", "12a", "１２", "-1", &"9".repeat(33)] {
            assert!(
                QueryCertifiedInfo::new(bad, BidType::Normal).is_err(),
                "{bad:?}"
            );
        }
        let e = GenerateCertWaysUrl::new("", BidType::Normal).unwrap_err();
        assert_eq!(e.field(), "AliyunPk");
    }

    #[test]
    fn rpc_call_rejects_common_and_duplicate_params() {
        let c = RpcCall::new(Product::Crm, "X", "1").unwrap();
        assert!(c.clone().with_param("Timestamp", "x").is_err());
        assert!(c.clone().with_param("", "x").is_err());
        let c = c.with_param("A", "1").unwrap();
        assert!(c.with_param("A", "2").is_err());
    }

    #[test]
    fn endpoint_accepts_scheme_and_authority_only() {
        assert_eq!(
            Endpoint::new("https://aas.aliyuncs.com/").unwrap().as_str(),
            "https://aas.aliyuncs.com"
        );
        assert_eq!(
            Endpoint::new("http://127.0.0.1:8080").unwrap().authority(),
            "127.0.0.1:8080"
        );
        for bad in [
            "aas.aliyuncs.com",
            "ftp://x",
            "https://",
            "https://a/b",
            "https://a?b",
        ] {
            assert!(Endpoint::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:9",
            "http://127.9.9.9",
        ] {
            assert!(Endpoint::new(url).unwrap().is_loopback(), "{url}");
        }
        for url in [
            "http://10.0.0.1",
            "http://example.com",
            "http://127.0.0.1.example.com",
            "http://[::2]",
        ] {
            assert!(!Endpoint::new(url).unwrap().is_loopback(), "{url}");
        }
    }

    #[test]
    fn method_is_exact() {
        assert!("post".parse::<Method>().is_err());
        assert_eq!("GET".parse::<Method>().unwrap(), Method::Get);
    }
}

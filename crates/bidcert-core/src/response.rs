//! Reading the servers' answers: the two results, and error bodies of every documented shape.

use std::fmt;

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::error::{ApiError, ApiErrorFields, Error, ParseError};
use crate::redact::Masked;

/// How long a verification link stays valid.
pub const CERT_WAYS_URL_VALIDITY_SECONDS: i64 = 3 * 60 * 60;

/// The kind of certificate a verified customer presented (`certType`).
///
/// A code not in the API document is kept as [`CertType::Other`], never an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CertType {
    /// `"0"`: identity card.
    Id,
    /// `"9"`: business licence.
    Business,
    /// `"12"`: organization code certificate.
    OrganizationCode,
    /// `"13"`: public institution legal person certificate.
    InstitutionLegalPerson,
    /// Any other code, verbatim.
    Other(String),
}

impl CertType {
    /// The type of a wire code.
    pub fn from_code(code: &str) -> Self {
        match code {
            "0" => CertType::Id,
            "9" => CertType::Business,
            "12" => CertType::OrganizationCode,
            "13" => CertType::InstitutionLegalPerson,
            other => CertType::Other(other.to_owned()),
        }
    }

    /// The wire code (`"0"`, `"9"`, ...).
    pub fn code(&self) -> &str {
        match self {
            CertType::Id => "0",
            CertType::Business => "9",
            CertType::OrganizationCode => "12",
            CertType::InstitutionLegalPerson => "13",
            CertType::Other(c) => c,
        }
    }

    /// The document's name (`ID`, `BUSINESS`, `ORGANIZATION_CODE`, `INSTITUTION_LEGAL_PERSON`),
    /// or the raw code for an unknown one.
    pub fn name(&self) -> &str {
        match self {
            CertType::Id => "ID",
            CertType::Business => "BUSINESS",
            CertType::OrganizationCode => "ORGANIZATION_CODE",
            CertType::InstitutionLegalPerson => "INSTITUTION_LEGAL_PERSON",
            CertType::Other(c) => c,
        }
    }
}

impl fmt::Display for CertType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Who was verified (`accountCertType`); an unknown value is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AccountCertType {
    /// `personal`: an individual.
    Personal,
    /// `enterprise`: an enterprise.
    Enterprise,
    /// Any other value, verbatim.
    Other(String),
}

impl AccountCertType {
    /// The type of a wire value.
    pub fn from_wire(s: &str) -> Self {
        match s {
            "personal" => AccountCertType::Personal,
            "enterprise" => AccountCertType::Enterprise,
            other => AccountCertType::Other(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            AccountCertType::Personal => "personal",
            AccountCertType::Enterprise => "enterprise",
            AccountCertType::Other(s) => s,
        }
    }
}

impl fmt::Display for AccountCertType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A customer's verification state (`QueryBidUserCertifiedInfo`'s `result`).
///
/// `Debug` masks the name, phone and certificate number; the getters return them whole.
#[derive(Clone, PartialEq, Eq)]
pub struct CertifiedInfo {
    request_id: Option<String>,
    aliyun_pk: Option<String>,
    is_certified: bool,
    account_cert_type: Option<AccountCertType>,
    name: Option<String>,
    phone: Option<String>,
    cert_type: Option<CertType>,
    cert_number: Option<String>,
}

impl CertifiedInfo {
    /// The server's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The customer's account id, as the server reports it (possibly masked by the server).
    pub fn aliyun_pk(&self) -> Option<&str> {
        self.aliyun_pk.as_deref()
    }
    /// Whether the account has passed identity verification.
    pub fn is_certified(&self) -> bool {
        self.is_certified
    }
    /// Individual or enterprise, once verified.
    pub fn account_cert_type(&self) -> Option<&AccountCertType> {
        self.account_cert_type.as_ref()
    }
    /// The verified name. Personal data: show [`crate::mask`]ed unless asked.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// The phone number. Personal data.
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }
    /// The certificate type.
    pub fn cert_type(&self) -> Option<&CertType> {
        self.cert_type.as_ref()
    }
    /// The certificate number. Personal data.
    pub fn cert_number(&self) -> Option<&str> {
        self.cert_number.as_deref()
    }
}

impl fmt::Debug for CertifiedInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertifiedInfo")
            .field("request_id", &self.request_id)
            .field("aliyun_pk", &self.aliyun_pk)
            .field("is_certified", &self.is_certified)
            .field("account_cert_type", &self.account_cert_type)
            .field("name", &Masked(self.name.as_deref()))
            .field("phone", &Masked(self.phone.as_deref()))
            .field("cert_type", &self.cert_type)
            .field("cert_number", &Masked(self.cert_number.as_deref()))
            .finish()
    }
}

/// A verification link (`GenerateAliyunBidCertWaysUrl`'s `Data`) and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertWaysUrl {
    url: String,
    request_id: Option<String>,
    issued_at: Timestamp,
    expires_at: Timestamp,
}

impl CertWaysUrl {
    /// The link to show the customer (in an iframe or a new page).
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The server's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// When it was issued (the time the request was sent).
    pub fn issued_at(&self) -> Timestamp {
        self.issued_at
    }
    /// When it stops working: issued + 3 hours.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }
    /// Whether it has expired at `now`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.expires_at
    }
    /// The link's origin (`https://host[:port]`): the only origin its events may come from.
    pub fn origin(&self) -> &str {
        origin_of(&self.url)
    }
}

/// The origin (`scheme://host[:port]`) of a URL.
pub(crate) fn origin_of(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            &url[..i + 3 + end]
        }
        None => url,
    }
}

/// Looks a key up in either convention: `requestId` or `RequestId`.
pub(crate) fn field<'a>(obj: &'a Map<String, Value>, lower_camel: &str) -> Option<&'a Value> {
    obj.get(lower_camel)
        .or_else(|| upper_camel(lower_camel, |upper| obj.get(upper)))
}

/// Calls `f` with `lower_camel` spelt in upper camel case. Our keys are short ASCII names, so
/// it is spelt on the stack: every lookup of an absent key (`success`, `code` on a success)
/// would otherwise allocate.
fn upper_camel<T>(lower_camel: &str, f: impl FnOnce(&str) -> Option<T>) -> Option<T> {
    let mut buf = [0u8; 32];
    let mut long = Vec::new();
    let upper = match buf.get_mut(..lower_camel.len()) {
        Some(b) => b,
        None => {
            long.resize(lower_camel.len(), 0);
            &mut long[..]
        }
    };
    upper.copy_from_slice(lower_camel.as_bytes());
    upper.first_mut()?.make_ascii_uppercase();
    f(std::str::from_utf8(upper).ok()?)
}

pub(crate) fn string_field(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match field(obj, key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// [`string_field`], moving the string out of `obj` rather than copying it.
fn take_string_field(obj: &mut Map<String, Value>, key: &str) -> Option<String> {
    match field(obj, key)? {
        Value::String(_) => match take_field(obj, key)? {
            Value::String(s) => Some(s),
            _ => None,
        },
        _ => string_field(obj, key),
    }
}

/// Removes the value [`field`] finds and hands it over.
fn take_field(obj: &mut Map<String, Value>, lower_camel: &str) -> Option<Value> {
    obj.remove(lower_camel)
        .or_else(|| upper_camel(lower_camel, |upper| obj.remove(upper)))
}

/// Parses a body into a JSON object, or reports an error body as an [`ApiError`].
///
/// An error is: a non-2xx status, `Success: false`, or a `Code` that is not a success code.
pub(crate) fn envelope(status: u16, body: &[u8]) -> Result<Map<String, Value>, Error> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let reason = if body.is_empty() {
            "empty body".to_owned()
        } else if e.is_eof() {
            "truncated JSON".to_owned()
        } else {
            format!("not JSON ({e})")
        };
        ParseError::new(status, reason, body)
    })?;
    let Value::Object(obj) = value else {
        return Err(ParseError::new(status, "JSON body is not an object", body).into());
    };
    let success = match field(&obj, "success") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => Some(s.eq_ignore_ascii_case("true")),
        _ => None,
    };
    let code = string_field(&obj, "code").filter(|c| !c.is_empty());
    let ok_code = code
        .as_deref()
        .is_none_or(|c| matches!(c, "200" | "OK" | "Success" | "success"));
    let failed =
        !(200..300).contains(&status) || success == Some(false) || (success.is_none() && !ok_code);
    if !failed {
        return Ok(obj);
    }
    let Some(code) = code else {
        return Err(ParseError::new(status, "error response without a Code", body).into());
    };
    Err(ApiError::from_fields(ApiErrorFields {
        http_status: status,
        kind: crate::error::ApiErrorKind::from_code(&code),
        code,
        // A mismatch message quotes the string the server signed, token and all.
        message: string_field(&obj, "message")
            .map(|m| crate::redact::redact_security_token(&m).into_owned())
            .unwrap_or_default(),
        request_id: string_field(&obj, "requestId"),
        host_id: string_field(&obj, "hostId"),
        recommend: string_field(&obj, "recommend"),
        diagnosis: None,
        clock_offset: None,
    })
    .into())
}

/// Parses any RPC response: the JSON object on success, an [`ApiError`] for an error body.
pub fn parse_rpc_response(status: u16, body: &[u8]) -> Result<Value, Error> {
    envelope(status, body).map(Value::Object)
}

/// Parses a `QueryBidUserCertifiedInfo` response.
///
/// Accepts `result` as a JSON-encoded string (as documented) or an object, keys in lower or
/// upper camel case, and missing optional fields.
///
/// ```
/// let body = br#"{"requestId":"90B7","result":"{\"aliyunPk\":\"175787\",\"isCertified\":\"0\"}"}"#;
/// let info = bidcert_core::parse_certified_info(200, body).unwrap();
/// assert!(!info.is_certified());
/// assert_eq!(info.request_id(), Some("90B7"));
/// ```
pub fn parse_certified_info(status: u16, body: &[u8]) -> Result<CertifiedInfo, Error> {
    common_certified_info(status, body).map_or_else(|| certified_info_from_tree(status, body), Ok)
}

/// Any `QueryBidUserCertifiedInfo` body, read through JSON trees.
fn certified_info_from_tree(status: u16, body: &[u8]) -> Result<CertifiedInfo, Error> {
    let mut obj = envelope(status, body)?;
    let bad = |why: &str| Error::from(ParseError::new(status, why, body));
    // The fields are moved out of the parsed values, not copied.
    let mut result = match take_field(&mut obj, "result") {
        Some(Value::Object(o)) => o,
        Some(Value::String(s)) => {
            match serde_json::from_str::<Value>(&s).map_err(|_| bad("result is not valid JSON"))? {
                Value::Object(o) => o,
                _ => return Err(bad("result is not a JSON object")),
            }
        }
        Some(_) => return Err(bad("result is neither a string nor an object")),
        None => return Err(bad("no result in the response")),
    };
    let result = &mut result;
    let is_certified = match field(result, "isCertified") {
        Some(Value::String(s)) if s == "1" || s == "true" => true,
        Some(Value::String(s)) if s == "0" || s == "false" => false,
        Some(Value::Number(n)) if n.as_u64() == Some(1) => true,
        Some(Value::Number(n)) if n.as_u64() == Some(0) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(bad("isCertified is not \"0\" or \"1\"")),
        None => return Err(bad("result has no isCertified")),
    };
    Ok(CertifiedInfo {
        request_id: take_string_field(&mut obj, "requestId"),
        aliyun_pk: take_string_field(result, "aliyunPk"),
        is_certified,
        account_cert_type: take_string_field(result, "accountCertType")
            .filter(|s| !s.is_empty())
            .map(|s| AccountCertType::from_wire(&s)),
        name: take_string_field(result, "name"),
        phone: take_string_field(result, "phone"),
        cert_type: take_string_field(result, "certType")
            .filter(|s| !s.is_empty())
            .map(|s| CertType::from_code(&s)),
        cert_number: take_string_field(result, "certNumber"),
    })
}

/// The common success body of `QueryBidUserCertifiedInfo` — `requestId` and `result` as a
/// JSON string of string fields — read into borrowed fields instead of two JSON trees (a
/// third of the work; the Go and Python clients' CPU per request showed it). Any other body
/// (an error, an object `result`, a number where a string is usual, a key in both spellings)
/// is `None` and takes the general path above, which reads these alike: a test compares the
/// two on every response vector.
fn common_certified_info(status: u16, body: &[u8]) -> Option<CertifiedInfo> {
    use serde::de::IgnoredAny;
    use std::borrow::Cow;

    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(rename = "requestId", alias = "RequestId", borrow)]
        request_id: Option<Cow<'a, str>>,
        #[serde(rename = "result", alias = "Result", borrow)]
        result: Cow<'a, str>,
        // Present on errors: leave those to the general path.
        #[serde(rename = "code", alias = "Code")]
        code: Option<IgnoredAny>,
        #[serde(rename = "success", alias = "Success")]
        success: Option<IgnoredAny>,
    }
    #[derive(serde::Deserialize)]
    struct Fields<'a> {
        #[serde(rename = "aliyunPk", alias = "AliyunPk", borrow)]
        aliyun_pk: Option<Cow<'a, str>>,
        #[serde(rename = "isCertified", alias = "IsCertified", borrow)]
        is_certified: Cow<'a, str>,
        #[serde(rename = "accountCertType", alias = "AccountCertType", borrow)]
        account_cert_type: Option<Cow<'a, str>>,
        #[serde(rename = "name", alias = "Name", borrow)]
        name: Option<Cow<'a, str>>,
        #[serde(rename = "phone", alias = "Phone", borrow)]
        phone: Option<Cow<'a, str>>,
        #[serde(rename = "certType", alias = "CertType", borrow)]
        cert_type: Option<Cow<'a, str>>,
        #[serde(rename = "certNumber", alias = "CertNumber", borrow)]
        cert_number: Option<Cow<'a, str>>,
    }

    if !(200..300).contains(&status) {
        return None;
    }
    let env: Envelope<'_> = serde_json::from_slice(body).ok()?;
    if env.code.is_some() || env.success.is_some() {
        return None;
    }
    let f: Fields<'_> = serde_json::from_str(&env.result).ok()?;
    let is_certified = match f.is_certified.as_ref() {
        "1" | "true" => true,
        "0" | "false" => false,
        _ => return None,
    };
    let own = |s: Option<Cow<'_, str>>| s.map(Cow::into_owned);
    Some(CertifiedInfo {
        request_id: own(env.request_id),
        aliyun_pk: own(f.aliyun_pk),
        is_certified,
        account_cert_type: f
            .account_cert_type
            .filter(|s| !s.is_empty())
            .map(|s| AccountCertType::from_wire(&s)),
        name: own(f.name),
        phone: own(f.phone),
        cert_type: f
            .cert_type
            .filter(|s| !s.is_empty())
            .map(|s| CertType::from_code(&s)),
        cert_number: own(f.cert_number),
    })
}

/// Parses a `GenerateAliyunBidCertWaysUrl` response; `issued_at` is when the request was sent.
///
/// ```
/// use bidcert_core::{parse_cert_ways_url, Timestamp};
/// let body = br#"{"RequestId":"7A43","Data":"https://account.aliyun.com/cert?token=x","Success":true}"#;
/// let at = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
/// let link = parse_cert_ways_url(200, body, at).unwrap();
/// assert_eq!(link.expires_at().as_str(), "2026-11-23T11:00:00Z");
/// assert_eq!(link.origin(), "https://account.aliyun.com");
/// ```
pub fn parse_cert_ways_url(
    status: u16,
    body: &[u8],
    issued_at: Timestamp,
) -> Result<CertWaysUrl, Error> {
    let obj = envelope(status, body)?;
    let url = match field(&obj, "data") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::String(_)) => return Err(ParseError::new(status, "Data is empty", body).into()),
        Some(_) => return Err(ParseError::new(status, "Data is not a string", body).into()),
        None => return Err(ParseError::new(status, "no Data in the response", body).into()),
    };
    let expires_at = issued_at
        .plus_seconds(CERT_WAYS_URL_VALIDITY_SECONDS)
        .map_err(|_| ParseError::new(status, "issued_at + 3 hours is out of range", body))?;
    Ok(CertWaysUrl {
        url,
        request_id: string_field(&obj, "requestId"),
        issued_at,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_path_reads_every_response_vector_as_the_general_path_does() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/responses.json"
        );
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut taken = 0;
        for case in doc["cases"].as_array().unwrap() {
            if case["operation"] != "query_certified_info" {
                continue;
            }
            let status = case["status"].as_u64().unwrap() as u16;
            let body = case["body"].as_str().unwrap().as_bytes();
            if let Some(fast) = common_certified_info(status, body) {
                taken += 1;
                let general = certified_info_from_tree(status, body);
                assert_eq!(general.as_ref(), Ok(&fast), "{}", case["name"]);
            }
        }
        assert!(taken >= 5, "the common path read only {taken} vectors");
    }

    #[test]
    fn debug_masks_personal_data() {
        let body = br#"{"requestId":"r","result":"{\"aliyunPk\":\"1\",\"isCertified\":\"1\",\"certNumber\":\"340321199001011234\",\"phone\":\"15812345678\",\"certType\":\"0\",\"name\":\"Zhang San Feng\",\"accountCertType\":\"personal\"}"}"#;
        let info = parse_certified_info(200, body).unwrap();
        let dbg = format!("{info:?}");
        for secret in ["340321199001011234", "15812345678", "Zhang San Feng"] {
            assert!(!dbg.contains(secret), "{dbg}");
        }
        assert_eq!(info.name(), Some("Zhang San Feng"));
        assert_eq!(info.cert_type(), Some(&CertType::Id));
    }

    #[test]
    fn a_field_is_found_in_either_convention() {
        let obj: Map<String, Value> =
            serde_json::from_str(r#"{"RequestId":"R","result":"x","Code":"C"}"#).unwrap();
        assert_eq!(field(&obj, "requestId"), Some(&Value::from("R")));
        assert_eq!(field(&obj, "result"), Some(&Value::from("x")));
        assert_eq!(field(&obj, "code"), Some(&Value::from("C")));
        assert_eq!(field(&obj, "success"), None);
        let long: Map<String, Value> =
            serde_json::from_str(r#"{"AKeyLongerThanThirtyTwoBytesInAll":1}"#).unwrap();
        assert_eq!(
            field(&long, "aKeyLongerThanThirtyTwoBytesInAll"),
            Some(&Value::from(1))
        );
    }

    #[test]
    fn origin_of_stops_at_path_query_or_fragment() {
        assert_eq!(origin_of("https://a.b:8443/x?y"), "https://a.b:8443");
        assert_eq!(origin_of("http://127.0.0.1:1?t=1"), "http://127.0.0.1:1");
        assert_eq!(origin_of("https://a.b"), "https://a.b");
    }
}

//! Temporary credentials as STS, the ECS metadata service and a credentials URI hand them out,
//! and reading those answers. A body that carries credentials never goes into an error, not
//! even as an excerpt: a half-received answer may hold the secret.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::credentials::Credentials;
use crate::error::{Error, ParseError};
use crate::response::{envelope, field, string_field};

/// The code a gateway answers when a request's STS security token has expired.
pub const EXPIRED_SECURITY_TOKEN: &str = "InvalidSecurityToken.Expired";

/// Credentials with an expiry: an STS key, its secret and security token.
///
/// `Debug` shows the AccessKeyId and the expiry only.
///
/// ```
/// use bidcert_core::{parse_sts_credentials, Timestamp};
/// let body = br#"{"RequestId":"r","Credentials":{"AccessKeyId":"STS.a","AccessKeySecret":"s",
///     "SecurityToken":"CAISt","Expiration":"2026-11-23T09:00:00Z"}}"#;
/// let t = parse_sts_credentials(200, body).unwrap();
/// assert_eq!(t.credentials().security_token(), Some("CAISt"));
/// assert_eq!(t.expiration(), Timestamp::parse("2026-11-23T09:00:00Z").unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct TemporaryCredentials {
    credentials: Credentials,
    expiration: Timestamp,
}

impl TemporaryCredentials {
    /// `credentials` valid until `expiration`.
    pub fn new(credentials: Credentials, expiration: Timestamp) -> Self {
        TemporaryCredentials {
            credentials,
            expiration,
        }
    }
    /// The key, secret and security token.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }
    /// When they stop working (UTC, as the issuer's clock has it).
    pub fn expiration(&self) -> Timestamp {
        self.expiration
    }
    /// The credentials, without the expiry.
    pub fn into_credentials(self) -> Credentials {
        self.credentials
    }
}

/// A credentials body that cannot be used: says why, keeps no byte of it.
fn refused(status: u16, why: impl Into<String>) -> Error {
    ParseError::new(status, why, &[]).into()
}

/// A JSON object from a success body, or why not (without the body).
fn object(status: u16, body: &[u8]) -> Result<Map<String, Value>, Error> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(obj)) => Ok(obj),
        Ok(_) => Err(refused(status, "the body is not a JSON object")),
        Err(e) if body.is_empty() => Err(refused(status, format!("empty body ({e})"))),
        Err(e) if e.is_eof() => Err(refused(status, "truncated JSON")),
        Err(_) => Err(refused(status, "the body is not JSON")),
    }
}

/// The first line of a plain-text error answer, short, for the reason.
fn text_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line = text.lines().next().unwrap_or("").trim();
    line.chars().filter(|c| !c.is_control()).take(120).collect()
}

/// `AccessKeyId`, `AccessKeySecret`, `SecurityToken` and `Expiration` of `obj`, all required;
/// a value the core refuses (whitespace, control characters) names the field, not the value.
fn fields(status: u16, obj: &Map<String, Value>) -> Result<TemporaryCredentials, Error> {
    let need = |name: &str| {
        string_field(obj, name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| refused(status, format!("the answer has no {name}")))
    };
    let (id, secret, token) = (
        need("AccessKeyId")?,
        need("AccessKeySecret")?,
        need("SecurityToken")?,
    );
    let expiration = need("Expiration")?;
    let credentials = Credentials::new(id, secret)
        .and_then(|c| c.with_security_token(token))
        .map_err(|e| refused(status, format!("the answer's {} {}", e.field(), e.reason())))?;
    let expiration = Timestamp::parse(&expiration).map_err(|_| {
        refused(
            status,
            "the answer's Expiration is not of the form YYYY-MM-DDThh:mm:ssZ",
        )
    })?;
    Ok(TemporaryCredentials::new(credentials, expiration))
}

/// Reads an STS answer (`AssumeRole`, `AssumeRoleWithOIDC`): the `Credentials` object of a
/// success, or the error the body reports ([`Error::Api`] with STS's code).
pub fn parse_sts_credentials(status: u16, body: &[u8]) -> Result<TemporaryCredentials, Error> {
    if !(200..300).contains(&status) {
        // Error bodies carry a code and a message, never credentials.
        return match envelope(status, body) {
            Err(e) => Err(e),
            Ok(_) => Err(refused(status, format!("HTTP {status}"))),
        };
    }
    let obj = object(status, body)?;
    match field(&obj, "credentials") {
        Some(Value::Object(c)) => fields(status, c),
        _ => Err(refused(status, "the answer has no Credentials object")),
    }
}

/// A metadata-style answer (`{Code, AccessKeyId, ...}` at the top level) from `who`: HTTP
/// 200, and `Code` is `Success` (or absent, unless `code_required`).
fn parse_served(
    status: u16,
    body: &[u8],
    who: &str,
    code_required: bool,
) -> Result<TemporaryCredentials, Error> {
    if status != 200 {
        let why = format!("{who} answered HTTP {status}: {}", text_excerpt(body));
        return Err(refused(status, why));
    }
    let obj = object(status, body)?;
    match string_field(&obj, "code") {
        Some(c) if c == "Success" => {}
        None if !code_required => {}
        Some(c) => {
            let why = format!("the answer's Code is {c:?}, not \"Success\"");
            return Err(refused(status, why));
        }
        None => return Err(refused(status, "the answer has no Code")),
    }
    fields(status, &obj)
}

/// Reads the ECS metadata service's answer for a RAM role
/// (`GET /latest/meta-data/ram/security-credentials/<role>`): `Code` must be `Success`.
///
/// ```
/// let body = br#"{"AccessKeyId":"STS.a","AccessKeySecret":"s","Expiration":"2026-11-23T09:00:00Z",
///     "SecurityToken":"CAISt","LastUpdated":"2026-11-23T03:00:00Z","Code":"Success"}"#;
/// assert!(bidcert_core::parse_ecs_credentials(200, body).is_ok());
/// assert!(bidcert_core::parse_ecs_credentials(404, b"Not Found").is_err());
/// ```
pub fn parse_ecs_credentials(status: u16, body: &[u8]) -> Result<TemporaryCredentials, Error> {
    parse_served(status, body, "the metadata service", true)
}

/// Reads a credentials URI's answer (`ALIBABA_CLOUD_CREDENTIALS_URI`):
/// `{Code, AccessKeyId, AccessKeySecret, SecurityToken, Expiration}`; a `Code` other than
/// `Success` is refused (the Alibaba Cloud CLI and credentials-python check it; credentials-go
/// accepts an answer without one, and so does this).
pub fn parse_credentials_uri(status: u16, body: &[u8]) -> Result<TemporaryCredentials, Error> {
    parse_served(status, body, "the credentials URI", false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const STS_OK: &[u8] = br#"{"RequestId":"r","AssumedRoleUser":{"Arn":"a","AssumedRoleId":"1:s"},
        "Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"topsecret","SecurityToken":"CAIStoken",
        "Expiration":"2026-11-23T09:00:00Z"}}"#;

    fn reason(e: Error) -> String {
        match e {
            Error::Parse(p) => {
                assert_eq!(p.excerpt(), "", "no byte of a credentials body is kept");
                p.reason().to_owned()
            }
            other => panic!("not a parse error: {other:?}"),
        }
    }

    #[test]
    fn sts_success_and_error_bodies() {
        let t = parse_sts_credentials(200, STS_OK).unwrap();
        assert_eq!(t.credentials().access_key_id(), "STS.id");
        assert!(!format!("{t:?}").contains("topsecret"));
        let e = parse_sts_credentials(
            403,
            br#"{"RequestId":"r","Code":"NoPermission","Message":"No permission"}"#,
        )
        .unwrap_err();
        assert_eq!(e.api_error().unwrap().code(), "NoPermission");
    }

    #[test]
    fn a_truncated_credentials_body_keeps_nothing_of_it() {
        let half = &STS_OK[..STS_OK.len() / 2 + 40];
        let why = reason(parse_sts_credentials(200, half).unwrap_err());
        assert_eq!(why, "truncated JSON");
        let e = parse_sts_credentials(200, half).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Parse);
        assert!(!format!("{e:?}{e}").contains("STS.id"));
    }

    #[test]
    fn missing_and_unusable_fields_name_the_field_only() {
        let body = br#"{"Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"s","Expiration":"2026-11-23T09:00:00Z"}}"#;
        assert_eq!(
            reason(parse_sts_credentials(200, body).unwrap_err()),
            "the answer has no SecurityToken"
        );
        let body = br#"{"Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"s ","SecurityToken":"t","Expiration":"2026-11-23T09:00:00Z"}}"#;
        let why = reason(parse_sts_credentials(200, body).unwrap_err());
        assert!(
            why.starts_with("the answer's AccessKeySecret must not"),
            "{why}"
        );
        let body = br#"{"Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"s","SecurityToken":"t","Expiration":"tomorrow"}}"#;
        assert!(reason(parse_sts_credentials(200, body).unwrap_err()).contains("Expiration"));
    }

    #[test]
    fn ecs_requires_success_and_reports_plain_text_errors() {
        let ok = br#"{"AccessKeyId":"STS.a","AccessKeySecret":"s","Expiration":"2026-11-23T09:00:00Z","SecurityToken":"t","LastUpdated":"2026-11-23T03:00:00Z","Code":"Success"}"#;
        assert!(parse_ecs_credentials(200, ok).is_ok());
        let failed = br#"{"AccessKeyId":"STS.a","AccessKeySecret":"s","Expiration":"2026-11-23T09:00:00Z","SecurityToken":"t","Code":"Failed"}"#;
        assert!(reason(parse_ecs_credentials(200, failed).unwrap_err()).contains("\"Failed\""));
        let why = reason(parse_ecs_credentials(404, b"Not Found: no such role\n").unwrap_err());
        assert_eq!(
            why,
            "the metadata service answered HTTP 404: Not Found: no such role"
        );
    }

    #[test]
    fn credentials_uri_accepts_no_code_but_refuses_another() {
        let no_code = br#"{"AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2026-11-23T09:00:00Z"}"#;
        assert!(parse_credentials_uri(200, no_code).is_ok());
        let other = br#"{"Code":"Failure","AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2026-11-23T09:00:00Z"}"#;
        assert!(parse_credentials_uri(200, other).is_err());
        assert!(reason(parse_credentials_uri(500, b"oops").unwrap_err()).contains("HTTP 500"));
    }
}

//! The server side of the signature: what the gateway checks before it runs an action.
//! V3 (its own request shape and checks) is in [`v3`].

use std::collections::{HashMap, VecDeque};
use std::fmt;

use base64::Engine as _;
use hmac::Mac;

use crate::clock::Timestamp;
use crate::ops::Method;
use crate::sign::{string_to_sign, SigningKey};

pub(crate) mod v3;

/// How far a request's timestamp may be from the server's clock, and how long nonces are kept.
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// Remembers nonces so a replayed request is refused.
pub trait NonceStore {
    /// Records `nonce` for `access_key_id` at `now`; `false` when it was seen within the window.
    fn insert_if_new(&mut self, access_key_id: &str, nonce: &str, now: Timestamp) -> bool;
}

/// A [`NonceStore`] in memory that forgets nonces older than [`WINDOW_SECONDS`].
#[derive(Debug, Default)]
pub struct MemoryNonceStore {
    seen: HashMap<(String, String), i64>,
    order: VecDeque<(i64, String, String)>,
}

impl MemoryNonceStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether no nonce is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Forgets every nonce.
    pub fn clear(&mut self) {
        self.seen.clear();
        self.order.clear();
    }
}

impl NonceStore for MemoryNonceStore {
    fn insert_if_new(&mut self, access_key_id: &str, nonce: &str, now: Timestamp) -> bool {
        let horizon = now.unix() - WINDOW_SECONDS;
        while let Some((at, _, _)) = self.order.front() {
            if *at >= horizon {
                break;
            }
            if let Some((_, id, n)) = self.order.pop_front() {
                let key = (id, n);
                if self.seen.get(&key).is_some_and(|t| *t < horizon) {
                    self.seen.remove(&key);
                }
            }
        }
        let key = (access_key_id.to_owned(), nonce.to_owned());
        match self.seen.get(&key) {
            Some(t) if *t >= horizon => false,
            _ => {
                self.seen.insert(key.clone(), now.unix());
                self.order.push_back((now.unix(), key.0, key.1));
                true
            }
        }
    }
}

/// Why the gateway refuses a request, with the code, status and message it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required common parameter is absent or empty.
    MissingParameter(&'static str),
    /// A parameter appears twice (query and body, or twice in one).
    DuplicateParameter(String),
    /// A parameter has an empty name (`=value` in a query); nothing can sign it.
    EmptyParameterName,
    /// `SignatureMethod` is not HMAC-SHA1.
    UnsupportedSignatureMethod(String),
    /// `SignatureVersion` is not 1.0.
    UnsupportedSignatureVersion(String),
    /// `Timestamp` is not `YYYY-MM-DDThh:mm:ssZ`.
    TimestampFormat(String),
    /// `Timestamp` is more than [`WINDOW_SECONDS`] from the server's clock.
    TimestampExpired {
        /// The request's time.
        timestamp: Timestamp,
        /// The server's time.
        now: Timestamp,
    },
    /// No such AccessKeyId.
    AccessKeyNotFound(String),
    /// The signature differs from the server's.
    SignatureMismatch {
        /// The string the server signed, as it reports it.
        server_string_to_sign: String,
    },
    /// The nonce was used within the window.
    NonceUsed(String),
    /// V3: `Authorization` cannot be read, or `SignedHeaders` leaves out a header that must be
    /// signed (or names one the request does not carry). Says which.
    IncompleteSignature(String),
    /// V3: the `Authorization` algorithm is not ACS3-HMAC-SHA256.
    UnsupportedAlgorithm(String),
    /// V3: a required header is absent or empty.
    MissingHeader(&'static str),
    /// V3: the signature differs from the server's.
    SignatureMismatchV3 {
        /// The server's string to sign (`ACS3-HMAC-SHA256\n` + hex SHA-256).
        server_string_to_sign: String,
        /// The canonical request the server rebuilt from what it received.
        server_canonical_request: String,
    },
}

impl VerifyError {
    /// The error code the gateway answers.
    pub fn code(&self) -> String {
        match self {
            VerifyError::MissingParameter(name) => format!("Missing{name}"),
            VerifyError::DuplicateParameter(_) | VerifyError::EmptyParameterName => {
                "InvalidParameter".into()
            }
            VerifyError::UnsupportedSignatureMethod(_) => "InvalidSignatureMethod".into(),
            VerifyError::UnsupportedSignatureVersion(_) => "InvalidSignatureVersion".into(),
            VerifyError::TimestampFormat(_) => "InvalidTimeStamp.Format".into(),
            VerifyError::TimestampExpired { .. } => "InvalidTimeStamp.Expired".into(),
            VerifyError::AccessKeyNotFound(_) => "InvalidAccessKeyId.NotFound".into(),
            VerifyError::SignatureMismatch { .. } => "SignatureDoesNotMatch".into(),
            VerifyError::NonceUsed(_) => "SignatureNonceUsed".into(),
            VerifyError::IncompleteSignature(_) => "IncompleteSignature".into(),
            VerifyError::UnsupportedAlgorithm(_) => "InvalidAuthorization".into(),
            VerifyError::MissingHeader(_) => "MissingParameter".into(),
            VerifyError::SignatureMismatchV3 { .. } => "SignatureDoesNotMatch".into(),
        }
    }

    /// The HTTP status the gateway answers.
    pub fn http_status(&self) -> u16 {
        match self {
            VerifyError::AccessKeyNotFound(_) => 404,
            _ => 400,
        }
    }

    /// The message the gateway answers (the API documents' wording where they give one).
    pub fn message(&self) -> String {
        match self {
            VerifyError::MissingParameter(name) => format!(
                "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
            ),
            VerifyError::DuplicateParameter(name) => {
                format!("The parameter \"{name}\" is given more than once.")
            }
            VerifyError::EmptyParameterName => "A parameter has an empty name.".into(),
            VerifyError::UnsupportedSignatureMethod(m) => {
                format!("Specified signature method \"{m}\" is not supported; use HMAC-SHA1.")
            }
            VerifyError::UnsupportedSignatureVersion(v) => {
                format!("Specified signature version \"{v}\" is not supported; use 1.0.")
            }
            VerifyError::TimestampFormat(_) => {
                "Specified time stamp or date value is not well formatted.".into()
            }
            VerifyError::TimestampExpired { .. } => {
                "Specified time stamp or date value is expired.".into()
            }
            VerifyError::AccessKeyNotFound(_) => "InvalidAccessKeyId.NotFound".into(),
            VerifyError::SignatureMismatch {
                server_string_to_sign,
            } => format!(
                "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}"
            ),
            VerifyError::NonceUsed(_) => "SignatureNonceUsed".into(),
            VerifyError::IncompleteSignature(why) => {
                format!("The request signature does not conform to Aliyun standards. {why}")
            }
            VerifyError::UnsupportedAlgorithm(a) => format!(
                "Specified signature algorithm \"{a}\" is not supported; use {}.",
                crate::v3::ALGORITHM
            ),
            VerifyError::MissingHeader(name) => format!(
                "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
            ),
            VerifyError::SignatureMismatchV3 {
                server_string_to_sign,
                server_canonical_request,
            } => format!(
                "Specified signature does not match our calculation. {}{server_string_to_sign}] {}{server_canonical_request}]",
                crate::v3::SERVER_STRING_TO_SIGN_MARKER,
                crate::v3::SERVER_CANONICAL_REQUEST_MARKER,
            ),
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for VerifyError {}

/// A request that passed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<'a> {
    /// The caller's AccessKeyId.
    pub access_key_id: &'a str,
    /// The `Action`, if given.
    pub action: Option<&'a str>,
    /// The `Version`, if given.
    pub version: Option<&'a str>,
    /// When the caller signed it.
    pub timestamp: Timestamp,
    /// The nonce, now remembered.
    pub nonce: &'a str,
}

fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn required<'a>(
    params: &'a [(String, String)],
    name: &'static str,
) -> Result<&'a str, VerifyError> {
    get(params, name)
        .filter(|v| !v.is_empty())
        .ok_or(VerifyError::MissingParameter(name))
}

/// Verifies a request as the gateway does, from its decoded parameters (query and form body
/// together, `Signature` included).
///
/// In order: required common parameters, signature method and version, timestamp format and
/// window, AccessKeyId (`secret_of` returns its secret), signature (compared in constant
/// time), then the nonce, which is remembered only once the signature holds.
pub fn verify<'a>(
    method: Method,
    params: &'a [(String, String)],
    secret_of: impl FnOnce(&str) -> Option<String>,
    now: Timestamp,
    nonces: &mut dyn NonceStore,
) -> Result<Verified<'a>, VerifyError> {
    let mut names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(VerifyError::DuplicateParameter(w[0].to_owned()));
    }
    if names.first() == Some(&"") {
        return Err(VerifyError::EmptyParameterName);
    }
    let access_key_id = required(params, "AccessKeyId")?;
    let signature = required(params, "Signature")?;
    let sig_method = required(params, "SignatureMethod")?;
    let sig_version = required(params, "SignatureVersion")?;
    let nonce = required(params, "SignatureNonce")?;
    let ts = required(params, "Timestamp")?;
    if !sig_method.eq_ignore_ascii_case("HMAC-SHA1") {
        return Err(VerifyError::UnsupportedSignatureMethod(
            sig_method.to_owned(),
        ));
    }
    if sig_version != "1.0" {
        return Err(VerifyError::UnsupportedSignatureVersion(
            sig_version.to_owned(),
        ));
    }
    let timestamp =
        Timestamp::parse(ts).map_err(|_| VerifyError::TimestampFormat(ts.to_owned()))?;
    if (timestamp.unix() - now.unix()).abs() > WINDOW_SECONDS {
        return Err(VerifyError::TimestampExpired { timestamp, now });
    }
    let secret = secret_of(access_key_id)
        .ok_or_else(|| VerifyError::AccessKeyNotFound(access_key_id.to_owned()))?;
    let secret = zeroize::Zeroizing::new(secret);
    // Names were checked unique and non-empty above, so this cannot fail.
    let sts = string_to_sign(method, params)
        .map_err(|e| VerifyError::DuplicateParameter(e.field().to_owned()))?;
    let given = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .unwrap_or_default();
    if SigningKey::new(&secret)
        .mac(&sts)
        .verify_slice(&given)
        .is_err()
    {
        return Err(VerifyError::SignatureMismatch {
            server_string_to_sign: sts,
        });
    }
    if !nonces.insert_if_new(access_key_id, nonce, now) {
        return Err(VerifyError::NonceUsed(nonce.to_owned()));
    }
    Ok(Verified {
        access_key_id,
        action: get(params, "Action"),
        version: get(params, "Version"),
        timestamp,
        nonce,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    // Found by the verify fuzz target: an empty name was refused as a duplicate named
    // "parameter name".
    #[test]
    fn an_empty_parameter_name_is_refused_as_such() {
        let params: Vec<(String, String)> = [
            ("AccessKeyId", "id"),
            ("Signature", "sig"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", "n"),
            ("Timestamp", "2026-11-23T08:00:00Z"),
            ("", "x"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let now = t("2026-11-23T08:00:00Z");
        let e = verify(
            Method::Post,
            &params,
            |_| Some("s".into()),
            now,
            &mut MemoryNonceStore::new(),
        )
        .unwrap_err();
        assert_eq!(e, VerifyError::EmptyParameterName);
        assert_eq!(
            (e.code().as_str(), e.http_status()),
            ("InvalidParameter", 400)
        );
    }

    #[test]
    fn memory_store_forgets_after_the_window() {
        let mut s = MemoryNonceStore::new();
        let t0 = t("2026-11-23T08:00:00Z");
        assert!(s.insert_if_new("id", "n", t0));
        assert!(!s.insert_if_new("id", "n", t0.plus_seconds(WINDOW_SECONDS).unwrap()));
        assert!(s.insert_if_new("other", "n", t0));
        assert!(s.insert_if_new("id", "n", t0.plus_seconds(WINDOW_SECONDS + 1).unwrap()));
        assert_eq!(s.len(), 1, "both nonces of t0 are forgotten");
    }
}

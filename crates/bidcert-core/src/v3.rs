//! Signature V3, ACS3-HMAC-SHA256: canonical request, string to sign, HMAC-SHA256 and the
//! `Authorization` header. Opt-in ([`Signer::sign_v3`]); v1.0 stays the default.
//!
//! Every stage is a value a test or a user debugging a mismatch can print:
//! [`canonical_request`] → [`string_to_sign`] → [`signature`] → [`authorization`].
//!
//! ```
//! use bidcert_core::{v3, Method};
//! let cr = v3::canonical_request(
//!     Method::Post,
//!     "/",
//!     &[("RegionId", "cn-shanghai")],
//!     &[("Host", "ecs.cn-shanghai.aliyuncs.com"), ("x-acs-action", "DescribeRegions")],
//!     v3::EMPTY_PAYLOAD_SHA256,
//! )?;
//! assert_eq!(cr.signed_headers(), "host;x-acs-action");
//! assert!(cr.as_str().starts_with("POST\n/\nRegionId=cn-shanghai\nhost:ecs.cn-shanghai.aliyuncs.com\n"));
//! let sts = v3::string_to_sign(cr.as_str());
//! assert!(sts.starts_with("ACS3-HMAC-SHA256\n"));
//! let auth = v3::authorization(&cr, "LTAI5tExample", "secret");
//! assert!(auth.starts_with("ACS3-HMAC-SHA256 Credential=LTAI5tExample,SignedHeaders=host;x-acs-action,Signature="));
//! # Ok::<(), bidcert_core::ValidationError>(())
//! ```

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::clock::{Nonce, Timestamp};
use crate::encode::encode_into;
use crate::error::ValidationError;
use crate::ops::{Method, Operation};
use crate::sign::{SignedRequest, Signer};

pub use crate::diagnose::v3::diagnose_signature_mismatch;

/// The algorithm name: the first line of the string to sign and the first word of
/// `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The hex SHA-256 of an empty body: the payload hash (and `x-acs-content-sha256`) of every
/// RPC request bidcert signs, whose parameters are all in the query.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// What precedes the server's string to sign in a V3 `SignatureDoesNotMatch` message.
pub const SERVER_STRING_TO_SIGN_MARKER: &str = "server StringToSign is [";

/// What precedes the server's canonical request in a V3 `SignatureDoesNotMatch` message,
/// when the gateway quotes it.
pub const SERVER_CANONICAL_REQUEST_MARKER: &str = "server CanonicalRequest is [";

/// The security token header: signed, sent, never printed.
pub(crate) const SECURITY_TOKEN_HEADER: &str = "x-acs-security-token";

/// A canonical request: `METHOD\nURI\nQUERY\n` + one `name:value\n` per signed header + `\n`
/// + signed header names joined with `;` + `\n` + the payload hash.
///
/// Its text is [`as_str`](Self::as_str); `Debug` hides the security token's value.
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
    query: Range<usize>,
    signed_headers: Range<usize>,
}

impl CanonicalRequest {
    /// The canonical request, as hashed into the string to sign.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The canonical query string (its third line): names and values percent-encoded, sorted
    /// by name in byte order, joined with `&`.
    pub fn canonical_query(&self) -> &str {
        &self.text[self.query.clone()]
    }

    /// The signed header names, lower case, sorted, joined with `;` (its second-to-last
    /// line, and `SignedHeaders` in `Authorization`).
    pub fn signed_headers(&self) -> &str {
        &self.text[self.signed_headers.clone()]
    }

    /// The string to sign: `ACS3-HMAC-SHA256\n` + hex SHA-256 of this request.
    pub fn string_to_sign(&self) -> String {
        string_to_sign(&self.text)
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.text
    }

    /// Finds the query and signed-headers lines of a canonical request's text.
    fn layout(text: String) -> Result<Self, ValidationError> {
        let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
        let n = newlines.len();
        // Method, URI, query, the headers, an empty line, signed headers, payload hash.
        if n < 5 || newlines[n - 3] + 1 != newlines[n - 2] {
            return Err(ValidationError::new(
                "canonical_request",
                "is not METHOD, URI, query, headers, an empty line, signed headers and payload \
                 hash, one per line",
            ));
        }
        Ok(CanonicalRequest {
            query: newlines[1] + 1..newlines[2],
            signed_headers: newlines[n - 2] + 1..newlines[n - 1],
            text,
        })
    }
}

impl FromStr for CanonicalRequest {
    type Err = ValidationError;
    /// Reads a canonical request's text (one computed elsewhere, or quoted by a server),
    /// checking only its line structure.
    fn from_str(s: &str) -> Result<Self, ValidationError> {
        CanonicalRequest::layout(s.to_owned())
    }
}

impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<&str> = self
            .text
            .split('\n')
            .map(|line| match line.split_once(':') {
                Some((SECURITY_TOKEN_HEADER, _)) => "x-acs-security-token:<redacted>",
                _ => line,
            })
            .collect();
        f.debug_tuple("CanonicalRequest")
            .field(&shown.join("\n"))
            .finish()
    }
}

/// Whether a (lower-case) header is signed: `host`, `content-type` and every `x-acs-*`, as
/// the V3 documentation lists them. Others (`Accept`, `User-Agent`, ...) are sent unsigned.
fn is_signed(name: &str) -> bool {
    name == "host" || name == "content-type" || name.starts_with("x-acs-")
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

pub(crate) fn check_header(name: &str, value: &str) -> Result<(), ValidationError> {
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(ValidationError::new(
            "header name",
            format!("{name:?} is not an HTTP header name"),
        ));
    }
    // A line break would forge a line of the canonical request (and split the HTTP header).
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(ValidationError::new(
            name,
            "header value contains a control character",
        ));
    }
    Ok(())
}

/// The canonical request of a request's parts.
///
/// - `canonical_uri`: the encoded path, `/` for every RPC call.
/// - `query`: (name, value) pairs in any order; each name and value is percent-encoded with
///   the same RFC 3986 set as v1.0 (only `A-Z a-z 0-9 - _ . ~` stay), sorted by name in byte
///   order; an empty value gives `name=`. Empty and repeated names are rejected.
/// - `headers`: the request's headers in the caller's spelling and order. `host`,
///   `content-type` and every `x-acs-*` are signed; others are left out. Names are lower-cased;
///   values lose leading and trailing spaces and tabs; headers whose names differ only in case
///   are one header whose values are sorted (byte order) and joined with `,`.
/// - `hashed_payload`: the lower-case hex SHA-256 of the body ([`EMPTY_PAYLOAD_SHA256`] for
///   none).
///
/// ```
/// use bidcert_core::{v3, Method};
/// let cr = v3::canonical_request(
///     Method::Get, "/", &[("b", "2 3"), ("a", "")],
///     &[("X-Acs-Tag", " y "), ("x-acs-tag", "x"), ("Accept", "application/json")],
///     v3::EMPTY_PAYLOAD_SHA256,
/// ).unwrap();
/// assert_eq!(cr.as_str(), format!("GET\n/\na=&b=2%203\nx-acs-tag:x,y\n\nx-acs-tag\n{}", v3::EMPTY_PAYLOAD_SHA256));
/// ```
pub fn canonical_request<QK, QV, HK, HV>(
    method: Method,
    canonical_uri: &str,
    query: &[(QK, QV)],
    headers: &[(HK, HV)],
    hashed_payload: &str,
) -> Result<CanonicalRequest, ValidationError>
where
    QK: AsRef<str>,
    QV: AsRef<str>,
    HK: AsRef<str>,
    HV: AsRef<str>,
{
    let mut signed: Vec<(String, &str)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let (name, value) = (name.as_ref(), value.as_ref());
        check_header(name, value)?;
        let name = name.to_ascii_lowercase();
        if is_signed(&name) {
            signed.push((name, value));
        }
    }
    build(method, canonical_uri, query, signed, hashed_payload)
}

/// The canonical request of `signed` headers (lower-case names, values as given), whichever
/// rule chose them: [`canonical_request`]'s for a signer, `SignedHeaders` for a verifier.
pub(crate) fn build<QK, QV>(
    method: Method,
    canonical_uri: &str,
    query: &[(QK, QV)],
    mut signed: Vec<(String, &str)>,
    hashed_payload: &str,
) -> Result<CanonicalRequest, ValidationError>
where
    QK: AsRef<str>,
    QV: AsRef<str>,
{
    if !canonical_uri.starts_with('/') || canonical_uri.contains(['\n', '\r']) {
        return Err(ValidationError::new(
            "canonical_uri",
            format!("{canonical_uri:?} is not a path starting with /"),
        ));
    }
    if hashed_payload.len() != 64
        || !hashed_payload
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(ValidationError::new(
            "hashed_payload",
            "must be the lower-case hex SHA-256 of the body (64 digits)",
        ));
    }

    let mut query: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    query.sort_unstable_by(|a, b| a.0.cmp(b.0));
    if query.first().is_some_and(|p| p.0.is_empty()) {
        return Err(ValidationError::new("parameter name", "must not be empty"));
    }
    if let Some(w) = query.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(ValidationError::new(
            w[0].0,
            "is given twice; each parameter may appear once",
        ));
    }

    for (_, value) in &mut signed {
        *value = value.trim_matches([' ', '\t']);
    }
    // By name, then by value: the values of one header end up in byte order.
    signed.sort_unstable();

    let raw: usize = query
        .iter()
        .map(|(k, v)| k.len() + v.len() + 2)
        .sum::<usize>()
        + signed
            .iter()
            .map(|(k, v)| 2 * k.len() + v.len() + 3)
            .sum::<usize>();
    let mut text = String::with_capacity(raw * 3 / 2 + canonical_uri.len() + 80);
    text.push_str(method.as_str());
    text.push('\n');
    text.push_str(canonical_uri);
    text.push('\n');
    for (i, (k, v)) in query.iter().enumerate() {
        if i > 0 {
            text.push('&');
        }
        encode_into(k, &mut text);
        text.push('=');
        encode_into(v, &mut text);
    }
    text.push('\n');
    for group in signed.chunk_by(|a, b| a.0 == b.0) {
        text.push_str(&group[0].0);
        text.push(':');
        for (i, (_, v)) in group.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(v);
        }
        text.push('\n');
    }
    text.push('\n');
    for (i, group) in signed.chunk_by(|a, b| a.0 == b.0).enumerate() {
        if i > 0 {
            text.push(';');
        }
        text.push_str(&group[0].0);
    }
    text.push('\n');
    text.push_str(hashed_payload);
    CanonicalRequest::layout(text)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// The string to sign: `ACS3-HMAC-SHA256\n` + the lower-case hex SHA-256 of the canonical
/// request (its UTF-8 bytes).
///
/// ```
/// let sts = bidcert_core::v3::string_to_sign("");
/// assert_eq!(sts, format!("ACS3-HMAC-SHA256\n{}", bidcert_core::v3::EMPTY_PAYLOAD_SHA256));
/// ```
pub fn string_to_sign(canonical_request: &str) -> String {
    let digest = Sha256::digest(canonical_request.as_bytes());
    let mut out = String::with_capacity(ALGORITHM.len() + 1 + 64);
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(&hex(&digest));
    out
}

/// The signature: lower-case hex HMAC-SHA256 of the string to sign, keyed with the plain
/// AccessKey secret (no `&`, unlike v1.0).
pub fn signature(string_to_sign: &str, access_key_secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn authorization_header(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}")
}

/// The `Authorization` header value:
/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<hex>`.
pub fn authorization(
    canonical_request: &CanonicalRequest,
    access_key_id: &str,
    access_key_secret: &str,
) -> String {
    let sts = canonical_request.string_to_sign();
    authorization_header(
        access_key_id,
        canonical_request.signed_headers(),
        &signature(&sts, access_key_secret),
    )
}

impl Signer {
    /// Signs `op` with V3 for sending at `timestamp` with `nonce` (a new nonce every attempt).
    ///
    /// The operation's own parameters go in the query (not the v1.0 common ones); `Action`,
    /// `Version`, the time, the nonce and an STS token go in `x-acs-*` headers. The body is
    /// empty. [`SignedRequest::headers`] lists `Accept`, every signed header (`host` included,
    /// the endpoint's authority) and `Authorization`.
    ///
    /// Fails only when the operation's parameters repeat a name.
    ///
    /// ```
    /// use bidcert_core::{BidType, Credentials, Nonce, QueryCertifiedInfo, Signer, Timestamp};
    /// let signer = Signer::new(Credentials::new("LTAI5tExample", "secret").unwrap());
    /// let op = QueryCertifiedInfo::new("1234567890123456", BidType::Normal).unwrap();
    /// let t = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
    /// let req = signer.sign_v3(&op, t, &Nonce::new("n-1").unwrap()).unwrap();
    /// assert_eq!(req.url(), "https://crm-cn-hangzhou.aliyuncs.com/?BidType=NORMAL&PK=1234567890123456");
    /// assert!(req.canonical_request().unwrap().contains("\nx-acs-action:QueryBidUserCertifiedInfo\n"));
    /// assert!(req.string_to_sign().starts_with("ACS3-HMAC-SHA256\n"));
    /// assert!(req.headers().any(|(k, v)| k == "Authorization" && v.contains(",Signature=")));
    /// ```
    pub fn sign_v3<O: Operation + ?Sized>(
        &self,
        op: &O,
        timestamp: Timestamp,
        nonce: &Nonce,
    ) -> Result<SignedRequest, ValidationError> {
        let mut params = Vec::with_capacity(8);
        op.business_params(&mut params);
        let query: Vec<(&str, &str)> = params.iter().map(|p| (p.name, p.value)).collect();
        let endpoint = self.endpoint_for(op);
        let credentials = self.credentials();
        let mut headers = vec![
            ("host", endpoint.authority()),
            ("x-acs-action", op.action()),
            ("x-acs-content-sha256", EMPTY_PAYLOAD_SHA256),
            ("x-acs-date", timestamp.as_str()),
            ("x-acs-signature-nonce", nonce.as_str()),
            ("x-acs-version", op.version()),
        ];
        if let Some(token) = credentials.security_token() {
            headers.push((SECURITY_TOKEN_HEADER, token));
        }
        let method = op.method();
        let cr = canonical_request(method, "/", &query, &headers, EMPTY_PAYLOAD_SHA256)?;
        let sts = cr.string_to_sign();
        let auth = authorization_header(
            credentials.access_key_id(),
            cr.signed_headers(),
            &signature(&sts, credentials.access_key_secret()),
        );

        let query = cr.canonical_query();
        let mut url = String::with_capacity(endpoint.as_str().len() + 2 + query.len());
        url.push_str(endpoint.as_str());
        url.push('/');
        if !query.is_empty() {
            url.push('?');
        }
        let query_start = url.len();
        url.push_str(query);
        let query_end = url.len();

        let mut send: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        send.push(("Authorization".to_owned(), auth));
        Ok(SignedRequest::signed_v3(
            method,
            url,
            query_start..query_end,
            sts,
            timestamp,
            cr.into_string(),
            send,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::tests::{decode_query, fixed};
    use crate::{BidType, Credentials, GenerateCertWaysUrl, Platform, QueryCertifiedInfo};

    const EMPTY: &str = EMPTY_PAYLOAD_SHA256;

    #[test]
    fn empty_payload_constant_is_the_sha256_of_nothing() {
        assert_eq!(hex(&Sha256::digest(b"")), EMPTY);
    }

    #[test]
    fn query_encoding_is_the_one_rfc3986_set() {
        let cr = canonical_request(
            Method::Post,
            "/",
            &[("v", "a b*c~/é+")],
            &[] as &[(&str, &str)],
            EMPTY,
        )
        .unwrap();
        assert_eq!(
            cr.canonical_query(),
            format!("v={}", crate::percent_encode("a b*c~/é+"))
        );
        assert_eq!(cr.canonical_query(), "v=a%20b%2Ac~%2F%C3%A9%2B");
    }

    #[test]
    fn headers_are_filtered_lowered_trimmed_and_merged() {
        let cr = canonical_request(
            Method::Post,
            "/",
            &[] as &[(&str, &str)],
            &[
                ("X-Acs-B", "\t 2 "),
                ("Accept", "application/json"),
                ("x-acs-b", "1"),
                ("Content-Type", "text/plain"),
                ("User-Agent", "x"),
                ("HOST", "h"),
            ],
            EMPTY,
        )
        .unwrap();
        assert_eq!(
            cr.as_str(),
            format!("POST\n/\n\ncontent-type:text/plain\nhost:h\nx-acs-b:1,2\n\ncontent-type;host;x-acs-b\n{EMPTY}")
        );
        assert_eq!(cr.signed_headers(), "content-type;host;x-acs-b");
    }

    #[test]
    fn bad_inputs_are_rejected_with_the_field_named() {
        let none: &[(&str, &str)] = &[];
        let e = |r: Result<CanonicalRequest, ValidationError>| r.unwrap_err().field().to_owned();
        assert_eq!(
            e(canonical_request(Method::Get, "x", none, none, EMPTY)),
            "canonical_uri"
        );
        assert_eq!(
            e(canonical_request(Method::Get, "/", none, none, "E3B0")),
            "hashed_payload"
        );
        assert_eq!(
            e(canonical_request(
                Method::Get,
                "/",
                &[("a", "1"), ("a", "2")],
                none,
                EMPTY
            )),
            "a"
        );
        assert_eq!(
            e(canonical_request(
                Method::Get,
                "/",
                &[("", "1")],
                none,
                EMPTY
            )),
            "parameter name"
        );
        assert_eq!(
            e(canonical_request(
                Method::Get,
                "/",
                none,
                &[("x-acs-a", "1\n2")],
                EMPTY
            )),
            "x-acs-a"
        );
        assert_eq!(
            e(canonical_request(
                Method::Get,
                "/",
                none,
                &[("bad name", "1")],
                EMPTY
            )),
            "header name"
        );
    }

    #[test]
    fn text_round_trips_through_from_str() {
        let cr = canonical_request(
            Method::Get,
            "/",
            &[("a", "1")],
            &[("host", "h"), ("x-acs-action", "X")],
            EMPTY,
        )
        .unwrap();
        let parsed: CanonicalRequest = cr.as_str().parse().unwrap();
        assert_eq!(parsed, cr);
        assert!("GET\n/\n\nsigned\nhash"
            .parse::<CanonicalRequest>()
            .is_err());
    }

    #[test]
    fn sign_v3_runs_the_pure_stages() {
        let (t, n) = fixed();
        let creds = Credentials::new("LTAI5tExample", "secret")
            .unwrap()
            .with_security_token("tok/en+=")
            .unwrap();
        let signer = Signer::new(creds);
        let op = GenerateCertWaysUrl::new("1039740447764893", BidType::Lightweight)
            .unwrap()
            .with_platform(Platform::H5);
        let req = signer.sign_v3(&op, t, &n).unwrap();
        let headers: Vec<(&str, &str)> = req.headers().collect();
        assert_eq!(headers[0], ("Accept", "application/json"));
        let signed: Vec<(&str, &str)> = headers
            .iter()
            .copied()
            .filter(|(k, _)| *k != "Accept" && *k != "Authorization")
            .collect();
        let query = decode_query(req.canonicalized_query());
        assert!(query
            .iter()
            .all(|(k, _)| !crate::COMMON_PARAMS.contains(&k.as_str())));
        let cr = canonical_request(Method::Post, "/", &query, &signed, EMPTY).unwrap();
        assert_eq!(req.canonical_request(), Some(cr.as_str()));
        assert_eq!(req.string_to_sign(), string_to_sign(cr.as_str()));
        let auth = authorization(&cr, "LTAI5tExample", "secret");
        assert!(headers.contains(&("Authorization", auth.as_str())));
        assert_eq!(req.signature(), auth.rsplit_once("Signature=").unwrap().1);
        assert!(signed.contains(&("x-acs-security-token", "tok/en+=")));
        assert!(signed.contains(&("host", "aas.aliyuncs.com")));
        assert_eq!(req.signature_version(), crate::SignatureVersion::V3);
        assert!(req
            .url()
            .starts_with("https://aas.aliyuncs.com/?AliyunPk=1039740447764893&"));
        assert_eq!(req.body(), b"");
    }

    #[test]
    fn debug_hides_the_security_token_and_the_signature() {
        let (t, n) = fixed();
        let creds = Credentials::new("id", "secret")
            .unwrap()
            .with_security_token("tokenvalue")
            .unwrap();
        let op = QueryCertifiedInfo::new("1", BidType::Normal).unwrap();
        let req = Signer::new(creds).sign_v3(&op, t, &n).unwrap();
        let cr: CanonicalRequest = req.canonical_request().unwrap().parse().unwrap();
        for shown in [format!("{req:?}"), format!("{cr:?}")] {
            assert!(!shown.contains("tokenvalue"), "{shown}");
            assert!(!shown.contains(&req.signature()), "{shown}");
        }
    }

    #[test]
    fn v1_requests_carry_no_v3_parts() {
        let (t, n) = fixed();
        let op = QueryCertifiedInfo::new("1", BidType::Normal).unwrap();
        let req = Signer::new(Credentials::new("id", "s").unwrap())
            .sign(&op, t, &n)
            .unwrap();
        assert_eq!(req.canonical_request(), None);
        assert_eq!(req.signature_version(), crate::SignatureVersion::V1);
        assert_eq!(
            req.headers().collect::<Vec<_>>(),
            [("Accept", "application/json")]
        );
    }
}

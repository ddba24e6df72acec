//! The server side of signature V3: rebuilding the canonical request from what arrived, as the
//! gateway does before it runs an action.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{NonceStore, Verified, VerifyError, WINDOW_SECONDS};
use crate::clock::Timestamp;
use crate::ops::Method;
use crate::v3::{self, ALGORITHM};

/// The headers every V3 request carries, each signed (every other `x-acs-*` one it carries
/// must be signed too).
pub const V3_REQUIRED_HEADERS: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// A request as the server received it, for [`verify_v3`].
///
/// `Debug` shows the method, the path and the header names only (values hold the security
/// token).
#[derive(Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The method it came with.
    pub method: Method,
    /// The path as received (still percent-encoded): the canonical URI, `/` for RPC.
    pub path: &'a str,
    /// The URL's query parameters, decoded (a form body's are not among them: V3 signs the
    /// body through its hash).
    pub query: &'a [(String, String)],
    /// Every header as received, names in any case.
    pub headers: &'a [(String, String)],
    /// The body's bytes (empty for none).
    pub body: &'a [u8],
}

impl fmt::Debug for ReceivedRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("ReceivedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query_parameters", &self.query.len())
            .field("header_names", &names)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl<'a> ReceivedRequest<'a> {
    /// The value of header `name` (any case); a header given several times: its first value.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the request claims signature V3: its `Authorization` names an `ACS3-`
    /// algorithm (which [`verify_v3`] then checks).
    pub fn is_v3(&self) -> bool {
        self.header("authorization").is_some_and(|a| {
            a.trim_start()
                .get(..5)
                .is_some_and(|p| p.eq_ignore_ascii_case("ACS3-"))
        })
    }
}

/// The parts of `Authorization: ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`.
struct Authorization<'a> {
    algorithm: &'a str,
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization<'a>(value: &'a str) -> Result<Authorization<'a>, VerifyError> {
    let incomplete = |why: &str| VerifyError::IncompleteSignature(why.to_owned());
    let (algorithm, rest) = value
        .trim()
        .split_once(char::is_whitespace)
        .ok_or_else(|| {
            incomplete("Authorization has no Credential, SignedHeaders and Signature.")
        })?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| incomplete("Authorization is not Name=value pairs joined with ','."))?;
        let slot = match k.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => continue,
        };
        if slot.replace(v.trim()).is_some() {
            return Err(incomplete(&format!("Authorization gives {k} twice.")));
        }
    }
    let present = |v: Option<&'a str>, name: &str| {
        v.filter(|v| !v.is_empty())
            .ok_or_else(|| incomplete(&format!("Authorization has no {name}.")))
    };
    let credential = present(credential, "Credential")?;
    let signed_headers = present(signed_headers, "SignedHeaders")?;
    let signature = present(signature, "Signature")?;
    Ok(Authorization {
        algorithm,
        credential,
        signed_headers,
        signature,
    })
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16);
    s.as_bytes()
        .chunks(2)
        .map(|pair| Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8))
        .collect()
}

/// Verifies a V3 (ACS3-HMAC-SHA256) request as the gateway does, from what it received.
///
/// In order: `Authorization` readable (`IncompleteSignature`) and its algorithm
/// ACS3-HMAC-SHA256 (`InvalidAuthorization`); the [`V3_REQUIRED_HEADERS`] present
/// (`MissingParameter`); every required header and every `x-acs-*` header the request carries
/// named in `SignedHeaders`, and every name there carried (`IncompleteSignature`);
/// `x-acs-date` well formed and within [`WINDOW_SECONDS`] of `now`; the `Credential` key known
/// (`secret_of` returns its secret); the signature (compared in constant time) over the
/// canonical request rebuilt from the method, path, decoded query, the signed headers and the
/// SHA-256 of the body as it arrived (so a body that does not match `x-acs-content-sha256` is a
/// mismatch whose canonical request shows both); then `x-acs-signature-nonce`, remembered in
/// `nonces` only once the signature holds.
///
/// ```
/// use bidcert_core::{v3, verify_v3, MemoryNonceStore, Method, ReceivedRequest, Timestamp};
/// let now = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
/// let headers: Vec<(String, String)> = [
///     ("Host", "127.0.0.1"), ("x-acs-action", "QueryBidUserCertifiedInfo"),
///     ("x-acs-version", "2015-04-08"), ("x-acs-date", now.as_str()),
///     ("x-acs-signature-nonce", "n-1"), ("x-acs-content-sha256", v3::EMPTY_PAYLOAD_SHA256),
/// ].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
/// let query = vec![("PK".to_string(), "1".to_string())];
/// let cr = v3::canonical_request(Method::Post, "/", &query, &headers, v3::EMPTY_PAYLOAD_SHA256).unwrap();
/// let mut headers = headers;
/// headers.push(("Authorization".into(), v3::authorization(&cr, "id", "secret")));
/// let received = ReceivedRequest { method: Method::Post, path: "/", query: &query, headers: &headers, body: b"" };
/// let mut nonces = MemoryNonceStore::new();
/// let ok = verify_v3(&received, |id| (id == "id").then(|| "secret".to_string()), now, &mut nonces).unwrap();
/// assert_eq!(ok.action, Some("QueryBidUserCertifiedInfo"));
/// let again = verify_v3(&received, |_| Some("secret".to_string()), now, &mut nonces);
/// assert_eq!(again.unwrap_err().code(), "SignatureNonceUsed");
/// ```
pub fn verify_v3<'a>(
    request: &ReceivedRequest<'a>,
    secret_of: impl FnOnce(&str) -> Option<String>,
    now: Timestamp,
    nonces: &mut dyn NonceStore,
) -> Result<Verified<'a>, VerifyError> {
    let authorization = request
        .header("authorization")
        .ok_or_else(|| VerifyError::IncompleteSignature("Authorization is missing.".into()))?;
    let auth = parse_authorization(authorization)?;
    if auth.algorithm != ALGORITHM {
        return Err(VerifyError::UnsupportedAlgorithm(auth.algorithm.to_owned()));
    }
    let mut values = [""; V3_REQUIRED_HEADERS.len()];
    for (slot, name) in values.iter_mut().zip(V3_REQUIRED_HEADERS) {
        *slot = request
            .header(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or(VerifyError::MissingHeader(name))?;
    }
    let [_, action, _, date, nonce, version] = values;

    let named: Vec<String> = auth
        .signed_headers
        .split(';')
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    let is_named = |name: &str| named.iter().any(|n| n == name);
    if let Some(name) = V3_REQUIRED_HEADERS.iter().find(|n| !is_named(n)) {
        return Err(VerifyError::IncompleteSignature(format!(
            "SignedHeaders does not name {name}."
        )));
    }
    let carried = |name: &str| {
        request
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    if let Some(name) = named.iter().find(|n| n.is_empty() || !carried(n)) {
        return Err(VerifyError::IncompleteSignature(format!(
            "SignedHeaders names {name:?}, which the request does not carry."
        )));
    }
    if let Some((name, _)) = request.headers.iter().find(|(k, _)| {
        let k = k.to_ascii_lowercase();
        k.starts_with("x-acs-") && !is_named(&k)
    }) {
        return Err(VerifyError::IncompleteSignature(format!(
            "SignedHeaders does not name {}, which the request carries.",
            name.to_ascii_lowercase()
        )));
    }

    let timestamp =
        Timestamp::parse(date).map_err(|_| VerifyError::TimestampFormat(date.to_owned()))?;
    if (timestamp.unix() - now.unix()).abs() > WINDOW_SECONDS {
        return Err(VerifyError::TimestampExpired { timestamp, now });
    }
    let access_key_id = auth.credential;
    let secret = secret_of(access_key_id)
        .ok_or_else(|| VerifyError::AccessKeyNotFound(access_key_id.to_owned()))?;
    let secret = zeroize::Zeroizing::new(secret);

    let signed: Vec<(String, &str)> = request
        .headers
        .iter()
        .filter(|(k, _)| is_named(&k.to_ascii_lowercase()))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
        .collect();
    for (name, value) in &signed {
        v3::check_header(name, value).map_err(|e| {
            VerifyError::IncompleteSignature(format!("header {name}: {}", e.reason()))
        })?;
    }
    let payload = v3::hex(&Sha256::digest(request.body));
    let cr = v3::build(
        request.method,
        request.path,
        request.query,
        signed,
        &payload,
    )
    .map_err(|e| VerifyError::IncompleteSignature(format!("{}: {}", e.field(), e.reason())))?;
    let sts = cr.string_to_sign();
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(sts.as_bytes());
    let given = unhex(auth.signature).unwrap_or_default();
    if mac.verify_slice(&given).is_err() {
        return Err(VerifyError::SignatureMismatchV3 {
            server_string_to_sign: sts,
            server_canonical_request: cr.into_string(),
        });
    }
    if !nonces.insert_if_new(access_key_id, nonce, now) {
        return Err(VerifyError::NonceUsed(nonce.to_owned()));
    }
    Ok(Verified {
        access_key_id,
        action: Some(action),
        version: Some(version),
        timestamp,
        nonce,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        BidType, Credentials, Difference, MemoryNonceStore, Nonce, QueryCertifiedInfo,
        SignedRequest, Signer,
    };

    const ID: &str = "LTAI5tExample";
    const SECRET: &str = "secret";

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-23T08:00:00Z").unwrap()
    }

    type Pairs = Vec<(String, String)>;

    /// What a server receives for `req`: its decoded query and its headers.
    fn received(req: &SignedRequest) -> (Pairs, Pairs) {
        let query = crate::sign::tests::decode_query(req.canonicalized_query());
        let headers = req
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        (query, headers)
    }

    fn signed(secret: &str, at: Timestamp, nonce: &str) -> SignedRequest {
        let op = QueryCertifiedInfo::new("1234567890123456", BidType::Normal).unwrap();
        Signer::new(Credentials::new(ID, secret).unwrap())
            .sign_v3(&op, at, &Nonce::new(nonce).unwrap())
            .unwrap()
    }

    fn check(
        query: &[(String, String)],
        headers: &[(String, String)],
        body: &[u8],
        nonces: &mut MemoryNonceStore,
    ) -> Result<(), VerifyError> {
        let r = ReceivedRequest {
            method: Method::Post,
            path: "/",
            query,
            headers,
            body,
        };
        verify_v3(
            &r,
            |id| (id == ID).then(|| SECRET.to_owned()),
            now(),
            nonces,
        )
        .map(|_| ())
    }

    #[test]
    fn a_signed_request_verifies_once() {
        let req = signed(SECRET, now(), "n-1");
        let (query, headers) = received(&req);
        let mut nonces = MemoryNonceStore::new();
        check(&query, &headers, b"", &mut nonces).unwrap();
        let again = check(&query, &headers, b"", &mut nonces).unwrap_err();
        assert_eq!(again.code(), "SignatureNonceUsed");
    }

    #[test]
    fn a_wrong_secret_quotes_what_the_client_signed() {
        let req = signed("not-the-secret", now(), "n-1");
        let (query, headers) = received(&req);
        let e = check(&query, &headers, b"", &mut MemoryNonceStore::new()).unwrap_err();
        assert_eq!(
            (e.code().as_str(), e.http_status()),
            ("SignatureDoesNotMatch", 400)
        );
        let d =
            crate::v3::diagnose_signature_mismatch(&e.message(), req.canonical_request().unwrap());
        assert!(d.is_identical(), "{d:?}");
        assert_eq!(d.server_canonical_request(), req.canonical_request());
    }

    #[test]
    fn a_body_unlike_its_hash_is_a_payload_hash_difference() {
        let req = signed(SECRET, now(), "n-1");
        let (query, headers) = received(&req);
        let e = check(&query, &headers, b"PK=1", &mut MemoryNonceStore::new()).unwrap_err();
        let d =
            crate::v3::diagnose_signature_mismatch(&e.message(), req.canonical_request().unwrap());
        assert!(
            matches!(d.differences(), [Difference::PayloadHash { .. }]),
            "{d:?}"
        );
    }

    #[test]
    fn a_form_body_is_signed_through_its_hash() {
        let body = b"BidType=NORMAL&PK=1";
        let hash = crate::v3::hex(&Sha256::digest(body));
        let mut headers: Vec<(String, String)> = [
            ("host", "127.0.0.1"),
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-acs-action", "QueryBidUserCertifiedInfo"),
            ("x-acs-version", "2015-04-08"),
            ("x-acs-date", now().as_str()),
            ("x-acs-signature-nonce", "n-2"),
            ("x-acs-content-sha256", &hash),
            ("user-agent", "unsigned/1"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let none: &[(String, String)] = &[];
        let cr = crate::v3::canonical_request(Method::Post, "/", none, &headers, &hash).unwrap();
        headers.push((
            "Authorization".into(),
            crate::v3::authorization(&cr, ID, SECRET),
        ));
        check(none, &headers, body, &mut MemoryNonceStore::new()).unwrap();
    }

    #[test]
    fn shape_problems_are_named() {
        let req = signed(SECRET, now(), "n-1");
        let (query, headers) = received(&req);
        let code = |headers: &[(String, String)]| {
            check(&query, headers, b"", &mut MemoryNonceStore::new())
                .unwrap_err()
                .code()
        };
        let edit = |name: &str, value: Option<&str>| -> Vec<(String, String)> {
            let mut h: Vec<(String, String)> =
                headers.iter().filter(|(k, _)| k != name).cloned().collect();
            if let Some(v) = value {
                h.push((name.to_owned(), v.to_owned()));
            }
            h
        };
        let auth = req
            .headers()
            .find(|(k, _)| *k == "Authorization")
            .unwrap()
            .1;
        assert_eq!(code(&edit("x-acs-date", None)), "MissingParameter");
        assert_eq!(
            code(&edit("x-acs-signature-nonce", Some(" "))),
            "MissingParameter"
        );
        assert_eq!(
            code(&edit("Authorization", Some("ACS3-HMAC-SHA256 x"))),
            "IncompleteSignature"
        );
        let no_signature = auth.split(",Signature=").next().unwrap();
        assert_eq!(
            code(&edit("Authorization", Some(no_signature))),
            "IncompleteSignature"
        );
        let sm3 = auth.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3");
        assert_eq!(
            code(&edit("Authorization", Some(&sm3))),
            "InvalidAuthorization"
        );
        let mut extra = headers.clone();
        extra.push(("x-acs-tag".into(), "unsigned".into()));
        assert_eq!(code(&extra), "IncompleteSignature");
        let fewer = auth.replace("host;", "");
        assert_eq!(
            code(&edit("Authorization", Some(&fewer))),
            "IncompleteSignature"
        );
        assert_eq!(
            code(&edit("x-acs-date", Some("2026-11-23 08:00:00"))),
            "InvalidTimeStamp.Format"
        );
    }

    #[test]
    fn a_stale_date_is_expired_and_a_stranger_is_not_found() {
        let stale = now().plus_seconds(-WINDOW_SECONDS - 1).unwrap();
        let (query, headers) = received(&signed(SECRET, stale, "n-1"));
        let e = check(&query, &headers, b"", &mut MemoryNonceStore::new()).unwrap_err();
        assert_eq!(e.code(), "InvalidTimeStamp.Expired");
        let (query, headers) = received(&signed(SECRET, now(), "n-1"));
        let headers: Vec<(String, String)> = headers
            .into_iter()
            .map(|(k, v)| (k, v.replace(ID, "LTAI5tStranger")))
            .collect();
        let e = check(&query, &headers, b"", &mut MemoryNonceStore::new()).unwrap_err();
        assert_eq!(
            (e.code().as_str(), e.http_status()),
            ("InvalidAccessKeyId.NotFound", 404)
        );
    }

    #[test]
    fn debug_shows_no_header_values() {
        let req = signed(SECRET, now(), "n-1");
        let (query, headers) = received(&req);
        let r = ReceivedRequest {
            method: Method::Post,
            path: "/",
            query: &query,
            headers: &headers,
            body: b"",
        };
        let shown = format!("{r:?}");
        assert!(!shown.contains(&req.signature()), "{shown}");
        assert!(r.is_v3());
    }
}

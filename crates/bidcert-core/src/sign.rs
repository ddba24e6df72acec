//! The RPC v1.0 signature: canonicalized query, string-to-sign, HMAC-SHA1, and signed requests.

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::clock::{Nonce, Timestamp};
use crate::credentials::Credentials;
use crate::encode::{encode_both, encode_into, encoded_len_bound};
use crate::error::ValidationError;
use crate::ops::{Endpoint, Method, Operation, Product, Target};

/// `%2F`: the encoded path `/` in every string-to-sign.
const ENCODED_PATH: &str = "%2F";
/// Base64 of a 20-byte HMAC-SHA1 is always 28 characters.
const SIGNATURE_LEN: usize = 28;

/// Sorts `pairs` in byte order, drops `Signature`, and rejects empty and repeated names.
fn sort_and_check(pairs: &mut Vec<(&str, &str)>) -> Result<(), ValidationError> {
    pairs.retain(|(k, _)| *k != "Signature");
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    check_sorted(pairs)
}

/// Rejects an empty first name and adjacent repeated names in a sorted list.
fn check_sorted(pairs: &[(&str, &str)]) -> Result<(), ValidationError> {
    if pairs.first().is_some_and(|(k, _)| k.is_empty()) {
        return Err(ValidationError::new("parameter name", "must not be empty"));
    }
    if let Some(w) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(ValidationError::new(
            w[0].0,
            "is given twice; each parameter may appear once",
        ));
    }
    Ok(())
}

/// Merges the sorted `common` parameters into the sorted `pairs`, from the back, in place:
/// the common parameters are sorted by construction and an operation's are few, so this
/// beats sorting the whole list.
fn merge_common<'a>(pairs: &mut Vec<(&'a str, &'a str)>, common: &[(&'a str, &'a str)]) {
    let mut i = pairs.len();
    let mut j = common.len();
    pairs.resize(i + j, ("", ""));
    let mut k = pairs.len();
    while j > 0 {
        k -= 1;
        if i > 0 && pairs[i - 1].0 > common[j - 1].0 {
            pairs[k] = pairs[i - 1];
            i -= 1;
        } else {
            pairs[k] = common[j - 1];
            j -= 1;
        }
    }
}

/// Writes the canonicalized query into `query` and the string-to-sign into `sts`, in one pass.
fn canonicalize_into(method: Method, pairs: &[(&str, &str)], query: &mut String, sts: &mut String) {
    sts.push_str(method.as_str());
    sts.push('&');
    sts.push_str(ENCODED_PATH);
    sts.push('&');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            query.push('&');
            sts.push_str("%26");
        }
        encode_both(k, query, sts);
        query.push('=');
        sts.push_str("%3D");
        encode_both(v, query, sts);
    }
}

fn capacity(pairs: &[(&str, &str)]) -> (usize, usize) {
    let raw: usize = pairs.iter().map(|(k, v)| k.len() + v.len()).sum();
    let query = raw * 3 + pairs.len() * 2;
    let sts = 16
        + pairs
            .iter()
            .map(|(k, v)| encoded_len_bound(k) + encoded_len_bound(v) + 6)
            .sum::<usize>();
    (query, sts)
}

fn collect<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect()
}

/// The canonicalized query string: parameters (except `Signature`) sorted by name in byte
/// order, names and values percent-encoded, joined as `name=value` with `&`.
///
/// ```
/// let q = bidcert_core::canonicalized_query(&[("b", "2 3"), ("a", "1")]).unwrap();
/// assert_eq!(q, "a=1&b=2%203");
/// ```
pub fn canonicalized_query<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
) -> Result<String, ValidationError> {
    let mut pairs = collect(params);
    sort_and_check(&mut pairs)?;
    let (qcap, scap) = capacity(&pairs);
    let (mut query, mut sts) = (String::with_capacity(qcap), String::with_capacity(scap));
    canonicalize_into(Method::Post, &pairs, &mut query, &mut sts);
    Ok(query)
}

/// The string to sign: `METHOD&%2F&` + percentEncode(canonicalized query).
///
/// ```
/// use bidcert_core::{string_to_sign, Method};
/// let s = string_to_sign(Method::Post, &[("Action", "X"), ("A", "a b")]).unwrap();
/// assert_eq!(s, "POST&%2F&A%3Da%2520b%26Action%3DX");
/// ```
pub fn string_to_sign<K: AsRef<str>, V: AsRef<str>>(
    method: Method,
    params: &[(K, V)],
) -> Result<String, ValidationError> {
    let mut pairs = collect(params);
    sort_and_check(&mut pairs)?;
    let (qcap, scap) = capacity(&pairs);
    let (mut query, mut sts) = (String::with_capacity(qcap), String::with_capacity(scap));
    canonicalize_into(method, &pairs, &mut query, &mut sts);
    Ok(sts)
}

/// The signature: Base64(HMAC-SHA1(key = secret + `&`, string to sign)).
///
/// ```
/// use bidcert_core::{signature, Method};
/// let sig = signature(Method::Get, &[("Action", "X")], "secret").unwrap();
/// assert_eq!(sig.len(), 28);
/// ```
pub fn signature<K: AsRef<str>, V: AsRef<str>>(
    method: Method,
    params: &[(K, V)],
    access_key_secret: &str,
) -> Result<String, ValidationError> {
    let sts = string_to_sign(method, params)?;
    Ok(SigningKey::new(access_key_secret).sign_to_string(&sts))
}

/// The HMAC key (`secret&`) with its inner and outer pads hashed once, reused per signature.
#[derive(Clone)]
pub(crate) struct SigningKey(Hmac<Sha1>);

impl SigningKey {
    pub(crate) fn new(secret: &str) -> Self {
        let mut key = Zeroizing::new(Vec::with_capacity(secret.len() + 1));
        key.extend_from_slice(secret.as_bytes());
        key.push(b'&');
        // HMAC accepts keys of any length.
        SigningKey(Hmac::<Sha1>::new_from_slice(&key).expect("HMAC takes keys of any length"))
    }

    pub(crate) fn mac(&self, sts: &str) -> Hmac<Sha1> {
        let mut mac = self.0.clone();
        mac.update(sts.as_bytes());
        mac
    }

    fn sign_into(&self, sts: &str, out: &mut [u8; SIGNATURE_LEN]) {
        let digest = self.mac(sts).finalize().into_bytes();
        let n = base64::engine::general_purpose::STANDARD
            .encode_slice(digest, out)
            .expect("28 bytes hold the Base64 of 20");
        debug_assert_eq!(n, SIGNATURE_LEN);
    }

    pub(crate) fn sign_to_string(&self, sts: &str) -> String {
        let mut out = [0u8; SIGNATURE_LEN];
        self.sign_into(sts, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Signs operations with one set of credentials.
///
/// Pure: it reads no clock and no randomness; the timestamp and nonce are inputs. The HMAC
/// key is prepared once, so each signature costs one pass over the parameters and one HMAC.
///
/// ```
/// use bidcert_core::{BidType, Credentials, Nonce, QueryCertifiedInfo, Signer, Timestamp};
/// let signer = Signer::new(Credentials::new("LTAI5tExample", "secret").unwrap());
/// let op = QueryCertifiedInfo::new("1234567890123456", BidType::Normal).unwrap();
/// let req = signer
///     .sign(&op, Timestamp::parse("2026-11-23T08:00:00Z").unwrap(), &Nonce::new("n-1").unwrap())
///     .unwrap();
/// assert_eq!(req.method().as_str(), "POST");
/// assert!(req.url().starts_with("https://crm-cn-hangzhou.aliyuncs.com/?AccessKeyId=LTAI5tExample&Action="));
/// assert!(req.string_to_sign().starts_with("POST&%2F&AccessKeyId%3DLTAI5tExample%26Action%3D"));
/// ```
#[derive(Clone)]
pub struct Signer {
    credentials: Credentials,
    key: SigningKey,
    crm: Endpoint,
    aas: Endpoint,
}

impl Signer {
    /// A signer for the production endpoints.
    pub fn new(credentials: Credentials) -> Self {
        Signer {
            key: SigningKey::new(credentials.access_key_secret()),
            credentials,
            crm: Product::Crm.into(),
            aas: Product::Aas.into(),
        }
    }

    /// Sends `product`'s operations to `endpoint` instead (another region, a proxy, the emulator).
    pub fn with_endpoint(mut self, product: Product, endpoint: Endpoint) -> Self {
        match product {
            Product::Crm => self.crm = endpoint,
            Product::Aas => self.aas = endpoint,
        }
        self
    }

    /// The endpoint used for `product`.
    pub fn endpoint(&self, product: Product) -> &Endpoint {
        match product {
            Product::Crm => &self.crm,
            Product::Aas => &self.aas,
        }
    }

    /// The credentials it signs with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The endpoint an operation goes to.
    pub fn endpoint_for<'a, O: Operation + ?Sized>(&'a self, op: &'a O) -> &'a Endpoint {
        match op.target() {
            Target::Product(p) => self.endpoint(*p),
            Target::Endpoint(e) => e,
        }
    }

    /// Signs `op` for sending at `timestamp` with `nonce` (use a new nonce for every attempt).
    ///
    /// Fails only when the operation's parameters repeat a name.
    pub fn sign<O: Operation + ?Sized>(
        &self,
        op: &O,
        timestamp: Timestamp,
        nonce: &Nonce,
    ) -> Result<SignedRequest, ValidationError> {
        let method = op.method();
        // In byte order by construction.
        let token = self.credentials.security_token();
        let common = [
            ("AccessKeyId", self.credentials.access_key_id()),
            ("Action", op.action()),
            ("Format", "JSON"),
            ("SecurityToken", token.unwrap_or("")),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce.as_str()),
            ("SignatureVersion", "1.0"),
            ("Timestamp", timestamp.as_str()),
            ("Version", op.version()),
        ];
        let without_token = [
            common[0], common[1], common[2], common[4], common[5], common[6], common[7], common[8],
        ];
        let common: &[(&str, &str)] = if token.is_some() {
            &common
        } else {
            &without_token
        };
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(common.len() + 8);
        op.business_params(&mut pairs);
        pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        merge_common(&mut pairs, common);
        let pairs = &pairs[..];
        check_sorted(pairs)?;

        let endpoint = self.endpoint_for(op).as_str();
        let (qcap, scap) = capacity(pairs);
        let mut url = String::with_capacity(endpoint.len() + 2 + qcap + 11 + 3 * SIGNATURE_LEN);
        let mut sts = String::with_capacity(scap);
        url.push_str(endpoint);
        url.push_str("/?");
        let query_start = url.len();
        canonicalize_into(method, pairs, &mut url, &mut sts);
        let query_end = url.len();

        let mut sig = [0u8; SIGNATURE_LEN];
        self.key.sign_into(&sts, &mut sig);
        url.push_str("&Signature=");
        // Base64 output is ASCII.
        encode_into(std::str::from_utf8(&sig).unwrap_or(""), &mut url);

        Ok(SignedRequest {
            method,
            url,
            query_start,
            query_end,
            string_to_sign: sts,
            timestamp,
        })
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credentials", &self.credentials)
            .field("crm", &self.crm)
            .field("aas", &self.aas)
            .finish_non_exhaustive()
    }
}

/// A signed request, ready for any HTTP client: send `method` to `url` with `headers` and
/// `body`. Every parameter, `Signature` included, is in the URL's query.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    method: Method,
    url: String,
    query_start: usize,
    query_end: usize,
    string_to_sign: String,
    timestamp: Timestamp,
}

const HEADERS: &[(&str, &str)] = &[("Accept", "application/json")];

impl SignedRequest {
    /// The method it was signed for; send it with this one.
    pub fn method(&self) -> Method {
        self.method
    }
    /// The full URL, query and `Signature` included.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// Headers to send.
    pub fn headers(&self) -> &'static [(&'static str, &'static str)] {
        HEADERS
    }
    /// The body to send: empty, as every parameter is in the query.
    pub fn body(&self) -> &'static [u8] {
        b""
    }
    /// The canonicalized query string (the URL's query without `Signature`).
    pub fn canonicalized_query(&self) -> &str {
        &self.url[self.query_start..self.query_end]
    }
    /// The string that was signed: compare it with a server's `server string to sign is:`.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }
    /// The `Signature` parameter.
    pub fn signature(&self) -> String {
        let encoded = &self.url[self.query_end + "&Signature=".len()..];
        percent_encoding::percent_decode_str(encoded)
            .decode_utf8_lossy()
            .into_owned()
    }
    /// The timestamp it was signed at.
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }
    /// The URL with the values of `Signature` and `SecurityToken` replaced, for logs.
    pub fn redacted_url(&self) -> String {
        let (base, query) = self.url.split_at(self.query_start);
        let mut out = String::with_capacity(self.url.len());
        out.push_str(base);
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((k @ ("Signature" | "SecurityToken"), _)) => {
                    out.push_str(k);
                    out.push_str("=<redacted>");
                }
                _ => out.push_str(pair),
            }
        }
        out
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.redacted_url())
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{percent_encode, BidType, GenerateCertWaysUrl};

    fn fixed() -> (Timestamp, Nonce) {
        (
            Timestamp::parse("2026-11-23T08:00:00Z").unwrap(),
            Nonce::new("9b2c6c0e-2f0a-4f6e-8f5e-3f1b6a7d9c01").unwrap(),
        )
    }

    #[test]
    fn duplicate_names_are_rejected_not_overwritten() {
        let e = string_to_sign(Method::Post, &[("A", "1"), ("B", "2"), ("A", "3")]).unwrap_err();
        assert_eq!(e.field(), "A");
    }

    #[test]
    fn signature_parameter_is_not_signed() {
        assert_eq!(
            string_to_sign(Method::Get, &[("A", "1"), ("Signature", "x")]).unwrap(),
            string_to_sign(Method::Get, &[("A", "1")]).unwrap()
        );
    }

    #[test]
    fn signed_request_url_carries_query_and_signature() {
        let creds = Credentials::new("id", "secret").unwrap();
        let signer = Signer::new(creds);
        let (t, n) = fixed();
        let op = GenerateCertWaysUrl::new("1039740447764893", BidType::Lightweight).unwrap();
        let req = signer.sign(&op, t, &n).unwrap();
        let query = req.canonicalized_query();
        assert!(req.url().starts_with("https://aas.aliyuncs.com/?"));
        assert!(req.url()[..req.url().find("&Signature=").unwrap()].ends_with(query));
        assert_eq!(
            req.string_to_sign(),
            format!("POST&%2F&{}", percent_encode(query))
        );
        let params: Vec<(String, String)> = query
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                let d = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8()
                        .unwrap()
                        .into_owned()
                };
                (d(k), d(v))
            })
            .collect();
        assert_eq!(
            req.signature(),
            signature(Method::Post, &params, "secret").unwrap()
        );
    }

    #[test]
    fn security_token_is_signed_and_redacted() {
        let creds = Credentials::new("id", "secret")
            .unwrap()
            .with_security_token("tok/en+=")
            .unwrap();
        let (t, n) = fixed();
        let op = crate::QueryCertifiedInfo::new("1", BidType::Normal).unwrap();
        let req = Signer::new(creds).sign(&op, t, &n).unwrap();
        assert!(req
            .canonicalized_query()
            .contains("SecurityToken=tok%2Fen%2B%3D"));
        let dbg = format!("{req:?}");
        assert!(
            !dbg.contains("tok%2F") && !dbg.contains(&req.signature()),
            "{dbg}"
        );
    }
}

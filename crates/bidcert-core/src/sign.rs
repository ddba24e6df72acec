//! The RPC v1.0 signature: canonicalized query, string-to-sign, HMAC-SHA1, and signed requests.

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::clock::{Nonce, Timestamp};
use crate::credentials::Credentials;
use crate::encode::{encode_both, encode_into, encoded_len_bound, percent_encode};
use crate::error::ValidationError;
use crate::ops::{Endpoint, Method, Operation, Product, Target};
use crate::version::SignatureVersion;

/// `%2F`: the encoded path `/` in every string-to-sign.
const ENCODED_PATH: &str = "%2F";
/// Base64 of a 20-byte HMAC-SHA1 is always 28 characters.
const SIGNATURE_LEN: usize = 28;

/// One parameter on its way into the canonicalized query.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Param<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    /// `name=value` and `name%3Dvalue`, encoded ahead of time when both are fixed (at compile
    /// time, or when a signer is built): most of a request, written with one copy each.
    pub(crate) encoded: Option<(&'a str, &'a str)>,
}

impl<'a> Param<'a> {
    pub(crate) fn new(name: &'a str, value: &'a str) -> Self {
        Param {
            name,
            value,
            encoded: None,
        }
    }
}

/// A parameter whose name and value are literals needing no escaping (a unit test checks
/// every use), encoded at compile time.
macro_rules! fixed_param {
    ($name:expr, $value:expr) => {
        $crate::sign::Param {
            name: $name,
            value: $value,
            encoded: Some((concat!($name, "=", $value), concat!($name, "%3D", $value))),
        }
    };
}
pub(crate) use fixed_param;

/// Sorts `params` in byte order of names, drops `Signature`, and rejects empty and repeated
/// names.
fn sort_and_check(params: &mut Vec<Param<'_>>) -> Result<(), ValidationError> {
    params.retain(|p| p.name != "Signature");
    params.sort_unstable_by(|a, b| a.name.cmp(b.name));
    check_sorted(params)
}

/// Rejects an empty first name and adjacent repeated names in a sorted list.
fn check_sorted(params: &[Param<'_>]) -> Result<(), ValidationError> {
    if params.first().is_some_and(|p| p.name.is_empty()) {
        return Err(ValidationError::new("parameter name", "must not be empty"));
    }
    if let Some(w) = params.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(ValidationError::new(
            w[0].name,
            "is given twice; each parameter may appear once",
        ));
    }
    Ok(())
}

/// Merges the sorted `common` parameters into the sorted `params`, from the back, in place:
/// the common parameters are sorted by construction and an operation's are few, so this
/// beats sorting the whole list.
fn merge_common<'a>(params: &mut Vec<Param<'a>>, common: &[Param<'a>]) {
    let mut i = params.len();
    let mut j = common.len();
    params.resize(i + j, Param::new("", ""));
    let mut k = params.len();
    while j > 0 {
        k -= 1;
        if i > 0 && params[i - 1].name > common[j - 1].name {
            params[k] = params[i - 1];
            i -= 1;
        } else {
            params[k] = common[j - 1];
            j -= 1;
        }
    }
}

/// Writes the canonicalized query into `query` and the string-to-sign into `sts`, in one pass.
fn canonicalize_into(method: Method, params: &[Param<'_>], query: &mut String, sts: &mut String) {
    sts.push_str(method.as_str());
    sts.push('&');
    sts.push_str(ENCODED_PATH);
    sts.push('&');
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            query.push('&');
            sts.push_str("%26");
        }
        match p.encoded {
            Some((q, s)) => {
                query.push_str(q);
                sts.push_str(s);
            }
            None => {
                encode_both(p.name, query, sts);
                query.push('=');
                sts.push_str("%3D");
                encode_both(p.value, query, sts);
            }
        }
    }
}

fn capacity(params: &[Param<'_>]) -> (usize, usize) {
    let raw: usize = params.iter().map(|p| p.name.len() + p.value.len()).sum();
    let query = raw * 3 + params.len() * 2;
    let sts = 16
        + params
            .iter()
            .map(|p| encoded_len_bound(p.name) + encoded_len_bound(p.value) + 6)
            .sum::<usize>();
    (query, sts)
}

/// The canonicalized query and the string to sign of caller-given parameters.
fn canonicalize<K: AsRef<str>, V: AsRef<str>>(
    method: Method,
    params: &[(K, V)],
) -> Result<(String, String), ValidationError> {
    let mut params: Vec<Param<'_>> = params
        .iter()
        .map(|(k, v)| Param::new(k.as_ref(), v.as_ref()))
        .collect();
    sort_and_check(&mut params)?;
    let (qcap, scap) = capacity(&params);
    let (mut query, mut sts) = (String::with_capacity(qcap), String::with_capacity(scap));
    canonicalize_into(method, &params, &mut query, &mut sts);
    Ok((query, sts))
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
    canonicalize(Method::Post, params).map(|(query, _)| query)
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
    canonicalize(method, params).map(|(_, sts)| sts)
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
    // `AccessKeyId=<id>` and `AccessKeyId%3D<id>`, encoded once.
    access_key_id: (String, String),
    crm: Endpoint,
    aas: Endpoint,
}

impl Signer {
    /// A signer for the production endpoints.
    pub fn new(credentials: Credentials) -> Self {
        let id = percent_encode(credentials.access_key_id());
        Signer {
            key: SigningKey::new(credentials.access_key_secret()),
            access_key_id: (
                format!("AccessKeyId={id}"),
                format!("AccessKeyId%3D{}", percent_encode(&id)),
            ),
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
        let [action, version] = op.action_version();
        let common = [
            Param {
                name: "AccessKeyId",
                value: self.credentials.access_key_id(),
                encoded: Some((&self.access_key_id.0, &self.access_key_id.1)),
            },
            action,
            fixed_param!("Format", "JSON"),
            Param::new("SecurityToken", token.unwrap_or("")),
            fixed_param!("SignatureMethod", "HMAC-SHA1"),
            Param::new("SignatureNonce", nonce.as_str()),
            fixed_param!("SignatureVersion", "1.0"),
            Param::new("Timestamp", timestamp.as_str()),
            version,
        ];
        let without_token = [
            common[0], common[1], common[2], common[4], common[5], common[6], common[7], common[8],
        ];
        let common: &[Param<'_>] = if token.is_some() {
            &common
        } else {
            &without_token
        };
        let mut params: Vec<Param<'_>> = Vec::with_capacity(common.len() + 8);
        op.business_params(&mut params);
        params.sort_unstable_by(|a, b| a.name.cmp(b.name));
        merge_common(&mut params, common);
        let params = &params[..];
        check_sorted(params)?;

        let endpoint = self.endpoint_for(op).as_str();
        let (qcap, scap) = capacity(params);
        let mut url = String::with_capacity(endpoint.len() + 2 + qcap + 11 + 3 * SIGNATURE_LEN);
        let mut sts = String::with_capacity(scap);
        url.push_str(endpoint);
        url.push_str("/?");
        let query_start = url.len();
        canonicalize_into(method, params, &mut url, &mut sts);
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
            v3: None,
            body: Vec::new(),
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
/// `body`. With v1.0 every parameter, `Signature` included, is in the URL's query; with V3
/// ([`Signer::sign_v3`]) the query holds the operation's parameters and the headers the rest;
/// an unsigned request (`AssumeRoleWithOIDC`) carries its parameters in a form body.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    method: Method,
    url: String,
    query_start: usize,
    query_end: usize,
    string_to_sign: String,
    timestamp: Timestamp,
    // V3 only: one pointer that stays null for v1.0, so v1.0 signing neither allocates nor
    // moves more for it.
    v3: Option<Box<V3Parts>>,
    // A form body (`crate::unsigned`); empty for signed requests.
    body: Vec<u8>,
}

/// What a V3 request carries beyond a v1.0 one.
#[derive(Clone, PartialEq, Eq)]
struct V3Parts {
    canonical_request: String,
    // Sent after `Accept`.
    headers: Vec<(String, String)>,
}

const HEADERS: &[(&str, &str)] = &[("Accept", "application/json")];
const FORM_HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/json"),
    ("Content-Type", "application/x-www-form-urlencoded"),
];

impl SignedRequest {
    /// A V3 request (`query` is the URL's query; `headers` go after `Accept`).
    pub(crate) fn signed_v3(
        method: Method,
        url: String,
        query: std::ops::Range<usize>,
        string_to_sign: String,
        timestamp: Timestamp,
        canonical_request: String,
        headers: Vec<(String, String)>,
    ) -> Self {
        SignedRequest {
            method,
            url,
            query_start: query.start,
            query_end: query.end,
            string_to_sign,
            timestamp,
            v3: Some(Box::new(V3Parts {
                canonical_request,
                headers,
            })),
            body: Vec::new(),
        }
    }
    /// The method it was signed for; send it with this one.
    pub fn method(&self) -> Method {
        self.method
    }
    /// The full URL: the query, and with v1.0 `Signature`.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// Headers to send: `Accept`, `Content-Type` for a form body, and with V3 every signed
    /// header and `Authorization`.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let fixed = if self.body.is_empty() {
            HEADERS
        } else {
            FORM_HEADERS
        };
        let v3 = self.v3.iter().flat_map(|p| p.headers.iter());
        fixed
            .iter()
            .copied()
            .chain(v3.map(|(k, v)| (k.as_str(), v.as_str())))
    }
    /// Which signature it carries.
    pub fn signature_version(&self) -> SignatureVersion {
        match self.v3 {
            None => SignatureVersion::V1,
            Some(_) => SignatureVersion::V3,
        }
    }
    /// The V3 canonical request (none for v1.0).
    pub fn canonical_request(&self) -> Option<&str> {
        self.v3.as_ref().map(|p| p.canonical_request.as_str())
    }
    /// The body to send: empty when every parameter is in the query.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// The canonicalized query string (the URL's query without `Signature`).
    pub fn canonicalized_query(&self) -> &str {
        &self.url[self.query_start..self.query_end]
    }
    /// The string that was signed: compare it with a server's `server string to sign is:`
    /// (v1.0) or `server StringToSign is [` (V3, `ACS3-HMAC-SHA256\n<hex>`).
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }
    /// The signature: v1.0's `Signature` parameter, V3's hex `Signature=` in
    /// `Authorization`, or empty for an unsigned request.
    pub fn signature(&self) -> String {
        if let Some(auth) = self.headers().find(|(k, _)| *k == "Authorization") {
            return auth
                .1
                .rsplit_once("Signature=")
                .map_or("", |(_, s)| s)
                .to_owned();
        }
        let encoded = self
            .url
            .get(self.query_end + "&Signature=".len()..)
            .unwrap_or("");
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

impl SignedRequest {
    /// An unsigned request (`crate::unsigned`): its URL with the query at
    /// `query_start..`, and a form body.
    pub(crate) fn unsigned(
        method: Method,
        url: String,
        query_start: usize,
        timestamp: Timestamp,
        body: Vec<u8>,
    ) -> Self {
        SignedRequest {
            method,
            query_end: url.len(),
            url,
            query_start,
            string_to_sign: String::new(),
            timestamp,
            v3: None,
            body,
        }
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
pub(crate) mod tests {
    use super::*;
    use crate::{percent_encode, BidType, GenerateCertWaysUrl};

    pub(crate) fn fixed() -> (Timestamp, Nonce) {
        (
            Timestamp::parse("2026-11-23T08:00:00Z").unwrap(),
            Nonce::new("9b2c6c0e-2f0a-4f6e-8f5e-3f1b6a7d9c01").unwrap(),
        )
    }

    fn all_fixed_params() -> Vec<Param<'static>> {
        use crate::ops::sealed::Sealed;
        use crate::{Platform, SubjectType};
        let mut all = vec![
            fixed_param!("Format", "JSON"),
            fixed_param!("SignatureMethod", "HMAC-SHA1"),
            fixed_param!("SignatureVersion", "1.0"),
        ];
        all.extend(BidType::ALL.iter().map(|b| b.param()));
        all.extend(Platform::ALL.iter().map(|p| p.param()));
        all.extend(SubjectType::ALL.iter().map(|p| p.param()));
        let query = Box::leak(Box::new(
            crate::QueryCertifiedInfo::new("1", BidType::Normal).unwrap(),
        ));
        all.extend(query.action_version());
        query.business_params(&mut all);
        for (open, mobile) in [(false, false), (false, true), (true, false), (true, true)] {
            let op = GenerateCertWaysUrl::new("1", BidType::Normal)
                .unwrap()
                .with_open_app(open)
                .with_mobile(mobile);
            let op = Box::leak(Box::new(op));
            all.extend(op.action_version());
            op.business_params(&mut all);
        }
        all
    }

    #[test]
    fn fixed_parameters_are_encoded_as_the_encoder_would() {
        let fixed: Vec<_> = all_fixed_params()
            .into_iter()
            .filter(|p| p.encoded.is_some())
            .collect();
        assert!(fixed.len() > 20, "{}", fixed.len());
        // The literals restate constants concat! cannot read; they must agree.
        use crate::ops::sealed::Sealed;
        use crate::Operation;
        let q = crate::QueryCertifiedInfo::new("1", BidType::Normal).unwrap();
        let g = GenerateCertWaysUrl::new("1", BidType::Normal).unwrap();
        for (op_av, action, version) in [
            (q.action_version(), q.action(), q.version()),
            (g.action_version(), g.action(), g.version()),
        ] {
            assert_eq!((op_av[0].value, op_av[1].value), (action, version));
        }
        let mut business = Vec::new();
        g.business_params(&mut business);
        let source = business.iter().find(|p| p.name == "Source").unwrap();
        assert_eq!(source.value, GenerateCertWaysUrl::SOURCE);
        for p in fixed {
            let (q, s) = p.encoded.unwrap();
            assert_eq!(
                q,
                format!("{}={}", percent_encode(p.name), percent_encode(p.value))
            );
            assert_eq!(s, percent_encode(q), "{q}");
        }
    }

    #[test]
    fn every_built_in_operation_signs_what_string_to_sign_computes() {
        use crate::{Platform, SubjectType};
        let (t, n) = fixed();
        // An AccessKeyId that needs encoding, and a token, exercise the pre-encoded id.
        let creds = Credentials::new("id with/odd=chars", "secret")
            .unwrap()
            .with_security_token("tok+en")
            .unwrap();
        for signer in [
            Signer::new(creds.clone()),
            Signer::new(Credentials::new("LTAI", "s").unwrap()),
        ] {
            let mut requests = vec![];
            for b in BidType::ALL {
                let q = crate::QueryCertifiedInfo::new("1039740447764893", *b).unwrap();
                requests.push(signer.sign(&q, t, &n).unwrap());
                for p in Platform::ALL {
                    for st in SubjectType::ALL {
                        let op = GenerateCertWaysUrl::new("1039740447764893", *b)
                            .unwrap()
                            .with_platform(*p)
                            .with_subject_type(*st)
                            .with_open_app(true);
                        requests.push(signer.sign(&op, t, &n).unwrap());
                    }
                }
            }
            for req in requests {
                let params = decode_query(req.canonicalized_query());
                assert_eq!(
                    req.string_to_sign(),
                    string_to_sign(Method::Post, &params).unwrap()
                );
                assert_eq!(
                    req.canonicalized_query(),
                    canonicalized_query(&params).unwrap()
                );
            }
        }
    }

    /// The decoded pairs of a query string, as a server reads them.
    pub(crate) fn decode_query(query: &str) -> Vec<(String, String)> {
        let d = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .unwrap()
                .into_owned()
        };
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (d(k), d(v))
            })
            .collect()
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
        let params = decode_query(query);
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

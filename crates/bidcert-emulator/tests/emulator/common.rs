//! Helpers shared by the suites: a started emulator, a plain HTTP client, signed requests.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use bidcert_core::{
    signature, Credentials, Endpoint, Method, Nonce, Operation, Product, Signer, Timestamp,
};
use bidcert_emulator::{demo, Emulator, EmulatorHandle};
use serde_json::Value;

pub const QUERY: &str = "QueryBidUserCertifiedInfo";
pub const AAS: &str = "GenerateAliyunBidCertWaysUrl";
pub const CRM_VERSION: &str = "2015-04-08";
pub const AAS_VERSION: &str = "2015-07-01";

/// The NORMAL reseller's key pair.
pub const NORMAL: (&str, &str) = (demo::NORMAL_ACCESS_KEY_ID, demo::NORMAL_ACCESS_KEY_SECRET);
/// The LIGHTWEIGHT reseller's key pair.
pub const LIGHT: (&str, &str) = (
    demo::LIGHTWEIGHT_ACCESS_KEY_ID,
    demo::LIGHTWEIGHT_ACCESS_KEY_SECRET,
);

/// An emulator with the demo fixture on an ephemeral port.
pub fn start() -> EmulatorHandle {
    Emulator::builder().start().expect("emulator starts")
}

/// A keep-alive client that returns error statuses as responses.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an error answer of the gateway's shape and returns its body.
    pub fn assert_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        let v = self.json();
        assert_eq!(v["Code"], code, "{}", self.body);
        for key in ["RequestId", "HostId", "Message", "Recommend"] {
            assert!(v[key].is_string(), "{key} missing: {}", self.body);
        }
        assert_request_id(v["RequestId"].as_str().unwrap());
        assert_eq!(self.header("x-acs-request-id"), v["RequestId"].as_str());
        v
    }
}

/// A request id is an upper-case UUID.
pub fn assert_request_id(id: &str) {
    assert_eq!(id.len(), 36, "{id}");
    assert!(
        id.bytes()
            .all(|b| b == b'-' || b.is_ascii_digit() || b.is_ascii_uppercase()),
        "{id}"
    );
}

pub fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut resp = result.expect("HTTP exchange");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.body_mut().read_to_string().expect("body");
    Reply {
        status,
        headers,
        body,
    }
}

/// Encodes a parameter as the signature does (RFC 3986 unreserved kept).
pub fn enc(s: &str) -> String {
    bidcert_core::percent_encode(s)
}

pub fn query_string<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k.as_ref()), enc(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// Sends `params` verbatim in the query string with `method`.
pub fn send_params<K: AsRef<str>, V: AsRef<str>>(
    emu: &EmulatorHandle,
    method: Method,
    params: &[(K, V)],
) -> Reply {
    let url = format!("{}/?{}", emu.base_url(), query_string(params));
    let agent = agent();
    reply(match method {
        Method::Get => agent.get(&url).call(),
        Method::Post => agent.post(&url).send_empty(),
    })
}

/// The common parameters plus `business`, signed with `key` at the emulator's time.
pub fn signed(
    emu: &EmulatorHandle,
    method: Method,
    key: (&str, &str),
    action: &str,
    version: &str,
    business: &[(&str, &str)],
) -> Vec<(String, String)> {
    signed_at(
        method,
        key,
        action,
        version,
        business,
        emu.now(),
        &Nonce::random(),
    )
}

pub fn signed_at(
    method: Method,
    key: (&str, &str),
    action: &str,
    version: &str,
    business: &[(&str, &str)],
    timestamp: Timestamp,
    nonce: &Nonce,
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("AccessKeyId", key.0),
        ("Action", action),
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce.as_str()),
        ("SignatureVersion", "1.0"),
        ("Timestamp", timestamp.as_str()),
        ("Version", version),
    ]
    .into_iter()
    .chain(business.iter().copied())
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let sig = signature(method, &params, key.1).expect("signable");
    params.push(("Signature".into(), sig));
    params
}

/// Signs `params` (which must not hold `Signature`) and appends it.
pub fn sign_in_place(method: Method, params: &mut Vec<(String, String)>, secret: &str) {
    let sig = signature(method, params, secret).expect("signable");
    params.push(("Signature".into(), sig));
}

/// Sends a signed request for the given action and business parameters.
pub fn call(
    emu: &EmulatorHandle,
    key: (&str, &str),
    action: &str,
    business: &[(&str, &str)],
) -> Reply {
    let version = if action == AAS {
        AAS_VERSION
    } else {
        CRM_VERSION
    };
    let params = signed(emu, Method::Post, key, action, version, business);
    send_params(emu, Method::Post, &params)
}

/// The business parameters of the usual Query: the NORMAL reseller's unverified customer.
pub const USUAL_QUERY: [(&str, &str); 2] = [("PK", demo::UNVERIFIED_PK), ("BidType", "NORMAL")];

/// The usual Query, signed by the NORMAL reseller for POST at the emulator's time.
pub fn usual_query_params(emu: &EmulatorHandle) -> Vec<(String, String)> {
    signed(emu, Method::Post, NORMAL, QUERY, CRM_VERSION, &USUAL_QUERY)
}

/// The usual Query, signed by the NORMAL reseller for POST at `timestamp` with `nonce`.
pub fn usual_query_at(timestamp: Timestamp, nonce: &Nonce) -> Vec<(String, String)> {
    signed_at(
        Method::Post,
        NORMAL,
        QUERY,
        CRM_VERSION,
        &USUAL_QUERY,
        timestamp,
        nonce,
    )
}

/// `params` without the parameters named in `names`.
pub fn without(params: Vec<(String, String)>, names: &[&str]) -> Vec<(String, String)> {
    params
        .into_iter()
        .filter(|(k, _)| !names.contains(&k.as_str()))
        .collect()
}

/// The usual Query, sent.
pub fn usual_query(emu: &EmulatorHandle) -> Reply {
    query(emu, NORMAL, demo::UNVERIFIED_PK, "NORMAL")
}

/// A link for the NORMAL reseller's unverified customer, asked for.
pub fn usual_generate(emu: &EmulatorHandle) -> Reply {
    generate(emu, NORMAL, demo::UNVERIFIED_PK, "NORMAL")
}

/// A keep-alive `POST /` with `params` in the query string, as raw HTTP/1.1.
pub fn raw_post<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    format!(
        "POST /?{} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n",
        query_string(params)
    )
}

pub fn query(emu: &EmulatorHandle, key: (&str, &str), pk: &str, bid_type: &str) -> Reply {
    call(emu, key, QUERY, &[("PK", pk), ("BidType", bid_type)])
}

/// The Aas parameters with documented values, for `pk` and `bid_type`.
pub fn aas_params<'a>(pk: &'a str, bid_type: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("AliyunPk", pk),
        ("BidType", bid_type),
        ("Platform", "pc"),
        ("SubjectType", "all"),
        ("Source", "BID"),
        ("IsOpenApp", "false"),
        ("IsMobile", "false"),
    ]
}

pub fn generate(emu: &EmulatorHandle, key: (&str, &str), pk: &str, bid_type: &str) -> Reply {
    call(emu, key, AAS, &aas_params(pk, bid_type))
}

/// A core `Signer` pointed at the emulator.
pub fn signer(emu: &EmulatorHandle, key: (&str, &str)) -> Signer {
    let endpoint = Endpoint::new(emu.base_url()).expect("endpoint");
    Signer::new(Credentials::new(key.0, key.1).expect("credentials"))
        .with_endpoint(Product::Crm, endpoint.clone())
        .with_endpoint(Product::Aas, endpoint)
}

/// Signs `op` with the core signer at the emulator's time and sends it.
pub fn send_op<O: Operation>(
    emu: &EmulatorHandle,
    agent: &ureq::Agent,
    signer: &Signer,
    op: &O,
) -> Reply {
    let req = signer.sign(op, emu.now(), &Nonce::random()).expect("signs");
    reply(agent.post(req.url()).send_empty())
}

/// Raw bytes over a fresh connection, reading until the server closes it or `timeout`.
pub fn raw_exchange(emu: &EmulatorHandle, bytes: &[u8], timeout: Duration) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", emu.port())).expect("connect");
    s.set_read_timeout(Some(timeout)).unwrap();
    s.write_all(bytes).expect("write");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded parameters behind the `SignatureDoesNotMatch` example in the Aas document.
pub(crate) const SPEC_EXAMPLE_PARAMS: [(&str, &str); 15] = [
    ("AccessKeyId", "LTxxxxxxg0N7cz5"),
    ("Action", "GenerateAliyunBidCertWaysUrl"),
    ("AliyunPk", "1039740447764893"),
    ("BidType", "LIGHTWEIGHT"),
    ("Format", "json"),
    ("IsMobile", "true"),
    ("IsOpenApp", "true"),
    ("Platform", "pc"),
    ("SignatureMethod", "Hmac-SHA1"),
    ("SignatureNonce", "cac135a3-a3f3-4b11-9cc8-2479bd2c4fb2"),
    ("SignatureVersion", "1.0"),
    ("Source", "ecs"),
    ("SubjectType", "all"),
    ("Timestamp", "2021-09-28T09:37:17Z"),
    ("Version", "2015-07-01"),
];

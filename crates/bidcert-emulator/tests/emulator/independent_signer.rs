//! A signer written here from the documents, sharing no code with `bidcert_core`'s, so a bug
//! common to the core's signer and verifier cannot hide.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;

use bidcert_emulator::demo;

use crate::common::*;

/// Everything but `A-Z a-z 0-9 - _ . ~` is encoded.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn pe(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

fn independent_string_to_sign(method: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let canonical = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", pe(k), pe(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{method}&{}&{}", pe("/"), pe(&canonical))
}

fn independent_signature(sts: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(sts.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn independently_signed(
    method: &str,
    key: (&str, &str),
    nonce: &str,
    timestamp: &str,
    action: &str,
    version: &str,
    business: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("Format", "JSON"),
        ("Version", version),
        ("AccessKeyId", key.0),
        ("SignatureMethod", "HMAC-SHA1"),
        ("Timestamp", timestamp),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce),
        ("Action", action),
    ]
    .iter()
    .chain(business)
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let sts = independent_string_to_sign(method, &params);
    params.push(("Signature".into(), independent_signature(&sts, key.1)));
    params
}

#[test]
fn independent_signer_reproduces_the_spec_server_string() {
    let params: Vec<(String, String)> = SPEC_EXAMPLE_PARAMS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert!(independent_string_to_sign("POST", &params).ends_with(
        "%26Source%3Decs%26SubjectType%3Dall%26Timestamp%3D2021-09-28T09%253A37%253A17Z%26Version%3D2015-07-01"
    ));
}

/// Method, action, version and business parameters.
type Case<'a> = (&'a str, &'a str, &'a str, Vec<(&'a str, &'a str)>);

#[test]
fn requests_signed_independently_are_accepted_by_the_emulator() {
    let emu = start();
    let now = emu.now().to_string();
    // Values that need encoding (space, `*`, `~`, non-ASCII) exercise the encoder on both sides.
    let cases: [Case; 3] = [
        (
            "POST",
            QUERY,
            CRM_VERSION,
            vec![("PK", demo::PERSONAL_PK), ("BidType", "NORMAL")],
        ),
        (
            "GET",
            QUERY,
            CRM_VERSION,
            vec![
                ("PK", demo::UNVERIFIED_PK),
                ("BidType", "NORMAL"),
                ("ClientToken", "a b*c~d/é"),
            ],
        ),
        (
            "POST",
            AAS,
            AAS_VERSION,
            aas_params(demo::UNVERIFIED_PK, "NORMAL"),
        ),
    ];
    for (i, (method, action, version, business)) in cases.iter().enumerate() {
        let nonce = format!("independent-{i}-{}", emu.port());
        let params = independently_signed(method, NORMAL, &nonce, &now, action, version, business);
        let m = if *method == "GET" {
            bidcert_core::Method::Get
        } else {
            bidcert_core::Method::Post
        };
        let r = send_params(&emu, m, &params);
        assert_eq!(r.status, 200, "{method} {action}: {}", r.body);
    }
}

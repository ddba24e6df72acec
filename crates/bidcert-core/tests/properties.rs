//! Property tests: the canonicalizer against a naive reference, sign/verify round trips, and
//! parsers that never panic.

use std::collections::BTreeMap;

use bidcert_core::{
    canonicalized_query, diagnose_signature_mismatch, parse_cert_ways_url, parse_certified_info,
    parse_fast_auth_event, parse_rpc_response, percent_encode, verify, Credentials, Endpoint,
    MemoryNonceStore, Method, Nonce, RpcCall, Signer, Timestamp, COMMON_PARAMS,
};
use proptest::prelude::*;

/// Deliberately naive: one char at a time, one byte at a time, `format!` for every escape.
fn naive_encode(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'~' {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn naive_canonical(params: &BTreeMap<String, String>) -> String {
    // BTreeMap<String> iterates in byte order, which is the required order.
    params
        .iter()
        .map(|(k, v)| format!("{}={}", naive_encode(k), naive_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .expect("we only encode UTF-8")
        .into_owned()
}

fn decoded_params(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').expect("a query").1;
    query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').expect("name=value");
            (decode(k), decode(v))
        })
        .collect()
}

fn business_params() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map("\\PC{1,12}", "\\PC{0,24}", 0..8)
        .prop_filter("not a common parameter", |m| {
            m.keys().all(|k| !COMMON_PARAMS.contains(&k.as_str()))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn percent_encode_equals_naive_reference(s in "\\PC*") {
        prop_assert_eq!(percent_encode(&s), naive_encode(&s));
    }

    #[test]
    fn canonicalizer_equals_naive_reference(params in prop::collection::btree_map(any::<String>(), any::<String>(), 0..12)) {
        let params: BTreeMap<String, String> = params.into_iter().filter(|(k, _)| !k.is_empty() && k != "Signature").collect();
        let mut given: Vec<(String, String)> = params.clone().into_iter().collect();
        given.reverse();
        prop_assert_eq!(canonicalized_query(&given).unwrap(), naive_canonical(&params));
    }

    #[test]
    fn verify_accepts_what_sign_produced_and_rejects_any_changed_character(
        params in business_params(),
        // Whitespace at either end is refused as a pasting mistake.
        secret in "[!-~]([ -~]{0,38}[!-~])?",
        pick in any::<prop::sample::Index>(),
        pos in any::<prop::sample::Index>(),
        replacement in any::<char>(),
    ) {
        let creds = Credentials::new("LTAIprop", secret.clone()).unwrap();
        let signer = Signer::new(creds);
        let mut op = RpcCall::to_endpoint(Endpoint::new("http://127.0.0.1:1").unwrap(), "Prop", "2015-04-08").unwrap();
        for (k, v) in &params {
            op = op.with_param(k.clone(), v.clone()).unwrap();
        }
        let now = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        let req = signer.sign(&op, now, &Nonce::random()).unwrap();
        let decoded = decoded_params(req.url());
        let lookup = |id: &str| (id == "LTAIprop").then(|| secret.clone());

        let mut store = MemoryNonceStore::new();
        prop_assert!(verify(Method::Post, &decoded, lookup, now, &mut store).is_ok());

        // Change one character of one name or value (or of the signature).
        let mut changed = decoded.clone();
        let i = pick.index(changed.len());
        let in_name = pos.index(2) == 0 && !changed[i].0.is_empty();
        let target = if in_name { &mut changed[i].0 } else { &mut changed[i].1 };
        let chars: Vec<char> = target.chars().collect();
        let new: String = if chars.is_empty() {
            replacement.to_string()
        } else {
            let at = pos.index(chars.len());
            let r = if chars[at] == replacement { if replacement == 'a' { 'b' } else { 'a' } } else { replacement };
            chars.iter().enumerate().map(|(j, c)| if j == at { r } else { *c }).collect()
        };
        *target = new;
        let mut fresh = MemoryNonceStore::new();
        prop_assert!(verify(Method::Post, &changed, |id: &str| (id == "LTAIprop").then(|| secret.clone()), now, &mut fresh).is_err());
        // And the same request signed for POST does not verify as GET.
        prop_assert!(verify(Method::Get, &decoded, |id: &str| (id == "LTAIprop").then(|| secret.clone()), now, &mut MemoryNonceStore::new()).is_err());
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(status in any::<u16>(), body in prop::collection::vec(any::<u8>(), 0..512)) {
        let at = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        let _ = parse_certified_info(status, &body);
        let _ = parse_cert_ways_url(status, &body, at);
        let _ = parse_rpc_response(status, &body);
        let text = String::from_utf8_lossy(&body);
        let _ = parse_fast_auth_event(&text, Some(&text), Some("https://account.aliyun.com"));
        let _ = diagnose_signature_mismatch(&format!("server string to sign is:{text}"), &text);
    }

    #[test]
    fn parsers_never_panic_on_json_shaped_input(status in any::<u16>(), body in r#"\{("[a-zA-Z]{1,12}":("[^"\\]{0,16}"|[0-9]{1,3}|true|false|null|\{\}|\[\]),?){0,6}\}"#) {
        let at = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        let _ = parse_certified_info(status, body.as_bytes());
        let _ = parse_cert_ways_url(status, body.as_bytes(), at);
        let _ = parse_fast_auth_event(&body, None, None);
    }
}

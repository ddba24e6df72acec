//! Signature V3 (ACS3-HMAC-SHA256) as the emulator verifies it: both products and STS, the
//! query or a form body, and each documented refusal.

use std::time::Duration;

use bidcert_core::{
    v3, BidType, Credentials, Endpoint, GenerateCertWaysUrl, Method, Nonce, Product,
    QueryCertifiedInfo, RpcCall, SignedRequest, Signer, Timestamp, V3_REQUIRED_HEADERS,
};
use bidcert_emulator::{demo, Emulator, EmulatorHandle, Fault, FaultKind, FaultScope};
use sha2::{Digest, Sha256};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::common::*;

/// A signer for both products (and STS, through `RpcCall::to_endpoint`) at `base`.
fn signer_at(base: &str, key: (&str, &str), token: Option<&str>) -> Signer {
    let endpoint = Endpoint::new(base).expect("endpoint");
    let mut creds = Credentials::new(key.0, key.1).expect("credentials");
    if let Some(t) = token {
        creds = creds.with_security_token(t).expect("token");
    }
    Signer::new(creds)
        .with_endpoint(Product::Crm, endpoint.clone())
        .with_endpoint(Product::Aas, endpoint)
}

/// Sends a signed V3 request as signed: its method, URL and headers (`host` is the URL's own).
fn send(agent: &ureq::Agent, req: &SignedRequest) -> Reply {
    let mut r = ureq::http::Request::builder()
        .method(req.method().as_str())
        .uri(req.url());
    for (k, v) in req.headers().filter(|(k, _)| *k != "host") {
        r = r.header(k, v);
    }
    reply(agent.run(r.body(()).expect("request")))
}

fn query_op() -> QueryCertifiedInfo {
    QueryCertifiedInfo::new(demo::UNVERIFIED_PK, BidType::Normal).unwrap()
}

fn v3_query(emu: &EmulatorHandle, key: (&str, &str)) -> SignedRequest {
    signer_at(emu.base_url(), key, None)
        .sign_v3(&query_op(), emu.now(), &Nonce::random())
        .unwrap()
}

/// A V3 request built by hand: `headers` signed as given (`Authorization` appended), `body`
/// sent with its own hash.
fn hand_signed(
    emu: &EmulatorHandle,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    body: &[u8],
    secret: &str,
) -> Reply {
    let host = emu.base_url().trim_start_matches("http://").to_owned();
    let hash = hex(&Sha256::digest(body));
    let mut all: Vec<(String, String)> = vec![("host".into(), host)];
    all.extend(
        headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.replace("{hash}", &hash))),
    );
    let cr = v3::canonical_request(Method::Post, "/", query, &all, &hash).unwrap();
    all.push((
        "Authorization".into(),
        v3::authorization(&cr, NORMAL.0, secret),
    ));
    let url = format!("{}/?{}", emu.base_url(), query_string(query));
    let mut r = ureq::http::Request::builder().method("POST").uri(url);
    for (k, v) in all.iter().filter(|(k, _)| k != "host") {
        r = r.header(k, v);
    }
    reply(agent().run(r.body(body.to_vec()).expect("request")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The common V3 headers of a Query at the emulator's time, with `nonce`.
fn common_headers(emu: &EmulatorHandle, nonce: &str) -> Vec<(&'static str, String)> {
    vec![
        ("x-acs-action", QUERY.to_owned()),
        ("x-acs-version", CRM_VERSION.to_owned()),
        ("x-acs-date", emu.now().to_string()),
        ("x-acs-signature-nonce", nonce.to_owned()),
        ("x-acs-content-sha256", "{hash}".to_owned()),
    ]
}

fn borrowed<'a>(headers: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    headers.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn both_operations_succeed_with_v3_and_are_logged_as_v3() {
    let emu = start();
    let agent = agent();
    let req = v3_query(&emu, NORMAL);
    let r = send(&agent, &req);
    assert_eq!(r.status, 200, "{}", r.body);
    let result: serde_json::Value =
        serde_json::from_str(r.json()["result"].as_str().unwrap()).unwrap();
    assert_eq!(result["isCertified"], "0");

    let op = GenerateCertWaysUrl::new(demo::UNVERIFIED_PK, BidType::Normal).unwrap();
    let signer = signer_at(emu.base_url(), NORMAL, None);
    let r = send(
        &agent,
        &signer.sign_v3(&op, emu.now(), &Nonce::random()).unwrap(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["Success"], true);

    let log = emu.requests();
    assert_eq!(log.len(), 2);
    for (record, action) in log.iter().zip([QUERY, AAS]) {
        assert_eq!(record.signature_version.as_deref(), Some("v3"));
        assert_eq!(record.action.as_deref(), Some(action));
        assert_eq!(record.access_key_id.as_deref(), Some(NORMAL.0));
        assert!(record.nonce.is_some() && record.timestamp.is_some());
    }
    assert_eq!(
        log[0].nonce.as_deref(),
        req.headers()
            .find(|(k, _)| *k == "x-acs-signature-nonce")
            .map(|(_, v)| v)
    );
}

#[test]
fn a_v3_business_error_has_the_gateway_shape() {
    let emu = start();
    let op = GenerateCertWaysUrl::new(demo::LIGHTWEIGHT_CUSTOMER_PK, BidType::Normal).unwrap();
    let signer = signer_at(emu.base_url(), NORMAL, None);
    let r = send(
        &agent(),
        &signer.sign_v3(&op, emu.now(), &Nonce::random()).unwrap(),
    );
    let v = r.assert_error(403, "Bid Mismatch");
    assert_eq!(v["Success"], false);
}

#[test]
fn parameters_may_come_as_a_form_body_signed_through_its_hash() {
    let emu = start();
    let headers = common_headers(&emu, "form-1");
    let mut headers = borrowed(&headers);
    headers.push(("content-type", "application/x-www-form-urlencoded"));
    let body = format!("PK={}&BidType=NORMAL", demo::UNVERIFIED_PK);
    let r = hand_signed(&emu, &[], &headers, body.as_bytes(), NORMAL.1);
    assert_eq!(r.status, 200, "{}", r.body);

    // The same form with a hash that is not its own: the server's canonical request shows it.
    let headers = common_headers(&emu, "form-2");
    let mut headers = borrowed(&headers);
    headers.retain(|(k, _)| *k != "x-acs-content-sha256");
    headers.push(("content-type", "application/x-www-form-urlencoded"));
    headers.push(("x-acs-content-sha256", v3::EMPTY_PAYLOAD_SHA256));
    let host = emu.base_url().trim_start_matches("http://").to_owned();
    let mut all: Vec<(String, String)> = vec![("host".into(), host)];
    all.extend(
        headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let cr = v3::canonical_request(
        Method::Post,
        "/",
        &[] as &[(&str, &str)],
        &all,
        v3::EMPTY_PAYLOAD_SHA256,
    )
    .unwrap();
    all.push((
        "Authorization".into(),
        v3::authorization(&cr, NORMAL.0, NORMAL.1),
    ));
    let mut req = ureq::http::Request::builder()
        .method("POST")
        .uri(format!("{}/", emu.base_url()));
    for (k, v) in all.iter().filter(|(k, _)| k != "host") {
        req = req.header(k, v);
    }
    let r = reply(agent().run(req.body(body.into_bytes()).unwrap()));
    let v = r.assert_error(400, "SignatureDoesNotMatch");
    let d = v3::diagnose_signature_mismatch(v["Message"].as_str().unwrap(), cr.as_str());
    assert!(
        matches!(
            d.differences(),
            [bidcert_core::Difference::PayloadHash { .. }]
        ),
        "{d}"
    );
}

#[test]
fn a_wrong_secret_quotes_the_string_to_sign_and_the_canonical_request() {
    let emu = start();
    let req = v3_query(&emu, (NORMAL.0, "not-the-secret"));
    let r = send(&agent(), &req);
    let v = r.assert_error(400, "SignatureDoesNotMatch");
    let message = v["Message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "Specified signature does not match our calculation. server StringToSign is [ACS3-HMAC-SHA256\n"
        ),
        "{message}"
    );
    assert!(
        message.contains("] server CanonicalRequest is [POST\n/\n"),
        "{message}"
    );
    let d = v3::diagnose_signature_mismatch(message, req.canonical_request().unwrap());
    assert!(d.is_identical(), "the secret is wrong: {d}");
    assert_eq!(d.server_canonical_request(), req.canonical_request());
    assert_eq!(
        emu.requests()[0].code.as_deref(),
        Some("SignatureDoesNotMatch")
    );
}

#[test]
fn a_stale_date_is_expired_and_a_replayed_nonce_is_refused() {
    let emu = start();
    let agent = agent();
    let signer = signer_at(emu.base_url(), NORMAL, None);
    let stale = emu.now().plus_seconds(-16 * 60).unwrap();
    let r = send(
        &agent,
        &signer
            .sign_v3(&query_op(), stale, &Nonce::random())
            .unwrap(),
    );
    r.assert_error(400, "InvalidTimeStamp.Expired");
    assert_eq!(emu.requests()[0].timestamp.as_deref(), Some(stale.as_str()));

    let req = v3_query(&emu, NORMAL);
    assert_eq!(send(&agent, &req).status, 200);
    send(&agent, &req).assert_error(400, "SignatureNonceUsed");
    // The nonce store is one for both versions: a v1.0 request may not reuse a V3 nonce.
    let nonce = req
        .headers()
        .find(|(k, _)| *k == "x-acs-signature-nonce")
        .unwrap()
        .1;
    let params = usual_query_at(emu.now(), &Nonce::new(nonce).unwrap());
    send_params(&emu, Method::Post, &params).assert_error(400, "SignatureNonceUsed");
}

#[test]
fn missing_or_unsigned_headers_and_a_bad_authorization_are_refused() {
    let emu = start();
    for (i, name) in V3_REQUIRED_HEADERS.iter().enumerate() {
        if *name == "host" {
            continue; // HTTP/1.1 always carries it
        }
        let nonce = format!("missing-{i}");
        let headers = common_headers(&emu, &nonce);
        let headers: Vec<(&str, &str)> = borrowed(&headers)
            .into_iter()
            .filter(|(k, _)| k != name)
            .collect();
        let q = [("PK", demo::UNVERIFIED_PK), ("BidType", "NORMAL")];
        let r = hand_signed(&emu, &q, &headers, b"", NORMAL.1);
        let v = r.assert_error(400, "MissingParameter");
        assert!(v["Message"].as_str().unwrap().contains(name), "{}", r.body);
    }

    // An x-acs-* header sent but left out of SignedHeaders.
    let req = v3_query(&emu, NORMAL);
    let mut r = ureq::http::Request::builder().method("POST").uri(req.url());
    for (k, v) in req.headers().filter(|(k, _)| *k != "host") {
        r = r.header(k, v);
    }
    r = r.header("x-acs-tag", "unsigned");
    let reply_ = reply(agent().run(r.body(()).unwrap()));
    let v = reply_.assert_error(400, "IncompleteSignature");
    assert!(v["Message"].as_str().unwrap().contains("x-acs-tag"), "{v}");

    // Authorization without a signature, and with an algorithm the emulator does not know.
    let auth = req
        .headers()
        .find(|(k, _)| *k == "Authorization")
        .unwrap()
        .1
        .to_owned();
    for (value, code) in [
        (
            auth.split(",Signature=").next().unwrap().to_owned(),
            "IncompleteSignature",
        ),
        (
            auth.replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"),
            "InvalidAuthorization",
        ),
    ] {
        let mut r = ureq::http::Request::builder().method("POST").uri(req.url());
        for (k, v) in req
            .headers()
            .filter(|(k, _)| *k != "host" && *k != "Authorization")
        {
            r = r.header(k, v);
        }
        r = r.header("Authorization", value);
        reply(agent().run(r.body(()).unwrap())).assert_error(400, code);
    }
    assert!(emu
        .requests()
        .iter()
        .all(|r| r.signature_version.as_deref() == Some("v3")));
}

#[test]
fn v3_over_https_verifies_against_the_https_host() {
    let emu = Emulator::builder().tls(true).start().unwrap();
    let https = emu.https_url().unwrap().to_owned();
    let ca = Certificate::from_pem(emu.ca_pem().unwrap().as_bytes()).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::new_with_certs(&[ca]))
                .build(),
        )
        .build()
        .into();
    let signer = signer_at(&https, NORMAL, None);
    let r = send(
        &agent,
        &signer
            .sign_v3(&query_op(), emu.now(), &Nonce::random())
            .unwrap(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let wrong = signer_at(&https, (NORMAL.0, "wrong"), None);
    send(
        &agent,
        &wrong
            .sign_v3(&query_op(), emu.now(), &Nonce::random())
            .unwrap(),
    )
    .assert_error(400, "SignatureDoesNotMatch");
    assert!(emu.requests().iter().all(|r| r.tls));
    assert!(emu.tls_handshakes() >= 1);
}

#[test]
fn sts_keys_from_a_v3_assume_role_sign_v3_calls_with_their_token() {
    let emu = start();
    let agent = agent();
    let account = (demo::ACCOUNT_ACCESS_KEY_ID, demo::ACCOUNT_ACCESS_KEY_SECRET);
    let sts = Endpoint::new(emu.base_url()).unwrap();
    let op = RpcCall::to_endpoint(sts, "AssumeRole", "2015-04-01")
        .unwrap()
        .with_param("RoleArn", demo::ROLE_ARN)
        .unwrap()
        .with_param("RoleSessionName", "v3-session")
        .unwrap();
    let r = send(
        &agent,
        &signer_at(emu.base_url(), account, None)
            .sign_v3(&op, emu.now(), &Nonce::random())
            .unwrap(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let c = &r.json()["Credentials"];
    let (id, secret, token) = (
        c["AccessKeyId"].as_str().unwrap().to_owned(),
        c["AccessKeySecret"].as_str().unwrap().to_owned(),
        c["SecurityToken"].as_str().unwrap().to_owned(),
    );
    assert_eq!(emu.sts_call_count("AssumeRole"), 1);

    let signer = signer_at(emu.base_url(), (&id, &secret), Some(&token));
    let req = signer
        .sign_v3(&query_op(), emu.now(), &Nonce::random())
        .unwrap();
    assert!(req
        .canonical_request()
        .unwrap()
        .contains("\nx-acs-security-token:"));
    let r = send(&agent, &req);
    assert_eq!(r.status, 200, "{}", r.body);

    // Without its token (and so unsigned), the key is refused as for v1.0.
    let bare = signer_at(emu.base_url(), (&id, &secret), None);
    send(
        &agent,
        &bare
            .sign_v3(&query_op(), emu.now(), &Nonce::random())
            .unwrap(),
    )
    .assert_error(400, "MissingSecurityToken");
}

#[test]
fn an_unsigned_v3_assume_role_with_oidc_names_its_action_in_headers() {
    let emu = start();
    let url = format!(
        "{}/?{}",
        emu.base_url(),
        query_string(&[
            ("Format", "json"),
            ("RoleArn", demo::ROLE_ARN),
            ("OIDCProviderArn", demo::OIDC_PROVIDER_ARN),
            ("OIDCToken", demo::OIDC_TOKEN),
            ("RoleSessionName", "oidc-v3"),
        ])
    );
    let r = reply(
        agent()
            .post(&url)
            .header("x-acs-action", "AssumeRoleWithOIDC")
            .header("x-acs-version", "2015-04-01")
            .header("x-acs-date", Timestamp::now().as_str())
            .header("x-acs-signature-nonce", "oidc-nonce")
            .send_empty(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["Credentials"]["SecurityToken"].is_string());
    assert_eq!(emu.requests()[0].signature_version, None);
}

#[test]
fn a_fault_for_an_action_finds_it_in_x_acs_action() {
    let emu = start();
    emu.inject_fault(Fault::new(
        FaultKind::Http503,
        FaultScope::Action(QUERY.to_owned()),
    ));
    let agent = agent();
    send(&agent, &v3_query(&emu, NORMAL)).assert_error(503, "ServiceUnavailable");
    let op = GenerateCertWaysUrl::new(demo::UNVERIFIED_PK, BidType::Normal).unwrap();
    let signer = signer_at(emu.base_url(), NORMAL, None);
    let r = send(
        &agent,
        &signer.sign_v3(&op, emu.now(), &Nonce::random()).unwrap(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

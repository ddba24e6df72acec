//! The client signing V3 against the emulator, which verifies it as the gateway does: both
//! operations, STS keys, a wrong secret diagnosed, a stale `x-acs-date` corrected, over HTTP
//! and HTTPS.

use std::time::Duration;

use bidcert::{
    ApiErrorKind, BidType, Client, Credentials, Endpoint, ErrorKind, GenerateCertWaysUrl, Policy,
    QueryCertifiedInfo, RpcCall, SignatureVersion,
};
use bidcert_emulator::demo::*;
use bidcert_emulator::{Emulator, EmulatorHandle};

fn v3_client(endpoint: &str, credentials: Credentials, ca: Option<&str>) -> Client {
    let mut b = Client::builder()
        .credentials(credentials)
        .endpoint(endpoint)
        // The policy carries the signature version: set it after the policy.
        .policy(
            Policy::default()
                .with_base_delay(Duration::from_millis(5))
                .with_budget(Duration::from_secs(10)),
        )
        .signature_version(SignatureVersion::V3);
    if let Some(pem) = ca {
        b = b.ca_pem(pem);
    }
    b.build().unwrap()
}

fn normal() -> Credentials {
    Credentials::new(NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET).unwrap()
}

fn query() -> QueryCertifiedInfo {
    QueryCertifiedInfo::new(UNVERIFIED_PK, BidType::Normal).unwrap()
}

fn link() -> GenerateCertWaysUrl {
    GenerateCertWaysUrl::new(UNVERIFIED_PK, BidType::Normal).unwrap()
}

/// Both operations, then a business error, through `c`; every attempt logged as V3.
fn both_operations(emu: &EmulatorHandle, c: &Client) {
    assert!(!c.query_certified_info(&query()).unwrap().is_certified());
    let url = c.generate_cert_ways_url(&link()).unwrap();
    assert!(
        url.url().contains("/cert/listCertWays.html?token="),
        "{}",
        url.url()
    );
    let e = c
        .query_certified_info(
            &QueryCertifiedInfo::new(LIGHTWEIGHT_CUSTOMER_PK, BidType::Normal).unwrap(),
        )
        .unwrap_err();
    assert_eq!(
        e.api_error().map(|a| a.kind()),
        Some(ApiErrorKind::BidMismatch),
        "{e}"
    );
    let log = emu.requests();
    assert_eq!(log.len(), 3);
    assert!(log
        .iter()
        .all(|r| r.signature_version.as_deref() == Some("v3")));
}

#[test]
fn both_operations_succeed_with_v3_over_http() {
    let emu = Emulator::builder().start().unwrap();
    both_operations(&emu, &v3_client(emu.base_url(), normal(), None));
}

#[test]
fn both_operations_succeed_with_v3_over_https() {
    let emu = Emulator::builder().tls(true).start().unwrap();
    let c = v3_client(emu.https_url().unwrap(), normal(), emu.ca_pem());
    both_operations(&emu, &c);
    assert!(emu.requests().iter().all(|r| r.tls));
}

#[test]
fn sts_keys_assumed_with_v3_call_both_operations_with_v3() {
    let emu = Emulator::builder().start().unwrap();
    let account = Credentials::new(ACCOUNT_ACCESS_KEY_ID, ACCOUNT_ACCESS_KEY_SECRET).unwrap();
    let c = v3_client(emu.base_url(), account, None);
    let op = RpcCall::to_endpoint(
        Endpoint::new(emu.base_url()).unwrap(),
        "AssumeRole",
        "2015-04-01",
    )
    .unwrap()
    .with_param("RoleArn", ROLE_ARN)
    .unwrap()
    .with_param("RoleSessionName", "v3-client")
    .unwrap();
    let answer = c.call(&op).unwrap();
    let k = &answer["Credentials"];
    let temporary = Credentials::new(
        k["AccessKeyId"].as_str().unwrap(),
        k["AccessKeySecret"].as_str().unwrap(),
    )
    .unwrap()
    .with_security_token(k["SecurityToken"].as_str().unwrap())
    .unwrap();
    emu.clear_requests();
    both_operations(&emu, &v3_client(emu.base_url(), temporary, None));
}

#[test]
fn a_wrong_secret_is_diagnosed_from_the_v3_message() {
    let emu = Emulator::builder().start().unwrap();
    let wrong = Credentials::new(NORMAL_ACCESS_KEY_ID, "not-the-secret").unwrap();
    let e = v3_client(emu.base_url(), wrong, None)
        .query_certified_info(&query())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SignatureMismatch);
    let d = e.api_error().unwrap().diagnosis().expect("a diagnosis");
    assert!(d.is_identical(), "{d}");
    assert!(d
        .server_canonical_request()
        .is_some_and(|cr| cr.contains("\nx-acs-action:")));
    assert!(e.to_string().contains("the secret is wrong"), "{e}");
    assert!(!format!("{e} {e:?}").contains("not-the-secret"));
}

#[test]
fn a_stale_x_acs_date_is_corrected_from_the_servers_date() {
    let emu = Emulator::builder().start().unwrap();
    emu.set_clock_offset(20 * 60);
    let c = v3_client(emu.base_url(), normal(), None);
    c.query_certified_info(&query()).unwrap();
    assert!(
        (1195..=1205).contains(&c.clock_offset()),
        "{}",
        c.clock_offset()
    );
    let codes: Vec<_> = emu.requests().iter().map(|r| r.code.clone()).collect();
    assert_eq!(codes, [Some("InvalidTimeStamp.Expired".to_owned()), None]);
}

#[test]
fn a_v3_mismatch_with_sts_keys_never_shows_the_token() {
    let emu = Emulator::builder().start().unwrap();
    let token = "CAIStheV3TokenMustNeverShow";
    let wrong = Credentials::new(NORMAL_ACCESS_KEY_ID, "not-the-secret")
        .unwrap()
        .with_security_token(token)
        .unwrap();
    let e = v3_client(emu.base_url(), wrong, None)
        .query_certified_info(&query())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SignatureMismatch, "{e}");
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("TokenMustNeverShow"), "{shown}");
    assert!(shown.contains("x-acs-security-token:<redacted>"), "{shown}");
    let d = e.api_error().unwrap().diagnosis().unwrap();
    assert!(d.is_identical(), "still blames the secret: {d}");
}

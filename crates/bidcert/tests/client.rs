//! The client against the emulator started in-process on 127.0.0.1.

use std::collections::HashSet;
use std::time::Duration;

use bidcert::{
    ApiErrorKind, BidType, Client, Credentials, Error, ErrorKind, GenerateCertWaysUrl, Policy,
    Product, QueryCertifiedInfo, RpcCall,
};
use bidcert_emulator::demo::*;
use bidcert_emulator::{Emulator, EmulatorHandle, Fault, FaultKind, FaultScope, Fixture};

fn emulator() -> EmulatorHandle {
    Emulator::builder()
        .fixture(Fixture::demo())
        .port(0)
        .start()
        .expect("emulator starts")
}

fn fast_retries() -> Policy {
    Policy::default()
        .with_base_delay(Duration::from_millis(5))
        .with_max_delay(Duration::from_millis(20))
        .with_budget(Duration::from_secs(10))
}

fn client_as(emu: &EmulatorHandle, id: &str, secret: &str) -> Client {
    Client::builder()
        .credentials(Credentials::new(id, secret).unwrap())
        .endpoint(emu.base_url())
        .policy(fast_retries())
        .build()
        .unwrap()
}

fn normal(emu: &EmulatorHandle) -> Client {
    client_as(emu, NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET)
}

fn query(pk: &str) -> QueryCertifiedInfo {
    QueryCertifiedInfo::new(pk, BidType::Normal).unwrap()
}

fn link(pk: &str) -> GenerateCertWaysUrl {
    GenerateCertWaysUrl::new(pk, BidType::Normal).unwrap()
}

fn api_kind(r: Result<impl std::fmt::Debug, Error>) -> ApiErrorKind {
    let e = r.expect_err("an API error");
    assert!(e.request_id().is_some(), "errors carry the RequestId: {e}");
    e.api_error()
        .unwrap_or_else(|| panic!("not an API error: {e}"))
        .kind()
}

#[test]
fn query_reports_unverified_then_verified_with_certificate() {
    let emu = emulator();
    let c = normal(&emu);
    let info = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap();
    assert!(!info.is_certified());
    assert!(info.name().is_none() && info.request_id().is_some());

    emu.verify_customer(UNVERIFIED_PK).unwrap();
    let info = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap();
    assert!(info.is_certified());
    assert!(info.name().is_some() && info.cert_number().is_some());
    let debug = format!("{info:?}");
    assert!(!debug.contains(info.cert_number().unwrap()), "{debug}");
}

#[test]
fn cert_ways_url_points_at_the_emulator_and_expires_in_three_hours() {
    let emu = emulator();
    let url = normal(&emu)
        .generate_cert_ways_url(&link(UNVERIFIED_PK))
        .unwrap();
    assert!(url.url().starts_with(emu.base_url()), "{}", url.url());
    assert_eq!(url.expires_at().unix() - url.issued_at().unix(), 3 * 3600);
    assert_eq!(url.origin(), emu.base_url());
}

#[test]
fn documented_business_errors_map_to_their_kinds() {
    let emu = emulator();
    let c = normal(&emu);
    assert_eq!(
        api_kind(c.query_certified_info(&query(UNKNOWN_PK))),
        ApiErrorKind::InvalidPk
    );
    assert_eq!(
        api_kind(c.query_certified_info(&query(LIGHTWEIGHT_CUSTOMER_PK))),
        ApiErrorKind::BidMismatch
    );
    assert_eq!(
        api_kind(c.generate_cert_ways_url(&link(PERSONAL_PK))),
        ApiErrorKind::AlreadyCertified
    );
    let account = client_as(&emu, ACCOUNT_ACCESS_KEY_ID, ACCOUNT_ACCESS_KEY_SECRET);
    assert_eq!(
        api_kind(account.query_certified_info(&query(UNVERIFIED_PK))),
        ApiErrorKind::NotBid
    );
    let no_aas = client_as(&emu, NO_AAS_ACCESS_KEY_ID, NO_AAS_ACCESS_KEY_SECRET);
    assert_eq!(
        api_kind(no_aas.generate_cert_ways_url(&link(NO_AAS_CUSTOMER_PK))),
        ApiErrorKind::ApiNotFound
    );
    let stranger = client_as(&emu, "LTAI5tNobodyAtAll", "whatever");
    assert_eq!(
        api_kind(stranger.query_certified_info(&query(UNVERIFIED_PK))),
        ApiErrorKind::AccessKeyNotFound
    );
    // The typed operation refuses an empty PK, so send it as a raw RPC call.
    let empty = RpcCall::new(Product::Crm, "QueryBidUserCertifiedInfo", "2015-04-08")
        .unwrap()
        .with_param("PK", "")
        .unwrap()
        .with_param("BidType", "NORMAL")
        .unwrap();
    assert_eq!(api_kind(c.call(&empty)), ApiErrorKind::EmptyPk);
}

#[test]
fn business_errors_are_not_retried() {
    let emu = emulator();
    let _ = normal(&emu).query_certified_info(&query(LIGHTWEIGHT_CUSTOMER_PK));
    assert_eq!(emu.requests().len(), 1);
}

#[test]
fn wrong_secret_carries_the_mismatch_diagnosis() {
    let emu = emulator();
    let c = client_as(&emu, NORMAL_ACCESS_KEY_ID, "not-the-secret");
    let e = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SignatureMismatch);
    let api = e.api_error().unwrap();
    assert!(api.diagnosis().expect("a diagnosis").is_identical());
    assert!(e.to_string().contains("the secret is wrong"), "{e}");
    assert!(!format!("{e} {e:?}").contains("not-the-secret"));
}

#[test]
fn clock_skew_is_corrected_on_the_second_attempt_and_kept_for_later_calls() {
    let emu = emulator();
    emu.set_clock_offset(20 * 60);
    let c = normal(&emu);
    c.query_certified_info(&query(UNVERIFIED_PK)).unwrap();
    assert!(
        (1195..=1205).contains(&c.clock_offset()),
        "{}",
        c.clock_offset()
    );
    c.query_certified_info(&query(UNVERIFIED_PK)).unwrap();
    c.generate_cert_ways_url(&link(UNVERIFIED_PK)).unwrap();
    let log = emu.requests();
    let outcomes: Vec<_> = log.iter().map(|r| r.code.as_deref()).collect();
    assert_eq!(
        outcomes,
        [Some("InvalidTimeStamp.Expired"), None, None, None],
        "one refused attempt, then every attempt on time: {log:?}"
    );
}

#[test]
fn a_skew_that_cannot_be_retried_reports_the_offset() {
    let emu = emulator();
    emu.set_clock_offset(3600);
    let c = Client::builder()
        .credentials(Credentials::new(NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET).unwrap())
        .endpoint(emu.base_url())
        .policy(Policy::no_retries())
        .build()
        .unwrap();
    let e = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timestamp);
    let skew = e
        .api_error()
        .unwrap()
        .clock_offset()
        .expect("from the Date header");
    assert!((3590..=3610).contains(&skew), "{skew}");
    assert!(e.to_string().contains("the server's clock is +"), "{e}");
    // The next call starts from the offset learned.
    c.query_certified_info(&query(UNVERIFIED_PK)).unwrap();
}

#[test]
fn each_fault_is_retried_with_a_fresh_nonce() {
    for kind in [
        FaultKind::Http500,
        FaultKind::Http503,
        FaultKind::throttling(),
        FaultKind::DropConnection,
        FaultKind::TruncatedBody,
        FaultKind::NonJsonBody,
    ] {
        let emu = emulator();
        emu.inject_fault(Fault::new(kind.clone(), FaultScope::Next(2)));
        let info = normal(&emu).query_certified_info(&query(UNVERIFIED_PK));
        assert!(info.is_ok(), "{kind}: {info:?}");
        let log = emu.requests();
        assert_eq!(
            log.len(),
            3,
            "{kind}: two faulted attempts and one good one"
        );
        let nonces: HashSet<_> = log.iter().map(|r| r.nonce.clone()).collect();
        assert_eq!(nonces.len(), 3, "{kind}: every attempt has its own nonce");
    }
}

#[test]
fn retries_are_bounded() {
    let emu = emulator();
    emu.inject_fault(Fault::new(FaultKind::Http503, FaultScope::Next(10)));
    let e = normal(&emu)
        .query_certified_info(&query(UNVERIFIED_PK))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ServiceUnavailable);
    assert_eq!(emu.requests().len(), 3);
}

#[test]
fn truncated_and_non_json_bodies_are_typed_errors() {
    let emu = emulator();
    let c = Client::builder()
        .credentials(Credentials::new(NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET).unwrap())
        .endpoint(emu.base_url())
        .policy(Policy::no_retries())
        .build()
        .unwrap();
    emu.inject_fault(Fault::next(FaultKind::TruncatedBody));
    let e = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Reset, "{e:?}");
    emu.inject_fault(Fault::next(FaultKind::DropConnection));
    let e = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Reset, "{e:?}");
    emu.inject_fault(Fault::next(FaultKind::NonJsonBody));
    let e = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap_err();
    let Error::Parse(p) = &e else { panic!("{e:?}") };
    assert_eq!(p.http_status(), 502);
    assert!(e.is_retryable());
}

#[test]
fn timeout_is_reported_as_timeout() {
    let emu = emulator();
    emu.inject_fault(Fault::new(
        FaultKind::Latency(Duration::from_millis(1500)),
        FaultScope::Next(5),
    ));
    let c = Client::builder()
        .credentials(Credentials::new(NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET).unwrap())
        .endpoint(emu.base_url())
        .policy(
            fast_retries()
                .with_max_attempts(2)
                .with_attempt_timeout(Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    let e = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e:?}");
}

#[test]
fn sixteen_threads_share_one_client() {
    let emu = emulator();
    let c = normal(&emu);
    std::thread::scope(|s| {
        for _ in 0..16 {
            let c = c.clone();
            s.spawn(move || {
                for _ in 0..25 {
                    c.query_certified_info(&query(PERSONAL_PK)).unwrap();
                }
            });
        }
    });
    assert_eq!(emu.requests().len(), 400);
}

#[test]
fn credentials_can_be_rotated_on_a_live_client() {
    let emu = emulator();
    let c = normal(&emu);
    let other = c.clone();
    c.query_certified_info(&query(UNVERIFIED_PK)).unwrap();
    c.set_credentials(
        Credentials::new(LIGHTWEIGHT_ACCESS_KEY_ID, LIGHTWEIGHT_ACCESS_KEY_SECRET).unwrap(),
    );
    let op = QueryCertifiedInfo::new(LIGHTWEIGHT_CUSTOMER_PK, BidType::Lightweight).unwrap();
    other.query_certified_info(&op).unwrap();
    let ids: Vec<_> = emu
        .requests()
        .into_iter()
        .map(|r| r.access_key_id)
        .collect();
    assert_eq!(
        ids,
        [
            Some(NORMAL_ACCESS_KEY_ID.to_owned()),
            Some(LIGHTWEIGHT_ACCESS_KEY_ID.to_owned())
        ]
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let e = Client::builder()
        .credentials(Credentials::new("id", "secret").unwrap())
        .crm_endpoint("http://crm-cn-hangzhou.aliyuncs.com")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Validation(_)), "{e:?}");
}

#[test]
fn an_explicit_proxy_is_where_requests_go() {
    // A second emulator stands in for the proxy. It does not tunnel, so it refuses the
    // client's CONNECT: the refusal, and a target that saw nothing, show the route.
    let target = emulator();
    let proxy = emulator();
    let c = Client::builder()
        .credentials(Credentials::new(NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET).unwrap())
        .endpoint(target.base_url())
        .proxy(proxy.base_url())
        .policy(Policy::no_retries())
        .build()
        .unwrap();
    let e = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap_err();
    let Error::Transport(t) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(t.kind(), bidcert::TransportKind::Connect, "{e:?}");
    assert!(t.message().contains("proxy"), "{e:?}");
    assert!(target.requests().is_empty());
}

#[test]
fn a_mismatch_never_shows_the_security_token() {
    let emu = emulator();
    let token = "CAIStheSecurityTokenMustNeverShow+/=";
    let creds = Credentials::new(NORMAL_ACCESS_KEY_ID, "not-the-secret")
        .unwrap()
        .with_security_token(token)
        .unwrap();
    let c = Client::builder()
        .credentials(creds)
        .endpoint(emu.base_url())
        .build()
        .unwrap();
    let e = c.query_certified_info(&query(UNVERIFIED_PK)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SignatureMismatch, "{e}");
    let shown = format!("{e} {e:?}");
    let encoded = bidcert::percent_encode(token);
    assert!(
        !shown.contains("theSecurityTokenMustNeverShow") && !shown.contains(&encoded),
        "{shown}"
    );
    assert!(shown.contains("SecurityToken%3D<redacted>"), "{shown}");
}

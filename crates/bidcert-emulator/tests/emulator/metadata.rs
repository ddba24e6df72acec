//! The ECS instance metadata service and the credentials URI, on their own port.

use std::time::{Duration, Instant};

use bidcert_core::Timestamp;
use bidcert_emulator::{demo, Emulator, EmulatorHandle, Fault, FaultKind, MetadataRequests};
use serde_json::Value;

use crate::common::*;

const TOKEN_PATH: &str = "/latest/api/token";
const CREDENTIALS: &str = "/latest/meta-data/ram/security-credentials/";
const TTL: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN: &str = "X-aliyun-ecs-metadata-token";

fn start_metadata() -> EmulatorHandle {
    Emulator::builder().metadata(true).start().unwrap()
}

fn url(emu: &EmulatorHandle, path: &str) -> String {
    format!("{}{path}", emu.metadata_url().unwrap())
}

fn get(emu: &EmulatorHandle, path: &str, token: Option<&str>) -> Reply {
    let mut req = agent().get(url(emu, path));
    if let Some(t) = token {
        req = req.header(TOKEN, t);
    }
    reply(req.call())
}

fn put_token(emu: &EmulatorHandle, ttl: Option<&str>) -> Reply {
    let mut req = agent().put(url(emu, TOKEN_PATH));
    if let Some(ttl) = ttl {
        req = req.header(TTL, ttl);
    }
    reply(req.send_empty())
}

fn role_credentials(emu: &EmulatorHandle, token: Option<&str>) -> Value {
    let r = get(emu, &format!("{CREDENTIALS}{}", demo::ECS_ROLE_NAME), token);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn unix(v: &Value) -> i64 {
    Timestamp::parse(v.as_str().unwrap()).unwrap().unix()
}

/// A Query signed with the credentials `c` (metadata or URI shape).
fn query_as(emu: &EmulatorHandle, c: &Value) -> Reply {
    let key = (
        c["AccessKeyId"].as_str().unwrap(),
        c["AccessKeySecret"].as_str().unwrap(),
    );
    let token = c["SecurityToken"].as_str().unwrap();
    call(
        emu,
        key,
        QUERY,
        &[
            ("PK", demo::PERSONAL_PK),
            ("BidType", "NORMAL"),
            ("SecurityToken", token),
        ],
    )
}

#[test]
fn the_role_is_listed_and_its_credentials_have_the_documented_shape() {
    let emu = start_metadata();
    assert_ne!(emu.metadata_url().unwrap(), emu.base_url());
    let r = get(&emu, CREDENTIALS, None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, demo::ECS_ROLE_NAME);
    let v = role_credentials(&emu, None);
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "AccessKeySecret",
            "Code",
            "Expiration",
            "LastUpdated",
            "SecurityToken"
        ]
    );
    assert_eq!(v["Code"], "Success");
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("STS."));
    let now = emu.now().unix();
    assert!(
        (unix(&v["Expiration"]) - now - 21600).abs() <= 2,
        "six hours: {v}"
    );
    assert!((unix(&v["LastUpdated"]) - now).abs() <= 2);
    // They sign requests as the instance role's reseller.
    assert_eq!(query_as(&emu, &v).status, 200);
    assert_eq!(emu.sts_credentials()[0].role_arn, demo::ECS_ROLE_ARN);
    // Not STS calls.
    assert!(emu.sts_calls().is_empty());
}

#[test]
fn imdsv2_session_tokens_are_issued_checked_and_expire_on_the_emulator_clock() {
    let emu = start_metadata();
    let r = put_token(&emu, Some("60"));
    assert_eq!(r.status, 200);
    let token = r.body.clone();
    assert!(token.len() >= 32, "{token}");
    assert_eq!(get(&emu, CREDENTIALS, Some(&token)).status, 200);
    // A token it never issued, or one whose time is up, is refused.
    assert_eq!(get(&emu, CREDENTIALS, Some("made-up")).status, 401);
    emu.set_clock_offset(61);
    assert_eq!(get(&emu, CREDENTIALS, Some(&token)).status, 401);
    // The TTL header is required, 1 to 21600.
    for ttl in [None, Some("0"), Some("21601"), Some("soon")] {
        assert_eq!(put_token(&emu, ttl).status, 400, "{ttl:?}");
    }
    assert_eq!(put_token(&emu, Some("21600")).status, 200);
    assert_eq!(get(&emu, TOKEN_PATH, None).status, 405);
}

#[test]
fn a_required_session_token_refuses_imdsv1_requests() {
    let emu = Emulator::builder()
        .metadata(true)
        .require_imdsv2(true)
        .start()
        .unwrap();
    assert_eq!(get(&emu, CREDENTIALS, None).status, 401);
    let token = put_token(&emu, Some("300")).body;
    assert_eq!(
        get(&emu, CREDENTIALS, Some(&token)).body,
        demo::ECS_ROLE_NAME
    );
    role_credentials(&emu, Some(&token));
    // Switched at run time, by the handle and the admin API.
    emu.set_require_imdsv2(false);
    assert_eq!(get(&emu, CREDENTIALS, None).status, 200);
    let r = reply(
        agent()
            .post(format!("{}/_emulator/metadata", emu.base_url()))
            .send(r#"{"require_imdsv2": true}"#),
    );
    assert_eq!(r.json()["require_imdsv2"], true);
    assert_eq!(get(&emu, CREDENTIALS, None).status, 401);
    // The credentials URI is no metadata path: it takes no token.
    assert_eq!(get(&emu, "/credentials-uri", None).status, 200);
    emu.reset();
    assert_eq!(
        get(&emu, CREDENTIALS, None).status,
        401,
        "reset keeps the builder's choice"
    );
}

#[test]
fn credentials_are_handed_out_again_until_half_their_life_then_renewed() {
    let emu = start_metadata();
    let first = role_credentials(&emu, None);
    let again = role_credentials(&emu, None);
    assert_eq!(first["AccessKeyId"], again["AccessKeyId"]);
    assert_eq!(first["SecurityToken"], again["SecurityToken"]);
    emu.set_clock_offset(3 * 3600 + 1);
    let renewed = role_credentials(&emu, None);
    assert_ne!(renewed["AccessKeyId"], first["AccessKeyId"]);
    // The old ones stay valid until they expire.
    assert_eq!(query_as(&emu, &first).status, 200);
    emu.set_clock_offset(6 * 3600 + 1);
    query_as(&emu, &first).assert_error(400, "InvalidSecurityToken.Expired");
    // A forced expiry renews at once.
    emu.set_clock_offset(0);
    let current = role_credentials(&emu, None);
    assert_eq!(emu.expire_sts_credentials(), 2);
    query_as(&emu, &current).assert_error(400, "InvalidSecurityToken.Expired");
    let fresh = role_credentials(&emu, None);
    assert_ne!(fresh["AccessKeyId"], current["AccessKeyId"]);
    assert_eq!(query_as(&emu, &fresh).status, 200);
}

#[test]
fn the_credentials_uri_answers_the_documented_shape() {
    let emu = start_metadata();
    let uri = emu.credentials_uri().unwrap();
    let r = reply(agent().get(&uri).call());
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let v = r.json();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "AccessKeySecret",
            "Code",
            "Expiration",
            "SecurityToken"
        ]
    );
    assert_eq!(v["Code"], "Success");
    assert_eq!(query_as(&emu, &v).status, 200);
    // The same credentials as the metadata service's.
    assert_eq!(
        role_credentials(&emu, None)["AccessKeyId"],
        v["AccessKeyId"]
    );
}

#[test]
fn a_hanging_metadata_service_makes_a_client_time_out_and_the_next_request_is_served() {
    let emu = start_metadata();
    emu.inject_fault(Fault::metadata(FaultKind::Hang, 1));
    let impatient: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(1)))
        .build()
        .into();
    let t = Instant::now();
    let err = impatient.get(url(&emu, CREDENTIALS)).call().unwrap_err();
    assert!(matches!(err, ureq::Error::Timeout(_)), "{err:?}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert_eq!(
        get(&emu, CREDENTIALS, None).status,
        200,
        "the fault is spent"
    );
    // API requests are not metadata requests.
    emu.inject_fault(Fault::metadata(FaultKind::Http503, 1));
    assert_eq!(usual_query(&emu).status, 200);
    assert_eq!(get(&emu, CREDENTIALS, None).status, 503);
    // And API faults spare the metadata port.
    emu.inject_fault(Fault::next(FaultKind::Http503));
    assert_eq!(get(&emu, CREDENTIALS, None).status, 200);
    assert_eq!(usual_query(&emu).status, 503);
}

#[test]
fn a_hang_does_not_hold_up_shutdown() {
    let emu = start_metadata();
    emu.inject_fault(Fault::metadata(FaultKind::Hang, 1));
    let target = url(&emu, CREDENTIALS);
    let waiting = std::thread::spawn(move || agent().get(target).call().is_err());
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    emu.shutdown();
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t.elapsed()
    );
    assert!(waiting.join().unwrap(), "the held client gets no answer");
}

#[test]
fn metadata_faults_answer_as_the_metadata_service_would() {
    let emu = start_metadata();
    let path = format!("{CREDENTIALS}{}", demo::ECS_ROLE_NAME);
    emu.inject_fault(Fault::metadata(FaultKind::MalformedBody, 1));
    let r = get(&emu, &path, None);
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<Value>(&r.body).is_err(),
        "{}",
        r.body
    );
    assert!(r.body.contains("AccessKeyId"));
    for (kind, status) in [
        (FaultKind::Http500, 500),
        (FaultKind::Http503, 503),
        (FaultKind::throttling(), 429),
        (FaultKind::NonJsonBody, 502),
    ] {
        emu.inject_fault(Fault::metadata(kind.clone(), 1));
        let r = get(&emu, &path, None);
        assert_eq!(r.status, status, "{kind:?}");
        assert!(
            serde_json::from_str::<Value>(&r.body).is_err(),
            "{kind:?}: {}",
            r.body
        );
    }
    emu.inject_fault(Fault::metadata(FaultKind::DropConnection, 1));
    assert!(agent().get(url(&emu, &path)).call().is_err());
    emu.inject_fault(Fault::metadata(
        FaultKind::Latency(Duration::from_millis(300)),
        1,
    ));
    let t = Instant::now();
    assert_eq!(get(&emu, &path, None).status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    // Through the admin API too.
    let r = reply(
        agent()
            .post(format!("{}/_emulator/faults", emu.base_url()))
            .send(r#"{"kind": "http_500", "target": "metadata"}"#),
    );
    assert_eq!(r.json()["faults"][0]["target"], "metadata");
    assert_eq!(get(&emu, CREDENTIALS, None).status, 500);
}

#[test]
fn metadata_requests_are_counted_by_kind() {
    let emu = start_metadata();
    let token = put_token(&emu, Some("60")).body;
    get(&emu, CREDENTIALS, Some(&token));
    get(
        &emu,
        &format!("{CREDENTIALS}{}", demo::ECS_ROLE_NAME),
        Some(&token),
    );
    get(
        &emu,
        &format!("{CREDENTIALS}{}", demo::ECS_ROLE_NAME),
        Some(&token),
    );
    get(&emu, "/credentials-uri", None);
    assert_eq!(get(&emu, "/latest/meta-data/instance-id", None).status, 404);
    assert_eq!(
        get(&emu, &format!("{CREDENTIALS}other-role"), None).status,
        404
    );
    let counts = emu.metadata_requests();
    assert_eq!(
        counts,
        MetadataRequests {
            total: 7,
            tokens: 1,
            listings: 1,
            credentials: 3,
            credentials_uri: 1,
        }
    );
    let v = reply(
        agent()
            .get(format!("{}/_emulator/metadata", emu.base_url()))
            .call(),
    )
    .json();
    assert_eq!(v["requests"]["total"], 7);
    assert_eq!(v["url"], emu.metadata_url().unwrap());
    assert_eq!(v["credentials_uri"], emu.credentials_uri().unwrap());
    assert_eq!(v["role_name"], demo::ECS_ROLE_NAME);
    assert_eq!(v["require_imdsv2"], false);
    // No secret in the admin view.
    assert!(!v.to_string().contains("CAIS"));
    emu.reset();
    assert_eq!(emu.metadata_requests(), MetadataRequests::default());
}

#[test]
fn without_the_option_there_is_no_metadata_port_and_without_a_role_nothing_to_list() {
    let emu = start();
    assert!(emu.metadata_url().is_none() && emu.credentials_uri().is_none());
    let mut fixture = bidcert_emulator::Fixture::demo();
    fixture.instance = None;
    let emu = Emulator::builder()
        .metadata(true)
        .fixture(fixture)
        .start()
        .unwrap();
    assert_eq!(get(&emu, CREDENTIALS, None).status, 404);
    assert_eq!(get(&emu, "/credentials-uri", None).status, 404);
}

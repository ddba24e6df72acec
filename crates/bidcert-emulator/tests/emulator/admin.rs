//! The admin API under `/_emulator/`.

use bidcert_emulator::{demo, Fault, FaultKind, FaultScope, Fixture};
use serde_json::{json, Value};

use crate::common::*;

fn admin(
    emu: &bidcert_emulator::EmulatorHandle,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Reply {
    let url = format!("{}/_emulator/{path}", emu.base_url());
    let agent = agent();
    reply(match (method, body) {
        ("GET", _) => agent.get(&url).call(),
        ("DELETE", _) => agent.delete(&url).call(),
        ("POST", Some(b)) => agent
            .post(&url)
            .header("content-type", "application/json")
            .send(b.to_string()),
        ("POST", None) => agent.post(&url).send_empty(),
        _ => unreachable!(),
    })
}

#[test]
fn state_reports_url_clock_customers_and_counts() {
    let emu = start();
    let v = admin(&emu, "GET", "state", None).json();
    assert_eq!(v["url"], emu.base_url());
    assert_eq!(v["clock"]["offset_seconds"], 0);
    assert_eq!(
        v["customers"].as_array().unwrap().len(),
        Fixture::demo().customers.len()
    );
    assert_eq!(v["requests"], 0);
}

#[test]
fn clock_moves_the_emulator_time() {
    let emu = start();
    let v = admin(&emu, "POST", "clock", Some(json!({"offset_seconds": 3600}))).json();
    assert_eq!(v["offset_seconds"], 3600);
    assert_eq!(emu.clock_offset(), 3600);
    assert_eq!(v["now"], emu.now().to_string());
    let r = admin(&emu, "POST", "clock", Some(json!({"offset": 1})));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("offset_seconds"));
}

#[test]
fn customers_can_be_verified_and_read() {
    let emu = start();
    let r = admin(
        &emu,
        "POST",
        &format!("customers/{}/verify", demo::UNVERIFIED_PK),
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["verified"], true);
    assert_eq!(
        r.json()["certificate"]["name"],
        demo::unverified_certificate().name
    );
    let r = usual_query(&emu);
    assert!(r.json()["result"]
        .as_str()
        .unwrap()
        .contains(r#""isCertified":"1""#));
    let r = admin(
        &emu,
        "GET",
        &format!("customers/{}", demo::UNVERIFIED_PK),
        None,
    );
    assert_eq!(r.json()["verified"], true);
    assert_eq!(
        admin(
            &emu,
            "POST",
            &format!("customers/{}/verify", demo::UNKNOWN_PK),
            None
        )
        .status,
        404
    );
}

#[test]
fn faults_can_be_injected_listed_and_cleared() {
    let emu = start();
    let r = admin(
        &emu,
        "POST",
        "faults",
        Some(json!({"kind": "http_503", "next": 2})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    admin(
        &emu,
        "POST",
        "faults",
        Some(json!({"kind": "latency", "latency_ms": 10, "action": QUERY})),
    );
    assert_eq!(
        emu.faults(),
        [
            Fault::new(FaultKind::Http503, FaultScope::Next(2)),
            Fault::new(
                FaultKind::Latency(std::time::Duration::from_millis(10)),
                FaultScope::Action(QUERY.into())
            ),
        ]
    );
    let listed = admin(&emu, "GET", "faults", None).json();
    assert_eq!(listed["faults"][0], json!({"kind": "http_503", "next": 2}));
    let r = admin(&emu, "POST", "faults", Some(json!({"kind": "gremlins"})));
    assert_eq!(r.status, 400);
    assert!(
        r.body.contains("http_503"),
        "the error lists the kinds: {}",
        r.body
    );
    assert_eq!(admin(&emu, "DELETE", "faults", None).status, 200);
    assert!(emu.faults().is_empty());
    // Throttling takes its retry hint, in milliseconds, or the default.
    admin(
        &emu,
        "POST",
        "faults",
        Some(json!({"kind": "throttling", "retry_after_ms": 1500})),
    );
    admin(&emu, "POST", "faults", Some(json!({"kind": "throttling"})));
    assert_eq!(
        emu.faults(),
        [
            Fault::next(FaultKind::Throttling(std::time::Duration::from_millis(
                1500
            ))),
            Fault::next(FaultKind::Throttling(std::time::Duration::from_secs(1))),
        ]
    );
    let listed = admin(&emu, "GET", "faults", None).json();
    assert_eq!(
        listed["faults"][1],
        json!({"kind": "throttling", "retry_after_ms": 1000, "next": 1})
    );
}

#[test]
fn fault_kinds_are_listed_from_the_native_list() {
    let emu = start();
    let r = admin(&emu, "GET", "faults/kinds", None);
    assert_eq!(r.status, 200);
    let kinds: Vec<String> = serde_json::from_str(&r.body).unwrap();
    assert_eq!(kinds, FaultKind::NAMES);
    assert!(kinds.iter().any(|k| k == "throttling"));
    // Every listed kind is accepted by the faults endpoint.
    for kind in &kinds {
        let body = match kind.as_str() {
            "latency" => json!({"kind": kind, "latency_ms": 1}),
            _ => json!({"kind": kind}),
        };
        let r = admin(&emu, "POST", "faults", Some(body));
        assert_eq!(r.status, 200, "{kind}: {}", r.body);
    }
    assert_eq!(emu.faults().len(), kinds.len());
    assert_eq!(admin(&emu, "POST", "faults/kinds", None).status, 405);
}

#[test]
fn demo_values_are_listed_by_name() {
    let emu = start();
    let r = admin(&emu, "GET", "demo", None);
    assert_eq!(r.status, 200);
    let values = r.json();
    assert_eq!(values.as_object().unwrap().len(), demo::VALUES.len());
    assert_eq!(values["PERSONAL_PK"], demo::PERSONAL_PK);
    assert_eq!(
        values["NORMAL_ACCESS_KEY_SECRET"],
        demo::NORMAL_ACCESS_KEY_SECRET
    );
}

#[test]
fn requests_log_and_reset() {
    let emu = start();
    query(&emu, NORMAL, demo::UNKNOWN_PK, "NORMAL");
    let log = admin(&emu, "GET", "requests", None).json();
    assert_eq!(log[0]["code"], "Invalid PK");
    assert_eq!(log[0]["status"], 404);
    assert_eq!(log[0]["action"], QUERY);
    assert!(log[0]["nonce"].is_string());
    assert!(log[0]["timestamp"].is_string());
    assert_eq!(log[0]["tls"], false);
    emu.verify_customer(demo::UNVERIFIED_PK).unwrap();
    emu.set_clock_offset(99);
    emu.inject_fault(Fault::next(FaultKind::Http500));
    assert_eq!(admin(&emu, "POST", "reset", None).status, 200);
    assert!(!emu.customer(demo::UNVERIFIED_PK).unwrap().verified);
    assert_eq!(emu.clock_offset(), 0);
    assert!(emu.faults().is_empty() && emu.requests().is_empty());
}

#[test]
fn fixture_is_served_as_it_is_now() {
    let emu = start();
    emu.verify_customer(demo::UNVERIFIED_PK).unwrap();
    let served: Fixture = serde_json::from_str(&admin(&emu, "GET", "fixture", None).body).unwrap();
    assert_eq!(served, emu.fixture());
    assert!(
        served
            .customers
            .iter()
            .find(|c| c.pk == demo::UNVERIFIED_PK)
            .unwrap()
            .verified
    );
}

#[test]
fn unknown_admin_paths_and_methods_are_refused() {
    let emu = start();
    assert_eq!(admin(&emu, "GET", "nothing", None).status, 404);
    assert_eq!(admin(&emu, "DELETE", "state", None).status, 405);
}

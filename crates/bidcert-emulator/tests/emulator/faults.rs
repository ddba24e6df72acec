//! Injected faults: each kind, each scope, and what the log keeps of them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use bidcert_core::{parse_certified_info, Error, Method, Nonce};
use bidcert_emulator::{EmulatorHandle, Fault, FaultKind, FaultScope};

use crate::common::*;

/// Sends the usual Query over a raw connection and returns everything the server sent.
fn raw_query(emu: &EmulatorHandle) -> String {
    let request = raw_post(&usual_query_params(emu));
    raw_exchange(emu, request.as_bytes(), Duration::from_secs(5))
}

#[test]
fn http_500_503_and_throttling_answer_in_the_gateway_shape() {
    let emu = start();
    for (kind, status, code) in [
        (FaultKind::Http500, 500, "InternalError"),
        (FaultKind::Http503, 503, "ServiceUnavailable"),
        (FaultKind::throttling(), 400, "Throttling.User"),
    ] {
        emu.inject_fault(Fault::next(kind.clone()));
        let r = usual_query(&emu);
        r.assert_error(status, code);
        let err = parse_certified_info(r.status, r.body.as_bytes()).unwrap_err();
        assert!(err.is_retryable(), "{kind:?}: {err}");
        emu.inject_fault(Fault::next(kind));
        let v = usual_generate(&emu).assert_error(status, code);
        assert_eq!(v["Success"], false);
    }
    assert_eq!(usual_query(&emu).status, 200, "faults are spent");
}

#[test]
fn throttling_carries_the_retry_hint_in_seconds_and_in_the_gateways_milliseconds() {
    let emu = start();
    emu.inject_fault(Fault::next(FaultKind::throttling()));
    let r = usual_query(&emu);
    r.assert_error(400, "Throttling.User");
    assert_eq!(r.header("retry-after"), Some("1"), "the default hint: 1 s");
    assert_eq!(r.header("x-acs-retry-after"), Some("1000"));
    // A hint of its own; Retry-After rounds up to whole seconds.
    emu.inject_fault(Fault::next(FaultKind::Throttling(Duration::from_millis(
        2500,
    ))));
    let r = usual_generate(&emu);
    assert_eq!(r.assert_error(400, "Throttling.User")["Success"], false);
    assert_eq!(r.header("retry-after"), Some("3"));
    assert_eq!(r.header("x-acs-retry-after"), Some("2500"));
    assert_eq!(
        emu.requests()[1].fault,
        Some(FaultKind::Throttling(Duration::from_millis(2500)))
    );
    // Other answers carry no hint.
    for kind in [FaultKind::Http503, FaultKind::Http500] {
        emu.inject_fault(Fault::next(kind));
        let r = usual_query(&emu);
        assert_eq!(r.header("retry-after"), None);
        assert_eq!(r.header("x-acs-retry-after"), None);
    }
    assert_eq!(usual_query(&emu).header("retry-after"), None);
}

#[test]
fn latency_delays_then_answers_normally() {
    let emu = start();
    emu.inject_fault(Fault::next(FaultKind::Latency(Duration::from_millis(300))));
    let t = Instant::now();
    let r = usual_query(&emu);
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200);
    let t = Instant::now();
    assert_eq!(usual_query(&emu).status, 200);
    assert!(t.elapsed() < Duration::from_millis(300));
    assert_eq!(
        emu.requests()[0].fault,
        Some(FaultKind::Latency(Duration::from_millis(300)))
    );
}

#[test]
fn latency_does_not_hold_up_other_clients() {
    let emu = start();
    emu.inject_fault(Fault::new(
        FaultKind::Latency(Duration::from_millis(1500)),
        FaultScope::Action(AAS.into()),
    ));
    std::thread::scope(|s| {
        let slow = s.spawn(|| usual_generate(&emu).status);
        std::thread::sleep(Duration::from_millis(100));
        let t = Instant::now();
        assert_eq!(usual_query(&emu).status, 200);
        assert!(t.elapsed() < Duration::from_millis(1000));
        assert_eq!(slow.join().unwrap(), 200);
    });
}

#[test]
fn drop_connection_closes_without_an_answer() {
    let emu = start();
    emu.inject_fault(Fault::next(FaultKind::DropConnection));
    assert_eq!(raw_query(&emu), "", "nothing at all was sent");
    let r = agent()
        .post(format!("{}/?x=1", emu.base_url()))
        .send_empty();
    assert!(r.is_ok(), "the next connection is served");
    let log = emu.requests();
    assert_eq!(log[0].fault, Some(FaultKind::DropConnection));
    assert_eq!(log[0].status, None);
}

#[test]
fn truncated_body_sends_half_of_a_longer_promised_body_then_closes() {
    let emu = start();
    emu.inject_fault(Fault::next(FaultKind::TruncatedBody));
    let out = raw_query(&emu);
    let (head, body) = out.split_once("\r\n\r\n").expect("headers arrive");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let promised: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .expect("a Content-Length")
        .parse()
        .unwrap();
    assert_eq!(body.len(), promised / 2, "{body}");
    assert!(body.starts_with("{\"requestId\":"));

    // A client sees an error reading it.
    emu.inject_fault(Fault::next(FaultKind::TruncatedBody));
    let params = usual_query_params(&emu);
    let url = format!("{}/?{}", emu.base_url(), query_string(&params));
    let mut resp = agent().post(&url).send_empty().unwrap();
    assert!(resp.body_mut().read_to_string().is_err());
}

#[test]
fn non_json_body_is_a_502_html_page() {
    let emu = start();
    emu.inject_fault(Fault::next(FaultKind::NonJsonBody));
    let r = usual_query(&emu);
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    match parse_certified_info(r.status, r.body.as_bytes()).unwrap_err() {
        Error::Parse(e) => assert!(e.is_retryable()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn next_n_counts_down_across_actions() {
    let emu = start();
    emu.inject_fault(Fault::new(FaultKind::Http503, FaultScope::Next(2)));
    assert_eq!(usual_query(&emu).status, 503);
    assert_eq!(usual_generate(&emu).status, 503);
    assert_eq!(usual_query(&emu).status, 200);
    assert!(emu.faults().is_empty());
}

#[test]
fn action_scope_lasts_until_cleared_and_spares_other_actions() {
    let emu = start();
    emu.inject_fault(Fault::new(
        FaultKind::throttling(),
        FaultScope::Action(QUERY.into()),
    ));
    for _ in 0..3 {
        usual_query(&emu).assert_error(400, "Throttling.User");
    }
    assert_eq!(usual_generate(&emu).status, 200);
    emu.clear_faults();
    assert_eq!(usual_query(&emu).status, 200);
}

#[test]
fn next_for_action_applies_to_that_action_only() {
    let emu = start();
    emu.inject_fault(Fault::new(
        FaultKind::Http500,
        FaultScope::NextForAction(AAS.into(), 1),
    ));
    assert_eq!(usual_query(&emu).status, 200);
    assert_eq!(usual_generate(&emu).status, 500);
    assert_eq!(usual_generate(&emu).status, 200);
}

#[test]
fn faulted_requests_are_logged_with_their_nonces() {
    let emu = start();
    emu.inject_fault(Fault::new(FaultKind::Http503, FaultScope::Next(2)));
    // A client retrying properly: a new nonce each attempt.
    let mut nonces = Vec::new();
    for _ in 0..3 {
        let nonce = Nonce::random();
        nonces.push(nonce.to_string());
        send_params(&emu, Method::Post, &usual_query_at(emu.now(), &nonce));
    }
    let log = emu.requests();
    let logged: Vec<_> = log.iter().map(|r| r.nonce.clone().unwrap()).collect();
    assert_eq!(logged, nonces);
    let statuses: Vec<_> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200)]);
    assert_eq!(log[0].code.as_deref(), Some("ServiceUnavailable"));
    assert_eq!(log[0].fault, Some(FaultKind::Http503));
    assert_eq!(log[2].fault, None);
    assert_eq!(log[2].action.as_deref(), Some(QUERY));
    assert_eq!(log[2].access_key_id.as_deref(), Some(NORMAL.0));
}

#[test]
fn a_faulted_requests_nonce_is_spent_so_a_lazy_retry_is_caught() {
    let emu = start();
    emu.inject_fault(Fault::next(FaultKind::Http503));
    let params = usual_query_params(&emu);
    assert_eq!(send_params(&emu, Method::Post, &params).status, 503);
    send_params(&emu, Method::Post, &params).assert_error(400, "SignatureNonceUsed");
}

#[test]
fn faults_spare_the_admin_api_and_the_link_page() {
    let emu = start();
    emu.inject_fault(Fault::new(FaultKind::DropConnection, FaultScope::Next(1)));
    let r = reply(
        agent()
            .get(format!("{}/_emulator/state", emu.base_url()))
            .call(),
    );
    assert_eq!(r.status, 200);
    let r = reply(
        agent()
            .get(format!("{}/cert/listCertWays.html?token=x", emu.base_url()))
            .call(),
    );
    assert_eq!(r.status, 404);
    assert_eq!(emu.faults().len(), 1, "still pending");
}

#[test]
fn dropped_keep_alive_connection_is_closed_for_good() {
    let emu = start();
    let mut s = TcpStream::connect(("127.0.0.1", emu.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(raw_post(&usual_query_params(&emu)).as_bytes())
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    emu.inject_fault(Fault::next(FaultKind::DropConnection));
    s.write_all(raw_post(&usual_query_params(&emu)).as_bytes())
        .unwrap();
    assert_eq!(s.read(&mut buf).unwrap_or(0), 0, "closed without an answer");
}

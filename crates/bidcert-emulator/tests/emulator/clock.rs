//! The emulator's clock as a client sees it: every `Date` header, and the request log a
//! clock-skew correction is checked against.

use std::time::SystemTime;

use bidcert_core::{Method, Nonce, Timestamp};
use bidcert_emulator::{demo, Emulator, EmulatorHandle, Fault, FaultKind};

use crate::common::*;

/// Twenty minutes: past the gateway's 15-minute timestamp window.
const AHEAD: i64 = 20 * 60;

/// Seconds since the epoch of a response's `Date`.
fn date_of(r: &Reply) -> i64 {
    let date = r.header("date").unwrap_or_else(|| panic!("no Date: {r:?}"));
    let at = httpdate::parse_http_date(date).unwrap_or_else(|e| panic!("{date:?}: {e}"));
    let secs = at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    i64::try_from(secs).unwrap()
}

fn assert_emulator_date(emu: &EmulatorHandle, r: &Reply, what: &str) {
    let date = date_of(r);
    assert!(
        (date - emu.now().unix()).abs() <= 2,
        "{what}: Date {date} is not the emulator's {}",
        emu.now()
    );
    let system = Timestamp::now().unix();
    assert!(
        (date - system - emu.clock_offset()).abs() <= 2,
        "{what}: Date {date} does not carry the offset"
    );
}

#[test]
fn every_answer_carries_the_emulator_clock_in_its_date_offset_included() {
    let emu = Emulator::builder().tls(true).start().unwrap();
    emu.set_clock_offset(AHEAD);
    let agent = agent();
    let base = emu.base_url().to_owned();
    let get = |path: &str| reply(agent.get(format!("{base}{path}")).call());

    assert_emulator_date(&emu, &usual_query(&emu), "a success");
    assert_emulator_date(
        &emu,
        &query(&emu, NORMAL, demo::UNKNOWN_PK, "NORMAL"),
        "a business error",
    );
    let stale = usual_query_at(Timestamp::now(), &Nonce::random());
    let r = send_params(&emu, Method::Post, &stale);
    r.assert_error(400, "InvalidTimeStamp.Expired");
    assert_emulator_date(&emu, &r, "a stale timestamp");
    for kind in [
        FaultKind::Http503,
        FaultKind::throttling(),
        FaultKind::NonJsonBody,
    ] {
        emu.inject_fault(Fault::next(kind.clone()));
        assert_emulator_date(&emu, &usual_query(&emu), kind.name());
    }
    assert_emulator_date(&emu, &get("/_emulator/state"), "the admin API");
    assert_emulator_date(&emu, &get("/no/such/path"), "an unknown path");
    assert_emulator_date(
        &emu,
        &get("/cert/listCertWays.html?token=nope"),
        "the link page",
    );
    let r = reply(agent.put(format!("{base}/")).send_empty());
    assert_eq!(r.status, 405);
    assert_emulator_date(&emu, &r, "a method not allowed");
    let r = reply(
        agent
            .post(format!("{base}/"))
            .send(vec![b'x'; bidcert_emulator::MAX_BODY_BYTES + 1]),
    );
    assert_eq!(r.status, 413);
    assert_emulator_date(&emu, &r, "a body too large");

    // Over HTTPS, the same clock.
    let ca = ureq::tls::Certificate::from_pem(emu.ca_pem().unwrap().as_bytes()).unwrap();
    let https: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::new_with_certs(&[ca]))
                .build(),
        )
        .build()
        .into();
    let url = format!(
        "{}/?{}",
        emu.https_url().unwrap(),
        query_string(&usual_query_params(&emu))
    );
    let r = reply(https.post(&url).send_empty());
    assert_eq!(r.status, 200);
    assert_emulator_date(&emu, &r, "an HTTPS success");

    // Moving the clock moves the Date.
    emu.set_clock_offset(-AHEAD);
    assert_emulator_date(&emu, &get("/_emulator/clock"), "after the clock moved back");
}

/// What a skew-correcting client does against a gateway 20 minutes ahead, and what the
/// request log shows of it.
#[test]
fn a_stale_timestamp_is_corrected_from_the_date_and_the_log_shows_both_attempts() {
    let emu = start();
    emu.set_clock_offset(AHEAD);
    // First attempt: signed with this machine's clock.
    let first = Nonce::random();
    let sent_first = Timestamp::now();
    let r = send_params(&emu, Method::Post, &usual_query_at(sent_first, &first));
    r.assert_error(400, "InvalidTimeStamp.Expired");
    // The server's Date gives the offset; the retry is signed afresh at the corrected time.
    let offset = date_of(&r) - Timestamp::now().unix();
    assert!((offset - AHEAD).abs() <= 2, "offset {offset}");
    let second = Nonce::random();
    let sent_second = Timestamp::now().plus_seconds(offset).unwrap();
    let r = send_params(&emu, Method::Post, &usual_query_at(sent_second, &second));
    assert_eq!(r.status, 200, "{}", r.body);

    let log = emu.requests();
    assert_eq!(log.len(), 2);
    let (a, b) = (&log[0], &log[1]);
    assert_eq!(a.action.as_deref(), Some(QUERY));
    assert_eq!(a.nonce.as_deref(), Some(first.as_str()));
    assert_eq!(a.timestamp.as_deref(), Some(sent_first.as_str()));
    assert_eq!(a.code.as_deref(), Some("InvalidTimeStamp.Expired"));
    assert_eq!(a.status, Some(400));
    assert_eq!(b.action.as_deref(), Some(QUERY));
    assert_eq!(b.nonce.as_deref(), Some(second.as_str()));
    assert_eq!(b.timestamp.as_deref(), Some(sent_second.as_str()));
    assert_eq!(
        (b.status, b.code.as_deref()),
        (Some(200), None),
        "a success"
    );
    assert_ne!(a.nonce, b.nonce);
    // `at` is the emulator's time, 20 minutes past the stale timestamp.
    let at = Timestamp::parse(&a.at).unwrap().unix();
    assert!((at - sent_first.unix() - AHEAD).abs() <= 2, "{}", a.at);

    // The admin API's log has the same fields.
    let v = reply(
        agent()
            .get(format!("{}/_emulator/requests", emu.base_url()))
            .call(),
    )
    .json();
    assert_eq!(v[0]["timestamp"], sent_first.as_str());
    assert_eq!(v[0]["code"], "InvalidTimeStamp.Expired");
    assert_eq!(v[0]["nonce"], first.as_str());
    assert_eq!(v[0]["action"], QUERY);
    assert_eq!(v[1]["code"], serde_json::Value::Null);
    assert_eq!(v[1]["status"], 200);
    assert_eq!(v[1]["tls"], false);
}

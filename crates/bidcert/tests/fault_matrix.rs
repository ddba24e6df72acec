//! The live fault matrix (`tests/live/fault_matrix.json`) through the Rust client: the same
//! script the C, Go and Python clients run, with the same outcomes.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bidcert::{BidType, Client, Credentials, GenerateCertWaysUrl, Policy, QueryCertifiedInfo};
use bidcert_emulator::{demo, Emulator, EmulatorHandle, Fault};
use serde_json::Value;

// The shared files' policy form, read as the core's vector runner reads it.
#[path = "../../bidcert-core/tests/support/mod.rs"]
mod support;

fn matrix() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/live/fault_matrix.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn outcome<T>(r: Result<T, bidcert::Error>) -> String {
    match r {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.kind().as_str().to_owned(),
    }
}

fn run_case(
    emu: &EmulatorHandle,
    https: bool,
    file_policy: &Value,
    case: &Value,
) -> Result<(), String> {
    emu.reset();
    emu.set_clock_offset(case["clock_offset_s"].as_i64().unwrap_or(0));
    for f in case["faults"].as_array().into_iter().flatten() {
        let fault: Fault =
            serde_json::from_value(f.clone()).map_err(|e| format!("fault {f}: {e}"))?;
        emu.inject_fault(fault);
    }
    let policy = support::policy(
        support::policy(Policy::default(), file_policy),
        &case["policy"],
    );
    let builder = Client::builder()
        .credentials(
            Credentials::new(demo::NORMAL_ACCESS_KEY_ID, demo::NORMAL_ACCESS_KEY_SECRET).unwrap(),
        )
        .policy(policy);
    let builder = match https {
        true => builder
            .endpoint(emu.https_url().unwrap())
            .ca_pem(emu.ca_pem().unwrap()),
        false => builder.endpoint(emu.base_url()),
    };
    let client = builder.build().map_err(|e| e.to_string())?;
    let mut logged = 0;
    for (i, call) in case["calls"]
        .as_array()
        .ok_or("no calls")?
        .iter()
        .enumerate()
    {
        let pk_name = call["pk"].as_str().ok_or("no pk")?;
        let pk = demo::value(pk_name).ok_or(format!("no demo value {pk_name}"))?;
        let started = Instant::now();
        let got = match call["call"].as_str() {
            Some("query_certified_info") => outcome(
                client.query_certified_info(&QueryCertifiedInfo::new(pk, BidType::Normal).unwrap()),
            ),
            Some("generate_cert_ways_url") => {
                outcome(client.generate_cert_ways_url(
                    &GenerateCertWaysUrl::new(pk, BidType::Normal).unwrap(),
                ))
            }
            other => return Err(format!("unknown call {other:?}")),
        };
        let elapsed = started.elapsed();
        std::thread::sleep(Duration::from_millis(
            call["settle_ms"].as_u64().unwrap_or(0),
        ));
        let total = emu.requests().len();
        let attempts = total - logged;
        logged = total;
        let want = &call["expect"];
        if got != want["outcome"] || attempts as u64 != want["attempts"].as_u64().unwrap_or(0) {
            return Err(format!(
                "call {i}: {got} after {attempts} attempt(s), want {} after {}",
                want["outcome"], want["attempts"]
            ));
        }
        if let Some(min) = want["min_elapsed_ms"].as_u64() {
            if elapsed < Duration::from_millis(min) {
                return Err(format!(
                    "call {i}: took {elapsed:?}, want at least {min} ms"
                ));
            }
        }
    }
    let log = emu.requests();
    if log.iter().any(|r| r.tls != https) {
        return Err(format!(
            "a request came over the other door (https: {https})"
        ));
    }
    let nonces: Vec<_> = log.into_iter().map(|r| r.nonce).collect();
    if nonces.iter().collect::<HashSet<_>>().len() != nonces.len() {
        return Err(format!("a nonce was sent twice: {nonces:?}"));
    }
    Ok(())
}

fn run_matrix(https: bool) {
    let doc = matrix();
    let emu = Emulator::builder()
        .tls(https)
        .start()
        .expect("emulator starts");
    let mut failures = Vec::new();
    let cases = doc["cases"].as_array().expect("cases");
    for case in cases {
        if let Err(why) = run_case(&emu, https, &doc["policy"], case) {
            failures.push(format!("{}: {why}", case["name"].as_str().unwrap_or("?")));
        }
    }
    assert!(
        failures.is_empty(),
        "fault matrix:\n{}",
        failures.join("\n")
    );
    println!(
        "fault matrix ({}): {} cases passed",
        if https { "https" } else { "http" },
        cases.len()
    );
}

#[test]
fn every_client_sees_the_same_outcomes_rust_http() {
    run_matrix(false);
}

#[test]
fn every_client_sees_the_same_outcomes_rust_https() {
    run_matrix(true);
}

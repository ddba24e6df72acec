//! Global options: --emulator, --profile, --timeout, --retries, -v, credentials.

use std::time::Duration;

use bidcert_emulator::{demo, Fault, FaultKind, FaultScope};

use crate::common::{bare, bidcert, emulator, json, stderr};

#[test]
fn emulator_flag_runs_any_command_in_process() {
    let out = bare()
        .args(["--emulator", "query", demo::PERSONAL_PK, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["is_certified"], true);
}

#[test]
fn emulator_flag_conflicts_with_endpoints() {
    let out = bare()
        .args([
            "--emulator",
            "--crm-endpoint",
            "http://127.0.0.1:1",
            "query",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_credentials_say_where_they_were_looked_for() {
    let emu = emulator();
    let out = bare()
        .args(["--crm-endpoint", emu.base_url(), "query", demo::PERSONAL_PK])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no usable credentials"), "{err}");
    assert!(err.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{err}");
    assert!(emu.requests().is_empty());
}

#[test]
fn profile_selects_a_section_of_the_credentials_file() {
    let emu = emulator();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credentials");
    std::fs::write(
        &file,
        format!(
            "[default]\ntype = access_key\naccess_key_id = nobody\naccess_key_secret = wrong\n\n\
             [reseller]\ntype = access_key\naccess_key_id = {}\naccess_key_secret = {}\n",
            demo::NORMAL_ACCESS_KEY_ID,
            demo::NORMAL_ACCESS_KEY_SECRET
        ),
    )
    .unwrap();
    let out = bare()
        .env("ALIBABA_CLOUD_CREDENTIALS_FILE", &file)
        .args(["--profile", "reseller", "--crm-endpoint", emu.base_url()])
        .args(["query", demo::PERSONAL_PK])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = bare()
        .env("ALIBABA_CLOUD_CREDENTIALS_FILE", &file)
        .args(["--crm-endpoint", emu.base_url(), "query", demo::PERSONAL_PK])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the default section is not a reseller's"
    );
    assert!(
        stderr(&out).contains("InvalidAccessKeyId.NotFound"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verbose_logs_each_request_but_never_the_secret() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args(["-v", "query", demo::PERSONAL_PK, "--reveal"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("action=QueryBidUserCertifiedInfo"), "{err}");
    assert!(!err.contains(demo::NORMAL_ACCESS_KEY_SECRET), "{err}");
    assert!(
        !err.contains(&demo::personal_certificate().cert_number),
        "{err}"
    );
}

#[test]
fn retries_repeat_a_retryable_failure() {
    let emu = emulator();
    emu.inject_fault(Fault::new(FaultKind::Http503, FaultScope::Next(1)));
    let out = bidcert(&emu)
        .args(["--retries", "0", "query", demo::PERSONAL_PK])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("ServiceUnavailable"),
        "{}",
        stderr(&out)
    );
    emu.inject_fault(Fault::new(FaultKind::Http503, FaultScope::Next(1)));
    let out = bidcert(&emu)
        .args(["--retries", "1", "query", demo::PERSONAL_PK])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn timeout_bounds_an_attempt() {
    let emu = emulator();
    emu.inject_fault(Fault::new(
        FaultKind::Latency(Duration::from_secs(3)),
        FaultScope::Next(1),
    ));
    let started = std::time::Instant::now();
    let out = bidcert(&emu)
        .args([
            "--timeout",
            "0.3",
            "--retries",
            "0",
            "--json",
            "query",
            demo::PERSONAL_PK,
        ])
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["code"], "bidcert.timeout");
}

#[test]
fn ca_file_trusts_the_emulators_https_port_and_untrusted_is_a_tls_error() {
    let emu = bidcert_emulator::Emulator::builder()
        .tls(true)
        .start()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, emu.ca_pem().unwrap()).unwrap();
    let https = emu.https_url().unwrap();
    let as_reseller = || {
        let mut cmd = bare();
        cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", demo::NORMAL_ACCESS_KEY_ID)
            .env(
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                demo::NORMAL_ACCESS_KEY_SECRET,
            )
            .args(["--crm-endpoint", https]);
        cmd
    };
    let out = as_reseller()
        .arg("--ca-file")
        .arg(&ca)
        .args(["query", demo::PERSONAL_PK, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["is_certified"], true);

    let out = as_reseller()
        .args(["query", demo::PERSONAL_PK, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["error"]["kind"], "tls", "{v}");
    assert_eq!(v["error"]["retryable"], false, "{v}");
}

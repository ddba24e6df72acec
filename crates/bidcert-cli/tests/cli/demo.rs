//! `demo`, `emulator`, `completions`, `--help`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::common::{bare, json, stderr, stdout};

#[test]
fn demo_tells_the_whole_story_and_exits_0() {
    let out = bare().arg("demo").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "1. Query customer",
        "certified  no",
        "/cert/listCertWays.html?token=",
        "completion  HTTP 200",
        "certified    yes (personal)",
        "SignatureDoesNotMatch (HTTP 400, RequestId ",
        "identical strings: the secret is wrong",
        "Bid Mismatch (HTTP ",
        "Done: 6 steps",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    let cert = bidcert_emulator::demo::unverified_certificate();
    assert!(!text.contains(&cert.cert_number) && !text.contains(&cert.phone));
    // Each step is explained in one line: numbered lines, each followed by indented results.
    let steps: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(char::is_numeric))
        .collect();
    assert_eq!(steps.len(), 6, "{text}");
}

#[test]
fn demo_json_is_one_object_with_six_steps() {
    let out = bare().args(["demo", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["ok"], true);
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 6);
    assert_eq!(steps[4]["result"]["code"], "SignatureDoesNotMatch");
    assert_eq!(steps[5]["result"]["code"], "Bid Mismatch");
}

#[test]
fn emulator_subcommand_serves_until_killed() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("bidcert"))
        .args(["emulator", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url: serde_json::Value = serde_json::from_str(&line).unwrap();
    let url = url["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let out = bare()
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            bidcert_emulator::demo::NORMAL_ACCESS_KEY_ID,
        )
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            bidcert_emulator::demo::NORMAL_ACCESS_KEY_SECRET,
        )
        .args([
            "--crm-endpoint",
            &url,
            "query",
            bidcert_emulator::demo::PERSONAL_PK,
        ])
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn emulator_subcommand_refuses_a_bad_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixture.json");
    std::fs::write(&path, "{\"resselers\": []}").unwrap();
    let out = bare()
        .args(["emulator", "--fixture"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("resselers"), "{}", stderr(&out));
}

#[test]
fn help_shows_examples() {
    let out = bare().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("Examples:") && text.contains("bidcert demo"),
        "{text}"
    );
    let out = bare().args(["audit", "--help"]).output().unwrap();
    assert!(stdout(&out).contains("--concurrency"));
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = bare().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        assert!(stdout(&out).contains("bidcert"), "{shell}");
    }
    let out = bare().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

//! The `bidcert-emulator` binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use bidcert_emulator::{demo, Fixture};

const BIN: &str = env!("CARGO_BIN_EXE_bidcert-emulator");

#[test]
fn first_stdout_line_is_the_url_and_the_server_answers() {
    let mut child = Command::new(BIN)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let url = v["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(line.starts_with("{\"url\": \"http://127.0.0.1:"), "{line}");
    let r = crate::common::reply(
        crate::common::agent()
            .get(format!("{url}/_emulator/state"))
            .call(),
    );
    assert_eq!(r.status, 200);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn dump_fixture_prints_the_demo_fixture_with_credentials() {
    let out = Command::new(BIN).arg("--dump-fixture").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(Fixture::from_json(&text).unwrap(), Fixture::demo());
    assert!(text.contains(demo::NORMAL_ACCESS_KEY_SECRET));
}

#[test]
fn fixture_file_is_served_and_a_bad_one_is_refused() {
    let dir = std::env::temp_dir().join(format!("bidcert-emulator-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut fixture = Fixture::demo();
    fixture.customers.truncate(1);
    let good = dir.join("good.json");
    std::fs::write(&good, fixture.to_json_pretty()).unwrap();
    let mut child = Command::new(BIN)
        .arg("--fixture")
        .arg(&good)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = serde_json::from_str::<serde_json::Value>(&line).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = crate::common::reply(
        crate::common::agent()
            .get(format!("{url}/_emulator/state"))
            .call(),
    )
    .json();
    assert_eq!(state["customers"].as_array().unwrap().len(), 1);
    child.kill().unwrap();
    child.wait().unwrap();

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"resellers": [{"access_key_id": "x"}]}"#).unwrap();
    let out = Command::new(BIN)
        .arg("--fixture")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));
    let _ = std::fs::remove_dir_all(&dir);
}

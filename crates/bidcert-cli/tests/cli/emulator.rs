//! The emulator in the foreground: the `bidcert-emulator` binary and `bidcert emulator`, one
//! runner with one set of options.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bidcert_emulator::{demo, Fixture};
use serde_json::Value;

const EMULATOR: &str = env!("CARGO_BIN_EXE_bidcert-emulator");
const BIDCERT: &str = env!("CARGO_BIN_EXE_bidcert");

/// A running emulator process and its first stdout line.
struct Running {
    child: Child,
    line: String,
}

impl Running {
    fn start(program: &str, args: &[&str]) -> Running {
        let mut child = Command::new(program)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("a first line");
        Running { child, line }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.line).unwrap_or_else(|e| panic!("{e}: {:?}", self.line))
    }

    fn url(&self, key: &str) -> String {
        self.json()[key].as_str().unwrap().to_owned()
    }

    /// Stops it as a supervisor would (SIGTERM) and returns its exit status.
    fn stop(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        self.child.wait().unwrap().code()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn plain_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

fn get_json(agent: &ureq::Agent, url: &str) -> Value {
    let mut resp = agent.get(url).call().expect("an answer");
    assert_eq!(resp.status(), 200, "{url}");
    serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap()
}

#[test]
fn first_stdout_line_is_the_url_and_the_server_answers_until_sigterm() {
    for program in [EMULATOR, BIDCERT] {
        let args: &[&str] = if program == BIDCERT {
            &["emulator", "--port", "0"]
        } else {
            &["--port", "0"]
        };
        let running = Running::start(program, args);
        assert!(
            running.line.starts_with("{\"url\": \"http://127.0.0.1:"),
            "{program}: {:?}",
            running.line
        );
        let v = running.json();
        assert_eq!(v.as_object().unwrap().len(), 1, "only url without --tls");
        let url = running.url("url");
        let state = get_json(&plain_agent(), &format!("{url}/_emulator/state"));
        assert_eq!(state["url"], url);
        assert_eq!(state["https_url"], Value::Null);
        assert_eq!(running.stop(), Some(0), "{program}: a clean stop");
    }
}

#[test]
fn tls_serves_https_with_the_ca_written_to_ca_out() {
    let dir = tempfile::tempdir().unwrap();
    for program in [EMULATOR, BIDCERT] {
        let ca = dir.path().join(format!("{}.pem", program.len()));
        let ca_arg = ca.to_str().unwrap();
        let mut args = vec!["--tls", "--ca-out", ca_arg];
        if program == BIDCERT {
            args.insert(0, "emulator");
        }
        let running = Running::start(program, &args);
        assert!(
            running.line.starts_with("{\"url\": \"https://127.0.0.1:"),
            "{:?}",
            running.line
        );
        let (https, http) = (running.url("url"), running.url("http_url"));
        assert!(http.starts_with("http://127.0.0.1:"), "{http}");
        // The CA file is complete before the line is printed.
        let pem = std::fs::read(&ca).unwrap();
        assert!(pem.starts_with(b"-----BEGIN CERTIFICATE-----"));
        let cert = ureq::tls::Certificate::from_pem(&pem).unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
                    .build(),
            )
            .build()
            .into();
        let tls = get_json(&agent, &format!("{https}/_emulator/tls"));
        assert_eq!(tls["https_url"], https);
        assert_eq!(tls["handshakes"], 1);
        assert_eq!(tls["ca_pem"].as_str().unwrap().as_bytes(), pem);
        // Plain HTTP is served beside it, with the same state.
        let state = get_json(&plain_agent(), &format!("{http}/_emulator/state"));
        assert_eq!(state["tls_handshakes"], 1);
        assert_eq!(running.stop(), Some(0));
    }
}

#[test]
fn tls_takes_the_port_of_the_printed_url() {
    // Find a free port, then ask for it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let running = Running::start(EMULATOR, &["--tls", "--port", &port]);
    assert_eq!(running.url("url"), format!("https://127.0.0.1:{port}"));
    assert_ne!(running.url("http_url"), format!("http://127.0.0.1:{port}"));
}

#[test]
fn ca_out_needs_tls_and_a_non_loopback_bind_is_refused() {
    for program in [EMULATOR, BIDCERT] {
        let mut args = vec!["--ca-out", "/tmp/never-written.pem"];
        if program == BIDCERT {
            args.insert(0, "emulator");
        }
        let out = Command::new(program).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{program}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--tls"));
        let mut args = vec!["--bind", "0.0.0.0"];
        if program == BIDCERT {
            args.insert(0, "emulator");
        }
        let out = Command::new(program).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{program}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("loopback"), "{err}");
    }
    assert!(!Path::new("/tmp/never-written.pem").exists());
}

#[test]
fn dump_fixture_prints_the_demo_fixture_with_credentials() {
    for args in [&["--dump-fixture"][..], &["emulator", "--dump-fixture"][..]] {
        let program = if args.len() == 1 { EMULATOR } else { BIDCERT };
        let out = Command::new(program).args(args).output().unwrap();
        assert!(out.status.success(), "{program}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(Fixture::from_json(&text).unwrap(), Fixture::demo());
        assert!(text.contains(demo::NORMAL_ACCESS_KEY_SECRET));
    }
}

#[test]
fn fixture_file_is_served_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut fixture = Fixture::demo();
    fixture.customers.truncate(1);
    let good = dir.path().join("good.json");
    std::fs::write(&good, fixture.to_json_pretty()).unwrap();
    let running = Running::start(EMULATOR, &["--fixture", good.to_str().unwrap()]);
    let url = running.url("url");
    let state = get_json(&plain_agent(), &format!("{url}/_emulator/state"));
    assert_eq!(state["customers"].as_array().unwrap().len(), 1);
    drop(running);

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"resellers": [{"access_key_id": "x"}]}"#).unwrap();
    for program in [EMULATOR, BIDCERT] {
        let mut args = vec!["--fixture", bad.to_str().unwrap()];
        if program == BIDCERT {
            args.insert(0, "emulator");
        }
        let out = Command::new(program).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{program}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("bad.json"), "{err}");
        assert!(out.stdout.is_empty(), "no URL line for a bad fixture");
    }
}

#[test]
fn metadata_serves_the_instance_role_and_may_require_imdsv2() {
    for program in [EMULATOR, BIDCERT] {
        let mut args = vec!["--metadata", "--require-imdsv2"];
        if program == BIDCERT {
            args.insert(0, "emulator");
        }
        let running = Running::start(program, &args);
        let line = &running.line;
        assert!(line.starts_with("{\"url\": \"http://127.0.0.1:"), "{line}");
        assert!(
            line.contains(", \"metadata_url\": \"http://127.0.0.1:"),
            "{line}"
        );
        let metadata = running.url("metadata_url");
        let listing = format!("{metadata}/latest/meta-data/ram/security-credentials/");
        let agent = plain_agent();
        let resp = agent.get(&listing).call().unwrap();
        assert_eq!(resp.status(), 401, "IMDSv2 required");
        let mut resp = agent
            .put(format!("{metadata}/latest/api/token"))
            .header("X-aliyun-ecs-metadata-token-ttl-seconds", "60")
            .send_empty()
            .unwrap();
        let token = resp.body_mut().read_to_string().unwrap();
        let mut resp = agent
            .get(&listing)
            .header("X-aliyun-ecs-metadata-token", &token)
            .call()
            .unwrap();
        assert_eq!(
            resp.body_mut().read_to_string().unwrap(),
            demo::ECS_ROLE_NAME
        );
        let uri = get_json(&agent, &format!("{metadata}/credentials-uri"));
        assert_eq!(uri["Code"], "Success");
        assert_eq!(running.stop(), Some(0));
    }
    let out = Command::new(EMULATOR)
        .arg("--require-imdsv2")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "--require-imdsv2 needs --metadata"
    );
}

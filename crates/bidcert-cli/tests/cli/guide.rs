//! The credentials guide's shell session, run as written (on free ports) against the emulator
//! binary it starts.

use std::net::TcpListener;

use assert_cmd::cargo::cargo_bin;

use crate::common::{stderr, stdout};

const GUIDE: &str = include_str!("../../../../docs/guide/credentials.md");

fn block() -> &'static str {
    const OPEN: &str = "<!-- guide:run -->\n```sh\n";
    let start = GUIDE.find(OPEN).expect("the marked block") + OPEN.len();
    let end = GUIDE[start..]
        .find("```\n<!-- end guide:run -->")
        .expect("its end");
    &GUIDE[start..start + end]
}

fn free_port() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port().to_string()
}

#[test]
fn the_credentials_guide_runs_as_written() {
    let script = block()
        .replace("8080", &free_port())
        .replace("8081", &free_port());
    let bin = cargo_bin("bidcert");
    let dir = bin.parent().unwrap();
    assert!(dir.join("bidcert-emulator").exists(), "built with the CLI");
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The script's exports and prefixes say which sources it uses.
    let out = crate::common::scrubbed("bash".as_ref())
        .args(["-euo", "pipefail", "-c", &script])
        .env_remove("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
        .env("PATH", path)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    for kind in [
        "ram_role_arn",
        "oidc_role_arn",
        "ecs_ram_role",
        "credentials_uri",
    ] {
        assert!(text.contains(kind), "{kind} in {text}");
    }
    assert!(text.contains("certified"), "the query ran: {text}");
}

//! Helpers: an emulator in this process and the binary pointed at it.

use std::path::Path;

use assert_cmd::Command;
use bidcert_emulator::{demo, Emulator, EmulatorHandle, Fixture};

/// The demo fixture served on an ephemeral port.
pub fn emulator() -> EmulatorHandle {
    emulator_with(Fixture::demo())
}

pub fn emulator_with(fixture: Fixture) -> EmulatorHandle {
    Emulator::builder()
        .fixture(fixture)
        .start()
        .expect("emulator starts")
}

/// The binary with no credentials from this machine: see [`scrubbed`].
pub fn bare() -> Command {
    let mut cmd = Command::from_std(scrubbed(
        assert_cmd::cargo::cargo_bin("bidcert").as_os_str(),
    ));
    cmd.timeout(std::time::Duration::from_secs(60));
    cmd
}

/// A loopback port nothing listens on (discard): where [`scrubbed`] points STS and the
/// metadata service, so that a provider that ever ignored its switch would be refused here.
pub const NOWHERE: &str = "http://127.0.0.1:9";

/// `program` with no credentials or profile variables of this machine, a HOME without
/// credential files, no proxy, the ECS metadata service switched off, and STS and the
/// metadata service at [`NOWHERE`]: no request of the chain can leave loopback.
pub fn scrubbed(program: &std::ffi::OsStr) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    for var in [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_PROFILE",
        "ALIBABACLOUD_PROFILE",
        "ALICLOUD_PROFILE",
        "ALIBABA_CLOUD_CONFIG_FILE",
        "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        "ALIBABA_CLOUD_ROLE_ARN",
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
        "ALIBABA_CLOUD_ROLE_SESSION_NAME",
        "ALIBABA_CLOUD_STS_REGION",
        "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED",
        "ALIBABA_CLOUD_ECS_METADATA",
        "ALIBABA_CLOUD_IMDSV1_DISABLED",
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    cmd.env("BIDCERT_STS_ENDPOINT", NOWHERE);
    cmd.env("BIDCERT_ECS_METADATA_ENDPOINT", NOWHERE);
    cmd.env(
        "HOME",
        std::env::temp_dir().join("bidcert-cli-tests-no-home"),
    );
    cmd
}

/// The binary signing as the demo NORMAL reseller (credentials in the environment), both
/// endpoints at `emu`.
pub fn bidcert(emu: &EmulatorHandle) -> Command {
    bidcert_as(
        emu,
        demo::NORMAL_ACCESS_KEY_ID,
        demo::NORMAL_ACCESS_KEY_SECRET,
    )
}

pub fn bidcert_as(emu: &EmulatorHandle, id: &str, secret: &str) -> Command {
    let mut cmd = bare();
    cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", id)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
        .args([
            "--crm-endpoint",
            emu.base_url(),
            "--aas-endpoint",
            emu.base_url(),
        ]);
    cmd
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// The one JSON object a `--json` command printed.
pub fn json(out: &std::process::Output) -> serde_json::Value {
    let text = stdout(out);
    assert_eq!(text.lines().count(), 1, "one JSON line expected: {text}");
    serde_json::from_str(&text).expect("stdout is JSON")
}

/// The sorted keys of a JSON object.
pub fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

/// JSONL rows of a file.
pub fn rows(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("rows file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect()
}

//! `bidcert credentials` and `--profile` through the default chain, against the emulator's STS
//! and metadata service.

use bidcert_emulator::{demo, Emulator, EmulatorHandle};

use crate::common::{bare, json, keys, stderr, stdout};

fn sts_emulator() -> EmulatorHandle {
    Emulator::builder()
        .metadata(true)
        .start()
        .expect("emulator starts")
}

/// A HOME with the CLI's config.json holding `profiles`.
fn home_with_config(current: &str, profiles: &[String]) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aliyun")).unwrap();
    std::fs::write(
        home.path().join(".aliyun/config.json"),
        format!(
            r#"{{"current": "{current}", "profiles": [{}]}}"#,
            profiles.join(", ")
        ),
    )
    .unwrap();
    home
}

fn ak(name: &str, id: &str, secret: &str) -> String {
    format!(
        r#"{{"name": "{name}", "mode": "AK", "access_key_id": "{id}", "access_key_secret": "{secret}"}}"#
    )
}

fn role(name: &str) -> String {
    format!(
        r#"{{"name": "{name}", "mode": "RamRoleArn", "access_key_id": "{}", "access_key_secret": "{}",
            "ram_role_arn": "{}", "ram_session_name": "cli"}}"#,
        demo::ACCOUNT_ACCESS_KEY_ID,
        demo::ACCOUNT_ACCESS_KEY_SECRET,
        demo::ROLE_ARN
    )
}

#[test]
fn credentials_prints_the_source_kind_key_and_expiry() {
    let out = bare()
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tFromEnv")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "EnvSecretNotReal")
        .args(["credentials", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(keys(&v), ["access_key_id", "expiration", "kind", "source"]);
    assert_eq!(v["source"], "environment");
    assert_eq!(v["kind"], "static");
    assert_eq!(v["access_key_id"], "LTAI5tFromEnv");
    assert_eq!(v["expiration"], serde_json::Value::Null);
    let out = bare()
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tFromEnv")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "EnvSecretNotReal")
        .args(["credentials"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("source") && text.contains("environment"),
        "{text}"
    );
    assert!(
        text.contains("LTAI5tFromEnv") && !text.contains("EnvSecretNotReal"),
        "{text}"
    );
}

#[test]
fn the_profile_selects_and_an_assumed_role_shows_its_expiry_never_its_secrets() {
    let emu = sts_emulator();
    let home = home_with_config(
        "default",
        &[ak("default", "LTAI5tNobody", "s"), role("reseller")],
    );
    let run = |args: &[&str]| {
        bare()
            .env("HOME", home.path())
            .env("BIDCERT_STS_ENDPOINT", emu.base_url())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["credentials", "--json"]);
    assert_eq!(json(&out)["access_key_id"], "LTAI5tNobody");
    let out = run(&["--profile", "reseller", "credentials", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["source"], "cli_config");
    assert_eq!(v["kind"], "ram_role_arn");
    assert!(
        v["access_key_id"].as_str().unwrap().starts_with("STS."),
        "{v}"
    );
    let expiration = v["expiration"].as_str().unwrap();
    assert!(
        bidcert::Timestamp::parse(expiration).is_ok(),
        "{expiration}"
    );
    let out = run(&["-vv", "--profile", "reseller", "credentials"]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        all.contains("ram_role_arn") && all.contains("reseller"),
        "{all}"
    );
    assert!(!all.contains(demo::ACCOUNT_ACCESS_KEY_SECRET), "{all}");
    assert!(!all.contains("CAIS"), "no security token: {all}");
    // --profile goes through the chain for API calls too: the role's keys act as the
    // NORMAL reseller.
    let out = run(&[
        "--profile",
        "reseller",
        "--crm-endpoint",
        emu.base_url(),
        "query",
        demo::PERSONAL_PK,
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["is_certified"], true);
    assert_eq!(emu.sts_call_count("AssumeRole"), 3, "one per run");
}

#[test]
fn the_instance_role_is_found_when_the_metadata_service_is_there() {
    let emu = sts_emulator();
    let out = bare()
        .env_remove("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
        .env("BIDCERT_ECS_METADATA_ENDPOINT", emu.metadata_url().unwrap())
        .args(["credentials", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        (v["source"].as_str(), v["kind"].as_str()),
        (Some("ecs_metadata"), Some("ecs_ram_role"))
    );
    assert_eq!(emu.metadata_requests().credentials, 1);
}

#[test]
fn without_credentials_it_exits_1_with_each_sources_reason() {
    let out = bare().args(["credentials"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    for line in [
        "  environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set",
        "  oidc: ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set",
        "/.aliyun/config.json: file not found",
        "/.alibabacloud/credentials: file not found",
        "  ecs_metadata: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED",
        "  credentials_uri: ALIBABA_CLOUD_CREDENTIALS_URI is not set",
    ] {
        assert!(err.contains(line), "{line:?} in {err}");
    }
    let out = bare().args(["credentials", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["error"]["kind"], "credentials");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set"));
}

#[test]
fn a_pasted_key_is_refused_naming_the_variable_before_any_request() {
    let emu = crate::common::emulator();
    let out = bare()
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            format!(" {}", demo::NORMAL_ACCESS_KEY_ID),
        )
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            demo::NORMAL_ACCESS_KEY_SECRET,
        )
        .args(["--crm-endpoint", emu.base_url(), "query", demo::PERSONAL_PK])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "environment: ALIBABA_CLOUD_ACCESS_KEY_ID must not start or end with whitespace"
        ),
        "{err}"
    );
    assert!(emu.requests().is_empty(), "nothing reached the server");
}

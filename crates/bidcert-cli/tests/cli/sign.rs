//! `sign` and `diagnose`: pure, no emulator.

use bidcert::Method;

use crate::common::{bare, json, keys, stderr, stdout};

const PARAMS: [(&str, &str); 3] = [
    ("Action", "QueryBidUserCertifiedInfo"),
    ("PK", "1234567890123456"),
    ("Note", "a b*~"),
];

fn args() -> Vec<String> {
    PARAMS.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

#[test]
fn sign_prints_the_string_to_sign_and_signature() {
    let out = bare()
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret")
        .args(["sign", "--method", "POST"])
        .args(args())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let sts = bidcert::string_to_sign(Method::Post, &PARAMS).unwrap();
    let sig = bidcert::signature(Method::Post, &PARAMS, "testsecret").unwrap();
    assert!(
        text.contains(&format!("string to sign       {sts}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("signature            {sig}")),
        "{text}"
    );
    assert!(!text.contains("testsecret"));
}

#[test]
fn sign_json_reads_the_secret_from_the_named_variable() {
    let out = bare()
        .env("MY_SECRET", "other")
        .args([
            "--json",
            "sign",
            "--method",
            "GET",
            "--secret-env",
            "MY_SECRET",
        ])
        .args(args())
        .output()
        .unwrap();
    let v = json(&out);
    assert_eq!(
        keys(&v),
        [
            "canonicalized_query",
            "method",
            "signature",
            "string_to_sign"
        ]
    );
    assert_eq!(v["method"], "GET");
    assert_eq!(
        v["signature"],
        bidcert::signature(Method::Get, &PARAMS, "other").unwrap()
    );
}

#[test]
fn sign_without_the_secret_variable_is_a_usage_error() {
    let out = bare().args(["sign", "Action=X"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sign_takes_no_secret_on_the_command_line() {
    for args in [
        &["sign", "--secret", "s", "Action=X"][..],
        &["sign", "--method", "PUT", "Action=X"],
        &["sign", "Action"],
    ] {
        let out = bare()
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

const SERVER: &str = "POST&%2F&AccessKeyId%3Did%26Action%3DX%26Format%3Djson";
const OURS: &str = "POST&%2F&AccessKeyId%3Did%26Action%3DX%26Format%3DJSON";

fn message(server_sts: &str) -> String {
    format!("Specified signature is not matched with our calculation. server string to sign is:{server_sts}")
}

/// `bidcert [GLOBAL...] diagnose --message MESSAGE --string-to-sign OURS`.
fn diagnose(global: &[&str], message: &str) -> std::process::Output {
    bare()
        .args(global)
        .args(["diagnose", "--message", message, "--string-to-sign", OURS])
        .output()
        .unwrap()
}

#[test]
fn diagnose_names_each_difference() {
    let out = diagnose(&[], &message(SERVER));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(r#"Format: we signed "JSON", the server received "json""#),
        "{text}"
    );
}

#[test]
fn diagnose_of_identical_strings_blames_the_secret() {
    let out = diagnose(&[], &message(OURS));
    assert!(stdout(&out).contains("identical strings: the secret is wrong"));
    let out = diagnose(&["--json"], &message(SERVER));
    let v = json(&out);
    assert_eq!(
        keys(&v),
        [
            "differences",
            "identical",
            "our_string_to_sign",
            "server_string_found",
            "server_string_to_sign",
            "summary"
        ]
    );
    assert_eq!(v["identical"], false);
    assert_eq!(v["differences"][0]["kind"], "different");
    assert_eq!(v["differences"][0]["name"], "Format");
}

#[test]
fn diagnose_without_a_server_string_fails() {
    let out = diagnose(&[], "Forbidden");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("server string to sign is:"),
        "{}",
        stderr(&out)
    );
}

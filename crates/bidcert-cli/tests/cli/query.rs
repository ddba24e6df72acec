//! `query` and `cert-url`: human and JSON output, masking, server errors.

use bidcert_emulator::demo;

use crate::common::{bidcert, emulator, json, keys, stderr, stdout};

#[test]
fn query_masks_personal_data_by_default() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args(["query", demo::PERSONAL_PK])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let cert = demo::personal_certificate();
    assert!(text.contains("certified    yes (personal)"), "{text}");
    assert!(text.contains(&bidcert::mask(&cert.name)), "{text}");
    assert!(text.contains(&bidcert::mask(&cert.cert_number)), "{text}");
    for secret in [&cert.name, &cert.phone, &cert.cert_number] {
        assert!(!text.contains(secret.as_str()), "{secret} shown: {text}");
    }
    assert!(stderr(&out).contains("--reveal"));
}

#[test]
fn query_reveal_shows_personal_data() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args(["query", demo::PERSONAL_PK, "--reveal"])
        .output()
        .unwrap();
    let text = stdout(&out);
    let cert = demo::personal_certificate();
    for value in [&cert.name, &cert.phone, &cert.cert_number] {
        assert!(text.contains(value.as_str()), "{value} missing: {text}");
    }
}

#[test]
fn query_json_has_stable_keys_and_masks() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args(["query", demo::ENTERPRISE_PK, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        keys(&v),
        [
            "account_cert_type",
            "cert_number",
            "cert_type",
            "cert_type_code",
            "is_certified",
            "masked",
            "name",
            "phone",
            "pk",
            "request_id"
        ]
    );
    assert_eq!(v["is_certified"], true);
    assert_eq!(v["cert_type"], "BUSINESS");
    assert_eq!(v["cert_type_code"], "9");
    assert_eq!(v["masked"], true);
    let cert = demo::enterprise_certificate();
    assert_eq!(v["cert_number"], bidcert::mask(&cert.cert_number));
    let request_id = v["request_id"].as_str().unwrap();
    assert!(emu.requests().iter().any(|r| r.request_id == request_id));

    let out = bidcert(&emu)
        .args(["--json", "query", demo::ENTERPRISE_PK, "--reveal"])
        .output()
        .unwrap();
    let v = json(&out);
    assert_eq!(v["masked"], false);
    assert_eq!(v["cert_number"], cert.cert_number.as_str());
}

#[test]
fn query_of_an_unverified_customer_has_null_fields() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args(["query", demo::UNVERIFIED_PK, "--json"])
        .output()
        .unwrap();
    let v = json(&out);
    assert_eq!(v["is_certified"], false);
    assert!(v["name"].is_null() && v["cert_type"].is_null());
    let out = bidcert(&emu)
        .args(["query", demo::UNVERIFIED_PK])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("certified  no"), "{}", stdout(&out));
}

#[test]
fn server_errors_name_the_code_and_request_id_and_exit_1() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args(["query", demo::LIGHTWEIGHT_CUSTOMER_PK])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let request_id = emu.requests().last().unwrap().request_id.clone();
    assert!(err.contains("Bid Mismatch"), "{err}");
    assert!(err.contains(&format!("RequestId {request_id}")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn server_errors_in_json_are_one_error_object() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args(["--json", "query", demo::UNKNOWN_PK])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let e = &v["error"];
    assert_eq!(
        keys(e),
        [
            "code",
            "diagnosis",
            "http_status",
            "kind",
            "message",
            "request_id",
            "retryable"
        ]
    );
    assert_eq!(e["code"], "Invalid PK");
    assert_eq!(e["kind"], "invalid_pk");
    assert_eq!(e["retryable"], false);
    assert_eq!(
        e["request_id"].as_str(),
        Some(emu.requests().last().unwrap().request_id.as_str())
    );
}

#[test]
fn a_malformed_pk_is_a_usage_error_and_sends_nothing() {
    let emu = emulator();
    let out = bidcert(&emu).args(["query", "12ab"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid PK"), "{}", stderr(&out));
    assert!(emu.requests().is_empty());
}

#[test]
fn unknown_flag_values_are_usage_errors() {
    let emu = emulator();
    for args in [
        &["query", demo::PERSONAL_PK, "--bid-type", "BIG"][..],
        &["cert-url", demo::UNVERIFIED_PK, "--platform", "tv"],
        &["cert-url", demo::UNVERIFIED_PK, "--subject-type", "robot"],
        &["query", demo::PERSONAL_PK, "--no-such-flag"],
        &["--timeout", "-1", "query", demo::PERSONAL_PK],
    ] {
        let out = bidcert(&emu).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("error:"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = bidcert(&emu)
        .args(["query", demo::PERSONAL_PK, "--bid-type", "BIG"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("NORMAL, LIGHTWEIGHT"),
        "{}",
        stderr(&out)
    );
    assert!(emu.requests().is_empty());
}

#[test]
fn bid_type_is_case_insensitive_and_sent() {
    let emu = emulator();
    let out = crate::common::bidcert_as(
        &emu,
        demo::LIGHTWEIGHT_ACCESS_KEY_ID,
        demo::LIGHTWEIGHT_ACCESS_KEY_SECRET,
    )
    .args([
        "query",
        demo::LIGHTWEIGHT_CUSTOMER_PK,
        "--bid-type",
        "lightweight",
    ])
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn cert_url_prints_the_link_and_its_expiry() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args([
            "cert-url",
            demo::UNVERIFIED_PK,
            "--platform",
            "h5",
            "--mobile",
            "--open-app",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("url         {}/cert/", emu.base_url())),
        "{text}"
    );
    assert!(text.contains("(valid 3 hours)"), "{text}");
}

#[test]
fn cert_url_json_has_stable_keys_and_a_3_hour_expiry() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args([
            "cert-url",
            demo::UNVERIFIED_PK,
            "--json",
            "--subject-type",
            "enterprise",
        ])
        .output()
        .unwrap();
    let v = json(&out);
    assert_eq!(
        keys(&v),
        [
            "expires_at",
            "issued_at",
            "origin",
            "pk",
            "request_id",
            "url"
        ]
    );
    let issued = bidcert::Timestamp::parse(v["issued_at"].as_str().unwrap()).unwrap();
    let expires = bidcert::Timestamp::parse(v["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires.unix() - issued.unix(), 3 * 3600);
    assert_eq!(v["origin"], emu.base_url());
}

#[test]
fn cert_url_for_a_verified_customer_is_already_certified() {
    let emu = emulator();
    let out = bidcert(&emu)
        .args(["cert-url", demo::PERSONAL_PK])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Already Certified"),
        "{}",
        stderr(&out)
    );
}

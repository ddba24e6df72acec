//! The gateway's checks before any action runs: key, signature, nonce, timestamp, common
//! parameters, action and version.

use bidcert_core::{string_to_sign, Method, Nonce, Timestamp};
use bidcert_emulator::{demo, Account, Emulator, Fixture};

use crate::common::*;

#[test]
fn unknown_access_key_id_is_404_invalid_access_key_id_not_found() {
    let emu = start();
    let params = signed(
        &emu,
        Method::Post,
        ("LTAI5tNobodyHasThisKey", "whatever"),
        QUERY,
        CRM_VERSION,
        &USUAL_QUERY,
    );
    let r = send_params(&emu, Method::Post, &params);
    let v = r.assert_error(404, "InvalidAccessKeyId.NotFound");
    assert_eq!(v["Message"], "InvalidAccessKeyId.NotFound");
}

#[test]
fn wrong_signature_is_signature_does_not_match_with_the_server_string_to_sign() {
    let emu = start();
    let mut params = signed(&emu, Method::Get, NORMAL, QUERY, CRM_VERSION, &USUAL_QUERY);
    params.pop();
    let expected = string_to_sign(Method::Get, &params).unwrap();
    params.push(("Signature".into(), "AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into()));
    let r = send_params(&emu, Method::Get, &params);
    let v = r.assert_error(400, "SignatureDoesNotMatch");
    assert_eq!(
        v["Message"],
        format!(
            "Specified signature is not matched with our calculation. server string to sign is:{expected}"
        )
    );
    let diagnosis =
        bidcert_core::diagnose_signature_mismatch(v["Message"].as_str().unwrap(), &expected);
    assert_eq!(diagnosis.server_string_to_sign(), Some(expected.as_str()));
    assert!(
        diagnosis.is_identical(),
        "same string, so the secret is to blame"
    );
}

/// The spec's `SignatureDoesNotMatch` example, replayed: the emulator must compute exactly
/// the string the real gateway reported.
#[test]
fn spec_example_server_string_to_sign_is_reproduced_byte_for_byte() {
    const SPEC: &str = "POST&%2F&AccessKeyId%3DLTxxxxxxg0N7cz5%26Action%3DGenerateAliyunBidCertWaysUrl%26AliyunPk%3D1039740447764893%26BidType%3DLIGHTWEIGHT%26Format%3Djson%26IsMobile%3Dtrue%26IsOpenApp%3Dtrue%26Platform%3Dpc%26SignatureMethod%3DHmac-SHA1%26SignatureNonce%3Dcac135a3-a3f3-4b11-9cc8-2479bd2c4fb2%26SignatureVersion%3D1.0%26Source%3Decs%26SubjectType%3Dall%26Timestamp%3D2021-09-28T09%253A37%253A17Z%26Version%3D2015-07-01";
    let mut fixture = Fixture::demo();
    fixture.accounts.push(Account {
        access_key_id: "LTxxxxxxg0N7cz5".into(),
        access_key_secret: "not-the-real-one".into(),
        uid: "1900000000000077".into(),
    });
    let emu = Emulator::builder().fixture(fixture).start().unwrap();
    let at = Timestamp::parse("2021-09-28T09:37:17Z").unwrap();
    emu.set_clock_offset(at.unix() - Timestamp::now().unix());
    let mut params = SPEC_EXAMPLE_PARAMS.to_vec();
    params.push(("Signature", "c29tZXRoaW5nIGVsc2UgZW50aXJlbHk="));
    let r = send_params(&emu, Method::Post, &params);
    let v = r.assert_error(400, "SignatureDoesNotMatch");
    assert_eq!(v["Success"], false, "an Aas error");
    let message = v["Message"].as_str().unwrap();
    let (_, server) = message.split_once("server string to sign is:").unwrap();
    assert_eq!(server, SPEC);
}

#[test]
fn nonce_reused_within_15_minutes_is_signature_nonce_used() {
    let emu = start();
    let nonce = Nonce::new("6d1e1f7c-0c61-4d8e-a7a5-7f3b3d0c9a11").unwrap();
    let params = usual_query_at(emu.now(), &nonce);
    assert_eq!(send_params(&emu, Method::Post, &params).status, 200);
    let again = send_params(&emu, Method::Post, &params);
    let v = again.assert_error(400, "SignatureNonceUsed");
    assert_eq!(v["Message"], "SignatureNonceUsed");

    // 14 minutes later, a fresh timestamp does not make the old nonce new.
    emu.set_clock_offset(14 * 60);
    let later = usual_query_at(emu.now(), &nonce);
    send_params(&emu, Method::Post, &later).assert_error(400, "SignatureNonceUsed");
    // Past the window it is forgotten.
    emu.set_clock_offset(16 * 60);
    let much_later = usual_query_at(emu.now(), &nonce);
    assert_eq!(send_params(&emu, Method::Post, &much_later).status, 200);
}

#[test]
fn nonce_of_a_badly_signed_request_is_not_consumed() {
    let emu = start();
    let nonce = Nonce::random();
    let at = emu.now();
    let wrong = signed_at(
        Method::Post,
        (NORMAL.0, "wrong"),
        QUERY,
        CRM_VERSION,
        &USUAL_QUERY,
        at,
        &nonce,
    );
    send_params(&emu, Method::Post, &wrong).assert_error(400, "SignatureDoesNotMatch");
    let right = usual_query_at(at, &nonce);
    assert_eq!(send_params(&emu, Method::Post, &right).status, 200);
}

#[test]
fn timestamp_more_than_15_minutes_off_is_invalid_timestamp_expired() {
    let emu = start();
    // Past the window either way it is refused; within it both ways is fine.
    for (offset, expired) in [
        (-16 * 60, true),
        (16 * 60, true),
        (-14 * 60, false),
        (14 * 60, false),
    ] {
        let at = emu.now().plus_seconds(offset).unwrap();
        let r = send_params(&emu, Method::Post, &usual_query_at(at, &Nonce::random()));
        if expired {
            let v = r.assert_error(400, "InvalidTimeStamp.Expired");
            assert!(v["Message"].as_str().unwrap().contains("expired"), "{v}");
        } else {
            assert_eq!(r.status, 200);
        }
    }
}

#[test]
fn malformed_timestamp_is_invalid_timestamp_format() {
    let emu = start();
    for bad in [
        "2026-11-23 08:00:00",
        "2026-11-23T08:00:00+08:00",
        "yesterday",
    ] {
        let mut params = without(usual_query_params(&emu), &["Signature", "Timestamp"]);
        params.push(("Timestamp".into(), bad.into()));
        sign_in_place(Method::Post, &mut params, NORMAL.1);
        send_params(&emu, Method::Post, &params).assert_error(400, "InvalidTimeStamp.Format");
    }
}

#[test]
fn missing_common_parameter_is_named_in_the_code() {
    let emu = start();
    for name in [
        "AccessKeyId",
        "Signature",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
    ] {
        let params = without(usual_query_params(&emu), &[name]);
        let v =
            send_params(&emu, Method::Post, &params).assert_error(400, &format!("Missing{name}"));
        assert!(v["Message"].as_str().unwrap().contains(name), "{v}");
    }
}

#[test]
fn missing_action_or_version_is_named_after_a_valid_signature() {
    let emu = start();
    for (name, code) in [("Action", "MissingAction"), ("Version", "MissingVersion")] {
        let mut params = without(usual_query_params(&emu), &[name, "Signature"]);
        sign_in_place(Method::Post, &mut params, NORMAL.1);
        send_params(&emu, Method::Post, &params).assert_error(400, code);
    }
}

#[test]
fn unknown_action_is_404_invalid_api_not_found() {
    let emu = start();
    let r = call(&emu, NORMAL, "DescribeRegions", &[]);
    let v = r.assert_error(404, "InvalidApi.NotFound");
    assert!(v.get("Success").is_none(), "not an Aas action: {v}");
}

#[test]
fn wrong_version_for_the_action_is_invalid_version() {
    let emu = start();
    let params = signed(&emu, Method::Post, NORMAL, QUERY, AAS_VERSION, &USUAL_QUERY);
    let v = send_params(&emu, Method::Post, &params).assert_error(400, "InvalidVersion");
    assert!(v["Message"].as_str().unwrap().contains(CRM_VERSION), "{v}");
    let aas = aas_params(demo::UNVERIFIED_PK, "NORMAL");
    let params = signed(&emu, Method::Post, NORMAL, AAS, CRM_VERSION, &aas);
    let v = send_params(&emu, Method::Post, &params).assert_error(400, "InvalidVersion");
    assert_eq!(v["Success"], false);
}

#[test]
fn duplicate_parameter_is_refused() {
    let emu = start();
    let mut params = usual_query_params(&emu);
    params.push(("PK".into(), demo::PERSONAL_PK.into()));
    let v = send_params(&emu, Method::Post, &params).assert_error(400, "InvalidParameter");
    assert!(v["Message"].as_str().unwrap().contains("PK"), "{v}");
}

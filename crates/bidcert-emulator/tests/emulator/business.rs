//! The two operations' rules and answers, as the API documents give them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use bidcert_core::{
    parse_cert_ways_url, parse_certified_info, AccountCertType, BidType, CertType,
    GenerateCertWaysUrl, Method, QueryCertifiedInfo,
};
use bidcert_emulator::demo;
use serde_json::Value;

use crate::common::*;

const NOT_BID_CRM: &str = "The interface can not be called by a non-bid account.";
const NOT_BID_AAS: &str = "The interface can not be called by a non-bid account";
const EMPTY_PK: &str =
    "The input parameter 'PK' mandatory for processing this request is not supplied.";

#[test]
fn query_of_an_unverified_customer_reports_only_pk_and_is_certified() {
    let emu = start();
    let r = usual_query(&emu);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_request_id(v["requestId"].as_str().unwrap());
    assert_eq!(
        v["result"], r#"{"aliyunPk":"1000000000000001","isCertified":"0"}"#,
        "result is a JSON string with two fields"
    );
    let info = parse_certified_info(r.status, r.body.as_bytes()).unwrap();
    assert!(!info.is_certified());
    assert_eq!(info.name(), None);
}

#[test]
fn query_of_verified_customers_reports_their_certificates() {
    let emu = start();
    let r = query(&emu, NORMAL, demo::PERSONAL_PK, "NORMAL");
    assert_eq!(r.status, 200, "{}", r.body);
    let result: Value = serde_json::from_str(r.json()["result"].as_str().unwrap()).unwrap();
    let keys: Vec<&str> = result
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "aliyunPk",
        "isCertified",
        "certNumber",
        "phone",
        "certType",
        "name",
        "accountCertType",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let info = parse_certified_info(r.status, r.body.as_bytes()).unwrap();
    let cert = demo::personal_certificate();
    assert!(info.is_certified());
    assert_eq!(info.aliyun_pk(), Some(demo::PERSONAL_PK));
    assert_eq!(info.account_cert_type(), Some(&AccountCertType::Personal));
    assert_eq!(info.cert_type(), Some(&CertType::Id));
    assert_eq!(info.name(), Some(cert.name.as_str()));
    assert_eq!(info.phone(), Some(cert.phone.as_str()));
    assert_eq!(info.cert_number(), Some(cert.cert_number.as_str()));

    let r = query(&emu, NORMAL, demo::ENTERPRISE_PK, "NORMAL");
    let info = parse_certified_info(r.status, r.body.as_bytes()).unwrap();
    assert_eq!(info.account_cert_type(), Some(&AccountCertType::Enterprise));
    assert_eq!(info.cert_type(), Some(&CertType::Business));
}

#[test]
fn generate_answers_request_id_data_and_success() {
    let emu = start();
    let at = emu.now();
    let r = usual_generate(&emu);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["Data", "RequestId", "Success"]);
    assert_eq!(v["Success"], true);
    assert_request_id(v["RequestId"].as_str().unwrap());
    let link = parse_cert_ways_url(r.status, r.body.as_bytes(), at).unwrap();
    let prefix = format!("{}/cert/listCertWays.html?token=", emu.base_url());
    assert!(link.url().starts_with(&prefix), "{}", link.url());
    assert_eq!(link.origin(), emu.base_url());
    // Every link is new.
    let again = usual_generate(&emu).json();
    assert_ne!(again["Data"], v["Data"]);
}

#[test]
fn lightweight_reseller_uses_bid_type_lightweight() {
    let emu = start();
    assert_eq!(
        query(&emu, LIGHT, demo::LIGHTWEIGHT_CUSTOMER_PK, "LIGHTWEIGHT").status,
        200
    );
    assert_eq!(
        generate(&emu, LIGHT, demo::LIGHTWEIGHT_CUSTOMER_PK, "LIGHTWEIGHT").status,
        200
    );
}

#[test]
fn non_reseller_account_is_403_not_bid() {
    let emu = start();
    let account = (demo::ACCOUNT_ACCESS_KEY_ID, demo::ACCOUNT_ACCESS_KEY_SECRET);
    let v = query(&emu, account, demo::UNVERIFIED_PK, "NORMAL").assert_error(403, "Not Bid");
    assert_eq!(v["Message"], NOT_BID_CRM);
    assert!(v.get("Success").is_none());
    let v = generate(&emu, account, demo::UNVERIFIED_PK, "NORMAL").assert_error(403, "Not Bid");
    assert_eq!(v["Message"], NOT_BID_AAS);
    assert_eq!(v["Success"], false);
}

#[test]
fn missing_or_unknown_bid_type_is_invalid_parameter_naming_it() {
    let emu = start();
    for business in [
        vec![("PK", demo::UNVERIFIED_PK)],
        vec![("PK", demo::UNVERIFIED_PK), ("BidType", "")],
        vec![("PK", demo::UNVERIFIED_PK), ("BidType", "normal")],
        vec![("PK", demo::UNVERIFIED_PK), ("BidType", "BIG")],
    ] {
        let v = call(&emu, NORMAL, QUERY, &business).assert_error(400, "InvalidParameter");
        assert!(v["Message"].as_str().unwrap().contains("BidType"), "{v}");
    }
}

#[test]
fn lower_camel_bid_type_of_the_query_table_is_accepted() {
    let emu = start();
    let r = call(
        &emu,
        NORMAL,
        QUERY,
        &[("PK", demo::UNVERIFIED_PK), ("bidType", "NORMAL")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn bid_type_other_than_the_resellers_is_403_not_bid() {
    let emu = start();
    let v = query(&emu, NORMAL, demo::UNVERIFIED_PK, "LIGHTWEIGHT").assert_error(403, "Not Bid");
    assert_eq!(v["Message"], NOT_BID_CRM);
    generate(&emu, LIGHT, demo::LIGHTWEIGHT_CUSTOMER_PK, "NORMAL").assert_error(403, "Not Bid");
}

#[test]
fn aas_without_the_grant_is_404_invalid_api_not_found() {
    let emu = start();
    let no_aas = (demo::NO_AAS_ACCESS_KEY_ID, demo::NO_AAS_ACCESS_KEY_SECRET);
    let v = generate(&emu, no_aas, demo::NO_AAS_CUSTOMER_PK, "NORMAL")
        .assert_error(404, "InvalidApi.NotFound");
    assert_eq!(v["Success"], false);
    // The same reseller may still query.
    assert_eq!(
        query(&emu, no_aas, demo::NO_AAS_CUSTOMER_PK, "NORMAL").status,
        200
    );
}

#[test]
fn empty_or_absent_pk_is_400_empty_pk() {
    let emu = start();
    for business in [
        vec![("BidType", "NORMAL")],
        vec![("PK", ""), ("BidType", "NORMAL")],
    ] {
        let v = call(&emu, NORMAL, QUERY, &business).assert_error(400, "Empty PK");
        assert_eq!(v["Message"], EMPTY_PK);
    }
    let mut aas = aas_params("", "NORMAL");
    let v = call(&emu, NORMAL, AAS, &aas).assert_error(400, "Empty PK");
    assert_eq!(v["Message"], EMPTY_PK);
    assert_eq!(v["Success"], false);
    aas.remove(0);
    call(&emu, NORMAL, AAS, &aas).assert_error(400, "Empty PK");
}

#[test]
fn unknown_pk_is_404_invalid_pk() {
    let emu = start();
    let v = query(&emu, NORMAL, demo::UNKNOWN_PK, "NORMAL").assert_error(404, "Invalid PK");
    assert_eq!(
        v["Message"],
        "The specified parameter 'PK' does not exist in our records."
    );
    generate(&emu, NORMAL, demo::UNKNOWN_PK, "NORMAL").assert_error(404, "Invalid PK");
}

#[test]
fn another_resellers_customer_is_403_bid_mismatch() {
    let emu = start();
    let v = query(&emu, NORMAL, demo::LIGHTWEIGHT_CUSTOMER_PK, "NORMAL")
        .assert_error(403, "Bid Mismatch");
    assert_eq!(v["Message"], "Pk is not belong to the Bid.");
    let v =
        generate(&emu, LIGHT, demo::UNVERIFIED_PK, "LIGHTWEIGHT").assert_error(403, "Bid Mismatch");
    assert_eq!(v["Success"], false);
}

#[test]
fn link_for_a_verified_customer_is_400_already_certified() {
    let emu = start();
    let v =
        generate(&emu, NORMAL, demo::PERSONAL_PK, "NORMAL").assert_error(400, "Already Certified");
    assert_eq!(v["Message"], "Account is already certified");
    assert_eq!(v["Success"], false);
}

#[test]
fn aas_parameters_missing_or_invalid_are_invalid_parameter_naming_the_field() {
    let emu = start();
    for (field, bad) in [
        ("Platform", "desktop"),
        ("SubjectType", "both"),
        ("Source", "ecs"),
        ("IsOpenApp", "yes"),
        ("IsMobile", "1"),
    ] {
        let base = aas_params(demo::UNVERIFIED_PK, "NORMAL");
        let without: Vec<_> = base.iter().copied().filter(|(k, _)| *k != field).collect();
        let v = call(&emu, NORMAL, AAS, &without).assert_error(400, "InvalidParameter");
        assert!(v["Message"].as_str().unwrap().contains(field), "{v}");
        assert_eq!(v["Success"], false);
        let mut invalid = without.clone();
        invalid.push((field, bad));
        let v = call(&emu, NORMAL, AAS, &invalid).assert_error(400, "InvalidParameter");
        assert!(v["Message"].as_str().unwrap().contains(field), "{v}");
    }
}

#[test]
fn requests_signed_by_the_core_signer_are_answered() {
    let emu = start();
    let agent = agent();
    let signer = signer(&emu, NORMAL);
    let op = QueryCertifiedInfo::new(demo::PERSONAL_PK, BidType::Normal).unwrap();
    assert_eq!(send_op(&emu, &agent, &signer, &op).status, 200);
    let op = GenerateCertWaysUrl::new(demo::UNVERIFIED_PK, BidType::Normal).unwrap();
    assert_eq!(send_op(&emu, &agent, &signer, &op).status, 200);
}

#[test]
fn get_and_a_form_body_post_are_accepted() {
    let emu = start();
    let business = USUAL_QUERY;
    let params = signed(&emu, Method::Get, NORMAL, QUERY, CRM_VERSION, &business);
    assert_eq!(send_params(&emu, Method::Get, &params).status, 200);

    // POST with the parameters split between query string and form body.
    let params = signed(&emu, Method::Post, NORMAL, QUERY, CRM_VERSION, &business);
    let (in_query, in_body) = params.split_at(3);
    let url = format!("{}/?{}", emu.base_url(), query_string(in_query));
    let r = reply(
        agent()
            .post(&url)
            .send_form(in_body.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    // A GET signature does not verify as a POST.
    let params = signed(&emu, Method::Get, NORMAL, QUERY, CRM_VERSION, &business);
    let v = send_params(&emu, Method::Post, &params).assert_error(400, "SignatureDoesNotMatch");
    assert!(v["Message"].as_str().unwrap().contains("is:POST&%2F&"));
}

#[test]
fn any_host_is_accepted_and_reported_as_host_id() {
    let emu = start();
    let params = signed(
        &emu,
        Method::Post,
        NORMAL,
        QUERY,
        CRM_VERSION,
        &[("PK", demo::UNKNOWN_PK), ("BidType", "NORMAL")],
    );
    let request = format!(
        "POST /?{} HTTP/1.1\r\nHost: crm-cn-hangzhou.aliyuncs.com\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        query_string(&params)
    );
    let mut s = TcpStream::connect(("127.0.0.1", emu.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 404"), "{out}");
    assert!(
        out.contains(r#""HostId":"crm-cn-hangzhou.aliyuncs.com""#),
        "{out}"
    );
}

#[test]
fn every_answer_has_a_fresh_request_id_json_and_the_emulator_date() {
    let emu = start();
    emu.set_clock_offset(-86_400);
    let mut ids = std::collections::HashSet::new();
    for _ in 0..5 {
        let r = usual_query(&emu);
        assert_eq!(r.status, 200);
        assert!(ids.insert(r.json()["requestId"].as_str().unwrap().to_owned()));
        assert_eq!(
            r.header("content-type"),
            Some("application/json;charset=utf-8")
        );
        let date = httpdate_secs(r.header("date").unwrap());
        assert!(
            (date - emu.now().unix()).abs() <= 2,
            "Date follows the emulator clock"
        );
        let r = query(&emu, NORMAL, demo::UNKNOWN_PK, "NORMAL");
        assert!(ids.insert(r.json()["RequestId"].as_str().unwrap().to_owned()));
    }
}

/// Seconds since the epoch of an HTTP date (`Mon, 23 Nov 2026 08:00:00 GMT`).
fn httpdate_secs(s: &str) -> i64 {
    let at = httpdate::parse_http_date(s).unwrap();
    let secs = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    i64::try_from(secs).unwrap()
}

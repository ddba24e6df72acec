//! Runs every shared vector file in `tests/vectors/` and every file named in
//! `BIDCERT_EXTRA_VECTORS`, stage by stage, and names each failing case.

use std::path::{Path, PathBuf};

use bidcert_core::{
    canonicalized_query, diagnose_signature_mismatch, parse_cert_ways_url, parse_certified_info,
    parse_fast_auth_event, signature, string_to_sign, Error, Method, Timestamp,
};
use serde_json::{json, Value};

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "expected the four vector files in {}",
        dir.display()
    );
    if let Ok(extra) = std::env::var("BIDCERT_EXTRA_VECTORS") {
        files.extend(
            extra
                .split(':')
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
        );
    }
    files
}

fn s(v: &Value) -> Option<&str> {
    v.as_str()
}

fn check_signing(case: &Value) -> Result<(), String> {
    let method: Method = case["method"]
        .as_str()
        .unwrap_or("")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let params: Vec<(String, String)> = case["params"]
        .as_array()
        .ok_or("params is not an array")?
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let stage = |name: &str, got: String, want: &Value| match s(want) {
        Some(w) if w == got => Ok(()),
        Some(w) => Err(format!("stage {name}:\n   got  {got}\n   want {w}")),
        None => Ok(()),
    };
    stage(
        "canonicalized_query",
        canonicalized_query(&params).map_err(|e| e.to_string())?,
        &case["canonicalized_query"],
    )?;
    stage(
        "string_to_sign",
        string_to_sign(method, &params).map_err(|e| e.to_string())?,
        &case["string_to_sign"],
    )?;
    let secret = case["access_key_secret"]
        .as_str()
        .ok_or("no access_key_secret")?;
    stage(
        "signature",
        signature(method, &params, secret).map_err(|e| e.to_string())?,
        &case["signature"],
    )
}

fn opt(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| json!(s))
}

fn error_json(e: &Error) -> Value {
    match e {
        Error::Api(a) => json!({
            "kind": a.kind().as_str(), "code": a.code(), "message": a.message(),
            "request_id": opt(a.request_id()), "http_status": a.http_status(),
            "retryable": a.is_retryable(),
        }),
        Error::Parse(p) => json!({"kind": "parse", "http_status": p.http_status()}),
        Error::Validation(v) => json!({"kind": "validation", "field": v.field()}),
        other => json!({"kind": format!("{other:?}")}),
    }
}

/// Compares only the keys the vector gives.
fn subset(got: &Value, want: &Value) -> Result<(), String> {
    for (k, w) in want.as_object().ok_or("expectation is not an object")? {
        if &got[k] != w {
            return Err(format!("{k}: got {} want {w}", got[k]));
        }
    }
    Ok(())
}

fn check_response(case: &Value) -> Result<(), String> {
    let status = case["status"].as_u64().ok_or("no status")? as u16;
    let body = case["body"].as_str().ok_or("no body")?.as_bytes();
    let got = match case["operation"].as_str() {
        Some("query_certified_info") => parse_certified_info(status, body).map(|i| {
            json!({
                "request_id": opt(i.request_id()), "aliyun_pk": opt(i.aliyun_pk()),
                "is_certified": i.is_certified(),
                "account_cert_type": opt(i.account_cert_type().map(|t| t.as_str())),
                "name": opt(i.name()), "phone": opt(i.phone()),
                "cert_type": opt(i.cert_type().map(|t| t.name())),
                "cert_number": opt(i.cert_number()),
            })
        }),
        Some("generate_cert_ways_url") => {
            let at = Timestamp::parse(case["issued_at"].as_str().ok_or("no issued_at")?)
                .map_err(|e| e.to_string())?;
            parse_cert_ways_url(status, body, at).map(|u| {
                json!({"request_id": opt(u.request_id()), "url": u.url(), "expires_at": u.expires_at().as_str()})
            })
        }
        other => return Err(format!("unknown operation {other:?}")),
    };
    match (got, case.get("expect"), case.get("error")) {
        (Ok(v), Some(want), _) => subset(&v, want),
        (Err(e), _, Some(want)) => subset(&error_json(&e), want),
        (Ok(v), None, _) => Err(format!("expected an error, got {v}")),
        (Err(e), _, None) => Err(format!("expected success, got {e} ({})", error_json(&e))),
    }
}

fn check_event(case: &Value) -> Result<(), String> {
    let got = parse_fast_auth_event(
        case["data"].as_str().ok_or("no data")?,
        case["origin"].as_str(),
        case["expected_origin"].as_str(),
    );
    match (got, case.get("expect"), case.get("error")) {
        (Ok(e), Some(want), _) => subset(
            &json!({"type": e.kind().as_str(), "success": e.success(), "reason": opt(e.reason()), "ends_flow": e.ends_flow()}),
            want,
        ),
        (Err(e), _, Some(want)) => subset(&json!({"kind": e.kind()}), want),
        (Ok(e), None, _) => Err(format!("expected an error, got {e:?}")),
        (Err(e), _, None) => Err(format!("expected an event, got {e}")),
    }
}

fn check_diagnosis(case: &Value) -> Result<(), String> {
    let d = diagnose_signature_mismatch(
        case["server_message"].as_str().ok_or("no server_message")?,
        case["string_to_sign"].as_str().ok_or("no string_to_sign")?,
    );
    let diffs: Vec<Value> = d
        .differences()
        .iter()
        .map(|d| {
            // The accessors every binding uses; absent sides are left out, as in the vectors.
            let mut v = json!({"kind": d.kind()});
            for (key, value) in [
                ("name", d.name()),
                ("ours", d.ours()),
                ("server", d.server()),
            ] {
                if let Some(value) = value {
                    v[key] = json!(value);
                }
            }
            v
        })
        .collect();
    subset(
        &json!({"server_string_found": d.server_string_to_sign().is_some(), "identical": d.is_identical(), "differences": diffs}),
        &case["expect"],
    )
}

#[test]
fn vectors() {
    let mut failures = Vec::new();
    let mut passed = 0;
    for file in vector_files() {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read vector file {}: {e}", file.display()));
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("vector file {} is not JSON: {e}", file.display()));
        let check: fn(&Value) -> Result<(), String> = match doc["kind"].as_str() {
            Some("signing") => check_signing,
            Some("responses") => check_response,
            Some("fast_auth_events") => check_event,
            Some("diagnosis") => check_diagnosis,
            other => panic!("{}: unknown vector kind {other:?}", file.display()),
        };
        for case in doc["cases"].as_array().expect("cases") {
            let name = case["name"].as_str().unwrap_or("<unnamed>");
            match check(case) {
                Ok(()) => passed += 1,
                Err(why) => failures.push(format!("{} :: {name}: {why}", file.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} vector case(s) failed ({passed} passed):\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{passed} vector cases passed");
}

//! `bidcert demo`: the whole flow against the built-in emulator, each step explained in one
//! line, server codes shown verbatim. Exits 0 only when every step behaved as documented.

use bidcert::{
    BidType, CertWaysUrl, Client, Credentials, ErrorKind, GenerateCertWaysUrl, QueryCertifiedInfo,
};
use bidcert_emulator::{demo, Emulator};
use serde_json::{json, Value};

use crate::context::{demo_credentials, start_emulator};
use crate::failure::{one_line, CliError, EXIT_OK};
use crate::render;

/// The steps so far, printed as they happen (human) or gathered into one object (`--json`).
struct Story {
    json: bool,
    steps: Vec<Value>,
}

impl Story {
    fn step(&mut self, explanation: &str, fields: Vec<(&'static str, String)>, detail: Value) {
        let n = self.steps.len() + 1;
        if self.json {
            self.steps
                .push(json!({"step": n, "explanation": explanation, "result": detail}));
            return;
        }
        render::print_line(&format!("{n}. {explanation}"));
        render::print_fields_indented("   ", &fields);
        self.steps.push(Value::Null);
    }
}

fn unexpected(what: impl std::fmt::Display) -> CliError {
    CliError::Failed(format!("demo: unexpected: {what}"))
}

/// `CODE (HTTP n, RequestId id)` of a server error.
fn server_code(e: &bidcert::ApiError) -> String {
    format!(
        "{} (HTTP {}, RequestId {})",
        e.code(),
        e.http_status(),
        e.request_id().unwrap_or("-")
    )
}

/// Opens the link's page and presses its success button, as the customer's browser would.
fn complete_link(link: &CertWaysUrl) -> Result<(u16, u16), CliError> {
    let url = link.url();
    let token = url
        .split_once("token=")
        .map(|(_, t)| t.split('&').next().unwrap_or(""))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unexpected(format!("the link {url} has no token")))?;
    let origin = bidcert::Endpoint::new(link.origin()).map_err(unexpected)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .build()
        .into();
    let page = agent
        .get(url)
        .call()
        .map_err(|e| unexpected(format!("opening the link: {e}")))?
        .status()
        .as_u16();
    let done = agent
        .post(format!("{origin}/cert/complete?token={token}"))
        .send_empty()
        .map_err(|e| unexpected(format!("completing the verification: {e}")))?
        .status()
        .as_u16();
    Ok((page, done))
}

pub(crate) fn run(json: bool) -> Result<i32, CliError> {
    let emulator = start_emulator(Emulator::builder())?;
    let base = emulator.base_url().to_owned();
    let client = Client::builder()
        .credentials(demo_credentials())
        .endpoint(base.clone())
        .build()?;
    if !json {
        render::print_line(&format!(
            "bidcert demo: the whole flow against the built-in emulator at {base},\n\
             signing as the demo NORMAL reseller (AccessKeyId {}).\n",
            demo::NORMAL_ACCESS_KEY_ID
        ));
    }
    let mut story = Story {
        json,
        steps: Vec::new(),
    };
    let pk = demo::UNVERIFIED_PK;
    let query = QueryCertifiedInfo::new(pk, BidType::Normal)?;

    let before = client.query_certified_info(&query)?;
    if before.is_certified() {
        return Err(unexpected(format!("{pk} is verified already")));
    }
    story.step(
        &format!("Query customer {pk} (QueryBidUserCertifiedInfo): not verified yet."),
        render::certified_info_fields(pk, &before, false)
            .into_iter()
            .skip(1)
            .collect(),
        render::certified_info_json(pk, &before, false),
    );

    let link = client.generate_cert_ways_url(&GenerateCertWaysUrl::new(pk, BidType::Normal)?)?;
    story.step(
        "Generate its verification link (GenerateAliyunBidCertWaysUrl) to embed in your page.",
        render::cert_ways_url_fields(pk, &link)
            .into_iter()
            .filter(|(l, _)| matches!(*l, "url" | "expires at" | "RequestId"))
            .collect(),
        render::cert_ways_url_json(pk, &link),
    );

    let (page, done) = complete_link(&link)?;
    if page != 200 || done != 200 {
        return Err(unexpected(format!(
            "the link's page answered HTTP {page}, its completion HTTP {done}"
        )));
    }
    story.step(
        "The customer opens the link and completes verification (the page's success button).",
        vec![
            ("page", format!("HTTP {page}")),
            (
                "completion",
                format!("HTTP {done} (the page then posts aliyun_fast_auth_success)"),
            ),
        ],
        json!({"page_status": page, "completion_status": done}),
    );

    let after = client.query_certified_info(&query)?;
    if !after.is_certified() {
        return Err(unexpected(format!("{pk} is still not verified")));
    }
    story.step(
        "Query again: verified; name, phone and cert number masked (`query --reveal` shows them).",
        render::certified_info_fields(pk, &after, false)
            .into_iter()
            .skip(1)
            .collect(),
        render::certified_info_json(pk, &after, false),
    );

    let wrong = Credentials::new(demo::NORMAL_ACCESS_KEY_ID, "not-the-secret")?;
    let impostor = Client::builder()
        .credentials(wrong)
        .endpoint(base.clone())
        .build()?;
    let e = match impostor.query_certified_info(&query) {
        Err(e) if e.kind() == ErrorKind::SignatureMismatch => e,
        Err(e) => return Err(unexpected(e)),
        Ok(_) => return Err(unexpected("a wrong secret was accepted")),
    };
    let api = e.api_error().ok_or_else(|| unexpected(&e))?;
    let diagnosis = api
        .diagnosis()
        .map(|d| d.to_string())
        .ok_or_else(|| unexpected("SignatureDoesNotMatch without a diagnosis"))?;
    story.step(
        "Sign with a wrong secret: the server refuses; the diagnosis compares its string to sign with ours.",
        vec![
            ("server code", server_code(api)),
            ("diagnosis", diagnosis.clone()),
        ],
        json!({"code": api.code(), "request_id": api.request_id(), "diagnosis": diagnosis}),
    );

    let other = demo::LIGHTWEIGHT_CUSTOMER_PK;
    let e = match client.query_certified_info(&QueryCertifiedInfo::new(other, BidType::Normal)?) {
        Err(e) if e.kind() == ErrorKind::BidMismatch => e,
        Err(e) => return Err(unexpected(e)),
        Ok(_) => return Err(unexpected("another reseller's customer was answered")),
    };
    let api = e.api_error().ok_or_else(|| unexpected(&e))?;
    story.step(
        &format!(
            "Query {other}, a customer of another (LIGHTWEIGHT) reseller: the server refuses."
        ),
        vec![
            ("server code", server_code(api)),
            ("message", one_line(api.message())),
        ],
        json!({"code": api.code(), "request_id": api.request_id(), "message": api.message()}),
    );

    emulator.shutdown();
    if json {
        render::print_json(&json!({"emulator": base, "steps": story.steps, "ok": true}));
    } else {
        render::print_line(&format!(
            "\nDone: {} steps, each as documented. Against production: set \
             ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET and run `bidcert query PK`.",
            story.steps.len()
        ));
    }
    Ok(EXIT_OK)
}

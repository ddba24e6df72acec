//! The verification link: its page, its FastAuthc events, completion and expiry.

use std::process::Command;

use bidcert_core::{parse_certified_info, parse_fast_auth_event, FastAuthEventKind};
use bidcert_emulator::{demo, EmulatorHandle};

use crate::common::*;

fn link(emu: &EmulatorHandle, key: (&str, &str), pk: &str, bid_type: &str) -> String {
    let r = generate(emu, key, pk, bid_type);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["Data"].as_str().unwrap().to_owned()
}

fn get(url: &str) -> Reply {
    reply(agent().get(url).call())
}

fn complete(emu: &EmulatorHandle, link: &str) -> Reply {
    let token = link.split_once("token=").unwrap().1;
    let url = format!("{}/cert/complete?token={token}", emu.base_url());
    reply(agent().post(&url).send_empty())
}

const BUTTONS: [(&str, &str); 6] = [
    ("success", "aliyun_fast_auth_success"),
    ("fail", "aliyun_fast_auth_fail"),
    ("later", "aliyun_fast_auth_later"),
    ("another-way", "aliyun_fast_auth_another_authc_way"),
    ("re-authc", "aliyun_fast_auth_re_authc"),
    ("open-alipay", "aliyun_fast_auth_open_alipay"),
];

#[test]
fn link_page_is_self_contained_with_the_documented_buttons_and_events() {
    let emu = start();
    let r = get(&link(&emu, NORMAL, demo::UNVERIFIED_PK, "NORMAL"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html;charset=utf-8"));
    let html = r.body;
    for (id, event) in BUTTONS {
        assert!(html.contains(&format!("id=\"{id}\"")), "button #{id}");
        assert!(html.contains(event), "event {event}");
    }
    assert!(html.contains("id=\"reason\""));
    assert!(html.contains("aliyun_fast_auth_init"));
    assert!(html.contains("window.parent.postMessage("));
    for external in ["src=", "href=", "http://", "https://", "@import"] {
        assert!(
            !html.contains(external),
            "no external resource ({external})"
        );
    }
}

#[test]
fn completing_the_link_flips_query_to_certified_with_the_fixture_certificate() {
    let emu = start();
    let url = link(&emu, NORMAL, demo::UNVERIFIED_PK, "NORMAL");
    let before = usual_query(&emu);
    assert!(!parse_certified_info(200, before.body.as_bytes())
        .unwrap()
        .is_certified());

    let done = complete(&emu, &url);
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.json()["Success"], true);

    let after = usual_query(&emu);
    let info = parse_certified_info(after.status, after.body.as_bytes()).unwrap();
    assert!(info.is_certified());
    assert_eq!(
        info.name(),
        Some(demo::unverified_certificate().name.as_str())
    );
    usual_generate(&emu).assert_error(400, "Already Certified");
}

#[test]
fn customer_without_certificate_data_reports_the_placeholder_once_verified() {
    let emu = start();
    let mut params = aas_params(demo::LIGHTWEIGHT_CUSTOMER_PK, "LIGHTWEIGHT");
    params.retain(|(k, _)| *k != "SubjectType");
    params.push(("SubjectType", "enterprise"));
    let r = call(&emu, LIGHT, AAS, &params);
    assert_eq!(
        complete(&emu, r.json()["Data"].as_str().unwrap()).status,
        200
    );
    let r = query(&emu, LIGHT, demo::LIGHTWEIGHT_CUSTOMER_PK, "LIGHTWEIGHT");
    let info = parse_certified_info(r.status, r.body.as_bytes()).unwrap();
    assert!(info.is_certified());
    assert_eq!(info.account_cert_type().unwrap().as_str(), "enterprise");
    assert_eq!(info.cert_type().unwrap().code(), "9");
}

#[test]
fn link_expires_after_three_hours_of_emulator_clock() {
    let emu = start();
    let url = link(&emu, NORMAL, demo::UNVERIFIED_PK, "NORMAL");
    emu.set_clock_offset(3 * 3600 - 60);
    assert_eq!(get(&url).status, 200, "still valid a minute before");
    emu.set_clock_offset(3 * 3600);
    let r = get(&url);
    assert_eq!(r.status, 410);
    assert!(r.body.contains("expired"), "{}", r.body);
    assert!(
        !r.body.contains("postMessage"),
        "an expired link posts nothing"
    );
    let done = complete(&emu, &url);
    assert_eq!(done.status, 410);
    assert!(!emu.customer(demo::UNVERIFIED_PK).unwrap().verified);
}

#[test]
fn unknown_token_is_a_404_page_that_posts_nothing() {
    let emu = start();
    let r = get(&format!(
        "{}/cert/listCertWays.html?token=feedface",
        emu.base_url()
    ));
    assert_eq!(r.status, 404);
    assert!(r.body.contains("not valid"), "{}", r.body);
    assert!(!r.body.contains("postMessage"));
    let r = get(&format!("{}/cert/listCertWays.html", emu.base_url()));
    assert_eq!(r.status, 404);
    // A reset forgets issued links.
    let url = link(&emu, NORMAL, demo::UNVERIFIED_PK, "NORMAL");
    emu.reset();
    assert_eq!(get(&url).status, 404);
}

/// Runs the page's script in Node with a stub DOM and the real emulator behind `fetch`,
/// clicks every button, and reads what it posted to its parent.
#[test]
fn page_script_posts_every_event_and_success_marks_the_customer_verified() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("node not found: the page script is not executed");
        return;
    }
    let emu = start();
    let url = link(&emu, NORMAL, demo::UNVERIFIED_PK, "NORMAL");
    let html = get(&url).body;
    let script = html
        .split_once("<script>")
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .unwrap()
        .0;
    let dir = std::env::temp_dir().join(format!("bidcert-emulator-page-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("page.js"), script).unwrap();
    std::fs::write(dir.join("harness.js"), HARNESS).unwrap();
    let out = Command::new("node")
        .arg(dir.join("harness.js"))
        .arg(dir.join("page.js"))
        .arg(emu.base_url())
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let posted: Vec<(String, String)> = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<FastAuthEventKind> = posted
        .iter()
        .map(|(data, target)| {
            assert_eq!(target, "*");
            let event = parse_fast_auth_event(data, None, None).unwrap();
            assert!(event.success());
            if event.kind() == &FastAuthEventKind::Fail {
                assert_eq!(event.reason(), Some("name mismatch"));
            }
            event.kind().clone()
        })
        .collect();
    use FastAuthEventKind::*;
    assert_eq!(
        kinds,
        [
            Init,
            Fail,
            Later,
            AnotherAuthcWay,
            ReAuthc,
            OpenAlipay,
            Success
        ]
    );
    assert!(emu.customer(demo::UNVERIFIED_PK).unwrap().verified);
}

const HARNESS: &str = r#"
const fs = require("fs");
const [scriptPath, base] = process.argv.slice(2);
const posted = [];
const elements = {};
function el(id) {
  if (!elements[id]) {
    elements[id] = { id, value: "", textContent: "", handlers: {},
      addEventListener(type, f) { this.handlers[type] = f; } };
  }
  return elements[id];
}
globalThis.window = { parent: { postMessage(data, target) { posted.push([JSON.stringify(data), target]); } } };
globalThis.document = { getElementById: el };
const realFetch = globalThis.fetch;
globalThis.fetch = (url, options) => realFetch(base + url, options);
new Function(fs.readFileSync(scriptPath, "utf8"))();
(async () => {
  el("reason").value = "name mismatch";
  for (const id of ["fail", "later", "another-way", "re-authc", "open-alipay", "success"]) {
    el(id).handlers.click();
  }
  for (let i = 0; i < 250 && posted.length < 7; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  process.stdout.write(JSON.stringify(posted));
})();
"#;

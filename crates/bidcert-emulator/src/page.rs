//! The verification link's page: plays the FastAuthc events to its parent window, and its
//! success button marks the customer verified.

use bidcert_core::Timestamp;
use serde_json::json;

use crate::state::{Link, State};

/// Where a link points, under the emulator's base URL.
pub(crate) const PAGE_PATH: &str = "/cert/listCertWays.html";
/// Where the page's success button posts.
pub(crate) const COMPLETE_PATH: &str = "/cert/complete";

/// A link as found at emulator time `now`.
enum Lookup<'a> {
    Valid(&'a Link),
    Expired(&'a Link),
    Unknown,
}

fn lookup<'a>(state: &'a State, token: Option<&str>) -> Lookup<'a> {
    match token.and_then(|t| state.links.get(t)) {
        None => Lookup::Unknown,
        Some(link) if state.now().unix() >= link.expires_at() => Lookup::Expired(link),
        Some(link) => Lookup::Valid(link),
    }
}

fn time(unix: i64) -> String {
    Timestamp::from_unix(unix).map_or_else(|_| unix.to_string(), |t| t.to_string())
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page for `token`: 200 with the buttons, 404 for an unknown token, 410 once expired.
pub(crate) fn page(state: &State, token: Option<&str>) -> (u16, String) {
    match lookup(state, token) {
        Lookup::Unknown => (
            404,
            error_page(
                "Unknown verification link",
                "This verification link is not valid: the emulator never issued its token \
                 (or was reset since). Ask the reseller for a new link.",
            ),
        ),
        Lookup::Expired(link) => (
            410,
            error_page(
                "Verification link expired",
                &format!(
                    "This verification link has expired: it was issued at {} and was valid \
                     for 3 hours, until {}; the emulator's time is now {}. Ask the reseller \
                     for a new link.",
                    time(link.issued_at),
                    time(link.expires_at()),
                    state.now()
                ),
            ),
        ),
        Lookup::Valid(link) => (200, verification_page(token.unwrap_or(""), link)),
    }
}

/// The success button's request: marks the link's customer verified.
pub(crate) fn complete(state: &mut State, token: Option<&str>) -> (u16, serde_json::Value) {
    let (pk, enterprise_only) = match lookup(state, token) {
        Lookup::Unknown => {
            return (
                404,
                json!({"Success": false, "Message": "Unknown verification link."}),
            )
        }
        Lookup::Expired(_) => {
            return (
                410,
                json!({"Success": false, "Message": "The verification link has expired."}),
            )
        }
        Lookup::Valid(link) => (link.pk.clone(), link.enterprise_only),
    };
    match state.verify_customer(&pk, enterprise_only) {
        Ok(_) => (200, json!({"Success": true, "AliyunPk": pk})),
        Err(e) => (404, json!({"Success": false, "Message": e.to_string()})),
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;\
padding:0 1em;color:#222}button{margin:.25em .25em .25em 0;padding:.4em .8em}\
input{padding:.35em;width:20em}code{background:#eee;padding:0 .2em}\
#status{min-height:1.5em;color:#555}";

fn error_page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>{title}</title><style>{STYLE}</style></head>\n<body><h1>{title}</h1>\
<p id=\"error\">{message}</p></body></html>\n",
        title = escape(title),
        message = escape(message),
    )
}

/// The page of a valid link. The token is 64 hex digits of our own making, so it is safe
/// inside the script's string literal.
fn verification_page(token: &str, link: &Link) -> String {
    let token: String = token.chars().filter(char::is_ascii_hexdigit).collect();
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Identity verification (bidcert emulator)</title><style>{STYLE}</style></head>
<body>
<h1>Identity verification</h1>
<p>The bidcert emulator's stand-in for Alibaba Cloud's verification page. Account
<code id="pk">{pk}</code>; link valid until <code id="expires">{expires}</code>.</p>
<p><button id="success" type="button">Verification succeeds</button></p>
<p><input id="reason" type="text" value="The name does not match the certificate number"
 aria-label="Failure reason"> <button id="fail" type="button">Verification fails</button></p>
<p><button id="later" type="button">Verify later</button>
<button id="another-way" type="button">Another way to verify</button>
<button id="re-authc" type="button">Verify again</button>
<button id="open-alipay" type="button">Open Alipay</button></p>
<p id="status" role="status"></p>
<script>
(function () {{
  "use strict";
  var token = "{token}";
  var status = document.getElementById("status");
  // The FastAuthc message shape: {{success, type, data}}.
  function send(type, data) {{
    window.parent.postMessage({{ success: true, type: type, data: data || {{}} }}, "*");
    status.textContent = "Sent " + type + ".";
  }}
  function on(id, handler) {{
    document.getElementById(id).addEventListener("click", handler);
  }}
  on("success", function () {{
    fetch("{complete}?token=" + token, {{ method: "POST" }})
      .then(function (r) {{
        return r.json().then(function (body) {{ return {{ ok: r.ok, body: body }}; }});
      }})
      .then(function (r) {{
        if (r.ok) {{
          send("aliyun_fast_auth_success");
        }} else {{
          status.textContent = "Not verified: " + r.body.Message;
        }}
      }}, function (e) {{
        status.textContent = "Could not reach the emulator: " + e;
      }});
  }});
  on("fail", function () {{
    send("aliyun_fast_auth_fail", {{ reason: document.getElementById("reason").value }});
  }});
  on("later", function () {{ send("aliyun_fast_auth_later"); }});
  on("another-way", function () {{ send("aliyun_fast_auth_another_authc_way"); }});
  on("re-authc", function () {{ send("aliyun_fast_auth_re_authc"); }});
  on("open-alipay", function () {{ send("aliyun_fast_auth_open_alipay"); }});
  send("aliyun_fast_auth_init");
}})();
</script>
</body></html>
"#,
        pk = escape(&link.pk),
        expires = time(link.expires_at()),
        complete = COMPLETE_PATH,
    )
}

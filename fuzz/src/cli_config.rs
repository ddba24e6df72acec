//! The Alibaba Cloud CLI's `~/.aliyun/config.json`, read by
//! `bidcert::credentials::cli_config_from_str`. Input: a flags byte (bit 0: a profile is
//! named), then `profile NUL text` (the profile field only when named).

use bidcert::credentials::cli_config_from_str;
use serde_json::Value;

use crate::input::{fields, Reader};

/// `s` with every character that validation does not look at replaced: as valid or invalid
/// as `s`, never equal to it unless it has no such character.
pub fn disguised(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c.is_whitespace() {
                c
            } else if c == 'x' {
                'y'
            } else {
                'x'
            }
        })
        .collect()
}

/// One input.
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let named = r.u8() & 1 != 0;
    let (profile, text) = if named {
        let f = fields(r.rest(), 2);
        (Some(f[0].clone()), f[1].clone())
    } else {
        (None, String::from_utf8_lossy(r.rest()).into_owned())
    };
    let result = cli_config_from_str(&text, profile.as_deref());

    // The profile, read here without the parser.
    let Ok(mut doc) = serde_json::from_str::<Value>(&text) else {
        assert!(result.is_err(), "credentials from a file that is not JSON");
        return;
    };
    // The profile asked for, else the file's `current`; with neither there is none.
    let Some(name) = profile.clone().filter(|p| !p.is_empty()).or_else(|| {
        doc["current"]
            .as_str()
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
    }) else {
        assert!(
            result.is_err(),
            "credentials from a file that names no profile"
        );
        return;
    };
    let index = doc["profiles"].as_array().and_then(|ps| {
        ps.iter()
            .position(|p| p["name"].as_str() == Some(name.as_str()))
    });
    let Some(index) = index else {
        assert!(
            result.is_err(),
            "credentials from a profile that is not there"
        );
        return;
    };
    let p = doc["profiles"][index].clone();
    let field = |k: &str| p[k].as_str().filter(|v| !v.is_empty());
    match &result {
        Ok(Some(c)) => {
            assert_eq!(Some(c.access_key_id()), field("access_key_id"));
            assert_eq!(Some(c.access_key_secret()), field("access_key_secret"));
            let sts = field("mode") == Some("StsToken");
            assert!(
                sts || field("mode") == Some("AK"),
                "keys from mode {:?}",
                field("mode")
            );
            assert_eq!(
                c.security_token(),
                if sts { field("sts_token") } else { None }
            );
        }
        // A profile of another mode (a role, the instance's, a URI) holds no keys itself.
        Ok(None) => assert!(!matches!(field("mode"), Some("AK" | "StsToken"))),
        Err(why) => {
            // The reason does not depend on the secret's or the token's value.
            for key in ["access_key_secret", "sts_token"] {
                if let Some(v) = p[key].as_str() {
                    doc["profiles"][index][key] = Value::String(disguised(v));
                }
            }
            let again = cli_config_from_str(&doc.to_string(), profile.as_deref());
            assert_eq!(again.as_ref().err(), Some(why), "the reason shows a secret");
        }
    }
}

//! The shared credentials file `~/.alibabacloud/credentials` (INI), read by
//! `bidcert::credentials::shared_file_from_str`. Input: a flags byte (bit 0: a profile is
//! named), then `profile NUL text` (the profile field only when named).

use bidcert::credentials::shared_file_from_str;

use crate::cli_config::disguised;
use crate::input::{fields, Reader};

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
    let result = shared_file_from_str(&text, profile.as_deref());
    // Read as the parser reads it: backslashes kept as they are.
    let load = |t: &str| {
        let options = ini::ParseOption {
            enabled_escape: false,
            ..ini::ParseOption::default()
        };
        ini::Ini::load_from_str_opt(t, options)
    };
    let Ok(ini) = load(&text) else {
        assert!(result.is_err(), "credentials from a file that is not INI");
        return;
    };
    // The profile asked for, else `default` (an empty name asks for none).
    let name = profile
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or("default");
    let Some(section) = ini.section(Some(name)) else {
        assert!(
            result.is_err(),
            "credentials from a section that is not there"
        );
        return;
    };
    let field = |k: &str| section.get(k).filter(|v| !v.is_empty());
    match &result {
        Ok(Some(c)) => {
            assert_eq!(Some(c.access_key_id()), field("access_key_id"));
            assert_eq!(Some(c.access_key_secret()), field("access_key_secret"));
            // `sts` and `sts_token` are the aliases of keys with a token.
            let sts = matches!(section.get("type"), Some("sts" | "sts_token"));
            assert!(sts || section.get("type") == Some("access_key"));
            assert_eq!(
                c.security_token(),
                if sts { field("security_token") } else { None }
            );
        }
        // A section of another type (a role, the instance's, an OIDC role) holds no keys.
        Ok(None) => assert!(!matches!(
            section.get("type"),
            Some("access_key" | "sts" | "sts_token")
        )),
        Err(why) => {
            // The reason does not depend on the secret's or the token's value, when the value
            // stands in the text once, as written (no quotes, no escapes).
            let mut changed = text.clone();
            for key in ["access_key_secret", "security_token"] {
                if let Some(v) = section.get(key).filter(|v| v.chars().count() >= 4) {
                    if changed.matches(v).count() == 1 {
                        changed = changed.replace(v, &disguised(v));
                    }
                }
            }
            if changed != text && load(&changed).is_ok() {
                let again = shared_file_from_str(&changed, profile.as_deref());
                assert_eq!(again.as_ref().err(), Some(why), "the reason shows a secret");
            }
        }
    }
}

//! The two files' profiles, read from their text: the Alibaba Cloud CLI's
//! `~/.aliyun/config.json` and the shared `~/.alibabacloud/credentials`. Pure: text in, a
//! profile (what to build) or the reason out, so that every rule is tested without I/O. Which
//! field each mode reads, and what a missing one means, follows the official readers; where
//! they differ, the comment says which one this follows.

use std::collections::HashSet;
use std::path::PathBuf;

use bidcert_core::Credentials;
use serde_json::{Map, Value};

use super::config::{OidcRoleConfig, RamRoleArnConfig, StsConfig};
use super::env::Env;
use super::vars::{ENV_PROFILE, PROFILE_VARIABLES};

/// What a profile configures.
#[derive(Debug, Clone)]
pub(crate) enum Profile {
    /// Keys as they are (with a token: kind `sts`).
    Keys(Credentials),
    /// A role assumed with the credentials of `source`.
    RamRoleArn {
        source: Box<Profile>,
        role: RamRoleArnConfig,
    },
    /// The instance's RAM role (discovered when `None`).
    EcsRamRole { role_name: Option<String> },
    /// An OIDC token's role (unset fields from the environment).
    Oidc(OidcRoleConfig),
    /// A credentials URI (else `ALIBABA_CLOUD_CREDENTIALS_URI`).
    CredentialsUri { uri: Option<String> },
}

impl Profile {
    /// The keys, when the profile holds keys.
    pub(crate) fn keys_of(p: Profile) -> Option<Credentials> {
        match p {
            Profile::Keys(c) => Some(c),
            _ => None,
        }
    }
}

/// Keys of a profile: `names.0` and `names.1` as `text` reads them, and `token`, each refusal
/// naming the key as the file spells it.
fn keys(
    text: impl Fn(&str) -> Option<String>,
    token: Option<String>,
    names: (&str, &str, &str),
) -> Result<Credentials, String> {
    let (id, secret) = (text(names.0), text(names.1));
    let need = |v: Option<String>, name: &str| v.ok_or_else(|| format!("has no {name}"));
    let named = |e: bidcert_core::ValidationError| {
        let key = match e.field() {
            "AccessKeyId" => names.0,
            "AccessKeySecret" => names.1,
            _ => names.2,
        };
        format!("{key} {}", e.reason())
    };
    let c = Credentials::new(need(id, names.0)?, need(secret, names.1)?).map_err(named)?;
    match token {
        Some(t) => c.with_security_token(t).map_err(named),
        None => Ok(c),
    }
}

// ---- ~/.aliyun/config.json -------------------------------------------------------------

/// The profile name the Alibaba Cloud CLI uses for its API calls (`LoadProfileWithContext`):
/// `--profile`, else the first of `ALIBABACLOUD_PROFILE`, `ALIBABA_CLOUD_PROFILE`,
/// `ALICLOUD_PROFILE`, else the file's `current`. credentials-go chooses the same way
/// (`ALIBABA_CLOUD_PROFILE` only). `None` when nothing names one.
pub(crate) fn cli_profile_name(
    explicit: Option<&str>,
    current: Option<&str>,
    env: &Env,
) -> Option<String> {
    explicit
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .or_else(|| env.first(PROFILE_VARIABLES))
        .or_else(|| current.filter(|c| !c.is_empty()).map(str::to_owned))
}

/// The profile of a CLI configuration `text` (JSON) that `explicit` and `env` select, with
/// its name.
pub(crate) fn cli_profile(
    text: &str,
    explicit: Option<&str>,
    env: &Env,
) -> Result<(String, Profile), String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("is not JSON ({e})"))?;
    let profiles = doc["profiles"]
        .as_array()
        .filter(|p| !p.is_empty())
        .ok_or("has no profiles")?;
    let name = cli_profile_name(explicit, doc["current"].as_str(), env)
        .ok_or("names no current profile, and no profile was asked for")?;
    let profile = cli_mode(profiles, &name, &mut HashSet::new())?;
    Ok((name, profile))
}

fn find<'a>(profiles: &'a [Value], name: &str) -> Option<&'a Map<String, Value>> {
    profiles
        .iter()
        .filter_map(Value::as_object)
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
}

/// One profile's mode, read as the CLI and credentials-go read it.
fn cli_mode(profiles: &[Value], name: &str, seen: &mut HashSet<String>) -> Result<Profile, String> {
    if !seen.insert(name.to_owned()) {
        // The official readers recurse until their stack ends.
        return Err(format!(
            "profile {name:?}: its source_profile chain loops back to it"
        ));
    }
    let p = find(profiles, name).ok_or_else(|| format!("has no profile {name:?}"))?;
    let text = |k: &str| {
        p.get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let at = |why: String| format!("profile {name:?}: {why}");
    let names = ("access_key_id", "access_key_secret", "sts_token");
    let role = || RamRoleArnConfig {
        role_arn: text("ram_role_arn"),
        role_session_name: text("ram_session_name"),
        // 0 or absent: the default, as both official readers take it.
        duration_seconds: p
            .get("expired_seconds")
            .and_then(Value::as_u64)
            .filter(|d| *d > 0)
            .map(|d| u32::try_from(d).unwrap_or(u32::MAX)),
        policy: text("policy"),
        external_id: text("external_id"),
        sts: StsConfig {
            endpoint: text("sts_endpoint"),
            region: text("sts_region"),
            vpc: p
                .get("enable_vpc")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
    };
    // Mode names are exact, and an empty mode is refused, as both official readers do for
    // API calls (the CLI guesses a mode only while `aliyun configure` runs).
    let mode = text("mode").unwrap_or_default();
    Ok(match mode.as_str() {
        "AK" => Profile::Keys(keys(text, None, names).map_err(at)?),
        "StsToken" => {
            let token = text("sts_token").ok_or_else(|| at("has no sts_token".into()))?;
            Profile::Keys(keys(text, Some(token), names).map_err(at)?)
        }
        "RamRoleArn" => {
            // The CLI also signs with `sts_token` when the profile has one.
            let source = keys(text, text("sts_token"), names).map_err(at)?;
            let role = role();
            if role.role_arn.is_none() {
                return Err(at("has no ram_role_arn".into()));
            }
            Profile::RamRoleArn {
                source: Box::new(Profile::Keys(source)),
                role,
            }
        }
        "ChainableRamRoleArn" => {
            let source_name =
                text("source_profile").ok_or_else(|| at("has no source_profile".into()))?;
            let source = cli_mode(profiles, &source_name, seen)
                .map_err(|e| at(format!("its source profile: {e}")))?;
            let role = role();
            if role.role_arn.is_none() {
                return Err(at("has no ram_role_arn".into()));
            }
            Profile::RamRoleArn {
                source: Box::new(source),
                role,
            }
        }
        "EcsRamRole" => Profile::EcsRamRole {
            role_name: text("ram_role_name"),
        },
        "OIDC" => {
            let r = role();
            Profile::Oidc(OidcRoleConfig {
                role_arn: r.role_arn,
                oidc_provider_arn: text("oidc_provider_arn"),
                oidc_token_file: text("oidc_token_file").map(PathBuf::from),
                role_session_name: r.role_session_name,
                duration_seconds: r.duration_seconds,
                policy: r.policy,
                sts: r.sts,
            })
        }
        "CredentialsURI" => Profile::CredentialsUri {
            uri: text("credentials_uri"),
        },
        "" => return Err(at("has no mode".into())),
        other => {
            return Err(at(format!(
                "has mode {other:?}, which bidcert does not read (it reads AK, StsToken, \
                 RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC, CredentialsURI)"
            )))
        }
    })
}

// ---- ~/.alibabacloud/credentials -------------------------------------------------------

/// The section of the shared credentials file: `explicit`, else `ALIBABA_CLOUD_PROFILE`, else
/// `default` (credentials-go and credentials-python alike).
pub(crate) fn shared_profile_name(explicit: Option<&str>, env: &Env) -> String {
    explicit
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .or_else(|| env.var(ENV_PROFILE))
        .unwrap_or_else(|| "default".to_owned())
}

/// The section `name` of a shared credentials `text` (INI).
pub(crate) fn shared_profile(text: &str, name: &str) -> Result<Profile, String> {
    // Backslashes are kept as they are (Windows paths), as the Go reader keeps them.
    let options = ini::ParseOption {
        enabled_escape: false,
        ..ini::ParseOption::default()
    };
    let file = ini::Ini::load_from_str_opt(text, options)
        .map_err(|e| format!("is not an INI file (line {}, column {})", e.line, e.col))?;
    let s = file
        .section(Some(name))
        .ok_or_else(|| format!("has no [{name}] section"))?;
    let at = |why: String| format!("[{name}] {why}");
    if s.get("enable")
        .is_some_and(|v| v.eq_ignore_ascii_case("false"))
    {
        // `enable = false` switches a section off in the older credentials-python readers.
        return Err(at("is disabled (enable = false)".into()));
    }
    let text = |k: &str| s.get(k).filter(|v| !v.is_empty()).map(str::to_owned);
    let names = ("access_key_id", "access_key_secret", "security_token");
    // A missing type is refused, as credentials-go and credentials-python refuse it.
    let kind = s.get("type").ok_or_else(|| at("has no type".into()))?;
    Ok(match kind {
        "access_key" => Profile::Keys(keys(text, None, names).map_err(at)?),
        // Not read by today's official libraries: `sts` by the older credentials-go,
        // `sts_token` by the older Python SDK core. Kept and documented as aliases.
        "sts" | "sts_token" => {
            let token = text("security_token").ok_or_else(|| at("has no security_token".into()))?;
            Profile::Keys(keys(text, Some(token), names).map_err(at)?)
        }
        "ecs_ram_role" => {
            // credentials-go requires the key and reads an empty value as "discover the role"
            // (credentials-python also discovers without the key).
            let role = s.get("role_name").ok_or_else(|| {
                at("has no role_name (leave it empty to discover the role)".into())
            })?;
            Profile::EcsRamRole {
                role_name: Some(role.to_owned()).filter(|r| !r.is_empty()),
            }
        }
        "ram_role_arn" => {
            let source = keys(text, None, names).map_err(at)?;
            let role_arn = text("role_arn").ok_or_else(|| at("has no role_arn".into()))?;
            let role_session_name =
                text("role_session_name").ok_or_else(|| at("has no role_session_name".into()))?;
            Profile::RamRoleArn {
                source: Box::new(Profile::Keys(source)),
                role: RamRoleArnConfig {
                    role_arn: Some(role_arn),
                    role_session_name: Some(role_session_name),
                    policy: text("policy"),
                    ..RamRoleArnConfig::default()
                },
            }
        }
        // credentials-python's type; missing keys fall back to the environment, as there.
        "oidc_role_arn" => Profile::Oidc(OidcRoleConfig {
            role_arn: text("role_arn"),
            oidc_provider_arn: text("oidc_provider_arn"),
            oidc_token_file: text("oidc_token_file_path").map(PathBuf::from),
            role_session_name: text("role_session_name"),
            policy: text("policy"),
            ..OidcRoleConfig::default()
        }),
        other => {
            return Err(at(format!(
                "has type {other:?}; bidcert reads access_key, ecs_ram_role, ram_role_arn, \
                 oidc_role_arn, and sts (or sts_token)"
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{"current": "work", "profiles": [
        {"name": "default", "mode": "AK", "access_key_id": "ak-default", "access_key_secret": "s"},
        {"name": "work", "mode": "StsToken", "access_key_id": "STS.work", "access_key_secret": "s", "sts_token": "t"},
        {"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "b", "ram_role_arn": "acs:ram::1:role/a"},
        {"name": "b", "mode": "ChainableRamRoleArn", "source_profile": "a", "ram_role_arn": "acs:ram::1:role/b"}
    ]}"#;

    fn id(p: &Profile) -> &str {
        match p {
            Profile::Keys(c) => c.access_key_id(),
            other => panic!("not keys: {other:?}"),
        }
    }

    #[test]
    fn the_profile_is_the_flag_else_the_variables_else_current() {
        let env = Env::empty();
        assert_eq!(cli_profile(CONFIG, None, &env).unwrap().0, "work");
        assert_eq!(
            cli_profile(CONFIG, Some("default"), &env).unwrap().0,
            "default"
        );
        let env = Env::empty().with("ALIBABA_CLOUD_PROFILE", "default");
        assert_eq!(
            id(&cli_profile(CONFIG, None, &env).unwrap().1),
            "ak-default"
        );
        let env = env.with("ALIBABACLOUD_PROFILE", "work");
        assert_eq!(
            cli_profile(CONFIG, None, &env).unwrap().0,
            "work",
            "first of the family"
        );
        let none = r#"{"profiles": [{"name": "default", "mode": "AK"}]}"#;
        assert!(cli_profile(none, None, &Env::empty())
            .unwrap_err()
            .contains("no current"));
    }

    #[test]
    fn a_source_profile_loop_is_refused_not_followed() {
        let e = cli_profile(CONFIG, Some("a"), &Env::empty()).unwrap_err();
        assert!(e.contains("loops back"), "{e}");
    }

    #[test]
    fn shared_file_sections_and_aliases() {
        let text = "[default]\ntype = access_key\naccess_key_id = id\naccess_key_secret = s\n\
                    [old]\ntype = sts_token\naccess_key_id = STS.x\naccess_key_secret = s\nsecurity_token = t\n\
                    [path]\ntype = oidc_role_arn\noidc_token_file_path = C:\\tokens\\t\n";
        assert_eq!(id(&shared_profile(text, "default").unwrap()), "id");
        assert_eq!(id(&shared_profile(text, "old").unwrap()), "STS.x");
        match shared_profile(text, "path").unwrap() {
            Profile::Oidc(c) => assert_eq!(c.oidc_token_file, Some(PathBuf::from("C:\\tokens\\t"))),
            other => panic!("{other:?}"),
        }
        assert_eq!(shared_profile_name(None, &Env::empty()), "default");
        assert_eq!(
            shared_profile_name(None, &Env::empty().with("ALIBABA_CLOUD_PROFILE", "p")),
            "p"
        );
        // An empty name (`--profile ""`) names none: the default's rule applies.
        assert_eq!(shared_profile_name(Some(""), &Env::empty()), "default");
    }
}

//! Where credentials come from: explicit values, the environment, the Alibaba Cloud CLI's
//! profile file, and the shared credentials file, in that order.

use std::path::{Path, PathBuf};

use bidcert_core::{Credentials, CredentialsError};

/// The environment variable holding the AccessKey id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The environment variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The environment variable holding an STS security token.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// Names the profile in both files.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// Overrides the shared credentials file's path.
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

/// Resolves credentials from the process environment and the home directory.
///
/// In order: `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET` (and `_SECURITY_TOKEN`); the CLI's
/// `~/.aliyun/config.json` (profile `ALIBABA_CLOUD_PROFILE`, else its `current`; modes `AK`
/// and `StsToken`); the shared file `~/.alibabacloud/credentials` or
/// `ALIBABA_CLOUD_CREDENTIALS_FILE` (section `ALIBABA_CLOUD_PROFILE`, else `default`; types
/// `access_key` and `sts`).
pub fn resolve() -> Result<Credentials, CredentialsError> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    resolve_with(&|name| std::env::var(name).ok(), home.as_deref())
}

/// [`resolve`] with the environment and home directory given, for tests and embedding.
pub fn resolve_with(
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<Credentials, CredentialsError> {
    let env = |name: &str| env(name).filter(|v| !v.is_empty());
    let mut tried = Vec::new();

    match from_env_with(&env) {
        Ok(c) => return Ok(c),
        Err(why) => tried.push(("environment".to_owned(), why)),
    }
    let profile = env(ENV_PROFILE);

    let cli = home.map(|h| h.join(".aliyun").join("config.json"));
    match cli
        .as_deref()
        .map(|p| from_cli_config(p, profile.as_deref()))
    {
        Some(Ok(c)) => return Ok(c),
        Some(Err(why)) => tried.push((display(cli.as_deref()), why)),
        None => tried.push(("~/.aliyun/config.json".into(), "HOME is not set".into())),
    }

    let shared = env(ENV_CREDENTIALS_FILE)
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".alibabacloud").join("credentials")));
    match shared
        .as_deref()
        .map(|p| from_shared_file(p, profile.as_deref()))
    {
        Some(Ok(c)) => return Ok(c),
        Some(Err(why)) => tried.push((display(shared.as_deref()), why)),
        None => tried.push((
            "~/.alibabacloud/credentials".into(),
            "HOME is not set".into(),
        )),
    }
    Err(CredentialsError::new(tried))
}

fn display(p: Option<&Path>) -> String {
    p.map(|p| p.display().to_string()).unwrap_or_default()
}

/// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, when set,
/// `ALIBABA_CLOUD_SECURITY_TOKEN` from the process environment.
///
/// Fails naming what is missing or which variable holds an unusable value.
pub fn from_env() -> Result<Credentials, CredentialsError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    from_env_with(&env).map_err(|why| CredentialsError::single("environment", why))
}

fn from_env_with(env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, String> {
    let id = env(ENV_ACCESS_KEY_ID).ok_or(format!("{ENV_ACCESS_KEY_ID} is not set"))?;
    let secret = env(ENV_ACCESS_KEY_SECRET).ok_or(format!("{ENV_ACCESS_KEY_SECRET} is not set"))?;
    // Name the variable, not the field, so the user knows what to fix.
    let named = |e: bidcert_core::ValidationError| {
        let var = match e.field() {
            "AccessKeyId" => ENV_ACCESS_KEY_ID,
            "AccessKeySecret" => ENV_ACCESS_KEY_SECRET,
            _ => ENV_SECURITY_TOKEN,
        };
        format!("{var} {}", e.reason())
    };
    let creds = Credentials::new(id, secret).map_err(named)?;
    match env(ENV_SECURITY_TOKEN) {
        Some(t) => creds.with_security_token(t).map_err(named),
        None => Ok(creds),
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "file not found".to_owned(),
        _ => format!("cannot read: {e}"),
    })
}

fn from_cli_config(path: &Path, profile: Option<&str>) -> Result<Credentials, String> {
    cli_config_from_str(&read(path)?, profile)
}

/// The credentials of `profile` (else the file's `current`) in the text of a CLI
/// `config.json`, or why there are none. The fuzz target's entry; not a stable API.
#[doc(hidden)]
pub fn cli_config_from_str(text: &str, profile: Option<&str>) -> Result<Credentials, String> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let name = profile
        .map(str::to_owned)
        .or_else(|| doc["current"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "default".to_owned());
    let p = doc["profiles"]
        .as_array()
        .and_then(|ps| {
            ps.iter()
                .find(|p| p["name"].as_str() == Some(name.as_str()))
        })
        .ok_or_else(|| format!("no profile {name:?}"))?;
    let field = |k: &str| p[k].as_str().filter(|v| !v.is_empty()).map(str::to_owned);
    let mode = field("mode").unwrap_or_else(|| "AK".into());
    let need = |k: &str| field(k).ok_or_else(|| format!("profile {name:?} has no {k}"));
    match mode.as_str() {
        "AK" => Credentials::new(need("access_key_id")?, need("access_key_secret")?)
            .map_err(|e| e.to_string()),
        "StsToken" => Credentials::new(need("access_key_id")?, need("access_key_secret")?)
            .and_then(|c| c.with_security_token(field("sts_token").unwrap_or_default()))
            .map_err(|e| e.to_string()),
        other => Err(format!(
            "profile {name:?} has mode {other:?}; supported: AK, StsToken"
        )),
    }
}

fn from_shared_file(path: &Path, profile: Option<&str>) -> Result<Credentials, String> {
    shared_file_from_str(&read(path)?, profile)
}

/// The credentials of section `profile` (else `default`) in the text of a shared
/// credentials file, or why there are none. The fuzz target's entry; not a stable API.
#[doc(hidden)]
pub fn shared_file_from_str(text: &str, profile: Option<&str>) -> Result<Credentials, String> {
    let ini = ini::Ini::load_from_str(text).map_err(|e| format!("not an INI file: {e}"))?;
    let name = profile.unwrap_or("default");
    let s = ini
        .section(Some(name))
        .ok_or_else(|| format!("no [{name}] section"))?;
    if s.get("enable")
        .is_some_and(|v| v.eq_ignore_ascii_case("false"))
    {
        return Err(format!("[{name}] is disabled"));
    }
    let need = |k: &str| {
        s.get(k)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| format!("[{name}] has no {k}"))
    };
    match s.get("type").unwrap_or("access_key") {
        "access_key" => Credentials::new(need("access_key_id")?, need("access_key_secret")?)
            .map_err(|e| e.to_string()),
        "sts" => Credentials::new(need("access_key_id")?, need("access_key_secret")?)
            .and_then(|c| c.with_security_token(need("security_token").unwrap_or_default()))
            .map_err(|e| e.to_string()),
        other => Err(format!(
            "[{name}] has type {other:?}; supported: access_key, sts"
        )),
    }
}

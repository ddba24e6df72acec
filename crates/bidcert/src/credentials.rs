//! Where credentials come from: explicit values, the environment, the Alibaba Cloud CLI's
//! profile file, and the shared credentials file, in that order.

use std::fmt;
use std::path::{Path, PathBuf};

use bidcert_core::{Credentials, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN};

/// Names the profile in both files.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// Overrides the shared credentials file's path.
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

/// No source had usable credentials: says what each one lacked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    tried: Vec<(String, String)>,
}

impl CredentialsError {
    /// Each source tried, with what it lacked.
    pub fn tried(&self) -> &[(String, String)] {
        &self.tried
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no usable credentials")?;
        for (source, why) in &self.tried {
            write!(f, "; {source}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialsError {}

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

    match from_env(&env) {
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
    Err(CredentialsError { tried })
}

fn display(p: Option<&Path>) -> String {
    p.map(|p| p.display().to_string()).unwrap_or_default()
}

fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, String> {
    let id = env(ENV_ACCESS_KEY_ID).ok_or(format!("{ENV_ACCESS_KEY_ID} is not set"))?;
    let secret = env(ENV_ACCESS_KEY_SECRET).ok_or(format!("{ENV_ACCESS_KEY_SECRET} is not set"))?;
    let creds = Credentials::new(id, secret).map_err(|e| e.to_string())?;
    match env(ENV_SECURITY_TOKEN) {
        Some(t) => creds.with_security_token(t).map_err(|e| e.to_string()),
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
    let text = read(path)?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
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
    let text = read(path)?;
    let ini = ini::Ini::load_from_str(&text).map_err(|e| format!("not an INI file: {e}"))?;
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

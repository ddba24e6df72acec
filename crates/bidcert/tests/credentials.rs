//! The credentials chain, from temporary files and a given environment.

use std::collections::HashMap;
use std::path::Path;

use bidcert::credentials::resolve_with;

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn home_with(files: &[(&str, &str)]) -> tempdir::Dir {
    let dir = tempdir::Dir::new();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A directory removed on drop.
    pub struct Dir(PathBuf);
    static N: AtomicU32 = AtomicU32::new(0);
    impl Dir {
        pub fn new() -> Self {
            let p = std::env::temp_dir().join(format!(
                "bidcert-creds-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

const CLI_CONFIG: &str = r#"{
  "current": "work",
  "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "cli-default-id", "access_key_secret": "cli-default-secret"},
    {"name": "work", "mode": "StsToken", "access_key_id": "STS.work", "access_key_secret": "work-secret", "sts_token": "work-token"}
  ]
}"#;

const SHARED: &str = "[default]\ntype = access_key\naccess_key_id = shared-id\naccess_key_secret = shared-secret\n\n[sts]\ntype = sts\naccess_key_id = STS.shared\naccess_key_secret = s\nsecurity_token = t\n";

#[test]
fn environment_comes_first() {
    let home = home_with(&[(".aliyun/config.json", CLI_CONFIG)]);
    let c = resolve_with(
        &env(&[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token"),
        ]),
        Some(home.path()),
    )
    .unwrap();
    assert_eq!(c.access_key_id(), "env-id");
    assert_eq!(c.security_token(), Some("env-token"));
}

#[test]
fn cli_profile_uses_current_or_the_named_profile() {
    let home = home_with(&[(".aliyun/config.json", CLI_CONFIG)]);
    let c = resolve_with(&env(&[]), Some(home.path())).unwrap();
    assert_eq!(
        (c.access_key_id(), c.security_token()),
        ("STS.work", Some("work-token"))
    );
    let c = resolve_with(
        &env(&[("ALIBABA_CLOUD_PROFILE", "default")]),
        Some(home.path()),
    )
    .unwrap();
    assert_eq!(
        (c.access_key_id(), c.security_token()),
        ("cli-default-id", None)
    );
}

#[test]
fn shared_credentials_file_and_its_override() {
    let home = home_with(&[(".alibabacloud/credentials", SHARED)]);
    let c = resolve_with(&env(&[]), Some(home.path())).unwrap();
    assert_eq!(c.access_key_id(), "shared-id");
    let other = home_with(&[("elsewhere.ini", SHARED)]);
    let path = other.path().join("elsewhere.ini");
    let c = resolve_with(
        &env(&[
            ("ALIBABA_CLOUD_CREDENTIALS_FILE", path.to_str().unwrap()),
            ("ALIBABA_CLOUD_PROFILE", "sts"),
        ]),
        Some(Path::new("/nonexistent")),
    )
    .unwrap();
    assert_eq!(
        (c.access_key_id(), c.security_token()),
        ("STS.shared", Some("t"))
    );
}

#[test]
fn the_chain_error_says_what_each_source_lacked() {
    let home = home_with(&[]);
    let e = resolve_with(
        &env(&[("ALIBABA_CLOUD_ACCESS_KEY_ID", "only-id")]),
        Some(home.path()),
    )
    .unwrap_err();
    assert_eq!(e.tried().len(), 3);
    let text = e.to_string();
    assert!(
        text.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set"),
        "{text}"
    );
    assert!(text.contains("config.json: file not found"), "{text}");
    assert!(text.contains("credentials: file not found"), "{text}");
}

#[test]
fn unusable_profiles_are_explained() {
    let home = home_with(&[(
        ".aliyun/config.json",
        r#"{"current":"x","profiles":[{"name":"x","mode":"RamRoleArn"}]}"#,
    )]);
    let e = resolve_with(&env(&[]), Some(home.path())).unwrap_err();
    assert!(e.to_string().contains("supported: AK, StsToken"), "{e}");
}

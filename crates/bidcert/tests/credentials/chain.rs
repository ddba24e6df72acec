//! The default chain: the official order, the winner kept, and what each source lacked.

use bidcert::credentials::{DefaultChain, Env, ProvideCredentials};
use bidcert_emulator::demo::*;

use crate::{at_emulator, bare, emulator, reasons, Home};

const CLI: &str = r#"{"current": "default", "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "LTAI5tFromCli", "access_key_secret": "s"},
    {"name": "other", "mode": "AK", "access_key_id": "LTAI5tOtherCli", "access_key_secret": "s"}]}"#;
const SHARED: &str = "[default]\ntype = access_key\naccess_key_id = LTAI5tFromFile\naccess_key_secret = s\n\
                      [other]\ntype = access_key\naccess_key_id = LTAI5tOtherFile\naccess_key_secret = s\n";

fn source(env: &Env) -> (String, String) {
    let c = DefaultChain::new(env, None).fetch().expect("credentials");
    (
        c.source().to_owned(),
        c.credentials().access_key_id().to_owned(),
    )
}

#[test]
fn each_source_wins_over_the_ones_after_it() {
    let emu = emulator();
    let home = Home::new();
    let token = home.write("token", OIDC_TOKEN);
    home.write(".aliyun/config.json", CLI);
    home.write(".alibabacloud/credentials", SHARED);
    let uri = at_emulator(&home, &emu).with(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        emu.credentials_uri().unwrap(),
    );
    let oidc = uri
        .clone()
        .with("ALIBABA_CLOUD_ROLE_ARN", ROLE_ARN)
        .with("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER_ARN)
        .with("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.display().to_string());
    let env = oidc
        .clone()
        .with("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tFromEnv")
        .with("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s");
    assert_eq!(source(&env), ("environment".into(), "LTAI5tFromEnv".into()));
    assert_eq!(source(&oidc).0, "oidc");
    assert_eq!(source(&uri), ("cli_config".into(), "LTAI5tFromCli".into()));
    let no_cli = uri
        .clone()
        .with("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true");
    assert_eq!(
        source(&no_cli),
        ("credentials_file".into(), "LTAI5tFromFile".into())
    );
    std::fs::remove_file(home.path().join(".alibabacloud/credentials")).unwrap();
    assert_eq!(source(&no_cli).0, "ecs_metadata");
    let no_ecs = no_cli.with("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    assert_eq!(source(&no_ecs).0, "credentials_uri");
}

#[test]
fn the_profile_names_the_section_of_both_files() {
    let home = Home::new();
    home.write(".aliyun/config.json", CLI);
    home.write(".alibabacloud/credentials", SHARED);
    let env = bare(&home);
    let c = DefaultChain::new(&env, Some("other")).fetch().unwrap();
    assert_eq!(c.credentials().access_key_id(), "LTAI5tOtherCli");
    let env = env.with("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true");
    let c = DefaultChain::new(&env, Some("other")).fetch().unwrap();
    assert_eq!(c.credentials().access_key_id(), "LTAI5tOtherFile");
    assert_eq!(
        c.detail(),
        format!(
            "{} [other]",
            home.path().join(".alibabacloud/credentials").display()
        )
    );
}

#[test]
fn the_winner_is_asked_alone_from_then_on() {
    let emu = emulator();
    let home = Home::new();
    let chain = DefaultChain::new(&at_emulator(&home, &emu), None);
    assert_eq!(chain.fetch().unwrap().source(), "ecs_metadata");
    // A config file written since would win a fresh chain; this one keeps its winner, as
    // credentials-go keeps its last used provider.
    home.write(".aliyun/config.json", CLI);
    assert_eq!(chain.fetch().unwrap().source(), "ecs_metadata");
    assert_eq!(emu.metadata_requests().credentials, 2);
}

#[test]
fn with_nothing_anywhere_the_error_says_what_each_source_lacked() {
    let home = Home::new();
    let e = DefaultChain::new(&bare(&home), None).fetch().unwrap_err();
    let why = reasons(&e);
    let home = home.path().display();
    let want = [
        "environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set".to_owned(),
        "oidc: ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE are not set".to_owned(),
        format!("{home}/.aliyun/config.json: file not found"),
        format!("{home}/.alibabacloud/credentials: file not found"),
        "ecs_metadata: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED".to_owned(),
        "credentials_uri: ALIBABA_CLOUD_CREDENTIALS_URI is not set".to_owned(),
    ];
    assert_eq!(why, want.join("\n"));
    assert!(
        e.to_string()
            .starts_with("no usable credentials; environment: "),
        "{e}"
    );
}

#[test]
fn a_broken_source_is_reported_and_the_next_one_tried() {
    let home = Home::new();
    home.write(".aliyun/config.json", r#"{"current": "p", "profiles": [{"name": "p", "mode": "AK", "access_key_id": "LTAI5t ", "access_key_secret": "s"}]}"#);
    home.write(".alibabacloud/credentials", SHARED);
    let env = bare(&home).with("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tOnlyTheId");
    let c = DefaultChain::new(&env, None).fetch().unwrap();
    assert_eq!(c.credentials().access_key_id(), "LTAI5tFromFile");
    std::fs::remove_file(home.path().join(".alibabacloud/credentials")).unwrap();
    let why = reasons(&DefaultChain::new(&env, None).fetch().unwrap_err());
    assert!(
        why.contains("environment: ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set"),
        "{why}"
    );
    assert!(
        why.contains(
            r#"config.json: profile "p": access_key_id must not start or end with whitespace"#
        ),
        "{why}"
    );
}

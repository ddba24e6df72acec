//! Nothing secret is shown: every provider's `Debug`, every error, and every log record of
//! this test binary (trace level) are searched for the secrets, tokens and session tokens in
//! play.

use std::time::Duration;

use bidcert::credentials::{
    CliConfigProvider, CredentialsFileProvider, CredentialsProvider, CredentialsUriConfig,
    CredentialsUriProvider, DefaultChain, EcsRamRoleConfig, EcsRamRoleProvider,
    EnvironmentProvider, FileConfig, OidcRoleConfig, OidcRoleProvider, ProvideCredentials,
    ProviderConfig, RamRoleArnConfig, RamRoleArnProvider, StsConfig,
};
use bidcert::{BidType, Client, Credentials, QueryCertifiedInfo};
use bidcert_emulator::demo::*;
use bidcert_emulator::{Fault, FaultKind, FaultScope};

use crate::{at_emulator, captured, emulator, Home};

const FILE_SECRET: &str = "FileSecretValueNotReal0001";
const CLI_SECRET: &str = "CliSecretValueNotReal0001";
const CLI_TOKEN: &str = "CliStsTokenValueNotReal0001";
const ENV_SECRET: &str = "EnvSecretValueNotReal0001";

/// Runs of 40 or more lower-case hex digits: how the emulator's issued secrets, security
/// tokens and metadata session tokens look (request ids and nonces are hyphenated).
fn hex_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || ('a'..='f').contains(&c) {
            run.push(c);
        } else {
            if run.len() >= 40 {
                runs.push(std::mem::take(&mut run));
            }
            run.clear();
        }
    }
    runs
}

#[test]
fn no_output_of_any_provider_shows_a_secret() {
    let emu = emulator();
    let home = Home::new();
    let token_file = home.write("token", OIDC_TOKEN);
    home.write(
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "sts", "profiles": [{{"name": "sts", "mode": "StsToken", "access_key_id": "STS.cli",
               "access_key_secret": "{CLI_SECRET}", "sts_token": "{CLI_TOKEN}"}}]}}"#
        ),
    );
    home.write(
        ".alibabacloud/credentials",
        &format!("[default]\ntype = access_key\naccess_key_id = LTAI5tFile\naccess_key_secret = {FILE_SECRET}\n"),
    );
    let env = at_emulator(&home, &emu)
        .with("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tEnv")
        .with("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ENV_SECRET)
        .with(
            "ALIBABA_CLOUD_CREDENTIALS_URI",
            emu.credentials_uri().unwrap(),
        );
    let sts = StsConfig {
        endpoint: Some(emu.base_url().to_owned()),
        ..StsConfig::default()
    };
    let account = CredentialsProvider::fixed(
        Credentials::new(ACCOUNT_ACCESS_KEY_ID, ACCOUNT_ACCESS_KEY_SECRET).unwrap(),
    );
    let role = RamRoleArnConfig {
        role_arn: Some(ROLE_ARN.into()),
        sts: sts.clone(),
        ..RamRoleArnConfig::default()
    };
    let oidc = OidcRoleConfig {
        role_arn: Some(ROLE_ARN.into()),
        oidc_provider_arn: Some(OIDC_PROVIDER_ARN.into()),
        oidc_token_file: Some(token_file.clone()),
        sts,
        ..OidcRoleConfig::default()
    };
    let providers = vec![
        CredentialsProvider::new(EnvironmentProvider::new(&env)),
        CredentialsProvider::new(CliConfigProvider::new(&FileConfig::default(), &env).unwrap()),
        CredentialsProvider::new(
            CredentialsFileProvider::new(&FileConfig::default(), &env).unwrap(),
        ),
        CredentialsProvider::new(RamRoleArnProvider::new(&role, account.clone(), &env).unwrap()),
        CredentialsProvider::new(OidcRoleProvider::new(&oidc, &env).unwrap()),
        CredentialsProvider::new(
            EcsRamRoleProvider::new(&EcsRamRoleConfig::default(), &env).unwrap(),
        ),
        CredentialsProvider::new(
            CredentialsUriProvider::new(&CredentialsUriConfig::default(), &env).unwrap(),
        ),
        CredentialsProvider::new(DefaultChain::new(&env, None)),
    ];
    emu.set_require_imdsv2(true);
    let mut shown = Vec::new();
    let mut secrets: Vec<String> = [
        ACCOUNT_ACCESS_KEY_SECRET,
        NORMAL_ACCESS_KEY_SECRET,
        OIDC_TOKEN,
        EXPIRED_OIDC_TOKEN,
        FILE_SECRET,
        CLI_SECRET,
        CLI_TOKEN,
        ENV_SECRET,
    ]
    .map(str::to_owned)
    .into();
    for p in &providers {
        let c = p
            .credentials()
            .unwrap_or_else(|e| panic!("{}: {e}", p.describe()));
        secrets.push(c.credentials().access_key_secret().to_owned());
        secrets.extend(c.credentials().security_token().map(str::to_owned));
        shown.push(format!("{p:?} {} {c:?}", p.describe()));
    }
    // Refresh through a client, every attempt logged at trace level.
    let client = Client::builder()
        .provider(CredentialsProvider::new(
            RamRoleArnProvider::new(&role, account, &env).unwrap(),
        ))
        .endpoint(emu.base_url())
        .build()
        .unwrap();
    let op = QueryCertifiedInfo::new(PERSONAL_PK, BidType::Normal).unwrap();
    client.query_certified_info(&op).unwrap();
    emu.expire_sts_credentials();
    client.query_certified_info(&op).unwrap();
    secrets.push(client.signer().credentials().access_key_secret().to_owned());
    secrets.extend(
        client
            .signer()
            .credentials()
            .security_token()
            .map(str::to_owned),
    );
    shown.push(format!("{client:?} {:?}", client.signer()));
    // Failures: a malformed STS answer, an expired OIDC token, a missing token file, a hang.
    emu.inject_fault(Fault::new(
        FaultKind::MalformedBody,
        FaultScope::NextForAction("AssumeRole".into(), 1),
    ));
    let e = RamRoleArnProvider::new(
        &role,
        CredentialsProvider::fixed(
            Credentials::new(ACCOUNT_ACCESS_KEY_ID, ACCOUNT_ACCESS_KEY_SECRET).unwrap(),
        ),
        &env,
    )
    .unwrap()
    .fetch()
    .unwrap_err();
    shown.push(format!("{e} {e:?}"));
    let oidc = OidcRoleProvider::new(&oidc, &env).unwrap();
    std::fs::write(&token_file, EXPIRED_OIDC_TOKEN).unwrap();
    let e = oidc.fetch().unwrap_err();
    shown.push(format!("{e} {e:?} {oidc:?}"));
    std::fs::remove_file(&token_file).unwrap();
    let e = oidc.fetch().unwrap_err();
    shown.push(format!("{e} {e:?}"));
    emu.inject_fault(Fault::metadata(FaultKind::Hang, 2));
    let quick = EcsRamRoleConfig {
        read_timeout: Some(Duration::from_millis(200)),
        ..EcsRamRoleConfig::default()
    };
    let e = EcsRamRoleProvider::new(&quick, &env)
        .unwrap()
        .fetch()
        .unwrap_err();
    shown.push(format!("{e} {e:?}"));
    let config = ProviderConfig::Static {
        access_key_id: "LTAI5tConfig".into(),
        access_key_secret: ENV_SECRET.into(),
        security_token: Some(CLI_TOKEN.into()),
    };
    shown.push(format!("{config:?} {env:?}"));
    // Everything this test binary logged so far, this test's STS, metadata and API calls
    // included.
    shown.extend(captured().lines());
    assert!(
        captured()
            .lines()
            .iter()
            .any(|l| l.contains("bidcert::credentials")),
        "logs were captured"
    );
    let all = shown.join("\n");
    for s in &secrets {
        assert!(!all.contains(s.as_str()), "a secret was shown: {s}");
    }
    assert_eq!(
        hex_runs(&all),
        Vec::<String>::new(),
        "issued secrets or session tokens were shown"
    );
}

#[test]
fn the_hex_search_finds_what_it_looks_for() {
    let issued = "STS.0123456789abcdef01234567 secret 0123456789abcdef0123456789abcdef01234567";
    assert_eq!(hex_runs(issued).len(), 1);
    assert!(hex_runs("RequestId 5C1D2E3F-0000-4000-8000-000000000000").is_empty());
}

//! STS: a RAM role assumed with any credentials (chained too), and an OIDC token's role.

use bidcert::credentials::{
    CredentialsProvider, OidcRoleConfig, OidcRoleProvider, ProvideCredentials, RamRoleArnConfig,
    RamRoleArnProvider, StsConfig,
};
use bidcert::{BidType, Credentials, ErrorKind};
use bidcert_emulator::demo::*;
use bidcert_emulator::{EmulatorHandle, Fault, FaultKind, FaultScope};

use crate::{at_emulator, client, emulator, query, reasons, Home};

fn account() -> CredentialsProvider {
    CredentialsProvider::fixed(
        Credentials::new(ACCOUNT_ACCESS_KEY_ID, ACCOUNT_ACCESS_KEY_SECRET).unwrap(),
    )
}

fn role(emu: &EmulatorHandle, arn: &str) -> RamRoleArnConfig {
    RamRoleArnConfig {
        role_arn: Some(arn.to_owned()),
        role_session_name: Some("tests".into()),
        sts: StsConfig {
            endpoint: Some(emu.base_url().to_owned()),
            ..StsConfig::default()
        },
        ..RamRoleArnConfig::default()
    }
}

#[test]
fn an_assumed_role_signs_api_calls_as_its_reseller() {
    let emu = emulator();
    let home = Home::new();
    let p = RamRoleArnProvider::new(&role(&emu, ROLE_ARN), account(), &at_emulator(&home, &emu))
        .unwrap();
    let provider = CredentialsProvider::new(p);
    let c = provider.credentials().unwrap();
    assert_eq!(c.kind().as_str(), "ram_role_arn");
    assert!(c.credentials().access_key_id().starts_with("STS."));
    assert!(c.expiration().is_some());
    // The account is not a reseller; the role's keys act as the NORMAL one.
    let info = client(&emu, provider)
        .query_certified_info(&query(PERSONAL_PK, BidType::Normal))
        .unwrap();
    assert!(info.is_certified());
    assert_eq!(emu.sts_call_count("AssumeRole"), 1);
    let sts = emu.sts_credentials();
    assert_eq!(sts[0].role_arn, ROLE_ARN);
    assert_eq!(sts[0].session_name, "tests");
}

#[test]
fn roles_chain_a_session_assumes_the_next_role() {
    let emu = emulator();
    let home = Home::new();
    let env = at_emulator(&home, &emu);
    let first = CredentialsProvider::new(
        RamRoleArnProvider::new(&role(&emu, ROLE_ARN), account(), &env).unwrap(),
    );
    let chained = RamRoleArnProvider::new(&role(&emu, CHAINED_ROLE_ARN), first, &env).unwrap();
    let provider = CredentialsProvider::new(chained);
    // The chained role acts as the LIGHTWEIGHT reseller.
    let info = client(&emu, provider)
        .query_certified_info(&query(LIGHTWEIGHT_CUSTOMER_PK, BidType::Lightweight))
        .unwrap();
    assert!(!info.is_certified());
    assert_eq!(emu.sts_call_count("AssumeRole"), 2);
    // The account itself may not assume the chained role.
    let direct = RamRoleArnProvider::new(&role(&emu, CHAINED_ROLE_ARN), account(), &env).unwrap();
    let e = direct.fetch().unwrap_err();
    assert!(reasons(&e).contains("NoPermission"), "{e}");
}

#[test]
fn external_id_duration_and_policy_are_sent() {
    let emu = emulator();
    let home = Home::new();
    let env = at_emulator(&home, &emu);
    let without = RamRoleArnProvider::new(&role(&emu, EXTERNAL_ROLE_ARN), account(), &env).unwrap();
    let e = without.fetch().unwrap_err();
    let why = reasons(&e);
    assert!(
        why.contains("NoPermission") && why.contains(EXTERNAL_ROLE_ARN),
        "{why}"
    );
    let config = RamRoleArnConfig {
        external_id: Some(EXTERNAL_ID.into()),
        duration_seconds: Some(7200),
        policy: Some(r#"{"Version":"1","Statement":[]}"#.into()),
        ..role(&emu, EXTERNAL_ROLE_ARN)
    };
    let c = RamRoleArnProvider::new(&config, account(), &env)
        .unwrap()
        .fetch()
        .unwrap();
    let left = c.expiration().unwrap().unix() - emu.now().unix();
    assert!((7190..=7200).contains(&left), "{left}");
    let bad = RamRoleArnConfig {
        policy: Some("not json".into()),
        ..config.clone()
    };
    let e = RamRoleArnProvider::new(&bad, account(), &env)
        .unwrap()
        .fetch()
        .unwrap_err();
    assert!(
        reasons(&e).contains("InvalidParameter.PolicyGrammar"),
        "{e}"
    );
    let short = RamRoleArnConfig {
        duration_seconds: Some(899),
        ..config
    };
    let e = RamRoleArnProvider::new(&short, account(), &env).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
}

#[test]
fn sts_calls_get_the_engine_retries_and_a_malformed_answer_is_refused() {
    let emu = emulator();
    let home = Home::new();
    let env = at_emulator(&home, &emu);
    let p = RamRoleArnProvider::new(&role(&emu, ROLE_ARN), account(), &env).unwrap();
    emu.inject_fault(Fault::new(
        FaultKind::Http503,
        FaultScope::NextForAction("AssumeRole".into(), 1),
    ));
    p.fetch().expect("a 503 is retried");
    assert_eq!(emu.sts_call_count("AssumeRole"), 2);
    emu.inject_fault(Fault::new(
        FaultKind::MalformedBody,
        FaultScope::NextForAction("AssumeRole".into(), 1),
    ));
    let e = p.fetch().unwrap_err();
    let why = reasons(&e);
    assert!(
        why.contains("unreadable response") && why.contains("truncated JSON"),
        "{why}"
    );
    assert!(
        !why.contains("STS.") && !why.contains("CAIS"),
        "no byte of the body: {why}"
    );
    assert_eq!(
        emu.sts_call_count("AssumeRole"),
        3,
        "a 200 that cannot be read is not retried"
    );
}

fn oidc(emu: &EmulatorHandle, token_file: &std::path::Path) -> OidcRoleConfig {
    OidcRoleConfig {
        role_arn: Some(ROLE_ARN.into()),
        oidc_provider_arn: Some(OIDC_PROVIDER_ARN.into()),
        oidc_token_file: Some(token_file.to_owned()),
        role_session_name: Some("pod".into()),
        sts: StsConfig {
            endpoint: Some(emu.base_url().to_owned()),
            ..StsConfig::default()
        },
        ..OidcRoleConfig::default()
    }
}

#[test]
fn an_oidc_token_assumes_its_role_unsigned() {
    let emu = emulator();
    let home = Home::new();
    let token = home.write("token", &format!("{OIDC_TOKEN}\n"));
    let p = OidcRoleProvider::new(&oidc(&emu, &token), &at_emulator(&home, &emu)).unwrap();
    let provider = CredentialsProvider::new(p);
    assert_eq!(
        provider.credentials().unwrap().kind().as_str(),
        "oidc_role_arn"
    );
    let info = client(&emu, provider)
        .query_certified_info(&query(PERSONAL_PK, BidType::Normal))
        .unwrap();
    assert!(info.is_certified());
    let sts = emu
        .requests()
        .into_iter()
        .find(|r| r.action.as_deref() == Some("AssumeRoleWithOIDC"))
        .expect("the STS call was logged");
    assert_eq!(sts.access_key_id, None, "sent unsigned");
    assert_eq!(sts.status, Some(200));
}

#[test]
fn the_token_file_is_read_again_at_every_refresh() {
    let emu = emulator();
    let home = Home::new();
    let token = home.write("token", EXPIRED_OIDC_TOKEN);
    let p = OidcRoleProvider::new(&oidc(&emu, &token), &at_emulator(&home, &emu)).unwrap();
    let e = p.fetch().unwrap_err();
    assert!(
        reasons(&e).contains("AuthenticationFail.OIDCToken.Expired"),
        "{e}"
    );
    // The token rotated in place, as a projected service account token does.
    std::fs::write(&token, OIDC_TOKEN).unwrap();
    assert!(p
        .fetch()
        .unwrap()
        .credentials()
        .access_key_id()
        .starts_with("STS."));
    assert_eq!(emu.sts_call_count("AssumeRoleWithOIDC"), 2);
}

#[test]
fn a_missing_token_file_fails_before_any_request() {
    let emu = emulator();
    let home = Home::new();
    let gone = home.path().join("no-such-token");
    let p = OidcRoleProvider::new(&oidc(&emu, &gone), &at_emulator(&home, &emu)).unwrap();
    let why = reasons(&p.fetch().unwrap_err());
    assert!(why.contains("no-such-token: not found"), "{why}");
    let empty = home.write("empty", "\n");
    let p = OidcRoleProvider::new(&oidc(&emu, &empty), &at_emulator(&home, &emu)).unwrap();
    assert!(reasons(&p.fetch().unwrap_err()).contains("is empty"));
    assert_eq!(emu.sts_call_count("AssumeRoleWithOIDC"), 0);
}

#[test]
fn the_oidc_role_reads_the_rrsa_variables() {
    let emu = emulator();
    let home = Home::new();
    let token = home.write("token", OIDC_TOKEN);
    let env = at_emulator(&home, &emu)
        .with("ALIBABA_CLOUD_ROLE_ARN", ROLE_ARN)
        .with("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER_ARN)
        .with("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.display().to_string());
    let c = OidcRoleProvider::new(&OidcRoleConfig::default(), &env)
        .unwrap()
        .fetch()
        .unwrap();
    assert_eq!(c.source(), "oidc");
    let session = &emu.sts_credentials()[0].session_name;
    assert!(session.starts_with("bidcert-"), "{session}");
}

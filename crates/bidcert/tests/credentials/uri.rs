//! A credentials URI, served by the emulator's metadata port.

use bidcert::credentials::{CredentialsUriConfig, CredentialsUriProvider, ProvideCredentials};
use bidcert::{BidType, CredentialsProvider};
use bidcert_emulator::demo::*;
use bidcert_emulator::{Fault, FaultKind};

use crate::{at_emulator, bare, client, emulator, query, reasons, Home};

#[test]
fn the_uri_gives_keys_that_sign_api_calls() {
    let emu = emulator();
    let home = Home::new();
    let env = at_emulator(&home, &emu).with(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        emu.credentials_uri().unwrap(),
    );
    let p = CredentialsUriProvider::new(&CredentialsUriConfig::default(), &env).unwrap();
    let c = p.fetch().unwrap();
    assert_eq!(c.kind().as_str(), "credentials_uri");
    assert!(c.expiration().is_some());
    let info = client(&emu, CredentialsProvider::new(p))
        .query_certified_info(&query(PERSONAL_PK, BidType::Normal))
        .unwrap();
    assert!(info.is_certified());
    assert_eq!(emu.metadata_requests().credentials_uri, 2);
}

#[test]
fn errors_and_malformed_answers_say_why_without_the_body() {
    let emu = emulator();
    let home = Home::new();
    let config = |path: &str| CredentialsUriConfig {
        uri: Some(format!("{}{path}", emu.metadata_url().unwrap())),
        ..CredentialsUriConfig::default()
    };
    let env = at_emulator(&home, &emu);
    let why = reasons(
        &CredentialsUriProvider::new(&config("/nope?token=hide-me"), &env)
            .unwrap()
            .fetch()
            .unwrap_err(),
    );
    assert!(why.contains("answered HTTP 404"), "{why}");
    assert!(!why.contains("hide-me"), "the query never shows: {why}");
    emu.inject_fault(Fault::metadata(FaultKind::MalformedBody, 1));
    let why = reasons(
        &CredentialsUriProvider::new(&config("/credentials-uri"), &env)
            .unwrap()
            .fetch()
            .unwrap_err(),
    );
    assert!(
        why.contains("truncated JSON") && !why.contains("STS."),
        "{why}"
    );
}

#[test]
fn plain_http_to_another_host_is_refused_before_any_request() {
    let home = Home::new();
    let config = CredentialsUriConfig {
        uri: Some("http://10.0.0.1/credentials".into()),
        ..CredentialsUriConfig::default()
    };
    let e = CredentialsUriProvider::new(&config, &bare(&home)).unwrap_err();
    assert!(reasons(&e).contains("plain http"), "{e}");
}

//! The ECS instance's RAM role, from the emulator's metadata service.

use std::time::{Duration, Instant};

use bidcert::credentials::{
    CredentialsProvider, DefaultChain, EcsRamRoleConfig, EcsRamRoleProvider, Env,
    ProvideCredentials,
};
use bidcert::BidType;
use bidcert_emulator::demo::*;
use bidcert_emulator::{EmulatorHandle, Fault, FaultKind};

use crate::{at_emulator, client, emulator, query, reasons, Home};

fn provider(
    emu: &EmulatorHandle,
    config: EcsRamRoleConfig,
    extra: &[(&str, &str)],
) -> EcsRamRoleProvider {
    let home = Home::new();
    let env = extra
        .iter()
        .fold(at_emulator(&home, emu), |env, (k, v)| env.with(*k, *v));
    EcsRamRoleProvider::new(&config, &env).unwrap()
}

#[test]
fn imdsv2_a_session_token_the_role_discovered_then_its_keys() {
    let emu = emulator();
    emu.set_require_imdsv2(true);
    let p = provider(&emu, EcsRamRoleConfig::default(), &[]);
    let c = p.fetch().unwrap();
    assert_eq!(c.kind().as_str(), "ecs_ram_role");
    assert!(
        c.detail().ends_with(&format!("role {ECS_ROLE_NAME}")),
        "{}",
        c.detail()
    );
    let n = emu.metadata_requests();
    assert_eq!((n.tokens, n.listings, n.credentials), (1, 1, 1));
    // The instance role's keys act as the NORMAL reseller.
    let info = client(&emu, CredentialsProvider::new(p))
        .query_certified_info(&query(PERSONAL_PK, BidType::Normal))
        .unwrap();
    assert!(info.is_certified());
}

#[test]
fn a_role_name_given_skips_the_listing() {
    let emu = emulator();
    let by_config = EcsRamRoleConfig {
        role_name: Some(ECS_ROLE_NAME.into()),
        ..EcsRamRoleConfig::default()
    };
    provider(&emu, by_config, &[]).fetch().unwrap();
    provider(
        &emu,
        EcsRamRoleConfig::default(),
        &[("ALIBABA_CLOUD_ECS_METADATA", ECS_ROLE_NAME)],
    )
    .fetch()
    .unwrap();
    assert_eq!(emu.metadata_requests().listings, 0);
    let wrong = EcsRamRoleConfig {
        role_name: Some("not-the-role".into()),
        ..EcsRamRoleConfig::default()
    };
    let why = reasons(&provider(&emu, wrong, &[]).fetch().unwrap_err());
    assert!(why.contains("HTTP 404"), "{why}");
}

#[test]
fn a_refused_session_token_falls_back_to_imdsv1_unless_disabled() {
    let emu = emulator();
    emu.inject_fault(Fault::metadata(FaultKind::Http503, 1));
    provider(&emu, EcsRamRoleConfig::default(), &[])
        .fetch()
        .expect("IMDSv1");
    let n = emu.metadata_requests();
    assert_eq!((n.tokens, n.credentials), (1, 1));
    emu.inject_fault(Fault::metadata(FaultKind::Http503, 1));
    let p = provider(
        &emu,
        EcsRamRoleConfig::default(),
        &[("ALIBABA_CLOUD_IMDSV1_DISABLED", "true")],
    );
    let why = reasons(&p.fetch().unwrap_err());
    assert!(
        why.contains("HTTP 503") && why.contains("ALIBABA_CLOUD_IMDSV1_DISABLED"),
        "{why}"
    );
    assert_eq!(
        emu.metadata_requests().credentials,
        1,
        "nothing read without the token"
    );
    // An instance that requires IMDSv2 refuses the plain read.
    emu.set_require_imdsv2(true);
    emu.inject_fault(Fault::metadata(FaultKind::Http503, 1));
    let why = reasons(
        &provider(&emu, EcsRamRoleConfig::default(), &[])
            .fetch()
            .unwrap_err(),
    );
    assert!(why.contains("HTTP 401"), "{why}");
}

#[test]
fn a_hanging_metadata_service_fails_within_the_timeouts() {
    let emu = emulator();
    emu.inject_fault(Fault::metadata(FaultKind::Hang, 3));
    let p = provider(&emu, EcsRamRoleConfig::default(), &[]);
    let started = Instant::now();
    let e = p.fetch().unwrap_err();
    let took = started.elapsed();
    // 1 s for the token, then 1 s for the listing read without one.
    assert!(took < Duration::from_millis(3500), "{took:?}");
    let why = reasons(&e);
    assert!(why.contains("timed out"), "{why}");
}

#[test]
fn a_malformed_answer_is_refused_without_its_bytes() {
    let emu = emulator();
    emu.inject_fault(Fault::metadata(FaultKind::Latency(Duration::ZERO), 1));
    emu.inject_fault(Fault::metadata(FaultKind::MalformedBody, 1));
    let config = EcsRamRoleConfig {
        role_name: Some(ECS_ROLE_NAME.into()),
        ..EcsRamRoleConfig::default()
    };
    let why = reasons(&provider(&emu, config, &[]).fetch().unwrap_err());
    assert!(why.contains("truncated JSON"), "{why}");
    assert!(!why.contains("STS.") && !why.contains("CAIS"), "{why}");
}

#[test]
fn disabled_the_provider_is_never_built_and_nothing_is_sent() {
    // The real address: the variable keeps the provider, and so any packet, out of reach.
    let env = Env::empty().with("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    let e = EcsRamRoleProvider::new(&EcsRamRoleConfig::default(), &env).unwrap_err();
    assert!(reasons(&e).contains("disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED"));
    let e = DefaultChain::new(&env, None).fetch().unwrap_err();
    assert!(
        reasons(&e).contains("ecs_metadata: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED"),
        "{e}"
    );
}

//! Caching and refresh: one STS call per refresh however many callers, refreshed credentials
//! where the server refused the old ones, the valid ones kept while a refresh fails, and
//! expired ones never used.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use bidcert::credentials::{
    CredentialsProvider, CredentialsUriConfig, CredentialsUriProvider, Env, RamRoleArnConfig,
    RamRoleArnProvider, StsConfig,
};
use bidcert::{BidType, Client, Credentials, ErrorKind, Policy, QueryCertifiedInfo, RefreshPolicy};
use bidcert_emulator::demo::*;
use bidcert_emulator::{Emulator, EmulatorHandle, Fault, FaultKind, FaultScope, Fixture};

use crate::{at_emulator, client, emulator, reasons, Home};

fn assumed(emu: &EmulatorHandle, env: &Env, duration: Option<u32>) -> RamRoleArnProvider {
    let config = RamRoleArnConfig {
        role_arn: Some(ROLE_ARN.into()),
        role_session_name: Some("refresh".into()),
        duration_seconds: duration,
        sts: StsConfig {
            endpoint: Some(emu.base_url().to_owned()),
            ..StsConfig::default()
        },
        ..RamRoleArnConfig::default()
    };
    let account = CredentialsProvider::fixed(
        Credentials::new(ACCOUNT_ACCESS_KEY_ID, ACCOUNT_ACCESS_KEY_SECRET).unwrap(),
    );
    RamRoleArnProvider::new(&config, account, env).unwrap()
}

const THREADS: usize = 16;
const CALLS: usize = 1_000;
const EXPIRIES: usize = 3;

#[test]
fn sixteen_threads_a_thousand_calls_each_three_expiries_three_sts_calls() {
    let emu = emulator();
    let home = Home::new();
    let provider = CredentialsProvider::new(assumed(&emu, &at_emulator(&home, &emu), None));
    let client = Client::builder()
        .provider(provider)
        .endpoint(emu.base_url())
        .policy(Policy::default().with_budget(Duration::from_secs(60)))
        .build()
        .unwrap();
    // The client's first credentials.
    assert_eq!(emu.sts_call_count("AssumeRole"), 1);
    let op = QueryCertifiedInfo::new(PERSONAL_PK, BidType::Normal).unwrap();
    let done = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let mut expired = Vec::new();
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..CALLS {
                    match client.query_certified_info(&op) {
                        Ok(info) => assert!(info.is_certified()),
                        Err(e) => {
                            eprintln!("call failed: {e}");
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let total = THREADS * CALLS;
        for n in 1..=EXPIRIES {
            // A quarter of the calls apart, each after the previous refresh happened.
            let at = total * n / (EXPIRIES + 1);
            let deadline = Instant::now() + Duration::from_secs(120);
            while done.load(Ordering::Relaxed) < at || emu.sts_call_count("AssumeRole") < n as u64 {
                assert!(Instant::now() < deadline, "the calls stalled");
                std::thread::sleep(Duration::from_millis(1));
            }
            expired.push(emu.expire_sts_credentials());
        }
    });
    assert_eq!(failures.load(Ordering::Relaxed), 0);
    assert_eq!(done.load(Ordering::Relaxed), THREADS * CALLS);
    // Each expiry ended exactly one valid key: the one all the threads shared.
    assert_eq!(expired, vec![1; EXPIRIES]);
    let sts = emu.sts_call_count("AssumeRole");
    let refused = emu
        .requests()
        .iter()
        .filter(|r| r.code.as_deref() == Some("InvalidSecurityToken.Expired"))
        .count();
    println!(
        "{THREADS} threads x {CALLS} calls, {EXPIRIES} forced expiries: {} STS calls after the \
         first; {refused} attempts refused as expired, each retried",
        sts - 1
    );
    assert_eq!(sts - 1, EXPIRIES as u64, "exactly one STS call per expiry");
    assert!(
        refused >= EXPIRIES,
        "each expiry was seen by the calls in flight: {refused}"
    );
}

#[test]
fn a_cold_cache_is_filled_by_one_caller() {
    let emu = emulator();
    let home = Home::new();
    let provider = CredentialsProvider::new(assumed(&emu, &at_emulator(&home, &emu), None));
    let barrier = Barrier::new(THREADS);
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    provider
                        .credentials()
                        .unwrap()
                        .credentials()
                        .access_key_id()
                        .to_owned()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(emu.sts_call_count("AssumeRole"), 1);
}

#[test]
fn credentials_that_arrive_inside_the_window_are_not_fetched_again_by_every_call() {
    let emu = emulator();
    // Issued 800 s in the past of our clock and valid 900 s: they arrive with 100 s left by
    // our clock (STS and the gateway, on the emulator's clock, still take them).
    emu.set_clock_offset(-800);
    let home = Home::new();
    let provider = CredentialsProvider::new(assumed(&emu, &at_emulator(&home, &emu), Some(900)));
    let client = client(&emu, provider.clone());
    let left = provider.credentials().unwrap().expiration().unwrap().unix()
        - bidcert::Timestamp::now().unix();
    assert!((90..=100).contains(&left), "{left}");
    let op = QueryCertifiedInfo::new(PERSONAL_PK, BidType::Normal).unwrap();
    for _ in 0..50 {
        assert!(client.query_certified_info(&op).unwrap().is_certified());
    }
    // Refreshed halfway through their 100 s, not by each call.
    assert_eq!(emu.sts_call_count("AssumeRole"), 1);
}

#[test]
fn a_refresh_ahead_is_one_callers_and_a_failed_one_keeps_the_valid_keys_until_a_backoff() {
    let emu = emulator();
    let home = Home::new();
    // 900 s sessions refreshed 899 s ahead: due about a second after each fetch.
    let policy = RefreshPolicy::default().with_ahead(Duration::from_secs(899));
    let provider = CredentialsProvider::with_refresh_policy(
        assumed(&emu, &at_emulator(&home, &emu), Some(900)),
        policy,
    );
    let id = |p: &CredentialsProvider| {
        p.credentials()
            .unwrap()
            .credentials()
            .access_key_id()
            .to_owned()
    };
    let first = id(&provider);
    let client = client(&emu, provider.clone());
    let op = QueryCertifiedInfo::new(PERSONAL_PK, BidType::Normal).unwrap();
    // A failed refresh keeps the valid keys, and nobody asks STS again within the backoff.
    std::thread::sleep(Duration::from_millis(1_100));
    emu.inject_fault(Fault::new(
        FaultKind::MalformedBody,
        FaultScope::NextForAction("AssumeRole".into(), 1),
    ));
    assert_eq!(id(&provider), first);
    assert_eq!(emu.sts_call_count("AssumeRole"), 2);
    for _ in 0..20 {
        assert!(client.query_certified_info(&op).unwrap().is_certified());
    }
    assert_eq!(emu.sts_call_count("AssumeRole"), 2);
    // After the backoff (at most 1 s after a first failure) the next caller refreshes, slowly
    // here: it waits, and the others keep the valid keys meanwhile.
    std::thread::sleep(Duration::from_millis(1_100));
    emu.inject_fault(Fault::new(
        FaultKind::Latency(Duration::from_millis(800)),
        FaultScope::NextForAction("AssumeRole".into(), 1),
    ));
    let second = std::thread::scope(|s| {
        let refresher = s.spawn(|| id(&provider));
        std::thread::sleep(Duration::from_millis(150));
        let started = Instant::now();
        assert_eq!(
            id(&provider),
            first,
            "the valid keys, while the refresh is under way"
        );
        assert!(client.query_certified_info(&op).unwrap().is_certified());
        assert!(
            started.elapsed() < Duration::from_millis(400),
            "{:?}",
            started.elapsed()
        );
        refresher.join().unwrap()
    });
    assert_ne!(second, first);
    assert_eq!(emu.sts_call_count("AssumeRole"), 3);
    assert!(client.query_certified_info(&op).unwrap().is_certified());
    assert_eq!(client.signer().credentials().access_key_id(), second);
}

#[test]
fn expired_credentials_are_never_used() {
    let mut fixture = Fixture::demo();
    fixture
        .instance
        .as_mut()
        .expect("an instance")
        .duration_seconds = 900;
    let emu = Emulator::builder()
        .fixture(fixture)
        .metadata(true)
        .start()
        .unwrap();
    crate::captured();
    // The URI hands out keys that expired 100 s ago by our clock.
    emu.set_clock_offset(-1_000);
    let home = Home::new();
    let config = CredentialsUriConfig {
        uri: emu.credentials_uri(),
        ..CredentialsUriConfig::default()
    };
    let p = CredentialsUriProvider::new(&config, &at_emulator(&home, &emu)).unwrap();
    let e = Client::builder()
        .provider(CredentialsProvider::new(p))
        .endpoint(emu.base_url())
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(reasons(&e).contains("expired at"), "{e}");
    assert!(emu.requests().is_empty(), "nothing was signed with them");
}

#[test]
fn a_refusal_reaches_the_role_behind_a_profile_of_the_chain() {
    let emu = emulator();
    let home = Home::new();
    home.write(
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "r", "profiles": [{{"name": "r", "mode": "RamRoleArn",
               "access_key_id": "{ACCOUNT_ACCESS_KEY_ID}", "access_key_secret": "{ACCOUNT_ACCESS_KEY_SECRET}",
               "ram_role_arn": "{ROLE_ARN}", "ram_session_name": "chain"}}]}}"#
        ),
    );
    let client = Client::builder()
        .provider(CredentialsProvider::default_chain(&at_emulator(
            &home, &emu,
        )))
        .endpoint(emu.base_url())
        .build()
        .unwrap();
    let op = QueryCertifiedInfo::new(PERSONAL_PK, BidType::Normal).unwrap();
    assert!(client.query_certified_info(&op).unwrap().is_certified());
    let before = client.signer().credentials().access_key_id().to_owned();
    assert_eq!(emu.expire_sts_credentials(), 1);
    // The chain's cache, the profile's and the role's: the refusal goes through all three.
    assert!(client.query_certified_info(&op).unwrap().is_certified());
    assert_ne!(client.signer().credentials().access_key_id(), before);
    assert_eq!(emu.sts_call_count("AssumeRole"), 2);
}

#[test]
fn without_a_retry_left_the_refusal_still_refreshes_for_the_next_call() {
    let emu = emulator();
    let home = Home::new();
    let client = Client::builder()
        .provider(CredentialsProvider::new(assumed(
            &emu,
            &at_emulator(&home, &emu),
            None,
        )))
        .endpoint(emu.base_url())
        .max_attempts(1)
        .build()
        .unwrap();
    let op = QueryCertifiedInfo::new(PERSONAL_PK, BidType::Normal).unwrap();
    client.query_certified_info(&op).unwrap();
    emu.expire_sts_credentials();
    let e = client.query_certified_info(&op).unwrap_err();
    assert_eq!(
        e.api_error().unwrap().code(),
        "InvalidSecurityToken.Expired"
    );
    assert!(client.query_certified_info(&op).unwrap().is_certified());
    assert_eq!(emu.sts_call_count("AssumeRole"), 2);
}

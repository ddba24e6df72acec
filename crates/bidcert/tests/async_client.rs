//! `AsyncClient` against the emulator: the same engine as the blocking client (retries,
//! faults, skew, expired credentials), sharing its state, over HTTP and HTTPS; a dropped
//! future sends nothing more; a credentials refresh does not block the runtime.
#![cfg(feature = "async")]

use std::net::IpAddr;
use std::time::{Duration, Instant};

use bidcert::credentials::{CredentialsProvider, Env, ProviderConfig, RamRoleArnConfig, StsConfig};
use bidcert::{
    AsyncClient, BidType, Client, Credentials, ErrorKind, GenerateCertWaysUrl, Product,
    QueryCertifiedInfo, RpcCall,
};
use bidcert_emulator::demo::*;
use bidcert_emulator::{Emulator, EmulatorHandle, Fault, FaultKind, FaultScope};

fn emulator(tls: bool) -> EmulatorHandle {
    Emulator::builder()
        .tls(tls)
        .start()
        .expect("emulator starts")
}

fn builder(endpoint: &str) -> bidcert::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new(NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET).unwrap())
        .endpoint(endpoint)
        .policy(
            bidcert::Policy::default()
                .with_base_delay(Duration::from_millis(5))
                .with_max_delay(Duration::from_millis(20)),
        )
}

fn query(pk: &str) -> QueryCertifiedInfo {
    QueryCertifiedInfo::new(pk, BidType::Normal).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_main_calls_succeed() {
    let emu = emulator(false);
    let client = builder(emu.base_url()).build_async().unwrap();
    runtime().block_on(async {
        let info = client
            .query_certified_info(&query(PERSONAL_PK))
            .await
            .unwrap();
        assert!(info.is_certified());
        let op = GenerateCertWaysUrl::new(UNVERIFIED_PK, BidType::Normal).unwrap();
        let link = client.generate_cert_ways_url(&op).await.unwrap();
        assert!(link.url().starts_with(emu.base_url()), "{}", link.url());
        let op = RpcCall::new(Product::Crm, "QueryBidUserCertifiedInfo", "2015-04-08")
            .and_then(|c| c.with_param("PK", PERSONAL_PK))
            .and_then(|c| c.with_param("BidType", "NORMAL"))
            .unwrap();
        let value = client.call(&op).await.unwrap();
        assert!(value.get("result").is_some(), "{value}");
        let e = client
            .query_certified_info(&query(LIGHTWEIGHT_CUSTOMER_PK))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BidMismatch);
    });
    assert_eq!(emu.requests().len(), 4);
}

#[test]
fn faults_are_retried_by_the_engine_as_for_the_blocking_client() {
    let emu = emulator(false);
    let client = builder(emu.base_url())
        .timeout(Duration::from_millis(300))
        .build_async()
        .unwrap();
    let rt = runtime();
    for kind in [
        FaultKind::Http503,
        FaultKind::DropConnection,
        FaultKind::TruncatedBody,
        FaultKind::NonJsonBody,
        FaultKind::Hang,
        FaultKind::Throttling(Duration::from_millis(100)),
    ] {
        emu.reset();
        emu.inject_fault(Fault::next(kind.clone()));
        let info = rt.block_on(client.query_certified_info(&query(UNVERIFIED_PK)));
        assert!(info.is_ok(), "{kind}: {info:?}");
        assert_eq!(emu.requests().len(), 2, "{kind}: one retry");
    }
    emu.reset();
    emu.inject_fault(Fault::next(FaultKind::MalformedBody));
    let e = rt
        .block_on(client.query_certified_info(&query(UNVERIFIED_PK)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse, "not retried: {e}");
    assert_eq!(emu.requests().len(), 1);
}

#[test]
fn the_clock_offset_learned_is_shared_with_the_blocking_client() {
    let emu = emulator(false);
    emu.set_clock_offset(1200);
    let client = builder(emu.base_url()).build_async().unwrap();
    runtime()
        .block_on(client.query_certified_info(&query(UNVERIFIED_PK)))
        .unwrap();
    assert!((client.blocking().clock_offset() - 1200).abs() <= 2);
    emu.clear_requests();
    client
        .blocking()
        .query_certified_info(&query(UNVERIFIED_PK))
        .unwrap();
    assert_eq!(
        emu.requests().len(),
        1,
        "the blocking client starts on time"
    );
}

#[test]
fn a_dropped_call_sends_no_further_attempt() {
    let emu = emulator(false);
    emu.inject_fault(Fault::new(
        FaultKind::Latency(Duration::from_millis(600)),
        FaultScope::Next(5),
    ));
    let client = builder(emu.base_url())
        .timeout(Duration::from_millis(300))
        .build_async()
        .unwrap();
    let rt = runtime();
    let cancelled = rt.block_on(async {
        tokio::time::timeout(
            Duration::from_millis(100),
            client.query_certified_info(&query(UNVERIFIED_PK)),
        )
        .await
    });
    assert!(cancelled.is_err(), "the timeout dropped the call");
    // Without the drop, the attempt would time out at 300 ms and be retried.
    std::thread::sleep(Duration::from_millis(1200));
    assert!(emu.requests().len() <= 1, "{:?}", emu.requests());
}

#[test]
fn concurrent_calls_share_one_pool_and_no_name_lookup_for_an_ip() {
    let emu = emulator(false);
    let client = builder(emu.base_url()).build_async().unwrap();
    let rt = runtime();
    rt.block_on(async {
        let calls = (0..100).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.query_certified_info(&query(PERSONAL_PK)).await })
        });
        for call in calls.collect::<Vec<_>>() {
            assert!(call.await.unwrap().unwrap().is_certified());
        }
    });
    assert_eq!(emu.requests().len(), 100);
    assert_eq!(client.blocking().name_lookups(), 0);
}

#[test]
fn a_name_is_looked_up_once_for_both_drivers() {
    let emu = emulator(false);
    let url = emu.base_url().replace("127.0.0.1", "localhost");
    let client = builder(&url).build_async().unwrap();
    let rt = runtime();
    for _ in 0..5 {
        rt.block_on(client.query_certified_info(&query(PERSONAL_PK)))
            .unwrap();
        client
            .blocking()
            .query_certified_info(&query(PERSONAL_PK))
            .unwrap();
    }
    assert_eq!(client.blocking().name_lookups(), 1);
}

#[test]
fn over_https_one_handshake_serves_every_call() {
    let emu = emulator(true);
    let client = builder(emu.https_url().unwrap())
        .ca_pem(emu.ca_pem().unwrap())
        .build_async()
        .unwrap();
    let rt = runtime();
    for _ in 0..10 {
        rt.block_on(client.query_certified_info(&query(PERSONAL_PK)))
            .unwrap();
    }
    assert_eq!(emu.tls_handshakes(), 1);
    assert!(emu.requests().iter().all(|r| r.tls));
}

#[test]
fn an_untrusted_certificate_is_a_tls_error_that_is_not_retried() {
    let emu = emulator(true);
    let client = builder(emu.https_url().unwrap()).build_async().unwrap();
    let e = runtime()
        .block_on(client.query_certified_info(&query(PERSONAL_PK)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(!e.is_retryable());
    assert!(e.to_string().contains("UnknownIssuer"), "{e}");
    assert!(emu.requests().is_empty());
}

#[test]
fn a_wrong_host_name_is_refused() {
    let emu = emulator(true);
    let port = emu
        .https_url()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .to_owned();
    let client = builder(&format!("https://bidcert-wrong-name.invalid:{port}"))
        .resolve("bidcert-wrong-name.invalid", IpAddr::from([127, 0, 0, 1]))
        .ca_pem(emu.ca_pem().unwrap())
        .build_async()
        .unwrap();
    let e = runtime()
        .block_on(client.query_certified_info(&query(PERSONAL_PK)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(e.to_string().contains("not valid for name"), "{e}");
    assert_eq!(client.blocking().name_lookups(), 0);
}

#[test]
fn a_refresh_runs_off_the_runtime_and_once_for_concurrent_calls() {
    let emu = emulator(false);
    let role = ProviderConfig::RamRoleArn {
        role: RamRoleArnConfig {
            role_arn: Some(ROLE_ARN.into()),
            sts: StsConfig {
                endpoint: Some(emu.base_url().into()),
                ..StsConfig::default()
            },
            ..RamRoleArnConfig::default()
        },
        source: Box::new(ProviderConfig::Static {
            access_key_id: ACCOUNT_ACCESS_KEY_ID.into(),
            access_key_secret: ACCOUNT_ACCESS_KEY_SECRET.into(),
            security_token: None,
        }),
    };
    let provider = CredentialsProvider::from_config(&role, &Env::empty()).unwrap();
    let client: AsyncClient = Client::builder()
        .provider(provider)
        .endpoint(emu.base_url())
        .build_async()
        .unwrap();
    assert_eq!(emu.sts_call_count("AssumeRole"), 1, "resolved when built");
    let rt = runtime();
    emu.expire_sts_credentials();
    // While a call waits for STS (on the blocking pool), the runtime's one worker still runs
    // a timer: a refresh that blocked it would delay the tick.
    let (ticked, called) = rt.block_on(async {
        let started = Instant::now();
        let tick = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(1)).await;
            started.elapsed()
        });
        let calls: Vec<_> = (0..20)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.query_certified_info(&query(PERSONAL_PK)).await })
            })
            .collect();
        let mut ok = 0;
        for call in calls {
            ok += usize::from(call.await.unwrap().is_ok());
        }
        (tick.await.unwrap(), ok)
    });
    assert_eq!(called, 20);
    assert_eq!(emu.sts_call_count("AssumeRole"), 2, "one refresh for all");
    assert!(ticked < Duration::from_millis(500), "{ticked:?}");
}

#[test]
fn a_pool_of_its_own_serves_a_runtime_that_runs_only_during_calls() {
    let emu = emulator(true);
    emu.set_clock_offset(1200);
    let shared = builder(emu.https_url().unwrap())
        .ca_pem(emu.ca_pem().unwrap())
        .build_async()
        .unwrap();
    let own = shared.with_own_pool().unwrap();
    // As a thread driving its own runtime: idle between its calls.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for _ in 0..5 {
        rt.block_on(own.query_certified_info(&query(PERSONAL_PK)))
            .unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        emu.tls_handshakes(),
        1,
        "its connection was kept and reused"
    );
    assert!(
        (shared.blocking().clock_offset() - 1200).abs() <= 2,
        "what it learned is shared"
    );
}

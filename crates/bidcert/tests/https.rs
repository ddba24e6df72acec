//! The client over HTTPS against the emulator's TLS port: the trust options, the TLS error
//! kind, host name checks and connection reuse.

use std::net::IpAddr;

use bidcert::{
    BidType, Client, Credentials, ErrorKind, GenerateCertWaysUrl, Policy, QueryCertifiedInfo,
};
use bidcert_emulator::demo::*;
use bidcert_emulator::{Emulator, EmulatorHandle};

fn tls_emulator() -> EmulatorHandle {
    Emulator::builder()
        .tls(true)
        .start()
        .expect("emulator starts")
}

fn builder(endpoint: &str) -> bidcert::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new(NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET).unwrap())
        .endpoint(endpoint)
}

fn query() -> QueryCertifiedInfo {
    QueryCertifiedInfo::new(UNVERIFIED_PK, BidType::Normal).unwrap()
}

#[test]
fn the_main_calls_succeed_over_https_with_the_emulators_ca() {
    let emu = tls_emulator();
    let url = emu.https_url().unwrap().to_owned();
    let c = builder(&url).ca_pem(emu.ca_pem().unwrap()).build().unwrap();
    assert!(!c.query_certified_info(&query()).unwrap().is_certified());
    let link = c
        .generate_cert_ways_url(&GenerateCertWaysUrl::new(UNVERIFIED_PK, BidType::Normal).unwrap())
        .unwrap();
    assert!(link.url().starts_with("https://"), "{}", link.url());
    assert!(emu.requests().iter().all(|r| r.tls));
}

#[test]
fn an_untrusted_certificate_is_a_tls_error_that_is_not_retried() {
    let emu = tls_emulator();
    let c = builder(emu.https_url().unwrap()).build().unwrap();
    let e = c.query_certified_info(&query()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(!e.is_retryable());
    assert!(
        e.to_string().contains("UnknownIssuer"),
        "names the problem: {e}"
    );
    assert_eq!(emu.tls_handshakes(), 0);
    assert!(emu.requests().is_empty());
}

#[test]
fn a_wrong_host_name_is_refused() {
    let emu = tls_emulator();
    let port = emu
        .https_url()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .to_owned();
    // `.invalid` never resolves; the fixed address sends it to the emulator.
    let c = builder(&format!("https://bidcert-wrong-name.invalid:{port}"))
        .resolve("bidcert-wrong-name.invalid", IpAddr::from([127, 0, 0, 1]))
        .ca_pem(emu.ca_pem().unwrap())
        .policy(Policy::default())
        .build()
        .unwrap();
    let e = c.query_certified_info(&query()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(e.to_string().contains("not valid for name"), "{e}");
    assert_eq!(c.name_lookups(), 0);
}

#[test]
fn many_calls_on_one_client_cost_one_handshake() {
    let emu = tls_emulator();
    let c = builder(emu.https_url().unwrap())
        .ca_pem(emu.ca_pem().unwrap())
        .build()
        .unwrap();
    for _ in 0..20 {
        c.query_certified_info(&query()).unwrap();
    }
    assert_eq!(emu.requests().len(), 20);
    assert_eq!(emu.tls_handshakes(), 1, "one pooled connection");
}

#[test]
fn a_ca_file_is_read_when_the_client_is_built() {
    let emu = tls_emulator();
    let dir = std::env::temp_dir().join(format!("bidcert-https-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ca.pem");
    std::fs::write(&file, emu.ca_pem().unwrap()).unwrap();
    let c = builder(emu.https_url().unwrap())
        .ca_file(&file)
        .build()
        .unwrap();
    c.query_certified_info(&query()).unwrap();

    let missing = dir.join("missing.pem");
    let e = builder(emu.https_url().unwrap())
        .ca_file(&missing)
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.to_string().contains("missing.pem"), "{e}");
    let e = builder(emu.https_url().unwrap())
        .ca_pem("not a pem")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("no certificate"), "{e}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_host_name_is_looked_up_once_for_many_calls() {
    let emu = Emulator::builder().start().unwrap();
    let url = emu.base_url().replace("127.0.0.1", "localhost");
    let c = builder(&url).build().unwrap();
    for _ in 0..10 {
        c.query_certified_info(&query()).unwrap();
    }
    assert_eq!(c.name_lookups(), 1);
}

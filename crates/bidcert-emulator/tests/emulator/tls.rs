//! HTTPS beside HTTP: the emulator's own CA, handshakes counted, the same state on both ports.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use bidcert_core::{BidType, Nonce, QueryCertifiedInfo};
use bidcert_emulator::{demo, Emulator, EmulatorHandle};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::common::*;

fn start_tls() -> EmulatorHandle {
    Emulator::builder()
        .tls(true)
        .start()
        .expect("emulator starts")
}

/// A keep-alive client that trusts `roots` only.
fn agent_with(roots: RootCerts) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .build()
        .into()
}

/// A client that trusts the emulator's CA (and nothing else).
fn trusting(emu: &EmulatorHandle) -> ureq::Agent {
    let ca = Certificate::from_pem(emu.ca_pem().unwrap().as_bytes()).unwrap();
    agent_with(RootCerts::new_with_certs(&[ca]))
}

/// The usual Query, signed for the HTTPS endpoint and sent with `agent`.
fn https_query(emu: &EmulatorHandle, agent: &ureq::Agent) -> Reply {
    let params = usual_query_params(emu);
    let url = format!("{}/?{}", emu.https_url().unwrap(), query_string(&params));
    reply(agent.post(&url).send_empty())
}

#[test]
fn a_signed_query_succeeds_over_https_with_the_emulator_ca() {
    let emu = start_tls();
    let https = emu.https_url().unwrap().to_owned();
    assert!(https.starts_with("https://127.0.0.1:"), "{https}");
    assert_ne!(
        https.trim_start_matches("https"),
        emu.base_url().trim_start_matches("http")
    );
    assert!(emu.base_url().starts_with("http://127.0.0.1:"));
    let ca = emu.ca_pem().unwrap();
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");

    // The core signer pointed at the HTTPS endpoint, as a client would be.
    let endpoint = bidcert_core::Endpoint::new(&https).unwrap();
    let signer =
        bidcert_core::Signer::new(bidcert_core::Credentials::new(NORMAL.0, NORMAL.1).unwrap())
            .with_endpoint(bidcert_core::Product::Crm, endpoint);
    let op = QueryCertifiedInfo::new(demo::PERSONAL_PK, BidType::Normal).unwrap();
    let req = signer.sign(&op, emu.now(), &Nonce::random()).unwrap();
    assert!(req.url().starts_with(&https), "{}", req.url());
    let r = reply(trusting(&emu).post(req.url()).send_empty());
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["result"].as_str().unwrap().contains("Zhang San"));
    assert_eq!(emu.tls_handshakes(), 1);
    let log = emu.requests();
    assert_eq!(log.len(), 1);
    assert!(log[0].tls, "logged as an HTTPS request");
    assert_eq!(log[0].status, Some(200));
}

#[test]
fn many_requests_on_one_keep_alive_connection_cost_one_handshake() {
    let emu = start_tls();
    let agent = trusting(&emu);
    for _ in 0..10 {
        assert_eq!(https_query(&emu, &agent).status, 200);
    }
    assert_eq!(
        emu.tls_handshakes(),
        1,
        "one pooled connection, one handshake"
    );
    // A second client opens a connection of its own.
    assert_eq!(https_query(&emu, &trusting(&emu)).status, 200);
    assert_eq!(emu.tls_handshakes(), 2);
    assert_eq!(emu.requests().len(), 11);
    // Plain HTTP costs none.
    assert_eq!(usual_query(&emu).status, 200);
    assert_eq!(emu.tls_handshakes(), 2);
    emu.reset();
    assert_eq!(emu.tls_handshakes(), 0, "reset forgets the count");
}

#[test]
fn a_client_that_does_not_trust_the_ca_fails_the_handshake() {
    let emu = start_tls();
    // The public roots only, as a client without the extra CA has.
    let err = agent_with(RootCerts::WebPki)
        .get(format!("{}/_emulator/state", emu.https_url().unwrap()))
        .call()
        .unwrap_err();
    // ureq hands rustls's verdict through as an I/O error.
    let tls_error = match &err {
        ureq::Error::Io(e) => e.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()),
        ureq::Error::Rustls(e) => Some(e),
        _ => None,
    };
    assert_eq!(
        tls_error,
        Some(&rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer
        )),
        "{err:?}"
    );
    assert_eq!(emu.tls_handshakes(), 0, "a failed handshake is not counted");
    assert!(emu.requests().is_empty());
}

/// A rustls client that trusts the emulator's CA and expects `name`, over a raw connection.
fn handshake_as(emu: &EmulatorHandle, name: &str) -> Result<String, rustls::Error> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(emu.ca_pem().unwrap().as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from(name.to_owned()).unwrap();
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let port = emu.https_url().unwrap().rsplit(':').next().unwrap();
    let mut sock = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut tls = rustls::Stream::new(&mut conn, &mut sock);
    let rustls_error = |e: std::io::Error| {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .cloned()
            .unwrap_or_else(|| panic!("not a TLS error: {e}"))
    };
    tls.write_all(b"GET /_emulator/clock HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .map_err(rustls_error)?;
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[test]
fn the_certificate_names_loopback_and_a_wrong_host_name_is_refused() {
    let emu = start_tls();
    let err = handshake_as(&emu, "bidcert.example").unwrap_err();
    assert!(
        matches!(
            err,
            rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName
                    | rustls::CertificateError::NotValidForNameContext { .. }
            )
        ),
        "{err:?}"
    );
    assert_eq!(emu.tls_handshakes(), 0);
    for name in ["localhost", "127.0.0.1", "::1"] {
        let answer = handshake_as(&emu, name).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{name}: {answer}");
        assert!(answer.contains("offset_seconds"), "{answer}");
    }
    assert_eq!(emu.tls_handshakes(), 3);
}

#[test]
fn http_and_https_serve_one_state() {
    let emu = start_tls();
    let agent = trusting(&emu);
    let over_https = |params: &[(String, String)]| {
        let url = format!("{}/?{}", emu.https_url().unwrap(), query_string(params));
        reply(agent.post(&url).send_empty())
    };
    // A nonce seen over HTTP is a replay over HTTPS.
    let params = usual_query_params(&emu);
    assert_eq!(
        send_params(&emu, bidcert_core::Method::Post, &params).status,
        200
    );
    over_https(&params).assert_error(400, "SignatureNonceUsed");
    // A link asked for over HTTPS points back at the HTTPS endpoint, and its page is served
    // there.
    let params = signed(
        &emu,
        bidcert_core::Method::Post,
        LIGHT,
        AAS,
        AAS_VERSION,
        &aas_params(demo::LIGHTWEIGHT_CUSTOMER_PK, "LIGHTWEIGHT"),
    );
    let r = over_https(&params);
    assert_eq!(r.status, 200, "{}", r.body);
    let link = r.json()["Data"].as_str().unwrap().to_owned();
    let page_prefix = format!("{}/cert/listCertWays.html?token=", emu.https_url().unwrap());
    assert!(link.starts_with(&page_prefix), "{link}");
    let page = reply(agent.get(&link).call());
    assert_eq!(page.status, 200);
    assert!(page.body.contains("aliyun_fast_auth_init"));
    // A customer verified through the handle is verified over HTTPS.
    emu.verify_customer(demo::UNVERIFIED_PK).unwrap();
    let r = https_query(&emu, &agent);
    assert!(r.json()["result"]
        .as_str()
        .unwrap()
        .contains(r#""isCertified":"1""#));
}

#[test]
fn the_admin_api_reports_the_https_endpoint_its_ca_and_handshakes() {
    let emu = start_tls();
    assert_eq!(https_query(&emu, &trusting(&emu)).status, 200);
    let state = reply(
        agent()
            .get(format!("{}/_emulator/state", emu.base_url()))
            .call(),
    )
    .json();
    assert_eq!(state["https_url"], emu.https_url().unwrap());
    assert_eq!(state["tls_handshakes"], 1);
    let tls = reply(
        agent()
            .get(format!("{}/_emulator/tls", emu.base_url()))
            .call(),
    )
    .json();
    assert_eq!(tls["handshakes"], 1);
    assert_eq!(tls["ca_pem"], emu.ca_pem().unwrap());
    // Without TLS: no HTTPS endpoint, no CA.
    let plain = start();
    assert!(plain.https_url().is_none() && plain.ca_pem().is_none());
    let tls = reply(
        agent()
            .get(format!("{}/_emulator/tls", plain.base_url()))
            .call(),
    )
    .json();
    assert_eq!(tls["https_url"], serde_json::Value::Null);
    assert_eq!(tls["handshakes"], 0);
}

#[test]
fn a_client_that_never_finishes_its_handshake_does_not_hold_up_the_others() {
    let emu = Emulator::builder()
        .tls(true)
        .header_read_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    let port = emu
        .https_url()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .to_owned();
    let mut idle = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    assert_eq!(https_query(&emu, &trusting(&emu)).status, 200);
    // The silent client is let go once the header timeout passes.
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(idle.read(&mut buf).unwrap_or(0), 0, "closed without a word");
    assert_eq!(emu.tls_handshakes(), 1);
}

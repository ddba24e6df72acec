//! Hostile or careless clients: garbage, oversized requests, slow clients; and the basics of
//! the server (keep-alive speed, shutdown, loopback only).

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};

use bidcert_core::{BidType, QueryCertifiedInfo};
use bidcert_emulator::{demo, Emulator, MAX_BODY_BYTES};

use crate::common::*;

#[test]
fn garbage_bytes_are_answered_400_and_the_server_keeps_serving() {
    let emu = start();
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 tls hello?\r\n\r\n"[..],
        b"GET / HTTP/9.9\r\n\r\n",
        b"\x00\x01\x02\x03\x04\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: banana\r\n\r\n",
    ] {
        let out = raw_exchange(&emu, garbage, Duration::from_secs(5));
        assert!(out.is_empty() || out.starts_with("HTTP/1.1 4"), "{out:?}");
    }
    assert_eq!(usual_query(&emu).status, 200);
}

#[test]
fn oversized_body_is_413() {
    let emu = start();
    let declared = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\nAction=",
        MAX_BODY_BYTES + 1
    );
    let out = raw_exchange(&emu, declared.as_bytes(), Duration::from_secs(5));
    assert!(out.starts_with("HTTP/1.1 413"), "{out}");

    // Chunked, so the size is found only while reading.
    let mut chunked = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..(MAX_BODY_BYTES / 4096 + 2) {
        chunked.extend_from_slice(b"1000\r\n");
        chunked.extend_from_slice(&[b'a'; 4096]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let out = raw_exchange(&emu, &chunked, Duration::from_secs(5));
    assert!(out.starts_with("HTTP/1.1 413"), "{out}");
    assert_eq!(usual_query(&emu).status, 200);
}

#[test]
fn oversized_request_line_or_headers_are_refused() {
    let emu = start();
    let long = "a".repeat(4 * bidcert_emulator::MAX_HEADER_BYTES);
    let request = format!("GET /?{long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let out = raw_exchange(&emu, request.as_bytes(), Duration::from_secs(5));
    // 414 once the line is read whole, 431 while it is still coming in.
    assert!(
        out.starts_with("HTTP/1.1 414") || out.starts_with("HTTP/1.1 431"),
        "{out}"
    );
    let request =
        format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {long}\r\nConnection: close\r\n\r\n");
    let out = raw_exchange(&emu, request.as_bytes(), Duration::from_secs(5));
    assert!(out.starts_with("HTTP/1.1 431"), "{out}");
    assert_eq!(usual_query(&emu).status, 200);
}

#[test]
fn a_slow_client_does_not_block_others() {
    let emu = start();
    let mut slow = TcpStream::connect(("127.0.0.1", emu.port())).unwrap();
    slow.write_all(b"POST /?Action=QueryBidUserCertifiedInfo HTTP/1.1\r\nHost: x\r\nContent-Le")
        .unwrap();
    let mut slow_body = TcpStream::connect(("127.0.0.1", emu.port())).unwrap();
    slow_body
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=")
        .unwrap();
    let t = Instant::now();
    for _ in 0..5 {
        assert_eq!(usual_query(&emu).status, 200);
    }
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    drop((slow, slow_body));
}

#[test]
fn a_client_too_slow_with_its_headers_or_body_is_cut_off() {
    let emu = Emulator::builder()
        .header_read_timeout(Duration::from_millis(400))
        .start()
        .unwrap();
    let t = Instant::now();
    let out = raw_exchange(
        &emu,
        b"GET / HTTP/1.1\r\nHost: x\r\n",
        Duration::from_secs(5),
    );
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert!(out.is_empty() || out.starts_with("HTTP/1.1 408"), "{out}");

    let t = Instant::now();
    let out = raw_exchange(
        &emu,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=",
        Duration::from_secs(5),
    );
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");

    // An idle keep-alive connection is closed after the same time.
    let mut idle = TcpStream::connect(("127.0.0.1", emu.port())).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    idle.write_all(b"GET /_emulator/clock HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 1024];
    assert!(idle.read(&mut buf).unwrap() > 0);
    let t = Instant::now();
    assert_eq!(idle.read(&mut buf).unwrap_or(0), 0);
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
}

/// Responses do not wait on Nagle's algorithm: with it, each keep-alive exchange could stall
/// ~40 ms on delayed ACKs, and 200 of them would take seconds.
#[test]
fn a_keep_alive_loop_of_200_requests_is_fast() {
    let emu = start();
    let agent = agent();
    let signer = signer(&emu, NORMAL);
    let op = QueryCertifiedInfo::new(demo::UNVERIFIED_PK, BidType::Normal).unwrap();
    assert_eq!(send_op(&emu, &agent, &signer, &op).status, 200, "warm-up");
    let t = Instant::now();
    for _ in 0..200 {
        assert_eq!(send_op(&emu, &agent, &signer, &op).status, 200);
    }
    let elapsed = t.elapsed();
    assert!(
        elapsed < Duration::from_secs(2),
        "200 requests took {elapsed:?}"
    );
}

#[test]
fn unsupported_method_and_unknown_path_are_refused_in_json() {
    let emu = start();
    let r = reply(
        agent()
            .put(format!("{}/?Action={QUERY}", emu.base_url()))
            .send_empty(),
    );
    r.assert_error(405, "UnsupportedHTTPMethod");
    let r = reply(agent().get(format!("{}/elsewhere", emu.base_url())).call());
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap().contains("/elsewhere"));
}

#[test]
fn shutdown_is_clean_and_frees_the_port() {
    let emu = start();
    let port = emu.port();
    let mut idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let t = Instant::now();
    emu.shutdown();
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    idle.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(
        idle.read(&mut buf).unwrap_or(0),
        0,
        "idle connection closed"
    );
    let again = Emulator::builder()
        .port(port)
        .start()
        .expect("port is free again");
    assert_eq!(again.port(), port);
}

#[test]
fn only_loopback_addresses_may_be_bound() {
    let err = Emulator::builder()
        .bind(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
        .start()
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn an_inconsistent_fixture_is_refused_at_start() {
    let mut fixture = bidcert_emulator::Fixture::demo();
    fixture.customers[0].owner = "nobody".into();
    let err = Emulator::builder().fixture(fixture).start().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

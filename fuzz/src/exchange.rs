//! The call engine, `exchange::Call`, driven through arbitrary responses and transport
//! failures: it never panics, every attempt ends in a decision, attempts stay within the
//! policy, and a retry never waits past the call's budget.
//!
//! Input (numbers big-endian): the operation (1 byte: 0 query, 1 link, else an RPC call);
//! the policy: max attempts (1), flags (1: bit 0 V3, bit 1 STS credentials), budget ms (4),
//! base delay ms (2), max delay ms (2), attempt timeout ms (4), max body bytes (4); the start
//! (8, ms since the Unix epoch, signed) and the clock offset (8, seconds). Then events until
//! the input ends, each: kind (1: 0 to 3 a transport failure, connect, timeout, reset or
//! TLS; else a response), time from the request to the event (4, ms), lateness of the next
//! request after the decision's delay (2, ms), jitter (1, /255); a response then has its
//! status (2), a header count (1) and per header a name (1: date, x-acs-request-id,
//! retry-after, x-acs-retry-after), a value length (1) and the value, then a body length
//! (2) and the body.

use std::time::{Duration, UNIX_EPOCH};

use bidcert_core::exchange::{AnyOperation, Call, Decision, Jitter, Policy, Response};
use bidcert_core::{
    BidType, Credentials, Endpoint, GenerateCertWaysUrl, Nonce, QueryCertifiedInfo, RpcCall,
    SignatureVersion, Signer, TransportError, TransportKind,
};

use crate::input::Reader;

enum Event {
    Transport(TransportKind),
    Response {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
}

struct Step {
    event: Event,
    gap: Duration,
    late: Duration,
    jitter: Jitter,
}

fn step(r: &mut Reader<'_>) -> Option<Step> {
    if r.is_empty() {
        return None;
    }
    let kind = r.u8();
    let gap = Duration::from_millis(u64::from(r.u32()));
    let late = Duration::from_millis(u64::from(r.u16()));
    let jitter = Jitter::new(f64::from(r.u8()) / 255.0);
    let event = match kind {
        0..=3 => Event::Transport(TransportKind::ALL[usize::from(kind)]),
        _ => {
            let status = r.u16();
            let headers = (0..r.u8())
                .map(|_| {
                    let name = Response::HEADERS[usize::from(r.u8()) % Response::HEADERS.len()];
                    let len = usize::from(r.u8());
                    (name, String::from_utf8_lossy(r.take(len)).into_owned())
                })
                .collect();
            let len = usize::from(r.u16());
            Event::Response {
                status,
                headers,
                body: r.take(len).to_vec(),
            }
        }
    };
    Some(Step {
        event,
        gap,
        late,
        jitter,
    })
}

fn operation(selector: u8) -> AnyOperation {
    let built = match selector {
        0 => QueryCertifiedInfo::new("1000000000000002", BidType::Normal).map(AnyOperation::from),
        1 => GenerateCertWaysUrl::new("1000000000000001", BidType::Normal).map(AnyOperation::from),
        _ => Endpoint::new("https://ecs.aliyuncs.com")
            .and_then(|e| RpcCall::to_endpoint(e, "DescribeRegions", "2014-05-26"))
            .and_then(|op| op.with_param("RegionId", "cn-hangzhou"))
            .map(AnyOperation::from),
    };
    built.expect("a fixed, valid operation")
}

/// One input.
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let op = operation(r.u8());
    let max_attempts = u32::from(r.u8());
    let flags = r.u8();
    let ms = |n: u32| Duration::from_millis(u64::from(n));
    let policy = Policy::default()
        .with_max_attempts(max_attempts)
        .with_budget(ms(r.u32()))
        .with_base_delay(ms(r.u16().into()))
        .with_max_delay(ms(r.u16().into()))
        .with_attempt_timeout(ms(r.u32()))
        .with_max_body_bytes(r.u32() as usize)
        .with_signature_version(if flags & 1 != 0 {
            SignatureVersion::V3
        } else {
            SignatureVersion::V1
        });
    if policy.validate().is_err() {
        return;
    }
    let start_ms = r.i64();
    let magnitude = Duration::from_millis(start_ms.unsigned_abs());
    let start = if start_ms >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    };
    let Some(start) = start else { return };
    let offset = r.i64();

    let mut credentials =
        Credentials::new("LTAI5tBidcertFuzz", "fuzzsecret").expect("fixed, valid credentials");
    if flags & 2 != 0 {
        credentials = credentials
            .with_security_token("CAISfuzzToken")
            .expect("a fixed, valid token");
    }
    let signer = Signer::new(credentials);
    let budget = policy.budget();
    let mut call = Call::new(&op, policy.clone()).with_clock_offset(offset);
    let mut now = start;
    let mut number = 0u64;
    while let Some(step) = step(&mut r) {
        number += 1;
        let nonce = Nonce::new(format!("fuzz-nonce-{number}")).expect("a valid nonce");
        match call.next_request(&signer, now, &nonce) {
            Ok(attempt) => {
                assert!(
                    attempt.number() <= max_attempts,
                    "more attempts than the policy"
                );
                assert!(attempt.timeout() <= policy.attempt_timeout());
                assert!(!attempt.timeout().is_zero());
            }
            Err(_) => {
                assert!(call.is_finished(), "a refused attempt must end the call");
                break;
            }
        }
        let Some(at) = now.checked_add(step.gap) else {
            break;
        };
        let decision = match &step.event {
            Event::Transport(kind) => {
                call.on_transport_error(TransportError::new(*kind, "fuzz"), at, step.jitter)
            }
            Event::Response {
                status,
                headers,
                body,
            } => {
                let response = headers
                    .iter()
                    .fold(Response::new(*status, body), |resp, (name, value)| {
                        resp.with_header(name, value)
                    });
                call.on_response(&response, at, step.jitter)
            }
        };
        let elapsed = at.duration_since(start).unwrap_or_default();
        match decision {
            Decision::Done(_) => {
                assert!(call.is_finished());
                assert!(
                    matches!(&step.event, Event::Response { status, .. } if (200..300).contains(status)),
                    "a call is done only on a 2xx response"
                );
                break;
            }
            Decision::Fail(_) => {
                assert!(call.is_finished());
                break;
            }
            Decision::Retry { after, cause } => {
                assert!(!call.is_finished());
                assert!(
                    call.attempts() < max_attempts,
                    "a retry past the last attempt"
                );
                // A clock-skew correction retries at once; anything else only if it can help.
                assert!(cause.is_retryable() || after.is_zero(), "retried {cause:?}");
                assert!(
                    elapsed.checked_add(after).is_some_and(|t| t < budget) || after.is_zero(),
                    "a retry after {after:?} overruns the budget of {budget:?}"
                );
                let Some(next) = at.checked_add(after).and_then(|t| t.checked_add(step.late))
                else {
                    break;
                };
                now = next;
            }
        }
    }
    assert!(call.attempts() <= max_attempts);
}

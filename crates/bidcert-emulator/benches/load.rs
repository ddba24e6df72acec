//! Load benchmark: verified requests per second through the emulator.
//!
//! Starts the emulator in-process (demo fixture, 2 worker threads), then `THREADS` client
//! threads each send `REQUESTS_PER_THREAD` uniquely signed requests (core `Signer`, a fresh
//! nonce each) over one keep-alive connection: 9 in 10 `QueryBidUserCertifiedInfo`, 1 in 10
//! `GenerateAliyunBidCertWaysUrl`. Every answer must be a 200 of the right shape; anything
//! else counts as an error. Prints requests/s, latency percentiles and the error count; exits
//! non-zero on any error.
//!
//! Run: `cargo bench -p bidcert-emulator --bench load` (optionally `-- THREADS PER_THREAD`).

use std::time::{Duration, Instant};

use bidcert_core::{
    BidType, Credentials, Endpoint, GenerateCertWaysUrl, Nonce, Product, QueryCertifiedInfo,
    SignedRequest, Signer, Timestamp,
};
use bidcert_emulator::{demo, Emulator};

const THREADS: usize = 4;
const REQUESTS_PER_THREAD: usize = 5_000;
const WARM_UP: usize = 200;
/// A client thread stops early past this, so a slow machine still ends.
const TIME_LIMIT: Duration = Duration::from_secs(60);
const GOAL_PER_SECOND: f64 = 5_000.0;

struct Outcome {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
}

fn send(agent: &ureq::Agent, req: &SignedRequest) -> Result<(), String> {
    let mut resp = agent
        .post(req.url())
        .send_empty()
        .map_err(|e| format!("transport: {e}"))?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("body: {e}"))?;
    if status == 200 && (body.contains("\"result\":") || body.contains("\"Success\":true")) {
        Ok(())
    } else {
        Err(format!("HTTP {status}: {body}"))
    }
}

fn client(base_url: &str, count: usize, deadline: Instant) -> Outcome {
    let endpoint = Endpoint::new(base_url).expect("endpoint");
    let signer = Signer::new(
        Credentials::new(demo::NORMAL_ACCESS_KEY_ID, demo::NORMAL_ACCESS_KEY_SECRET)
            .expect("credentials"),
    )
    .with_endpoint(Product::Crm, endpoint.clone())
    .with_endpoint(Product::Aas, endpoint);
    let query = QueryCertifiedInfo::new(demo::PERSONAL_PK, BidType::Normal).expect("op");
    let link = GenerateCertWaysUrl::new(demo::UNVERIFIED_PK, BidType::Normal).expect("op");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut out = Outcome {
        latencies: Vec::with_capacity(count),
        errors: 0,
        first_error: None,
    };
    for i in 0..count {
        if Instant::now() > deadline {
            break;
        }
        let nonce = Nonce::random();
        let signed = if i % 10 == 9 {
            signer.sign(&link, Timestamp::now(), &nonce)
        } else {
            signer.sign(&query, Timestamp::now(), &nonce)
        }
        .expect("signs");
        let t = Instant::now();
        let result = send(&agent, &signed);
        out.latencies.push(t.elapsed());
        if let Err(e) = result {
            out.errors += 1;
            out.first_error.get_or_insert(e);
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let threads = numbers.first().copied().unwrap_or(THREADS).max(1);
    let per_thread = numbers
        .get(1)
        .copied()
        .unwrap_or(REQUESTS_PER_THREAD)
        .max(1);

    let emulator = Emulator::builder().start().expect("emulator starts");
    let base_url = emulator.base_url().to_owned();
    let warm = client(&base_url, WARM_UP, Instant::now() + TIME_LIMIT);
    assert_eq!(warm.errors, 0, "warm-up failed: {:?}", warm.first_error);

    let deadline = Instant::now() + TIME_LIMIT;
    let started = Instant::now();
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| s.spawn(|| client(&base_url, per_thread, deadline)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });
    let elapsed = started.elapsed();
    emulator.shutdown();

    let mut latencies: Vec<Duration> = outcomes
        .iter()
        .flat_map(|o| o.latencies.iter().copied())
        .collect();
    latencies.sort_unstable();
    let errors: usize = outcomes.iter().map(|o| o.errors).sum();
    let total = latencies.len();
    let rate = total as f64 / elapsed.as_secs_f64();
    println!("bidcert-emulator load: {threads} threads x {per_thread} requests, keep-alive");
    println!("requests:   {total} in {:.3} s", elapsed.as_secs_f64());
    println!("throughput: {rate:.0} requests/s (goal {GOAL_PER_SECOND:.0})");
    println!(
        "latency:    p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    println!("errors:     {errors}");
    if let Some(e) = outcomes.iter().find_map(|o| o.first_error.as_ref()) {
        println!("first error: {e}");
    }
    if total < threads * per_thread {
        println!("stopped early at the {} s time limit", TIME_LIMIT.as_secs());
    }
    if errors > 0 {
        std::process::exit(1);
    }
}

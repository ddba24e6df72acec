//! Requests per second of one `Client` against the emulator on loopback: sequential and from
//! four threads sharing the client, with p50/p99 latency. Bounded in count.

use std::time::{Duration, Instant};

use bidcert::{BidType, Client, Credentials, QueryCertifiedInfo};
use bidcert_emulator::demo::{NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET, PERSONAL_PK};
use bidcert_emulator::{Emulator, Fixture};

fn run(client: &Client, threads: usize, per_thread: usize) -> (f64, Duration, Duration, usize) {
    let op = QueryCertifiedInfo::new(PERSONAL_PK, BidType::Normal).unwrap();
    let started = Instant::now();
    let results: Vec<(Vec<Duration>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (client, op) = (client.clone(), op.clone());
                s.spawn(move || {
                    let mut lat = Vec::with_capacity(per_thread);
                    let mut errors = 0;
                    for _ in 0..per_thread {
                        let t = Instant::now();
                        if client.query_certified_info(&op).is_err() {
                            errors += 1;
                        }
                        lat.push(t.elapsed());
                    }
                    (lat, errors)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let errors = results.iter().map(|r| r.1).sum();
    let mut lat: Vec<Duration> = results.into_iter().flat_map(|r| r.0).collect();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    (
        lat.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        errors,
    )
}

fn main() {
    let emu = Emulator::builder()
        .fixture(Fixture::demo())
        .port(0)
        .start()
        .unwrap();
    let client = Client::builder()
        .credentials(Credentials::new(NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET).unwrap())
        .endpoint(emu.base_url())
        .build()
        .unwrap();
    run(&client, 1, 500); // warm up connections
    for (threads, per_thread) in [(1, 5000), (4, 2500)] {
        let (rps, p50, p99, errors) = run(&client, threads, per_thread);
        println!(
            "client {threads} thread(s): {rps:.0} requests/s, p50 {p50:?}, p99 {p99:?}, errors {errors}"
        );
    }
}

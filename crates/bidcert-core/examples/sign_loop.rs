//! Signs the benchmark's request in a loop, for `perf stat` (cycles per signature).
//!
//! `cargo run --release -p bidcert-core --example sign_loop -- [sign|floor] [N]`

use std::hint::black_box;

use base64::Engine as _;
use bidcert_core::{
    BidType, Credentials, GenerateCertWaysUrl, Nonce, Platform, Signer, SubjectType, Timestamp,
};
use hmac::{Hmac, Mac};
use sha1::Sha1;

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "sign".into());
    let n: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let signer = Signer::new(Credentials::new("LTAI5tBidcertBenchKey01", "bench-secret-0123456789abcdef").unwrap());
    let op = GenerateCertWaysUrl::new("1039740447764893", BidType::Lightweight)
        .unwrap()
        .with_platform(Platform::H5)
        .with_subject_type(SubjectType::Personal)
        .with_open_app(true)
        .with_mobile(true);
    let ts = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
    let nonce = Nonce::new("a193d4b3-e54b-40f7-9d22-62107514cedd").unwrap();
    let sts = signer.sign(&op, ts, &nonce).unwrap().string_to_sign().to_owned();
    for _ in 0..n {
        if what == "floor" {
            let mut mac = Hmac::<Sha1>::new_from_slice(b"bench-secret-0123456789abcdef&").unwrap();
            mac.update(black_box(sts.as_bytes()));
            black_box(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
        } else {
            black_box(signer.sign(black_box(&op), ts, black_box(&nonce)).unwrap());
        }
    }
}

//! `Signer::sign` for a full GenerateCertWaysUrl request beside its floor: HMAC-SHA1 + Base64
//! of the same finished string-to-sign, in the same run; and `Signer::sign_v3` for the same
//! request. Also counts heap allocations per sign.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use bidcert_core::{
    BidType, Credentials, GenerateCertWaysUrl, Nonce, Platform, Signer, SubjectType, Timestamp,
};
use criterion::{criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use sha1::Sha1;

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn setup() -> (Signer, GenerateCertWaysUrl, Timestamp, Nonce) {
    let signer = Signer::new(
        Credentials::new("LTAI5tBidcertBenchKey01", "bench-secret-0123456789abcdef").unwrap(),
    );
    let op = GenerateCertWaysUrl::new("1039740447764893", BidType::Lightweight)
        .unwrap()
        .with_platform(Platform::H5)
        .with_subject_type(SubjectType::Personal)
        .with_open_app(true)
        .with_mobile(true);
    let ts = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
    let nonce = Nonce::new("a193d4b3-e54b-40f7-9d22-62107514cedd").unwrap();
    (signer, op, ts, nonce)
}

/// The same request's parameters, decoded from a signed URL.
fn naive_params(
    signer: &Signer,
    op: &GenerateCertWaysUrl,
    ts: &Timestamp,
    nonce: &Nonce,
) -> Vec<(String, String)> {
    let req = signer.sign(op, *ts, nonce).unwrap();
    req.canonicalized_query()
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            let d = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .unwrap()
                    .into_owned()
            };
            (d(k), d(v))
        })
        .collect()
}

/// What a plain implementation on the same crates does: a sorted map, `format!`, the
/// percent-encoding crate twice, a fresh HMAC key, and the URL assembled at the end.
fn naive_sign(params: &[(String, String)], secret: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let enc = |s: &str| percent_encoding::utf8_percent_encode(s, SET).to_string();
    let sorted: std::collections::BTreeMap<&str, &str> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let query = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let sts = format!("POST&{}&{}", enc("/"), enc(&query));
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(sts.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!("https://aas.aliyuncs.com/?{query}&Signature={}", enc(&sig))
}

fn bench(c: &mut Criterion) {
    let (signer, op, ts, nonce) = setup();
    let sts = signer
        .sign(&op, ts, &nonce)
        .unwrap()
        .string_to_sign()
        .to_owned();

    let before = ALLOCS.load(Ordering::Relaxed);
    const N: u64 = 1000;
    for _ in 0..N {
        black_box(signer.sign(&op, ts, &nonce).unwrap());
    }
    let per_sign = (ALLOCS.load(Ordering::Relaxed) - before) as f64 / N as f64;
    println!("allocations per Signer::sign: {per_sign}");
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..N {
        black_box(signer.sign_v3(&op, ts, &nonce).unwrap());
    }
    let per_sign = (ALLOCS.load(Ordering::Relaxed) - before) as f64 / N as f64;
    println!("allocations per Signer::sign_v3: {per_sign}");

    let mut g = c.benchmark_group("sign");
    g.bench_function("floor_hmac_sha1_base64", |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha1>::new_from_slice(b"bench-secret-0123456789abcdef&").unwrap();
            mac.update(black_box(sts.as_bytes()));
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        })
    });
    let params = naive_params(&signer, &op, &ts, &nonce);
    g.bench_function("plain_crate_based_sign", |b| {
        b.iter(|| naive_sign(black_box(&params), "bench-secret-0123456789abcdef"))
    });
    g.bench_function("signer_sign_generate_cert_ways_url", |b| {
        b.iter(|| signer.sign(black_box(&op), ts, black_box(&nonce)).unwrap())
    });
    g.bench_function("signer_sign_v3_generate_cert_ways_url", |b| {
        b.iter(|| {
            signer
                .sign_v3(black_box(&op), ts, black_box(&nonce))
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

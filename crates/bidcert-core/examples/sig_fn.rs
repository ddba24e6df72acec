//! Times `string_to_sign` and `signature` on a parameter file (scratch).
use std::hint::black_box;
use std::time::Instant;
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let p: Vec<(String, String)> = v.as_array().unwrap().iter().map(|x| (x[0].as_str().unwrap().to_owned(), x[1].as_str().unwrap().to_owned())).collect();
    let n = 1_000_000;
    let t = Instant::now();
    for _ in 0..n { black_box(bidcert_core::string_to_sign(bidcert_core::Method::Post, black_box(&p)).unwrap()); }
    println!("string_to_sign {:?}", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n { black_box(bidcert_core::signature(bidcert_core::Method::Post, black_box(&p), "secret").unwrap()); }
    println!("signature {:?}", t.elapsed() / n);
}

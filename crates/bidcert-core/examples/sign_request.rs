//! Signs a sample GenerateAliyunBidCertWaysUrl request and shows every stage.
//!
//! Run with `cargo run -p bidcert-core --example sign_request`.

use bidcert_core::{BidType, Credentials, GenerateCertWaysUrl, Nonce, Platform, Signer, Timestamp};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let signer = Signer::new(Credentials::new("LTAI5tBidcertDemoKey", "demo-secret")?);
    let op =
        GenerateCertWaysUrl::new("1000000000000001", BidType::Normal)?.with_platform(Platform::Pc);
    // Fixed inputs so the output is the same every run; applications use
    // `Timestamp::now()` and `Nonce::random()`.
    let timestamp = Timestamp::parse("2026-11-23T08:00:00Z")?;
    let nonce = Nonce::new("a193d4b3-e54b-40f7-9d22-62107514cedd")?;
    let request = signer.sign(&op, timestamp, &nonce)?;

    println!(
        "canonicalized query:\n  {}\n",
        request.canonicalized_query()
    );
    println!("string to sign:\n  {}\n", request.string_to_sign());
    println!("signature:\n  {}\n", request.signature());
    println!("request:\n  {} {}", request.method(), request.url());
    Ok(())
}

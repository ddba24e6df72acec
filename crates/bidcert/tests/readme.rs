//! The README's Rust quick start, run as written against the emulator, and checked to be
//! the README's text word for word.

use bidcert_emulator::{demo, Emulator, Fixture};

const SNIPPET: &str = r#"let client = Client::builder()
    .credentials(Credentials::new(key_id, key_secret)?) // or leave out: the default chain
    .endpoint(endpoint) // the emulator here; leave out for production
    .build()?;
let info = client.query_certified_info(&QueryCertifiedInfo::new(pk, BidType::Normal)?)?;
if !info.is_certified() {
    let op = GenerateCertWaysUrl::new(pk, BidType::Normal)?.with_platform(Platform::H5);
    let link = client.generate_cert_ways_url(&op)?;
    println!("show {} until {}", link.url(), link.expires_at());
}"#;

const BEGIN: &str = "// --- quick start (README) ---";
const END: &str = "// --- end of quick start ---";

#[test]
fn readme_contains_the_quick_start_that_runs_below() {
    let readme = include_str!("../../../README.md");
    assert!(
        readme.contains(SNIPPET),
        "README's Rust quick start drifted from SNIPPET"
    );
    let this = include_str!("readme.rs");
    let region = this
        .rsplit(BEGIN)
        .next()
        .and_then(|rest| rest.split(END).next())
        .expect("the quick start region");
    let ran: Vec<&str> = region
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("let client"))
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(
        ran.join("\n"),
        SNIPPET,
        "SNIPPET drifted from the code the test runs"
    );
}

#[test]
fn readme_quick_start_runs() -> Result<(), Box<dyn std::error::Error>> {
    use bidcert::QueryCertifiedInfo;
    use bidcert::{BidType, Client, Credentials, GenerateCertWaysUrl, Platform};

    let emu = Emulator::builder().fixture(Fixture::demo()).start()?;
    let (key_id, key_secret) = (demo::NORMAL_ACCESS_KEY_ID, demo::NORMAL_ACCESS_KEY_SECRET);
    let (endpoint, pk) = (emu.base_url(), demo::UNVERIFIED_PK);
    // --- quick start (README) ---
    let client = Client::builder()
        .credentials(Credentials::new(key_id, key_secret)?) // or leave out: the default chain
        .endpoint(endpoint) // the emulator here; leave out for production
        .build()?;
    let info = client.query_certified_info(&QueryCertifiedInfo::new(pk, BidType::Normal)?)?;
    if !info.is_certified() {
        let op = GenerateCertWaysUrl::new(pk, BidType::Normal)?.with_platform(Platform::H5);
        let link = client.generate_cert_ways_url(&op)?;
        println!("show {} until {}", link.url(), link.expires_at());
    }
    // --- end of quick start ---
    assert_eq!(emu.requests().len(), 2);
    Ok(())
}

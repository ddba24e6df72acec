//! A reseller's own crate, outside the bidcert workspace, on the crates as published: the core
//! by itself, the client, and the emulator its tests would run against.

use bidcert::{BidType, Client, Credentials, GenerateCertWaysUrl, Platform, QueryCertifiedInfo};
use bidcert_emulator::{demo, Emulator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    assert_eq!(bidcert_core::percent_encode("a b*~"), "a%20b%2A~");

    let emulator = Emulator::builder().start()?;
    let client = Client::builder()
        .credentials(Credentials::new(demo::NORMAL_ACCESS_KEY_ID, demo::NORMAL_ACCESS_KEY_SECRET)?)
        .endpoint(emulator.base_url())
        .build()?;
    let info = client.query_certified_info(&QueryCertifiedInfo::new(demo::PERSONAL_PK, BidType::Normal)?)?;
    assert!(info.is_certified(), "the demo's personal customer is certified");
    let op = GenerateCertWaysUrl::new(demo::UNVERIFIED_PK, BidType::Normal)?.with_platform(Platform::H5);
    let link = client.generate_cert_ways_url(&op)?;
    println!("certified: yes; link {} until {}", link.url(), link.expires_at());
    emulator.shutdown();
    Ok(())
}

//! `SSL_CERT_FILE` is honoured as the platform verifier does. Its own test binary: it sets a
//! process-wide variable.

use bidcert::{BidType, Client, Credentials, QueryCertifiedInfo};
use bidcert_emulator::demo::*;
use bidcert_emulator::Emulator;

#[test]
fn ssl_cert_file_names_the_roots_to_trust() {
    let emu = Emulator::builder().tls(true).start().unwrap();
    let file =
        std::env::temp_dir().join(format!("bidcert-ssl-cert-file-{}.pem", std::process::id()));
    std::fs::write(&file, emu.ca_pem().unwrap()).unwrap();
    // SAFETY: this binary has one test, so no other thread reads the environment meanwhile.
    unsafe { std::env::set_var("SSL_CERT_FILE", &file) };
    let c = Client::builder()
        .credentials(Credentials::new(NORMAL_ACCESS_KEY_ID, NORMAL_ACCESS_KEY_SECRET).unwrap())
        .endpoint(emu.https_url().unwrap())
        .build()
        .unwrap();
    let r =
        c.query_certified_info(&QueryCertifiedInfo::new(UNVERIFIED_PK, BidType::Normal).unwrap());
    let _ = std::fs::remove_file(&file);
    r.unwrap();
}

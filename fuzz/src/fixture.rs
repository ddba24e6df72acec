//! The emulator's `Fixture::from_json`. Input: the JSON text.

use bidcert_emulator::Fixture;

/// What each secret becomes in the copy whose `Debug` must not differ.
fn other(s: &str) -> String {
    format!("{s}-changed")
}

/// One input.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(fixture) = Fixture::from_json(&text) else {
        return;
    };
    assert!(fixture.validate().is_ok());
    // What it writes, it reads back the same.
    let again = Fixture::from_json(&fixture.to_json_pretty());
    assert_eq!(again.as_ref().ok(), Some(&fixture), "{again:?}");
    // Debug shows no secret: changing every secret and token leaves it as it was.
    let mut changed = fixture.clone();
    for r in &mut changed.resellers {
        r.access_key_secret = other(&r.access_key_secret);
    }
    for a in &mut changed.accounts {
        a.access_key_secret = other(&a.access_key_secret);
    }
    for p in &mut changed.oidc_providers {
        for t in p.tokens.iter_mut().chain(&mut p.expired_tokens) {
            *t = other(t);
        }
    }
    assert_eq!(
        format!("{fixture:?}"),
        format!("{changed:?}"),
        "Debug shows a secret"
    );
}

//! `diagnose_signature_mismatch` (v1.0). Input: `server message NUL our string to sign`.
//!
//! Byte 0x01 stands for a security token: the target runs the diagnosis twice, with two
//! different tokens put in its place, and when every 0x01 stands where a token's value does
//! (right after `SecurityToken%3D`, `SecurityToken=` or `x-acs-security-token:`), both
//! diagnoses must be the same: the token's value never shows, nor changes the verdict.

use bidcert_core::{diagnose_signature_mismatch, SERVER_STRING_MARKER};

use crate::input::fields;

/// What stands for a token in the input.
pub const TOKEN: char = '\u{1}';
/// Two tokens no other text can form (neither overlaps itself).
pub const TOKENS: [&str; 2] = ["CAISfuzzTokenOne", "STSfuzzTokenTwoX"];
/// Where a token's value starts, in every form a message can carry it.
pub const TOKEN_PREFIXES: [&str; 3] = [
    "SecurityToken%3D",
    "SecurityToken=",
    "x-acs-security-token:",
];

/// Whether each placeholder in `s` stands where a token's value starts.
pub fn tokens_in_place(s: &str) -> bool {
    s.match_indices(TOKEN)
        .all(|(i, _)| TOKEN_PREFIXES.iter().any(|p| s[..i].ends_with(p)))
}

/// One input.
pub fn run(data: &[u8]) {
    let f = fields(data, 2);
    let (message, ours) = (&f[0], &f[1]);
    let with = |token: &str| {
        let m = message.replace(TOKEN, token);
        let o = ours.replace(TOKEN, token);
        diagnose_signature_mismatch(&m, &o)
    };
    let d = with(TOKENS[0]);
    if !message.contains(SERVER_STRING_MARKER) {
        assert!(d.server_string_to_sign().is_none() && d.differences().is_empty());
        assert!(!d.is_identical());
    }
    if d.is_identical() {
        assert!(d.differences().is_empty(), "identical, yet {d:?}");
    }
    if tokens_in_place(message) && tokens_in_place(ours) {
        assert_eq!(d.to_json(), with(TOKENS[1]).to_json(), "the token shows");
    }
    // The server computing our very string: the secret is wrong, nothing else.
    let ours = ours.replace(TOKEN, TOKENS[0]);
    let same = diagnose_signature_mismatch(&format!("{SERVER_STRING_MARKER}{ours}"), &ours);
    assert!(same.is_identical(), "{same:?}");
}

//! `v3::diagnose_signature_mismatch`. Input: `server message NUL our canonical request`.
//!
//! As in the v1.0 target, byte 0x01 stands for a security token; when each stands where a
//! token's value does and no other text can spell the token (decoded once or twice), the
//! diagnosis must not contain it anywhere: differences, summary, or the quoted strings.

use bidcert_core::v3;
use percent_encoding::percent_decode_str;

use crate::diagnose::{tokens_in_place, TOKEN, TOKENS};
use crate::input::fields;

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Whether `token` can only come from the placeholders of `s`.
fn only_from_placeholders(s: &str, token: &str) -> bool {
    let other = s.replace(TOKEN, "\u{2}");
    let once = decode(&other);
    ![&other, &once, &decode(&once)]
        .iter()
        .any(|t| t.contains(token))
}

/// One input.
pub fn run(data: &[u8]) {
    let f = fields(data, 2);
    let token = TOKENS[0];
    let message = f[0].replace(TOKEN, token);
    let ours = f[1].replace(TOKEN, token);
    let d = v3::diagnose_signature_mismatch(&message, &ours);

    let quoted = message.contains(v3::SERVER_STRING_TO_SIGN_MARKER)
        || message.contains(v3::SERVER_CANONICAL_REQUEST_MARKER);
    if !quoted {
        assert!(d.server_string_to_sign().is_none() && d.differences().is_empty());
    }
    if d.is_identical() {
        assert!(d.differences().is_empty(), "identical, yet {d:?}");
    }
    let secret_kept = tokens_in_place(&f[0])
        && tokens_in_place(&f[1])
        && only_from_placeholders(&f[0], token)
        && only_from_placeholders(&f[1], token);
    if secret_kept {
        let shown = [
            d.to_string(),
            d.to_json().to_string(),
            d.server_canonical_request().unwrap_or_default().to_owned(),
            d.server_string_to_sign().unwrap_or_default().to_owned(),
        ];
        for s in shown {
            assert!(!s.contains(token), "the token shows: {s}");
        }
    }
    // The server hashing our very canonical request: the secret is wrong, nothing else.
    let same = format!(
        "{}{}]",
        v3::SERVER_STRING_TO_SIGN_MARKER,
        v3::string_to_sign(&ours)
    );
    let d = v3::diagnose_signature_mismatch(&same, &ours);
    assert!(d.is_identical(), "{d:?}");
}

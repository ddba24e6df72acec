//! `verify`, the gateway's check, on parameters built from the input.
//!
//! Input: a flags byte (bit 0: POST, else GET; bit 1: sign the parameters here, replacing any
//! `Signature`; bit 2: the AccessKeyId is unknown), the server's clock as a signed offset in
//! seconds from the request's `Timestamp` (2 bytes), then `secret NUL name NUL value NUL
//! name NUL value ...` (the decoded query and body together).

use base64::Engine as _;
use bidcert_core::{
    diagnose_signature_mismatch, signature, string_to_sign, verify, MemoryNonceStore, Method,
    Timestamp, VerifyError, WINDOW_SECONDS,
};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::input::Reader;

/// The parameters a request must carry, beside the optional `Action` and `Version`.
const REQUIRED: [&str; 6] = [
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
];

fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The signature computed here, apart from the verifier: HMAC-SHA1 keyed `secret&` over
/// the string to sign, in Base64.
fn expected_signature(method: Method, params: &[(String, String)], secret: &str) -> Option<String> {
    let sts = string_to_sign(method, params).ok()?;
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).ok()?;
    mac.update(sts.as_bytes());
    Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// One input.
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let flags = r.u8();
    let skew = i64::from(r.u16() as i16);
    let text = String::from_utf8_lossy(r.rest()).into_owned();
    let mut parts = text.split('\0');
    let secret = parts.next().unwrap_or_default().to_owned();
    let mut params: Vec<(String, String)> = Vec::new();
    while let Some(name) = parts.next() {
        params.push((name.to_owned(), parts.next().unwrap_or_default().to_owned()));
    }
    let method = if flags & 1 != 0 {
        Method::Post
    } else {
        Method::Get
    };
    if flags & 2 != 0 {
        params.retain(|(k, _)| k != "Signature");
        if let Ok(sig) = signature(method, &params, &secret) {
            params.push(("Signature".into(), sig));
        }
    }
    let known = flags & 4 == 0;
    let base = get(&params, "Timestamp")
        .and_then(|t| Timestamp::parse(t).ok())
        .map_or(1_795_420_800, |t| t.unix());
    let Ok(now) = Timestamp::from_unix(base + skew) else {
        return;
    };

    let mut nonces = MemoryNonceStore::new();
    let mut asked = None;
    let result = verify(
        method,
        &params,
        |id| {
            asked = Some(id.to_owned());
            known.then(|| secret.clone())
        },
        now,
        &mut nonces,
    );
    let mut names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    let duplicated = names.windows(2).any(|w| w[0] == w[1]);
    match &result {
        Ok(v) => {
            // Never a request whose signature the verifier did not compute.
            let given = get(&params, "Signature");
            assert!(known && !duplicated);
            assert_eq!(
                given.map(str::to_owned),
                expected_signature(method, &params, &secret),
                "accepted a signature that is not the request's"
            );
            assert_eq!(Some(v.access_key_id), get(&params, "AccessKeyId"));
            assert_eq!(Some(v.nonce), get(&params, "SignatureNonce"));
            assert!((v.timestamp.unix() - now.unix()).abs() <= WINDOW_SECONDS);
            assert_eq!(asked.as_deref(), Some(v.access_key_id));
            // The same request again is a replay.
            let again = verify(method, &params, |_| Some(secret.clone()), now, &mut nonces);
            assert!(
                matches!(again, Err(VerifyError::NonceUsed(_))),
                "a replay was accepted: {again:?}"
            );
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            assert!(matches!(e.http_status(), 400 | 404));
            match e {
                VerifyError::DuplicateParameter(name) => {
                    let n = names.iter().filter(|k| **k == name.as_str()).count();
                    assert!(n >= 2, "{name:?} is not given twice: {params:?}");
                }
                VerifyError::MissingParameter(name) => {
                    assert!(get(&params, name).is_none_or(str::is_empty));
                }
                VerifyError::AccessKeyNotFound(_) => assert!(!known),
                VerifyError::SignatureMismatch {
                    server_string_to_sign,
                } => {
                    assert_eq!(
                        string_to_sign(method, &params).ok().as_ref(),
                        Some(server_string_to_sign)
                    );
                    // What the gateway answers explains itself: same string, wrong secret.
                    let d = diagnose_signature_mismatch(&e.message(), server_string_to_sign);
                    assert!(d.is_identical(), "{d:?}");
                }
                _ => {}
            }
        }
    }
    // A request signed here, with every common parameter well formed, is accepted.
    let well_formed = flags & 2 != 0
        && known
        && !duplicated
        && REQUIRED
            .iter()
            .all(|n| get(&params, n).is_some_and(|v| !v.is_empty()))
        && get(&params, "SignatureMethod").is_some_and(|m| m.eq_ignore_ascii_case("HMAC-SHA1"))
        && get(&params, "SignatureVersion") == Some("1.0")
        && get(&params, "Timestamp").is_some_and(|t| Timestamp::parse(t).is_ok())
        && skew.abs() <= WINDOW_SECONDS;
    if well_formed {
        assert!(
            result.is_ok(),
            "a well-signed request was refused: {result:?}"
        );
    }
}

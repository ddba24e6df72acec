//! Explaining a V3 `SignatureDoesNotMatch`.
//!
//! The gateway's message quotes its string to sign,
//! `server StringToSign is [ACS3-HMAC-SHA256\n<hex>]`, which is only a hash of its canonical
//! request: equal to ours, the secret is wrong; different, the requests differ somewhere.
//! Some messages also quote `server CanonicalRequest is [...]`; then each differing stage is
//! named (method, path, a parameter, a header, the signed headers, the payload hash).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::{compare_params, params_of, Diagnosis, Difference, Params};
use crate::v3::{
    string_to_sign, SECURITY_TOKEN_HEADER, SERVER_CANONICAL_REQUEST_MARKER,
    SERVER_STRING_TO_SIGN_MARKER,
};

/// What a difference shows instead of a security token.
const REDACTED: &str = "<redacted>";

/// The text after `marker`, stopping before `other` (the other quoted part) when it follows.
fn after<'a>(message: &'a str, marker: &str, other: &str) -> Option<&'a str> {
    let rest = &message[message.find(marker)? + marker.len()..];
    Some(rest.find(other).map_or(rest, |i| &rest[..i]))
}

/// The quoted string to sign: hex, so the first `]` closes it.
fn quoted_string_to_sign(message: &str) -> Option<&str> {
    let rest = after(
        message,
        SERVER_STRING_TO_SIGN_MARKER,
        SERVER_CANONICAL_REQUEST_MARKER,
    )?;
    Some(rest.find(']').map_or(rest, |e| &rest[..e]))
}

/// The quoted canonical request. A header value may hold `]`, and text may follow the
/// quote: the first `]` before which a whole canonical request stands closes it.
fn quoted_canonical_request(message: &str) -> Option<Cow<'_, str>> {
    let rest = after(
        message,
        SERVER_CANONICAL_REQUEST_MARKER,
        SERVER_STRING_TO_SIGN_MARKER,
    )?;
    let closing = rest
        .match_indices(']')
        .map(|(i, _)| i)
        .find(|&i| parse(&unescape(&rest[..i])).is_some())
        .or_else(|| rest.rfind(']'));
    Some(unescape(closing.map_or(rest, |e| &rest[..e])))
}

/// Line breaks as text (`\n` escaped once more on the way, by a log or a proxy) made real.
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('\n') && s.contains("\\n") {
        Cow::Owned(s.replace("\\n", "\n"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A string to sign's algorithm and hash, whatever whitespace separates them.
fn split_string_to_sign(s: &str) -> (&str, &str) {
    let s = s.trim();
    s.split_once(char::is_whitespace)
        .map_or((s, ""), |(algorithm, hash)| (algorithm, hash.trim()))
}

struct Request<'a> {
    method: &'a str,
    path: &'a str,
    params: Params,
    headers: BTreeMap<&'a str, &'a str>,
    signed_headers: &'a str,
    payload_hash: &'a str,
}

fn parse(canonical_request: &str) -> Option<Request<'_>> {
    let lines: Vec<&str> = canonical_request.split('\n').collect();
    let n = lines.len();
    if n < 6 || !lines[n - 3].is_empty() {
        return None;
    }
    let mut headers = BTreeMap::new();
    for line in &lines[3..n - 3] {
        let (name, value) = line.split_once(':')?;
        headers.insert(name, value);
    }
    Some(Request {
        method: lines[0],
        path: lines[1],
        params: params_of(lines[2]),
        headers,
        signed_headers: lines[n - 2],
        payload_hash: lines[n - 1],
    })
}

fn shown(name: &str, value: &str) -> String {
    if name == SECURITY_TOKEN_HEADER {
        REDACTED.to_owned()
    } else {
        value.to_owned()
    }
}

/// Each differing stage, in canonical request order.
fn compare(ours: &Request<'_>, server: &Request<'_>, out: &mut Vec<Difference>) {
    if ours.method != server.method {
        out.push(Difference::Method {
            ours: ours.method.to_owned(),
            server: server.method.to_owned(),
        });
    }
    if ours.path != server.path {
        out.push(Difference::Path {
            ours: ours.path.to_owned(),
            server: server.path.to_owned(),
        });
    }
    compare_params(&ours.params, &server.params, out);
    let names: BTreeSet<&str> = ours
        .headers
        .keys()
        .chain(server.headers.keys())
        .copied()
        .collect();
    for name in names {
        let (o, s) = (ours.headers.get(name), server.headers.get(name));
        if o != s {
            out.push(Difference::Header {
                name: name.to_owned(),
                ours: o.map(|v| shown(name, v)),
                server: s.map(|v| shown(name, v)),
            });
        }
    }
    if ours.signed_headers != server.signed_headers {
        out.push(Difference::SignedHeaders {
            ours: ours.signed_headers.to_owned(),
            server: server.signed_headers.to_owned(),
        });
    }
    if ours.payload_hash != server.payload_hash {
        out.push(Difference::PayloadHash {
            ours: ours.payload_hash.to_owned(),
            server: server.payload_hash.to_owned(),
        });
    }
}

/// Explains a V3 `SignatureDoesNotMatch`: compares the server's string to sign (and
/// canonical request, when quoted) in `server_message` with `our_canonical_request`
/// ([`SignedRequest::canonical_request`](crate::SignedRequest::canonical_request)).
///
/// Identical strings to sign: the secret is wrong. Different, with the server's canonical
/// request quoted: each differing stage (method, path, parameter, header, signed headers,
/// payload hash). Different, with only its hash: [`Difference::HashedCanonicalRequest`].
/// The security token's values never appear in a difference.
///
/// ```
/// use bidcert_core::{v3, Difference, Method};
/// let ours = v3::canonical_request(Method::Post, "/", &[("A", "1")],
///     &[("x-acs-date", "2026-11-23T08:00:00Z")], v3::EMPTY_PAYLOAD_SHA256).unwrap();
/// let theirs = ours.as_str().replace("08:00:00Z", "08:00:01Z");
/// let message = format!(
///     "Specified signature does not match our calculation. server StringToSign is [{}] \
///      server CanonicalRequest is [{}]", v3::string_to_sign(&theirs), theirs);
/// let d = v3::diagnose_signature_mismatch(&message, ours.as_str());
/// assert_eq!(d.differences(), &[Difference::Header { name: "x-acs-date".into(),
///     ours: Some("2026-11-23T08:00:00Z".into()), server: Some("2026-11-23T08:00:01Z".into()) }]);
///
/// let only_hash = format!("... server StringToSign is [{}]", ours.string_to_sign());
/// assert!(v3::diagnose_signature_mismatch(&only_hash, ours.as_str()).is_identical());
/// ```
pub fn diagnose_signature_mismatch(server_message: &str, our_canonical_request: &str) -> Diagnosis {
    let server_request = quoted_canonical_request(server_message);
    // A quoted canonical request reaches us with its security token redacted (where the body
    // is parsed); a string to sign worked out from it must come from ours redacted alike.
    let (server_sts, our_sts) = match quoted_string_to_sign(server_message) {
        Some(s) => (
            unescape(s.trim()).into_owned(),
            string_to_sign(our_canonical_request),
        ),
        None => match &server_request {
            Some(request) => (
                string_to_sign(request),
                string_to_sign(&crate::redact::redact_security_token(our_canonical_request)),
            ),
            None => return Diagnosis::not_found(),
        },
    };
    let (our_algorithm, our_hash) = split_string_to_sign(&our_sts);
    let (server_algorithm, server_hash) = split_string_to_sign(&server_sts);
    let identical = (our_algorithm, our_hash) == (server_algorithm, server_hash);
    let mut differences = Vec::new();
    if our_algorithm != server_algorithm {
        differences.push(Difference::Algorithm {
            ours: our_algorithm.to_owned(),
            server: server_algorithm.to_owned(),
        });
    }
    if our_hash != server_hash {
        let staged = match (
            parse(our_canonical_request),
            server_request.as_deref().and_then(parse),
        ) {
            (Some(ours), Some(server)) => {
                let before = differences.len();
                compare(&ours, &server, &mut differences);
                differences.len() > before
            }
            _ => false,
        };
        if !staged {
            differences.push(Difference::HashedCanonicalRequest {
                ours: our_hash.to_owned(),
                server: server_hash.to_owned(),
            });
        }
    }
    // Compared with the token (the hashes cover it); shown without it.
    let redact = |s: &str| crate::redact::redact_security_token(s).into_owned();
    Diagnosis {
        server_canonical_request: server_request.as_deref().map(redact),
        server_string_to_sign: Some(redact(&server_sts)),
        differences: differences
            .into_iter()
            .map(Difference::without_token)
            .collect(),
        identical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v3::{canonical_request, EMPTY_PAYLOAD_SHA256};
    use crate::Method;

    fn request(query: &[(&str, &str)], headers: &[(&str, &str)]) -> String {
        canonical_request(Method::Post, "/", query, headers, EMPTY_PAYLOAD_SHA256)
            .unwrap()
            .into_string()
    }

    fn message(server: &str) -> String {
        format!(
            "Specified signature does not match our calculation. server StringToSign is [{}] \
             server CanonicalRequest is [{}]",
            string_to_sign(server),
            server
        )
    }

    #[test]
    fn same_value_encoded_differently_is_an_encoding_difference() {
        let ours = request(&[("A", "*")], &[("host", "h")]);
        let server = ours.replace("A=%2A", "A=*");
        let d = diagnose_signature_mismatch(&message(&server), &ours);
        assert!(
            matches!(d.differences(), [Difference::Encoding { name, .. }] if name == "A"),
            "{d:?}"
        );
    }

    #[test]
    fn security_token_values_are_never_shown() {
        let ours = request(&[], &[("x-acs-security-token", "tokenA")]);
        let server = request(&[], &[("x-acs-security-token", "tokenB")]);
        let d = diagnose_signature_mismatch(&message(&server), &ours);
        let shown = d.to_string();
        assert!(
            !shown.contains("tokenA") && !shown.contains("tokenB"),
            "{shown}"
        );
        assert_eq!(d.differences()[0].name(), Some("x-acs-security-token"));
    }

    // Found by the diagnose_v3 fuzz target: the server's quoted canonical request kept the
    // token, and `server_canonical_request()` showed it.
    #[test]
    fn the_quoted_canonical_request_is_kept_without_the_token() {
        let ours = request(&[], &[("x-acs-security-token", "tokenA")]);
        let d = diagnose_signature_mismatch(&message(&ours), &ours);
        assert!(d.is_identical(), "the token still counts in the comparison");
        let quoted = d.server_canonical_request().unwrap();
        assert!(!quoted.contains("tokenA"), "{quoted}");
        assert!(
            quoted.contains("x-acs-security-token:<redacted>\n"),
            "{quoted}"
        );
    }

    // Found by the diagnose_v3 fuzz target: a quoted string to sign without its closing `]`
    // ran on into the canonical request, and the hash difference showed its token.
    #[test]
    fn an_unclosed_string_to_sign_shows_no_token() {
        let ours = request(&[], &[("host", "h")]);
        let msg = "server StringToSign is [ACS3-HMAC-SHA256\nabc\nx-acs-security-token:tokenA\n";
        let d = diagnose_signature_mismatch(msg, &ours);
        assert_eq!(d.differences()[0].kind(), "hashed_canonical_request");
        assert!(!d.to_json().to_string().contains("tokenA"), "{d:?}");
    }

    // Found by the diagnose_v3 fuzz target: a token header whose name had other bytes before
    // it was not recognised, and its value showed.
    #[test]
    fn a_token_in_a_header_or_parameter_line_never_shows() {
        let ours = "POST\n/\nSecurityToken=tokenQ\nxx-acs-security-token:tokenA\n\nhost\nabc";
        let server = request(&[], &[("host", "h")]);
        let d = diagnose_signature_mismatch(&message(&server), ours);
        let shown = d.to_json().to_string();
        assert!(
            !shown.contains("tokenA") && !shown.contains("tokenQ"),
            "{shown}"
        );
        assert!(shown.contains("xx-acs-security-token"), "{shown}");
    }

    #[test]
    fn an_escaped_line_break_and_header_brackets_are_read() {
        let ours = request(&[], &[("x-acs-tag", "[x]")]);
        let server = request(&[], &[("x-acs-tag", "[y]")]);
        let msg = message(&server).replace('\n', "\\n");
        let d = diagnose_signature_mismatch(&msg, &ours);
        assert_eq!(d.server_canonical_request(), Some(server.as_str()));
        assert_eq!(d.differences().len(), 1, "{d:?}");
        assert_eq!(d.differences()[0].server(), Some("[y]"));
    }

    #[test]
    fn an_unreadable_canonical_request_falls_back_to_the_hash() {
        let ours = request(&[], &[("host", "h")]);
        let msg = format!(
            "server StringToSign is [{}] server CanonicalRequest is [garbage]",
            string_to_sign("garbage")
        );
        let d = diagnose_signature_mismatch(&msg, &ours);
        assert_eq!(d.differences()[0].kind(), "hashed_canonical_request");
    }
}

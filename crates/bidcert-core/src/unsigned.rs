//! Requests sent without a signature. `AssumeRoleWithOIDC` is one: the OIDC token is the
//! credential, so its parameters travel in a form body, never in the URL, which proxies, access
//! logs and HTTP libraries' traces keep.

use crate::clock::Timestamp;
use crate::encode::encode_into;
use crate::ops::{Endpoint, Method};
use crate::sign::SignedRequest;

/// `name=value&...`, each percent-encoded with the one encoding set.
fn encode_pairs(pairs: &[(&str, &str)], out: &mut String) {
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(name, out);
        out.push('=');
        encode_into(value, out);
    }
}

/// A POST to `endpoint` with `query` in the URL and `form` as an
/// `application/x-www-form-urlencoded` body; nothing is signed.
pub(crate) fn form_request(
    endpoint: &Endpoint,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
    timestamp: Timestamp,
) -> SignedRequest {
    let mut url = String::with_capacity(endpoint.as_str().len() + 128);
    url.push_str(endpoint.as_str());
    url.push_str("/?");
    let query_start = url.len();
    encode_pairs(query, &mut url);
    let mut body = String::with_capacity(256);
    encode_pairs(form, &mut body);
    SignedRequest::unsigned(Method::Post, url, query_start, timestamp, body.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_go_in_the_body_encoded_and_the_headers_say_so() {
        let t = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        let e = Endpoint::new("https://sts.aliyuncs.com").unwrap();
        let r = form_request(
            &e,
            &[("Action", "AssumeRoleWithOIDC"), ("Timestamp", t.as_str())],
            &[("OIDCToken", "a b+c/="), ("RoleSessionName", "s")],
            t,
        );
        assert_eq!(
            r.url(),
            "https://sts.aliyuncs.com/?Action=AssumeRoleWithOIDC&Timestamp=2026-11-23T08%3A00%3A00Z"
        );
        assert_eq!(r.body(), b"OIDCToken=a%20b%2Bc%2F%3D&RoleSessionName=s");
        assert!(r
            .headers()
            .any(|h| h == ("Content-Type", "application/x-www-form-urlencoded")));
        assert_eq!(r.signature(), "");
        assert_eq!(r.string_to_sign(), "");
        assert!(!format!("{r:?}").contains("a%20b"), "the body never prints");
    }
}

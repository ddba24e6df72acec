//! Explaining a `SignatureDoesNotMatch`: compare the server's string to sign with ours.
//! V3 (its own message shape and stages) is in [`v3`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use percent_encoding::percent_decode_str;

pub(crate) mod v3;

/// The marker before the server's string in a `SignatureDoesNotMatch` message.
pub const SERVER_STRING_MARKER: &str = "server string to sign is:";

/// One way the server's string to sign (or, with V3, canonical request) differs from ours.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// The strings were signed for different methods (we sent one, signed another?).
    Method {
        /// Ours.
        ours: String,
        /// The server's.
        server: String,
    },
    /// The server saw a parameter we did not sign (a proxy or client added it).
    Missing {
        /// Its name.
        name: String,
        /// The server's value.
        server: String,
    },
    /// We signed a parameter the server did not receive (it was dropped or renamed on the way).
    Extra {
        /// Its name.
        name: String,
        /// Our value.
        ours: String,
    },
    /// Both have the parameter with different values.
    Different {
        /// Its name.
        name: String,
        /// Our value.
        ours: String,
        /// The server's value.
        server: String,
    },
    /// Same value, encoded differently: our percent-encoding is wrong for this parameter.
    Encoding {
        /// Its name.
        name: String,
        /// Our encoded `name=value`.
        ours: String,
        /// The server's encoded `name=value`.
        server: String,
    },
    /// V3: the canonical URIs differ.
    Path {
        /// Ours.
        ours: String,
        /// The server's.
        server: String,
    },
    /// V3: a signed header differs, or only one side signed it. The security token's values
    /// are never shown (`<redacted>`).
    Header {
        /// Its lower-case name.
        name: String,
        /// Our value (none when only the server has the header).
        ours: Option<String>,
        /// The server's value (none when the server did not receive it).
        server: Option<String>,
    },
    /// V3: the lists of signed header names differ.
    SignedHeaders {
        /// Ours.
        ours: String,
        /// The server's.
        server: String,
    },
    /// V3: the payload hashes differ (the body changed on the way, or was hashed wrongly).
    PayloadHash {
        /// Ours.
        ours: String,
        /// The server's.
        server: String,
    },
    /// V3: the signature algorithms differ.
    Algorithm {
        /// Ours.
        ours: String,
        /// The server's.
        server: String,
    },
    /// V3: the canonical requests differ, and the message does not quote the server's (only
    /// its hash), so the differing stage cannot be named.
    HashedCanonicalRequest {
        /// The hex SHA-256 of our canonical request.
        ours: String,
        /// The server's.
        server: String,
    },
}

impl Difference {
    /// The same difference with every security token value in it `<redacted>`: a V3
    /// diagnosis compares the requests as received, token and all, and shows them without.
    /// A parameter's or header's value is redacted as it stands after its name, so a token
    /// is found in its line whatever the name around it.
    pub(crate) fn without_token(self) -> Self {
        use crate::redact::{redact_security_token as redact, REDACTED};
        let r = |s: String| redact(&s).into_owned();
        let after = |name: &str, sep: char, value: String| {
            let head = format!("{name}{sep}");
            let line = redact(&format!("{head}{value}")).into_owned();
            // A token that runs on from the name covers the value too.
            line.strip_prefix(&head)
                .map_or_else(|| REDACTED.to_owned(), str::to_owned)
        };
        match self {
            Difference::Method { ours, server } => Difference::Method {
                ours: r(ours),
                server: r(server),
            },
            Difference::Missing { name, server } => Difference::Missing {
                server: after(&name, '=', server),
                name: r(name),
            },
            Difference::Extra { name, ours } => Difference::Extra {
                ours: after(&name, '=', ours),
                name: r(name),
            },
            Difference::Different { name, ours, server } => Difference::Different {
                ours: after(&name, '=', ours),
                server: after(&name, '=', server),
                name: r(name),
            },
            Difference::Encoding { name, ours, server } => Difference::Encoding {
                name: r(name),
                ours: r(ours),
                server: r(server),
            },
            Difference::Path { ours, server } => Difference::Path {
                ours: r(ours),
                server: r(server),
            },
            Difference::Header { name, ours, server } => Difference::Header {
                ours: ours.map(|v| after(&name, ':', v)),
                server: server.map(|v| after(&name, ':', v)),
                name: r(name),
            },
            Difference::SignedHeaders { ours, server } => Difference::SignedHeaders {
                ours: r(ours),
                server: r(server),
            },
            Difference::PayloadHash { ours, server } => Difference::PayloadHash {
                ours: r(ours),
                server: r(server),
            },
            Difference::Algorithm { ours, server } => Difference::Algorithm {
                ours: r(ours),
                server: r(server),
            },
            Difference::HashedCanonicalRequest { ours, server } => {
                Difference::HashedCanonicalRequest {
                    ours: r(ours),
                    server: r(server),
                }
            }
        }
    }

    /// A stable snake_case name: `method`, `missing`, `extra`, `different`, `encoding`, and
    /// for V3 `path`, `header`, `signed_headers`, `payload_hash`, `algorithm`,
    /// `hashed_canonical_request`.
    pub fn kind(&self) -> &'static str {
        match self {
            Difference::Method { .. } => "method",
            Difference::Missing { .. } => "missing",
            Difference::Extra { .. } => "extra",
            Difference::Different { .. } => "different",
            Difference::Encoding { .. } => "encoding",
            Difference::Path { .. } => "path",
            Difference::Header { .. } => "header",
            Difference::SignedHeaders { .. } => "signed_headers",
            Difference::PayloadHash { .. } => "payload_hash",
            Difference::Algorithm { .. } => "algorithm",
            Difference::HashedCanonicalRequest { .. } => "hashed_canonical_request",
        }
    }

    /// The parameter's or header's name (none for the other kinds).
    pub fn name(&self) -> Option<&str> {
        match self {
            Difference::Missing { name, .. }
            | Difference::Extra { name, .. }
            | Difference::Different { name, .. }
            | Difference::Encoding { name, .. }
            | Difference::Header { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Our side (none when only the server has the parameter or header).
    pub fn ours(&self) -> Option<&str> {
        match self {
            Difference::Missing { .. } => None,
            Difference::Header { ours, .. } => ours.as_deref(),
            Difference::Method { ours, .. }
            | Difference::Extra { ours, .. }
            | Difference::Different { ours, .. }
            | Difference::Encoding { ours, .. }
            | Difference::Path { ours, .. }
            | Difference::SignedHeaders { ours, .. }
            | Difference::PayloadHash { ours, .. }
            | Difference::Algorithm { ours, .. }
            | Difference::HashedCanonicalRequest { ours, .. } => Some(ours),
        }
    }

    /// The server's side (none when only we have the parameter or header).
    pub fn server(&self) -> Option<&str> {
        match self {
            Difference::Extra { .. } => None,
            Difference::Header { server, .. } => server.as_deref(),
            Difference::Method { server, .. }
            | Difference::Missing { server, .. }
            | Difference::Different { server, .. }
            | Difference::Encoding { server, .. }
            | Difference::Path { server, .. }
            | Difference::SignedHeaders { server, .. }
            | Difference::PayloadHash { server, .. }
            | Difference::Algorithm { server, .. }
            | Difference::HashedCanonicalRequest { server, .. } => Some(server),
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Method { ours, server } => {
                write!(f, "method: we signed {ours}, the server computed {server}")
            }
            Difference::Missing { name, server } => write!(
                f,
                "{name}: the server received {server:?}, which we did not sign"
            ),
            Difference::Extra { name, ours } => write!(
                f,
                "{name}: we signed {ours:?}, which the server did not receive"
            ),
            Difference::Different { name, ours, server } => write!(
                f,
                "{name}: we signed {ours:?}, the server received {server:?}"
            ),
            Difference::Encoding { name, ours, server } => write!(
                f,
                "{name}: same value, encoded {ours} by us and {server} by the server"
            ),
            Difference::Path { ours, server } => write!(
                f,
                "canonical URI: we signed {ours:?}, the server computed {server:?}"
            ),
            Difference::Header { name, ours, server } => match (ours, server) {
                (Some(o), Some(s)) => write!(
                    f,
                    "header {name}: we signed {o:?}, the server received {s:?}"
                ),
                (None, Some(s)) => write!(
                    f,
                    "header {name}: the server received {s:?}, which we did not sign"
                ),
                (Some(o), None) => write!(
                    f,
                    "header {name}: we signed {o:?}, which the server did not receive"
                ),
                (None, None) => write!(f, "header {name}"),
            },
            Difference::SignedHeaders { ours, server } => write!(
                f,
                "signed headers: we signed {ours}, the server computed {server}"
            ),
            Difference::PayloadHash { ours, server } => write!(
                f,
                "payload hash: we signed {ours}, the server computed {server}"
            ),
            Difference::Algorithm { ours, server } => write!(
                f,
                "algorithm: we signed with {ours}, the server computed {server}"
            ),
            Difference::HashedCanonicalRequest { ours, server } => write!(
                f,
                "canonical request: ours hashes to {ours}, the server's to {server}; the \
                 message quotes only the hash, so compare our canonical request with what the \
                 server received (a proxy may have changed a header or the query)"
            ),
        }
    }
}

/// The result of [`diagnose_signature_mismatch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    server_string_to_sign: Option<String>,
    // V3 only, when the message quotes it.
    server_canonical_request: Option<String>,
    differences: Vec<Difference>,
    identical: bool,
}

impl Diagnosis {
    fn not_found() -> Self {
        Diagnosis {
            server_string_to_sign: None,
            server_canonical_request: None,
            differences: Vec::new(),
            identical: false,
        }
    }
    /// The server's string to sign, when the message carried one.
    pub fn server_string_to_sign(&self) -> Option<&str> {
        self.server_string_to_sign.as_deref()
    }
    /// V3: the server's canonical request, when the message quoted it.
    pub fn server_canonical_request(&self) -> Option<&str> {
        self.server_canonical_request.as_deref()
    }
    /// Each difference: the method first, then parameters by name in byte order. V3: the
    /// algorithm, method, path, parameters, headers by name, signed headers and payload hash,
    /// or the hashed canonical request when the message quotes no more than that.
    pub fn differences(&self) -> &[Difference] {
        &self.differences
    }
    /// Whether both strings are the same, so the AccessKeySecret must be wrong.
    pub fn is_identical(&self) -> bool {
        self.identical
    }

    /// The structured result, the one JSON shape every binding and the CLI print:
    /// `{"server_string_found", "server_string_to_sign", "identical", "differences":
    /// [{"kind", "name", "ours", "server"}], "summary"}`; each difference has only the keys
    /// its kind needs.
    ///
    /// ```
    /// let d = bidcert_core::diagnose_signature_mismatch(
    ///     "server string to sign is:GET&%2F&A%3D1", "POST&%2F&A%3D1");
    /// let j = d.to_json();
    /// assert_eq!(j["differences"][0]["kind"], "method");
    /// assert_eq!(j["identical"], false);
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let differences: Vec<serde_json::Value> = self
            .differences
            .iter()
            .map(|d| {
                let mut v = serde_json::Map::new();
                v.insert("kind".into(), d.kind().into());
                for (key, value) in [
                    ("name", d.name()),
                    ("ours", d.ours()),
                    ("server", d.server()),
                ] {
                    if let Some(value) = value {
                        v.insert(key.into(), value.into());
                    }
                }
                serde_json::Value::Object(v)
            })
            .collect();
        serde_json::json!({
            "server_string_found": self.server_string_to_sign.is_some(),
            "server_string_to_sign": self.server_string_to_sign,
            "identical": self.identical,
            "differences": differences,
            "summary": self.to_string(),
        })
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.server_string_to_sign.is_none() {
            return f.write_str("the message has no server string to sign; nothing to compare");
        }
        if self.identical {
            return f.write_str("identical strings: the secret is wrong");
        }
        for (i, d) in self.differences.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            d.fmt(f)?;
        }
        Ok(())
    }
}

/// A canonical query's parameters: name -> (decoded value, encoded `name=value`).
type Params = BTreeMap<String, (String, String)>;

struct Parsed<'a> {
    method: &'a str,
    path: &'a str,
    params: Params,
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The parameters of a canonical query (`a=1&b=2`, each name and value encoded once).
fn params_of(query: &str) -> Params {
    let mut params = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(decode(k), (decode(v), pair.to_owned()));
    }
    params
}

fn parse(sts: &str) -> Parsed<'_> {
    let mut parts = sts.splitn(3, '&');
    let method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("");
    let params = params_of(&decode(parts.next().unwrap_or("")));
    Parsed {
        method,
        path,
        params,
    }
}

/// Each parameter missing, extra, different or encoded differently, by name in byte order.
fn compare_params(ours: &Params, server: &Params, out: &mut Vec<Difference>) {
    let names: BTreeSet<&String> = server.keys().chain(ours.keys()).collect();
    for name in names {
        match (ours.get(name), server.get(name)) {
            (Some((ov, _)), None) => out.push(Difference::Extra {
                name: name.clone(),
                ours: ov.clone(),
            }),
            (None, Some((sv, _))) => out.push(Difference::Missing {
                name: name.clone(),
                server: sv.clone(),
            }),
            (Some((ov, _)), Some((sv, _))) if ov != sv => out.push(Difference::Different {
                name: name.clone(),
                ours: ov.clone(),
                server: sv.clone(),
            }),
            (Some((_, oe)), Some((_, se))) if oe != se => out.push(Difference::Encoding {
                name: name.clone(),
                ours: oe.clone(),
                server: se.clone(),
            }),
            _ => {}
        }
    }
}

/// Explains a `SignatureDoesNotMatch`: finds `server string to sign is:` in the server's
/// message and names each parameter missing, extra or different, a method mismatch, or, when
/// both strings are identical, that the secret is wrong.
///
/// ```
/// use bidcert_core::{diagnose_signature_mismatch, Difference};
/// let msg = "Specified signature is not matched with our calculation. \
///            server string to sign is:POST&%2F&A%3D1%26Format%3Djson";
/// let d = diagnose_signature_mismatch(msg, "POST&%2F&A%3D1%26Format%3DJSON");
/// assert_eq!(d.differences(), &[Difference::Different {
///     name: "Format".into(), ours: "JSON".into(), server: "json".into() }]);
/// ```
pub fn diagnose_signature_mismatch(server_message: &str, our_string_to_sign: &str) -> Diagnosis {
    let Some(at) = server_message.find(SERVER_STRING_MARKER) else {
        return Diagnosis::not_found();
    };
    // Both sides without the security token: its value never shows in a diagnosis.
    let server = crate::redact::redact_security_token(
        server_message[at + SERVER_STRING_MARKER.len()..].trim(),
    );
    let ours = crate::redact::redact_security_token(our_string_to_sign.trim());
    let (server, ours) = (server.as_ref(), ours.as_ref());
    let identical = server == ours;
    let mut differences = Vec::new();
    if !identical {
        let (s, o) = (parse(server), parse(ours));
        if s.method != o.method {
            differences.push(Difference::Method {
                ours: o.method.to_owned(),
                server: s.method.to_owned(),
            });
        }
        compare_params(&o.params, &s.params, &mut differences);
        if differences.is_empty() && s.path != o.path {
            differences.push(Difference::Encoding {
                name: "(path)".into(),
                ours: o.path.to_owned(),
                server: s.path.to_owned(),
            });
        }
    }
    Diagnosis {
        server_string_to_sign: Some(server.to_owned()),
        server_canonical_request: None,
        differences,
        identical,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_strings_blame_the_secret() {
        let d = diagnose_signature_mismatch(
            "x server string to sign is:GET&%2F&A%3D1",
            "GET&%2F&A%3D1",
        );
        assert!(d.is_identical());
        assert_eq!(d.to_string(), "identical strings: the secret is wrong");
    }

    #[test]
    fn same_value_encoded_differently_is_an_encoding_difference() {
        let d = diagnose_signature_mismatch(
            "server string to sign is:GET&%2F&A%3D%252A",
            "GET&%2F&A%3D*",
        );
        assert!(matches!(&d.differences()[0], Difference::Encoding { name, .. } if name == "A"));
    }
}

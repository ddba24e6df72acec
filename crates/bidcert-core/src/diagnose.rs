//! Explaining a `SignatureDoesNotMatch`: compare the server's string to sign with ours.

use std::collections::BTreeMap;
use std::fmt;

use percent_encoding::percent_decode_str;

/// The marker before the server's string in a `SignatureDoesNotMatch` message.
pub const SERVER_STRING_MARKER: &str = "server string to sign is:";

/// One way the server's string to sign differs from ours.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl Difference {
    /// A stable snake_case name: `method`, `missing`, `extra`, `different` or `encoding`.
    pub fn kind(&self) -> &'static str {
        match self {
            Difference::Method { .. } => "method",
            Difference::Missing { .. } => "missing",
            Difference::Extra { .. } => "extra",
            Difference::Different { .. } => "different",
            Difference::Encoding { .. } => "encoding",
        }
    }

    /// The parameter's name (none for a method difference).
    pub fn name(&self) -> Option<&str> {
        match self {
            Difference::Method { .. } => None,
            Difference::Missing { name, .. }
            | Difference::Extra { name, .. }
            | Difference::Different { name, .. }
            | Difference::Encoding { name, .. } => Some(name),
        }
    }

    /// Our side (none when only the server has the parameter).
    pub fn ours(&self) -> Option<&str> {
        match self {
            Difference::Missing { .. } => None,
            Difference::Method { ours, .. }
            | Difference::Extra { ours, .. }
            | Difference::Different { ours, .. }
            | Difference::Encoding { ours, .. } => Some(ours),
        }
    }

    /// The server's side (none when only we have the parameter).
    pub fn server(&self) -> Option<&str> {
        match self {
            Difference::Extra { .. } => None,
            Difference::Method { server, .. }
            | Difference::Missing { server, .. }
            | Difference::Different { server, .. }
            | Difference::Encoding { server, .. } => Some(server),
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
        }
    }
}

/// The result of [`diagnose_signature_mismatch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    server_string_to_sign: Option<String>,
    differences: Vec<Difference>,
    identical: bool,
}

impl Diagnosis {
    /// The server's string to sign, when the message carried one.
    pub fn server_string_to_sign(&self) -> Option<&str> {
        self.server_string_to_sign.as_deref()
    }
    /// Each difference: the method first, then parameters by name in byte order.
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

struct Parsed<'a> {
    method: &'a str,
    path: &'a str,
    // name -> (decoded value, encoded `name=value`)
    params: BTreeMap<String, (String, String)>,
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn parse(sts: &str) -> Parsed<'_> {
    let mut parts = sts.splitn(3, '&');
    let method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("");
    let query = decode(parts.next().unwrap_or(""));
    let mut params = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(decode(k), (decode(v), pair.to_owned()));
    }
    Parsed {
        method,
        path,
        params,
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
        return Diagnosis {
            server_string_to_sign: None,
            differences: Vec::new(),
            identical: false,
        };
    };
    let server = server_message[at + SERVER_STRING_MARKER.len()..].trim();
    let ours = our_string_to_sign.trim();
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
        let names: std::collections::BTreeSet<&String> =
            s.params.keys().chain(o.params.keys()).collect();
        for name in names {
            match (o.params.get(name), s.params.get(name)) {
                (Some((ov, _)), None) => differences.push(Difference::Extra {
                    name: name.clone(),
                    ours: ov.clone(),
                }),
                (None, Some((sv, _))) => differences.push(Difference::Missing {
                    name: name.clone(),
                    server: sv.clone(),
                }),
                (Some((ov, oe)), Some((sv, se))) if ov != sv => {
                    differences.push(Difference::Different {
                        name: name.clone(),
                        ours: ov.clone(),
                        server: sv.clone(),
                    })
                }
                (Some((_, oe2)), Some((_, se2))) if oe2 != se2 => {
                    differences.push(Difference::Encoding {
                        name: name.clone(),
                        ours: oe2.clone(),
                        server: se2.clone(),
                    })
                }
                _ => {}
            }
        }
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

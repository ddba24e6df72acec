//! Which signature a request carries.

use std::fmt;
use std::str::FromStr;

use crate::error::ValidationError;

/// The signature scheme: RPC v1.0 (HMAC-SHA1, the default the API documents describe) or
/// V3 (ACS3-HMAC-SHA256, opt-in; see [`crate::v3`]).
///
/// ```
/// use bidcert_core::SignatureVersion;
/// assert_eq!("v3".parse::<SignatureVersion>().unwrap(), SignatureVersion::V3);
/// assert_eq!(SignatureVersion::default().as_str(), "v1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureVersion {
    /// RPC signature version 1.0: every parameter and `Signature` in the query.
    #[default]
    V1,
    /// ACS3-HMAC-SHA256: business parameters in the query, the rest in `x-acs-*` headers and
    /// `Authorization`.
    V3,
}

impl SignatureVersion {
    /// Both versions.
    pub const ALL: &'static [SignatureVersion] = &[SignatureVersion::V1, SignatureVersion::V3];

    /// `v1` or `v3`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureVersion::V1 => "v1",
            SignatureVersion::V3 => "v3",
        }
    }
}

impl FromStr for SignatureVersion {
    type Err = ValidationError;
    /// `v1` or `v3`, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, ValidationError> {
        if s.eq_ignore_ascii_case("v1") {
            Ok(SignatureVersion::V1)
        } else if s.eq_ignore_ascii_case("v3") {
            Ok(SignatureVersion::V3)
        } else {
            Err(ValidationError::new(
                "signature_version",
                format!("{s:?} is not one of v1, v3"),
            ))
        }
    }
}

impl fmt::Display for SignatureVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

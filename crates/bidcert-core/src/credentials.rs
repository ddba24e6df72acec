//! AccessKey credentials; the secret never prints and is wiped from memory on drop.

use std::fmt;
use zeroize::Zeroizing;

use crate::error::ValidationError;
use crate::redact::Redacted;

/// An AccessKey pair, with a security token when the keys are temporary (STS).
///
/// `Debug` shows the id only; the secret and the token are zeroized when dropped.
///
/// ```
/// use bidcert_core::Credentials;
/// let c = Credentials::new("LTAI5tExample", "s3cret").unwrap();
/// assert!(!format!("{c:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Zeroizing<String>,
    security_token: Option<Zeroizing<String>>,
}

fn check(field: &str, value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            "must not contain control characters (a stray newline from a file?)",
        ));
    }
    if value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace) {
        return Err(ValidationError::new(
            field,
            "must not start or end with whitespace (a stray space when it was pasted?)",
        ));
    }
    Ok(())
}

impl Credentials {
    /// Long-term AccessKey credentials.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let access_key_id = access_key_id.into();
        let access_key_secret = Zeroizing::new(access_key_secret.into());
        check("AccessKeyId", &access_key_id)?;
        check("AccessKeySecret", &access_key_secret)?;
        Ok(Credentials {
            access_key_id,
            access_key_secret,
            security_token: None,
        })
    }

    /// Adds the security token of temporary (STS) credentials; it is sent as `SecurityToken`.
    pub fn with_security_token(
        mut self,
        security_token: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let token = Zeroizing::new(security_token.into());
        check("SecurityToken", &token)?;
        self.security_token = Some(token);
        Ok(self)
    }

    /// The AccessKey id (not a secret; it is sent in every request).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret. Only signing needs it; never log it.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, if any. Never log it.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref().map(String::as_str)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &Redacted)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| Redacted),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secret_or_token() {
        let c = Credentials::new("id", "topsecret")
            .unwrap()
            .with_security_token("tokenvalue")
            .unwrap();
        let s = format!("{c:?}");
        assert!(!s.contains("topsecret") && !s.contains("tokenvalue"), "{s}");
        assert!(s.contains("id"));
    }

    #[test]
    fn rejects_empty_and_control_characters() {
        assert_eq!(
            Credentials::new("", "s").unwrap_err().field(),
            "AccessKeyId"
        );
        assert_eq!(
            Credentials::new("id", "s\n").unwrap_err().field(),
            "AccessKeySecret"
        );
        assert_eq!(
            Credentials::new(" LTAI5t", "s").unwrap_err().field(),
            "AccessKeyId"
        );
        assert!(Credentials::new("id", "secret ")
            .unwrap_err()
            .reason()
            .contains("whitespace"));
    }
}

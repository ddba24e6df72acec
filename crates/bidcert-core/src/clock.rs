//! The two per-request inputs of a signature: the timestamp and the nonce.

use std::fmt;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::error::ValidationError;

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
const TEXT_LEN: usize = 20;

/// A request time, to the second, in UTC, shown as `YYYY-MM-DDThh:mm:ssZ`.
///
/// Signing never reads the clock: the caller passes a `Timestamp` (tests a fixed one,
/// applications [`Timestamp::now`]).
///
/// ```
/// use bidcert_core::Timestamp;
/// let t = Timestamp::parse("2021-09-28T09:37:17Z").unwrap();
/// assert_eq!(t.unix(), 1632821837);
/// assert_eq!(t.to_string(), "2021-09-28T09:37:17Z");
/// assert_eq!(t.plus_seconds(3 * 3600).unwrap().as_str(), "2021-09-28T12:37:17Z");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    unix: i64,
    // The wire form, formatted once so signing does not allocate for it.
    text: [u8; TEXT_LEN],
}

impl Timestamp {
    /// The earliest accepted time, 1970-01-01T00:00:00Z.
    pub const MIN_UNIX: i64 = 0;
    /// The latest accepted time, 9999-12-31T23:59:59Z.
    pub const MAX_UNIX: i64 = 253_402_300_799;

    /// The time `unix` seconds after 1970-01-01T00:00:00Z.
    pub fn from_unix(unix: i64) -> Result<Self, ValidationError> {
        if !(Self::MIN_UNIX..=Self::MAX_UNIX).contains(&unix) {
            return Err(ValidationError::new(
                "Timestamp",
                format!("{unix} is outside 1970-01-01T00:00:00Z..=9999-12-31T23:59:59Z"),
            ));
        }
        let dt = OffsetDateTime::from_unix_timestamp(unix)
            .map_err(|e| ValidationError::new("Timestamp", e.to_string()))?;
        let mut text = [0u8; TEXT_LEN];
        let written = dt
            .format_into(&mut &mut text[..], FORMAT)
            .map_err(|e| ValidationError::new("Timestamp", e.to_string()))?;
        debug_assert_eq!(written, TEXT_LEN);
        Ok(Timestamp { unix, text })
    }

    /// Parses the wire form `YYYY-MM-DDThh:mm:ssZ`, strictly.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let dt = PrimitiveDateTime::parse(s, FORMAT).map_err(|_| {
            ValidationError::new(
                "Timestamp",
                format!("{s:?} is not of the form YYYY-MM-DDThh:mm:ssZ (UTC)"),
            )
        })?;
        Self::from_unix(dt.assume_utc().unix_timestamp())
    }

    /// The current time from the system clock.
    pub fn now() -> Self {
        let unix = OffsetDateTime::now_utc().unix_timestamp();
        Self::from_unix(unix.clamp(Self::MIN_UNIX, Self::MAX_UNIX))
            .expect("a clamped time is always in range")
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix(&self) -> i64 {
        self.unix
    }

    /// The wire form, `YYYY-MM-DDThh:mm:ssZ`.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written into `text`.
        std::str::from_utf8(&self.text).unwrap_or("")
    }

    /// This time moved by `seconds` (negative moves back).
    pub fn plus_seconds(&self, seconds: i64) -> Result<Self, ValidationError> {
        let unix = self
            .unix
            .checked_add(seconds)
            .ok_or_else(|| ValidationError::new("Timestamp", "overflow"))?;
        Self::from_unix(unix)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.as_str())
    }
}

impl std::str::FromStr for Timestamp {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The `SignatureNonce`: unique per attempt, so the server can reject replays.
///
/// ```
/// use bidcert_core::Nonce;
/// let a = Nonce::random();
/// assert_ne!(a, Nonce::random());
/// assert_eq!(a.as_str().len(), 36);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nonce(String);

impl Nonce {
    /// The longest nonce accepted.
    pub const MAX_LEN: usize = 128;

    /// A fresh random UUID v4, from the system's generator (so a forked child never repeats
    /// its parent's nonces).
    pub fn random() -> Self {
        let mut buf = uuid::Uuid::encode_buffer();
        Nonce(
            uuid::Uuid::new_v4()
                .hyphenated()
                .encode_lower(&mut buf)
                .to_owned(),
        )
    }

    /// A given nonce (tests, replays of a recorded request): 1 to 128 printable ASCII bytes.
    pub fn new(s: impl Into<String>) -> Result<Self, ValidationError> {
        let s = s.into();
        if s.is_empty() || s.len() > Self::MAX_LEN || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ValidationError::new(
                "SignatureNonce",
                "must be 1 to 128 printable ASCII characters (a UUID v4 is recommended)",
            ));
        }
        Ok(Nonce(s))
    }

    /// The nonce as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nonce({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_round_trips_its_wire_form() {
        let t = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        assert_eq!(Timestamp::from_unix(t.unix()).unwrap(), t);
        assert_eq!(t.as_str(), "2026-11-23T08:00:00Z");
    }

    #[test]
    fn timestamp_rejects_other_forms() {
        for s in [
            "2026-11-23 08:00:00",
            "2026-11-23T08:00:00",
            "2026-11-23T08:00:00+08:00",
            "",
        ] {
            assert_eq!(Timestamp::parse(s).unwrap_err().field(), "Timestamp", "{s}");
        }
    }

    #[test]
    fn timestamp_rejects_out_of_range() {
        assert!(Timestamp::from_unix(-1).is_err());
        assert!(Timestamp::from_unix(Timestamp::MAX_UNIX + 1).is_err());
        assert_eq!(
            Timestamp::from_unix(Timestamp::MAX_UNIX).unwrap().as_str(),
            "9999-12-31T23:59:59Z"
        );
    }

    #[test]
    fn nonce_rejects_empty_and_control_bytes() {
        assert!(Nonce::new("").is_err());
        assert!(Nonce::new("a b").is_err());
        assert!(Nonce::new("x".repeat(129)).is_err());
        assert!(Nonce::new("cac135a3-a3f3-4b11-9cc8-2479bd2c4fb2").is_ok());
    }
}

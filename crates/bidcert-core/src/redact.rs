//! The one redaction helper: secrets never print, personal data prints masked.

use std::fmt;

/// Masks personal data for display: keeps a quarter of the characters (at most 4) at each end.
///
/// ```
/// assert_eq!(bidcert_core::mask("15812345678"), "15*******78");
/// assert_eq!(bidcert_core::mask("340321199001011234"), "3403**********1234");
/// assert_eq!(bidcert_core::mask("张三"), "**");
/// ```
pub fn mask(s: &str) -> String {
    let n = s.chars().count();
    let keep = (n / 4).min(4);
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < keep || i >= n - keep { c } else { '*' })
        .collect()
}

/// Personal data for display: [`mask`]ed, or whole when the caller asked to `reveal` it.
///
/// ```
/// assert_eq!(bidcert_core::mask_unless(Some("15812345678"), false).as_deref(), Some("15*******78"));
/// assert_eq!(bidcert_core::mask_unless(Some("15812345678"), true).as_deref(), Some("15812345678"));
/// ```
pub fn mask_unless(value: Option<&str>, reveal: bool) -> Option<String> {
    value.map(|v| if reveal { v.to_owned() } else { mask(v) })
}

/// Shows as `<redacted>` in `Debug` and `Display`, whatever it holds.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Shows an optional value masked in `Debug`.
pub(crate) struct Masked<'a>(pub(crate) Option<&'a str>);

impl fmt::Debug for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => write!(f, "Some({:?})", mask(s)),
            None => f.write_str("None"),
        }
    }
}

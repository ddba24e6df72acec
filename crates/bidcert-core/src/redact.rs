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

/// What a secret shows as.
pub(crate) const REDACTED: &str = "<redacted>";

/// `text` with every STS security token value replaced by `<redacted>`: in a query
/// (`SecurityToken=...&`), in a v1.0 string to sign (`SecurityToken%3D...%26`), and in a V3
/// canonical request (`x-acs-security-token:...` up to the line's end). A server quotes these
/// back in `SignatureDoesNotMatch` messages; the token must not travel further in an error.
///
/// ```
/// let m = "server string to sign is:POST&%2F&A%3D1%26SecurityToken%3DCAIS%252Bx%26Z%3D2";
/// assert_eq!(
///     bidcert_core::redact_security_token(m),
///     "server string to sign is:POST&%2F&A%3D1%26SecurityToken%3D<redacted>%26Z%3D2"
/// );
/// ```
pub fn redact_security_token(text: &str) -> std::borrow::Cow<'_, str> {
    // (where the value starts, where it ends), case-sensitive as the servers write them.
    // A value ends at its separator, a space, a line break, or (in a quoted canonical
    // request) a written-out `\n` or the closing `]`.
    const FORMS: [(&str, &[&str]); 3] = [
        ("SecurityToken%3D", &["%26", " "]),
        ("SecurityToken=", &["&", " "]),
        ("x-acs-security-token:", &["\\n", "]"]),
    ];
    let mut out = std::borrow::Cow::Borrowed(text);
    for (start, ends) in FORMS {
        let mut from = 0;
        while let Some(at) = out[from..].find(start) {
            let value_start = from + at + start.len();
            let rest = &out[value_start..];
            let value_len = ends
                .iter()
                .filter_map(|end| rest.find(end))
                .chain(rest.find(['\n', '\r']))
                .min()
                .unwrap_or(rest.len());
            if value_len == 0 || &rest[..value_len] == REDACTED {
                from = value_start;
                continue;
            }
            let mut s = out.into_owned();
            s.replace_range(value_start..value_start + value_len, REDACTED);
            from = value_start + REDACTED.len();
            out = std::borrow::Cow::Owned(s);
        }
    }
    out
}

/// Shows as `<redacted>` in `Debug` and `Display`, whatever it holds.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_the_token_is_redacted_and_nothing_else() {
        let cases = [
            (
                "a=1&SecurityToken=CAIS%2B&b=2",
                "a=1&SecurityToken=<redacted>&b=2",
            ),
            (
                "x-acs-security-token:CAIStoken\nx-acs-version:1",
                "x-acs-security-token:<redacted>\nx-acs-version:1",
            ),
            (
                "[x-acs-security-token:CAIS\\nhost:a]",
                "[x-acs-security-token:<redacted>\\nhost:a]",
            ),
            (
                "SecurityToken%3DA%26B%3DSecurityToken%3DC",
                "SecurityToken%3D<redacted>%26B%3DSecurityToken%3D<redacted>",
            ),
            ("no token here", "no token here"),
            ("SecurityToken=", "SecurityToken="),
        ];
        for (given, want) in cases {
            assert_eq!(redact_security_token(given), want, "{given}");
        }
    }
}

//! Percent-encoding as the RPC signature defines it, and the canonicalized query string.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// The one encoding set: everything but `A-Z a-z 0-9 - _ . ~` is encoded.
///
/// This is RFC 3986's unreserved set. Nothing else in bidcert encodes.
pub(crate) const RPC_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `s` (as UTF-8) the way the RPC signature requires.
///
/// Only `A-Z a-z 0-9 - _ . ~` stay as they are; every other byte becomes `%XX` with upper-case
/// hex, so a space is `%20` (never `+`) and `*` is `%2A`.
///
/// ```
/// assert_eq!(bidcert_core::percent_encode("a b*c~/é"), "a%20b%2Ac~%2F%C3%A9");
/// ```
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, RPC_ENCODE_SET).to_string()
}

/// Whether a byte passes through [`percent_encode`] unchanged.
#[cfg(test)]
pub(crate) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[b as usize]
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

const fn unreserved_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.' || c == b'~';
        b += 1;
    }
    t
}

/// `%XX` for every byte.
const fn escape_table() -> [[u8; 3]; 256] {
    let mut t = [[0u8; 3]; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = [b'%', HEX[b >> 4], HEX[b & 0x0f]];
        b += 1;
    }
    t
}

/// `%25XX` (an escape, escaped again) for every byte.
const fn double_escape_table() -> [[u8; 5]; 256] {
    let mut t = [[0u8; 5]; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = [b'%', b'2', b'5', HEX[b >> 4], HEX[b & 0x0f]];
        b += 1;
    }
    t
}

static UNRESERVED: [bool; 256] = unreserved_table();
static ESCAPE: [[u8; 3]; 256] = escape_table();
static DOUBLE_ESCAPE: [[u8; 5]; 256] = double_escape_table();

/// [`is_unreserved`] without a table lookup, so a whole-string check vectorizes.
#[inline(always)]
fn unreserved_arith(b: u8) -> bool {
    ((b | 0x20).wrapping_sub(b'a') < 26)
        | (b.wrapping_sub(b'0') < 10)
        | (b == b'-')
        | (b == b'_')
        | (b == b'.')
        | (b == b'~')
}

/// Appends `s` percent-encoded once to `query` and twice to `sts`, in one pass.
///
/// The string-to-sign is the canonicalized query encoded a second time; doing both at once
/// keeps signing to a single walk over the bytes. Equivalent to `percent_encode` (and
/// `percent_encode(percent_encode(..))`), which the unit and property tests check. Both
/// buffers only ever receive ASCII.
#[inline]
pub(crate) fn encode_both(s: &str, query: &mut Vec<u8>, sts: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    // Most names and values need no escaping at all: copy them whole.
    if bytes.iter().fold(true, |all, &b| all & unreserved_arith(b)) {
        query.extend_from_slice(bytes);
        sts.extend_from_slice(bytes);
        return;
    }
    // Runs between escapes are short, where a byte loop beats a call to memcpy.
    for &b in bytes {
        if UNRESERVED[b as usize] {
            query.push(b);
            sts.push(b);
        } else {
            query.extend_from_slice(&ESCAPE[b as usize]);
            sts.extend_from_slice(&DOUBLE_ESCAPE[b as usize]);
        }
    }
}

/// Appends `s` percent-encoded to `out`.
#[inline]
pub(crate) fn encode_into(s: &str, out: &mut Vec<u8>) {
    for &b in s.as_bytes() {
        if UNRESERVED[b as usize] {
            out.push(b);
        } else {
            out.extend_from_slice(&ESCAPE[b as usize]);
        }
    }
}

/// Exact upper bound of the bytes `encode_both` appends to the string-to-sign for `s`.
#[inline]
pub(crate) fn encoded_len_bound(s: &str) -> usize {
    s.len() * 5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_unreserved_checks_agree_on_every_byte() {
        for b in 0..=255u8 {
            assert_eq!(unreserved_arith(b), is_unreserved(b), "{b:#x}");
        }
    }

    #[test]
    fn unreserved_bytes_pass_through() {
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
    }

    #[test]
    fn reserved_bytes_are_upper_hex() {
        assert_eq!(percent_encode(" +*/%&=:"), "%20%2B%2A%2F%25%26%3D%3A");
    }

    #[test]
    fn encode_both_matches_single_and_double_encoding() {
        let s = "Timestamp 2021:09 中 ~*";
        let (mut q, mut t) = (Vec::new(), Vec::new());
        encode_both(s, &mut q, &mut t);
        assert_eq!(q, percent_encode(s).as_bytes());
        assert_eq!(t, percent_encode(&percent_encode(s)).as_bytes());
    }
}

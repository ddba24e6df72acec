//! Percent-encoding as the RPC signature defines it. The unreserved set is declared once, in
//! [`UNRESERVED`]; every encoder here reads it.

/// Percent-encodes `s` (as UTF-8) the way the RPC signature requires.
///
/// Only `A-Z a-z 0-9 - _ . ~` stay as they are; every other byte becomes `%XX` with upper-case
/// hex, so a space is `%20` (never `+`) and `*` is `%2A`.
///
/// ```
/// assert_eq!(bidcert_core::percent_encode("a b*c~/é"), "a%20b%2Ac~%2F%C3%A9");
/// ```
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(s, &mut out);
    out
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

/// `%00%01...%FF`: the escape of byte `b` is `ESCAPES[3 * b..3 * b + 3]`.
const fn escape_bytes() -> [u8; 768] {
    let mut t = [0u8; 768];
    let mut b = 0;
    while b < 256 {
        t[3 * b] = b'%';
        t[3 * b + 1] = HEX[b >> 4];
        t[3 * b + 2] = HEX[b & 0x0f];
        b += 1;
    }
    t
}

/// `%2500%2501...%25FF`: an escape, escaped again; byte `b` at `5 * b..5 * b + 5`.
const fn double_escape_bytes() -> [u8; 1280] {
    let mut t = [0u8; 1280];
    let mut b = 0;
    while b < 256 {
        t[5 * b] = b'%';
        t[5 * b + 1] = b'2';
        t[5 * b + 2] = b'5';
        t[5 * b + 3] = HEX[b >> 4];
        t[5 * b + 4] = HEX[b & 0x0f];
        b += 1;
    }
    t
}

const ESCAPE_BYTES: [u8; 768] = escape_bytes();
const DOUBLE_ESCAPE_BYTES: [u8; 1280] = double_escape_bytes();
// The tables are ASCII, so these conversions cannot fail; doing them at compile time lets
// encoding append `&str`s and never validate its output.
const ESCAPES: &str = match std::str::from_utf8(&ESCAPE_BYTES) {
    Ok(s) => s,
    Err(_) => panic!("escape table is ASCII"),
};
const DOUBLE_ESCAPES: &str = match std::str::from_utf8(&DOUBLE_ESCAPE_BYTES) {
    Ok(s) => s,
    Err(_) => panic!("escape table is ASCII"),
};

#[inline(always)]
fn escape(b: u8) -> &'static str {
    let i = 3 * b as usize;
    &ESCAPES[i..i + 3]
}

#[inline(always)]
fn double_escape(b: u8) -> &'static str {
    let i = 5 * b as usize;
    &DOUBLE_ESCAPES[i..i + 5]
}

/// RFC 3986's unreserved set, `A-Z a-z 0-9 - _ . ~`: the bytes that pass through unencoded.
static UNRESERVED: [bool; 256] = unreserved_table();

/// Appends `s` percent-encoded once to `query` and twice to `sts`, in one pass.
///
/// The string-to-sign is the canonicalized query encoded a second time; doing both at once
/// keeps signing to a single walk over the bytes. Equivalent to `percent_encode` (and
/// `percent_encode(percent_encode(..))`), which the unit and property tests check. Both
/// buffers only ever receive ASCII.
#[inline]
pub(crate) fn encode_both(s: &str, query: &mut String, sts: &mut String) {
    let bytes = s.as_bytes();
    // Most names and values need no escaping at all: copy them whole.
    if bytes.iter().all(|&b| UNRESERVED[b as usize]) {
        query.push_str(s);
        sts.push_str(s);
        return;
    }
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if UNRESERVED[b as usize] {
            continue;
        }
        // A non-empty `run..i` holds only unreserved ASCII, so both ends are char boundaries
        // (an empty one may sit inside a multi-byte character, whose bytes are all escaped).
        if run < i {
            query.push_str(&s[run..i]);
            sts.push_str(&s[run..i]);
        }
        query.push_str(escape(b));
        sts.push_str(double_escape(b));
        run = i + 1;
    }
    query.push_str(&s[run..]);
    sts.push_str(&s[run..]);
}

/// Appends `s` percent-encoded to `out`.
#[inline]
pub(crate) fn encode_into(s: &str, out: &mut String) {
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if !UNRESERVED[b as usize] {
            if run < i {
                out.push_str(&s[run..i]);
            }
            out.push_str(escape(b));
            run = i + 1;
        }
    }
    out.push_str(&s[run..]);
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
    fn the_table_is_the_rfc3986_unreserved_set() {
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
            assert_eq!(UNRESERVED[b as usize], expected, "{b:#x}");
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
        let (mut q, mut t) = (String::new(), String::new());
        encode_both(s, &mut q, &mut t);
        assert_eq!(q, percent_encode(s));
        assert_eq!(t, percent_encode(&percent_encode(s)));
    }
}

//! The PKs `bidcert audit` reads from its input (`bidcert_cli::audit_input_pks`). Input: a
//! flags byte (bit 0: `--column` is given), then `column NUL bytes` (the column field only
//! when given).

use bidcert_cli::audit_input_pks;

use crate::input::Reader;

/// One input.
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let named = r.u8() & 1 != 0;
    let rest = r.rest();
    let (column, bytes) = if named {
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        let column = String::from_utf8_lossy(&rest[..end]).into_owned();
        (Some(column), rest.get(end + 1..).unwrap_or_default())
    } else {
        (None, rest)
    };
    let result = audit_input_pks(bytes, column.as_deref());
    assert_eq!(
        result,
        audit_input_pks(bytes, column.as_deref()),
        "not deterministic"
    );
    match result {
        Ok(pks) => {
            assert!(!pks.is_empty(), "an empty list is an error");
            for pk in &pks {
                assert!(!pk.is_empty(), "an empty PK");
                assert_eq!(pk.trim_matches(|c: char| c.is_ascii_whitespace()), pk);
            }
            // A plain list: one PK per line, comments left out.
            let text = String::from_utf8_lossy(bytes);
            let plain = column.is_none()
                && text
                    .trim_start_matches('\u{feff}')
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty())
                    .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
            if plain {
                for pk in &pks {
                    assert!(!pk.contains('\n') && !pk.starts_with('#'), "{pk:?}");
                }
            }
        }
        Err(why) => assert!(!why.is_empty()),
    }
}

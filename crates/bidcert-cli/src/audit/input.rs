//! Reading the PKs to audit: one per line, or a CSV column.

use std::io::Read;
use std::path::Path;

use crate::failure::CliError;

/// The PKs in the input, in order, duplicates included; and where they came from.
#[derive(Debug)]
pub(crate) struct Input {
    pub(crate) pks: Vec<String>,
    pub(crate) source: String,
}

/// Reads `path` (`None` or `-`: stdin). With `column`, or when the first line is not a PK,
/// the input is CSV with a header row and the PKs are in `column` (default `pk`).
pub(crate) fn read(path: Option<&Path>, column: Option<&str>) -> Result<Input, CliError> {
    let (bytes, source) = match path {
        Some(p) if p != Path::new("-") => {
            let bytes = std::fs::read(p)
                .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", p.display())))?;
            (bytes, p.display().to_string())
        }
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::Usage(format!("cannot read stdin: {e}")))?;
            (bytes, "stdin".to_owned())
        }
    };
    let pks = parse(&bytes, &source, column)?;
    Ok(Input { pks, source })
}

/// The PKs in `bytes`, read as [`read`] does; `source` names the input in errors.
pub(crate) fn parse(
    bytes: &[u8],
    source: &str,
    column: Option<&str>,
) -> Result<Vec<String>, CliError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes
        .split(|&b| b == b'\n')
        .map(|l| String::from_utf8_lossy(l).trim().to_owned())
        .find(|l| !l.is_empty());
    let Some(first) = first else {
        return Err(CliError::Usage(format!(
            "{source} is empty: no PKs to audit"
        )));
    };
    let is_pk = !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit());
    let pks = if column.is_some() || !is_pk {
        read_csv(bytes, column.unwrap_or("pk"), source, column.is_none())?
    } else {
        read_lines(bytes, source)?
    };
    if pks.is_empty() {
        return Err(CliError::Usage(format!("{source} has no PKs to audit")));
    }
    Ok(pks)
}

fn read_lines(bytes: &[u8], source: &str) -> Result<Vec<String>, CliError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| CliError::Usage(format!("{source} is not UTF-8 text: {e}")))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

fn read_csv(
    bytes: &[u8],
    column: &str,
    source: &str,
    guessed: bool,
) -> Result<Vec<String>, CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let malformed = |e: csv::Error| CliError::Usage(format!("{source}: malformed CSV: {e}"));
    let headers = reader.headers().map_err(malformed)?.clone();
    let Some(index) = headers.iter().position(|h| h.eq_ignore_ascii_case(column)) else {
        let columns: Vec<&str> = headers.iter().collect();
        let why = if guessed {
            " (read as CSV because its first line is not a PK; name the column with --column)"
        } else {
            ""
        };
        return Err(CliError::Usage(format!(
            "{source}: no column {column:?} in the header row [{}]{why}",
            columns.join(", ")
        )));
    };
    let mut pks = Vec::new();
    for record in reader.records() {
        let record = record.map_err(malformed)?;
        match record.get(index) {
            Some(pk) if !pk.is_empty() => pks.push(pk.to_owned()),
            _ => log::warn!(
                target: "bidcert_cli",
                "{source}: line {}: empty {column:?}; skipped",
                record.position().map_or(0, |p| p.line())
            ),
        }
    }
    Ok(pks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(text: &str, column: Option<&str>) -> Result<Vec<String>, CliError> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        read(Some(file.path()), column).map(|i| i.pks)
    }

    #[test]
    fn plain_lists_skip_blank_lines_and_comments() {
        assert_eq!(from("1\n\n# x\n 2 \r\n", None).unwrap(), ["1", "2"]);
    }

    #[test]
    fn csv_is_read_by_column_name_case_insensitively() {
        assert_eq!(from("name,PK\na,1\nb,2\n", None).unwrap(), ["1", "2"]);
        assert_eq!(from("id;x\n", Some("id")).unwrap_err().exit_status(), 2);
        assert_eq!(from("a,id\nx,7\n", Some("id")).unwrap(), ["7"]);
    }

    #[test]
    fn unequal_rows_and_missing_columns_are_usage_errors() {
        let e = from("pk,name\n1,a\n2\n", None).unwrap_err();
        assert!(e.message().contains("line: 3"), "{}", e.message());
        let e = from("name\nalice\n", None).unwrap_err();
        assert!(e.message().contains("no column \"pk\""), "{}", e.message());
        assert!(from("\n \n", None).unwrap_err().message().contains("empty"));
        assert!(from("pk\n", None).unwrap_err().message().contains("no PKs"));
    }
}

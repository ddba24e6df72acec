//! Audit rows: their one shape, writing them (JSONL or CSV), and reading back the PKs of an
//! earlier run's output so that a resumed audit skips them.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::cli::FormatArg;
use crate::failure::{self, CliError};

/// One PK's outcome. No personal data: a row holds the verification state, never name, phone
/// or certificate number.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) pk: String,
    pub(crate) is_certified: Option<bool>,
    pub(crate) account_cert_type: Option<String>,
    pub(crate) cert_type: Option<String>,
    pub(crate) error_code: Option<String>,
    pub(crate) error_message: Option<String>,
    pub(crate) request_id: Option<String>,
}

impl Row {
    /// The row of an answered query.
    pub(crate) fn answered(pk: &str, info: &bidcert::CertifiedInfo) -> Row {
        Row {
            pk: pk.to_owned(),
            is_certified: Some(info.is_certified()),
            account_cert_type: info.account_cert_type().map(|t| t.as_str().to_owned()),
            cert_type: info.cert_type().map(|t| t.name().to_owned()),
            error_code: None,
            error_message: None,
            request_id: info.request_id().map(str::to_owned),
        }
    }

    /// The row of a failed query: the error's code, message and request id.
    pub(crate) fn failed(pk: &str, e: &bidcert::Error) -> Row {
        Row {
            pk: pk.to_owned(),
            is_certified: None,
            account_cert_type: None,
            cert_type: None,
            error_code: Some(failure::code(e)),
            error_message: Some(failure::message(e)),
            request_id: e.request_id().map(str::to_owned),
        }
    }
}

/// The CSV header, in [`Row`]'s field order.
const CSV_HEADER: [&str; 7] = [
    "pk",
    "is_certified",
    "account_cert_type",
    "cert_type",
    "error_code",
    "error_message",
    "request_id",
];

/// Where rows go: stdout or an output file, each row flushed as soon as it is written so an
/// interrupted audit loses no finished row.
pub(crate) enum Sink {
    /// `line` is the buffer each row is serialized into, reused from row to row.
    Jsonl {
        out: Box<dyn Write>,
        line: Vec<u8>,
    },
    Csv(Box<csv::Writer<Box<dyn Write>>>),
}

impl Sink {
    /// A sink on `out`; `header` says whether a CSV header row is due (a new or empty file).
    fn new(format: FormatArg, out: Box<dyn Write>, header: bool) -> io::Result<Sink> {
        Ok(match format {
            FormatArg::Jsonl => Sink::Jsonl {
                out,
                line: Vec::new(),
            },
            FormatArg::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(out);
                if header {
                    w.write_record(CSV_HEADER)?;
                    w.flush()?;
                }
                Sink::Csv(Box::new(w))
            }
        })
    }

    pub(crate) fn stdout(format: FormatArg) -> io::Result<Sink> {
        Sink::new(format, Box::new(io::stdout()), true)
    }

    pub(crate) fn write(&mut self, row: &Row) -> io::Result<()> {
        match self {
            Sink::Jsonl { out, line } => {
                line.clear();
                serde_json::to_writer(&mut *line, row)?;
                line.push(b'\n');
                out.write_all(line)?;
                out.flush()
            }
            Sink::Csv(w) => {
                w.serialize(row).map_err(io::Error::other)?;
                w.flush()
            }
        }
    }
}

/// Whether a row's outcome is settled, so a resumed audit skips its PK: a result, or an
/// error about that PK itself (`Bid Mismatch`, `Invalid PK`, `Empty PK`, a malformed PK).
/// Anything else (network, throttling, a server failure, wrong credentials) is audited again.
pub(crate) fn is_settled(error_code: Option<&str>) -> bool {
    use bidcert::ApiErrorKind as K;
    match error_code {
        None | Some("") | Some("bidcert.validation") => true,
        Some(code) => matches!(
            K::from_code(code),
            K::BidMismatch | K::InvalidPk | K::EmptyPk
        ),
    }
}

/// What an earlier run's output holds.
pub(crate) struct Resumed {
    /// PKs with a settled row, skipped, and whether that row is a failure.
    pub(crate) done: HashMap<String, bool>,
    /// Rows dropped because their outcome was not settled: those PKs are audited again.
    pub(crate) requeued: usize,
    /// Appends after the rows kept.
    pub(crate) sink: Sink,
}

/// Opens `path` for appending after the settled rows of an earlier run.
///
/// Rows whose outcome is not [settled](is_settled) are removed (the file is rewritten without
/// them), so every PK keeps one row. An incomplete last line (the previous run was killed
/// mid-write) is dropped too. A file that is not an audit's output in `format` is refused.
pub(crate) fn resume(path: &Path, format: FormatArg) -> Result<Resumed, CliError> {
    let show = path.display().to_string();
    let cannot = |what: &str, e: io::Error| CliError::Failed(format!("cannot {what} {show}: {e}"));
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(cannot("read", e)),
    };
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if complete < bytes.len() {
        log::warn!(
            target: "bidcert_cli",
            "{show}: dropping an incomplete last row ({} bytes); its PK is audited again",
            bytes.len() - complete
        );
    }
    let (kept, requeued) = match format {
        FormatArg::Jsonl => jsonl_rows(&bytes[..complete], &show)?,
        FormatArg::Csv => csv_rows(&bytes[..complete], &show)?,
    };
    let done = kept
        .iter()
        .map(|k| (k.pk.clone(), k.failed))
        .collect::<HashMap<_, _>>();
    if complete < bytes.len() || requeued > 0 {
        // Rewrite beside it, then rename: a crash now leaves the old file or the new one.
        let tmp = path.with_extension("bidcert-resume.tmp");
        let mut text = Vec::new();
        if format == FormatArg::Csv && !kept.is_empty() {
            text.extend_from_slice(CSV_HEADER.join(",").as_bytes());
            text.push(b'\n');
        }
        for k in &kept {
            text.extend_from_slice(&k.line);
        }
        std::fs::write(&tmp, &text).map_err(|e| cannot("rewrite", e))?;
        std::fs::rename(&tmp, path).map_err(|e| cannot("rewrite", e))?;
    }
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| cannot("open", e))?;
    let empty = file.metadata().map_err(|e| cannot("read", e))?.len() == 0;
    let out: Box<dyn Write> = Box::new(file);
    let sink = Sink::new(format, out, empty).map_err(|e| cannot("write", e))?;
    Ok(Resumed {
        done,
        requeued,
        sink,
    })
}

/// A settled row of an earlier run.
struct KeptRow {
    pk: String,
    failed: bool,
    /// The row as written, newline included.
    line: Vec<u8>,
}

/// The settled rows, and how many were not settled.
type Kept = (Vec<KeptRow>, usize);

fn jsonl_rows(bytes: &[u8], show: &str) -> Result<Kept, CliError> {
    let mut kept = Vec::new();
    let mut requeued = 0;
    for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value = serde_json::from_slice::<serde_json::Value>(line).ok();
        let pk = value
            .as_ref()
            .and_then(|v| v.get("pk").and_then(|p| p.as_str()).map(str::to_owned));
        let Some(pk) = pk else {
            return Err(CliError::Usage(format!(
                "{show}: line {} is not a JSONL audit row, so the file cannot be resumed \
                 (a CSV file? add --format csv; otherwise choose another --output)",
                i + 1
            )));
        };
        let code = value
            .as_ref()
            .and_then(|v| v.get("error_code").and_then(|c| c.as_str()));
        if is_settled(code) {
            let failed = code.is_some_and(|c| !c.is_empty());
            kept.push(KeptRow {
                pk,
                failed,
                line: line.to_vec(),
            });
        } else {
            requeued += 1;
        }
    }
    Ok((kept, requeued))
}

fn csv_rows(bytes: &[u8], show: &str) -> Result<Kept, CliError> {
    let mut kept = Vec::new();
    let mut requeued = 0;
    if bytes.is_empty() {
        return Ok((kept, requeued));
    }
    let not_ours = |why: String| {
        CliError::Usage(format!(
            "{show}: {why}, so the file cannot be resumed (choose another --output)"
        ))
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| not_ours(format!("malformed CSV: {e}")))?
        .clone();
    if !headers.iter().eq(CSV_HEADER) {
        return Err(not_ours(
            "its header row is not an audit's (a JSONL file? drop --format csv)".to_owned(),
        ));
    }
    for record in reader.records() {
        let record = record.map_err(|e| not_ours(format!("malformed CSV: {e}")))?;
        let pk = record.get(0).unwrap_or("").to_owned();
        if is_settled(record.get(4)) {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            w.write_record(&record)
                .map_err(|e| not_ours(format!("malformed CSV: {e}")))?;
            let line = w
                .into_inner()
                .map_err(|e| not_ours(format!("malformed CSV: {e}")))?;
            let failed = record.get(4).is_some_and(|c| !c.is_empty());
            kept.push(KeptRow { pk, failed, line });
        } else {
            requeued += 1;
        }
    }
    Ok((kept, requeued))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pk: &str) -> Row {
        Row {
            pk: pk.into(),
            is_certified: Some(true),
            account_cert_type: Some("personal".into()),
            cert_type: Some("ID".into()),
            error_code: None,
            error_message: None,
            request_id: Some("r".into()),
        }
    }

    fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
        let s = std::fs::read_to_string(path).unwrap();
        s.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// A path in a fresh directory, removed with the returned guard.
    fn temp(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        (dir, p)
    }

    #[test]
    fn resuming_jsonl_cuts_an_incomplete_last_line() {
        let (_dir, p) = temp("cut.jsonl");
        std::fs::write(&p, "{\"pk\":\"1\"}\n{\"pk\":\"2\"").unwrap();
        let mut r = resume(&p, FormatArg::Jsonl).unwrap();
        assert_eq!(r.done, HashMap::from([("1".to_owned(), false)]));
        r.sink.write(&row("2")).unwrap();
        drop(r);
        let rows = read_jsonl(&p);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1]["pk"], "2");
    }

    #[test]
    fn resuming_csv_writes_the_header_once() {
        let (_dir, p) = temp("once.csv");
        for pk in ["1", "2"] {
            resume(&p, FormatArg::Csv)
                .unwrap()
                .sink
                .write(&row(pk))
                .unwrap();
        }
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.matches("pk,is_certified").count(), 1, "{text}");
        assert_eq!(resume(&p, FormatArg::Csv).unwrap().done.len(), 2);
    }

    #[test]
    fn unsettled_rows_are_dropped_and_their_pks_audited_again() {
        for format in [FormatArg::Jsonl, FormatArg::Csv] {
            let (_dir, p) = temp(&format!("requeue.{format:?}"));
            let mut sink = resume(&p, format).unwrap().sink;
            let mut failed = row("2");
            failed.error_code = Some("bidcert.timeout".into());
            let mut mismatch = row("3");
            mismatch.error_code = Some("Bid Mismatch".into());
            for r in [row("1"), failed, mismatch] {
                sink.write(&r).unwrap();
            }
            drop(sink);
            let r = resume(&p, format).unwrap();
            assert_eq!(r.requeued, 1);
            assert_eq!(
                r.done,
                HashMap::from([("1".to_owned(), false), ("3".to_owned(), true)])
            );
            drop(r);
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(!text.contains("bidcert.timeout"), "{text}");
            assert_eq!(resume(&p, format).unwrap().requeued, 0);
        }
    }

    #[test]
    fn a_file_of_the_other_format_is_refused() {
        let (_dir, p) = temp("other.csv");
        std::fs::write(&p, "{\"pk\":\"1\"}\n").unwrap();
        assert_eq!(resume(&p, FormatArg::Csv).err().unwrap().exit_status(), 2);
        std::fs::write(&p, "pk,is_certified\n1,true\n").unwrap();
        assert_eq!(resume(&p, FormatArg::Jsonl).err().unwrap().exit_status(), 2);
    }
}

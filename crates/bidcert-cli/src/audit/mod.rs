//! `bidcert audit`: the verification state of many customers.
//!
//! A fixed pool of worker threads shares one client (one connection pool) and one rate limit;
//! the main thread writes each row as it arrives, so an interrupted audit loses no finished
//! row and resumes from its output file.

pub(crate) mod input;
mod output;
mod rate;

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bidcert::{ApiErrorKind, BidType, Client, QueryCertifiedInfo};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::cli::AuditArgs;
use crate::context::Context;
use crate::failure::{self, CliError, EXIT_FAILED, EXIT_OK};
use output::{Row, Sink};
use rate::RateLimit;

/// One PK's outcome, as a worker hands it to the writer.
struct Outcome {
    row: Row,
    /// An error every further request would get too (wrong credentials, a skewed clock).
    fatal: Option<String>,
}

/// Whether an error says nothing about the PK but about the caller, so that every request
/// would fail the same way.
fn is_fatal(e: &bidcert::Error) -> bool {
    match e {
        bidcert::Error::Credentials(_) => true,
        _ => matches!(
            e.api_error().map(bidcert::ApiError::kind),
            Some(
                ApiErrorKind::AccessKeyNotFound
                    | ApiErrorKind::SignatureMismatch
                    | ApiErrorKind::NotBid
                    | ApiErrorKind::ApiNotFound
                    | ApiErrorKind::Timestamp
            )
        ),
    }
}

fn audit_one(client: &Client, limit: Option<&RateLimit>, pk: &str, bid_type: BidType) -> Outcome {
    let result = QueryCertifiedInfo::new(pk, bid_type)
        .map_err(bidcert::Error::from)
        .and_then(|op| {
            if let Some(limit) = limit {
                limit.wait();
            }
            client.query_certified_info(&op)
        });
    match result {
        Ok(info) => Outcome {
            row: Row::answered(pk, &info),
            fatal: None,
        },
        Err(e) => Outcome {
            row: Row::failed(pk, &e),
            fatal: is_fatal(&e).then(|| failure::describe(&e)),
        },
    }
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    certified: usize,
    not_certified: usize,
    failed: usize,
    skipped: usize,
    /// Skipped because an earlier run's row for them is a failure.
    failed_before: usize,
    requeued: usize,
}

fn progress_bar(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {per_sec} ETA {eta}",
    ) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

pub(crate) fn run(ctx: &mut Context, args: &AuditArgs) -> Result<i32, CliError> {
    let input = input::read(args.input.as_deref(), args.column.as_deref())?;
    let client = ctx.client()?;
    let (done, requeued, mut sink) = match &args.output {
        Some(path) => {
            let r = output::resume(path, args.format)?;
            (r.done, r.requeued, r.sink)
        }
        None => (
            HashMap::new(),
            0,
            Sink::stdout(args.format)
                .map_err(|e| CliError::Failed(format!("cannot write to stdout: {e}")))?,
        ),
    };
    let mut counts = Counts {
        total: input.pks.len(),
        requeued,
        ..Counts::default()
    };
    let mut seen = HashSet::new();
    let mut todo: Vec<&str> = Vec::new();
    for pk in &input.pks {
        if !seen.insert(pk.as_str()) {
            continue;
        }
        match done.get(pk.as_str()) {
            Some(true) => counts.failed_before += 1,
            Some(false) => {}
            None => todo.push(pk),
        }
    }
    counts.skipped = counts.total - todo.len();
    log::debug!(
        target: "bidcert_cli",
        "audit of {}: {} PKs, {} to do, concurrency {}, qps {:?}",
        input.source,
        counts.total,
        todo.len(),
        args.concurrency,
        args.qps
    );

    let limit = args.qps.map(RateLimit::per_second);
    let bid_type = args.bid_type;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let bar = progress_bar(todo.len());
    let started = Instant::now();
    let mut fatal: Option<String> = None;
    let mut write_error: Option<std::io::Error> = None;

    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Outcome>();
        let workers = (args.concurrency as usize).min(todo.len()).max(1);
        for _ in 0..workers {
            let tx = tx.clone();
            let (client, todo, next, stop, limit) = (&client, &todo, &next, &stop, limit.as_ref());
            scope.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(pk) = todo.get(i) else { break };
                let outcome = audit_one(client, limit, pk, bid_type);
                if outcome.fatal.is_some() {
                    stop.store(true, Ordering::Relaxed);
                }
                if tx.send(outcome).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for outcome in rx {
            match (&outcome.row.error_code, outcome.row.is_certified) {
                (Some(_), _) => counts.failed += 1,
                (None, Some(true)) => counts.certified += 1,
                _ => counts.not_certified += 1,
            }
            if fatal.is_none() {
                fatal = outcome.fatal;
            }
            if let Err(e) = sink.write(&outcome.row) {
                stop.store(true, Ordering::Relaxed);
                write_error = Some(e);
                break;
            }
            bar.inc(1);
        }
    });
    bar.finish_and_clear();

    let elapsed = started.elapsed().as_secs_f64();
    let audited = counts.certified + counts.not_certified + counts.failed;
    let not_reached = todo.len() - audited;
    let rate = if elapsed > 0.0 {
        audited as f64 / elapsed
    } else {
        0.0
    };
    if ctx.global.json {
        eprintln!(
            "{}",
            json!({
                "total": counts.total,
                "certified": counts.certified,
                "not_certified": counts.not_certified,
                "failed": counts.failed,
                "skipped": counts.skipped,
                "failed_before": counts.failed_before,
                "requeued": counts.requeued,
                "not_reached": not_reached,
                "elapsed_seconds": (elapsed * 1000.0).round() / 1000.0,
                "pks_per_second": rate.round(),
            })
        );
    } else {
        let mut skipped = format!("{} skipped", counts.skipped);
        if counts.failed_before > 0 {
            skipped.push_str(&format!(
                " ({} of them failed in an earlier run)",
                counts.failed_before
            ));
        }
        let mut line = format!(
            "bidcert: audit of {}: {} PKs: {} certified, {} not certified, {} failed, {skipped}; \
             {} audited in {:.2} s ({:.0} PKs/s)",
            input.source,
            counts.total,
            counts.certified,
            counts.not_certified,
            counts.failed,
            audited,
            elapsed,
            rate
        );
        if counts.requeued > 0 {
            line.push_str(&format!(
                "; {} PKs whose earlier rows failed retryably were audited again",
                counts.requeued
            ));
        }
        if not_reached > 0 {
            line.push_str(&format!("; {not_reached} not reached"));
        }
        eprintln!("{line}");
    }
    if let Some(e) = write_error {
        // Every row counted was written but the last one.
        let written = audited - 1;
        let to = args
            .output
            .as_ref()
            .map_or("stdout".to_owned(), |p| p.display().to_string());
        return Err(CliError::Failed(format!(
            "cannot write rows to {to}: {e} ({written} rows written)"
        )));
    }
    if let Some(why) = fatal {
        let again = if args.output.is_some() {
            "; fix it and run the same command again to resume"
        } else {
            ""
        };
        return Err(CliError::Failed(format!(
            "audit stopped: every request would fail like this: {why}{again}"
        )));
    }
    // The audit's outcome, earlier runs included: a failed row in the file is still a failure.
    Ok(if counts.failed + counts.failed_before > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

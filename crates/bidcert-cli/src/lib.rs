//! The `bidcert` command as a library: [`run`] is the whole command, so the binary and the
//! Python console script run one implementation; [`run_emulator`] is the `bidcert-emulator`
//! command, the same runner as `bidcert emulator`.
//!
//! ```no_run
//! let status = bidcert_cli::run(vec!["bidcert".into(), "demo".into()]);
//! assert_eq!(status, 0);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod audit;
mod cli;
mod cmd;
mod context;
mod failure;
mod render;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command, EmulatorCli};
use crate::context::Context;
use crate::failure::CliError;

/// Runs the `bidcert` command with `args` (`args[0]` is the program name) and returns its exit
/// status: 0 success, 1 a call or an audit row failed, 2 a usage or input error. Output goes
/// to stdout and stderr; nothing exits the process.
pub fn run(args: Vec<String>) -> i32 {
    run_with_logger(args, |logger, level| {
        // Another `run` in the same process keeps the first logger.
        if log::set_boxed_logger(logger).is_ok() {
            log::set_max_level(level);
        }
    })
}

/// Runs the `bidcert` command as [`run`] does, but hands its stderr logger (and the level it
/// lets through) to `install` instead of making it the process's logger: for a host that owns
/// the process's logger already (the Python module routes records to Python's `logging`) and
/// installs this one for the duration of the command, so that `-v` logs the same everywhere.
/// `install` is called once, after the arguments are parsed and before the command runs.
pub fn run_with_logger(
    args: Vec<String>,
    install: impl FnOnce(Box<dyn log::Log>, log::LevelFilter),
) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version land here too, with status 0.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let Cli { global, command } = cli;
    let logger = stderr_logger(global.verbose);
    let level = logger.filter();
    install(Box::new(logger), level);
    let json = global.json;
    let mut ctx = Context::new(global);
    match dispatch(&mut ctx, &command) {
        Ok(status) => status,
        Err(e) => {
            if json {
                render::print_json(&e.to_json());
            }
            eprintln!("bidcert: {}", e.message());
            e.exit_status()
        }
    }
}

/// Runs the `bidcert-emulator` command with `args` (`args[0]` is the program name) until
/// Ctrl-C or SIGTERM, and returns its exit status: 0 after a clean stop, 1 when it could not
/// start or write, 2 for a usage error or a fixture that cannot be used. It takes the options
/// of `bidcert emulator`.
///
/// ```no_run
/// let status = bidcert_cli::run_emulator(vec!["bidcert-emulator".into(), "--tls".into()]);
/// assert_eq!(status, 0);
/// ```
pub fn run_emulator(args: Vec<String>) -> i32 {
    const PROGRAM: &str = "bidcert-emulator";
    let cli = match EmulatorCli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    match cmd::emulator::run(PROGRAM, &cli.args) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("{PROGRAM}: {}", e.message());
            e.exit_status()
        }
    }
}

/// The PKs `bidcert audit` reads from an input file's bytes (with `--column`, or `None`), or
/// the usage error it reports. The fuzz target's entry; not a stable API.
#[doc(hidden)]
pub fn audit_input_pks(bytes: &[u8], column: Option<&str>) -> Result<Vec<String>, String> {
    audit::input::parse(bytes, "input", column).map_err(|e| e.message())
}

fn dispatch(ctx: &mut Context, command: &Command) -> Result<i32, CliError> {
    let json = ctx.global.json;
    match command {
        Command::Query(a) => cmd::query::run(ctx, a),
        Command::CertUrl(a) => cmd::cert_url::run(ctx, a),
        Command::Audit(a) => audit::run(ctx, a),
        Command::Sign(a) => cmd::sign::run(json, a),
        Command::Diagnose(a) => cmd::diagnose::run(json, a),
        Command::Credentials => cmd::credentials::run(ctx),
        Command::Emulator(a) => cmd::emulator::run("bidcert", a),
        Command::Demo => cmd::demo::run(json),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(*shell, &mut command, "bidcert", &mut std::io::stdout());
            Ok(failure::EXIT_OK)
        }
    }
}

/// Log records of our crates on stderr: warnings by default, each request with `-v`, more
/// with `-vv`. Records carry actions, hosts, statuses and request ids, never secrets or bodies.
fn stderr_logger(verbose: u8) -> env_logger::Logger {
    let level = match verbose {
        0 => log::LevelFilter::Warn,
        1 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    // `bidcert` also covers `bidcert_cli` and `bidcert_emulator` (a prefix match).
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Off)
        .filter_module("bidcert", level)
        .target(env_logger::Target::Stderr)
        .format_target(true)
        .build()
}

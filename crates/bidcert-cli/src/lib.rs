//! The `bidcert` command as a library: [`run`] is the whole command, so the binary and the
//! Python console script run one implementation.
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

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::failure::CliError;

/// Runs the `bidcert` command with `args` (`args[0]` is the program name) and returns its exit
/// status: 0 success, 1 a call or an audit row failed, 2 a usage or input error. Output goes
/// to stdout and stderr; nothing exits the process.
pub fn run(args: Vec<String>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version land here too, with status 0.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let Cli { global, command } = cli;
    init_logging(global.verbose);
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

fn dispatch(ctx: &mut Context, command: &Command) -> Result<i32, CliError> {
    let json = ctx.global.json;
    match command {
        Command::Query(a) => cmd::query::run(ctx, a),
        Command::CertUrl(a) => cmd::cert_url::run(ctx, a),
        Command::Audit(a) => audit::run(ctx, a),
        Command::Sign(a) => cmd::sign::run(json, a),
        Command::Diagnose(a) => cmd::diagnose::run(json, a),
        Command::Emulator(a) => cmd::emulator::run(a),
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
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => log::LevelFilter::Warn,
        1 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    // `bidcert` also covers `bidcert_cli` and `bidcert_emulator` (a prefix match). Another
    // `run` in the same process (the Python module) keeps the first logger.
    let _ = env_logger::Builder::new()
        .filter_level(log::LevelFilter::Off)
        .filter_module("bidcert", level)
        .target(env_logger::Target::Stderr)
        .format_target(true)
        .try_init();
}

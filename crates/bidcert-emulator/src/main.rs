//! `bidcert-emulator`: serves the emulator until Ctrl-C (SIGINT) or SIGTERM.
//!
//! The first line on stdout is `{"url": "http://127.0.0.1:PORT"}`; nothing else is printed
//! there, and no secret is printed anywhere (except by `--dump-fixture`, which is for that).

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use bidcert_emulator::{Emulator, Fixture};
use clap::Parser;

/// A local emulator of Alibaba Cloud's reseller identity-verification endpoints
/// (QueryBidUserCertifiedInfo and GenerateAliyunBidCertWaysUrl) on one loopback port.
#[derive(Parser, Debug)]
#[command(name = "bidcert-emulator", version)]
struct Args {
    /// Port to listen on (0: an ephemeral port, printed on the first line).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Loopback address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Fixture JSON file (default: the built-in demo fixture).
    #[arg(long, value_name = "FILE")]
    fixture: Option<PathBuf>,
    /// Print the built-in demo fixture (credentials included) as JSON and exit.
    #[arg(long)]
    dump_fixture: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.dump_fixture {
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = writeln!(std::io::stdout(), "{}", Fixture::demo().to_json_pretty());
        return ExitCode::SUCCESS;
    }
    let fixture = match &args.fixture {
        None => Fixture::demo(),
        Some(path) => match Fixture::from_file(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("bidcert-emulator: fixture {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
    };
    let emulator = match Emulator::builder()
        .fixture(fixture)
        .bind(args.bind)
        .port(args.port)
        .start()
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("bidcert-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let url = serde_json::Value::from(emulator.base_url());
    if writeln!(out, "{{\"url\": {url}}}")
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(out);
    eprintln!(
        "bidcert-emulator: serving {} (admin API under {}/_emulator/); Ctrl-C to stop",
        emulator.base_url(),
        emulator.base_url()
    );
    let waited = bidcert_emulator::wait_for_shutdown_signal();
    emulator.shutdown();
    match waited {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bidcert-emulator: cannot wait for signals: {e}");
            ExitCode::FAILURE
        }
    }
}

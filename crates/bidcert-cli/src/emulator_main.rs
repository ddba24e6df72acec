//! The `bidcert-emulator` binary: a thin shell over [`bidcert_cli::run_emulator`].

fn main() {
    std::process::exit(bidcert_cli::run_emulator(std::env::args().collect()));
}

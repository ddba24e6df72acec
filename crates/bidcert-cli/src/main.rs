//! The `bidcert` binary: a thin shell over [`bidcert_cli::run`].

fn main() {
    std::process::exit(bidcert_cli::run(std::env::args().collect()));
}

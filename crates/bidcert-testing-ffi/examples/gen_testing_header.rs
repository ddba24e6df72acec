//! Generates `include/bidcert_testing.h` from this crate with the pinned cbindgen.
//!
//! `cargo run -p bidcert-testing-ffi --example gen_testing_header -- OUT.h` writes the header to
//! `OUT.h` (`make header-check` writes to a temporary file and diffs it with the committed one).

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("../../include/bidcert_testing.h"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable");
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
        .expect("the crate's sources parse")
        .write_to_file(&out);
    eprintln!("wrote {}", out.display());
}

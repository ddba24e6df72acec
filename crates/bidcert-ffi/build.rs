//! Gives `libbidcert.so` its SONAME, so programs linked against it record `libbidcert.so.0`
//! (the ABI's major version) rather than the bare file name.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libbidcert.so.0");
    }
}

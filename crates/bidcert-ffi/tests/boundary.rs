//! Every export runs inside the panic boundary: its body starts with one of the boundary
//! macros, so a panic never unwinds into C.

use std::fs;
use std::path::Path;

const BOUNDARIES: &[&str] = &["ffi_status!(", "ffi_void!(", "ffi_value!("];

#[test]
fn every_export_is_wrapped_in_the_panic_boundary() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut exports = 0;
    let mut unwrapped = Vec::new();
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices("extern \"C\" fn ") {
            let rest = &text[at..];
            let name: String = rest["extern \"C\" fn ".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // The body starts after the signature's opening brace.
            let body_start = rest.find("{\n").expect("a body");
            let body = rest[body_start + 1..].trim_start();
            exports += 1;
            if !BOUNDARIES.iter().any(|b| body.starts_with(b)) {
                unwrapped.push(format!("{}: {name}", path.display()));
            }
        }
    }
    assert!(exports > 80, "found only {exports} exports");
    assert!(
        unwrapped.is_empty(),
        "exports without the panic boundary: {unwrapped:#?}"
    );
}

#[test]
fn every_export_is_in_the_committed_header() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let header = fs::read_to_string(root.join("include/bidcert.h")).unwrap();
    for entry in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        for (at, _) in text.match_indices("extern \"C\" fn ") {
            let name: String = text[at + "extern \"C\" fn ".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            assert!(
                header.contains(&format!("{name}(")),
                "{name} is missing from include/bidcert.h: run `make header`"
            );
        }
    }
}

//! Printing results: aligned `label  value` lines for people, one JSON object for programs.

use std::io::Write;

use bidcert::{CertWaysUrl, CertifiedInfo};
use serde_json::{json, Value};

/// Prints `value` as one line of JSON on stdout. A closed stdout (`| head`) is not an error
/// worth reporting.
pub(crate) fn print_json(value: &Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
}

/// Prints `label  value` lines with the values aligned.
pub(crate) fn print_fields(fields: &[(&str, String)]) {
    print_fields_indented("", fields);
}

/// Prints `label  value` lines with the values aligned, each line after `indent`.
pub(crate) fn print_fields_indented(indent: &str, fields: &[(&str, String)]) {
    let width = fields.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for (label, value) in fields {
        let _ = writeln!(out, "{indent}{label:<width$}  {value}");
    }
}

/// Prints a line on stdout.
pub(crate) fn print_line(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// A query result as JSON (stable keys; absent values are `null`).
pub(crate) fn certified_info_json(pk: &str, info: &CertifiedInfo, reveal: bool) -> Value {
    json!({
        "pk": pk,
        "is_certified": info.is_certified(),
        "account_cert_type": info.account_cert_type().map(|t| t.as_str()),
        "cert_type": info.cert_type().map(|t| t.name()),
        "cert_type_code": info.cert_type().map(|t| t.code()),
        "name": bidcert::mask_unless(info.name(), reveal),
        "phone": bidcert::mask_unless(info.phone(), reveal),
        "cert_number": bidcert::mask_unless(info.cert_number(), reveal),
        "masked": !reveal,
        "request_id": info.request_id(),
    })
}

/// A query result as `label  value` lines.
pub(crate) fn certified_info_fields(
    pk: &str,
    info: &CertifiedInfo,
    reveal: bool,
) -> Vec<(&'static str, String)> {
    let mut fields = vec![("PK", pk.to_owned())];
    let certified = match (info.is_certified(), info.account_cert_type()) {
        (true, Some(t)) => format!("yes ({t})"),
        (true, None) => "yes".to_owned(),
        (false, _) => "no".to_owned(),
    };
    fields.push(("certified", certified));
    if let Some(name) = bidcert::mask_unless(info.name(), reveal) {
        fields.push(("name", name));
    }
    if let Some(phone) = bidcert::mask_unless(info.phone(), reveal) {
        fields.push(("phone", phone));
    }
    if let Some(t) = info.cert_type() {
        fields.push(("cert type", format!("{} ({})", t.name(), t.code())));
    }
    if let Some(n) = bidcert::mask_unless(info.cert_number(), reveal) {
        fields.push(("cert number", n));
    }
    fields.push(("RequestId", info.request_id().unwrap_or("-").to_owned()));
    fields
}

/// Whether the result holds any personal data (to say it was masked).
pub(crate) fn has_pii(info: &CertifiedInfo) -> bool {
    info.name().is_some() || info.phone().is_some() || info.cert_number().is_some()
}

/// A link as JSON (stable keys).
pub(crate) fn cert_ways_url_json(pk: &str, link: &CertWaysUrl) -> Value {
    json!({
        "pk": pk,
        "url": link.url(),
        "issued_at": link.issued_at().as_str(),
        "expires_at": link.expires_at().as_str(),
        "origin": link.origin(),
        "request_id": link.request_id(),
    })
}

/// A link as `label  value` lines.
pub(crate) fn cert_ways_url_fields(pk: &str, link: &CertWaysUrl) -> Vec<(&'static str, String)> {
    vec![
        ("PK", pk.to_owned()),
        ("url", link.url().to_owned()),
        ("issued at", link.issued_at().as_str().to_owned()),
        (
            "expires at",
            format!("{} (valid 3 hours)", link.expires_at().as_str()),
        ),
        ("origin", link.origin().to_owned()),
        ("RequestId", link.request_id().unwrap_or("-").to_owned()),
    ]
}

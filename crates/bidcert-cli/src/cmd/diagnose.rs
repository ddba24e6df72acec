//! `bidcert diagnose`: why the server computed another signature.

use bidcert::diagnose_signature_mismatch;

use crate::cli::DiagnoseArgs;
use crate::failure::{CliError, EXIT_FAILED, EXIT_OK};
use crate::render;

pub(crate) fn run(json: bool, args: &DiagnoseArgs) -> Result<i32, CliError> {
    let d = diagnose_signature_mismatch(&args.message, &args.string_to_sign);
    let status = if d.server_string_to_sign().is_some() {
        EXIT_OK
    } else {
        EXIT_FAILED
    };
    if json {
        let mut out = d.to_json();
        out["our_string_to_sign"] = args.string_to_sign.trim().into();
        render::print_json(&out);
        return Ok(status);
    }
    let Some(server) = d.server_string_to_sign() else {
        return Err(CliError::Failed(format!(
            "{d} (the message should contain `{}`)",
            bidcert::SERVER_STRING_MARKER
        )));
    };
    let mut fields = vec![
        ("server string to sign", server.to_owned()),
        ("our string to sign", args.string_to_sign.trim().to_owned()),
    ];
    if d.is_identical() {
        fields.push(("verdict", d.to_string()));
    } else {
        for diff in d.differences() {
            fields.push(("difference", diff.to_string()));
        }
    }
    render::print_fields(&fields);
    Ok(status)
}

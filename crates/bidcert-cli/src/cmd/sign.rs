//! `bidcert sign`: the string to sign and the signature of a parameter set. The secret comes
//! from an environment variable, never the command line (where `ps` and shell history see it).

use bidcert::{canonicalized_query, signature, string_to_sign};
use serde_json::json;

use crate::cli::SignArgs;
use crate::failure::{CliError, EXIT_OK};
use crate::render;

pub(crate) fn run(json: bool, args: &SignArgs) -> Result<i32, CliError> {
    let secret = std::env::var(&args.secret_env)
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            CliError::Usage(format!(
                "the environment variable {} holding the AccessKey secret is not set (the \
                 secret is never taken from the command line; choose the variable with \
                 --secret-env)",
                args.secret_env
            ))
        })?;
    let method = args.method;
    let query = canonicalized_query(&args.params)?;
    let sts = string_to_sign(method, &args.params)?;
    let sig = signature(method, &args.params, &secret)?;
    if json {
        render::print_json(&json!({
            "method": method.as_str(),
            "canonicalized_query": query,
            "string_to_sign": sts,
            "signature": sig,
        }));
    } else {
        render::print_fields(&[
            ("canonicalized query", query),
            ("string to sign", sts),
            ("signature", sig),
        ]);
    }
    Ok(EXIT_OK)
}

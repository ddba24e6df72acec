//! `bidcert credentials`: which credentials the chain finds, where, of what kind, until when;
//! never the secret or a token.

use serde_json::json;

use crate::context::Context;
use crate::failure::{CliError, EXIT_OK};
use crate::render;

pub(crate) fn run(ctx: &mut Context) -> Result<i32, CliError> {
    let c = ctx.provider().credentials()?;
    let expiration = c.expiration().map(|e| e.to_string());
    if ctx.global.json {
        render::print_json(&json!({
            "source": c.source(),
            "kind": c.kind().as_str(),
            "access_key_id": c.credentials().access_key_id(),
            "expiration": expiration,
        }));
    } else {
        render::print_fields(&[
            ("source", format!("{} ({})", c.source(), c.detail())),
            ("kind", c.kind().as_str().to_owned()),
            ("AccessKeyId", c.credentials().access_key_id().to_owned()),
            (
                "expiration",
                expiration.unwrap_or_else(|| "none (long-term keys)".to_owned()),
            ),
        ]);
    }
    Ok(EXIT_OK)
}

//! `bidcert query PK`: a customer's verification state, personal data masked unless revealed.

use bidcert::QueryCertifiedInfo;

use crate::cli::QueryArgs;
use crate::context::Context;
use crate::failure::{CliError, EXIT_OK};
use crate::render;

pub(crate) fn run(ctx: &mut Context, args: &QueryArgs) -> Result<i32, CliError> {
    let op = QueryCertifiedInfo::new(&args.pk, args.bid_type)?;
    let client = ctx.client()?;
    let info = client.query_certified_info(&op)?;
    if ctx.global.json {
        render::print_json(&render::certified_info_json(&args.pk, &info, args.reveal));
    } else {
        render::print_fields(&render::certified_info_fields(&args.pk, &info, args.reveal));
        if !args.reveal && render::has_pii(&info) {
            eprintln!("bidcert: personal data masked; --reveal shows it");
        }
    }
    Ok(EXIT_OK)
}

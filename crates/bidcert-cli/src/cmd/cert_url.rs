//! `bidcert cert-url PK`: a one-time verification link and when it expires.

use bidcert::GenerateCertWaysUrl;

use crate::cli::CertUrlArgs;
use crate::context::Context;
use crate::failure::{CliError, EXIT_OK};
use crate::render;

pub(crate) fn run(ctx: &mut Context, args: &CertUrlArgs) -> Result<i32, CliError> {
    let op = GenerateCertWaysUrl::new(&args.pk, args.bid_type)?
        .with_platform(args.platform)
        .with_subject_type(args.subject_type)
        .with_open_app(args.open_app)
        .with_mobile(args.mobile);
    let client = ctx.client()?;
    let link = client.generate_cert_ways_url(&op)?;
    if ctx.global.json {
        render::print_json(&render::cert_ways_url_json(&args.pk, &link));
    } else {
        render::print_fields(&render::cert_ways_url_fields(&args.pk, &link));
    }
    Ok(EXIT_OK)
}

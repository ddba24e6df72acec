//! The emulator of both endpoints in the foreground, until Ctrl-C or SIGTERM: the one runner
//! behind `bidcert emulator` and the `bidcert-emulator` binary.
//!
//! The first stdout line is `{"url": ...}` (with `--tls`, also `"http_url"`; with
//! `--metadata`, also `"metadata_url"`), flushed; nothing
//! else goes to stdout, except the fixture `--dump-fixture` prints. No secret is printed
//! anywhere else.

use std::io::Write;

use bidcert_emulator::{demo, Emulator, EmulatorHandle, Fixture};
use serde_json::Value;

use crate::cli::EmulatorArgs;
use crate::context::start_emulator;
use crate::failure::{CliError, EXIT_OK};

/// Runs the emulator `args` describe; `program` names it in the status lines on stderr.
pub(crate) fn run(program: &str, args: &EmulatorArgs) -> Result<i32, CliError> {
    if args.dump_fixture {
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = writeln!(std::io::stdout(), "{}", Fixture::demo().to_json_pretty());
        return Ok(EXIT_OK);
    }
    let mut builder = Emulator::builder().bind(args.bind);
    // --port names the port of the URL printed first.
    builder = if args.tls {
        builder.tls(true).tls_port(args.port)
    } else {
        builder.port(args.port)
    };
    if args.metadata {
        builder = builder
            .metadata(true)
            .metadata_port(args.metadata_port)
            .require_imdsv2(args.require_imdsv2);
    }
    if let Some(path) = &args.fixture {
        let fixture = Fixture::from_file(path)
            .map_err(|e| CliError::Usage(format!("fixture {}: {e}", path.display())))?;
        builder = builder.fixture(fixture);
    }
    let emulator = start_emulator(builder)?;
    if let (Some(path), Some(pem)) = (&args.ca_out, emulator.ca_pem()) {
        std::fs::write(path, pem).map_err(|e| {
            CliError::Failed(format!("cannot write the CA to {}: {e}", path.display()))
        })?;
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", first_line(&emulator))
            .and_then(|()| out.flush())
            .map_err(|e| CliError::Failed(format!("cannot write to stdout: {e}")))?;
    }
    let base = emulator.base_url();
    match emulator.https_url() {
        Some(https) => eprintln!(
            "{program}: serving {https} and {base} (both endpoints; admin API under \
             {base}/_emulator/); Ctrl-C to stop"
        ),
        None => eprintln!(
            "{program}: serving {base} (both endpoints; admin API under {base}/_emulator/); \
             Ctrl-C to stop"
        ),
    }
    if let (Some(metadata), Some(uri)) = (emulator.metadata_url(), emulator.credentials_uri()) {
        eprintln!(
            "{program}: ECS metadata at {metadata} (IMDSv2 {}), credentials URI {uri}",
            if args.require_imdsv2 {
                "required"
            } else {
                "optional"
            }
        );
    }
    if args.fixture.is_none() {
        eprintln!(
            "{program}: demo fixture: sign as AccessKeyId {} (its secret is \
             bidcert_emulator::demo::NORMAL_ACCESS_KEY_SECRET), e.g. \
             bidcert --crm-endpoint {base} --aas-endpoint {base} query {}",
            demo::NORMAL_ACCESS_KEY_ID,
            demo::PERSONAL_PK
        );
    }
    let waited = bidcert_emulator::wait_for_shutdown_signal();
    emulator.shutdown();
    waited.map_err(|e| CliError::Failed(format!("cannot wait for signals: {e}")))?;
    Ok(EXIT_OK)
}

/// `{"url": "http://..."}`, or `{"url": "https://...", "http_url": "http://..."}` with TLS,
/// then `"metadata_url"` when it is served: the spacing of the documented line, values
/// escaped by serde_json.
fn first_line(emulator: &EmulatorHandle) -> String {
    let mut fields = match emulator.https_url() {
        Some(https) => vec![("url", https), ("http_url", emulator.base_url())],
        None => vec![("url", emulator.base_url())],
    };
    if let Some(metadata) = emulator.metadata_url() {
        fields.push(("metadata_url", metadata));
    }
    let fields: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("\"{k}\": {}", Value::from(v)))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

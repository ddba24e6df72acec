//! `bidcert emulator`: the emulator of both endpoints in the foreground, until Ctrl-C or
//! SIGTERM. The first stdout line is `{"url": ...}`; no secret is printed.

use std::io::Write;

use bidcert_emulator::{demo, Emulator, Fixture};

use crate::cli::EmulatorArgs;
use crate::context::start_emulator;
use crate::failure::{CliError, EXIT_OK};

pub(crate) fn run(args: &EmulatorArgs) -> Result<i32, CliError> {
    let mut builder = Emulator::builder().port(args.port);
    if let Some(path) = &args.fixture {
        let fixture = Fixture::from_file(path)
            .map_err(|e| CliError::Usage(format!("fixture {}: {e}", path.display())))?;
        builder = builder.fixture(fixture);
    }
    let emulator = start_emulator(builder)?;
    let url = serde_json::Value::from(emulator.base_url());
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", serde_json::json!({ "url": url }))
            .and_then(|()| out.flush())
            .map_err(|e| CliError::Failed(format!("cannot write to stdout: {e}")))?;
    }
    let base = emulator.base_url();
    eprintln!("bidcert: emulator serving {base} (both endpoints; admin API under {base}/_emulator/); Ctrl-C to stop");
    if args.fixture.is_none() {
        eprintln!(
            "bidcert: demo fixture: sign as AccessKeyId {} (its secret is \
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

//! From the global options to a client: credentials, endpoints, timeouts, retries, and the
//! in-process emulator of `--emulator`.

use std::time::Duration;

use bidcert::credentials::{CredentialsProvider, DefaultChain, Env};
use bidcert::{Client, Credentials};
use bidcert_emulator::{demo, Emulator, EmulatorBuilder, EmulatorHandle};

use crate::cli::Global;
use crate::failure::CliError;

/// What a command runs with. Holds the emulator of `--emulator` for as long as it lives.
pub(crate) struct Context {
    pub(crate) global: Global,
    emulator: Option<EmulatorHandle>,
}

/// Starts the emulator `builder` describes (its defaults: the demo fixture, an ephemeral
/// loopback port).
pub(crate) fn start_emulator(builder: EmulatorBuilder) -> Result<EmulatorHandle, CliError> {
    builder
        .start()
        .map_err(|e| CliError::Failed(format!("cannot start the emulator: {e}")))
}

/// The demo NORMAL reseller's credentials (published test values).
pub(crate) fn demo_credentials() -> Credentials {
    Credentials::new(demo::NORMAL_ACCESS_KEY_ID, demo::NORMAL_ACCESS_KEY_SECRET)
        .expect("the demo credentials are valid")
}

impl Context {
    pub(crate) fn new(global: Global) -> Self {
        Context {
            global,
            emulator: None,
        }
    }

    /// The client the global options describe.
    pub(crate) fn client(&mut self) -> Result<Client, CliError> {
        let g = &self.global;
        let mut builder = Client::builder();
        if let Some(t) = g.timeout {
            builder = builder
                .timeout(t)
                .connect_timeout(t.min(Duration::from_secs(5)));
        }
        if let Some(r) = g.retries {
            builder = builder.max_attempts(r + 1);
        }
        if let Some(v) = g.signature_version {
            builder = builder.signature_version(v);
        }
        if let Some(path) = &g.ca_file {
            builder = builder.ca_file(path);
        }
        if g.emulator {
            let emulator = match &mut self.emulator {
                Some(handle) => handle,
                none => {
                    let handle = start_emulator(Emulator::builder())?;
                    log::debug!(target: "bidcert_cli", "emulator started at {}", handle.base_url());
                    none.insert(handle)
                }
            };
            return Ok(builder
                .credentials(demo_credentials())
                .endpoint(emulator.base_url())
                .build()?);
        }
        if let Some(url) = &g.crm_endpoint {
            builder = builder.crm_endpoint(url.clone());
        }
        if let Some(url) = &g.aas_endpoint {
            builder = builder.aas_endpoint(url.clone());
        }
        let provider = self.provider();
        let resolved = provider.credentials().map_err(CliError::Call)?;
        log::debug!(
            target: "bidcert_cli",
            "signing as AccessKeyId {} ({}, from {}: {})",
            resolved.credentials().access_key_id(),
            resolved.kind(),
            resolved.source(),
            resolved.detail()
        );
        Ok(builder.provider(provider).build()?)
    }

    /// The credentials the global options select: the demo reseller's with `--emulator`,
    /// else the default chain of this process's environment, `--profile` naming the
    /// profile of both files.
    pub(crate) fn provider(&self) -> CredentialsProvider {
        if self.global.emulator {
            return CredentialsProvider::fixed(demo_credentials());
        }
        CredentialsProvider::new(DefaultChain::new(
            &Env::process(),
            self.global.profile.as_deref(),
        ))
    }
}

//! Every credentials provider and the chain, end to end against the emulator on 127.0.0.1:
//! its STS, its ECS metadata service and its credentials URI. Every environment here starts
//! empty: nothing of this machine's is read, and no test reaches anything but loopback (where
//! a test covers the real metadata address, the provider is disabled and no packet is sent).

mod chain;
mod ecs;
mod files;
mod refresh;
mod roles;
mod secrets;
mod uri;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use bidcert::credentials::{CredentialsProvider, Env};
use bidcert::{BidType, Client, QueryCertifiedInfo};
use bidcert_emulator::{Emulator, EmulatorHandle};

/// Every log record of this test binary, at trace level, for the secrets test to search.
pub(crate) struct Captured(Mutex<Vec<String>>);

impl log::Log for Captured {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        // ureq prints request URLs (whose queries carry the SecurityToken of signed
        // requests) only at trace level; it runs at debug here, as the README advises.
        !m.target().starts_with("ureq") || m.level() <= log::Level::Debug
    }
    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            let line = format!("{} {} {}", r.level(), r.target(), r.args());
            // To watch a test: BIDCERT_TEST_LOG=1 cargo test ... -- --nocapture
            if std::env::var_os("BIDCERT_TEST_LOG").is_some() {
                eprintln!("{line}");
            }
            self.0.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        }
    }
    fn flush(&self) {}
}

pub(crate) fn captured() -> &'static Captured {
    static LOGGER: OnceLock<&'static Captured> = OnceLock::new();
    LOGGER.get_or_init(|| {
        let logger: &'static Captured = Box::leak(Box::new(Captured(Mutex::new(Vec::new()))));
        let _ = log::set_logger(logger);
        log::set_max_level(log::LevelFilter::Trace);
        logger
    })
}

impl Captured {
    pub(crate) fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The demo fixture with STS and the metadata service, logs captured.
pub(crate) fn emulator() -> EmulatorHandle {
    captured();
    Emulator::builder()
        .metadata(true)
        .start()
        .expect("emulator starts")
}

/// A home directory of its own, removed at the end.
pub(crate) struct Home(tempfile::TempDir);

impl Home {
    pub(crate) fn new() -> Home {
        Home(tempfile::tempdir().expect("a temporary directory"))
    }
    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }
    /// Writes `text` at `rel` under the home directory.
    pub(crate) fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.0.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        p
    }
}

/// A loopback port nothing listens on (discard): where [`bare`] points STS and the metadata
/// service, so that a provider that ever ignored its switch would be refused on this machine.
pub(crate) const NOWHERE: &str = "http://127.0.0.1:9";

/// An environment with nothing but `home`, the metadata service switched off, and STS and
/// the metadata service at [`NOWHERE`]: nothing of this machine's is read, and no request can
/// leave loopback.
pub(crate) fn bare(home: &Home) -> Env {
    captured();
    Env::empty()
        .with("HOME", home.path().display().to_string())
        .with("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .with("BIDCERT_STS_ENDPOINT", NOWHERE)
        .with("BIDCERT_ECS_METADATA_ENDPOINT", NOWHERE)
}

/// [`bare`], with STS and the metadata service at `emu`.
pub(crate) fn at_emulator(home: &Home, emu: &EmulatorHandle) -> Env {
    bare(home)
        .without("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
        .with("BIDCERT_STS_ENDPOINT", emu.base_url())
        .with(
            "BIDCERT_ECS_METADATA_ENDPOINT",
            emu.metadata_url().expect("metadata served"),
        )
}

/// A client of `emu`'s API calls, signing with `provider`.
pub(crate) fn client(emu: &EmulatorHandle, provider: CredentialsProvider) -> Client {
    Client::builder()
        .provider(provider)
        .endpoint(emu.base_url())
        .build()
        .unwrap()
}

pub(crate) fn query(pk: &str, bid: BidType) -> QueryCertifiedInfo {
    QueryCertifiedInfo::new(pk, bid).unwrap()
}

/// The reasons of a credentials error, one `source: why` per line.
pub(crate) fn reasons(e: &bidcert::Error) -> String {
    match e {
        bidcert::Error::Credentials(c) => c
            .tried()
            .iter()
            .map(|(s, w)| format!("{s}: {w}"))
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("not a credentials error: {other:?}"),
    }
}

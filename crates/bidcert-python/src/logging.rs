//! The process's one `log` logger while the module is loaded: records go to Python's
//! `logging` (through pyo3-log), except while a `bidcert` command runs in this process (the
//! console script), when they go to the command's own stderr logger, so that `bidcert -v`
//! logs what the cargo-built command logs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use log::{LevelFilter, Log, Metadata, Record};
use pyo3::prelude::*;

struct Router {
    python: pyo3_log::Logger,
    python_level: LevelFilter,
    reset: pyo3_log::ResetHandle,
    // The running command's logger. `active` spares the lock on the path taken when no
    // command runs; the lock is only held to clone or swap the Arc, never while logging.
    active: AtomicBool,
    command: RwLock<Option<Arc<dyn Log>>>,
}

static ROUTER: OnceLock<Router> = OnceLock::new();
// Set once ROUTER is the process's logger.
static INSTALLED: OnceLock<&'static Router> = OnceLock::new();

fn router() -> Option<&'static Router> {
    INSTALLED.get().copied()
}

impl Router {
    fn command(&self) -> Option<Arc<dyn Log>> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        self.command
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Makes `logger` the target (`None`: Python's `logging` again); returns the one before.
    fn swap(&self, logger: Option<Arc<dyn Log>>) -> Option<Arc<dyn Log>> {
        let mut slot = self
            .command
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.active.store(logger.is_some(), Ordering::Release);
        std::mem::replace(&mut *slot, logger)
    }
}

impl Log for Router {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        match self.command() {
            Some(command) => command.enabled(metadata),
            None => self.python.enabled(metadata),
        }
    }

    fn log(&self, record: &Record<'_>) {
        match self.command() {
            Some(command) => command.log(record),
            None => self.python.log(record),
        }
    }

    fn flush(&self) {
        if let Some(command) = self.command() {
            command.flush();
        }
    }
}

/// Routes the `log` records of the `bidcert` target (and warnings of the crates below it) to
/// Python's `logging`. Levels are cached, so the hot path takes no lock and no GIL.
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    const PYTHON_LEVEL: LevelFilter = LevelFilter::Trace;
    let python = pyo3_log::Logger::new(py, pyo3_log::Caching::LoggersAndLevels)?
        .filter(LevelFilter::Warn)
        .filter_target("bidcert".to_owned(), PYTHON_LEVEL);
    let reset = python.reset_handle();
    let router = ROUTER.get_or_init(|| Router {
        python,
        python_level: PYTHON_LEVEL,
        reset,
        active: AtomicBool::new(false),
        command: RwLock::new(None),
    });
    // Another copy of the module in this process may have installed a logger already.
    if log::set_logger(router).is_ok() {
        log::set_max_level(router.python_level);
        let _ = INSTALLED.set(router);
    }
    Ok(())
}

/// Forgets the cached levels of the Python loggers, so a level set after the first log record
/// takes effect.
pub(crate) fn refresh() {
    if let Some(router) = router() {
        router.reset.reset();
    }
}

/// While alive, records go to a command's logger instead of Python's `logging`; dropping it
/// restores what was there before.
pub(crate) struct CommandLogger {
    previous: Option<Arc<dyn Log>>,
    previous_level: LevelFilter,
}

impl CommandLogger {
    /// Routes records to `logger`, letting through `level`.
    pub(crate) fn install(logger: Box<dyn Log>, level: LevelFilter) -> Option<CommandLogger> {
        let router = router()?;
        let previous_level = log::max_level();
        let previous = router.swap(Some(Arc::from(logger)));
        log::set_max_level(level);
        Some(CommandLogger {
            previous,
            previous_level,
        })
    }
}

impl Drop for CommandLogger {
    fn drop(&mut self) {
        if let Some(router) = router() {
            if let Some(command) = router.swap(self.previous.take()) {
                command.flush();
            }
            log::set_max_level(self.previous_level);
        }
    }
}

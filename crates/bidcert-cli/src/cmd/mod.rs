//! One module per subcommand (audit has a folder of its own).

pub(crate) mod cert_url;
pub(crate) mod credentials;
pub(crate) mod demo;
pub(crate) mod diagnose;
pub(crate) mod emulator;
pub(crate) mod query;
pub(crate) mod sign;

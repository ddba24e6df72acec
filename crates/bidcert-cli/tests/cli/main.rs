//! The `bidcert` binary, run as a user runs it, against the emulator started in this process.

mod audit;
mod common;
mod credentials;
mod demo;
mod emulator;
mod global;
mod guide;
mod query;
mod sign;

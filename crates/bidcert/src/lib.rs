//! The bidcert client (in progress).

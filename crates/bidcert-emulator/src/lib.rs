//! A local emulator of both endpoints (in progress).

#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| bidcert_fuzz::audit_input::run(data));

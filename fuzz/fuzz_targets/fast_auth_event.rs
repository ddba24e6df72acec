#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| bidcert_fuzz::fast_auth_event::run(data));

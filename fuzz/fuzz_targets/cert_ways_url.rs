#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| bidcert_fuzz::cert_ways_url::run(data));

#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| bidcert_fuzz::rpc_response::run(data));

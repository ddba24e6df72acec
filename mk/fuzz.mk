# Fuzzing (cargo-fuzz on the machine's nightly toolchain) and the C suite under gcc's
# AddressSanitizer and UBSan. `make fuzz` runs both; neither is part of `make test`.
# Included by the root Makefile, which defines ROOT and CARGO; the C part reuses mk/ffi.mk's
# variables and targets (expanded when the recipes run).

FUZZ_DIR := $(ROOT)/fuzz
# Generated at `make fuzz` time from tests/vectors (git-ignored; libFuzzer adds to it).
FUZZ_CORPUS := $(FUZZ_DIR)/corpus
FUZZ_TIME ?= 60
CARGO_FUZZ_VERSION := 0.13.2
FUZZ_TARGETS := certified_info cert_ways_url rpc_response fast_auth_event diagnose \
	diagnose_v3 verify exchange fixture cli_config shared_credentials audit_input
ASAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ASAN_OUT = $(FFI_OUT)/asan

.PHONY: fuzz fuzz-tools fuzz-build fuzz-seed fuzz-run asan

## fuzz: every fuzz target for FUZZ_TIME (60) s, then the C suite under ASan and UBSan
fuzz: fuzz-run asan
	@echo "make fuzz: $(words $(FUZZ_TARGETS)) targets ran $(FUZZ_TIME) s each with no crash; the C suite is clean under ASan and UBSan"

# The nightly toolchain is the machine's (rustup); nothing here downloads another.
fuzz-tools:
	@$(CARGO) +nightly --version >/dev/null 2>&1 \
		|| { echo "make fuzz needs a nightly toolchain: rustup toolchain install nightly"; exit 1; }
	@$(CARGO) fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $(CARGO_FUZZ_VERSION)" \
		|| $(CARGO) install --locked cargo-fuzz --version $(CARGO_FUZZ_VERSION)

fuzz-build: fuzz-tools
	cd $(FUZZ_DIR) && $(CARGO) +nightly fuzz build

# Seeds: the vectors in each target's input format, the emulator's demo fixture, and every
# kept crashing input.
fuzz-seed:
	python3 $(FUZZ_DIR)/seed.py $(ROOT)/tests/vectors $(FUZZ_CORPUS)
	$(CARGO) run --quiet -p bidcert-cli --bin bidcert-emulator -- --dump-fixture \
		> $(FUZZ_CORPUS)/fixture/demo
	@for d in $(FUZZ_DIR)/regressions/*/; do \
		[ -d "$$d" ] || continue; mkdir -p $(FUZZ_CORPUS)/$$(basename $$d); \
		cp $$d* $(FUZZ_CORPUS)/$$(basename $$d)/; \
	done

fuzz-run: fuzz-build fuzz-seed
	FUZZ_TIME=$(FUZZ_TIME) $(FUZZ_DIR)/run.sh $(FUZZ_CORPUS) $(FUZZ_TARGETS)

## asan: the C suite and the C example (mk/ffi.mk's c-test) under ASan and UBSan
asan: ffi-lib-debug ffi-emulator ffi-c-deps
	@mkdir -p $(ASAN_OUT)
	$(CC) $(FFI_CFLAGS) $(ASAN_CFLAGS) -o $(ASAN_OUT)/test_bidcert $(FFI_C_SUITE) \
		$(FFI_DEBUG)/libbidcert.a -L$(FFI_DEBUG) -lbidcert_testing -Wl,-rpath,$(FFI_DEBUG) \
		-lcjson $(FFI_NATIVE_LIBS)
	$(CC) $(FFI_CFLAGS) $(ASAN_CFLAGS) -o $(ASAN_OUT)/example_query $(ROOT)/examples/c/query.c \
		$(FFI_DEBUG)/libbidcert.a $(FFI_NATIVE_LIBS)
	$(CC) $(FFI_CFLAGS) $(ASAN_CFLAGS) -o $(ASAN_OUT)/example_call_curl $(ROOT)/examples/c/call_curl.c \
		$(FFI_DEBUG)/libbidcert.a -lcurl $(FFI_NATIVE_LIBS)
	BIDCERT_VECTORS_DIR=$(ROOT)/tests/vectors BIDCERT_LIVE_DIR=$(ROOT)/tests/live \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(ASAN_OUT)/test_bidcert
	$(FFI_WITH_EMULATOR) env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1 $(ASAN_OUT)/example_query
	$(FFI_WITH_EMULATOR) env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1 $(ASAN_OUT)/example_call_curl
	@echo "asan: the C suite and the C examples are clean under ASan and UBSan"

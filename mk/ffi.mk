# The C ABI (crates/bidcert-ffi), the emulator's C face (crates/bidcert-testing-ffi), their
# headers, the C suite and examples, and the Go package.
# Included by the root Makefile, which defines ROOT, CARGO, TEST_TARGETS and BENCH_TARGETS.

# Cargo's target directory, as the root Makefile decided it (CARGO_TARGET_DIR or target/).
FFI_TARGET  := $(TARGET_DIR)
FFI_DEBUG   := $(FFI_TARGET)/debug
FFI_RELEASE := $(FFI_TARGET)/release
FFI_OUT     := $(FFI_TARGET)/ffi
# What the Rust static library needs from the system (rustc --print native-static-libs).
FFI_NATIVE_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
FFI_CFLAGS  := -std=c99 -Wall -Wextra -Wpedantic -Werror -g -I$(ROOT)/include
# The C suite's sources (the first holds main and the list of parts).
FFI_C_SUITE := $(ROOT)/tests/c/test_bidcert.c $(ROOT)/tests/c/test_credentials.c
FFI_VALGRIND := valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --error-exitcode=1 \
	--suppressions=$(ROOT)/tests/c/valgrind.supp
# The emulator as a program (the C examples and the Go tests run it as a real user would).
FFI_EMULATOR := $(FFI_DEBUG)/bidcert-emulator
FFI_WITH_EMULATOR := $(ROOT)/tests/c/with_emulator.sh $(FFI_EMULATOR)
# The in-tree pkg-config file Go builds with (`#cgo pkg-config: bidcert`): the committed header
# and the release static library, staged alone so the linker cannot pick the shared one.
FFI_PC_DIR  := $(FFI_OUT)/pkgconfig
FFI_PC_LIB  := $(FFI_OUT)/static-lib
# CGO_LDFLAGS names the staged directory because go's build cache keys a cgo package on it but
# not on pkg-config's answer: a build for another target dir must not reuse this one's flags.
GO_ENV      := PKG_CONFIG_PATH=$(FFI_PC_DIR) CGO_LDFLAGS="-O2 -g -L$(FFI_PC_LIB)" \
	BIDCERT_EMULATOR=$(FFI_EMULATOR) \
	BIDCERT_VECTORS_DIR=$(ROOT)/tests/vectors BIDCERT_LIVE_DIR=$(ROOT)/tests/live
GO ?= go

TEST_TARGETS += header-check ffi-production-check c-test go-test
BENCH_TARGETS += go-bench

.PHONY: ffi-lib ffi-lib-debug ffi-lib-release ffi-emulator header header-check \
	ffi-production-check ffi-c-deps c-test go-pc go-test go-bench

## ffi-lib: libbidcert.{a,so} and libbidcert_testing.so, debug (C suite, valgrind) and
## release (Go, install)
ffi-lib: ffi-lib-debug ffi-lib-release

ffi-lib-debug:
	$(CARGO) build -p bidcert-ffi -p bidcert-testing-ffi

ffi-lib-release:
	$(CARGO) build -p bidcert-ffi --release

ffi-emulator:
	$(CARGO) build --quiet -p bidcert-cli --bin bidcert-emulator

## header: regenerate include/bidcert.h and include/bidcert_testing.h with the pinned cbindgen
header:
	$(CARGO) run --quiet -p bidcert-ffi --example gen_header -- $(ROOT)/include/bidcert.h
	$(CARGO) run --quiet -p bidcert-testing-ffi --example gen_testing_header -- $(ROOT)/include/bidcert_testing.h

## header-check: fail when a committed header differs from what the code generates
header-check:
	@mkdir -p $(FFI_OUT)
	$(CARGO) run --quiet -p bidcert-ffi --example gen_header -- $(FFI_OUT)/bidcert.h
	$(CARGO) run --quiet -p bidcert-testing-ffi --example gen_testing_header -- $(FFI_OUT)/bidcert_testing.h
	@for h in bidcert.h bidcert_testing.h; do \
		diff -u $(ROOT)/include/$$h $(FFI_OUT)/$$h \
		|| { echo "include/$$h is stale: run 'make header' and commit it"; exit 1; }; \
	done
	printf '#include "bidcert.h"\n#include "bidcert_testing.h"\nint main(void) { return 0; }\n' > $(FFI_OUT)/header_c.c
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -I$(ROOT)/include -c $(FFI_OUT)/header_c.c -o $(FFI_OUT)/header_c.o
	g++ -x c++ -std=c++11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I$(ROOT)/include $(FFI_OUT)/header_c.c
	@echo "header-check: both headers are current and compile as C99 and C++11"

## ffi-production-check: the release libbidcert carries no test code: no emulator or
## test-panic symbol, no tokio or hyper in its dependency tree, and a SONAME
ffi-production-check: ffi-lib-release
	@syms=$$(nm -D --defined-only $(FFI_RELEASE)/libbidcert.so | grep -E 'emulator|test_panic' || true); \
		if [ -n "$$syms" ]; then echo "libbidcert.so exports test code:"; echo "$$syms"; exit 1; fi
	@deps=$$($(CARGO) tree -p bidcert-ffi -e normal --prefix none | grep -E '^(tokio|hyper) ' || true); \
		if [ -n "$$deps" ]; then echo "bidcert-ffi depends on:"; echo "$$deps"; exit 1; fi
	@readelf -d $(FFI_RELEASE)/libbidcert.so | grep -q 'SONAME.*libbidcert.so.0' \
		|| { echo "libbidcert.so has no SONAME libbidcert.so.0"; exit 1; }
	@echo "ffi-production-check: libbidcert.so exports $$(nm -D --defined-only $(FFI_RELEASE)/libbidcert.so | grep -c ' T ') functions, none of them test code; no tokio or hyper; SONAME libbidcert.so.0"

# libcjson-dev (the C suite reads the JSON vectors with it), libcurl (the C example's HTTP
# stack) and valgrind, installed when missing.
FFI_C_PACKAGES := libcjson-dev libcurl4-openssl-dev valgrind
ffi-c-deps:
	@if ! dpkg -s libcjson-dev libcurl4-openssl-dev >/dev/null 2>&1 || ! command -v valgrind >/dev/null; then \
		apt-get install -y $(FFI_C_PACKAGES) >/dev/null \
		|| { apt-get update >/dev/null && apt-get install -y $(FFI_C_PACKAGES) >/dev/null; }; \
	fi

## c-test: the C suite (libbidcert.a + libbidcert_testing.so), then both C examples against
## the bidcert-emulator program, all under valgrind memcheck (the fault matrix over HTTPS
## natively)
c-test: ffi-lib-debug ffi-emulator ffi-c-deps
	@mkdir -p $(FFI_OUT)
	$(CC) $(FFI_CFLAGS) -o $(FFI_OUT)/test_bidcert $(FFI_C_SUITE) \
		$(FFI_DEBUG)/libbidcert.a -L$(FFI_DEBUG) -lbidcert_testing -Wl,-rpath,$(FFI_DEBUG) \
		-lcjson $(FFI_NATIVE_LIBS)
	$(CC) $(FFI_CFLAGS) -o $(FFI_OUT)/example_query $(ROOT)/examples/c/query.c \
		$(FFI_DEBUG)/libbidcert.a $(FFI_NATIVE_LIBS)
	$(CC) $(FFI_CFLAGS) -o $(FFI_OUT)/example_call_curl $(ROOT)/examples/c/call_curl.c \
		$(FFI_DEBUG)/libbidcert.a -lcurl $(FFI_NATIVE_LIBS)
	BIDCERT_VECTORS_DIR=$(ROOT)/tests/vectors BIDCERT_LIVE_DIR=$(ROOT)/tests/live \
		$(FFI_VALGRIND) $(FFI_OUT)/test_bidcert -fault_matrix_https
	@# Under valgrind a TLS handshake takes seconds, beyond the matrix's 200 ms attempt
	@# timeouts: the matrix over HTTPS runs natively (the HTTPS part above ran under valgrind).
	BIDCERT_VECTORS_DIR=$(ROOT)/tests/vectors BIDCERT_LIVE_DIR=$(ROOT)/tests/live \
		$(FFI_OUT)/test_bidcert fault_matrix_https
	$(FFI_WITH_EMULATOR) $(FFI_VALGRIND) $(FFI_OUT)/example_query
	$(FFI_WITH_EMULATOR) $(FFI_VALGRIND) $(FFI_OUT)/example_call_curl

## go-pc: the staged bidcert.pc under the target dir, for building Go inside this repository
go-pc: ffi-lib-release
	@mkdir -p $(FFI_PC_DIR) $(FFI_PC_LIB)
	ln -sf $(FFI_RELEASE)/libbidcert.a $(FFI_PC_LIB)/libbidcert.a
	printf '%s\n' 'Name: bidcert' 'Description: bidcert C ABI (in-tree build)' 'Version: $(VERSION)' \
		'Cflags: -I$(ROOT)/include' 'Libs: -L$(FFI_PC_LIB) -lbidcert $(FFI_NATIVE_LIBS)' \
		> $(FFI_PC_DIR)/bidcert.pc

## go-test: go vet, the Go suite with -race and under cgocheck2, and the Go example
go-test: go-pc ffi-emulator
	cd $(ROOT)/go && $(GO_ENV) $(GO) vet ./...
	cd $(ROOT)/go && test -z "$$(gofmt -l .)" || { gofmt -l $(ROOT)/go; exit 1; }
	cd $(ROOT)/go && $(GO_ENV) $(GO) test -count=1 -race ./...
	cd $(ROOT)/go && $(GO_ENV) GOEXPERIMENT=cgocheck2 $(GO) test -count=1 ./...
	cd $(ROOT)/examples/go && $(GO_ENV) $(GO) vet ./... && $(FFI_WITH_EMULATOR) env $(GO_ENV) $(GO) run .

## go-bench: signing through cgo beside the Alibaba Cloud Go SDK's signer (fetched here only),
## then CPU per query end to end for three clients, the emulator pinned to the other core
go-bench: go-pc
	$(CARGO) build --quiet -p bidcert-cli --bin bidcert-emulator --release
	cd $(ROOT)/go/bench && $(GO_ENV) GOFLAGS=-mod=mod $(GO) test -run '^$$' -bench . -benchmem -count 3 ./...
	@mkdir -p $(FFI_OUT)
	cd $(ROOT)/go/bench && $(GO_ENV) GOFLAGS=-mod=mod $(GO) build -o $(FFI_OUT)/go-e2e ./cmd/e2e
	taskset -c 0 $(FFI_OUT)/go-e2e -emulator $(FFI_RELEASE)/bidcert-emulator -emulator-cpu 1 -n 5000 -runs 2

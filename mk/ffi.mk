# The C ABI (crates/bidcert-ffi), its header, the C suite and the Go package.
# Included by the root Makefile, which defines ROOT, CARGO, TEST_TARGETS and BENCH_TARGETS.

FFI_DEBUG   := $(ROOT)/target/debug
FFI_RELEASE := $(ROOT)/target/release
FFI_OUT     := $(ROOT)/target/ffi
# What the Rust static library needs from the system (rustc --print native-static-libs).
FFI_NATIVE_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
FFI_CFLAGS  := -std=c99 -Wall -Wextra -Wpedantic -Werror -g -I$(ROOT)/include
FFI_VALGRIND := valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --error-exitcode=1
PREFIX ?= /usr/local
GO ?= go

TEST_TARGETS += header-check c-test go-test
BENCH_TARGETS += go-bench

.PHONY: ffi-lib ffi-lib-debug ffi-lib-release header header-check ffi-c-deps c-test \
	go-test go-bench install

## ffi-lib: libbidcert.{a,so}, debug (C suite, valgrind) and release (Go, install)
ffi-lib: ffi-lib-debug ffi-lib-release

ffi-lib-debug:
	$(CARGO) build -p bidcert-ffi

ffi-lib-release:
	$(CARGO) build -p bidcert-ffi --release

## header: regenerate include/bidcert.h with the pinned cbindgen
header:
	$(CARGO) run --quiet -p bidcert-ffi --example gen_header -- $(ROOT)/include/bidcert.h

## header-check: fail when include/bidcert.h differs from what the code generates
header-check:
	@mkdir -p $(FFI_OUT)
	$(CARGO) run --quiet -p bidcert-ffi --example gen_header -- $(FFI_OUT)/bidcert.h
	@diff -u $(ROOT)/include/bidcert.h $(FFI_OUT)/bidcert.h \
		|| { echo "include/bidcert.h is stale: run 'make header' and commit it"; exit 1; }
	printf '#include "bidcert.h"\nint main(void) { return 0; }\n' > $(FFI_OUT)/header_c.c
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -I$(ROOT)/include -c $(FFI_OUT)/header_c.c -o $(FFI_OUT)/header_c.o
	g++ -x c++ -std=c++11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I$(ROOT)/include $(FFI_OUT)/header_c.c
	@echo "header-check: include/bidcert.h is current and compiles as C99 and C++11"

# libcjson-dev (the C suite reads the JSON vectors with it) and valgrind, installed when missing.
ffi-c-deps:
	@if ! dpkg -s libcjson-dev >/dev/null 2>&1 || ! command -v valgrind >/dev/null; then \
		apt-get install -y libcjson-dev valgrind >/dev/null \
		|| { apt-get update >/dev/null && apt-get install -y libcjson-dev valgrind >/dev/null; }; \
	fi

## c-test: the C suite and the C example, under valgrind memcheck
c-test: ffi-lib-debug ffi-c-deps
	@mkdir -p $(FFI_OUT)
	$(CC) $(FFI_CFLAGS) -o $(FFI_OUT)/test_bidcert $(ROOT)/tests/c/test_bidcert.c \
		$(FFI_DEBUG)/libbidcert.a -lcjson $(FFI_NATIVE_LIBS)
	$(CC) $(FFI_CFLAGS) -o $(FFI_OUT)/example_query $(ROOT)/examples/c/query.c \
		$(FFI_DEBUG)/libbidcert.a $(FFI_NATIVE_LIBS)
	BIDCERT_VECTORS_DIR=$(ROOT)/tests/vectors $(FFI_VALGRIND) $(FFI_OUT)/test_bidcert
	$(FFI_VALGRIND) $(FFI_OUT)/example_query

## go-test: go vet, the Go suite with -race and under cgocheck2, and the Go example
go-test: ffi-lib-release
	cd $(ROOT)/go && $(GO) vet ./...
	cd $(ROOT)/go && test -z "$$(gofmt -l .)" || { gofmt -l $(ROOT)/go; exit 1; }
	cd $(ROOT)/go && BIDCERT_VECTORS_DIR=$(ROOT)/tests/vectors $(GO) test -count=1 -race ./...
	cd $(ROOT)/go && BIDCERT_VECTORS_DIR=$(ROOT)/tests/vectors GOEXPERIMENT=cgocheck2 $(GO) test -count=1 ./...
	cd $(ROOT)/examples/go && $(GO) vet ./... && $(GO) run .

## go-bench: signing through cgo beside the Alibaba Cloud Go SDK's signer (fetched here only),
## then CPU per query end to end for three clients, the emulator pinned to the other core
go-bench: ffi-lib-release
	$(CARGO) build --quiet -p bidcert-cli --bin bidcert-emulator --release
	cd $(ROOT)/go/bench && GOFLAGS=-mod=mod $(GO) test -run '^$$' -bench . -benchmem -count 3 ./...
	@mkdir -p $(FFI_OUT)
	cd $(ROOT)/go/bench && GOFLAGS=-mod=mod $(GO) build -o $(FFI_OUT)/go-e2e ./cmd/e2e
	taskset -c 0 $(FFI_OUT)/go-e2e -emulator $(FFI_RELEASE)/bidcert-emulator -emulator-cpu 1 -n 5000 -runs 2

## install: libraries, header and bidcert.pc under PREFIX (default /usr/local)
install: ffi-lib-release
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(FFI_RELEASE)/libbidcert.a $(DESTDIR)$(PREFIX)/lib/libbidcert.a
	install -m 755 $(FFI_RELEASE)/libbidcert.so $(DESTDIR)$(PREFIX)/lib/libbidcert.so
	install -m 644 $(ROOT)/include/bidcert.h $(DESTDIR)$(PREFIX)/include/bidcert.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' \
		-e 's|@VERSION@|$(shell sed -n 's/^version = "\(.*\)"/\1/p' $(ROOT)/Cargo.toml | head -1)|g' \
		-e 's|@NATIVE_LIBS@|$(FFI_NATIVE_LIBS)|g' \
		$(ROOT)/crates/bidcert-ffi/bidcert.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/bidcert.pc
	@echo "installed bidcert under $(DESTDIR)$(PREFIX)"

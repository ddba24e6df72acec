# bidcert — `make demo` runs the main story, `make test` runs every suite.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
ROOT := $(abspath .)

# Each binding adds its suites and benchmarks from its own fragment in mk/.
TEST_TARGETS :=
BENCH_TARGETS :=

.PHONY: all demo test bench lint rust-test clean

all: test

-include mk/*.mk

## demo: the whole flow against the built-in emulator
demo:
	$(CARGO) build --quiet -p bidcert-cli
	$(ROOT)/target/debug/bidcert demo

## test: every suite (what .ci/run runs)
test: lint rust-test $(TEST_TARGETS)
	@echo "make test: all suites passed"

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --workspace --no-deps --quiet

rust-test:
	$(CARGO) test --workspace

## bench: benchmarks (not part of `make test`)
bench: $(BENCH_TARGETS)
	$(CARGO) bench -p bidcert-core --bench sign
	$(CARGO) bench -p bidcert-emulator --bench load
	$(CARGO) bench -p bidcert --bench client

clean:
	$(CARGO) clean

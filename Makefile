# bidcert — `make demo` runs the main story, `make test` runs every suite.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
ROOT := $(abspath .)
# Cargo's target directory, decided once for every fragment and script: CARGO_TARGET_DIR when
# the caller set it (a relative one is taken from here, as cargo takes it from its working
# directory), else target/ here. Exported as an absolute path, so cargo, maturin and the test
# scripts all build into and read from the same place whatever directory they run in.
TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),$(ROOT)/target))
override export CARGO_TARGET_DIR := $(TARGET_DIR)
# The workspace's version: every artefact carries it (the Python package reads it from cargo).
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' $(ROOT)/Cargo.toml | head -1)
PREFIX ?= /usr/local

# No suite asks the real ECS metadata service (100.100.100.200) when it looks for credentials:
# a test of the instance role unsets this and points BIDCERT_ECS_METADATA_ENDPOINT at the
# emulator.
export ALIBABA_CLOUD_ECS_METADATA_DISABLED := true

# Each binding adds its suites and benchmarks from its own fragment in mk/; mk/dist.mk adds
# the install tests, which run last.
TEST_TARGETS :=
INSTALL_TEST_TARGETS :=
BENCH_TARGETS :=

.PHONY: all demo test bench lint toolchain-check rust-test clean

all: test

-include mk/*.mk

## demo: the whole flow against the built-in emulator
demo:
	$(CARGO) build --quiet -p bidcert-cli
	$(TARGET_DIR)/debug/bidcert demo

## test: every suite, then the install tests (what .ci/run runs)
test: lint rust-test $(TEST_TARGETS) $(INSTALL_TEST_TARGETS)
	@echo "make test: all suites passed"

# The machine's one Rust toolchain must carry rustfmt and clippy; nothing here asks rustup
# to download another.
toolchain-check:
	@$(CARGO) fmt --version >/dev/null 2>&1 || { echo "rustfmt is missing: rustup component add rustfmt"; exit 1; }
	@$(CARGO) clippy --version >/dev/null 2>&1 || { echo "clippy is missing: rustup component add clippy"; exit 1; }

lint: toolchain-check
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
	$(CARGO) test -p bidcert-cli --release --test cli -- --ignored --nocapture audit_throughput

clean:
	$(CARGO) clean
	rm -rf "$(ROOT)/dist"

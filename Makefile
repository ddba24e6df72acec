# bidcert — `make demo` runs the main story, `make test` runs every suite.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo

.PHONY: all demo test bench lint rust-test doc-test clean

all: test

## demo: sign a sample request and show every stage
demo:
	$(CARGO) run --quiet -p bidcert-core --example sign_request

## test: every suite (what .ci/run runs)
test: lint rust-test

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --workspace --no-deps --quiet

rust-test:
	$(CARGO) test --workspace

## bench: benchmarks (not part of `make test`)
bench:
	$(CARGO) bench -p bidcert-core --bench sign

clean:
	$(CARGO) clean

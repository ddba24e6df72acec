# The Python package (pyproject.toml, python/bidcert, crates/bidcert-python): its venv, build,
# suite and benchmarks. Included by the root Makefile, which defines ROOT and CARGO.

PYTHON ?= python3
VENV := $(ROOT)/.venv
VENV_BIN := $(VENV)/bin
VENV_PY := $(VENV_BIN)/python
# Pinned: the build backend, the suite's tools, and the peers the differential tests and the
# benchmarks compare against, and the web frameworks of the guide's examples (test-only; the
# package itself has no runtime dependencies).
PY_DEV_TOOLS := \
	maturin==1.16.0 \
	pytest==9.2.0 \
	hypothesis==6.170.15 \
	mypy==2.4.1 \
	pytest-benchmark==5.3.1 \
	aliyun-python-sdk-core==2.16.1 \
	alibabacloud-openapi-util==0.2.4 \
	fastapi==0.163.2 \
	flask==3.1.3 \
	httpx2==2.16.2
VENV_STAMP := $(VENV)/.bidcert-dev-tools
PY_WHEEL_DIR := $(TARGET_DIR)/python-wheels
# Where cargo builds for maturin: the workspace target dir unless the caller set CARGO_TARGET_DIR.
PY_ENV := PATH="$(VENV_BIN):$$PATH" VIRTUAL_ENV="$(VENV)"
PY_SOURCES := $(ROOT)/pyproject.toml $(wildcard $(ROOT)/python/bidcert/*) \
	$(wildcard $(ROOT)/crates/*/src/*.rs $(ROOT)/crates/*/src/*/*.rs) \
	$(wildcard $(ROOT)/crates/*/Cargo.toml) $(ROOT)/Cargo.lock
# The cargo-built command, whose log lines the console script's must match (test_cli.py).
PY_CARGO_BIN := $(TARGET_DIR)/debug/bidcert
PY_BUILD_STAMP := $(VENV)/.bidcert-built
# The emulator program the CPU benchmark runs in a process of its own.
PY_EMULATOR_BIN := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)/release/bidcert-emulator

.PHONY: venv python-build python-test python-bench

## venv: .venv with the pinned Python dev tools
venv: $(VENV_STAMP)

$(VENV_STAMP): $(ROOT)/mk/python.mk
	$(PYTHON) -m venv "$(VENV)"
	"$(VENV_PY)" -m pip install --quiet --disable-pip-version-check $(PY_DEV_TOOLS)
	touch "$@"

## python-build: build the abi3 wheel (release), check its contents, install it into .venv
python-build: $(PY_BUILD_STAMP)

$(PY_BUILD_STAMP): $(VENV_STAMP) $(PY_SOURCES)
	rm -rf "$(PY_WHEEL_DIR)"
	cd "$(ROOT)" && $(PY_ENV) maturin build --release --quiet --out "$(PY_WHEEL_DIR)"
	"$(VENV_PY)" "$(ROOT)/tests/python/check_wheel.py" "$(PY_WHEEL_DIR)"/bidcert-*.whl
	"$(VENV_PY)" -m pip install --quiet --force-reinstall --no-deps "$(PY_WHEEL_DIR)"/bidcert-*.whl
	touch "$@"

## python-test: the Python suite against the built wheel, then mypy --strict and stubtest
python-test: python-build
	cd "$(ROOT)" && $(CARGO) build --quiet -p bidcert-cli
	cd "$(ROOT)" && rc=0 && $(PY_ENV) BIDCERT_CARGO_BIN="$(PY_CARGO_BIN)" \
		python -m pytest tests/python -q -p no:cacheprovider \
		|| rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "python-test: pytest collected no tests" >&2; exit 1; fi; \
		exit $$rc
	cd "$(ROOT)" && $(PY_ENV) python -m mypy --strict --no-incremental tests/python/typed_example.py
	cd "$(ROOT)/python" && $(PY_ENV) python -m mypy --strict --no-incremental bidcert
	cd "$(ROOT)" && $(PY_ENV) python -m mypy.stubtest bidcert \
		--allowlist tests/python/stubtest_allowlist.txt

## python-bench: signing, CPU per request, end-to-end and memory figures beside the official SDKs
python-bench: python-build
	cd "$(ROOT)" && $(CARGO) build --release --quiet -p bidcert-cli --bin bidcert-emulator
	cd "$(ROOT)" && $(PY_ENV) python bench/python/bench_sign.py
	cd "$(ROOT)" && $(PY_ENV) BIDCERT_EMULATOR_BIN="$(PY_EMULATOR_BIN)" python bench/python/bench_client.py
	cd "$(ROOT)" && $(PY_ENV) python bench/python/bench_memory.py

TEST_TARGETS += python-test
BENCH_TARGETS += python-bench

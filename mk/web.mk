# The browser side: web/bidcert-fastauth.js, the reference back office (examples/web/) and
# their suites (tests/web/: node unit tests, end to end in headless Chromium).
# Included by the root Makefile after mk/python.mk, which defines VENV, VENV_PY, VENV_STAMP and
# the python-build target the back office runs on.

NODE ?= node
NPM ?= npm
WEB_TESTS := $(ROOT)/tests/web
# Debian's chromium, driven by playwright-core (never a browser download).
WEB_CHROMIUM ?= /usr/bin/chromium
# The back office's framework, pinned, installed into the project's .venv.
WEB_PY_DEPS := flask==3.1.3
WEB_PY_STAMP := $(VENV)/.bidcert-web-deps
WEB_NPM_STAMP := $(WEB_TESTS)/node_modules/.bidcert-npm-ci
WEB_DEMO_PORT ?= 0
WEB_NODE_TEST = cd "$(WEB_TESTS)" && BIDCERT_CHROMIUM="$(WEB_CHROMIUM)" BIDCERT_PYTHON="$(VENV_PY)" \
	$(NODE) --test --test-reporter=spec

TEST_TARGETS += web-test

.PHONY: web-deps web-chromium web-unit web-test web-demo web-screenshot

## web-deps: Debian's chromium (when missing), the npm devDependencies, Flask in .venv
web-deps: web-chromium $(WEB_NPM_STAMP) $(WEB_PY_STAMP)

web-chromium:
	@if [ ! -x "$(WEB_CHROMIUM)" ]; then \
		echo "web-deps: installing Debian's chromium"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
		|| { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }; \
	fi
	@"$(WEB_CHROMIUM)" --version 2>/dev/null

$(WEB_NPM_STAMP): $(WEB_TESTS)/package.json $(WEB_TESTS)/package-lock.json
	cd "$(WEB_TESTS)" && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch "$@"

$(WEB_PY_STAMP): $(VENV_STAMP) $(ROOT)/mk/web.mk
	"$(VENV_PY)" -m pip install --quiet --disable-pip-version-check $(WEB_PY_DEPS)
	touch "$@"

## web-unit: the module's unit tests (vectors, filtering, expiry, tsc); no browser
web-unit: $(WEB_NPM_STAMP)
	$(WEB_NODE_TEST) unit/

## web-test: the unit tests and the browser suite against the back office and the emulator
web-test: web-deps python-build
	$(WEB_NODE_TEST) unit/ e2e/

## web-screenshot: run the browser suite and refresh docs/img/web-demo.png
web-screenshot: web-deps python-build
	export BIDCERT_UPDATE_SCREENSHOT=1 && $(WEB_NODE_TEST) e2e/

## web-demo: the reference back office against the in-process emulator (prints the URL)
web-demo: python-build $(WEB_PY_STAMP)
	@echo "web-demo: starting the back office and the emulator; Ctrl-C stops both"
	"$(VENV_PY)" "$(ROOT)/examples/web/app.py" --emulator --port $(WEB_DEMO_PORT)

# The official Alibaba Cloud SDKs as clients of the emulator (tests/official): Python's
# aliyun-python-sdk-core and alibabacloud_tea_openapi, and the Go alibaba-cloud-sdk-go.
# Test-only; nothing here is linked into the project. Included by the root Makefile, which
# defines ROOT and CARGO; mk/python.mk (included after this file) defines VENV, VENV_PY and the
# `venv` target, so this file names them only inside recipes and prerequisites by target.

GO ?= go
# Pinned: the two Python SDK cores and what tea-openapi pulls in (the generated
# alibabacloud_aas20150701 client is not on the package index; the tests call tea-openapi as it
# would). aliyun-python-sdk-core is the version mk/python.mk also installs.
OFFICIAL_PY_DEPS := \
	aliyun-python-sdk-core==2.16.1 \
	alibabacloud-tea-openapi==0.4.6 \
	alibabacloud-tea==0.4.3 \
	alibabacloud-tea-util==0.3.15 \
	alibabacloud-credentials==1.0.12 \
	alibabacloud-credentials-api==1.0.1 \
	alibabacloud-gateway-spi==0.0.4 \
	darabonba-core==1.0.9
OFFICIAL_EMULATOR := $(TARGET_DIR)/debug/bidcert-emulator

TEST_TARGETS += official-test

.PHONY: official-test official-emulator official-py-deps official-python-test official-go-test

## official-test: the official Python and Go SDKs against the emulator, over HTTP and HTTPS
official-test: official-python-test official-go-test

official-emulator:
	$(CARGO) build --quiet -p bidcert-cli --bin bidcert-emulator

# A stamp of its own beside mk/python.mk's, remade when this file changes.
official-py-deps: venv
	@stamp="$(VENV)/.bidcert-official-deps"; \
	if [ ! -f "$$stamp" ] || [ "$(ROOT)/mk/official.mk" -nt "$$stamp" ]; then \
		echo "installing the official Python SDKs into $(VENV)"; \
		"$(VENV_PY)" -m pip install --quiet --disable-pip-version-check $(OFFICIAL_PY_DEPS) \
			&& touch "$$stamp"; \
	fi

## official-python-test: aliyun-python-sdk-core and alibabacloud_tea_openapi (pytest)
official-python-test: official-py-deps official-emulator
	cd "$(ROOT)" && rc=0 && BIDCERT_EMULATOR="$(OFFICIAL_EMULATOR)" "$(VENV_PY)" -m pytest \
		tests/official/python -q -p no:cacheprovider -W ignore::DeprecationWarning || rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "official-python-test: pytest collected no tests" >&2; exit 1; fi; \
		exit $$rc

## official-go-test: alibaba-cloud-sdk-go's CommonRequest (go test)
official-go-test: official-emulator
	cd "$(ROOT)/tests/official/go" && $(GO) vet ./...
	cd "$(ROOT)/tests/official/go" && BIDCERT_EMULATOR="$(OFFICIAL_EMULATOR)" $(GO) test -count=1 -v ./...

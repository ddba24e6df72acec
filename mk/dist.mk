# make dist: every artefact a user installs, in dist/ with SHA256SUMS; and make install-test:
# each artefact installed the way a user outside this repository would (tests/install/).
# Included by the root Makefile, which defines ROOT, CARGO, TARGET_DIR, VERSION and PREFIX, and
# runs INSTALL_TEST_TARGETS in make test. Recipes also use what mk/ffi.mk and mk/python.mk define (FFI_NATIVE_LIBS,
# VENV_PY, PY_ENV ...): those files are included after this one, so only recipes and
# prerequisites name them.

DIST_DIR   := $(ROOT)/dist
DIST_STAGE := $(TARGET_DIR)/dist
DIST_ARCH  := $(shell uname -m)
DIST_C_NAME := bidcert-$(VERSION)-linux-$(DIST_ARCH)
DIST_TESTING_NAME := bidcert-testing-$(VERSION)-linux-$(DIST_ARCH)
# The crates published on crates.io, in dependency order. The C ABI, the emulator's C face,
# the Python module and the CLI ship as the tarballs and the wheel instead.
DIST_CRATES := bidcert-core bidcert-emulator bidcert
DIST_CRATE_FLAGS := $(addprefix -p ,$(DIST_CRATES))
# Pinned: the packaging checks (twine reads Metadata-Version 2.4, which maturin writes).
DIST_PY_TOOLS := twine==7.0.0
# Offline installs for the install tests: the sdist's build backend, as a local wheel.
INSTALL_WHEELHOUSE := $(TARGET_DIR)/install-test/wheelhouse
INSTALL_ENV = BIDCERT_DIST="$(DIST_DIR)" BIDCERT_VERSION="$(VERSION)" BIDCERT_ROOT="$(ROOT)" \
	BIDCERT_WHEELHOUSE="$(INSTALL_WHEELHOUSE)"

INSTALL_TESTS := install-test-python-wheel install-test-python-sdist install-test-c \
	install-test-go install-test-rust install-test-js
# After every other suite (the root Makefile's test target): a broken build fails there first.
INSTALL_TEST_TARGETS := install-test fresh-clone-demo

.PHONY: dist dist-dir dist-python dist-c dist-c-stage dist-rust dist-js dist-py-tools install \
	install-test $(INSTALL_TESTS) install-wheelhouse fresh-clone-demo

## dist: the wheel and sdist, the C tarballs, the crates and the npm package, into dist/
dist: dist-python dist-c dist-rust dist-js
	cd "$(DIST_DIR)" && rm -f SHA256SUMS && sha256sum -- * > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS
	@echo "dist: $(DIST_DIR)"; cd "$(DIST_DIR)" && ls -l --block-size=K -- * | awk '{ printf "  %8s  %s\n", $$5, $$9 }'

dist-dir:
	rm -rf "$(DIST_DIR)"
	mkdir -p "$(DIST_DIR)"

# A stamp of its own beside mk/python.mk's, remade when this file changes.
dist-py-tools: venv
	@stamp="$(VENV)/.bidcert-dist-tools"; \
	if [ ! -f "$$stamp" ] || [ "$(ROOT)/mk/dist.mk" -nt "$$stamp" ]; then \
		echo "installing the packaging checks into $(VENV)"; \
		"$(VENV_PY)" -m pip install --quiet --disable-pip-version-check $(DIST_PY_TOOLS) && touch "$$stamp"; \
	fi

## dist-python: the abi3 wheel (the lowest manylinux tag this machine's build complies with,
## as maturin's audit finds it) and the sdist, checked by check_wheel.py and twine
dist-python: dist-dir dist-py-tools
	cd "$(ROOT)" && $(PY_ENV) maturin build --release --quiet --compatibility pypi \
		--auditwheel check --out "$(DIST_DIR)"
	cd "$(ROOT)" && $(PY_ENV) maturin sdist --out "$(DIST_DIR)"
	"$(VENV_PY)" "$(ROOT)/tests/python/check_wheel.py" "$(DIST_DIR)"/bidcert-$(VERSION)-*.whl
	@case "$$(basename "$(DIST_DIR)"/bidcert-$(VERSION)-*.whl)" in \
		*-cp310-abi3-manylinux_*) ;; \
		*) echo "dist-python: the wheel is not tagged cp310-abi3-manylinux_*"; exit 1;; esac
	"$(VENV_BIN)/twine" check --strict "$(DIST_DIR)"/bidcert-$(VERSION)-*.whl "$(DIST_DIR)"/bidcert-$(VERSION).tar.gz

## dist-c: bidcert-VERSION-linux-ARCH.tar.gz (libbidcert.a, libbidcert.so with its SONAME and
## links, bidcert.h, bidcert.pc, the CMake package, the bidcert-emulator program) and the test
## support beside it in bidcert-testing-VERSION-linux-ARCH.tar.gz
dist-c: dist-dir dist-c-stage
	tar -C "$(DIST_STAGE)" --owner=0 --group=0 --sort=name -czf "$(DIST_DIR)/$(DIST_C_NAME).tar.gz" $(DIST_C_NAME)
	tar -C "$(DIST_STAGE)" --owner=0 --group=0 --sort=name -czf "$(DIST_DIR)/$(DIST_TESTING_NAME).tar.gz" $(DIST_TESTING_NAME)

# The two trees, relocatable: bidcert.pc and the CMake package find the prefix from where they
# lie, so the tarball unpacks anywhere (or into /usr/local).
dist-c-stage: ffi-lib-release
	$(CARGO) build --quiet --release -p bidcert-testing-ffi -p bidcert-cli --lib --bin bidcert-emulator
	@readelf -d "$(FFI_RELEASE)/libbidcert.so" | grep -q 'SONAME.*\[libbidcert\.so\.0\]' \
		|| { echo "dist-c: libbidcert.so has no SONAME libbidcert.so.0"; exit 1; }
	rm -rf "$(DIST_STAGE)/$(DIST_C_NAME)" "$(DIST_STAGE)/$(DIST_TESTING_NAME)"
	mkdir -p "$(DIST_STAGE)" && cd "$(DIST_STAGE)/" && mkdir -p $(DIST_C_NAME)/{bin,include,lib/pkgconfig,lib/cmake/bidcert,share/doc/bidcert}
	install -m 644 "$(FFI_RELEASE)/libbidcert.a" "$(DIST_STAGE)/$(DIST_C_NAME)/lib/libbidcert.a"
	install -m 755 "$(FFI_RELEASE)/libbidcert.so" "$(DIST_STAGE)/$(DIST_C_NAME)/lib/libbidcert.so.$(VERSION)"
	install -m 755 "$(FFI_RELEASE)/bidcert-emulator" "$(DIST_STAGE)/$(DIST_C_NAME)/bin/bidcert-emulator"
	@# The standard library's debug information is most of the archive; symbols stay.
	strip --strip-debug "$(DIST_STAGE)/$(DIST_C_NAME)"/lib/libbidcert.{a,so.$(VERSION)} \
		"$(DIST_STAGE)/$(DIST_C_NAME)/bin/bidcert-emulator"
	ln -s libbidcert.so.$(VERSION) "$(DIST_STAGE)/$(DIST_C_NAME)/lib/libbidcert.so.0"
	ln -s libbidcert.so.0 "$(DIST_STAGE)/$(DIST_C_NAME)/lib/libbidcert.so"
	install -m 644 "$(ROOT)/include/bidcert.h" "$(DIST_STAGE)/$(DIST_C_NAME)/include/bidcert.h"
	sed -e 's|@PREFIX@|$${pcfiledir}/../..|g' -e 's|@VERSION@|$(VERSION)|g' \
		-e 's|@NATIVE_LIBS@|$(FFI_NATIVE_LIBS)|g' "$(ROOT)/crates/bidcert-ffi/bidcert.pc.in" \
		> "$(DIST_STAGE)/$(DIST_C_NAME)/lib/pkgconfig/bidcert.pc"
	sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@NATIVE_LIBS@|$(subst $() ,;,$(strip $(patsubst -l%,%,$(FFI_NATIVE_LIBS))))|g' \
		"$(ROOT)/crates/bidcert-ffi/cmake/bidcertConfig.cmake" \
		> "$(DIST_STAGE)/$(DIST_C_NAME)/lib/cmake/bidcert/bidcertConfig.cmake"
	cmake -DVERSION=$(VERSION) -DOUT="$(DIST_STAGE)/$(DIST_C_NAME)/lib/cmake/bidcert" \
		-P "$(ROOT)/crates/bidcert-ffi/cmake/version.cmake"
	install -m 644 "$(ROOT)/LICENSE-MIT" "$(ROOT)/LICENSE-APACHE" "$(ROOT)/crates/bidcert-ffi/README.md" \
		"$(DIST_STAGE)/$(DIST_C_NAME)/share/doc/bidcert/"
	cd "$(DIST_STAGE)/" && mkdir -p $(DIST_TESTING_NAME)/{include,lib/pkgconfig,share/doc/bidcert-testing}
	install -m 755 "$(FFI_RELEASE)/libbidcert_testing.so" "$(DIST_STAGE)/$(DIST_TESTING_NAME)/lib/libbidcert_testing.so"
	strip --strip-debug "$(DIST_STAGE)/$(DIST_TESTING_NAME)/lib/libbidcert_testing.so"
	install -m 644 "$(ROOT)/include/bidcert_testing.h" "$(DIST_STAGE)/$(DIST_TESTING_NAME)/include/bidcert_testing.h"
	sed -e 's|@PREFIX@|$${pcfiledir}/../..|g' -e 's|@VERSION@|$(VERSION)|g' \
		"$(ROOT)/crates/bidcert-testing-ffi/bidcert-testing.pc.in" \
		> "$(DIST_STAGE)/$(DIST_TESTING_NAME)/lib/pkgconfig/bidcert-testing.pc"
	install -m 644 "$(ROOT)/LICENSE-MIT" "$(ROOT)/LICENSE-APACHE" "$(ROOT)/crates/bidcert-testing-ffi/README.md" \
		"$(DIST_STAGE)/$(DIST_TESTING_NAME)/share/doc/bidcert-testing/"

## dist-rust: the published crates as cargo package makes them (built from the packaged
## sources), then cargo publish --dry-run on the same set
dist-rust: dist-dir
	cd "$(ROOT)" && $(CARGO) package --quiet --allow-dirty $(DIST_CRATE_FLAGS)
	cd "$(ROOT)" && $(CARGO) publish --quiet --dry-run --no-verify --allow-dirty $(DIST_CRATE_FLAGS)
	cp $(foreach c,$(DIST_CRATES),"$(TARGET_DIR)/package/$(c)-$(VERSION).crate") "$(DIST_DIR)/"

## dist-js: npm pack of web/ (its package.json: exports, types, files), with the licences
dist-js: dist-dir
	@v=$$($(NODE) -p 'require("$(ROOT)/web/package.json").version'); [ "$$v" = "$(VERSION)" ] \
		|| { echo "dist-js: web/package.json has version $$v, the workspace $(VERSION)"; exit 1; }
	rm -rf "$(DIST_STAGE)/npm" && mkdir -p "$(DIST_STAGE)/npm"
	cp "$(ROOT)"/web/{package.json,README.md,bidcert-fastauth.js,bidcert-fastauth.d.ts} "$(ROOT)"/LICENSE-{MIT,APACHE} "$(DIST_STAGE)/npm/"
	cd "$(DIST_STAGE)/npm" && $(NPM) pack --silent --pack-destination "$(DIST_DIR)" >/dev/null

## install: the C tarball's tree (libraries, header, bidcert.pc, the CMake package, the
## emulator program) under PREFIX (default /usr/local)
install: dist-c-stage
	install -d "$(DESTDIR)$(PREFIX)"
	cp -R --no-dereference --preserve=mode,links "$(DIST_STAGE)/$(DIST_C_NAME)"/. "$(DESTDIR)$(PREFIX)/"
	sed -i 's|^prefix=.*|prefix=$(PREFIX)|' "$(DESTDIR)$(PREFIX)/lib/pkgconfig/bidcert.pc"
	@echo "installed bidcert $(VERSION) under $(DESTDIR)$(PREFIX)"

## install-test: every artefact in dist/, installed and used from a directory outside the
## checkout (tests/install/README.md says what each proves)
install-test: $(INSTALL_TESTS)
	@echo "install-test: every artefact installs and runs from outside the checkout"

# The install tests need dist/ (made once per make run) and nothing else from the build.
install-test-python-wheel: dist
	$(INSTALL_ENV) "$(ROOT)/tests/install/python_wheel.sh"

install-test-python-sdist: dist install-wheelhouse
	$(INSTALL_ENV) "$(ROOT)/tests/install/python_sdist.sh"

install-test-c: dist ffi-c-deps
	$(INSTALL_ENV) "$(ROOT)/tests/install/c.sh"

install-test-go: dist
	$(INSTALL_ENV) GO="$(GO)" BIDCERT_GOCACHE="$(TARGET_DIR)/install-test/gocache" "$(ROOT)/tests/install/go.sh"

install-test-rust: dist
	$(INSTALL_ENV) CARGO="$(CARGO)" "$(ROOT)/tests/install/rust.sh"

# The browser suite's harness (Chromium, the back office) serves a page from outside.
install-test-js: dist web-deps python-build
	cd "$(WEB_TESTS)" && $(INSTALL_ENV) BIDCERT_CHROMIUM="$(WEB_CHROMIUM)" BIDCERT_PYTHON="$(VENV_PY)" \
		$(NODE) --test --test-reporter=spec "$(ROOT)/tests/install/js/"

# The sdist's build backend, pinned as mk/python.mk pins it, fetched once so that the sdist
# installs with no index.
install-wheelhouse: venv
	@mkdir -p "$(INSTALL_WHEELHOUSE)"
	@ls "$(INSTALL_WHEELHOUSE)"/$(subst ==,-,$(filter maturin==%,$(PY_DEV_TOOLS)))-*.whl >/dev/null 2>&1 \
		|| "$(VENV_PY)" -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
			--dest "$(INSTALL_WHEELHOUSE)" $(filter maturin==%,$(PY_DEV_TOOLS))

## fresh-clone-demo: make demo on a fresh clone of this repository's HEAD, with
## CARGO_TARGET_DIR outside the clone
fresh-clone-demo:
	"$(ROOT)/tests/install/fresh_clone_demo.sh" "$(ROOT)" "$(TARGET_DIR)"

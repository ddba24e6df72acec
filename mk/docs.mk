# make docs: the API reference (rustdoc of the published crates, pdoc of the Python package,
# go doc of the Go packages) and the guide (docs/guide), into TARGET_DIR/docs with an
# index.html at its top; make link-check (part of make test): every relative link and anchor
# of the README and the guide resolves.
# Included by the root Makefile, which defines ROOT, CARGO, TARGET_DIR and TEST_TARGETS;
# recipes use mk/python.mk's VENV, VENV_PY and VENV_BIN (included after this file).

DOCS_OUT := $(TARGET_DIR)/docs
DOCS_CRATES := bidcert-core bidcert bidcert-emulator
# rustdoc writes every crate it documents into one directory; the published crates get one of
# their own, so the workspace's other crates stay out of the reference and its search.
DOCS_RUST_TARGET := $(TARGET_DIR)/docs-rust
# Pinned: the Python reference's generator and the guide's Markdown reader.
DOCS_PY_TOOLS := pdoc==16.0.0 markdown==3.11.3
# The public modules (bidcert re-exports _native; its __all__ hides the submodules from pdoc).
DOCS_PY_MODULES := bidcert bidcert.exceptions bidcert.exchange bidcert.testing bidcert.pytest_plugin
DOCS_LINKED := $(ROOT)/README.md $(wildcard $(ROOT)/docs/guide/*.md) $(ROOT)/tests/install/README.md

TEST_TARGETS += link-check

.PHONY: docs docs-py-tools docs-rust docs-python docs-go docs-guide link-check

## docs: the reference and the guide into $(TARGET_DIR)/docs (open index.html)
docs: docs-guide
	@echo "docs: $(DOCS_OUT)/index.html"

# A stamp of its own beside mk/python.mk's, remade when this file changes.
docs-py-tools: venv
	@stamp="$(VENV)/.bidcert-docs-tools"; \
	if [ ! -f "$$stamp" ] || [ "$(ROOT)/mk/docs.mk" -nt "$$stamp" ]; then \
		echo "installing the documentation tools into $(VENV)"; \
		"$(VENV_PY)" -m pip install --quiet --disable-pip-version-check $(DOCS_PY_TOOLS) && touch "$$stamp"; \
	fi

docs-rust:
	cd "$(ROOT)" && RUSTDOCFLAGS=-Dwarnings CARGO_TARGET_DIR="$(DOCS_RUST_TARGET)" \
		$(CARGO) doc --quiet --no-deps $(addprefix -p ,$(DOCS_CRATES))
	rm -rf "$(DOCS_OUT)/rust" && mkdir -p "$(DOCS_OUT)"
	cp -R "$(DOCS_RUST_TARGET)/doc" "$(DOCS_OUT)/rust"

# From the installed package (make python-build): the docstrings of the Rust side, the stubs'
# signatures, the pure-Python modules.
docs-python: python-build docs-py-tools
	rm -rf "$(DOCS_OUT)/python" && mkdir -p "$(DOCS_OUT)"
	cd "$(DOCS_OUT)" && "$(VENV_BIN)/pdoc" --docformat restructuredtext --no-search \
		--output-directory "$(DOCS_OUT)/python" $(DOCS_PY_MODULES)

docs-go:
	rm -rf "$(DOCS_OUT)/go" && mkdir -p "$(DOCS_OUT)/go"
	cd "$(ROOT)/go" && $(GO) doc -all . > "$(DOCS_OUT)/go/bidcert.txt"
	cd "$(ROOT)/go" && $(GO) doc -all ./bidcerttest > "$(DOCS_OUT)/go/bidcerttest.txt"

docs-guide: docs-rust docs-python docs-go docs-py-tools
	"$(VENV_PY)" "$(ROOT)/docs/tools/guide.py" build "$(DOCS_OUT)"

## link-check: every relative link and anchor of the README and the guide resolves (links to
## the web are not fetched)
link-check: docs-py-tools
	"$(VENV_PY)" "$(ROOT)/docs/tools/guide.py" check $(DOCS_LINKED)

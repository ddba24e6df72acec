#!/usr/bin/env bash
# The Python wheel as a user without Rust installs it: a fresh venv, no cargo or rustc on PATH,
# pip install of the wheel from dist/ with no index; then import it, sign the shared vectors,
# query bidcert.testing.Emulator, and run the console script (bidcert --version, bidcert demo).
source "$(dirname "$0")/lib.sh"

PYTHON=${PYTHON:-python3}
wheel=$(artefact "bidcert-$VERSION-cp310-abi3-manylinux_*.whl")
# The interpreter's real path, so that the venv does not depend on a shim's PATH lookup.
python=$("$PYTHON" -c 'import sys; print(sys.executable)')
"$python" -m venv "$SCRATCH/venv" || fail "$python cannot make a venv"
# Only the venv and the system's directories: no Rust toolchain, nothing from the checkout.
export PATH="$SCRATCH/venv/bin:/usr/bin:/bin"
unset PYTHONPATH VIRTUAL_ENV CARGO_TARGET_DIR
for tool in cargo rustc maturin; do
    ! command -v "$tool" >/dev/null || fail "$tool is on PATH ($(command -v "$tool")): the test would not show the wheel needs no Rust"
done
cp "$HERE/python/smoke.py" "$BIDCERT_ROOT/tests/vectors/signing.json" "$SCRATCH/"
cd "$SCRATCH"

step "pip install --no-index $(basename "$wheel")"
pip install --quiet --no-index --no-deps --disable-pip-version-check "$wheel" \
    || fail "pip refuses $(basename "$wheel")"
step "import, sign, query the in-process emulator"
python smoke.py signing.json || fail "the installed package does not work"
step "bidcert --version; bidcert demo"
version=$(bidcert --version) || fail "bidcert --version failed"
[[ "$version" == *"$VERSION"* ]] || fail "bidcert --version printed '$version', not $VERSION"
bidcert demo >demo.log 2>&1 || fail "bidcert demo failed: $(tail -20 demo.log)"
step "ok: $(basename "$wheel") installs without Rust; import, signing, emulator, bidcert --version ($version) and bidcert demo"

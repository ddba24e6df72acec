#!/usr/bin/env bash
# The Python sdist as a user with a Rust toolchain installs it: a fresh venv, pip install of
# the sdist from dist/, built in pip's isolated build environment; then the same checks as the
# wheel's. Offline: the build backend (maturin, pinned) comes from BIDCERT_WHEELHOUSE, the
# crates from cargo's local cache. It builds in CARGO_TARGET_DIR when set (make passes the
# workspace's), so that the registry's crates are not compiled again.
source "$(dirname "$0")/lib.sh"

PYTHON=${PYTHON:-python3}
sdist=$(artefact "bidcert-$VERSION.tar.gz")
wheelhouse=${BIDCERT_WHEELHOUSE:?BIDCERT_WHEELHOUSE, the directory of the build backend wheel, is not set}
ls "$wheelhouse"/maturin-*.whl >/dev/null 2>&1 || fail "no maturin wheel in $wheelhouse (make install-wheelhouse)"
python=$("$PYTHON" -c 'import sys; print(sys.executable)')
"$python" -m venv "$SCRATCH/venv" || fail "$python cannot make a venv"
export PATH="$SCRATCH/venv/bin:$PATH"
unset PYTHONPATH VIRTUAL_ENV
cp "$HERE/python/smoke.py" "$BIDCERT_ROOT/tests/vectors/signing.json" "$SCRATCH/"
cd "$SCRATCH"

step "pip install $(basename "$sdist") (maturin builds it)"
CARGO_NET_OFFLINE=true pip install --quiet --no-index --find-links "$wheelhouse" \
    --disable-pip-version-check "$sdist" >build.log 2>&1 \
    || fail "the sdist does not build: $(tail -30 build.log)"
installed=$(pip show --files bidcert) || fail "pip does not list bidcert after installing the sdist"
grep -q 'bidcert/_native' <<<"$installed" || fail "the sdist's install has no native module"
step "import, sign, query the in-process emulator"
python smoke.py signing.json || fail "the package built from the sdist does not work"
bidcert --version >/dev/null || fail "bidcert --version failed"
step "ok: $(basename "$sdist") builds and installs; import, signing, emulator, bidcert --version"

#!/usr/bin/env bash
# fresh_clone_demo.sh CHECKOUT TARGET_DIR: `make demo` on a fresh clone of CHECKOUT's HEAD with
# CARGO_TARGET_DIR=TARGET_DIR, a directory outside the clone, as a developer whose cargo
# builds elsewhere runs it. Nothing may land in the clone's own target/.
#
# To stay fast it points cargo at the checkout's own target dir, where everything is built:
# the clone's files are dated back, so that cargo finds its artefacts fresh rather than
# rebuilding them from (and over) the clone. A build the clone did need would still run.
set -euo pipefail
checkout=$1
target=$2
fail() {
    echo "fresh-clone-demo: FAILED: $*" >&2
    exit 1
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/bidcert-fresh-clone.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
case "$target/" in "$scratch"/*) fail "the target dir $target is inside the clone" ;; esac
git clone --quiet "$checkout" "$scratch/clone" || fail "git clone $checkout failed"
find "$scratch/clone" -path "$scratch/clone/.git" -prune -o -exec touch -h -d '2000-01-01 00:00:00' {} +
echo "fresh-clone-demo: make demo in $scratch/clone with CARGO_TARGET_DIR=$target"
# A make of its own: nothing of this make's variables or flags.
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS CARGO_TARGET_DIR="$target" \
    make -C "$scratch/clone" --no-print-directory demo >"$scratch/demo.log" 2>&1 \
    || fail "make demo failed on a fresh clone with CARGO_TARGET_DIR=$target: $(tail -20 "$scratch/demo.log")"
[ ! -e "$scratch/clone/target" ] || fail "make demo wrote into the clone's target/ although CARGO_TARGET_DIR=$target"
echo "fresh-clone-demo: ok: the demo ran from $target/debug/bidcert; the clone has no target/"

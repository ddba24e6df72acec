# Sourced by every install test: where dist/ is, a scratch directory outside the checkout, and
# failures that say which artefact is missing or broken.
# Environment: BIDCERT_DIST (the dist/ directory), BIDCERT_ROOT (the checkout, only for the
# test's own sources and for Go's `replace`).
set -euo pipefail

INSTALL_TEST=$(basename "$0" .sh)
fail() {
    echo "install-test $INSTALL_TEST: FAILED: $*" >&2
    exit 1
}
step() { echo "install-test $INSTALL_TEST: $*"; }

[ -n "${BIDCERT_DIST:-}" ] || fail "BIDCERT_DIST is not set (run it through make install-test)"
[ -d "$BIDCERT_DIST" ] || fail "$BIDCERT_DIST is missing: run make dist"
BIDCERT_DIST=$(cd "$BIDCERT_DIST" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=${BIDCERT_VERSION:?BIDCERT_VERSION is not set (run it through make install-test)}

# the artefact in dist/ named by a glob, which must match exactly one file
artefact() {
    local matches=() path
    shopt -s nullglob
    for path in "$BIDCERT_DIST"/$1; do
        [ -f "$path" ] && matches+=("$path") # a pattern without wildcards stays as written
    done
    shopt -u nullglob
    case ${#matches[@]} in
    1) printf '%s\n' "${matches[0]}" ;;
    0) fail "no $1 in $BIDCERT_DIST: run make dist" ;;
    *) fail "more than one $1 in $BIDCERT_DIST: ${matches[*]}" ;;
    esac
}

# A fresh directory under the system's temporary directory, removed on exit (KEEP_SCRATCH=1
# keeps it). Its name is the same on every run from this checkout, so that what the test builds
# there (cargo keys a path dependency's artefacts on its path) is found again next time.
SCRATCH=${TMPDIR:-/tmp}/bidcert-install-$(printf '%s' "$BIDCERT_ROOT" | sha1sum | cut -c1-10)/$INSTALL_TEST
case "$SCRATCH/" in "$BIDCERT_ROOT"/*) fail "the scratch directory $SCRATCH is inside the checkout" ;; esac
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
trap '[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"' EXIT

# unpacks the C tarball (bidcert-VERSION-linux-ARCH.tar.gz) into $1, checking its tree
unpack_c() {
    local tarball prefix=$1
    tarball=$(artefact "bidcert-$VERSION-linux-*.tar.gz")
    mkdir -p "$prefix"
    tar -xzf "$tarball" -C "$prefix" --strip-components=1 || fail "$tarball does not unpack"
    for f in include/bidcert.h lib/libbidcert.a lib/libbidcert.so lib/libbidcert.so.0 \
        "lib/libbidcert.so.$VERSION" lib/pkgconfig/bidcert.pc lib/cmake/bidcert/bidcertConfig.cmake \
        lib/cmake/bidcert/bidcertConfigVersion.cmake bin/bidcert-emulator; do
        [ -e "$prefix/$f" ] || fail "$(basename "$tarball") has no $f"
    done
}

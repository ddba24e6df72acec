#!/usr/bin/env bash
# C from the tarball: a program outside the tree (examples/c/query.c, copied out) compiled
# against the unpacked bidcert-VERSION-linux-ARCH.tar.gz three ways and run against the
# tarball's own bidcert-emulator program:
#   1. shared: cc query.c $(pkg-config --cflags --libs bidcert)
#   2. static: a tree unpacked without the shared library, cc query.c
#      $(pkg-config --static --cflags --libs bidcert)
#   3. CMake: find_package(bidcert), bidcert::bidcert and bidcert::bidcert_static
# Then the test support tarball: a program with the emulator in-process.
source "$(dirname "$0")/lib.sh"

tarball=$(artefact "bidcert-$VERSION-linux-*.tar.gz")
testing_tarball=$(artefact "bidcert-testing-$VERSION-linux-*.tar.gz")
prefix=$SCRATCH/prefix
unpack_c "$prefix"
emulator=$prefix/bin/bidcert-emulator
app=$SCRATCH/app
mkdir -p "$app"
cp "$BIDCERT_ROOT/examples/c/query.c" "$HERE/c/CMakeLists.txt" "$HERE/c/emulated.c" "$app/"
cd "$app"
CFLAGS=(-std=c99 -Wall -Wextra -Werror)

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | xargs; }

# runs a query program against a fresh bidcert-emulator; it must print the demo's answers
check_run() {
    local out
    out=$("$BIDCERT_ROOT/tests/c/with_emulator.sh" "$emulator" "$@" 2>&1) \
        || fail "$* failed against the emulator: $out"
    grep -q '^certified: yes' <<<"$out" && grep -q '^link: http://127\.0\.0\.1:' <<<"$out" \
        || fail "$* printed something else than the demo's answers: $out"
}

step "shared: cc query.c \$(pkg-config --cflags --libs bidcert)"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs bidcert) || fail "pkg-config finds no bidcert in $PKG_CONFIG_PATH"
# shellcheck disable=SC2086 # pkg-config's flags are words
cc "${CFLAGS[@]}" -o query_shared query.c $flags || fail "query.c does not build with: $flags"
case " $(needed query_shared) " in *" libbidcert.so.0 "*) ;; *)
    fail "query_shared does not record libbidcert.so.0 (NEEDED: $(needed query_shared))" ;; esac
loaded=$(LD_LIBRARY_PATH=$prefix/lib ldd query_shared)
grep -qF "=> $prefix/lib/libbidcert.so.0 " <<<"$loaded" \
    || fail "query_shared does not load the unpacked libbidcert.so.0: $loaded"
LD_LIBRARY_PATH=$prefix/lib check_run ./query_shared

step "static: a tree without the shared library; cc query.c \$(pkg-config --static --cflags --libs bidcert)"
static_prefix=$SCRATCH/static-prefix
mkdir -p "$static_prefix"
tar -xzf "$tarball" -C "$static_prefix" --strip-components=1 --wildcards --exclude='*/lib/libbidcert.so*'
flags=$(PKG_CONFIG_PATH=$static_prefix/lib/pkgconfig pkg-config --static --cflags --libs bidcert) \
    || fail "pkg-config --static finds no bidcert in $static_prefix"
# shellcheck disable=SC2086
cc "${CFLAGS[@]}" -o query_static query.c $flags || fail "query.c does not build with: $flags"
case " $(needed query_static) " in *libbidcert*)
    fail "query_static needs a shared libbidcert (NEEDED: $(needed query_static))" ;; esac
check_run ./query_static

step "CMake: find_package(bidcert) with CMAKE_PREFIX_PATH=$prefix"
cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" >cmake.log 2>&1 \
    || fail "cmake could not configure against $prefix: $(cat cmake.log)"
cmake --build build >>cmake.log 2>&1 || fail "the CMake build failed: $(cat cmake.log)"
case " $(needed build/query_shared) " in *" libbidcert.so.0 "*) ;; *)
    fail "bidcert::bidcert does not link libbidcert.so.0 (NEEDED: $(needed build/query_shared))" ;; esac
case " $(needed build/query_static) " in *libbidcert*)
    fail "bidcert::bidcert_static links a shared libbidcert (NEEDED: $(needed build/query_static))" ;; esac
# No LD_LIBRARY_PATH: CMake's build tree carries the run path to the imported library.
check_run build/query_shared
check_run build/query_static

step "test support: cc emulated.c \$(pkg-config --cflags --libs bidcert bidcert-testing)"
tar -xzf "$testing_tarball" -C "$prefix" --strip-components=1 || fail "$testing_tarball does not unpack"
case "$(pkg-config --libs bidcert)" in *bidcert_testing*) fail "bidcert.pc links the test support" ;; esac
flags=$(pkg-config --cflags --libs bidcert bidcert-testing) \
    || fail "pkg-config finds no bidcert-testing in $PKG_CONFIG_PATH after unpacking $(basename "$testing_tarball")"
# shellcheck disable=SC2086
cc "${CFLAGS[@]}" -o emulated emulated.c $flags || fail "emulated.c does not build with: $flags"
out=$(LD_LIBRARY_PATH=$prefix/lib ./emulated 2>&1) || fail "emulated failed: $out"
grep -q 'certified: yes' <<<"$out" || fail "emulated printed: $out"

step "ok: pkg-config (shared and --static), CMake (both targets) and the test support"

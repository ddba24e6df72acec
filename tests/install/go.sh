#!/usr/bin/env bash
# Go from outside: a module of its own imports github.com/bidcert/bidcert/go (a `replace` to
# the checkout's go/, since no module host is reachable from here), builds against the
# unpacked C tarball through pkg-config, and runs a query against the tarball's
# bidcert-emulator program through bidcerttest.
source "$(dirname "$0")/lib.sh"

GO=${GO:-go}
prefix=$SCRATCH/prefix
unpack_c "$prefix"
mod=$SCRATCH/backoffice
mkdir -p "$mod"
cp "$HERE/go/backoffice_test.go" "$mod/"
cat >"$mod/go.mod" <<MOD
module example.com/backoffice

go 1.22

require github.com/bidcert/bidcert/go v0.0.0

replace github.com/bidcert/bidcert/go => $BIDCERT_ROOT/go
MOD
cd "$mod"

# Nothing from the network; the library, header and emulator only from the unpacked tarball.
export GOPROXY=off GOFLAGS=-mod=mod GOWORK=off
# A build cache of its own: the go command reuses a cgo package's cached build when only what
# pkg-config answers changed, so a shared cache would hand this build the in-tree one (linked to
# the checkout's static library), and the checkout's builds this one's (a deleted prefix).
export GOCACHE=${BIDCERT_GOCACHE:-$SCRATCH/gocache}
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export BIDCERT_EMULATOR=$prefix/bin/bidcert-emulator
unset CGO_CFLAGS CGO_LDFLAGS

step "go vet and go test -c with PKG_CONFIG_PATH=$PKG_CONFIG_PATH"
"$GO" vet ./... || fail "go vet failed on a module importing github.com/bidcert/bidcert/go"
"$GO" test -c -o backoffice.test . || fail "the outside module does not build against the unpacked library"
needed=$(readelf -d backoffice.test | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | xargs)
case " $needed " in *" libbidcert.so.0 "*) ;; *)
    fail "the test binary does not link libbidcert.so.0 (NEEDED: $needed)" ;; esac

step "the query against the emulator"
LD_LIBRARY_PATH=$prefix/lib ./backoffice.test -test.v -test.count=1 \
    || fail "the outside module's test against the emulator failed"
step "ok: imported by path, linked through pkg-config, queried the emulator"

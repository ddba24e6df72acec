#!/usr/bin/env bash
# Rust from the packaged crates: an outside crate depends on bidcert, bidcert-core and
# bidcert-emulator by version, as from crates.io, with [patch.crates-io] pointing at the
# unpacked .crate files from dist/; it builds and runs a query against the emulator.
# Offline: every dependency comes from cargo's local cache (the workspace's build filled it).
# It builds in CARGO_TARGET_DIR when set (make passes the workspace's), so that the
# registry's crates are not compiled again.
source "$(dirname "$0")/lib.sh"

CARGO=${CARGO:-cargo}
crates=$SCRATCH/crates
mkdir -p "$crates"
for name in bidcert-core bidcert bidcert-emulator; do
    crate=$(artefact "$name-$VERSION.crate")
    tar -xzf "$crate" -C "$crates" || fail "$crate does not unpack"
    [ -f "$crates/$name-$VERSION/Cargo.toml" ] || fail "$(basename "$crate") has no Cargo.toml"
done

app=$SCRATCH/backoffice
mkdir -p "$app/src"
cp "$HERE/rust/main.rs" "$app/src/main.rs"
cat >"$app/Cargo.toml" <<TOML
[package]
name = "backoffice"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
bidcert = "$VERSION"
bidcert-core = "$VERSION"
bidcert-emulator = "$VERSION"

[patch.crates-io]
bidcert = { path = "$crates/bidcert-$VERSION" }
bidcert-core = { path = "$crates/bidcert-core-$VERSION" }
bidcert-emulator = { path = "$crates/bidcert-emulator-$VERSION" }
TOML
# The versions the packaged crate was built and verified with (cargo package ships its lock).
cp "$crates/bidcert-$VERSION/Cargo.lock" "$app/Cargo.lock"
cd "$app"

step "cargo build --offline of an outside crate on the unpacked crates"
"$CARGO" build --offline --quiet || fail "the outside crate does not build on the packaged crates"
tree=$("$CARGO" tree --offline --quiet -e normal --prefix none)
used=$(grep -F "($crates/" <<<"$tree" | awk '{ print $1 }' | sort -u | xargs)
[ "$used" = "bidcert bidcert-core bidcert-emulator" ] \
    || fail "the build did not take the three crates from the unpacked ones (it took: ${used:-none})"
step "the query against the emulator"
"$CARGO" run --offline --quiet || fail "the outside crate's program failed against the emulator"
step "ok: built on the packaged crates and queried the emulator"

#!/usr/bin/env bash
# with_emulator.sh EMULATOR COMMAND...: runs COMMAND with BIDCERT_ENDPOINT set to a fresh
# emulator (the bidcert-emulator program, as a user's test would start it), then stops it.
# COMMAND's exit status is the script's.
set -euo pipefail
emulator=$1
shift
fifo=$(mktemp -u)
mkfifo "$fifo"
"$emulator" >"$fifo" 2>/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$fifo"' EXIT
exec 3<"$fifo"
# The first line is {"url": "http://127.0.0.1:PORT"}.
read -r -t 30 first <&3 || { echo "with_emulator.sh: $emulator printed nothing" >&2; exit 1; }
url=$(sed -n 's/.*"url": *"\([^"]*\)".*/\1/p' <<<"$first")
[ -n "$url" ] || { echo "with_emulator.sh: no url in: $first" >&2; exit 1; }
BIDCERT_ENDPOINT=$url "$@"

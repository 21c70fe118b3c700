#!/usr/bin/env bash
# Browser end-to-end tests of the JS SDK (sdk/js/src, served at /sdk/convene.js) in headless Chromium.
#
# Usage (from anywhere):  bash tests/e2e/run.sh [extra node --test args]
# Needs: the server binary (env CONVENE_BIN, default target/debug/convene from the repo
# root, built beforehand), /usr/bin/chromium (apt-get install -y chromium), Node >= 20 and
# tests/e2e/node_modules (installed here with `npm ci` when missing).
# Everything runs inside a private, loopback-only network namespace (unshare -n), so
# Chromium's ICE can only use 127.0.0.1 (hence --allow-loopback-in-peer-connection).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

# shellcheck source=tests/e2e/netns.sh
. "$HERE/netns.sh"
netns_enter e2e CONVENE_E2E_IN_NETNS "$ROOT/target/debug/convene" "cargo build first or set CONVENE_BIN" "$HERE/run.sh" "$@"
netns_serve e2e "${CONVENE_E2E_PORT:-18480}" e2e-key e2e-secret-0123456789abcdef --ice-server stun:127.0.0.1:3478 \
  --recordings-dir "$(mktemp -d -t convene-e2e-recordings.XXXXXX)"

status=0
node --test --test-concurrency=1 "$@" "$HERE"/*.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: failed; server log tail ($LOG):" >&2
  tail -n 40 "$LOG" >&2
fi
exit "$status"

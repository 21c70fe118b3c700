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

if [ -z "${CONVENE_E2E_IN_NETNS:-}" ]; then
  CONVENE_BIN="${CONVENE_BIN:-$ROOT/target/debug/convene}"
  case "$CONVENE_BIN" in /*) ;; *) CONVENE_BIN="$ROOT/$CONVENE_BIN" ;; esac
  [ -x "$CONVENE_BIN" ] || { echo "e2e: no server binary at $CONVENE_BIN (cargo build first or set CONVENE_BIN)" >&2; exit 1; }
  [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "e2e: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install -y chromium)" >&2; exit 1; }
  if [ ! -d "$HERE/node_modules/playwright-core" ]; then
    (cd "$HERE" && npm ci --no-audit --no-fund --silent)
  fi
  export CONVENE_BIN
  exec unshare -n env CONVENE_E2E_IN_NETNS=1 bash "$HERE/run.sh" "$@"
fi

ip link set lo up
PORT="${CONVENE_E2E_PORT:-18480}"
KEY="e2e-key"
SECRET="e2e-secret-0123456789abcdef"
LOG="$(mktemp -t convene-e2e-server.XXXXXX.log)"
"$CONVENE_BIN" serve --bind "127.0.0.1:$PORT" --app "$KEY:$SECRET" --media-port 0 --ice-server stun:127.0.0.1:3478 >"$LOG" 2>&1 &
SPID=$!
cleanup() { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  if ! kill -0 "$SPID" 2>/dev/null; then echo "e2e: server exited:" >&2; cat "$LOG" >&2; exit 1; fi
  sleep 0.1
done

export CONVENE_URL="http://127.0.0.1:$PORT" CONVENE_KEY="$KEY" CONVENE_SECRET="$SECRET"
status=0
node --test --test-concurrency=1 "$@" "$HERE"/*.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: failed; server log tail ($LOG):" >&2
  tail -n 40 "$LOG" >&2
fi
exit "$status"

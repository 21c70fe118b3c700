#!/usr/bin/env bash
# First remote frame in Chromium: join() resolving -> first decoded remote video frame
# (tests/e2e/bench/first-frame.mjs), against a release `convene serve`, everything inside a
# private loopback-only network namespace (unshare -n), as tests/e2e/run.sh does.
#
# Usage: cargo build --release -p convene && bash scripts/bench-first-frame.sh [--smoke] [args]
#   args go to first-frame.mjs: --runs N (default 20; --smoke: 3), --mode all|publisher-first|together,
#   --quality 0-4 (default 2, the SDK's default 360p), --poll-ms MS (getStats polling for the
#   breakdown, default 10; 0 = off), --out FILE (every run's milestones).
# Prints per-run milestones on stderr; stdout's last line is one JSON object.
# Needs: the server binary (env CONVENE_BIN, default target/release/convene), /usr/bin/chromium
# (or CHROMIUM), Node >= 20, tests/e2e/node_modules (npm ci when missing), root for unshare -n.
# Exit status 1 when any run saw no frame (that is what a CI smoke run checks; speed is not).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="$ROOT/tests/e2e"
cd "$ROOT"

if [ -z "${CONVENE_BENCH_IN_NETNS:-}" ]; then
  CONVENE_BIN="${CONVENE_BIN:-$ROOT/target/release/convene}"
  case "$CONVENE_BIN" in /*) ;; *) CONVENE_BIN="$ROOT/$CONVENE_BIN" ;; esac
  [ -x "$CONVENE_BIN" ] || { echo "bench-first-frame: no server binary at $CONVENE_BIN (cargo build --release -p convene, or set CONVENE_BIN)" >&2; exit 1; }
  [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "bench-first-frame: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install -y chromium)" >&2; exit 1; }
  if [ ! -d "$E2E/node_modules/playwright-core" ]; then
    (cd "$E2E" && npm ci --no-audit --no-fund --silent)
  fi
  export CONVENE_BIN
  exec unshare -n env CONVENE_BENCH_IN_NETNS=1 bash "${BASH_SOURCE[0]}" "$@"
fi

ip link set lo up
PORT="${CONVENE_BENCH_PORT:-18490}"
KEY="ff-key"
SECRET="ff-secret-0123456789abcdef"
LOG="$(mktemp -t convene-first-frame-server.XXXXXX.log)"
"$CONVENE_BIN" serve --bind "127.0.0.1:$PORT" --app "$KEY:$SECRET" --media-port 0 >"$LOG" 2>&1 &
SPID=$!
cleanup() { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  if ! kill -0 "$SPID" 2>/dev/null; then echo "bench-first-frame: server exited:" >&2; cat "$LOG" >&2; exit 1; fi
  sleep 0.1
done

export CONVENE_URL="http://127.0.0.1:$PORT" CONVENE_KEY="$KEY" CONVENE_SECRET="$SECRET"
status=0
node "$E2E/bench/first-frame.mjs" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "bench-first-frame: failed; server log tail ($LOG):" >&2
  tail -n 40 "$LOG" >&2
fi
exit "$status"

# Shared by tests/e2e/run.sh and the Chromium benchmarks (scripts/bench-first-frame.sh,
# scripts/bench-loss.sh; source it): a `convene serve`
# inside a private, loopback-only network namespace (unshare -n), so Chromium's ICE can only
# use 127.0.0.1.
#
#   netns_enter TAG MARKER DEFAULT_BIN BUILD_HINT SCRIPT [args]
#     Outside the namespace (env MARKER unset): checks the server binary (env CONVENE_BIN,
#     default DEFAULT_BIN; relative to the repo root), Chromium (env CHROMIUM) and
#     tests/e2e/node_modules (npm ci when missing), then re-runs SCRIPT with args inside a
#     new namespace with MARKER=1 set. Inside it, returns at once.
#   netns_serve NAME PORT KEY SECRET [convene serve args]
#     Brings lo up, starts the server on 127.0.0.1:PORT with app KEY:SECRET (its output in
#     $LOG, a temporary file named after NAME; its pid in $SPID, stopped on exit), waits
#     until it accepts connections and exports CONVENE_URL, CONVENE_KEY and CONVENE_SECRET.
#   netns_node SCRIPT [args]
#     Runs a Node script; on failure prints the server log's tail. Exits with its status.
# TAG starts every error message.

NETNS_E2E="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NETNS_ROOT="$(cd "$NETNS_E2E/../.." && pwd)"

netns_enter() {
  local tag="$1" marker="$2" default_bin="$3" hint="$4" script="$5"
  shift 5
  NETNS_TAG="$tag"
  [ -z "${!marker:-}" ] || return 0
  CONVENE_BIN="${CONVENE_BIN:-$default_bin}"
  case "$CONVENE_BIN" in /*) ;; *) CONVENE_BIN="$NETNS_ROOT/$CONVENE_BIN" ;; esac
  [ -x "$CONVENE_BIN" ] || { echo "$tag: no server binary at $CONVENE_BIN ($hint)" >&2; exit 1; }
  [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "$tag: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install -y chromium)" >&2; exit 1; }
  if [ ! -d "$NETNS_E2E/node_modules/playwright-core" ]; then
    (cd "$NETNS_E2E" && npm ci --no-audit --no-fund --silent)
  fi
  export CONVENE_BIN
  exec unshare -n env "$marker=1" bash "$script" "$@"
}

netns_serve() {
  local name="$1" port="$2" key="$3" secret="$4"
  shift 4
  ip link set lo up
  LOG="$(mktemp -t "convene-$name-server.XXXXXX.log")"
  "$CONVENE_BIN" serve --bind "127.0.0.1:$port" --app "$key:$secret" --media-port 0 "$@" >"$LOG" 2>&1 &
  SPID=$!
  trap netns_cleanup EXIT
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    if ! kill -0 "$SPID" 2>/dev/null; then echo "$NETNS_TAG: server exited:" >&2; cat "$LOG" >&2; exit 1; fi
    sleep 0.1
  done
  export CONVENE_URL="http://127.0.0.1:$port" CONVENE_KEY="$key" CONVENE_SECRET="$secret"
}

netns_cleanup() { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }

# netns_node SCRIPT [args]: runs a Node script against the server, prints the server log's
# tail when it fails, and exits with its status.
netns_node() {
  local status=0
  node "$@" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "$NETNS_TAG: failed; server log tail ($LOG):" >&2
    tail -n 40 "$LOG" >&2
  fi
  exit "$status"
}

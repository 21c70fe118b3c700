#!/usr/bin/env bash
# One node against three nodes sharing sessions through Redis (docs/scale-out.md), with the
# same load generator: a join storm into one session (every join past the owner's node is a
# redirect) and many two-user sessions spread over the nodes. Reports each run's join
# latency and the servers' CPU time summed (utime + stime from /proc/PID/stat: measured from
# outside the servers). Everything listens on 127.0.0.1 only.
#
# Usage: scripts/bench-cluster.sh [BIN] [USERS] [SESSIONS]
#   BIN defaults to target/release/convene; USERS (join-storm) to 1000; SESSIONS
#   (many-sessions) to 1000.
set -euo pipefail
BIN=${1:-target/release/convene}
USERS=${2:-1000}
SESSIONS=${3:-1000}
REDIS_PORT=16479
# shellcheck source=scripts/cluster-lib.sh
source "$(dirname "$0")/cluster-lib.sh"

# run LABEL NODES: NODES servers (1 without Redis, else sharing Redis), both scenarios.
run() {
  local label=$1 n=$2 urls="" servers=()
  for i in $(seq "$n"); do
    local port=$((18700 + i)) extra=()
    [ "$n" -gt 1 ] && extra=(--redis "redis://127.0.0.1:$REDIS_PORT/" --node-id "n$i")
    "$BIN" serve --bind 127.0.0.1:$port --app $KEY:$SECRET --media-port 0 "${extra[@]}" \
      >"$OUT/$label-$i.log" 2>&1 &
    servers+=($!); PIDS+=($!)
    wait_port $port
    urls+="${urls:+,}http://127.0.0.1:$port"
  done
  # Every node hears of the others within a keeper round.
  sleep 2
  for scenario in join-storm many-sessions; do
    local c0 c1
    c0=$(cpu "${servers[@]}")
    "$BIN" load --url "$urls" --key $KEY --secret $SECRET --scenario $scenario \
      --users "$USERS" --sessions "$SESSIONS" --concurrency 50 --quiet 2>/dev/null \
      | tail -1 >"$OUT/$label.$scenario.json"
    c1=$(cpu "${servers[@]}")
    python3 - "$OUT/$label.$scenario.json" "$label" "$scenario" "$c0" "$c1" "$(getconf CLK_TCK)" <<'PY'
import json, sys
path, label, scenario = sys.argv[1:4]
c0, c1, tck = map(float, sys.argv[4:7])
r = json.load(open(path))
print(json.dumps({
    "nodes": label, "scenario": scenario, "users": r.get("users"),
    "joinFailures": r.get("joinFailures"), "joinMs": r.get("joinMs"),
    "allJoinsSecs": round(r.get("joinPhaseSecs", 0), 2),
    "listsConsistent": r.get("listsConsistent"),
    "serversCpuSecs": round((c1 - c0) / tck, 2),
}))
PY
  done
  for p in "${servers[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
}

run 1 1
run 3 3

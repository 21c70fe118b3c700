#!/usr/bin/env bash
# Runs the BENCHMARKS.md load scenarios against one or more server binaries with the same
# load generator, and reports join latency and the server's CPU time (utime + stime from
# /proc/PID/stat, so measured from outside the server process).
#
# Usage: scripts/bench-compare.sh LOAD_BIN LABEL=SERVER_BIN [LABEL=SERVER_BIN ...]
# e.g.   git worktree add /tmp/before <rev> && (cd /tmp/before && cargo build --release)
#        scripts/bench-compare.sh target/release/convene before=/tmp/before/target/release/convene \
#          after=target/release/convene
# Everything listens on 127.0.0.1 only.
set -euo pipefail
LOAD=$1; shift
KEY=lk; SECRET=ls-0123456789abcdef0123
OUT=$(mktemp -d -t convene-bench.XXXXXX)
PORT=18600
for pair in "$@"; do
  LABEL=${pair%%=*}; SRV=${pair#*=}; PORT=$((PORT + 1))
  "$SRV" serve --bind 127.0.0.1:$PORT --app $KEY:$SECRET --media-port 0 >"$OUT/$LABEL.log" 2>&1 &
  PID=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
  cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
  c0=$(cpu)
  "$LOAD" load --url http://127.0.0.1:$PORT --key $KEY --secret $SECRET \
    --users 1000 --concurrency 20 2>/dev/null | tail -1 >"$OUT/$LABEL.join.json"
  c1=$(cpu)
  "$LOAD" load --url http://127.0.0.1:$PORT --key $KEY --secret $SECRET --topic media \
    --users 60 --concurrency 10 --publishers 6 --attach 6 --duration-secs 5 2>/dev/null \
    | tail -1 >"$OUT/$LABEL.media.json"
  c2=$(cpu)
  kill "$PID"; wait "$PID" 2>/dev/null || true
  python3 - "$OUT" "$LABEL" "$c0" "$c1" "$c2" "$(getconf CLK_TCK)" <<'PY'
import json, sys
out, label = sys.argv[1], sys.argv[2]
c0, c1, c2, tck = map(float, sys.argv[3:7])
j = json.load(open(f"{out}/{label}.join.json"))
m = json.load(open(f"{out}/{label}.media.json"))
packets = m["packetsPerSec"] * 5
print(json.dumps({
    "server": label,
    "joinMs": j["joinMs"], "allJoinsSecs": round(j["joinPhaseSecs"], 2),
    "serverCpuSecsJoinRun": (c1 - c0) / tck,
    "mediaPacketsPerSec": round(m["packetsPerSec"]),
    "serverCpuSecsMediaRun": (c2 - c1) / tck,
    "serverCpuUsPerReceivedPacket": round((c2 - c1) / tck / packets * 1e6, 1),
}))
PY
done

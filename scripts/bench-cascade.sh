#!/usr/bin/env bash
# Cascading (docs/scale-out.md): one `forward` session (publishers and subscribers, synthetic
# media) on two nodes sharing Redis, first with all media on the owner's SFU, then with
# `--cascade-above` set so that the subscribers past it get their media on the other node's
# SFU, each publisher relayed there once. Same load generator, same session, one process
# each; reports the load generator's figures (frame latency from the sender's timestamp in
# each frame, loss, frames delivered) and each node's CPU time (utime + stime from
# /proc/PID/stat: measured from outside). Everything listens on 127.0.0.1 only.
#
# Usage: scripts/bench-cascade.sh [BIN] [PUBLISHERS] [SUBSCRIBERS] [ABOVE] [SECS]
#   BIN defaults to target/release/convene; 2 publishers, 40 subscribers, the edge taking
#   users past the owner's 22nd peer, a 10 s window.
set -euo pipefail
BIN=${1:-target/release/convene}
PUBLISHERS=${2:-2}
SUBSCRIBERS=${3:-40}
ABOVE=${4:-22}
SECS=${5:-10}
REDIS_PORT=16489
# shellcheck source=scripts/cluster-lib.sh
source "$(dirname "$0")/cluster-lib.sh"

# run LABEL ABOVE: two nodes (the owner first), the forward session through the owner.
run() {
  local label=$1 above=$2 servers=()
  for i in 1 2; do
    local port=$((18800 + i))
    "$BIN" serve --bind 127.0.0.1:$port --app $KEY:$SECRET --media-port 0 \
      --redis "redis://127.0.0.1:$REDIS_PORT/" --node-id "c$i" --cascade-above "$above" \
      >"$OUT/$label-$i.log" 2>&1 &
    servers+=($!); PIDS+=($!)
    wait_port $port
  done
  # Each node hears of the other within a keeper round.
  sleep 2
  local a0 b0 a1 b1
  a0=$(cpu "${servers[0]}"); b0=$(cpu "${servers[1]}")
  "$BIN" load --url http://127.0.0.1:18801 --key $KEY --secret $SECRET --scenario forward \
    --publishers "$PUBLISHERS" --subscribers "$SUBSCRIBERS" --duration-secs "$SECS" \
    --concurrency 10 --quiet 2>/dev/null | tail -1 >"$OUT/$label.json"
  a1=$(cpu "${servers[0]}"); b1=$(cpu "${servers[1]}")
  python3 - "$OUT/$label.json" "$label" "$a0" "$a1" "$b0" "$b1" "$(getconf CLK_TCK)" <<'PY'
import json, sys
path, label = sys.argv[1:3]
a0, a1, b0, b1, tck = map(float, sys.argv[3:8])
r = json.load(open(path))
print(json.dumps({
    "run": label, "publishers": r.get("publishers"), "subscribers": r.get("subscribers"),
    "latencyMs": r.get("latencyMs"), "lossPercent": r.get("lossPercent"),
    "videoFramesPerSec": r.get("videoFramesPerSec"), "audioFramesPerSec": r.get("audioFramesPerSec"),
    "ownerCpuSecs": round((a1 - a0) / tck, 2), "edgeCpuSecs": round((b1 - b0) / tck, 2),
    "loadCpuSecs": r.get("loadCpuSecs"),
}))
PY
  for p in "${servers[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
}

run one-sfu 0
run cascaded "$ABOVE"

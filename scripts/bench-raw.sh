#!/usr/bin/env bash
# The raw limit: `raw-load --spawn` (crates/convene-bench) at several receiver counts. Each run
# starts a fresh `raw-relay` on 127.0.0.1, sends `forward`-shaped media through it (P
# publishers x [Opus-shaped audio 50 pkt/s + 3-layer simulcast video], each receiver getting
# one layer of every publisher and up to 3 publishers' audio), reads the relay's CPU from
# /proc/PID/stat over the window and prints one JSON report line.
#
# Usage: scripts/bench-raw.sh [--smoke] [SUBSCRIBERS ...]     (default: 10 50 100 200 500)
#   PUBLISHERS=2 DURATION_SECS=10    publishers per run, measured window
#   OUT=FILE                         append the tagged lines there (default: stdout only);
#                                    e.g. OUT=docs/bench/data/raw-forward-$(date +%F).jsonl
#   --smoke                          2 publishers x 3 receivers for 2 s, debug build; fails
#                                    unless every copy arrives (the CI check; seconds once built)
# Each line is tagged with date, commit, cpu and cores (docs/bench/README.md). Needs jq.
set -euo pipefail
cd "$(dirname "$0")/.."

SMOKE=0
if [[ ${1:-} == --smoke ]]; then SMOKE=1; shift; fi
P=${PUBLISHERS:-2}
D=${DURATION_SECS:-10}
if [[ $SMOKE == 1 ]]; then set -- 3; D=2; fi
if [[ $# == 0 ]]; then set -- 10 50 100 200 500; fi

if [[ $SMOKE == 1 ]]; then
  echo "bench-raw: building debug binaries" >&2
  cargo build -q -p convene-bench --bins
  BIN=target/debug
else
  echo "bench-raw: building release binaries" >&2
  cargo build --release -q -p convene-bench --bins
  BIN=target/release
fi

date_=$(date -u +%FT%TZ)
commit=$(git rev-parse --short HEAD)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cores=$(nproc)
for s in "$@"; do
  echo "bench-raw: $P publishers x $s receivers, ${D} s" >&2
  line=$("$BIN/raw-load" --spawn --publishers "$P" --subscribers "$s" \
    --duration-secs "$D" | tail -1)
  tagged=$(jq -c --arg date "$date_" --arg commit "$commit" --arg cpu "$cpu" \
    --argjson cores "$cores" '. + {date: $date, commit: $commit, cpu: $cpu, cores: $cores}' \
    <<<"$line")
  echo "$tagged"
  if [[ -n ${OUT:-} ]]; then echo "$tagged" >>"$OUT"; fi
  if [[ $SMOKE == 1 ]]; then
    jq -e '.egressPackets > 0 and .lossPercent == 0' <<<"$line" >/dev/null ||
      { echo "bench-raw: smoke run lost packets or forwarded none: $line" >&2; exit 1; }
  fi
done

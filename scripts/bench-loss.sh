#!/usr/bin/env bash
# Media under random UDP packet loss in Chromium (tests/e2e/bench/loss.mjs): a publisher sends
# its fake camera at 20 fps in 3 simulcast layers, a subscriber watches it at 360p, and an
# iptables rule drops a share of every UDP datagram (both legs: publisher -> SFU -> subscriber)
# against a release `convene serve`, everything inside a private loopback-only network
# namespace (unshare -n), as tests/e2e/run.sh does. Each loss level is a fresh session.
#
# Usage: cargo build --release -p convene && bash scripts/bench-loss.sh [--smoke] [args]
#   --smoke: levels 0 and 10 %, 4 s windows (under 90 s in all); default: 0/5/10/20 %, 10 s.
#   args go to loss.mjs: --levels 0,5,10,20, --secs S (window, default 10), --warmup S (under
#   loss before the window, default 3), --fps N (camera, default 20), --quality 0-4 (default 2,
#   360p), --freeze-ms MS (a gap longer than this is a freeze, default 200), --timeout-ms MS
#   (first frame, default 15000), --out FILE (also every frame gap).
#   --cap-kbps K: instead of loss, what the SFU sends to the subscriber capped at K kbit/s
#   (tc htb, 30-packet queue) for --cap-secs S (10), then free for --after-secs S (20): when
#   the presented layer drops, when it is back, and the longest gap in each phase. Needs tc
#   (iproute2).
# Prints one line per level on stderr; stdout's last line is one JSON object.
# Needs: root (unshare -n, iptables), iptables (apt-get install -y iptables, done here when
# missing), the server binary (env CONVENE_BIN, default target/release/convene),
# /usr/bin/chromium (or CHROMIUM), Node >= 20, tests/e2e/node_modules (npm ci when missing).
# Exit status 1 when the subscriber presented no frame at 0 % loss (what a CI smoke run
# checks; speed and quality are not).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="$ROOT/tests/e2e"
cd "$ROOT"

# The namespace has only loopback: install iptables before entering it.
if [ -z "${CONVENE_LOSS_IN_NETNS:-}" ] && ! command -v iptables >/dev/null 2>&1; then
  echo "bench-loss: installing iptables" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null
fi

# shellcheck source=tests/e2e/netns.sh
. "$E2E/netns.sh"
netns_enter bench-loss CONVENE_LOSS_IN_NETNS "$ROOT/target/release/convene" \
  "cargo build --release -p convene, or set CONVENE_BIN" "${BASH_SOURCE[0]}" "$@"
netns_serve loss "${CONVENE_BENCH_PORT:-18491}" loss-key loss-secret-0123456789abcdef

netns_node "$E2E/bench/loss.mjs" "$@"

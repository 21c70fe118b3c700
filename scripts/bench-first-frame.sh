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

# shellcheck source=tests/e2e/netns.sh
. "$E2E/netns.sh"
netns_enter bench-first-frame CONVENE_BENCH_IN_NETNS "$ROOT/target/release/convene" \
  "cargo build --release -p convene, or set CONVENE_BIN" "${BASH_SOURCE[0]}" "$@"
netns_serve first-frame "${CONVENE_BENCH_PORT:-18490}" ff-key ff-secret-0123456789abcdef

netns_node "$E2E/bench/first-frame.mjs" "$@"

#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need first.
# This is the README's test command; CI (.ci/run) calls it too.
set -euo pipefail
cd "$(dirname "$0")/.."

# PyJWT: tokens minted by an independent JWT library must be accepted (SPEC §2).
if ! python3 -c 'import jwt' 2>/dev/null; then
  echo "installing PyJWT"
  python3 -m pip install --quiet --disable-pip-version-check pyjwt
fi

# Formatting and lints are part of the suite.
if rustup component list --installed 2>/dev/null | grep -q rustfmt; then :; else rustup component add rustfmt clippy >/dev/null 2>&1 || true; fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

# Generated files (the browser SDK's protocol constants) must match convene-protocol.
cargo xtask check

# The cluster tests start their own redis-server on a random loopback port (docs/scale-out.md).
if ! command -v redis-server >/dev/null; then
  echo "installing redis-server"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
export CONVENE_REQUIRE_REDIS=1

# Cloud recording runs ffmpeg; the recording test checks its files with ffprobe (docs/egress.md).
if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
  echo "installing ffmpeg"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
fi
export CONVENE_REQUIRE_FFMPEG=1

# The binary is used by the bot tests and the browser tests.
cargo build -p convene
cargo test --workspace

# The load generator from the command line, every scenario at a tiny size against a server it
# spawns itself (docs/load.md): all join, lists agree, the speaker is heard, packets flow.
for s in join-storm big-session many-sessions forward; do
  ./target/debug/convene load --spawn --scenario "$s" --users 8 --sessions 2 --publishers 2 \
    --subscribers 2 --duration-secs 2 --quiet | tail -1 | python3 -c '
import json, sys
r = json.load(sys.stdin)
ok = r["joinFailures"] == 0 and r.get("listsConsistent", True) and r.get("audioReceivers", 1) > 0 and r.get("egressPackets", 1) > 0
assert ok, r
print(r["scenario"], "ok")'
done

# Fuzzing: every target for a bounded time
# libFuzzer on the stable toolchain (fuzz/run.sh; docs/fuzzing.md): each target runs from its
# committed corpus (fuzz/corpus/<target>/) for FUZZ_SECONDS (default 30 s, 5 targets). A crash
# fails the suite and leaves its input in fuzz/artifacts/<target>/. libFuzzer is C++, built by
# libfuzzer-sys with the system compiler.
if ! command -v c++ >/dev/null; then
  echo "installing g++"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null
fi
bash fuzz/run.sh "${FUZZ_SECONDS:-30}"
# End of the fuzzing block.

# Browser SDK: types and protocol fixtures
# The SDK's JSDoc types and the shipped convene.d.ts checked by tsc, and the SDK's codec and
# rules run in plain Node against fixtures/protocol/ (the same files the Rust tests read).
(cd sdk/js && npm ci --no-audit --no-fund --silent && npx --no-install tsc -p tsconfig.json)
node --test sdk/js/test/
# End of the browser SDK block.

# Reference compatibility report
# docs/compat.md lists every function of the reference SDK (@zoom/videosdk 2.5.0, its types
# fetched with npm pack) as Convene has it; --check fails on a missing name, a name
# convene.d.ts does not declare, a type check against the reference that fails, or a stale
# docs/compat.md (sdk/js/scripts/compat-report.mjs).
node sdk/js/scripts/compat-report.mjs --check
# End of the compatibility block.

# Browser tests: Debian's Chromium driven by playwright-core (tests/e2e), run inside a
# loopback-only network namespace by tests/e2e/run.sh.
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# iptables: the network-change test (tests/e2e/network.test.mjs), the loss benchmark and the
# fault suite below make their losses with it inside their namespaces. coturn: the browser's
# TURN test (tests/e2e/turn.test.mjs) and the TURN block below.
if ! command -v iptables >/dev/null; then
  echo "installing iptables"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null
fi
if ! command -v turnserver >/dev/null || ! command -v turnutils_uclient >/dev/null; then
  echo "installing coturn"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq coturn >/dev/null
fi
# Firefox ESR: the browser SDK also runs in Firefox (tests/e2e/firefox.test.mjs), required here.
if [ ! -x /usr/bin/firefox-esr ]; then
  echo "installing firefox-esr"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null
fi
(cd tests/e2e && npm ci --no-audit --no-fund --silent)
CONVENE_E2E_REQUIRE_FIREFOX=1 bash tests/e2e/run.sh
# First remote frame in Chromium (tests/e2e/bench, CI size: 3 runs per mode): every run must
# show a remote frame; the times are printed, not asserted (full runs: BENCHMARKS.md).
CONVENE_BIN=target/debug/convene bash scripts/bench-first-frame.sh --smoke
# Media under loss in Chromium (scripts/bench-loss.sh --smoke: 0 and 10 % UDP loss by iptables
# in the namespace, 4 s each): fails only if the subscriber shows no frame at 0 %; the figures
# are printed, not asserted (full runs: BENCHMARKS.md, docs/bench/loss.md).
CONVENE_BIN=target/debug/convene bash scripts/bench-loss.sh --smoke
# A capped downlink (300 kbit/s for 5 s, then free for 8 s): fails only if the subscriber
# shows no frame; when its layer drops and comes back is printed, not asserted.
CONVENE_BIN=target/debug/convene bash scripts/bench-loss.sh --cap-kbps 300 --cap-secs 5 --after-secs 8

# The raw limit (scripts/bench-raw.sh --smoke): the sendmmsg + AES-GCM relay at 2 x 3 for 2 s,
# failing on any loss. Figures are printed, not asserted (docs/bench/README.md).
if ! command -v jq >/dev/null; then
  echo "installing jq"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null
fi
bash scripts/bench-raw.sh --smoke

# Janus side by side (scripts/bench-janus.sh --smoke): 1 publisher x 2 subscribers for 3 s against
# Janus 1.1.2 (apt-installed when missing) and Convene; fails unless both forward packets.
# Figures are printed, not asserted (full runs: docs/bench/janus.md).
bash scripts/bench-janus.sh --smoke

# Faults: media through the real server under 5 % UDP loss, made by iptables inside a private
# network namespace (tests/fault/run.sh).
bash tests/fault/run.sh

# Abuse suite: one server in a private network namespace under idle and slow sockets, malformed
# and oversized frames, binary, ping, text and chat floods, while another session's users join
# and chat (tests/abuse/run.sh, CI size). Asserts nothing lost and every abuser refused or
# closed; the latencies it prints are recorded in BENCHMARKS.md, not asserted.
bash tests/abuse/run.sh
# End of the abuse suite block.

# TURN: coturn for the TURN credential test
# The credentials client-config mints must be accepted by a real coturn (use-auth-secret) on
# 127.0.0.1 (crates/convene-testkit/tests/turn.rs). `cargo test --workspace` above already ran
# it (installing coturn itself when root); coturn is installed by now (the browser block's
# TURN test needs it too), so this runs it once more and it cannot have been skipped.
cargo test -p convene-testkit --test main turn::
# End of the TURN block.

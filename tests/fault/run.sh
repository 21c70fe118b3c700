#!/usr/bin/env bash
# Media under 5 % random UDP loss (both directions), end to end through the real server:
# a bot publishes synthetic audio and simulcast video, another attaches the camera, and the
# subscriber must keep decoding both, interval after interval (NACK/RTX and keyframe
# recovery). Runs inside a private loopback-only network namespace, with the loss made by
# iptables on `lo` there, so nothing else on the machine is touched.
#
# Usage: bash tests/fault/run.sh   (root; needs iptables and a built `convene`, default
# target/debug/convene, or CONVENE_BIN)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${CONVENE_BIN:-$ROOT/target/debug/convene}"
if [ -z "${CONVENE_FAULT_IN_NETNS:-}" ]; then
  [ -x "$BIN" ] || { echo "fault: no server binary at $BIN" >&2; exit 1; }
  command -v iptables >/dev/null || { echo "fault: iptables missing (apt-get install -y iptables)" >&2; exit 1; }
  exec unshare -n env CONVENE_FAULT_IN_NETNS=1 CONVENE_BIN="$BIN" bash "$HERE/run.sh" "$@"
fi

ip link set lo up
LOSS="${FAULT_LOSS:-0.05}"
iptables -A INPUT -p udp -m statistic --mode random --probability "$LOSS" -j DROP
TMP="$(mktemp -d -t convene-fault.XXXXXX)"
PORT=18700 KEY=fault-key SECRET=fault-secret-0123456789abcdef
"$BIN" serve --bind 127.0.0.1:$PORT --app "$KEY:$SECRET" --media-port 0 >"$TMP/server.log" 2>&1 &
SPID=$!
trap 'kill $SPID $(jobs -p) 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

token() { "$BIN" token --key "$KEY" --secret "$SECRET" --topic lossy --role "$1" --ttl 7200; }
URL="http://127.0.0.1:$PORT"
SECS="${FAULT_SECS:-8}"
# stdin stays open while `sleep` runs; its end (EOF) makes each bot leave.
(sleep $((SECS + 4))) | "$BIN" join --url "$URL" --topic lossy --token "$(token 1)" --name pub \
  --publish-audio synthetic --publish-video synthetic >"$TMP/pub.out" &
for _ in $(seq 100); do grep -q '"joined"' "$TMP/pub.out" 2>/dev/null && break; sleep 0.1; done
PUB=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["payload"]["userId"])' "$TMP/pub.out")
(sleep "$SECS") | "$BIN" join --url "$URL" --topic lossy --token "$(token 0)" --name sub \
  --attach "$PUB:2" --stats-interval-ms 1000 >"$TMP/sub.out"

python3 - "$TMP/sub.out" "$PUB" "$LOSS" <<'PY'
import json, sys
path, pub, loss = sys.argv[1], int(sys.argv[2]), sys.argv[3]
series = {"audio": [], "video": []}
keyframes = 0
for line in open(path):
    m = json.loads(line)
    if m.get("event") != "media-stats":
        continue
    got = {k: 0 for k in series}
    for s in m["payload"]:
        if s.get("userId") == pub and s["kind"] in got:
            got[s["kind"]] += s["frames"]
            if s["kind"] == "video":
                keyframes = max(keyframes, s["keyframes"])
    for k in series:
        series[k].append(got[k])
print(f"fault: {loss} UDP loss; frames received each second from the publisher: {series}")
for k, xs in series.items():
    tail = xs[-4:]
    assert len(tail) == 4, f"too few stats intervals: {xs}"
    assert all(b > a for a, b in zip(tail, tail[1:])), f"{k} stalled under loss: {xs}"
assert keyframes >= 1, "no keyframe received"
print("fault: audio and video kept decoding under loss")
PY

#!/usr/bin/env bash
# Media under faults, end to end through the real server: a bot publishes synthetic audio and
# simulcast video, another attaches the camera, and the subscriber must keep decoding both,
# interval after interval (NACK/RTX and keyframe recovery, ICE restart). Three scenarios, in a
# private loopback-only network namespace so nothing else on the machine is touched:
#   loss:   5 % random UDP loss (both directions), made by iptables on `lo`;
#   jitter: the subscriber's path gets 100 ms +- 50 ms of random delay per datagram and 5 %
#           loss, both directions, reordering allowed. This kernel has no `tc netem`, so the
#           delay is a userspace relay (jitter_relay.py): the server's media socket is on
#           127.0.0.2, iptables DNATs the subscriber's datagrams for it (the subscriber runs as
#           uid 65534) to the relay, which forwards them from 127.0.0.3. ICE-TCP to the media
#           port is refused and the server may not open UDP flows of its own, so the
#           subscriber's media must take the relayed path; the relay's counts prove it did.
#   cut:    the subscriber's media socket is cut off for good mid-call (see cut_subscriber): it
#           must move to a new socket and restart ICE by itself, without a rejoin.
#
# Usage: bash tests/fault/run.sh [loss|jitter|cut]...   (default: all; root; needs iptables and a
# built `convene`, default target/debug/convene, or CONVENE_BIN). FAULT_LOSS (0.05),
# FAULT_SECS (8), FAULT_JITTER_SECS (13), FAULT_JITTER_MS (100), FAULT_SPREAD_MS (50),
# FAULT_CUT_SECS (12), CUT_AT (4).
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
ip addr add 127.0.0.2/8 dev lo 2>/dev/null || true
ip addr add 127.0.0.3/8 dev lo 2>/dev/null || true
LOSS="${FAULT_LOSS:-0.05}"
SECS="${FAULT_SECS:-8}"
KEY=fault-key SECRET=fault-secret-0123456789abcdef
TMP="$(mktemp -d -t convene-fault.XXXXXX)"
PIDS=()
SUB_AS=""
DURING=""
INTERVAL_MS=1000
trap 'kill "${PIDS[@]}" $(jobs -p) 2>/dev/null || true' EXIT

# Starts a server, a publisher and a subscriber; checks what the subscriber decoded.
# $1: scenario name; $2: HTTP port; $3...: extra `serve` flags.
media_run() {
  local name=$1 port=$2; shift 2
  local dir="$TMP/$name" url="http://127.0.0.1:$port"
  mkdir -p "$dir"
  "$BIN" serve --bind 127.0.0.1:$port --app "$KEY:$SECRET" "$@" >"$dir/server.log" 2>&1 &
  local spid=$!
  PIDS+=($spid)
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  token() { "$BIN" token --key "$KEY" --secret "$SECRET" --topic "$name" --role "$1" --ttl 7200; }
  # stdin stays open while `sleep` runs; its end (EOF) makes each bot leave.
  (sleep $((SECS + 4))) | "$BIN" join --url "$url" --topic "$name" --token "$(token 1)" --name pub \
    --publish-audio synthetic --publish-video synthetic >"$dir/pub.out" &
  local bots=$!
  for _ in $(seq 100); do grep -q '"joined"' "$dir/pub.out" 2>/dev/null && break; sleep 0.1; done
  local pub
  pub=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["payload"]["userId"])' "$dir/pub.out")
  (sleep "$SECS") | $SUB_AS "$BIN" join --url "$url" --topic "$name" --token "$(token 0)" --name sub \
    --attach "$pub:2" --stats-interval-ms "$INTERVAL_MS" >"$dir/sub.out" &
  local sub=$!
  [ -n "$DURING" ] && "$DURING" "$sub" "$dir"
  wait $sub
  wait $bots 2>/dev/null || true
  kill $spid 2>/dev/null || true
  wait $spid 2>/dev/null || true
  python3 "$HERE/check_decoding.py" "$dir/sub.out" "$pub" "$name"
}

run_loss() {
  iptables -A INPUT -p udp -m statistic --mode random --probability "$LOSS" -j DROP
  media_run "loss-$LOSS" 18700 --media-port 0
  iptables -F INPUT
}

run_jitter() {
  local media=18710 relay=18711
  # Loss once per hop of the relayed path: client -> relay, and server -> relay.
  iptables -A INPUT -p udp --dport $relay -m statistic --mode random --probability "$LOSS" -j DROP
  iptables -A INPUT -p udp -d 127.0.0.3 -m statistic --mode random --probability "$LOSS" -j DROP
  # Only the subscriber (run as uid 65534) goes through the relay: its path gets 100 +- 50 ms
  # and 5 % loss each way; the publisher's stays clean, so what is measured is this path.
  iptables -t nat -A OUTPUT -p udp -d 127.0.0.2 --dport $media -m owner --uid-owner 65534 \
    -j DNAT --to-destination 127.0.0.1:$relay
  iptables -A OUTPUT -p tcp -d 127.0.0.2 --dport $media -m owner --uid-owner 65534 -j REJECT
  # The server's own connectivity checks would open a direct path (the bots' answers would
  # ride that flow past the DNAT): the media port may only answer flows the relay opened.
  iptables -A OUTPUT -p udp --sport $media -m conntrack --ctstate NEW -j DROP
  python3 "$HERE/jitter_relay.py" 127.0.0.1:$relay 127.0.0.2:$media 127.0.0.3 \
    --delay-ms "${FAULT_JITTER_MS:-100}" --spread-ms "${FAULT_SPREAD_MS:-50}" \
    --stats "$TMP/relay.json" >"$TMP/relay.log" 2>&1 &
  local rpid=$!
  PIDS+=($rpid)
  for _ in $(seq 100); do grep -q ready "$TMP/relay.log" 2>/dev/null && break; sleep 0.1; done
  # A keyframe request and its answer cross the delayed path twice, so a lost keyframe can
  # leave a one-second window without a new frame; two-second windows measure the recovery.
  SUB_AS="setpriv --reuid=65534 --regid=65534 --clear-groups" INTERVAL_MS=2000 \
    SECS="${FAULT_JITTER_SECS:-13}" media_run "jitter-$LOSS" 18702 --media-ip 127.0.0.2 --media-port $media
  kill $rpid
  wait $rpid || true
  python3 - "$TMP/relay.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
print(f"fault: the jitter relay carried {c}")
# The subscriber's RTCP and NACKs one way, the media it decoded the other.
assert c["clients"] >= 1 and c["to_server"] > 50 and c["to_client"] > 300, "media bypassed the relay"
PY
  iptables -F INPUT; iptables -F OUTPUT; iptables -t nat -F OUTPUT
}

# The subscriber's media socket (its only UDP socket) in `ss`: "ADDR:PORT".
media_socket() {
  ss -Hunap | awk -v p="pid=$1," 'index($0, p) { print $4; exit }'
}

# $CUT_AT s after the subscriber starts, every datagram to and from its media socket is
# dropped for good, as when a phone leaves a Wi-Fi network: signaling (TCP) stays up, so the
# SDK must notice the silence and move to a new socket with an ICE restart by itself.
cut_subscriber() {
  local sub=$1 dir=$2 addr
  sleep "${CUT_AT:-4}"
  addr=$(media_socket "$sub")
  [ -n "$addr" ] || { echo "fault: the subscriber has no media socket" >&2; return 1; }
  iptables -A INPUT -p udp --dport "${addr##*:}" -j DROP
  iptables -A OUTPUT -p udp --sport "${addr##*:}" -j DROP
  echo "$addr" >"$dir/cut.addr"
  sleep 4
  media_socket "$sub" >"$dir/after.addr"
}

run_cut() {
  DURING=cut_subscriber INTERVAL_MS=250 SECS="${FAULT_CUT_SECS:-12}" media_run cut 18720 --media-port 0
  DURING=""
  iptables -F INPUT; iptables -F OUTPUT
  python3 - "$TMP/cut" 250 <<'PY'
import json, sys
d, interval = sys.argv[1], int(sys.argv[2])
before, after = open(f"{d}/cut.addr").read().strip(), open(f"{d}/after.addr").read().strip()
print(f"fault (cut): media socket {before} cut; 4 s later the subscriber uses {after}")
assert after and after != before, "the subscriber did not move to a new socket"
events = [json.loads(l) for l in open(f"{d}/sub.out")]
assert [e["event"] for e in events].count("joined") == 1, "the subscriber joined again"
states = [e["payload"]["state"] for e in events if e["event"] == "connection-change"]
assert states == ["Connected"], f"the session saw the media cut: {states}"
# The longest run of intervals without a new video frame: the cut until media is back.
video = [sum(s["frames"] for s in e["payload"] if s["kind"] == "video")
         for e in events if e["event"] == "media-stats"]
run = longest = 0
for a, b in zip(video, video[1:]):
    run = run + 1 if b == a else 0
    longest = max(longest, run)
print(f"fault (cut): no video frame for {longest * interval} ms at most (stats every {interval} ms)")
PY
}

for scenario in "${@:-loss jitter cut}"; do
  for s in $scenario; do "run_$s"; done
done

#!/usr/bin/env bash
# Convene and Janus side by side: the same `forward` media (P publishers x S subscribers in K
# rooms, Opus 50 pkt/s + 3-layer simulcast VP8 per publisher, each subscriber receiving every
# publisher's audio and one video layer) against Janus 1.1.2 VideoRoom (janus-load) and then
# against `convene serve` (convene load --scenario forward). Both servers' CPU is read from
# /proc/PID/stat over the measured window. Prints one markdown table.
#
# Usage: scripts/bench-janus.sh [--smoke] [P S K DURATION]     (defaults 2 10 1 10)
#   --smoke          1 publisher x 2 subscribers for 3 s, debug builds (as CI has them); fails
#                    unless both servers forward packets (the CI integration test; ~30 s once
#                    built)
#   JANUS_EVENT_LOOPS=N   Janus media threads: N fixed event loops (default 2, one per core
#                    of this machine); 0 = Janus's default thread per PeerConnection
#   KEEP=1           keep the temp dir (configs, logs, JSON reports) and print its path
#   JSONL_DIR=DIR    also append both JSON reports to DIR/janus-forward.jsonl and
#                    DIR/convene-forward.jsonl (e.g. docs/bench/data, for scripts/plot-bench.py)
#
# Installs Janus from Debian when missing (as CI would; needs root) and builds a small
# LD_PRELOAD shim with gcc, because Janus never gathers ICE candidates on a loopback
# interface (docs/bench/janus.md). Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

SMOKE=0
if [[ ${1:-} == --smoke ]]; then SMOKE=1; shift; fi
if [[ $SMOKE == 1 ]]; then
  P=1 S=2 K=1 D=3
else
  P=${1:-2} S=${2:-10} K=${3:-1} D=${4:-10}
fi
EVENT_LOOPS=${JANUS_EVENT_LOOPS:-2}
JANUS_PORT=${JANUS_PORT:-18088}
CONVENE_PORT=${CONVENE_PORT:-18655}
KEY=bench-key
SECRET=bench-secret-0123456789abcdef

TMP=$(mktemp -d -t bench-janus.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ ${KEEP:-0} == 1 ]]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "bench-janus: $*" >&2; }
wait_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  say "nothing listens on 127.0.0.1:$1"; return 1
}

if [[ $SMOKE == 1 ]]; then PROFILE=dev BIN=target/debug; else PROFILE=release BIN=target/release; fi
say "building $PROFILE binaries"
cargo build --profile "$PROFILE" -q -p convene -p convene-janus-load

if ! command -v janus >/dev/null; then
  say "installing janus (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q janus >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q janus >/dev/null; }
fi
JANUS_LIB=$(dirname "$(dpkg -L janus | grep -m1 '/janus/plugins/libjanus_videoroom.so$')")/..

# Janus skips interfaces flagged IFF_LOOPBACK when gathering ICE candidates; this shim
# clears the flag on 127.0.0.1 so it offers exactly one candidate, 127.0.0.1 (host).
mkdir -p "$TMP/etc"
cat >"$TMP/lo_not_loopback.c" <<'C'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

int getifaddrs(struct ifaddrs **ifap) {
	static int (*real)(struct ifaddrs **);
	if (!real) real = (int (*)(struct ifaddrs **))dlsym(RTLD_NEXT, "getifaddrs");
	int r = real(ifap);
	if (r != 0) return r;
	for (struct ifaddrs *i = *ifap; i; i = i->ifa_next) {
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
			i->ifa_flags &= ~IFF_LOOPBACK;
			i->ifa_flags |= IFF_UP | IFF_RUNNING;
		}
	}
	return r;
}
C
gcc -shared -fPIC -O2 -o "$TMP/lo_not_loopback.so" "$TMP/lo_not_loopback.c" -ldl

LOOPS_LINE=""
if [[ $EVENT_LOOPS != 0 ]]; then LOOPS_LINE="event_loops = $EVENT_LOOPS"; fi
DISABLE_PLUGINS=$(cd "$JANUS_LIB/plugins" && ls *.so | grep -v '^libjanus_videoroom.so$' | paste -sd, -)
cat >"$TMP/etc/janus.jcfg" <<EOF
general: {
	configs_folder = "$TMP/etc"
	plugins_folder = "$JANUS_LIB/plugins"
	transports_folder = "$JANUS_LIB/transports"
	events_folder = "$JANUS_LIB/events"
	loggers_folder = "$JANUS_LIB/loggers"
	debug_level = 3
	interface = "127.0.0.1"
	session_timeout = 120
	$LOOPS_LINE
}
media: { ipv6 = false rtp_port_range = "30000-39999" no_media_timer = 1 twcc_period = 200 }
nat: { full_trickle = false ice_lite = false ignore_mdns = true ice_enforce_list = "127.0.0.1" }
plugins: { disable = "$DISABLE_PLUGINS" }
transports: { disable = "libjanus_websockets.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so" }
loggers: { disable = "libjanus_jsonlog.so" }
events: { broadcast = false }
EOF
cat >"$TMP/etc/janus.transport.http.jcfg" <<EOF
general: { json = "compact" base_path = "/janus" http = true port = $JANUS_PORT ip = "127.0.0.1" https = false acl = "127." }
admin: { admin_http = false admin_https = false }
EOF
echo 'general: {}' >"$TMP/etc/janus.plugin.videoroom.jcfg"

say "Janus: $P publishers x $S subscribers x $K rooms, ${D}s window (event_loops=$EVENT_LOOPS)"
LD_PRELOAD="$TMP/lo_not_loopback.so" janus -F "$TMP/etc" -C "$TMP/etc/janus.jcfg" -o \
  >"$TMP/janus.log" 2>&1 &
JANUS_PID=$!
PIDS+=("$JANUS_PID")
wait_port "$JANUS_PORT" || { tail -20 "$TMP/janus.log" >&2; exit 1; }
"$BIN/janus-load" --url "http://127.0.0.1:$JANUS_PORT/janus" --publishers "$P" \
  --subscribers "$S" --sessions "$K" --duration-secs "$D" --server-pid "$JANUS_PID" \
  | tail -1 >"$TMP/janus.json" || say "janus-load failed (log: $TMP/janus.log)"
kill "$JANUS_PID" 2>/dev/null || true; wait "$JANUS_PID" 2>/dev/null || true

say "Convene: the same load"
"$BIN/convene" serve --bind "127.0.0.1:$CONVENE_PORT" --app "$KEY:$SECRET" \
  --media-port 0 >"$TMP/convene.log" 2>&1 &
CONVENE_PID=$!
PIDS+=("$CONVENE_PID")
wait_port "$CONVENE_PORT" || { tail -20 "$TMP/convene.log" >&2; exit 1; }
"$BIN/convene" load --scenario forward --url "http://127.0.0.1:$CONVENE_PORT" \
  --key "$KEY" --secret "$SECRET" --publishers "$P" --subscribers "$S" --sessions "$K" \
  --duration-secs "$D" --server-pid "$CONVENE_PID" \
  | tail -1 >"$TMP/convene.json" || say "convene load --scenario forward failed"
kill "$CONVENE_PID" 2>/dev/null || true; wait "$CONVENE_PID" 2>/dev/null || true

if [[ -n ${JSONL_DIR:-} ]]; then
  mkdir -p "$JSONL_DIR"
  for n in janus convene; do
    if [[ -s $TMP/$n.json ]]; then cat "$TMP/$n.json" >>"$JSONL_DIR/$n-forward.jsonl"; fi
  done
fi

python3 - "$TMP" "$SMOKE" "$P" "$S" "$K" "$D" "$EVENT_LOOPS" <<'PY'
import json, sys
tmp, smoke, p, s, k, d, loops = sys.argv[1:8]

def load(name):
    try:
        with open(f"{tmp}/{name}.json") as f:
            return json.loads(f.read().strip() or "null")
    except (OSError, ValueError):
        return None

rows, per_cpu_sec, forwarded = [], {}, {}
janus_label = f"Janus 1.1.2 (event_loops={loops})" if loops != "0" else "Janus 1.1.2 (thread per PC)"
for name, label in (("convene", "Convene"), ("janus", janus_label)):
    r = load(name)
    if not r or "egressPackets" not in r:
        rows.append(f"| {label} | not run | | | | | |")
        continue
    cpu, pkts = r.get("serverCpuSecs"), r["egressPackets"]
    forwarded[name] = pkts
    pps = pkts / cpu if cpu else None
    per_cpu_sec[name] = pps
    us = r.get("serverCpuUsPerPacket")
    lat = r.get("latencyMs", {})
    rows.append(
        f"| {label} | {r['egressPacketsPerSec']:,.0f} | {cpu:.2f} | "
        f"{us:.1f} | {pps:,.0f} | {r['lossPercent']:.2f} % | "
        f"{lat.get('p50', 0):.1f} / {lat.get('p99', 0):.1f} |"
        if cpu and us is not None and pps is not None
        else f"| {label} | {r['egressPacketsPerSec']:,.0f} | ? | ? | ? | {r['lossPercent']:.2f} % | |"
    )
print(f"{p} publishers x {s} subscribers x {k} rooms, {d} s window\n")
print("| server | egress pkt/s | server CPU s | CPU µs per packet | packets per CPU second | loss | latency p50 / p99 ms |")
print("|---|---|---|---|---|---|---|")
print("\n".join(rows))
c, j = per_cpu_sec.get("convene"), per_cpu_sec.get("janus")
print()
print(f"Convene / Janus, packets per CPU second: {c / j:.2f}x" if c and j else
      "Convene / Janus, packets per CPU second: n/a (a server was not measured)")
if smoke == "1" and not (forwarded.get("convene") and forwarded.get("janus")):
    sys.exit("smoke: both servers must forward packets")
PY

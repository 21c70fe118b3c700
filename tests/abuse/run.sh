#!/usr/bin/env bash
# The abuse suite, driven from outside the process against one real server in a private
# loopback-only network namespace (tests/abuse/abuse.py does the talking):
#   1. caps:  WebSockets from one address past --max-connections-per-ip (429 each), then from
#             other addresses past --max-connections (503 each); everyone within is admitted;
#   2. quiet: the calm session alone: users join, everyone chats, everyone gets every message;
#   3. abuse: the same calm workload while abusers (127.0.0.2, 127.0.0.3) keep idle WebSockets
#             and idle TCP sockets open, trickle headers, send oversized, malformed, unmasked
#             and reserved frames, flood binary, ping and text frames, and flood chat in
#             another session.
# Checks correctness only: every calm join and chat message arrived, every abuser was refused
# or closed. Latencies (quiet vs under abuse) are printed for BENCHMARKS.md, never asserted.
#
# Usage: bash tests/abuse/run.sh            (CI size: about a minute)
#        ABUSE_FULL=1 CONVENE_BIN=target/release/convene bash tests/abuse/run.sh   (thousands
#        of sockets, the server's own fd-derived connection cap)
# Root (unshare); needs a built `convene` (default target/debug/convene, or CONVENE_BIN).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${CONVENE_BIN:-$ROOT/target/debug/convene}"
if [ -z "${CONVENE_ABUSE_IN_NETNS:-}" ]; then
  [ -x "$BIN" ] || { echo "abuse: no server binary at $BIN" >&2; exit 1; }
  exec unshare -n env CONVENE_ABUSE_IN_NETNS=1 CONVENE_BIN="$BIN" bash "$HERE/run.sh" "$@"
fi
ip link set lo up
ulimit -n "$(ulimit -Hn)"

PORT=18800 KEY=abuse-key SECRET=abuse-secret-0123456789abcdef
TMP="$(mktemp -d -t convene-abuse.XXXXXX)"
if [ -n "${ABUSE_FULL:-}" ]; then
  # The global cap is the server's own, derived from the fd limit (read back from its log).
  PER_IP=5000 CAP=() TIMEOUT=10
  SIZE=(--users 20 --concurrency 10 --chats 10 --secs 30 --idle-ws 4500 --idle-tcp 3000 --slow 1000)
else
  PER_IP=150 CAP=(--max-connections 400) TIMEOUT=2
  SIZE=(--users 10 --concurrency 5 --chats 5 --secs 8 --idle-ws 100 --idle-tcp 50 --slow 20)
fi
# With 2 or more cores the server and the calm client run on core 0 and the abusers on the
# others, so that the abusers' own CPU cannot slow the calm users down: what changes between
# quiet and under abuse is then the server's doing (ABUSE_PIN=0 turns this off).
if [ "${ABUSE_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  CALM_CPU=(taskset -c 0) ABUSER_CPU=(taskset -c "1-$(($(nproc) - 1))")
  echo "abuse: server and calm client on core 0, abusers on cores 1-$(($(nproc) - 1))"
else
  CALM_CPU=() ABUSER_CPU=()
fi
# CPU seconds the server has used so far (utime + stime of /proc/PID/stat, in 1/100 s).
server_cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$SPID/stat"; }
SPID=
trap 'kill $SPID 2>/dev/null || true' EXIT
# Starts a server with the caps and the given flags; $1 names its log.
serve() {
  local log="$TMP/$1.log"; shift
  "${CALM_CPU[@]}" "$BIN" serve --bind 127.0.0.1:$PORT --app "$KEY:$SECRET" --media-port 0 "${CAP[@]}" \
    --max-connections-per-ip $PER_IP "$@" >"$log" 2>&1 &
  SPID=$!
  for _ in $(seq 100); do grep -q "at most" "$log" 2>/dev/null && break; sleep 0.1; done
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
  MAX=$(grep -m1 -o 'at most [0-9]* connections' "$log" | cut -d' ' -f3)
}
stop() {
  kill -TERM $SPID
  wait $SPID
}
A=(--port $PORT --bin "$BIN" --key "$KEY" --secret "$SECRET")

# Caps: its own server, whose timeouts outlast the filling, so the count is exact.
serve caps --join-timeout-secs 600
echo "abuse: the server takes at most $MAX connections, $PER_IP per IP address"
python3 "$HERE/abuse.py" caps "${A[@]}" --max-connections "$MAX" --per-ip-cap "$PER_IP" | tee "$TMP/caps.json"
stop

serve server --header-read-timeout-secs $TIMEOUT --join-timeout-secs $TIMEOUT
CPU0=$(server_cpu)
"${CALM_CPU[@]}" python3 "$HERE/abuse.py" calm --label quiet "${A[@]}" "${SIZE[@]}" | tee "$TMP/quiet.json"
CPU1=$(server_cpu)
APIDS=()
for g in idle active; do
  "${ABUSER_CPU[@]}" python3 "$HERE/abuse.py" abusers --group $g "${A[@]}" "${SIZE[@]}" >"$TMP/abusers-$g.json" 2>"$TMP/abusers-$g.err" &
  APIDS+=($!)
done
for g in idle active; do
  for _ in $(seq 100); do grep -q running "$TMP/abusers-$g.err" && break; sleep 0.1; done
done
sleep 3  # the abusers' sockets open
CPU2=$(server_cpu)
"${CALM_CPU[@]}" python3 "$HERE/abuse.py" calm --label under_abuse "${A[@]}" "${SIZE[@]}" | tee "$TMP/abuse.json"
CPU3=$(server_cpu)
diff_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
echo "abuse: server CPU during the calm session: quiet $(diff_s "$CPU1" "$CPU0") s, under abuse $(diff_s "$CPU3" "$CPU2") s"
kill -TERM "${APIDS[@]}"
for p in "${APIDS[@]}"; do
  wait $p || { cat "$TMP"/abusers-*; exit 1; }
done
python3 "$HERE/summary.py" "$TMP/caps.json" "$TMP/quiet.json" "$TMP/abuse.json" "$TMP/abusers-idle.json" "$TMP/abusers-active.json"
stop
echo "abuse: the server exited cleanly after SIGTERM"

#!/usr/bin/env bash
# CPU of one cloud recording (docs/egress.md), measured from outside every process: a server,
# PUBLISHERS bots each publishing the test pattern (the first also the tone), the host's bot
# starts a recording, and the CPU (utime + stime from /proc/PID/stat) of the egress worker,
# its ffmpeg and the server is read over SECS seconds in the middle of it. Everything on
# 127.0.0.1.
#
# Usage: scripts/bench-egress.sh [BIN] [PUBLISHERS] [SECS] [RAW]
#   BIN defaults to target/release/convene, PUBLISHERS to 1 (1 to 6: the main picture and the
#   strip's five tiles), SECS to 10. RAW=1 records raw tracks too (`--recording-raw-tracks`):
#   the CPU of the worker's track ffmpeg children (one per camera, `-c copy`) is added up.
set -euo pipefail
BIN=${1:-target/release/convene}
PUBLISHERS=${2:-1}
SECS=${3:-10}
RAW=${4:-0}
EXTRA=()
[ "$RAW" = 1 ] && EXTRA=(--recording-raw-tracks)
KEY=bench-egress; SECRET=bench-egress-secret-0123456789
PORT=18760
TOPIC=egress-bench
DIR=$(mktemp -d -t convene-bench-egress.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$BIN" serve --bind 127.0.0.1:$PORT --app $KEY:$SECRET --media-port 0 --recordings-dir "$DIR/rec" \
  "${EXTRA[@]}" >"$DIR/server.log" 2>&1 &
SERVER=$!; PIDS+=($SERVER)
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

for i in $(seq "$PUBLISHERS"); do
  role=0; audio=()
  if [ "$i" = 1 ]; then role=1; audio=(--publish-audio fixtures/tone-440.opus); fi
  token=$("$BIN" token --key $KEY --secret $SECRET --topic $TOPIC --role $role)
  fifo="$DIR/bot$i.in"; mkfifo "$fifo"
  "$BIN" join --url http://127.0.0.1:$PORT --topic $TOPIC --token "$token" --name "p$i" \
    --publish-video fixtures/testsrc-320x180.ivf "${audio[@]}" <"$fifo" >"$DIR/bot$i.out" 2>&1 &
  PIDS+=($!)
  exec {fd}>"$fifo"; eval "BOT${i}_FD=$fd"
done
sleep 2
echo '{"id":1,"cmd":"recording.startCloudRecording"}' >&"$BOT1_FD"
# The worker and its recording ffmpeg (not the one-shot that makes the black frame).
for _ in $(seq 100); do
  WORKER=$(pgrep -P "$SERVER" -f egress || true)
  [ -n "$WORKER" ] && FFMPEG=$(pgrep -P "$WORKER" -f "ffmpeg.*-f sdp" || true) && [ -n "${FFMPEG:-}" ] && break
  sleep 0.1
done
[ -n "${FFMPEG:-}" ] || { echo "no egress worker with ffmpeg" >&2; exit 1; }
sleep 3
# With RAW=1: the track files' ffmpeg children (IVF in on stdin), one per camera.
TRACKS=$(pgrep -P "$WORKER" -f "ffmpeg.*-f ivf" | tr '\n' ' ' || true)
cpu() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
declare -A c0
ROWS=("ffmpeg:$FFMPEG" "egress worker:$WORKER" "server:$SERVER")
[ -n "$TRACKS" ] && ROWS+=("track ffmpegs ($(echo $TRACKS | wc -w)):$TRACKS")
for pair in "${ROWS[@]}"; do c0[${pair#*:}]=$(cpu ${pair#*:}); done
sleep "$SECS"
TCK=$(getconf CLK_TCK)
for pair in "${ROWS[@]}"; do
  name=${pair%%:*}; p=${pair#*:}
  python3 -c "import sys; d=(int(sys.argv[2])-int(sys.argv[1]))/int(sys.argv[3]); print(f'{sys.argv[4]}: {d:.2f} s CPU in {sys.argv[5]} s ({100*d/int(sys.argv[5]):.0f} % of a core)')" \
    "${c0[$p]}" "$(cpu $p)" "$TCK" "$name" "$SECS"
done
echo '{"id":2,"cmd":"recording.stopCloudRecording"}' >&"$BOT1_FD"
sleep 2

# Shared by the multi-node benchmarks (sourced): a Redis on 127.0.0.1, processes stopped on
# exit, waiting for a port, and the CPU time of processes read from outside (/proc).
# Sets KEY, SECRET, OUT, REDIS_PORT and PIDS; the caller sets REDIS_PORT before sourcing.
KEY=lk; SECRET=ls-0123456789abcdef0123
OUT=$(mktemp -d -t convene-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; echo "nothing on $1" >&2; exit 1; }
# utime + stime of the processes, in clock ticks.
cpu() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no >"$OUT/redis.log" 2>&1 &
PIDS+=($!)
wait_port "$REDIS_PORT"

#!/usr/bin/env bash
# Agent end to end: runs `edgemlops run` on the synthetic line with the bundled model against a
# private mosquitto, once per thread count, and reports frames/s, latency p50/p99 (frame
# timestamp -> verdict handed to the flows, from the agent's own measurement), CPU time per
# frame and RSS after start and at the end.
#   scripts/bench-agent.sh [SECONDS=60] [MODEL=inspect-cls] [BINARY=.build/release/edgemlops]
# Use SECONDS=600 for the 10-minute RSS growth check.
set -euo pipefail
SECONDS_RUN=${1:-60}
MODEL=${2:-inspect-cls}
BIN=${3:-.build/release/edgemlops}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/edgemlops-bench-agent.XXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MOSQ=$(command -v mosquitto || echo /usr/sbin/mosquitto)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n%s\n' "$PORT" "$([ "$(id -u)" = 0 ] && echo 'user root')" > "$WORK/mosquitto.conf"
"$MOSQ" -c "$WORK/mosquitto.conf" >/dev/null 2>&1 & MPID=$!
trap 'kill $MPID 2>/dev/null || true' EXIT
sleep 0.5
hz=$(getconf CLK_TCK)
for threads in 1 2; do
  cat > "$WORK/agent.toml" <<CONF
[state]
directory = "$WORK/state$threads"
[broker]
port = $PORT
[monitoring]
interval_s = 5
[[pipelines]]
name = "bench"
width = 128
height = 128
fps = 200
model = "$MODEL"
threads = $threads
flows = "$ROOT/flows"
CONF
  mkdir -p "$WORK/state$threads"
  mosquitto_sub -p "$PORT" -t 'te/device/main/service/edgemlops/m/edgemlops_pipeline_bench' > "$WORK/m$threads.jsonl" & SPID=$!
  "$BIN" run --config "$WORK/agent.toml" 2> "$WORK/agent$threads.log" & APID=$!
  sleep 5
  rss_start=$(awk '/VmRSS/{print $2}' /proc/$APID/status)
  sleep "$SECONDS_RUN"
  rss_end=$(awk '/VmRSS/{print $2}' /proc/$APID/status)
  read -r utime stime < <(awk '{print $14, $15}' /proc/$APID/stat)
  kill -TERM $APID; wait $APID || true
  kill $SPID 2>/dev/null || true
  last=$(tail -1 "$WORK/m$threads.jsonl")
  python3 - "$threads" "$last" "$utime" "$stime" "$hz" "$rss_start" "$rss_end" <<'PY'
import json, sys
threads, last, ut, st, hz, r0, r1 = sys.argv[1:]
m = json.loads(last)
cpu = (int(ut) + int(st)) / int(hz)
print(f"threads={threads} fps={m['fps']:.1f} latency_p50_ms={m.get('latency_p50_ms',0):.1f} "
      f"latency_p99_ms={m.get('latency_p99_ms',0):.1f} dropped={m['dropped']} "
      f"cpu_ms_per_frame={1000*cpu/max(m['inferred'],1):.1f} rss_start_kb={r0} rss_end_kb={r1} growth_kb={int(r1)-int(r0)}")
PY
done

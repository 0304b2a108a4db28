#!/usr/bin/env bash
# Agent end to end: `edgemlops run` on the synthetic line with the bundled model against a private
# mosquitto, on 1 and 2 inference threads, in two regimes:
#   throughput  camera at 200 frames/s, so the model is the bottleneck: frames/s, drops, CPU per frame
#   line        camera at 30 frames/s (a line rate the model keeps up with): latency from the
#               frame's exposure to the verdict's MQTT message arriving at a subscriber, p50/p99
# and, with LONG_SECONDS > 0, one long line-rate run for resident memory after start and at the end.
#
#   scripts/bench-agent.sh [SECONDS=60] [MODEL=inspect-cls] [BINARY=.build/release/edgemlops]
#   LONG_SECONDS=600 scripts/bench-agent.sh ...   # adds the 10-minute RSS-growth run
#
# Latency: a bench flow publishes one measurement per verdict carrying `frame.time` (the exposure
# as Unix seconds, from the frame's CLOCK_MONOTONIC timestamp); mosquitto_sub stamps each message
# on arrival (%U). Same host, same clock: arrival - exposure is capture → preprocessing →
# inference → flow → outbox → broker → subscriber.
set -euo pipefail
SECONDS_RUN=${1:-60}
MODEL=${2:-inspect-cls}
BIN=${3:-.build/release/edgemlops}
LONG_SECONDS=${LONG_SECONDS:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/edgemlops-bench-agent.XXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MOSQ=$(command -v mosquitto || echo /usr/sbin/mosquitto)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n%s\n' "$PORT" \
  "$([ "$(id -u)" = 0 ] && echo 'user root')" > "$WORK/mosquitto.conf"
"$MOSQ" -c "$WORK/mosquitto.conf" >/dev/null 2>&1 & MPID=$!
trap 'kill $MPID 2>/dev/null || true' EXIT
sleep 0.5
hz=$(getconf CLK_TCK)
SERVICE=te/device/main/service/edgemlops

# The example flows plus one that reports every verdict with its exposure time.
mkdir -p "$WORK/flows"
cp "$ROOT"/flows/*.lua "$WORK/flows/"
cat > "$WORK/flows/bench_latency.lua" <<'LUA'
-- Bench only: one measurement per verdict with the frame's exposure time (Unix seconds).
return flow {
  name = "bench-latency",
  nodes = {
    parts = verdict {},
    exposure = measurement { series = "bench_frame", values = { exposure = "frame.time", id = "frame.id" } },
  },
  wires = { "parts -> exposure" },
}
LUA

run() { # name fps threads seconds
  local name=$1 fps=$2 threads=$3 seconds=$4
  cat > "$WORK/$name.toml" <<CONF
[state]
directory = "$WORK/state-$name"
[broker]
port = $PORT
[monitoring]
interval_s = 5
[[pipelines]]
name = "bench"
width = 128
height = 128
fps = $fps
model = "$MODEL"
threads = $threads
flows = "$WORK/flows"
CONF
  mkdir -p "$WORK/state-$name"
  mosquitto_sub -p "$PORT" -t "$SERVICE/m/edgemlops_pipeline_bench" > "$WORK/$name.pipeline.jsonl" & local spid=$!
  mosquitto_sub -p "$PORT" -t "$SERVICE/m/bench_frame" -F '%U %p' > "$WORK/$name.frames.txt" & local fpid=$!
  sleep 0.3
  "$BIN" run --config "$WORK/$name.toml" 2> "$WORK/$name.log" & local apid=$!
  sleep 5
  local rss_start utime stime rss_end t0 t1
  rss_start=$(awk '/VmRSS/{print $2}' /proc/$apid/status)
  read -r utime stime < <(awk '{print $14, $15}' /proc/$apid/stat)
  t0=$(date +%s.%N)
  sleep "$seconds"
  t1=$(date +%s.%N)
  rss_end=$(awk '/VmRSS/{print $2}' /proc/$apid/status)
  local utime1 stime1
  read -r utime1 stime1 < <(awk '{print $14, $15}' /proc/$apid/stat)
  kill -TERM $apid; wait $apid || true
  sleep 0.3
  kill $spid $fpid 2>/dev/null || true
  python3 - "$name" "$fps" "$threads" "$WORK/$name.frames.txt" "$t0" "$t1" $((utime1 + stime1 - utime - stime)) "$hz" \
    "$rss_start" "$rss_end" "$(tail -1 "$WORK/$name.pipeline.jsonl")" <<'PY'
import json, sys
name, fps, threads, frames, t0, t1, ticks, hz, r0, r1, last = sys.argv[1:]
t0, t1 = float(t0), float(t1)
latencies = []
for line in open(frames):
    stamp, _, payload = line.partition(" ")
    arrival = float(stamp)
    if not t0 <= arrival <= t1:
        continue
    latencies.append(1000 * (arrival - json.loads(payload)["exposure"]))
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))] if latencies else float("nan")
m = json.loads(last) if last else {}
window = t1 - t0
cpu_ms = 1000 * int(ticks) / int(hz)
print(f"{name}: camera={fps}fps threads={threads} frames/s={len(latencies) / window:.1f} "
      f"exposure->mqtt p50={pct(50):.1f}ms p99={pct(99):.1f}ms dropped={m.get('dropped', '?')} "
      f"cpu/frame={cpu_ms / max(len(latencies), 1):.2f}ms cpu={100 * cpu_ms / 1000 / window:.0f}% "
      f"rss_start={r0}kB rss_end={r1}kB growth={int(r1) - int(r0)}kB window={window:.0f}s", flush=True)
PY
}

for threads in ${THREADS-1 2}; do
  run "throughput-t$threads" 200 "$threads" "$SECONDS_RUN"
  run "line-t$threads" 30 "$threads" "$SECONDS_RUN"
done
if [[ $LONG_SECONDS -gt 0 ]]; then
  run "long-line-t1" 30 1 "$LONG_SECONDS"
fi

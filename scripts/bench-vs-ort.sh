#!/usr/bin/env bash
# Our runtime vs ONNX Runtime, side by side in one run (issue 4's benchmark). Each model is timed
# by `edgemlops bench --json` (release build) and by scripts/bench/ort_bench.py on onnxruntime
# (venv from scripts/onnx-env.sh) with the same thread count, warm-up and timed runs, each in
# its own process so peak RSS is per model; every (model, engine, threads) cell is repeated
# --reps times and the table shows the median of the repetitions' medians, because the shared
# host moves single figures by tens of percent.
#
# Models (scripts/bench/make_bench_models.py, cached in $EDGEMLOPS_CACHE/bench-models/v2):
# a MobileNetV2-style net at 224x224 and a ResNet-style net at 160x160, each as FP32, static QDQ
# (int8 and uint8 activations), static QOperator (uint8) and dynamic int8, as
# onnxruntime.quantization writes them from a few random calibration tensors.
# After the table: a per-operator profile of our int8 MobileNetV2-224 and achieved GMAC/s
# against the machine's peak (see the note printed with it).
#
# Usage: scripts/bench-vs-ort.sh [--threads "1 2"] [--runs N] [--warmup N] [--reps N] [--isa ISA]
# Not part of `make test`: benchmarks are not tests. About 6 minutes on 2 vCPUs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
threads_list="1 2" runs=30 warmup=5 reps=3 isa=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threads) threads_list=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --reps) reps=$2; shift 2 ;;
        --isa) isa=$2; shift 2 ;;
        *) echo "bench-vs-ort: unknown argument '$1' (use --threads \"1 2\" --runs N --warmup N --reps N --isa ISA)" >&2; exit 2 ;;
    esac
done

venv=$("$root/scripts/onnx-env.sh")
(cd "$root" && swift build -c release --product edgemlops >&2)
edgemlops="$root/.build/release/edgemlops"
[[ -n "$isa" ]] && export EDGEMLOPS_ISA="$isa"

# Outside the conformance directory, whose every .onnx the conformance tests enumerate.
bench_models="${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}/bench-models/v2"
"$venv/bin/python" "$root/scripts/bench/make_bench_models.py" "$bench_models" >&2

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for net in mobilenetv2_224 resnet_160; do
    for form in "" _qdq_s8 _qdq_u8 _qoperator_u8 _dynamic; do
        model="$bench_models/${net}${form}.onnx"
        for threads in $threads_list; do
            echo "bench-vs-ort: ${net}${form}, $threads thread(s)" >&2
            for ((rep = 0; rep < reps; rep++)); do
                ours=$("$edgemlops" bench "$model" --threads "$threads" --runs "$runs" --warmup "$warmup" --json 2>/dev/null)
                ort=$("$venv/bin/python" "$root/scripts/bench/ort_bench.py" "$model" "$threads" "$runs" "$warmup")
                printf '%s\t%s\t%s\t%s\n' "${net}${form}" "$threads" "$ours" "$ort" >>"$results"
            done
        done
    done
done

profile_model="$bench_models/mobilenetv2_224_qdq_s8.onnx"
echo "bench-vs-ort: profile of mobilenetv2_224_qdq_s8" >&2
profile=$("$edgemlops" bench "$profile_model" --threads 1 --runs "$runs" --warmup "$warmup" --profile --json 2>/dev/null)
macs_mobilenet=$("$venv/bin/python" "$root/scripts/bench/count_macs.py" "$bench_models/mobilenetv2_224.onnx")
macs_resnet=$("$venv/bin/python" "$root/scripts/bench/count_macs.py" "$bench_models/resnet_160.onnx")
mhz=$(awk -F: '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo)

"$venv/bin/python" - "$results" "$runs" "$warmup" "$reps" "$macs_mobilenet" "$macs_resnet" "${mhz:-0}" "$profile" <<'PY'
import json, statistics, sys
from collections import OrderedDict
path, runs, warmup, reps = sys.argv[1:5]
macs = {"mobilenetv2_224": int(sys.argv[5]), "resnet_160": int(sys.argv[6])}
mhz = float(sys.argv[7])
profile = json.loads(sys.argv[8])
cells = OrderedDict()
for line in open(path):
    name, threads, ours, ort = line.rstrip("\n").split("\t")
    cells.setdefault((name, int(threads)), []).append((json.loads(ours), json.loads(ort)))
first = next(iter(cells.values()))[0]
isa, ort_version = first[0]["isa"], first[1]["onnxruntime"]
print(f"{warmup} warm-up + {runs} timed runs per process, median of {reps} processes per cell, "
      f"our ISA {isa}, onnxruntime {ort_version}\n")
print("| Model | threads | ours median ms | ORT median ms | ours / ORT | ours GMAC/s | ours peak RSS MB | ORT peak RSS MB |")
print("|---|---|---|---|---|---|---|---|")
for (name, threads), samples in cells.items():
    ours = statistics.median(s[0]["median_ms"] for s in samples)
    ort = statistics.median(s[1]["median_ms"] for s in samples)
    rss_ours = max(s[0]["peak_rss_mb"] for s in samples)
    rss_ort = max(s[1]["peak_rss_mb"] for s in samples)
    net = "mobilenetv2_224" if name.startswith("mobilenetv2_224") else "resnet_160"
    gmacs = macs[net] / (ours / 1000) / 1e9
    print(f"| {name} | {threads} | {ours:.2f} | {ort:.2f} | {ours / ort:.2f} | {gmacs:.1f} | {rss_ours:.1f} | {rss_ort:.1f} |")

ghz = mhz / 1000
print(f"\nMACs per inference (Conv/Gemm/MatMul families, scripts/bench/count_macs.py): "
      f"mobilenetv2_224 {macs['mobilenetv2_224'] / 1e6:.1f} M, resnet_160 {macs['resnet_160'] / 1e6:.1f} M.")
if isa == "avx512vnni" and ghz > 0:
    # Peak per core: int8 = 2 vpdpbusd zmm per cycle x 64 MACs; fp32 = 2 FMA zmm per cycle x 16.
    print(f"Peak per core at the reported {ghz:.2f} GHz (2 x 512-bit ports): int8 {2 * 64 * ghz:.0f} GMAC/s "
          f"(vpdpbusd), fp32 {2 * 16 * ghz:.0f} GMAC/s (vfmadd).")
print(f"\nPer-operator profile, ours, mobilenetv2_224_qdq_s8, 1 thread, median {profile['median_ms']:.2f} ms:\n")
print("| Step | steps | ms per run | % |")
print("|---|---|---|---|")
for row in profile["profile"]:
    print(f"| {row['op']} | {row['steps']} | {row['total_ms']:.3f} | {row['percent']:.1f} |")
PY

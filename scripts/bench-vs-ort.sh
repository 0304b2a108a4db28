#!/usr/bin/env bash
# Our runtime vs ONNX Runtime, side by side in one run: each model is timed by
# `edgemlops bench --json` (release build) and by scripts/bench/ort_bench.py on onnxruntime
# (venv from scripts/onnx-env.sh) with the same thread count, warm-up and timed runs, each in
# its own process so peak RSS is per model. Prints a Markdown table: both medians, the ratio
# ours / ORT (below 1 = we are faster) and both peak RSS figures.
#
# Models: the conformance nets (MobileNetV2-, ResNet-style and autoencoder) as FP32, static QDQ
# (per-tensor, per-channel), QOperator (U8, S8) and dynamic int8, from the conformance model
# directory (scripts/conformance/make-models.sh builds it once), and a 224x224 MobileNetV2-style
# FP32 net (scripts/bench/make_mobilenetv2_224.py, cached in $EDGEMLOPS_CACHE/bench-models).
#
# Usage: scripts/bench-vs-ort.sh [--threads N] [--runs N] [--warmup N] [--isa ISA]
# Not part of `make test`: benchmarks are not tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
threads=1 runs=200 warmup=20 isa=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threads) threads=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --isa) isa=$2; shift 2 ;;
        *) echo "bench-vs-ort: unknown argument '$1' (use --threads N --runs N --warmup N --isa ISA)" >&2; exit 2 ;;
    esac
done

models=$("$root/scripts/conformance/make-models.sh")
venv=$("$root/scripts/onnx-env.sh")
(cd "$root" && swift build -c release --product edgemlops >&2)
edgemlops="$root/.build/release/edgemlops"
[[ -n "$isa" ]] && export EDGEMLOPS_ISA="$isa"

# Outside the conformance directory, whose every .onnx the conformance tests enumerate.
bench_models="${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}/bench-models"
mkdir -p "$bench_models"
big="$bench_models/mobilenetv2_224.onnx"
[[ -f "$big" ]] || "$venv/bin/python" "$root/scripts/bench/make_mobilenetv2_224.py" "$big"

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for net in mobilenetv2 resnet autoencoder; do
    for form in "" _qdq_per_tensor _qdq_per_channel _qoperator_u8 _qoperator_s8 _dynamic; do
        model="$models/net_${net}${form}.onnx"
        [[ -f "$model" ]] || { echo "bench-vs-ort: $model missing, skipped" >&2; continue; }
        echo "bench-vs-ort: net_${net}${form}" >&2
        ours=$("$edgemlops" bench "$model" --threads "$threads" --runs "$runs" --warmup "$warmup" --json 2>/dev/null)
        ort=$("$venv/bin/python" "$root/scripts/bench/ort_bench.py" "$model" "$threads" "$runs" "$warmup")
        printf '%s\t%s\t%s\n' "net_${net}${form}" "$ours" "$ort" >>"$results"
    done
done
echo "bench-vs-ort: mobilenetv2_224" >&2
ours=$("$edgemlops" bench "$big" --threads "$threads" --runs "$runs" --warmup "$warmup" --json 2>/dev/null)
ort=$("$venv/bin/python" "$root/scripts/bench/ort_bench.py" "$big" "$threads" "$runs" "$warmup")
printf '%s\t%s\t%s\n' "mobilenetv2_224 (fp32)" "$ours" "$ort" >>"$results"

"$venv/bin/python" - "$results" "$threads" "$runs" "$warmup" <<'PY'
import json, sys
path, threads, runs, warmup = sys.argv[1:5]
rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
ort_version = json.loads(rows[0][2])["onnxruntime"] if rows else "?"
isa = json.loads(rows[0][1])["isa"] if rows else "?"
print(f"{threads} thread(s), {warmup} warm-up + {runs} timed runs, our ISA {isa}, onnxruntime {ort_version}\n")
print("| Model | ours median ms | ORT median ms | ours / ORT | ours p99 ms | ORT p99 ms | ours peak RSS MB | ORT peak RSS MB |")
print("|---|---|---|---|---|---|---|---|")
for name, ours, ort in rows:
    a, b = json.loads(ours), json.loads(ort)
    print(f"| {name} | {a['median_ms']:.3f} | {b['median_ms']:.3f} | {a['median_ms'] / b['median_ms']:.2f} "
          f"| {a['p99_ms']:.3f} | {b['p99_ms']:.3f} | {a['peak_rss_mb']:.1f} | {b['peak_rss_mb']:.1f} |")
PY

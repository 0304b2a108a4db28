#!/usr/bin/env bash
# Quantizes the FP32 conformance nets with `edgemlops quantize` and with
# onnxruntime.quantization.quantize_static under matching options (QDQ, MinMax, per-channel
# symmetric int8 weights, int8 activations, the same calibration tensors), then prints
# `edgemlops bench --compare FP32 ours ort` for each: size, latency in our runtime, agreement
# and cosine similarity with FP32. Figures only (no pass/fail): use a release build.
# Usage: scripts/quantize-interop/compare-ort-quantizer.sh [MODELS_DIR]
# Environment: EDGEMLOPS_BIN (default .build/release/edgemlops)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
models=${1:-${EDGEMLOPS_CONFORMANCE_MODELS:-$("$root/scripts/conformance/make-models.sh")}}
bin=${EDGEMLOPS_BIN:-"$root/.build/release/edgemlops"}
python="$("$root/scripts/onnx-env.sh")/bin/python"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for net in "$models"/net_*.onnx; do
    case "$net" in *_dynamic.onnx|*_qdq_*|*_qoperator_*) continue ;; esac
    stem=$(basename "$net" .onnx)
    mkdir -p "$work/$stem/cal"
    "$python" "$root/scripts/quantize-interop/ort_quantize_static.py" "$net" "$work/$stem/cal" "$work/$stem/ort.onnx"
    "$bin" quantize "$net" -o "$work/$stem/ours.onnx" --calibration "$work/$stem/cal" --per-channel >/dev/null
    "$bin" quantize "$net" -o "$work/$stem/dynamic.onnx" --mode dynamic >/dev/null
    cp "$net" "$work/$stem/fp32.onnx"
    echo "== $stem"
    "$bin" bench --compare "$work/$stem/fp32.onnx" "$work/$stem/dynamic.onnx" "$work/$stem/ours.onnx" "$work/$stem/ort.onnx" \
        --runs "${RUNS:-200}" --samples 64 --threads 1 2>/dev/null
done

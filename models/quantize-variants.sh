#!/usr/bin/env bash
# Makes the int8 variants of every committed FP32 inspection model with our quantizer
# (issue 5): <name>-static-int8.onnx (calibrated on rendered synthetic frames) and
# <name>-dynamic-int8.onnx, next to models/<name>/<name>-fp32.onnx.
#
# Usage: models/quantize-variants.sh [NAME...]     (default: inspect-cls inspect-ae)
# Environment: EDGEMLOPS_BIN (an edgemlops binary instead of building one),
#   CALIBRATION_COUNT (default 300 images), CALIBRATION_SEED (default 4004: not a training,
#   selection or held-out seed, see models/README.md).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}
count=${CALIBRATION_COUNT:-300}
seed=${CALIBRATION_SEED:-4004}
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(inspect-cls inspect-ae)

edgemlops=${EDGEMLOPS_BIN:-$root/.build/release/edgemlops}
if [[ -z ${EDGEMLOPS_BIN:-} ]]; then
    (cd "$root" && swift build -c release --product edgemlops >&2)
fi

# Calibration frames come from the same synthetic line as training, at the model's input size,
# with the same defect rate: the activations seen at calibration are those seen in service.
calibration=$cache/data/calibration-s$seed-n$count
if [[ ! -f $calibration/labels.csv ]]; then
    rm -rf "$calibration"
    "$edgemlops" synth --seed "$seed" --count "$count" --size 128x128 --defect-rate 0.5 --out "$calibration"
fi

for name in "${names[@]}"; do
    fp32=$root/models/$name/$name-fp32.onnx
    # inspect-ae: the score tail (error, low-pass, square, channel mean, structure variance,
    # window average, max) stays in float: int8 steps of a small squared difference would swamp
    # a faint defect's error. torch.onnx.export names the AnomalyScore module's nodes /score/...
    exclude=()
    if [[ $name == inspect-ae ]]; then
        exclude=(--exclude '/score/*')
    fi
    if [[ ! -f $fp32 ]]; then
        echo "quantize-variants: $fp32 does not exist" >&2
        exit 1
    fi
    "$edgemlops" quantize "$fp32" -o "$root/models/$name/$name-static-int8.onnx" --mode static --per-channel --calibration "$calibration" "${exclude[@]}"
    "$edgemlops" quantize "$fp32" -o "$root/models/$name/$name-dynamic-int8.onnx" --mode dynamic
    if [[ $name == inspect-ae ]]; then
        # Each variant's own threshold from the selection set, figures on the held-out set.
        (cd "$root/models" && "$("$root/scripts/models-venv.sh")" ae_variants.py \
            --val "$cache/data/inspect-v2-s2002-n2000" --test "$cache/data/inspect-v2-s3003-n2000" \
            --threshold-set "$cache/data/inspect-v2-s6006-n10000-good" \
            "$root/models/$name/$name-dynamic-int8.onnx" "$root/models/$name/$name-static-int8.onnx")
    fi
    echo "quantize-variants: $name: static and dynamic int8 written to models/$name/" >&2
done

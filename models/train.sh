#!/usr/bin/env bash
# Trains inspect-cls from nothing: builds edgemlops, renders the synthetic datasets,
# creates the pinned Python environment, trains, exports ONNX and checks it with
# ONNX Runtime. Artefacts go to the cache, never into the repository.
#
# Usage: models/train.sh [OUT_DIR] [extra models/train.py options, e.g. --epochs 30]
#   OUT_DIR defaults to ${EDGEMLOPS_CACHE:-~/.cache/edgemlops}/models/inspect-cls
# Environment: EDGEMLOPS_BIN (an edgemlops binary to use instead of building one),
#   TRAIN_COUNT (default 12000), VAL_COUNT (default 2000).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}
out=${1:-$cache/models/inspect-cls}
shift || true
train_count=${TRAIN_COUNT:-12000}
val_count=${VAL_COUNT:-2000}
# Fixed seeds: 1001 trains, 2002 is the held-out set. Never train on 2002.
train_seed=1001
val_seed=2002

edgemlops=${EDGEMLOPS_BIN:-$root/.build/release/edgemlops}
if [[ -z ${EDGEMLOPS_BIN:-} ]]; then
    (cd "$root" && swift build -c release --product edgemlops >&2)
fi

synth() { # seed count dir
    if [[ ! -f $3/labels.csv ]]; then
        rm -rf "$3"
        "$edgemlops" synth --seed "$1" --count "$2" --size 128x128 --defect-rate 0.5 --out "$3"
    fi
}
train_dir=$cache/data/inspect-s$train_seed-n$train_count
val_dir=$cache/data/inspect-s$val_seed-n$val_count
synth $train_seed "$train_count" "$train_dir"
synth $val_seed "$val_count" "$val_dir"

python=$("$root/scripts/models-venv.sh")
mkdir -p "$out"
"$python" "$root/models/train.py" --train "$train_dir" --val "$val_dir" --out "$out/inspect-cls.onnx" "$@"
echo "train.sh: model in $out/inspect-cls.onnx, figures in $out/inspect-cls.metrics.json" >&2

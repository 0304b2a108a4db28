#!/usr/bin/env bash
# ONNX conformance for EdgeInference: builds the test models with onnx + onnxruntime (cached per
# version of make_models.py and the pinned packages), then runs the EdgeInference tests with
# EDGEMLOPS_CONFORMANCE_MODELS pointing at them: shape inference vs ONNX Runtime, NumPy files,
# quantization-scheme detection, our rewritten models loaded and run by ONNX Runtime, and our
# executor's outputs compared with ONNX Runtime's (ExecutorConformanceTests, which prints a table).
# The executor comparison runs twice: with the best kernel ISA, then with EDGEMLOPS_ISA=scalar.
#
# Usage: scripts/conformance/run.sh [extra swift test arguments]
# Environment: EDGEMLOPS_CACHE (default $HOME/.cache/edgemlops)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cache="${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}"
key=$(cat "$root/scripts/conformance/make_models.py" "$root/scripts/onnx-env.sh" | sha256sum | cut -c1-16)
models="$cache/conformance-models-$key"

if [[ ! -f "$models/.complete" ]]; then
    rm -rf "$models"
    "$root/scripts/onnx-env.sh" python "$root/scripts/conformance/make_models.py" "$models"
    touch "$models/.complete"
fi

cd "$root"
EDGEMLOPS_CONFORMANCE_MODELS="$models" swift test --filter EdgeInferenceTests "$@"
EDGEMLOPS_CONFORMANCE_MODELS="$models" EDGEMLOPS_ISA=scalar swift test --filter ExecutorConformanceTests "$@"

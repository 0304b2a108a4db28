#!/usr/bin/env bash
# Quantizes every FP32 conformance net with `edgemlops quantize` (static: each method, qdq and
# qoperator, int8 and uint8 activations, per-channel on and off; and dynamic), then runs each
# output in ONNX Runtime and in our runtime (`edgemlops infer`) and requires the outputs to agree
# within one quantization step of the output. Ends with "N cases, M failed" for scripts/test.sh.
# Usage: scripts/quantize-interop/check.sh [MODELS_DIR]   (default: scripts/conformance/make-models.sh)
# Environment: EDGEMLOPS_BIN (default .build/debug/edgemlops)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
models=${1:-${EDGEMLOPS_CONFORMANCE_MODELS:-$("$root/scripts/conformance/make-models.sh")}}
bin=${EDGEMLOPS_BIN:-"$root/.build/debug/edgemlops"}
python="$("$root/scripts/onnx-env.sh")/bin/python"
exec "$python" "$root/scripts/quantize-interop/check_interop.py" "$bin" "$models"

#!/usr/bin/env bash
# ONNX conformance for EdgeInference alone: builds the test models with onnx + onnxruntime
# (cached, see make-models.sh), then runs the EdgeInference tests with EDGEMLOPS_CONFORMANCE_MODELS
# pointing at them. `make test` does the same as part of the whole suite.
#
# Usage: scripts/conformance/run.sh [extra swift test arguments]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
models=$("$root/scripts/conformance/make-models.sh")
cd "$root"
EDGEMLOPS_CONFORMANCE_MODELS="$models" swift test --filter EdgeInferenceTests "$@"

#!/usr/bin/env bash
# ONNX conformance for EdgeInference alone: builds the test models with onnx + onnxruntime
# (cached, see make-models.sh), then runs the EdgeInference tests with EDGEMLOPS_CONFORMANCE_MODELS
# pointing at them: shape inference vs ONNX Runtime, NumPy files, quantization-scheme detection,
# our rewritten models loaded and run by ONNX Runtime, and our executor's outputs compared with
# ONNX Runtime's (ExecutorConformanceTests, which prints a table). The executor comparison runs
# with the best kernel ISA, then again with EDGEMLOPS_ISA=scalar. `make test` does all of this too.
#
# Usage: scripts/conformance/run.sh [extra swift test arguments]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
models=$("$root/scripts/conformance/make-models.sh")
cd "$root"
EDGEMLOPS_CONFORMANCE_MODELS="$models" swift test --filter EdgeInferenceTests "$@"
EDGEMLOPS_CONFORMANCE_MODELS="$models" EDGEMLOPS_ISA=scalar swift test --filter ExecutorConformanceTests "$@"

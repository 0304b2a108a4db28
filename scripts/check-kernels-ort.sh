#!/usr/bin/env bash
# Builds the CKernels C sources into a shared library and compares the scalar reference
# kernels with ONNX Runtime operator by operator (tools/ckernels-ort/check_ort.py): every
# quantized operator must agree bit for bit. Prints one table row per case; exit status 1 on
# any difference. The Python environment comes from scripts/onnx-env.sh (pinned, PyPI, cached).
# Usage: scripts/check-kernels-ort.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/.build/ckernels-ort"}
mkdir -p "$out"
"${CC:-cc}" -std=gnu11 -O2 -fPIC -shared -I "$root/Sources/CKernels/include" -I "$root/Sources/CKernels" \
    "$root"/Sources/CKernels/*.c -lm -lpthread -o "$out/libckernels.so"
python="$("$root/scripts/onnx-env.sh")/bin/python"
"$python" "$root/tools/ckernels-ort/check_ort.py" "$out/libckernels.so"

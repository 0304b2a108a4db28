#!/usr/bin/env bash
# Creates (once) the Python environment of the kernel tooling: numpy, onnx, onnxruntime from
# PyPI, under ${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}/venv. Test tooling only; the product
# never runs Python. Prints the venv's python path.
set -euo pipefail
venv="${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}/venv"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c 'import numpy, onnx, onnxruntime' 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check numpy onnx onnxruntime >&2
fi
echo "$venv/bin/python"

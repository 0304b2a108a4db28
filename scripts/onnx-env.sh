#!/usr/bin/env bash
# Creates (once) and prints the path of the Python environment used by the ONNX
# conformance tooling: pinned onnx, onnxruntime and numpy from PyPI.
# Test tooling only: the edgemlops runtime never needs Python.
#
# Usage: scripts/onnx-env.sh            -> prints the venv directory
#        scripts/onnx-env.sh python ARGS -> runs the venv's python with ARGS
# Environment: EDGEMLOPS_CACHE (default $HOME/.cache/edgemlops)
set -euo pipefail

# Pins: bump together and re-run the conformance suite. A change in the list
# changes the stamp, which rebuilds the venv.
pins=(
    "onnx==1.20.1"
    "onnxruntime==1.32.0"
    "numpy==2.3.5"
)

cache="${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}"
venv="$cache/venv-onnx"
stamp="$venv/.edgemlops-pins"
want="${pins[*]}"

if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "onnx-env: creating $venv with ${pins[*]}" >&2
    rm -rf "$venv"
    mkdir -p "$cache"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}" >&2
    printf '%s' "$want" >"$stamp"
fi

if [[ $# -eq 0 ]]; then
    echo "$venv"
else
    shift
    exec "$venv/bin/python" "$@"
fi

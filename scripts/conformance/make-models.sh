#!/usr/bin/env bash
# Builds (once per version of the generator and its pinned packages) the ONNX conformance models
# and prints their directory. Cached under ${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache="${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}"
key=$(cat "$root/scripts/conformance/make_models.py" "$root/scripts/onnx-env.sh" | sha256sum | cut -c1-16)
models="$cache/conformance-models-$key"
if [[ ! -f "$models/.complete" ]]; then
    rm -rf "$models"
    "$root/scripts/onnx-env.sh" python "$root/scripts/conformance/make_models.py" "$models" >&2
    touch "$models/.complete"
fi
echo "$models"

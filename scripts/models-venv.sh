#!/usr/bin/env bash
# Creates (once) the Python environment that trains and exports the inspection models.
# Prints the venv's python path on stdout. Usage: scripts/models-venv.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}
# A sibling of the other tool environments ($cache/venv, $cache/venv-onnx), not inside one.
venv=$cache/venv-train
stamp=$venv/.requirements.sha256
want=$(sha256sum "$root/models/requirements.txt" | cut -d' ' -f1)

if [[ -x $venv/bin/python && -f $stamp && $(cat "$stamp") == "$want" ]]; then
    echo "$venv/bin/python"
    exit 0
fi

echo "models-venv: creating $venv" >&2
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv"
if ! "$venv/bin/pip" install -q -r "$root/models/requirements.txt" >&2; then
    echo "models-venv: install failed. torch==2.13.0+cpu is not on PyPI itself; it is found through" >&2
    echo "models-venv: pip's find-links (PIP_FIND_LINKS, /opt/wheels here). See models/README.md." >&2
    exit 1
fi
echo "$want" >"$stamp"
echo "$venv/bin/python"

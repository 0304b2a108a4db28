#!/usr/bin/env python3
"""Checks that models rewritten by EdgeMLOps still load in ONNX Runtime and compute the same thing.

Usage: check_loads.py REFERENCE_DIR REWRITTEN_DIR [REWRITTEN_DIR ...]

REFERENCE_DIR is what make_models.py wrote (NAME.in<i>.npy inputs, NAME.out<i>.npy ONNX Runtime
outputs, NAME.json sidecars). Every REWRITTEN_DIR/NAME.onnx is loaded with ONNX Runtime, run on
the same inputs and compared with the reference outputs:
  float outputs: |got - want| <= 1e-4 * max(1, |want|)   (BN folding changes rounding slightly)
  float outputs of quantized models: |got - want| <= 2% of the output's range, because a folded
    float BN feeding a QuantizeLinear can move values by a quantization step or two
  integer outputs: equal, or off by one quantization step for quantized models
Models whose sidecar says ort_nondeterministic (ONNX Runtime disagrees with itself across
processes) are only checked for loading and output shapes.
Prints one line per model and exits 1 if any model fails to load or differs.
"""
import json
import os
import sys

import numpy as np
import onnxruntime as ort

ort.set_default_logger_severity(3)


def compare(want, got, quantized):
    if want.shape != got.shape:
        return f"shape {got.shape} != {want.shape}"
    if want.dtype != got.dtype:
        return f"dtype {got.dtype} != {want.dtype}"
    if np.issubdtype(want.dtype, np.floating) and quantized:
        span = max(1.0, float(want.max() - want.min())) if want.size else 1.0
        worst = float(np.abs(got.astype(np.float64) - want).max()) if want.size else 0.0
        return None if worst <= 0.02 * span else f"max absolute error {worst:.3g} (range {span:.3g})"
    if np.issubdtype(want.dtype, np.floating):
        err = np.abs(got.astype(np.float64) - want) / np.maximum(1.0, np.abs(want))
        worst = float(err.max()) if err.size else 0.0
        return None if worst <= 1e-4 else f"max relative error {worst:.3g}"
    diff = np.abs(got.astype(np.int64) - want.astype(np.int64))
    worst = int(diff.max()) if diff.size else 0
    return None if worst <= (1 if quantized else 0) else f"max integer difference {worst}"


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ref = sys.argv[1]
    failures = 0
    total = 0
    for rewritten in sys.argv[2:]:
        for file in sorted(f for f in os.listdir(rewritten) if f.endswith(".onnx")):
            name = file[: -len(".onnx")]
            total += 1
            with open(os.path.join(ref, name + ".json")) as f:
                sidecar = json.load(f)
            status = "ok"
            try:
                sess = ort.InferenceSession(os.path.join(rewritten, file), providers=["CPUExecutionProvider"])
                feeds = {inp["name"]: np.load(os.path.join(ref, f"{name}.in{i}.npy")) for i, inp in enumerate(sidecar["inputs"])}
                got = sess.run([o["name"] for o in sidecar["outputs"]], feeds)
                for i, value in enumerate(got):
                    # A byte-for-byte protobuf round trip must reproduce ORT's outputs exactly.
                    exact = os.path.basename(rewritten.rstrip("/")) == "roundtrip"
                    want = np.load(os.path.join(ref, f"{name}.out{i}.npy"))
                    if sidecar.get("ort_nondeterministic"):
                        # ORT itself does not reproduce its own output across processes: check shape only.
                        problem = None if want.shape == value.shape else f"shape {value.shape} != {want.shape}"
                    elif exact:
                        problem = None if np.array_equal(want, value) else "differs from the original model's output"
                    else:
                        problem = compare(want, value, sidecar.get("quantized", False))
                    if problem:
                        status = f"output {sidecar['outputs'][i]['name']}: {problem}"
                        break
            except Exception as e:  # noqa: BLE001 - report every load/run failure as a row
                status = f"ORT error: {str(e).splitlines()[0][:200]}"
            if status != "ok":
                failures += 1
            print(f"{os.path.basename(rewritten.rstrip('/')):12} {name:45} {status}")
    print(f"check_loads: {total - failures}/{total} rewritten models load and match ONNX Runtime")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""ONNX Runtime interoperability of models written by `edgemlops quantize`.

For each FP32 conformance net and each quantizer configuration: quantize with our CLI, load the
result in ONNX Runtime (every model we write must load there), run the same inputs through ORT
and through `edgemlops infer`, and compare. Tolerance: one quantization step of the output
(the scale of the DequantizeLinear producing it), or 1e-3 of the output's range when the output
is float (dynamic mode). Prints one row per case and "N cases, M failed".
"""
import glob
import itertools
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


def output_step(model, name):
    producers = {o: n for n in model.graph.node for o in n.output}
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    node = producers.get(name)
    if node is not None and node.op_type == "DequantizeLinear" and node.input[1] in inits:
        return float(np.max(inits[node.input[1]]))
    return None


def main():
    binary, models = sys.argv[1], sys.argv[2]
    nets = sorted(p for p in glob.glob(os.path.join(models, "net_*.onnx"))
                  if not any(s in os.path.basename(p) for s in ("_dynamic", "_qdq", "_qoperator")))
    configs = [["--mode", "dynamic"]]
    for method, fmt, act, pc in itertools.product(["minmax", "percentile", "entropy"], ["qdq", "qoperator"],
                                                  ["uint8", "int8"], [False, True]):
        configs.append(["--method", method, "--format", fmt, "--activations", act] + (["--per-channel"] if pc else []))
    cases = failed = 0
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        for net in nets:
            stem = os.path.basename(net)[:-5]
            x = np.load(os.path.join(models, stem + ".in0.npy"))
            caldir = os.path.join(tmp, stem + "-cal")
            os.makedirs(caldir)
            np.save(os.path.join(caldir, "0.npy"), x)
            for i in range(1, 8):
                np.save(os.path.join(caldir, f"{i}.npy"), (x + rng.normal(0, 0.3, x.shape)).astype(np.float32))
            for config in configs:
                cases += 1
                label = f"{stem} {' '.join(config)}"
                out = os.path.join(tmp, "q.onnx")
                args = [binary, "quantize", net, "-o", out] + config
                if "dynamic" not in config:
                    args += ["--calibration", caldir]
                run = subprocess.run(args, capture_output=True, text=True)
                if run.returncode != 0:
                    failed += 1
                    print(f"FAIL {label}: quantize exited {run.returncode}: {run.stderr.strip()[-300:]}")
                    continue
                try:
                    model = onnx.load(out)
                    session = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
                    name = session.get_inputs()[0].name
                    theirs = session.run(None, {name: x})[0]
                except Exception as error:  # noqa: BLE001 - any load/run failure is the finding
                    failed += 1
                    print(f"FAIL {label}: ONNX Runtime: {str(error)[:300]}")
                    continue
                npy_in = os.path.join(tmp, "in.npy")
                npy_out = os.path.join(tmp, "out.npy")
                np.save(npy_in, x)
                run = subprocess.run([binary, "infer", out, "--tensor", npy_in, "--output", npy_out],
                                     capture_output=True, text=True)
                if run.returncode != 0:
                    failed += 1
                    print(f"FAIL {label}: infer exited {run.returncode}: {run.stderr.strip()[-300:]}")
                    continue
                ours = np.load(npy_out)
                step = output_step(model, model.graph.output[0].name)
                tol = step * 1.0001 if step is not None else 1e-3 * max(1.0, float(np.abs(theirs).max()))
                diff = float(np.abs(ours.astype(np.float64) - theirs).max())
                ok = diff <= tol
                failed += 0 if ok else 1
                print(f"{'ok  ' if ok else 'FAIL'} {label}: max |ours - ort| = {diff:.6g} (tolerance {tol:.6g})")
    print(f"{cases} cases, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

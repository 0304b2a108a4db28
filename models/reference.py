#!/usr/bin/env python3
"""Stores a reference computation in a model's metadata_props so our runtime can be checked
against the Python evaluation: the first output for the first N frames of a synthetic
dataset, computed by ONNX Runtime on exactly the training preprocessing.

Usage: reference.py MODEL.onnx DATASET_DIR [--frames 8]

Keys: edgemlops.check.seed (the dataset's synth seed, from its directory name "...-sSEED-n..."),
edgemlops.check.output (output name), edgemlops.check.values (JSON list of lists, one per
frame index 0..N-1). EdgeModelsTests renders the same frames in-process and compares.
"""

import argparse
import json
import re
import sys

import numpy as np
import onnx
import onnxruntime

from dataset import load, to_tensor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("dataset")
    parser.add_argument("--frames", type=int, default=8)
    args = parser.parse_args()
    match = re.search(r"-s(\d+)-n\d+/?$", args.dataset)
    if not match:
        sys.exit(f"reference.py: {args.dataset}: directory name must end in -sSEED-nCOUNT")
    images, _, _ = load(args.dataset)
    session = onnxruntime.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    output = session.get_outputs()[0].name
    values = session.run([output], {"input": to_tensor(images[:args.frames]).numpy()})[0]
    proto = onnx.load(args.model)
    keep = [e for e in proto.metadata_props if not e.key.startswith("edgemlops.check.")]
    del proto.metadata_props[:]
    proto.metadata_props.extend(keep)
    for key, value in {
        "edgemlops.check.seed": match.group(1),
        "edgemlops.check.output": output,
        "edgemlops.check.values": json.dumps(np.asarray(values, dtype=np.float32).reshape(args.frames, -1).round(5).tolist()),
    }.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    onnx.save(proto, args.model)


if __name__ == "__main__":
    sys.exit(main())

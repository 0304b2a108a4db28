#!/usr/bin/env python3
"""Sets the threshold and card figures of each inspect-ae variant (FP32, dynamic and static
int8) from its own scores, computed by ONNX Runtime on the training preprocessing.

Quantization moves the reconstruction error a little, so an int8 variant gets its own
threshold: the (1 - false-alarm) quantile of its scores on the threshold set's good frames
(--threshold-set; the selection set's without it), exactly as train_ae.py chose the FP32 one. Recall and false alarms are then measured on the
held-out set and written to the variant's metadata (edgemlops.threshold,
edgemlops.train.recall, edgemlops.train.false_alarm: what EdgeModelsTests checks) and to
<variant>.metrics.json (card_tables.py prints the card from it).

Usage: ae_variants.py --val DIR --test DIR [--threshold-set DIR] MODEL.onnx...
"""

import argparse
import json
import sys
import time

import numpy as np
import onnx
import onnxruntime

from dataset import LABELS, load, to_tensor


def run(session, images, batch=50):
    # The quantizer fixes the batch dimension to 1; the FP32 export keeps it symbolic.
    if session.get_inputs()[0].shape[0] == 1:
        batch = 1
    out = []
    for start in range(0, len(images), batch):
        x = to_tensor(images[start:start + batch]).numpy()
        out.append(session.run(["score"], {"input": x})[0][:, 0])
    return np.concatenate(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--val", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--threshold-set")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()
    vx, vy, _ = load(args.threshold_set or args.val)
    ex, ey, _ = load(args.test)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = args.threads
    for path in args.models:
        proto = onnx.load(path)
        meta = {p.key: p.value for p in proto.metadata_props}
        false_alarm = float(meta.get("edgemlops.threshold.false_alarm", "0.02"))
        session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        start = time.time()
        threshold = float(np.quantile(run(session, vx)[vy == 0], 1 - false_alarm))
        held_out = run(session, ex)
        flagged = held_out > threshold
        roc_threshold = float(np.quantile(held_out[ey == 0], 1 - false_alarm))
        metrics = {
            "model": path.rsplit("/", 1)[-1],
            "threshold": threshold, "target_false_alarm": false_alarm,
            "test_images": int(len(ey)), "test_false_alarm": float(flagged[ey == 0].mean()),
            "test_recall": float(flagged[ey != 0].mean()),
            "recall": {name: float(flagged[ey == i].mean()) for i, name in enumerate(LABELS) if i > 0},
            # ROC point, for the card only: recall at exactly the stated rate on the held-out set.
            "test_recall_at_stated_false_alarm": float((held_out[ey != 0] > roc_threshold).mean()),
            "ort_seconds": round(time.time() - start, 1),
        }
        for entry in proto.metadata_props:
            if entry.key == "edgemlops.threshold":
                entry.value = f"{threshold:.6g}"
            elif entry.key == "edgemlops.train.recall":
                entry.value = f"{metrics['test_recall']:.4f}"
            elif entry.key == "edgemlops.train.false_alarm":
                entry.value = f"{metrics['test_false_alarm']:.4f}"
        onnx.save(proto, path)
        with open(path.removesuffix(".onnx") + ".metrics.json", "w") as handle:
            json.dump(metrics, handle, indent=2)
        print(f"{metrics['model']}: threshold {threshold:.6g} recall {metrics['test_recall']:.4f} "
              f"false alarms {metrics['test_false_alarm']:.4f} "
              + " ".join(f"{k}={v:.3f}" for k, v in metrics["recall"].items()), flush=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Prints the figures of a model card (markdown) from the metrics.json that train_cls.py or
train_ae.py wrote next to the model. Usage: card_tables.py MODEL.metrics.json"""

import json
import sys

from dataset import LABELS


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as handle:
        m = json.load(handle)
    if "confusion" in m:
        print(f"Held-out top-1 (FP32, {m['test_images']} images): **{100 * m['test_accuracy']:.1f} %** "
              f"(selection set: {100 * m['val_accuracy']:.1f} %)\n")
        print("| true \\ predicted | " + " | ".join(LABELS) + " | recall |")
        print("|---" * (len(LABELS) + 2) + "|")
        for i, row in enumerate(m["confusion"]):
            print(f"| {LABELS[i]} | " + " | ".join(str(v) for v in row) + f" | {100 * m['recall'][LABELS[i]]:.1f} % |")
    else:
        print(f"Threshold {m['threshold']:.6g} (quantile {1 - m['target_false_alarm']:.2f} of the selection set's good parts).\n")
        print(f"Held-out ({m['test_images']} images): recall **{100 * m['test_recall']:.1f} %**, "
              f"false alarms **{100 * m['test_false_alarm']:.1f} %**\n")
        print("| class | recall |\n|---|---|")
        for name, value in m["recall"].items():
            print(f"| {name} | {100 * value:.1f} % |")
    print(f"\n{m['parameters']} parameters, training {m['train_seconds'] / 60:.1f} min.")


if __name__ == "__main__":
    main()

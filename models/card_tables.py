#!/usr/bin/env python3
"""Prints the figures of a model card (markdown) from the metrics.json that train_cls.py or
train_ae.py wrote next to the model. Usage: card_tables.py MODEL.metrics.json
For inspect-ae, further metrics files (the int8 variants, from ae_variants.py) add a table
of recall per class and false alarms side by side: card_tables.py FP32 DYNAMIC STATIC"""

import json
import sys

from dataset import LABELS


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if len(sys.argv) > 2:
        variants(sys.argv[1:])
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
        source = "the threshold set's" if m["data"].get("threshold_set") else "the selection set's"
        print(f"Threshold {m['threshold']:.6g} (quantile {1 - m['target_false_alarm']:.3g} of {source} good parts).\n")
        print(f"Held-out ({m['test_images']} images): recall **{100 * m['test_recall']:.1f} %**, "
              f"false alarms **{100 * m['test_false_alarm']:.1f} %**\n")
        print("| class | recall |\n|---|---|")
        for name, value in m["recall"].items():
            print(f"| {name} | {100 * value:.1f} % |")
    print(f"\n{m['parameters']} parameters, training {m['train_seconds'] / 60:.1f} min.")


def variants(paths):
    ms = []
    for path in paths:
        with open(path) as handle:
            ms.append(json.load(handle))
    names = [path.rsplit("/", 1)[-1].removesuffix(".metrics.json") for path in paths]
    print("| held-out | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    print("| threshold | " + " | ".join(f"{m['threshold']:.4g}" for m in ms) + " |")
    print("| false alarms (good parts) | " + " | ".join(f"{100 * m['test_false_alarm']:.1f} %" for m in ms) + " |")
    print("| recall, all defects | " + " | ".join(f"**{100 * m['test_recall']:.1f} %**" for m in ms) + " |")
    for name in ms[0]["recall"]:
        print(f"| recall {name} | " + " | ".join(f"{100 * m['recall'][name]:.1f} %" for m in ms) + " |")
    if all("test_recall_at_stated_false_alarm" in m for m in ms):
        print(f"| recall at exactly {100 * ms[0]['target_false_alarm']:.3g} % held-out false alarms (ROC point) | "
              + " | ".join(f"{100 * m['test_recall_at_stated_false_alarm']:.1f} %" for m in ms) + " |")
    print()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Train `inspect-cls` on images written by `edgemlops synth` and export it to ONNX.

The classifier is a small MobileNet-style network (depthwise-separable blocks, ReLU6,
batch norm folded away at export) over 128x128 RGB: "ok" versus each defect class.
The exported model carries its labels and input specification in `metadata_props`,
so the agent needs no side file. See models/README.md for the one-command recipe.
"""

import argparse
import csv
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
from PIL import Image

# Class order = the model's output order; matches SyntheticLabel.allLabels in EdgeVision.
LABELS = ["ok", "scratch", "dent", "crack", "missing_hole", "discoloration"]
INPUT_SIZE = 128
MEAN = [0.5, 0.5, 0.5]
STD = [0.25, 0.25, 0.25]


def load_dataset(directory):
    """Reads labels.csv and its PNGs into uint8 NHWC images and integer labels."""
    path = os.path.join(directory, "labels.csv")
    try:
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        sys.exit(f"train.py: {path}: {error.strerror}")
    images, labels = [], []
    for line, row in enumerate(rows, start=2):
        if row.get("label") not in LABELS:
            sys.exit(f"train.py: {path}:{line}: unknown label {row.get('label')!r}")
        image = np.asarray(Image.open(os.path.join(directory, row["file"])).convert("RGB"))
        if image.shape != (INPUT_SIZE, INPUT_SIZE, 3):
            sys.exit(f"train.py: {row['file']}: size {image.shape[1]}x{image.shape[0]}, "
                     f"expected {INPUT_SIZE}x{INPUT_SIZE} (edgemlops synth --size {INPUT_SIZE}x{INPUT_SIZE})")
        images.append(image)
        labels.append(LABELS.index(row["label"]))
    return np.stack(images), np.array(labels, dtype=np.int64)


def separable(cin, cout, stride):
    """Depthwise 3x3 then pointwise 1x1, each with batch norm and ReLU6 (MobileNet v1)."""
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride=stride, padding=1, groups=cin, bias=False),
        nn.BatchNorm2d(cin),
        nn.ReLU6(inplace=True),
        nn.Conv2d(cin, cout, 1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU6(inplace=True),
    )


class InspectCls(nn.Module):
    def __init__(self, classes=len(LABELS)):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False),  # 64x64
            nn.BatchNorm2d(16),
            nn.ReLU6(inplace=True),
            separable(16, 32, 2),  # 32x32: leave full resolution early, CPU training time is the budget
            separable(32, 32, 1),
            separable(32, 64, 2),  # 16x16
            separable(64, 64, 1),
            separable(64, 96, 2),  # 8x8
            separable(96, 96, 1),
            separable(96, 128, 2),  # 4x4
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.1), nn.Linear(128, classes))

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)))


def to_tensor(images):
    """uint8 NHWC -> normalised float NCHW, exactly the preprocessing recorded in metadata."""
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float().div_(255)
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


def evaluate(model, images, labels, batch=256):
    model.eval()
    predictions = []
    with torch.no_grad():
        for start in range(0, len(images), batch):
            predictions.append(model(to_tensor(images[start:start + batch])).argmax(1).numpy())
    predicted = np.concatenate(predictions)
    confusion = np.zeros((len(LABELS), len(LABELS)), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    accuracy = float((predicted == labels).mean())
    recall = {name: float(confusion[i, i] / max(confusion[i].sum(), 1)) for i, name in enumerate(LABELS)}
    return accuracy, recall, confusion


def export(model, path, metrics, args):
    model.eval()
    dummy = torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)
    # The TorchScript exporter (dynamo=False) needs only `onnx`; the dynamo exporter would
    # also need onnxscript. Eval mode folds batch norm into the convolutions.
    torch.onnx.export(
        model, (dummy,), path, opset_version=args.opset, dynamo=False,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
    )
    proto = onnx.load(path)
    metadata = {
        "edgemlops.model": "inspect-cls",
        "edgemlops.task": "classification",
        "edgemlops.labels": ",".join(LABELS),
        "edgemlops.input.name": "input",
        "edgemlops.input.size": f"{INPUT_SIZE}x{INPUT_SIZE}",
        "edgemlops.input.resize": "bilinear",
        "edgemlops.input.layout": "NCHW",
        "edgemlops.input.channels": "RGB",
        "edgemlops.input.scale": "1/255",
        "edgemlops.input.mean": ",".join(str(v) for v in MEAN),
        "edgemlops.input.std": ",".join(str(v) for v in STD),
        "edgemlops.output": "logits",
        "edgemlops.train.data": json.dumps(metrics["data"]),
        "edgemlops.train.accuracy": f"{metrics['val_accuracy']:.4f}",
    }
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    proto.producer_name = "edgemlops models/train.py"
    onnx.checker.check_model(proto)
    onnx.save(proto, path)


def check_with_onnxruntime(model, path, images):
    """The exported graph must compute what the PyTorch model computes."""
    import onnxruntime

    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    x = to_tensor(images)
    model.eval()
    with torch.no_grad():
        expected = model(x).numpy()
    actual = session.run(["logits"], {"input": x.numpy()})[0]
    return float(np.abs(actual - expected).max())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, help="directory written by edgemlops synth")
    parser.add_argument("--val", required=True, help="held-out directory (a different synth seed)")
    parser.add_argument("--out", required=True, help="ONNX file to write")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--threads", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    args = parser.parse_args()
    if args.opset < 13:
        parser.error("--opset must be at least 13")

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)

    started = time.time()
    train_x, train_y = load_dataset(args.train)
    val_x, val_y = load_dataset(args.val)
    print(f"loaded {len(train_x)} train / {len(val_x)} val images in {time.time() - started:.1f} s", flush=True)

    model = InspectCls()
    parameters = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * ((len(train_x) + args.batch - 1) // args.batch)
    # Cosine decay from the start: a one-cycle warm-up spent the first epochs predicting "ok".
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    loss_function = nn.CrossEntropyLoss()

    for epoch in range(args.epochs):
        epoch_started = time.time()
        model.train()
        order = np.random.permutation(len(train_x))
        total = 0.0
        for start in range(0, len(order), args.batch):
            index = order[start:start + args.batch]
            x = to_tensor(train_x[index])
            # Flips keep every label's meaning; they double the pose variety cheaply.
            if np.random.rand() < 0.5:
                x = x.flip(3)
            if np.random.rand() < 0.5:
                x = x.flip(2)
            loss = loss_function(model(x), torch.from_numpy(train_y[index]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(index)
        accuracy, _, _ = evaluate(model, val_x, val_y)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / len(train_x):.4f}, "
              f"val accuracy {accuracy:.4f}, {time.time() - epoch_started:.1f} s", flush=True)

    accuracy, recall, confusion = evaluate(model, val_x, val_y)
    metrics = {
        "data": {"train": os.path.abspath(args.train), "val": os.path.abspath(args.val),
                 "train_images": int(len(train_x)), "val_images": int(len(val_x))},
        "parameters": int(parameters),
        "val_accuracy": accuracy,
        "val_recall": recall,
        "confusion": {"labels": LABELS, "rows_true_columns_predicted": confusion.tolist()},
        "train_seconds": round(time.time() - started, 1),
        "torch": torch.__version__,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    export(model, args.out, metrics, args)
    metrics["onnxruntime_max_abs_difference"] = check_with_onnxruntime(model, args.out, val_x[:64])
    with open(os.path.splitext(args.out)[0] + ".metrics.json", "w") as handle:
        json.dump(metrics, handle, indent=2)
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()

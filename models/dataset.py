"""Synthetic datasets for the inspection models: labels.csv + PNGs from `edgemlops synth`,
decoded once and cached as x.npy (uint8 NHWC), y.npy (class index) and box.npy next to
labels.csv, so a training run does not spend minutes in the PNG decoder."""

import csv
import os
import sys

import numpy as np

# Class order = the classifier's output order; matches SyntheticLabel.allLabels in EdgeVision.
LABELS = ["ok", "scratch", "dent", "crack", "missing_hole", "discoloration"]
INPUT_SIZE = 128
MEAN = [0.5, 0.5, 0.5]
STD = [0.25, 0.25, 0.25]


def load(directory):
    """Returns (images uint8 NHWC, labels int64, boxes float32 [x, y, w, h], zero for ok)."""
    cached = [os.path.join(directory, name) for name in ("x.npy", "y.npy", "box.npy")]
    if all(os.path.exists(path) for path in cached):
        return tuple(np.load(path) for path in cached)
    from PIL import Image

    path = os.path.join(directory, "labels.csv")
    try:
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        sys.exit(f"{path}: {error.strerror}")
    images, labels, boxes = [], [], []
    for line, row in enumerate(rows, start=2):
        if row.get("label") not in LABELS:
            sys.exit(f"{path}:{line}: unknown label {row.get('label')!r}")
        image = np.asarray(Image.open(os.path.join(directory, row["file"])).convert("RGB"))
        if image.shape != (INPUT_SIZE, INPUT_SIZE, 3):
            sys.exit(f"{path}:{line}: {row['file']} is {image.shape[1]}x{image.shape[0]}, "
                     f"expected {INPUT_SIZE}x{INPUT_SIZE} (edgemlops synth --size {INPUT_SIZE}x{INPUT_SIZE})")
        try:
            box = [float(row[k] or 0) for k in ("bbox_x", "bbox_y", "bbox_w", "bbox_h")]
        except ValueError:
            sys.exit(f"{path}:{line}: bbox is not numeric: {row}")
        images.append(image)
        labels.append(LABELS.index(row["label"]))
        boxes.append(box)
    arrays = (np.stack(images), np.array(labels, dtype=np.int64), np.array(boxes, dtype=np.float32))
    for target, array in zip(cached, arrays):
        np.save(target, array)
    return arrays


def to_tensor(images):
    """uint8 NHWC -> normalised float NCHW, exactly the preprocessing the metadata records:
    x = (pixel / 255 - mean) / std per channel, RGB, NCHW."""
    import torch

    x = torch.from_numpy(images).permute(0, 3, 1, 2).float().div_(255)
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


def input_metadata():
    """metadata_props every inspection model carries (see models/README.md)."""
    return {
        "edgemlops.input.name": "input",
        "edgemlops.input.size": f"{INPUT_SIZE}x{INPUT_SIZE}",
        "edgemlops.input.resize": "bilinear",
        "edgemlops.input.layout": "NCHW",
        "edgemlops.input.channels": "RGB",
        "edgemlops.input.scale": "1/255",
        "edgemlops.input.mean": ",".join(str(v) for v in MEAN),
        "edgemlops.input.std": ",".join(str(v) for v in STD),
    }

#!/usr/bin/env python3
"""Train `inspect-cls` on `edgemlops synth` data and export it to ONNX.

Fully convolutional: a stride-2 stem and depthwise-separable blocks down to a 16x16 map of
cells (8 px each), a 1x1 convolution giving 6 logits per cell, and image logit_k =
max over cells of (cell_k - cell_ok), with logit_ok = 0. A defect is a small local thing;
the max lets one cell decide, where a global average would dilute a 1-px scratch into the
background. Training: (1) patches of 48x48 around the labelled boxes (80 %) and anywhere
(label from box overlap), which gives the cells a strong local signal; (2) whole images.

Exported head: Conv(W_k - W_ok, b_k - b_ok) -> MaxPool(16x16) -> Flatten, i.e. the same
formula with only operators our runtime runs (no ReduceMax/Slice). See models/README.md.
"""

import argparse
import json
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

from dataset import INPUT_SIZE, LABELS, input_metadata, load, to_tensor

PATCH = 48


def cbr(cin, cout, kernel=3, stride=1, groups=1):
    return [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


def separable(cin, cout, stride=1, kernel=3):
    """Depthwise k x k then pointwise 1x1 (MobileNet v1)."""
    return cbr(cin, cin, kernel, stride, cin) + cbr(cin, cout, 1)


class InspectCls(nn.Module):
    def __init__(self, width=1.0):
        super().__init__()
        c = [int(round(n * width / 8)) * 8 for n in (24, 32, 48, 64, 96)]
        self.features = nn.Sequential(
            *cbr(3, c[0], 3, 2),                # 64x64
            *separable(c[0], c[1]),
            *separable(c[1], c[2], 2),          # 32x32
            *separable(c[2], c[2]),
            *separable(c[2], c[3], 2),          # 16x16 cells of 8 px
            *separable(c[3], c[3], 1, 5),       # 5x5 depthwise: context to tell a crack's kinks
            *separable(c[3], c[4], 1, 5),       # from a straight scratch
            *separable(c[4], c[4], 1, 5),
        )
        self.channels = c[4]
        self.cell = nn.Conv2d(c[4], len(LABELS), 1)

    def forward(self, x):
        cells = self.cell(self.features(x))
        relative = cells[:, 1:] - cells[:, :1]
        return torch.cat([torch.zeros_like(relative[:, :1, 0, 0]), relative.amax((2, 3))], 1)


class ExportHead(nn.Module):
    """The same function as InspectCls.forward, in runtime-friendly operators."""

    def __init__(self, model, cells):
        super().__init__()
        self.features = model.features
        self.cell = nn.Conv2d(model.channels, len(LABELS), 1)
        with torch.no_grad():
            self.cell.weight.copy_(model.cell.weight - model.cell.weight[:1])
            self.cell.bias.copy_(model.cell.bias - model.cell.bias[:1])
        self.pool = nn.MaxPool2d(cells)

    def forward(self, x):
        return torch.flatten(self.pool(self.cell(self.features(x))), 1)


def patches(images, labels, boxes, rng):
    out = np.empty((len(images), PATCH, PATCH, 3), np.uint8)
    target = np.zeros(len(images), np.int64)
    half = PATCH / 2
    for j in range(len(images)):
        x, y, w, h = boxes[j]
        if labels[j] != 0 and rng.random() < 0.8:
            cx = x + w / 2 + rng.uniform(-w / 4, w / 4)
            cy = y + h / 2 + rng.uniform(-h / 4, h / 4)
            target[j] = labels[j]
        else:
            cx, cy = rng.uniform(half, INPUT_SIZE - half, 2)
            if labels[j] != 0 and not (cx + half < x or cx - half > x + w or cy + half < y or cy - half > y + h):
                target[j] = labels[j]
        x0 = int(np.clip(round(cx - half), 0, INPUT_SIZE - PATCH))
        y0 = int(np.clip(round(cy - half), 0, INPUT_SIZE - PATCH))
        out[j] = images[j, y0:y0 + PATCH, x0:x0 + PATCH]
    return out, target


def flips(x, rng):
    """Flips change no label (strokes, dents and tints have no orientation)."""
    if rng.random() < 0.5:
        x = x.flip(3)
    if rng.random() < 0.5:
        x = x.flip(2)
    return x


def evaluate(model, images, labels, batch=250):
    model.eval()
    predicted = []
    with torch.no_grad():
        for start in range(0, len(images), batch):
            predicted.append(model(to_tensor(images[start:start + batch])).argmax(1).numpy())
    predicted = np.concatenate(predicted)
    confusion = np.zeros((len(LABELS), len(LABELS)), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    recall = {name: float(confusion[i, i] / max(confusion[i].sum(), 1)) for i, name in enumerate(LABELS)}
    return float((predicted == labels).mean()), recall, confusion


def export(model, path, metrics, opset):
    model.eval()
    with torch.no_grad():
        cells = model.features(torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)).shape[-1]
    head = ExportHead(model, cells).eval()
    dummy = torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)
    torch.onnx.export(head, (dummy,), path, opset_version=opset, dynamo=False,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    proto = onnx.load(path)
    metadata = {
        "edgemlops.model": "inspect-cls",
        "edgemlops.task": "classification",
        "edgemlops.labels": ",".join(LABELS),
        **input_metadata(),
        "edgemlops.output": "logits",
        "edgemlops.train.data": json.dumps(metrics["data"]),
        "edgemlops.train.accuracy": f"{metrics['test_accuracy']:.4f}",
    }
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    proto.producer_name = "edgemlops models/train_cls.py"
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    return head


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--val", required=True, help="selection set (best epoch)")
    parser.add_argument("--test", required=True, help="held-out set for the model card, never used to choose")
    parser.add_argument("--out", required=True)
    parser.add_argument("--patch-steps", type=int, default=6000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N images only (debugging)")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--width", type=float, default=1.25, help="channel multiplier (rounded to multiples of 8)")
    parser.add_argument("--opset", type=int, default=17)
    # One thread by default: on the shared 2-vCPU build VM (load 7-13) two intra-op threads
    # spin-wait on each other and a patch step took 4.7 s instead of 0.5 s with one thread.
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    tx, ty, tb = load(args.train)
    if args.limit:
        tx, ty, tb = tx[:args.limit], ty[:args.limit], tb[:args.limit]
    vx, vy, _ = load(args.val)
    n = len(tx)
    model = InspectCls(args.width)
    print(f"{sum(p.numel() for p in model.parameters())} parameters, {n} training images", flush=True)
    start = time.time()

    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=max(args.patch_steps, 1), pct_start=0.1)
    running = 0.0
    for step in range(args.patch_steps):
        model.train()
        idx = rng.integers(0, n, 128)
        crop, target = patches(tx[idx], ty[idx], tb[idx], rng)
        loss = F.cross_entropy(model(flips(to_tensor(crop), rng)), torch.from_numpy(target))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        running += loss.item()
        if (step + 1) % 250 == 0:
            acc, recall, _ = evaluate(model, vx, vy)
            print(f"patch {step + 1} loss {running / 250:.4f} val {acc:.4f} "
                  f"{[round(r, 2) for r in recall.values()]} {time.time() - start:.0f}s", flush=True)
            running = 0.0

    batch = 64
    steps = args.epochs * ((n + batch - 1) // batch)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr / 3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr / 3, total_steps=max(steps, 1), pct_start=0.1)
    best, best_state = -1.0, None
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(n)
        total = 0.0
        for i in range(0, n, batch):
            idx = order[i:i + batch]
            loss = F.cross_entropy(model(flips(to_tensor(tx[idx]), rng)), torch.from_numpy(ty[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        acc, recall, _ = evaluate(model, vx, vy)
        print(f"epoch {epoch} loss {total / n:.4f} val {acc:.4f} {[round(r, 2) for r in recall.values()]} "
              f"{time.time() - start:.0f}s", flush=True)
        if acc >= best:
            best, best_state = acc, {k: v.clone() for k, v in model.state_dict().items()}
        torch.save(best_state, args.out + ".pt")
    if best_state is not None:
        model.load_state_dict(best_state)

    ex, ey, _ = load(args.test)
    acc, recall, confusion = evaluate(model, ex, ey)
    metrics = {
        "data": {"train": args.train, "val": args.val, "test": args.test, "train_images": n},
        "val_accuracy": best, "test_accuracy": acc, "test_images": int(len(ey)),
        "recall": recall, "confusion": confusion.tolist(), "labels": LABELS,
        "parameters": sum(p.numel() for p in model.parameters()),
        "train_seconds": round(time.time() - start, 1),
    }
    head = export(model, args.out, metrics, args.opset)
    import onnxruntime

    session = onnxruntime.InferenceSession(args.out, providers=["CPUExecutionProvider"])
    with torch.no_grad():
        x = to_tensor(ex[:64])
        want = model(x).numpy()
        got = session.run(None, {"input": x.numpy()})[0]
        metrics["onnxruntime_max_abs_diff"] = float(np.abs(want - got).max())
        metrics["export_head_max_abs_diff"] = float(np.abs(head(x).numpy() - want).max())
    with open(args.out.removesuffix(".onnx") + ".metrics.json", "w") as handle:
        json.dump(metrics, handle, indent=2)
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    sys.exit(main())

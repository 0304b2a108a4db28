#!/usr/bin/env python3
"""Train `inspect-ae`, a convolutional autoencoder, on good parts only and export it to ONNX.

Anomaly score (computed inside the exported graph, output `score`): the squared
reconstruction error averaged over channels, then over 8x8 windows (stride 4), and the
maximum over windows. A defect is local, so the worst window scores it; a whole-image mean
would drown a scratch in sensor noise. The threshold is the (1 - false-alarm) quantile of
the scores of good parts of the selection set; recall and false alarms are then measured
on the held-out set. The decoder upsamples with ConvTranspose.
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

WINDOW, STRIDE = 8, 4


def down(cin, cout):
    return [nn.Conv2d(cin, cout, 3, 2, 1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


def up(cin, cout, last=False):
    layers = [nn.ConvTranspose2d(cin, cout, 4, 2, 1)]
    return layers if last else layers + [nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class InspectAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(*down(3, 24), *down(24, 32), *down(32, 48), *down(48, 64),
                                     nn.Conv2d(64, 16, 1))  # 8x8x16 bottleneck
        self.decoder = nn.Sequential(nn.Conv2d(16, 64, 1), nn.ReLU(inplace=True),
                                     *up(64, 48), *up(48, 32), *up(32, 24), *up(24, 3, last=True))
        self.window = nn.AvgPool2d(WINDOW, STRIDE)
        cells = (INPUT_SIZE - WINDOW) // STRIDE + 1
        self.worst = nn.MaxPool2d(cells)

    def forward(self, x):
        reconstruction = self.decoder(self.encoder(x))
        error = (x - reconstruction) * (x - reconstruction)
        score = torch.flatten(self.worst(self.window(error.mean(1, keepdim=True))), 1)
        return score, reconstruction


def scores(model, images, batch=250):
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(images), batch):
            out.append(model(to_tensor(images[start:start + batch]))[0][:, 0].numpy())
    return np.concatenate(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--val", required=True, help="selection set: the threshold comes from its good parts")
    parser.add_argument("--test", required=True, help="held-out set for the model card")
    parser.add_argument("--out", required=True)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--false-alarm", type=float, default=0.02)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--opset", type=int, default=17)
    # One thread by default: on the shared 2-vCPU build VM (load 7-13) two intra-op threads
    # spin-wait on each other and a patch step took 4.7 s instead of 0.5 s with one thread.
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    tx, ty, _ = load(args.train)
    good = tx[ty == 0]
    if args.limit:
        good = good[:args.limit]
    vx, vy, _ = load(args.val)
    model = InspectAE()
    print(f"{sum(p.numel() for p in model.parameters())} parameters, {len(good)} good training images", flush=True)
    batch = 64
    steps = args.epochs * ((len(good) + batch - 1) // batch)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-5)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.1)
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(len(good))
        total = 0.0
        for i in range(0, len(good), batch):
            x = to_tensor(good[order[i:i + batch]])
            loss = F.mse_loss(model(x)[1], x)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(x)
        s = scores(model, vx)
        threshold = float(np.quantile(s[vy == 0], 1 - args.false_alarm))
        print(f"epoch {epoch} loss {total / len(good):.5f} val recall {(s[vy != 0] > threshold).mean():.3f} "
              f"{time.time() - start:.0f}s", flush=True)

    s = scores(model, vx)
    threshold = float(np.quantile(s[vy == 0], 1 - args.false_alarm))
    ex, ey, _ = load(args.test)
    t = scores(model, ex)
    flagged = t > threshold
    metrics = {
        "data": {"train": args.train, "val": args.val, "test": args.test, "good_train_images": int(len(good))},
        "threshold": threshold, "target_false_alarm": args.false_alarm,
        "test_images": int(len(ey)), "test_false_alarm": float(flagged[ey == 0].mean()),
        "test_recall": float(flagged[ey != 0].mean()),
        "recall": {name: float(flagged[ey == i].mean()) for i, name in enumerate(LABELS) if i > 0},
        "parameters": sum(p.numel() for p in model.parameters()),
        "train_seconds": round(time.time() - start, 1),
    }
    model.eval()
    torch.onnx.export(model, (torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE),), args.out, opset_version=args.opset,
                      dynamo=False, input_names=["input"], output_names=["score", "reconstruction"],
                      dynamic_axes={"input": {0: "batch"}, "score": {0: "batch"}, "reconstruction": {0: "batch"}})
    proto = onnx.load(args.out)
    metadata = {
        "edgemlops.model": "inspect-ae",
        "edgemlops.task": "anomaly",
        **input_metadata(),
        "edgemlops.output": "score",
        "edgemlops.score": f"max over {WINDOW}x{WINDOW} windows (stride {STRIDE}) of the channel-mean squared "
                           "reconstruction error of the normalised input; anomalous when score > threshold",
        "edgemlops.threshold": f"{threshold:.6g}",
        "edgemlops.threshold.false_alarm": f"{args.false_alarm}",
        "edgemlops.train.data": json.dumps(metrics["data"]),
        "edgemlops.train.recall": f"{metrics['test_recall']:.4f}",
        "edgemlops.train.false_alarm": f"{metrics['test_false_alarm']:.4f}",
    }
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    proto.producer_name = "edgemlops models/train_ae.py"
    onnx.checker.check_model(proto)
    onnx.save(proto, args.out)
    with open(args.out.removesuffix(".onnx") + ".metrics.json", "w") as handle:
        json.dump(metrics, handle, indent=2)
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    sys.exit(main())

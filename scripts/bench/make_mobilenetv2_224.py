"""Writes a 224x224 MobileNetV2-style FP32 model for scripts/bench-vs-ort.sh.

It reuses the conformance builder (scripts/conformance/make_models.py: Net, conv_bn, head) with
a wider, deeper stack of inverted-residual blocks than the 32x32 conformance net, closer to
MobileNetV2's shape at 224x224. Random weights, seeded. Usage: make_mobilenetv2_224.py OUT.onnx
"""
import os
import sys

import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
import make_models as mm  # noqa: E402


def main():
    n = mm.Net(700)
    x = n.conv_bn("input", 3, 32, 3, stride=2, act="relu6")  # 112x112
    # (in, expand, out, stride): MobileNetV2's stages with one block each where it repeats.
    blocks = [(32, 1, 16, 1), (16, 6, 24, 2), (24, 6, 24, 1), (24, 6, 32, 2), (32, 6, 32, 1),
              (32, 6, 64, 2), (64, 6, 64, 1), (64, 6, 96, 1), (96, 6, 160, 2), (160, 6, 320, 1)]
    for cin, expand, cout, stride in blocks:
        h = n.conv_bn(x, cin, cin * expand, 1, act="relu6") if expand != 1 else x
        h = n.conv_bn(h, cin * expand, cin * expand, 3, stride=stride, group=cin * expand, act="relu6")
        h = n.conv_bn(h, cin * expand, cout, 1, act=None)
        x = n.op("Add", [x, h]) if (stride == 1 and cin == cout) else h
    x = n.conv_bn(x, 320, 1280, 1, act="relu6")
    out = n.head(x, 1280, 1000)
    onnx.save(mm.model(n.nodes, [("input", mm.F, [1, 3, 224, 224])], [out], n.inits), sys.argv[1])


if __name__ == "__main__":
    main()

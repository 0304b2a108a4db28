"""Counts the multiply-accumulates of one inference of an ONNX model, for GMAC/s figures.

Counted: Conv, ConvInteger, QLinearConv (N * Cout * Hout * Wout * Cin/group * kh * kw), Gemm,
MatMul, MatMulInteger, QLinearMatMul, QGemm (M * N * K). Everything else (pooling, adds,
activations) is memory-bound and left out, so GMAC/s = counted MACs / median latency.
Shapes come from ONNX shape inference; a tensor without an inferred shape is an error.

Usage: count_macs.py MODEL   (prints the count as an integer)
"""
import math
import sys

import onnx
from onnx import shape_inference


def main():
    path = sys.argv[1]
    model = shape_inference.infer_shapes(onnx.load(path))
    g = model.graph
    shapes = {}
    for v in list(g.input) + list(g.value_info) + list(g.output):
        dims = [d.dim_value if d.dim_value > 0 else 1 for d in v.type.tensor_type.shape.dim]
        shapes[v.name] = dims
    for t in g.initializer:
        shapes[t.name] = list(t.dims)

    def shape(name, node):
        if name not in shapes:
            raise SystemExit(f"{path}: node {node.name or node.op_type}: no inferred shape for tensor '{name}'")
        return shapes[name]

    total = 0
    for node in g.node:
        op = node.op_type
        if op in ("Conv", "ConvInteger", "QLinearConv"):
            w = shape(node.input[3] if op == "QLinearConv" else node.input[1], node)
            y = shape(node.output[0], node)
            total += math.prod(y) * math.prod(w[1:])  # each output: Cin/group * kh * kw MACs
        elif op in ("Gemm", "MatMul", "MatMulInteger", "QLinearMatMul", "QGemm"):
            a = shape(node.input[0], node)
            y = shape(node.output[0], node)
            trans_a = any(at.name == "transA" and at.i for at in node.attribute)
            k = a[-2] if trans_a else a[-1]
            total += math.prod(y) * k
    print(total)


if __name__ == "__main__":
    main()

"""Writes the issue-4 benchmark set: a MobileNetV2-style net at 224x224 and a ResNet-style net at
160x160, each as FP32 and as ONNX Runtime's quantizer writes its int8 forms.

Forms (onnxruntime.quantization, 8 seeded random calibration tensors, after ORT's basic
optimizer folded BatchNormalization and quant_pre_process ran, as the conformance nets):
  _qdq_s8      static QDQ, int8 activations, per-channel int8 weights
  _qdq_u8      static QDQ, uint8 activations, per-channel int8 weights (ORT's default activation type)
  _qoperator_u8  static QOperator (QLinearConv ...), uint8 activations, per-channel int8 weights
  _dynamic     quantize_dynamic (ConvInteger/MatMulInteger); uint8 weights, the type ORT's
               CPU ConvInteger kernel implements
Usage: make_bench_models.py OUT_DIR   (skips files that exist)
"""
import os
import sys
import tempfile

import onnx
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
import make_models as mm  # noqa: E402


def mobilenetv2_224():
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
    return mm.model(n.nodes, [("input", mm.F, [1, 3, 224, 224])], [out], n.inits)


def resnet_160():
    """ResNet-18's layout at half width (stem 7x7/2, max pool, two basic blocks per stage)."""
    n = mm.Net(800)
    x = n.conv_bn("input", 3, 32, 7, stride=2)
    x = n.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 32
    for cout, stride in [(32, 1), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1)]:
        h = n.conv_bn(x, cin, cout, 3, stride=stride)
        h = n.conv_bn(h, cout, cout, 3, act=None)
        short = x if (stride == 1 and cin == cout) else n.conv_bn(x, cin, cout, 1, stride=stride, act=None)
        x = n.act(n.op("Add", [h, short]), "relu")
        cin = cout
    out = n.head(x, cin, 1000)
    return mm.model(n.nodes, [("input", mm.F, [1, 3, 160, 160])], [out], n.inits)


def variants(name, m, out_dir):
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_dynamic, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    inp = m.graph.input[0]
    shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    forms = {
        "qdq_s8": dict(quant_format=QuantFormat.QDQ, activation_type=QuantType.QInt8, weight_type=QuantType.QInt8, per_channel=True),
        "qdq_u8": dict(quant_format=QuantFormat.QDQ, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=True),
        "qoperator_u8": dict(quant_format=QuantFormat.QOperator, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=True),
    }
    fp32 = os.path.join(out_dir, f"{name}.onnx")
    if not os.path.exists(fp32):
        onnx.save(m, fp32)
    with tempfile.TemporaryDirectory() as tmp:
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        so.optimized_model_filepath = os.path.join(tmp, "folded.onnx")
        ort.InferenceSession(fp32, so, providers=["CPUExecutionProvider"])
        src = os.path.join(tmp, "pre.onnx")
        quant_pre_process(so.optimized_model_filepath, src, skip_symbolic_shape=True, skip_optimization=True)
        for suffix, kwargs in forms.items():
            dst = os.path.join(out_dir, f"{name}_{suffix}.onnx")
            if not os.path.exists(dst):
                quantize_static(src, dst, mm.Reader(inp.name, shape), **kwargs)
        dst = os.path.join(out_dir, f"{name}_dynamic.onnx")
        if not os.path.exists(dst):
            quantize_dynamic(src, dst, weight_type=QuantType.QUInt8)


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    variants("mobilenetv2_224", mobilenetv2_224(), out_dir)
    variants("resnet_160", resnet_160(), out_dir)


if __name__ == "__main__":
    main()

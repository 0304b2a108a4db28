"""Writes 16 seeded calibration tensors (uniform in [-1, 1), as `edgemlops bench` draws its
inputs) and quantizes MODEL with onnxruntime.quantization.quantize_static using the options
`edgemlops quantize --per-channel` defaults to: QDQ, MinMax, per-channel int8 weights, int8
activations. Usage: ort_quantize_static.py MODEL CAL_DIR OUT.onnx"""
import os
import sys

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                      quantize_static)

model, cal_dir, out = sys.argv[1:4]
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
inp = session.get_inputs()[0]
shape = [d if isinstance(d, int) and d > 0 else 1 for d in inp.shape]
rng = np.random.default_rng(1234)
tensors = [rng.uniform(-1, 1, shape).astype(np.float32) for _ in range(16)]
for i, t in enumerate(tensors):
    np.save(os.path.join(cal_dir, f"{i:02d}.npy"), t)


class Reader(CalibrationDataReader):
    def __init__(self):
        self.items = iter([{inp.name: t} for t in tensors])

    def get_next(self):
        return next(self.items, None)


quantize_static(model, out, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
                calibrate_method=CalibrationMethod.MinMax)

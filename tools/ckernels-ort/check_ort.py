"""Compares the CKernels scalar reference kernels with ONNX Runtime, operator by operator.

Each case builds a one-node ONNX model with onnx.helper, runs it in ONNX Runtime (CPU), runs
the matching C kernel through ctypes on the same random inputs (NCHW <-> NHWC as needed) and
counts differing output elements. Quantized outputs must be equal; the table also shows the
largest difference in quantization steps so that near misses are visible.

Usage: check_ort.py LIBCKERNELS.so   (scripts/check-kernels-ort.sh builds the library)
Test tooling only.
"""

import ctypes as C
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

SIZE = C.c_size_t
I32 = C.c_int32
F32 = C.c_float
P = C.c_void_p


class ConvGeometry(C.Structure):
    _fields_ = [(n, SIZE) for n in (
        "batch", "in_h", "in_w", "in_c", "out_h", "out_w", "out_c", "kernel_h", "kernel_w",
        "stride_h", "stride_w", "dilation_h", "dilation_w", "pad_top", "pad_left", "groups")]


class QParamsAxis(C.Structure):
    _fields_ = [("scale", P), ("zero_point", P), ("scale_stride", SIZE), ("zero_point_stride", SIZE)]


class ClampQ(C.Structure):
    _fields_ = [("min", I32), ("max", I32)]


class QConvParams(C.Structure):
    _fields_ = [("x_type", C.c_int), ("w_type", C.c_int), ("x_zero_point", I32), ("x_scale", F32),
                ("w", QParamsAxis), ("y_scale", F32), ("y_zero_point", I32), ("clamp", ClampQ)]


class GemmGeometry(C.Structure):
    _fields_ = [("m", SIZE), ("n", SIZE), ("k", SIZE), ("trans_a", C.c_int), ("trans_b", C.c_int),
                ("lda", SIZE), ("ldb", SIZE), ("ldy", SIZE)]


class QGemmParams(C.Structure):
    _fields_ = [("a_type", C.c_int), ("b_type", C.c_int), ("a_zero_point", P), ("a_zero_point_stride", SIZE),
                ("a_scale", F32), ("b", QParamsAxis), ("alpha", F32), ("y_scale", F32), ("y_zero_point", I32),
                ("clamp", ClampQ)]


class Broadcast(C.Structure):
    _fields_ = [("rank", SIZE), ("shape", SIZE * 8), ("a_stride", SIZE * 8), ("b_stride", SIZE * 8)]


class QBinaryParams(C.Structure):
    _fields_ = [("a_scale", F32), ("b_scale", F32), ("y_scale", F32),
                ("a_zero_point", I32), ("b_zero_point", I32), ("y_zero_point", I32)]


class PoolGeometry(C.Structure):
    _fields_ = [(n, SIZE) for n in (
        "batch", "in_h", "in_w", "channels", "out_h", "out_w", "kernel_h", "kernel_w", "stride_h", "stride_w",
        "dilation_h", "dilation_w", "pad_top", "pad_left", "pad_bottom", "pad_right")]


class ClampF32(C.Structure):
    _fields_ = [("min", F32), ("max", F32)]


class PadParams(C.Structure):
    _fields_ = [("rank", SIZE), ("in_shape", SIZE * 8), ("out_shape", SIZE * 8), ("pad_begin", C.c_ssize_t * 8),
                ("mode", C.c_int)]


class ResizeParams(C.Structure):
    _fields_ = [("batch", SIZE), ("in_h", SIZE), ("in_w", SIZE), ("channels", SIZE), ("out_h", SIZE),
                ("out_w", SIZE), ("scale_h", F32), ("scale_w", F32), ("coord", C.c_int), ("nearest_mode", C.c_int),
                ("roi_start_h", F32), ("roi_start_w", F32), ("roi_end_h", F32), ("roi_end_w", F32),
                ("extrapolation_value", F32)]


def ptr(a):
    return a.ctypes.data_as(P) if a is not None else None


def run_ort(node, inputs, outputs, initializers=(), opset=21):
    """Runs one node; `inputs` maps name -> array (fed), initializers are (name, array)."""
    inits = [onnx.numpy_helper.from_array(v, n) for n, v in initializers]
    elem = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int8): TensorProto.INT8,
            np.dtype(np.uint8): TensorProto.UINT8, np.dtype(np.int32): TensorProto.INT32}
    graph = helper.make_graph(
        [node], "g",
        [helper.make_tensor_value_info(n, elem[v.dtype], v.shape) for n, v in inputs.items()],
        [helper.make_tensor_value_info(n, t, None) for n, t in outputs], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 10
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return session.run(None, inputs)


RESULTS = []


def record(name, ours, theirs, required=True):
    """required=False marks a known, documented divergence: reported, not failed."""
    ours = np.asarray(ours).astype(np.int64).ravel()
    theirs = np.asarray(theirs).astype(np.int64).ravel()
    assert ours.shape == theirs.shape, (name, ours.shape, theirs.shape)
    diff = np.abs(ours - theirs)
    RESULTS.append((name, ours.size, int((diff != 0).sum()), int(diff.max()) if diff.size else 0, required))


def qtype(dtype):
    return 0 if dtype == np.int8 else 1


def rand_q(rng, shape, dtype, lo=None, hi=None):
    info = np.iinfo(dtype)
    return rng.integers(info.min if lo is None else lo, (info.max if hi is None else hi) + 1, size=shape).astype(dtype)


def check_qlinearconv(lib, rng, name, n, c, h, w, m, kh, kw, stride, dil, pads, group, xt, wt, per_channel):
    x = rand_q(rng, (n, c, h, w), xt)
    wq = rand_q(rng, (m, c // group, kh, kw), wt, -127 if wt == np.int8 else None)
    x_scale, y_scale = np.float32(0.023), np.float32(0.71)
    x_zp = xt(rng.integers(np.iinfo(xt).min, np.iinfo(xt).max + 1))
    w_scale = (rng.uniform(0.002, 0.02, m) if per_channel else np.full(1, 0.007)).astype(np.float32)
    w_zp = np.zeros(w_scale.shape, wt) if wt == np.int8 else rand_q(rng, w_scale.shape, wt, 100, 150)
    y_zp = xt(-5 if xt == np.int8 else 130)
    bias = rng.integers(-20000, 20000, m).astype(np.int32)
    node = helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], ["y"],
                            kernel_shape=[kh, kw], strides=[stride, stride], dilations=[dil, dil], pads=pads,
                            group=group)
    inits = [("xs", x_scale), ("xz", np.array(x_zp, xt)), ("w", wq), ("ws", w_scale if per_channel else w_scale[0]),
             ("wz", w_zp if per_channel else np.array(w_zp[0], wt)), ("ys", y_scale), ("yz", np.array(y_zp, xt)),
             ("b", bias)]
    (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.INT8 if xt == np.int8 else TensorProto.UINT8)], inits, 10)
    g = ConvGeometry(n, h, w, c, ref.shape[2], ref.shape[3], m, kh, kw, stride, stride, dil, dil, pads[0], pads[1],
                     group)
    x_nhwc = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    w_ohwi = np.ascontiguousarray(wq.transpose(0, 2, 3, 1))
    zps = w_zp.astype(np.int32)
    stride_ax = 1 if per_channel else 0
    q = QConvParams(qtype(xt), qtype(wt), int(x_zp), x_scale, QParamsAxis(ptr(w_scale), ptr(zps), stride_ax, stride_ax),
                    y_scale, int(y_zp), ClampQ(-(2**31), 2**31 - 1))
    y = np.zeros((n, ref.shape[2], ref.shape[3], m), xt)
    fn = lib.ck_conv2d_qs8__scalar if xt == np.int8 else lib.ck_conv2d_qu8__scalar
    fn(C.byref(g), C.byref(q), ptr(x_nhwc), ptr(w_ohwi), ptr(bias), ptr(y))
    record(name, y.transpose(0, 3, 1, 2), ref)


def check_qlinearmatmul(lib, rng, name, m, k, n, at, bt):
    a = rand_q(rng, (m, k), at)
    b = rand_q(rng, (k, n), bt)
    a_s, b_s, y_s = np.float32(0.031), np.float32(0.0041), np.float32(0.37)
    a_z = at(rng.integers(np.iinfo(at).min, np.iinfo(at).max + 1))
    b_z = bt(0 if bt == np.int8 else 128)
    y_z = at(3 if at == np.int8 else 120)
    node = helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"])
    inits = [("as", a_s), ("az", np.array(a_z, at)), ("b", b), ("bs", b_s), ("bz", np.array(b_z, bt)),
             ("ys", y_s), ("yz", np.array(y_z, at))]
    (ref,) = run_ort(node, {"a": a}, [("y", TensorProto.INT8 if at == np.int8 else TensorProto.UINT8)], inits, 10)
    g = GemmGeometry(m, n, k, 0, 0, k, n, n)
    azp = np.array([a_z], np.int32)
    bzp = np.array([b_z], np.int32)
    bsc = np.array([b_s], np.float32)
    q = QGemmParams(qtype(at), qtype(bt), ptr(azp), 0, a_s, QParamsAxis(ptr(bsc), ptr(bzp), 0, 0), 1.0, y_s, int(y_z),
                    ClampQ(-(2**31), 2**31 - 1))
    y = np.zeros((m, n), at)
    fn = lib.ck_gemm_qs8__scalar if at == np.int8 else lib.ck_gemm_qu8__scalar
    fn(C.byref(g), C.byref(q), ptr(a), ptr(b), None, ptr(y))
    record(name, y, ref)


def broadcast_descriptor(a_shape, b_shape):
    out = np.broadcast_shapes(a_shape, b_shape)
    bc = Broadcast()
    bc.rank = len(out)

    def strides(shape):
        shape = (1,) * (len(out) - len(shape)) + tuple(shape)
        result, running = [0] * len(out), 1
        for d in reversed(range(len(out))):
            result[d] = 0 if shape[d] == 1 else running
            running *= shape[d]
        return result

    for d, (s, sa, sb) in enumerate(zip(out, strides(a_shape), strides(b_shape))):
        bc.shape[d], bc.a_stride[d], bc.b_stride[d] = s, sa, sb
    return bc, out


def check_qbinary(lib, rng, name, op, dt, a_shape, b_shape):
    a, b = rand_q(rng, a_shape, dt), rand_q(rng, b_shape, dt)
    p = QBinaryParams(0.043, 0.017, 0.052, *((-7, 12, 2) if dt == np.int8 else (131, 100, 125)))
    node = helper.make_node(op, ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"], domain="com.microsoft")
    inits = [("as", np.float32(p.a_scale)), ("az", np.array(p.a_zero_point, dt)), ("bs", np.float32(p.b_scale)),
             ("bz", np.array(p.b_zero_point, dt)), ("ys", np.float32(p.y_scale)), ("yz", np.array(p.y_zero_point, dt))]
    (ref,) = run_ort(node, {"a": a, "b": b}, [("y", TensorProto.INT8 if dt == np.int8 else TensorProto.UINT8)], inits)
    bc, out = broadcast_descriptor(a_shape, b_shape)
    y = np.zeros(out, dt)
    suffix = "s8" if dt == np.int8 else "u8"
    getattr(lib, f"ck_{'qadd' if op == 'QLinearAdd' else 'qmul'}_{suffix}__scalar")(
        C.byref(bc), C.byref(p), ptr(a), ptr(b), ptr(y))
    record(name, y, ref)


def check_qgap(lib, rng, name, dt, n, c, h, w):
    x = rand_q(rng, (n, h, w, c), dt)
    xs, ys = np.float32(0.05), np.float32(0.013)
    xz, yz = (dt(4), dt(-3)) if dt == np.int8 else (dt(128), dt(110))
    node = helper.make_node("QLinearGlobalAveragePool", ["x", "xs", "xz", "ys", "yz"], ["y"], domain="com.microsoft",
                            channels_last=1)
    inits = [("xs", xs), ("xz", np.array(xz, dt)), ("ys", ys), ("yz", np.array(yz, dt))]
    (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.INT8 if dt == np.int8 else TensorProto.UINT8)], inits)
    y = np.zeros((n, c), dt)
    fn = lib.ck_global_avgpool_qs8__scalar if dt == np.int8 else lib.ck_global_avgpool_qu8__scalar
    fn.argtypes = [SIZE, SIZE, SIZE, F32, I32, F32, I32, P, P]
    fn(n, h * w, c, xs, int(xz), ys, int(yz), ptr(x), ptr(y))
    record(name, y, ref)


def check_qavgpool(lib, rng, name, dt, n, c, h, w, k, stride, pads, include_pad):
    x = rand_q(rng, (n, c, h, w), dt)
    xs, ys = np.float32(0.05), np.float32(0.041)
    xz, yz = (dt(4), dt(-3)) if dt == np.int8 else (dt(128), dt(110))
    node = helper.make_node("QLinearAveragePool", ["x", "xs", "xz", "ys", "yz"], ["y"], domain="com.microsoft",
                            kernel_shape=[k, k], strides=[stride, stride], pads=pads, count_include_pad=include_pad)
    inits = [("xs", xs), ("xz", np.array(xz, dt)), ("ys", ys), ("yz", np.array(yz, dt))]
    (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.INT8 if dt == np.int8 else TensorProto.UINT8)], inits)
    g = PoolGeometry(n, h, w, c, ref.shape[2], ref.shape[3], k, k, stride, stride, 1, 1, pads[0], pads[1], pads[2],
                     pads[3])
    y = np.zeros((n, ref.shape[2], ref.shape[3], c), dt)
    fn = lib.ck_avgpool2d_qs8__scalar if dt == np.int8 else lib.ck_avgpool2d_qu8__scalar
    fn.argtypes = [P, C.c_int, F32, I32, F32, I32, P, P]
    fn(C.byref(g), include_pad, xs, int(xz), ys, int(yz), ptr(np.ascontiguousarray(x.transpose(0, 2, 3, 1))), ptr(y))
    record(name, y.transpose(0, 3, 1, 2), ref)


def check_qsigmoid(lib, rng, name, dt):
    x = np.arange(np.iinfo(dt).min, np.iinfo(dt).max + 1).astype(dt)
    xs, ys = np.float32(0.05), np.float32(1 / 256)
    xz, yz = (dt(3), dt(-128)) if dt == np.int8 else (dt(128), dt(0))
    node = helper.make_node("QLinearSigmoid", ["x", "xs", "xz", "ys", "yz"], ["y"], domain="com.microsoft")
    inits = [("xs", xs), ("xz", np.array(xz, dt)), ("ys", ys), ("yz", np.array(yz, dt))]
    (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.INT8 if dt == np.int8 else TensorProto.UINT8)], inits)
    y = np.zeros_like(x)
    fn = lib.ck_qsigmoid_s8__scalar if dt == np.int8 else lib.ck_qsigmoid_u8__scalar
    fn.argtypes = [SIZE, P, F32, I32, F32, I32, P]
    fn(x.size, ptr(x), xs, int(xz), ys, int(yz), ptr(y))
    record(name, y, ref)


def check_quantize(lib, rng, name, dt, shape, axis):
    x = rng.uniform(-3, 3, shape).astype(np.float32)
    x.ravel()[:4] = [0.005, -0.015, 1e9, -1e9]
    channels = shape[axis]
    scale = rng.uniform(0.005, 0.03, channels).astype(np.float32)
    scale[0] = 0.01
    zp = rand_q(rng, channels, dt, -20 if dt == np.int8 else 100, 20 if dt == np.int8 else 150)
    node = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], axis=axis)
    (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.INT8 if dt == np.int8 else TensorProto.UINT8)],
                     [("s", scale), ("z", zp)], 13)
    outer = int(np.prod(shape[:axis])); inner = int(np.prod(shape[axis + 1:]))
    y = np.zeros(shape, dt)
    fn = lib.ck_quantize_f32_s8__scalar if dt == np.int8 else lib.ck_quantize_f32_u8__scalar
    fn.argtypes = [SIZE, SIZE, SIZE, P, P, P, P]
    fn(outer, channels, inner, ptr(x), ptr(scale), ptr(zp.astype(np.int32)), ptr(y))
    record(name, y, ref)


def check_dynamic(lib, rng, name, x):
    x = x.astype(np.float32)
    node = helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "z"])
    ref_y, ref_s, ref_z = run_ort(node, {"x": x}, [("y", TensorProto.UINT8), ("s", TensorProto.FLOAT),
                                                    ("z", TensorProto.UINT8)], opset=11)
    y = np.zeros(x.shape, np.uint8)
    s, z = F32(), I32()
    lib.ck_dynamic_quantize_f32_u8__scalar.argtypes = [SIZE, P, P, P, P]
    lib.ck_dynamic_quantize_f32_u8__scalar(x.size, ptr(x), ptr(y), C.byref(s), C.byref(z))
    record(name, np.concatenate([y.ravel(), [z.value], [np.float32(s.value).view(np.int32)]]),
           np.concatenate([ref_y.ravel(), [int(ref_z)], [np.float32(ref_s).view(np.int32)]]))


def check_resize(lib, rng, name, dt, mode, coord, n, c, h, w, oh, ow, nhwc):
    """Resize on NCHW (scales 1,1,s,s) or, with nhwc, on NHWC data (scales 1,s,s,1)."""
    x = rand_q(rng, (n, h, w, c), dt) if dt != np.float32 else rng.uniform(-1, 1, (n, h, w, c)).astype(np.float32)
    sizes = np.array([n, oh, ow, c] if nhwc else [n, c, oh, ow], np.int64)
    feed = x if nhwc else np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    node = helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode=mode, coordinate_transformation_mode=coord,
                            nearest_mode="round_prefer_floor")
    elem = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int8): TensorProto.INT8,
            np.dtype(np.uint8): TensorProto.UINT8}[np.dtype(dt)]
    (ref,) = run_ort(node, {"x": feed}, [("y", elem)], [("sizes", sizes)], 13)
    coords = {"half_pixel": 0, "pytorch_half_pixel": 2, "align_corners": 3, "asymmetric": 4}
    p = ResizeParams(n, h, w, c, oh, ow, oh / h, ow / w, coords[coord], 0, 0, 0, 1, 1, 0)
    y = np.zeros((n, oh, ow, c), dt)
    suffix = {np.dtype(np.float32): "f32", np.dtype(np.int8): "s8", np.dtype(np.uint8): "u8"}[np.dtype(dt)]
    getattr(lib, f"ck_resize_{mode}_{suffix}__scalar")(C.byref(p), ptr(x), ptr(y))
    ours = y if nhwc else y.transpose(0, 3, 1, 2)
    if dt == np.float32:
        close = np.isclose(ours, ref, rtol=1e-5, atol=1e-6)
        RESULTS.append((name, ours.size, int((~close).sum()), 0, True))
    else:
        # ORT runs 8-bit linear Resize over NHWC data through a fixed-point kernel of its own;
        # ONNX models carry NCHW Resize, which is what the kernel matches.
        record(name, ours, ref, required=not (nhwc and mode == "linear"))


def record_close(name, ours, theirs, rtol=1e-5, atol=1e-5):
    ours, theirs = np.asarray(ours, np.float32).ravel(), np.asarray(theirs, np.float32).ravel()
    assert ours.shape == theirs.shape, (name, ours.shape, theirs.shape)
    close = np.isclose(ours, theirs, rtol=rtol, atol=atol)
    RESULTS.append((name, ours.size, int((~close).sum()), 0, True))


def nhwc(x):
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1))


def check_conv_f32(lib, rng, name, n, c, h, w, m, kh, kw, stride, dil, pads, group, transpose=False, out_pad=0):
    x = rng.uniform(-1, 1, (n, c, h, w)).astype(np.float32)
    wshape = (c, m // group, kh, kw) if transpose else (m, c // group, kh, kw)
    wt = rng.uniform(-1, 1, wshape).astype(np.float32)
    bias = rng.uniform(-1, 1, m).astype(np.float32)
    attrs = dict(kernel_shape=[kh, kw], strides=[stride, stride], dilations=[dil, dil], pads=pads, group=group)
    if transpose:
        attrs["output_padding"] = [out_pad, out_pad]
    node = helper.make_node("ConvTranspose" if transpose else "Conv", ["x", "w", "b"], ["y"], **attrs)
    (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.FLOAT)], [("w", wt), ("b", bias)], 17)
    g = ConvGeometry(n, h, w, c, ref.shape[2], ref.shape[3], m, kh, kw, stride, stride, dil, dil, pads[0], pads[1], group)
    if transpose:
        # [C_in][C_out/g][kh][kw] -> [C_out][kh][kw][C_in/g]
        cin_g, cout_g = c // group, m // group
        w_ohwi = np.ascontiguousarray(
            wt.reshape(group, cin_g, cout_g, kh, kw).transpose(0, 2, 3, 4, 1).reshape(m, kh, kw, cin_g))
    else:
        w_ohwi = np.ascontiguousarray(wt.transpose(0, 2, 3, 1))
    y = np.zeros((n, ref.shape[2], ref.shape[3], m), np.float32)
    fn = lib.ck_deconv2d_f32__scalar if transpose else lib.ck_conv2d_f32__scalar
    fn.argtypes = [P, P, P, P, ClampF32, P]
    fn(C.byref(g), ptr(nhwc(x)), ptr(w_ohwi), ptr(bias), ClampF32(-np.inf, np.inf), ptr(y))
    record_close(name, y.transpose(0, 3, 1, 2), ref, rtol=1e-4, atol=1e-5)


def check_gemm_f32(lib, rng, name, m, n, k, trans_a, trans_b, alpha, beta, c_shape):
    a = rng.uniform(-1, 1, (k, m) if trans_a else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if trans_b else (k, n)).astype(np.float32)
    cm = rng.uniform(-1, 1, c_shape).astype(np.float32)
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], alpha=alpha, beta=beta, transA=int(trans_a), transB=int(trans_b))
    (ref,) = run_ort(node, {"a": a}, [("y", TensorProto.FLOAT)], [("b", b), ("c", cm)], 13)
    g = GemmGeometry(m, n, k, int(trans_a), int(trans_b), a.shape[1], b.shape[1], n)
    full = np.broadcast_to(cm, (m, n))
    row_stride = full.strides[0] // 4
    col_stride = full.strides[1] // 4
    y = np.zeros((m, n), np.float32)
    lib.ck_gemm_f32__scalar.argtypes = [P, F32, P, P, F32, P, SIZE, SIZE, ClampF32, P]
    lib.ck_gemm_f32__scalar(C.byref(g), alpha, ptr(a), ptr(b), beta, ptr(np.ascontiguousarray(cm)), row_stride,
                            col_stride, ClampF32(-np.inf, np.inf), ptr(y))
    record_close(name, y, ref, rtol=1e-4)


def check_pool_f32(lib, rng, name, op, n, c, h, w, k, stride, pads, ceil, include_pad=0, dil=1):
    x = rng.uniform(-1, 1, (n, c, h, w)).astype(np.float32)
    attrs = dict(kernel_shape=[k, k], strides=[stride, stride], pads=pads, ceil_mode=ceil)
    if op == "AveragePool":
        attrs["count_include_pad"] = include_pad
    else:
        attrs["dilations"] = [dil, dil]
    node = helper.make_node(op, ["x"], ["y"], **attrs)
    (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.FLOAT)], opset=19)
    g = PoolGeometry(n, h, w, c, ref.shape[2], ref.shape[3], k, k, stride, stride, dil, dil, pads[0], pads[1], pads[2],
                     pads[3])
    y = np.zeros((n, ref.shape[2], ref.shape[3], c), np.float32)
    if op == "AveragePool":
        lib.ck_avgpool2d_f32__scalar.argtypes = [P, C.c_int, P, P]
        lib.ck_avgpool2d_f32__scalar(C.byref(g), include_pad, ptr(nhwc(x)), ptr(y))
    else:
        lib.ck_maxpool2d_f32__scalar(C.byref(g), ptr(nhwc(x)), ptr(y))
    record_close(name, y.transpose(0, 3, 1, 2), ref)


def check_unary_f32(lib, rng, name, op, call, attrs=None, inputs=()):
    x = rng.uniform(-8, 8, 1001).astype(np.float32)
    x[:6] = [0, -3, 3, 6, -0.5, 2.5]
    node = helper.make_node(op, ["x"] + [n for n, _ in inputs], ["y"], **(attrs or {}))
    (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.FLOAT)], list(inputs), 14)
    y = np.zeros_like(x)
    call(x, y)
    record_close(name, y, ref, rtol=1e-6, atol=1e-6)


def check_misc(lib, rng):
    # Softmax over the last axis.
    x = rng.uniform(-10, 10, (17, 33)).astype(np.float32)
    (ref,) = run_ort(helper.make_node("Softmax", ["x"], ["y"], axis=-1), {"x": x}, [("y", TensorProto.FLOAT)], opset=13)
    y = np.zeros_like(x)
    lib.ck_softmax_f32__scalar.argtypes = [SIZE, SIZE, P, P]
    lib.ck_softmax_f32__scalar(17, 33, ptr(x), ptr(y))
    record_close("Softmax 17x33", y, ref, rtol=1e-5, atol=1e-7)
    # ReduceMean over the middle axis.
    x = rng.uniform(-2, 3, (3, 49, 16)).astype(np.float32)
    (ref,) = run_ort(helper.make_node("ReduceMean", ["x"], ["y"], axes=[1], keepdims=0), {"x": x},
                     [("y", TensorProto.FLOAT)], opset=13)
    y = np.zeros((3, 16), np.float32)
    lib.ck_reduce_mean_f32__scalar.argtypes = [SIZE, SIZE, SIZE, P, P]
    lib.ck_reduce_mean_f32__scalar(3, 49, 16, ptr(x), ptr(y))
    record_close("ReduceMean axis 1", y, ref)
    # GlobalAveragePool.
    x = rng.uniform(-1, 1, (2, 24, 7, 7)).astype(np.float32)
    (ref,) = run_ort(helper.make_node("GlobalAveragePool", ["x"], ["y"]), {"x": x}, [("y", TensorProto.FLOAT)], opset=13)
    y = np.zeros((2, 24), np.float32)
    lib.ck_global_avgpool_f32__scalar.argtypes = [SIZE, SIZE, SIZE, P, P]
    lib.ck_global_avgpool_f32__scalar(2, 49, 24, ptr(nhwc(x)), ptr(y))
    record_close("GlobalAveragePool 7x7", y, ref.reshape(2, 24))
    # Pad, every mode, including a negative (cropping) pad.
    for mode, code in (("constant", 0), ("reflect", 1), ("edge", 2)):
        x = rng.uniform(-1, 1, (2, 3, 5, 4)).astype(np.float32)
        pads = np.array([0, 1, 2, -1, 1, 0, 3, 2], np.int64)
        node = helper.make_node("Pad", ["x", "pads", "value"], ["y"], mode=mode)
        (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.FLOAT)], [("pads", pads), ("value", np.float32(0.25))], 13)
        p = PadParams()
        p.rank, p.mode = 4, code
        for d in range(4):
            p.in_shape[d], p.out_shape[d], p.pad_begin[d] = x.shape[d], ref.shape[d], int(pads[d])
        y = np.zeros(ref.shape, np.float32)
        lib.ck_pad_x32__scalar.argtypes = [P, P, C.c_uint32, P]
        lib.ck_pad_x32__scalar(C.byref(p), ptr(x), int(np.float32(0.25).view(np.uint32)), ptr(y))
        record(f"Pad {mode}", y.view(np.int32), ref.view(np.int32))
    # Transpose.
    x = rng.integers(-100, 100, (2, 3, 5, 7)).astype(np.float32)
    perm = [0, 2, 3, 1]
    (ref,) = run_ort(helper.make_node("Transpose", ["x"], ["y"], perm=perm), {"x": x}, [("y", TensorProto.FLOAT)], opset=13)
    y = np.zeros(ref.shape, np.float32)
    lib.ck_transpose_x32__scalar.argtypes = [SIZE, P, P, P, P]
    lib.ck_transpose_x32__scalar(4, ptr(np.array(x.shape, np.uintp)), ptr(np.array(perm, np.uintp)), ptr(x), ptr(y))
    record("Transpose NCHW->NHWC", y.view(np.int32), ref.view(np.int32))
    # DequantizeLinear per axis.
    x = rand_q(rng, (3, 5, 4), np.int8)
    scale = rng.uniform(0.01, 0.1, 5).astype(np.float32)
    zp = rand_q(rng, 5, np.int8, -10, 10)
    (ref,) = run_ort(helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], axis=1), {"x": x},
                     [("y", TensorProto.FLOAT)], [("s", scale), ("z", zp)], 13)
    y = np.zeros(x.shape, np.float32)
    lib.ck_dequantize_s8_f32__scalar.argtypes = [SIZE, SIZE, SIZE, P, P, P, P]
    lib.ck_dequantize_s8_f32__scalar(3, 5, 4, ptr(x), ptr(scale), ptr(zp.astype(np.int32)), ptr(y))
    record("DequantizeLinear s8 per-axis", y.view(np.int32), ref.view(np.int32))


def check_integer_ops(lib, rng):
    # MatMulInteger u8 x s8 with zero points.
    a = rand_q(rng, (9, 37), np.uint8)
    b = rand_q(rng, (37, 11), np.int8)
    node = helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"])
    (ref,) = run_ort(node, {"a": a}, [("y", TensorProto.INT32)], [("b", b), ("az", np.array(131, np.uint8)),
                                                                  ("bz", np.array(-3, np.int8))], 13)
    g = GemmGeometry(9, 11, 37, 0, 0, 37, 11, 11)
    azp, bzp, bs = np.array([131], np.int32), np.array([-3], np.int32), np.array([1.0], np.float32)
    q = QGemmParams(1, 0, ptr(azp), 0, 1.0, QParamsAxis(ptr(bs), ptr(bzp), 0, 0), 1.0, 1.0, 0, ClampQ(-(2**31), 2**31 - 1))
    y = np.zeros((9, 11), np.int32)
    lib.ck_gemm_qs32__scalar(C.byref(g), C.byref(q), ptr(a), ptr(b), None, ptr(y))
    record("MatMulInteger u8/s8", y, ref)
    # ConvInteger u8 x s8 (dynamic quantization's Conv), with padding.
    x = rand_q(rng, (1, 6, 9, 8), np.uint8)
    wq = rand_q(rng, (4, 6, 3, 3), np.int8)
    node = helper.make_node("ConvInteger", ["x", "w", "xz", "wz"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    (ref,) = run_ort(node, {"x": x}, [("y", TensorProto.INT32)], [("w", wq), ("xz", np.array(120, np.uint8)),
                                                                  ("wz", np.array(0, np.int8))], 13)
    g = ConvGeometry(1, 9, 8, 6, ref.shape[2], ref.shape[3], 4, 3, 3, 1, 1, 1, 1, 1, 1, 1)
    ws, wz = np.array([1.0], np.float32), np.array([0], np.int32)
    q = QConvParams(1, 0, 120, 1.0, QParamsAxis(ptr(ws), ptr(wz), 0, 0), 1.0, 0, ClampQ(-(2**31), 2**31 - 1))
    y = np.zeros((1, ref.shape[2], ref.shape[3], 4), np.int32)
    lib.ck_conv2d_qs32__scalar(C.byref(g), C.byref(q), ptr(nhwc(x)), ptr(np.ascontiguousarray(wq.transpose(0, 2, 3, 1))),
                               None, ptr(y))
    record("ConvInteger u8/s8 pad1", y.transpose(0, 3, 1, 2), ref)


def check_float_kernels(lib, rng):
    check_conv_f32(lib, rng, "Conv f32 3x3 pad1", 1, 5, 9, 7, 6, 3, 3, 1, 1, [1, 1, 1, 1], 1)
    check_conv_f32(lib, rng, "Conv f32 s2 d2 g2 asym pads", 2, 6, 11, 10, 4, 3, 3, 2, 2, [2, 1, 0, 1], 2)
    check_conv_f32(lib, rng, "Conv f32 depthwise 5x5", 1, 8, 10, 9, 8, 5, 5, 1, 1, [2, 2, 2, 2], 8)
    check_conv_f32(lib, rng, "ConvTranspose f32 s2 pad1 outpad1", 1, 4, 5, 6, 3, 3, 3, 2, 1, [1, 1, 1, 1], 1, True, 1)
    check_conv_f32(lib, rng, "ConvTranspose f32 g2 k2 s2", 2, 4, 3, 3, 6, 2, 2, 2, 1, [0, 0, 0, 0], 2, True, 0)
    check_conv_f32(lib, rng, "ConvTranspose f32 d2", 1, 3, 4, 5, 2, 3, 3, 1, 2, [1, 0, 1, 0], 1, True, 0)
    check_gemm_f32(lib, rng, "Gemm f32 C row", 7, 13, 33, False, True, 1.0, 1.0, (13,))
    check_gemm_f32(lib, rng, "Gemm f32 tA alpha beta C full", 5, 9, 17, True, False, 0.5, -2.0, (5, 9))
    check_gemm_f32(lib, rng, "Gemm f32 C column", 6, 4, 8, True, True, 1.0, 1.0, (6, 1))
    for ceil in (0, 1):
        check_pool_f32(lib, rng, f"MaxPool f32 3x3 s2 ceil{ceil}", "MaxPool", 1, 5, 10, 9, 3, 2, [1, 1, 1, 1], ceil)
        for include in (0, 1):
            check_pool_f32(lib, rng, f"AveragePool f32 3x3 s2 ceil{ceil} incl{include}", "AveragePool", 1, 5, 10, 9,
                           3, 2, [1, 0, 1, 0], ceil, include)
    check_pool_f32(lib, rng, "MaxPool f32 dilation 2", "MaxPool", 1, 3, 11, 11, 3, 1, [2, 2, 2, 2], 0, dil=2)

    def unary(fn, *extra, argtypes=()):
        getattr(lib, fn).argtypes = [SIZE, P, *argtypes, P]
        return lambda x, y: getattr(lib, fn)(x.size, ptr(x), *extra, ptr(y))

    check_unary_f32(lib, rng, "Relu", "Relu", unary("ck_relu_f32__scalar"))
    check_unary_f32(lib, rng, "Clip -0.5..6", "Clip", unary("ck_clip_f32__scalar", -0.5, 6.0, argtypes=(F32, F32)),
                    inputs=[("lo", np.float32(-0.5)), ("hi", np.float32(6.0))])
    check_unary_f32(lib, rng, "LeakyRelu 0.1", "LeakyRelu", unary("ck_leaky_relu_f32__scalar", 0.1, argtypes=(F32,)),
                    {"alpha": 0.1})
    check_unary_f32(lib, rng, "Sigmoid", "Sigmoid", unary("ck_sigmoid_f32__scalar"))
    check_unary_f32(lib, rng, "HardSigmoid", "HardSigmoid",
                    unary("ck_hard_sigmoid_f32__scalar", 0.2, 0.5, argtypes=(F32, F32)), {"alpha": 0.2, "beta": 0.5})
    check_unary_f32(lib, rng, "HardSwish", "HardSwish", unary("ck_hard_swish_f32__scalar"))


def main():
    lib = C.CDLL(sys.argv[1])
    rng = np.random.default_rng(7)
    s8, u8 = np.int8, np.uint8
    for xt, wt, pc in ((s8, s8, True), (s8, s8, False), (u8, s8, True), (u8, u8, False)):
        tag = f"{np.dtype(xt).name}/{np.dtype(wt).name} {'per-channel' if pc else 'per-tensor'}"
        check_qlinearconv(lib, rng, f"QLinearConv {tag} 3x3 pad1", 1, 8, 9, 7, 6, 3, 3, 1, 1, [1, 1, 1, 1], 1, xt, wt, pc)
        check_qlinearconv(lib, rng, f"QLinearConv {tag} s2 d2 g2", 2, 6, 11, 10, 4, 3, 3, 2, 2, [2, 1, 2, 1], 2, xt, wt, pc)
        check_qlinearconv(lib, rng, f"QLinearConv {tag} depthwise", 1, 8, 8, 8, 8, 3, 3, 1, 1, [1, 1, 1, 1], 8, xt, wt, pc)
        check_qlinearconv(lib, rng, f"QLinearConv {tag} 1x1 K=96", 1, 96, 5, 5, 24, 1, 1, 1, 1, [0, 0, 0, 0], 1, xt, wt, pc)
    for at, bt in ((s8, s8), (u8, s8), (u8, u8)):
        check_qlinearmatmul(lib, rng, f"QLinearMatMul {np.dtype(at).name}/{np.dtype(bt).name} 7x33x13", 7, 33, 13, at, bt)
    for op in ("QLinearAdd", "QLinearMul"):
        for dt in (s8, u8):
            check_qbinary(lib, rng, f"{op} {np.dtype(dt).name} same shape", op, dt, (2, 25, 27, 16), (2, 25, 27, 16))
            check_qbinary(lib, rng, f"{op} {np.dtype(dt).name} broadcast", op, dt, (2, 1, 7, 16), (5, 1, 16))
            # Large enough that rounding ties (about 1 element in 500) certainly occur.
            check_qbinary(lib, rng, f"{op} {np.dtype(dt).name} scalar B", op, dt, (20, 30, 40), (1,))
            check_qbinary(lib, rng, f"{op} {np.dtype(dt).name} scalar A", op, dt, (1,), (20, 30, 40))
            check_qbinary(lib, rng, f"{op} {np.dtype(dt).name} B inner-broadcast", op, dt, (200, 100), (200, 1))
            check_qbinary(lib, rng, f"{op} {np.dtype(dt).name} A inner-broadcast", op, dt, (200, 1), (200, 100))
            check_qbinary(lib, rng, f"{op} {np.dtype(dt).name} mixed", op, dt, (20, 1, 30, 1), (1, 10, 1, 40))
            check_qbinary(lib, rng, f"{op} {np.dtype(dt).name} mixed swapped", op, dt, (1, 10, 1, 40), (20, 1, 30, 1))
    for dt in (s8, u8):
        check_qgap(lib, rng, f"QLinearGlobalAveragePool {np.dtype(dt).name} 7x7", dt, 2, 24, 7, 7)
        for include in (0, 1):
            check_qavgpool(lib, rng, f"QLinearAveragePool {np.dtype(dt).name} 3x3 s2 pad1 incl{include}", dt, 1, 5, 9,
                           8, 3, 2, [1, 1, 1, 1], include)
        check_qsigmoid(lib, rng, f"QLinearSigmoid {np.dtype(dt).name} all inputs", dt)
        check_quantize(lib, rng, f"QuantizeLinear {np.dtype(dt).name} per-axis", dt, (3, 5, 4), 1)
    check_dynamic(lib, rng, "DynamicQuantizeLinear random", rng.uniform(-2, 3, (4, 33)))
    check_dynamic(lib, rng, "DynamicQuantizeLinear spec example", np.array([0, 2, -3, -2.5, 1.34, 0.5]))
    check_dynamic(lib, rng, "DynamicQuantizeLinear positive", rng.uniform(0.5, 3, 50))
    for dt in (np.float32, u8, s8):
        for mode, coord in (("nearest", "asymmetric"), ("nearest", "half_pixel"), ("linear", "half_pixel"),
                            ("linear", "align_corners"), ("linear", "pytorch_half_pixel"), ("linear", "asymmetric")):
            for nhwc in (False, True):
                check_resize(lib, rng, f"Resize {mode} {coord} {np.dtype(dt).name} {'NHWC' if nhwc else 'NCHW'}",
                             dt, mode, coord, 1, 3, 5, 7, 9, 12, nhwc)

    check_float_kernels(lib, rng)
    check_misc(lib, rng)
    check_integer_ops(lib, rng)

    width = max(len(r[0]) for r in RESULTS)
    print(f"onnxruntime {ort.__version__}")
    print(f"{'case':<{width}}  elements  differing  max step")
    failed = 0
    for name, count, bad, worst, required in RESULTS:
        failed += bad != 0 and required
        note = ("  MISMATCH" if required else "  (known: ORT NHWC fixed-point path)") if bad else ""
        print(f"{name:<{width}}  {count:8d}  {bad:9d}  {worst:8d}{note}")
    print(f"{len(RESULTS)} cases, {failed} with unexpected differences")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

// Types shared by every kernel family.
//
// Conventions (see docs/kernels.md):
// - Activations are NHWC, contiguous unless a stride is passed explicitly.
// - Kernels never allocate and never validate: the graph layer checks shapes and
//   parameters once, at model load, and the kernels trust them.
// - Reference kernels are named ck_<op>_<dtype>__scalar; fast variants share the
//   signature and differ only in the suffix (tile and ISA).
#ifndef CK_COMMON_H
#define CK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Element type of an 8-bit quantized tensor.
typedef enum ck_qtype {
    CK_QTYPE_S8 = 0, ///< int8, range [-128, 127]
    CK_QTYPE_U8 = 1, ///< uint8, range [0, 255]
} ck_qtype;

/// Fused activation for float outputs: the result is clamped to [min, max].
/// Use -INFINITY / +INFINITY for none, {0, INFINITY} for Relu, {0, 6} for Relu6.
typedef struct ck_clamp_f32 {
    float min;
    float max;
} ck_clamp_f32;

/// Fused activation for quantized outputs, in the output's quantized domain
/// (e.g. Relu on int8 with zero point z is {z, 127}). The kernel intersects it
/// with the range of the output type.
typedef struct ck_clamp_q {
    int32_t min;
    int32_t max;
} ck_clamp_q;

/// Quantization of one 8-bit operand whose scale and zero point may be per
/// tensor (stride 0) or per channel (stride 1, indexed by output channel /
/// GEMM column).
typedef struct ck_qparams_axis {
    const float* scale;        ///< scale[i * scale_stride]
    const int32_t* zero_point; ///< zero_point[i * zero_point_stride]
    size_t scale_stride;
    size_t zero_point_stride;
} ck_qparams_axis;

#ifdef __cplusplus
}
#endif

#endif

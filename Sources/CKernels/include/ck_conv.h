// Convolution family: conv2d (groups, strides, dilations, pads), depthwise conv2d and
// conv-transpose2d, float32 and 8-bit quantized (QLinearConv / ConvInteger semantics).
//
// Layouts (the graph layer reorders ONNX's NCHW / OIHW once, at load):
//   input   x [batch][in_h][in_w][in_c]
//   output  y [batch][out_h][out_w][out_c]
//   conv2d / conv-transpose2d weights  w [out_c][kernel_h][kernel_w][in_c / groups]
//   depthwise weights                  w [kernel_h][kernel_w][out_c], out_c = in_c * multiplier
// Output channel oc of a grouped conv belongs to group oc / (out_c / groups) and reads input
// channels [g * in_c/groups, (g + 1) * in_c/groups). Depthwise output channel oc reads input
// channel oc / multiplier. Taps that fall in the padding read nothing (float: 0; quantized:
// the input zero point, i.e. a real 0).
#ifndef CK_CONV_H
#define CK_CONV_H

#include "ck_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Geometry of a 2-D convolution. out_h / out_w are given, not derived, so that auto_pad,
/// ceil modes and ConvTranspose's output_padding are all decided by the caller.
typedef struct ck_conv2d_geometry {
    size_t batch;
    size_t in_h, in_w, in_c;
    size_t out_h, out_w, out_c;
    size_t kernel_h, kernel_w;
    size_t stride_h, stride_w;
    size_t dilation_h, dilation_w;
    size_t pad_top, pad_left; ///< bottom/right padding is implied by out_h/out_w
    size_t groups;            ///< conv2d / deconv2d only; depthwise uses in_c groups
} ck_conv2d_geometry;

/// Quantization of an 8-bit convolution or GEMM.
/// Accumulator: acc = bias[c] + sum (x - x_zero_point) * (w - w_zero_point[c]) in int32.
/// Requantized outputs: y = sat(rne(float(acc) * (x_scale * w_scale[c] / y_scale)) + y_zero_point),
/// clamped to `clamp` (the multiplier is computed in float32 in exactly that order, as ONNX
/// Runtime does). int32 outputs (ConvInteger / MatMulInteger) store acc and ignore scales.
typedef struct ck_qconv_params {
    ck_qtype x_type;
    ck_qtype w_type;
    int32_t x_zero_point;
    float x_scale;
    ck_qparams_axis w; ///< per tensor (strides 0) or per output channel (strides 1)
    float y_scale;
    int32_t y_zero_point;
    ck_clamp_q clamp; ///< in the output domain; {INT32_MIN, INT32_MAX} for none
} ck_qconv_params;

void ck_conv2d_f32__scalar(const ck_conv2d_geometry* g, const float* x, const float* w,
                           const float* bias, ck_clamp_f32 clamp, float* y);
/// QLinearConv with int8 output (x_type must be S8; w_type S8 or U8).
void ck_conv2d_qs8__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                           const void* w, const int32_t* bias, int8_t* y);
/// QLinearConv with uint8 output (x_type U8).
void ck_conv2d_qu8__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                           const void* w, const int32_t* bias, uint8_t* y);
/// ConvInteger: int32 accumulators, no requantization.
void ck_conv2d_qs32__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                            const void* w, const int32_t* bias, int32_t* y);

/// Depthwise: g->groups is ignored; multiplier = out_c / in_c.
void ck_dwconv2d_f32__scalar(const ck_conv2d_geometry* g, const float* x, const float* w,
                             const float* bias, ck_clamp_f32 clamp, float* y);
void ck_dwconv2d_qs8__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                             const void* w, const int32_t* bias, int8_t* y);
void ck_dwconv2d_qu8__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                             const void* w, const int32_t* bias, uint8_t* y);

/// ConvTranspose: y[oh][ow][oc] = bias[oc] + sum over (kh, kw, ic) with
/// oh + pad_top = ih * stride_h + kh * dilation_h (same for w) of x[ih][iw][ic] * w[oc][kh][kw][ic'].
/// out_h = stride*(in_h-1) + output_padding + dilation*(kernel-1) + 1 - pad_top - pad_bottom.
void ck_deconv2d_f32__scalar(const ck_conv2d_geometry* g, const float* x, const float* w,
                             const float* bias, ck_clamp_f32 clamp, float* y);

#ifdef __cplusplus
}
#endif

#endif

// Pooling, NHWC: max, average (count_include_pad) and global average, float32 and 8-bit.
//
// Window of output (oh, ow): rows oh*stride_h - pad_top + kh*dilation_h, kh < kernel_h
// (same for columns). Taps outside the input are skipped by max pooling. Average pooling
// divides by the number of in-image taps, or with count_include_pad by the number of taps
// inside [-pad_top, in_h + pad_bottom) x [-pad_left, in_w + pad_right) (ONNX Runtime's rule:
// ceil_mode overhang beyond the explicit pads is never counted).
#ifndef CK_POOL_H
#define CK_POOL_H

#include "ck_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_pool2d_geometry {
    size_t batch;
    size_t in_h, in_w, channels;
    size_t out_h, out_w;
    size_t kernel_h, kernel_w;
    size_t stride_h, stride_w;
    size_t dilation_h, dilation_w;
    size_t pad_top, pad_left, pad_bottom, pad_right;
} ck_pool2d_geometry;

/// An output with no in-image tap (only possible with absurd pads) is -INFINITY / the type minimum.
void ck_maxpool2d_f32__scalar(const ck_pool2d_geometry* g, const float* x, float* y);
void ck_maxpool2d_s8__scalar(const ck_pool2d_geometry* g, const int8_t* x, int8_t* y);
void ck_maxpool2d_u8__scalar(const ck_pool2d_geometry* g, const uint8_t* x, uint8_t* y);

void ck_avgpool2d_f32__scalar(const ck_pool2d_geometry* g, int count_include_pad, const float* x,
                              float* y);
/// The same average in two separable passes (row sums, then column sums); needs
/// ck_avgpool2d_f32_rows_scratch_size(g) floats of scratch. Equal up to float rounding.
size_t ck_avgpool2d_f32_rows_scratch_size(const ck_pool2d_geometry* g);
void ck_avgpool2d_f32_rows(const ck_pool2d_geometry* g, int count_include_pad, const float* x, float* scratch,
                           float* y);
/// QLinearAveragePool: acc = sum over in-image taps of (x - x_zp) (padding is a real 0),
/// y = sat(rne(float(acc) * (x_scale / (y_scale * count))) + y_zp).
void ck_avgpool2d_qs8__scalar(const ck_pool2d_geometry* g, int count_include_pad, float x_scale,
                              int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                              const int8_t* x, int8_t* y);
void ck_avgpool2d_qu8__scalar(const ck_pool2d_geometry* g, int count_include_pad, float x_scale,
                              int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                              const uint8_t* x, uint8_t* y);

/// x [batch][pixels][channels] -> y [batch][channels].
void ck_global_avgpool_f32__scalar(size_t batch, size_t pixels, size_t channels, const float* x,
                                   float* y);
/// QLinearGlobalAveragePool (channels_last): acc = sum(x) - x_zp * pixels,
/// y = sat(rne(float(acc) * (x_scale / (y_scale * pixels))) + y_zp).
void ck_global_avgpool_qs8__scalar(size_t batch, size_t pixels, size_t channels, float x_scale,
                                   int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                                   const int8_t* x, int8_t* y);
void ck_global_avgpool_qu8__scalar(size_t batch, size_t pixels, size_t channels, float x_scale,
                                   int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                                   const uint8_t* x, uint8_t* y);

#ifdef __cplusplus
}
#endif

#endif

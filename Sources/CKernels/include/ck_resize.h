// Resize (ONNX opset 11+) of the two spatial axes of an NHWC tensor.
#ifndef CK_RESIZE_H
#define CK_RESIZE_H

#include "ck_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/// coordinate_transformation_mode: output coordinate x -> input coordinate.
typedef enum ck_resize_coord {
    CK_RESIZE_HALF_PIXEL = 0,           ///< (x + 0.5) / scale - 0.5
    CK_RESIZE_HALF_PIXEL_SYMMETRIC = 1, ///< half_pixel around the centre (opset 19)
    CK_RESIZE_PYTORCH_HALF_PIXEL = 2,   ///< half_pixel, but 0 when the output length is 1
    CK_RESIZE_ALIGN_CORNERS = 3,        ///< x * (in - 1) / (out - 1), 0 when out is 1
    CK_RESIZE_ASYMMETRIC = 4,           ///< x / scale
    CK_RESIZE_TF_CROP_AND_RESIZE = 5,   ///< uses roi; outside the input -> extrapolation value
} ck_resize_coord;

/// nearest_mode.
typedef enum ck_resize_nearest_mode {
    CK_NEAREST_ROUND_PREFER_FLOOR = 0,
    CK_NEAREST_ROUND_PREFER_CEIL = 1,
    CK_NEAREST_FLOOR = 2,
    CK_NEAREST_CEIL = 3,
} ck_resize_nearest_mode;

typedef struct ck_resize_params {
    size_t batch, in_h, in_w, channels, out_h, out_w;
    float scale_h, scale_w; ///< the ONNX scales (given, or out/in when sizes were given)
    ck_resize_coord coord;
    ck_resize_nearest_mode nearest_mode;
    float roi_start_h, roi_start_w, roi_end_h, roi_end_w; ///< normalised, tf_crop_and_resize only
    float extrapolation_value;                            ///< tf_crop_and_resize only
} ck_resize_params;

/// Nearest: copies elements. The extrapolation value (tf_crop_and_resize) is converted to
/// the element type: rounded half to even and saturated for 8-bit outputs.
void ck_resize_nearest_f32__scalar(const ck_resize_params* p, const float* x, float* y);
void ck_resize_nearest_u8__scalar(const ck_resize_params* p, const uint8_t* x, uint8_t* y);
void ck_resize_nearest_s8__scalar(const ck_resize_params* p, const int8_t* x, int8_t* y);

/// Linear (bilinear on H, W), ONNX Runtime's rule: the input coordinate is clamped to
/// [0, len - 1], the two neighbours are floor and min(floor + 1, len - 1), weighted by
/// distance. 8-bit outputs are computed in float32 and truncated toward zero (ONNX Runtime's
/// NCHW kernel; its NHWC integer path can differ by one).
void ck_resize_linear_f32__scalar(const ck_resize_params* p, const float* x, float* y);
void ck_resize_linear_u8__scalar(const ck_resize_params* p, const uint8_t* x, uint8_t* y);
void ck_resize_linear_s8__scalar(const ck_resize_params* p, const int8_t* x, int8_t* y);

/// The input coordinate of output coordinate `out_index` along one axis (exposed so the
/// graph layer and the tests share no hidden rule). `roi_start`, `roi_end` used only by
/// tf_crop_and_resize.
float ck_resize_source_coordinate(ck_resize_coord coord, size_t out_index, size_t in_len,
                                  size_t out_len, float scale, float roi_start, float roi_end);

#ifdef __cplusplus
}
#endif

#endif

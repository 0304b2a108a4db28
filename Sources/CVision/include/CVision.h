// Image preprocessing kernels for camera frames, and the GPIO v2 uAPI wrapper the trigger uses.
//
// Conventions (XNNPACK style, as in CKernels):
// - Reference scalar kernels named cv_<op>_<in>_<out>; strides are in bytes; a region of
//   interest is passed as a pointer offset plus the full-frame stride (no copy).
// - Kernels never allocate and never validate: the Swift layer checks sizes once.
#ifndef CVISION_H
#define CVISION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Colour conversion (BT.601 limited range, what UVC webcams and vivid send)

/// YUYV 4:2:2 → RGB888. `width` must be even.
void cv_yuyv_to_rgb_u8(const uint8_t *src, size_t src_stride, size_t width, size_t height,
                       uint8_t *dst, size_t dst_stride);
/// YUYV → luma (the Y bytes, unscaled).
void cv_yuyv_to_gray_u8(const uint8_t *src, size_t src_stride, size_t width, size_t height,
                        uint8_t *dst, size_t dst_stride);
/// NV12 (Y plane, then interleaved UV at half resolution) → RGB888. `width`, `height` even.
void cv_nv12_to_rgb_u8(const uint8_t *y, size_t y_stride, const uint8_t *uv, size_t uv_stride,
                       size_t width, size_t height, uint8_t *dst, size_t dst_stride);
/// RGB888 → grey, (77 R + 150 G + 29 B + 128) >> 8.
void cv_rgb_to_gray_u8(const uint8_t *src, size_t src_stride, size_t width, size_t height,
                       uint8_t *dst, size_t dst_stride);
/// Grey → RGB888 (replicated).
void cv_gray_to_rgb_u8(const uint8_t *src, size_t src_stride, size_t width, size_t height,
                       uint8_t *dst, size_t dst_stride);
/// Copies `row_bytes` of each row between strided buffers.
void cv_copy_rows_u8(const uint8_t *src, size_t src_stride, size_t row_bytes, size_t height,
                     uint8_t *dst, size_t dst_stride);

// MARK: Resize of interleaved u8 images with `channels` channels

/// Bilinear with half-pixel centres (OpenCV INTER_LINEAR / ONNX half_pixel), 8-bit fixed point weights.
void cv_resize_bilinear_u8(const uint8_t *src, size_t src_stride, size_t in_w, size_t in_h,
                           size_t channels, uint8_t *dst, size_t dst_stride, size_t out_w,
                           size_t out_h);
/// Area (box) average over the exact fractional input footprint of each output pixel; channels ≤ 4
/// (OpenCV INTER_AREA for downscaling); rounds to nearest.
void cv_resize_area_u8(const uint8_t *src, size_t src_stride, size_t in_w, size_t in_h,
                       size_t channels, uint8_t *dst, size_t dst_stride, size_t out_w,
                       size_t out_h);

// MARK: Normalisation and quantisation of a packed HWC u8 image

/// Output layout of a tensor.
typedef enum cv_layout {
    CV_LAYOUT_NHWC = 0,
    CV_LAYOUT_NCHW = 1,
} cv_layout;

/// y = (x / 255 - mean[c]) / std[c], written as float NHWC or NCHW. channels ≤ 4.
void cv_normalize_u8_f32(const uint8_t *src, size_t width, size_t height, size_t channels,
                         const float *mean, const float *std, cv_layout layout, float *dst);
/// q = clamp(round(((x / 255 - mean[c]) / std[c]) / scale) + zero_point) into int8. channels ≤ 4.
void cv_quantize_u8_s8(const uint8_t *src, size_t width, size_t height, size_t channels,
                       const float *mean, const float *std, float scale, int32_t zero_point,
                       cv_layout layout, int8_t *dst);
/// As cv_quantize_u8_s8, into uint8.
void cv_quantize_u8_u8(const uint8_t *src, size_t width, size_t height, size_t channels,
                       const float *mean, const float *std, float scale, int32_t zero_point,
                       cv_layout layout, uint8_t *dst);

// MARK: Sharpness

/// Variance of the 3×3 Laplacian (0 1 0 / 1 -4 1 / 0 1 0) over the interior of a luma region.
/// `pixel_step` is 1 for grey, 2 for the Y bytes of YUYV. Needs width, height ≥ 3.
double cv_laplacian_variance_u8(const uint8_t *src, size_t stride, size_t pixel_step, size_t width,
                                size_t height);

// MARK: GPIO character device (uAPI v2)

/// Edge selection for cv_gpio_request_edges.
enum { CV_GPIO_EDGE_RISING = 1, CV_GPIO_EDGE_FALLING = 2 };

/// Requests one input line with edge detection and (if debounce_us > 0) debounce on an open
/// /dev/gpiochipN descriptor. Returns the line request fd, or -errno.
int cv_gpio_request_edges(int chip_fd, uint32_t offset, int edges, uint32_t debounce_us,
                          int bias_pull_up, const char *consumer);
/// Number of lines on the chip and its label, or -errno.
int cv_gpio_chip_info(int chip_fd, char *label, size_t label_size);
/// Reads one edge event from a line request fd. Returns 1 with the fields set, 0 if none is ready
/// (non-blocking fd), or -errno. `rising` is 1 for a rising edge.
int cv_gpio_read_event(int line_fd, uint64_t *timestamp_ns, uint32_t *line_seqno, int *rising);

#ifdef __cplusplus
}
#endif

#endif

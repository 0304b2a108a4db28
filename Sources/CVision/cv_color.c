#include "CVision.h"

static inline uint8_t clamp_u8(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

// BT.601 limited range in 8-bit fixed point (coefficients × 256).
static inline void yuv_to_rgb(int y, int u, int v, uint8_t *out) {
    const int c = 298 * (y - 16) + 128;
    const int d = u - 128, e = v - 128;
    out[0] = clamp_u8((c + 409 * e) >> 8);
    out[1] = clamp_u8((c - 100 * d - 208 * e) >> 8);
    out[2] = clamp_u8((c + 516 * d) >> 8);
}

void cv_yuyv_to_rgb_u8(const uint8_t *src, size_t src_stride, size_t width, size_t height,
                       uint8_t *dst, size_t dst_stride) {
    for (size_t row = 0; row < height; row++) {
        const uint8_t *s = src + row * src_stride;
        uint8_t *d = dst + row * dst_stride;
        for (size_t x = 0; x < width; x += 2, s += 4, d += 6) {
            // The two pixels of a pair share chroma: compute its terms once (same result as yuv_to_rgb).
            const int u = s[1] - 128, v = s[3] - 128;
            const int r = 409 * v + 128, g = -100 * u - 208 * v + 128, b = 516 * u + 128;
            const int c0 = 298 * (s[0] - 16), c1 = 298 * (s[2] - 16);
            d[0] = clamp_u8((c0 + r) >> 8);
            d[1] = clamp_u8((c0 + g) >> 8);
            d[2] = clamp_u8((c0 + b) >> 8);
            d[3] = clamp_u8((c1 + r) >> 8);
            d[4] = clamp_u8((c1 + g) >> 8);
            d[5] = clamp_u8((c1 + b) >> 8);
        }
    }
}

void cv_yuyv_to_gray_u8(const uint8_t *src, size_t src_stride, size_t width, size_t height,
                        uint8_t *dst, size_t dst_stride) {
    for (size_t row = 0; row < height; row++) {
        const uint8_t *s = src + row * src_stride;
        uint8_t *d = dst + row * dst_stride;
        for (size_t x = 0; x < width; x++) d[x] = s[2 * x];
    }
}

void cv_nv12_to_rgb_u8(const uint8_t *y, size_t y_stride, const uint8_t *uv, size_t uv_stride,
                       size_t width, size_t height, uint8_t *dst, size_t dst_stride) {
    for (size_t row = 0; row < height; row++) {
        const uint8_t *sy = y + row * y_stride;
        const uint8_t *suv = uv + (row / 2) * uv_stride;
        uint8_t *d = dst + row * dst_stride;
        for (size_t x = 0; x < width; x++) {
            yuv_to_rgb(sy[x], suv[x & ~(size_t)1], suv[x | 1], d + 3 * x);
        }
    }
}

void cv_rgb_to_gray_u8(const uint8_t *src, size_t src_stride, size_t width, size_t height,
                       uint8_t *dst, size_t dst_stride) {
    for (size_t row = 0; row < height; row++) {
        const uint8_t *s = src + row * src_stride;
        uint8_t *d = dst + row * dst_stride;
        for (size_t x = 0; x < width; x++, s += 3) d[x] = (uint8_t)((77 * s[0] + 150 * s[1] + 29 * s[2] + 128) >> 8);
    }
}

void cv_gray_to_rgb_u8(const uint8_t *src, size_t src_stride, size_t width, size_t height,
                       uint8_t *dst, size_t dst_stride) {
    for (size_t row = 0; row < height; row++) {
        const uint8_t *s = src + row * src_stride;
        uint8_t *d = dst + row * dst_stride;
        for (size_t x = 0; x < width; x++, d += 3) d[0] = d[1] = d[2] = s[x];
    }
}

void cv_copy_rows_u8(const uint8_t *src, size_t src_stride, size_t row_bytes, size_t height,
                     uint8_t *dst, size_t dst_stride) {
    for (size_t row = 0; row < height; row++) {
        const uint8_t *s = src + row * src_stride;
        uint8_t *d = dst + row * dst_stride;
        for (size_t i = 0; i < row_bytes; i++) d[i] = s[i];
    }
}

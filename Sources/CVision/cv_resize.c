#include "CVision.h"

// Bilinear: for each output pixel, the half-pixel-centre source coordinate, clamped to the
// image, split into an integer index and an 8-bit fraction. Rows are blended in 16-bit.
void cv_resize_bilinear_u8(const uint8_t *src, size_t src_stride, size_t in_w, size_t in_h,
                           size_t channels, uint8_t *dst, size_t dst_stride, size_t out_w,
                           size_t out_h) {
    const float sx = (float)in_w / (float)out_w, sy = (float)in_h / (float)out_h;
    for (size_t oy = 0; oy < out_h; oy++) {
        float fy = ((float)oy + 0.5f) * sy - 0.5f;
        if (fy < 0) fy = 0;
        size_t y0 = (size_t)fy;
        if (y0 > in_h - 1) y0 = in_h - 1;
        const size_t y1 = y0 + 1 < in_h ? y0 + 1 : in_h - 1;
        const uint32_t wy = (uint32_t)((fy - (float)y0) * 256.0f + 0.5f);
        const uint8_t *r0 = src + y0 * src_stride, *r1 = src + y1 * src_stride;
        uint8_t *d = dst + oy * dst_stride;
        for (size_t ox = 0; ox < out_w; ox++) {
            float fx = ((float)ox + 0.5f) * sx - 0.5f;
            if (fx < 0) fx = 0;
            size_t x0 = (size_t)fx;
            if (x0 > in_w - 1) x0 = in_w - 1;
            const size_t x1 = x0 + 1 < in_w ? x0 + 1 : in_w - 1;
            const uint32_t wx = (uint32_t)((fx - (float)x0) * 256.0f + 0.5f);
            for (size_t c = 0; c < channels; c++) {
                const uint32_t top = r0[x0 * channels + c] * (256 - wx) + r0[x1 * channels + c] * wx;
                const uint32_t bot = r1[x0 * channels + c] * (256 - wx) + r1[x1 * channels + c] * wx;
                d[ox * channels + c] = (uint8_t)((top * (256 - wy) + bot * wy + 32768) >> 16);
            }
        }
    }
}

// Area: output pixel (ox, oy) covers [ox·sx, (ox+1)·sx) × [oy·sy, (oy+1)·sy) of the input; each
// input pixel contributes by its overlap. Exact for integer and fractional ratios.
void cv_resize_area_u8(const uint8_t *src, size_t src_stride, size_t in_w, size_t in_h,
                       size_t channels, uint8_t *dst, size_t dst_stride, size_t out_w,
                       size_t out_h) {
    const double sx = (double)in_w / (double)out_w, sy = (double)in_h / (double)out_h;
    for (size_t oy = 0; oy < out_h; oy++) {
        const double y_begin = (double)oy * sy, y_end = (double)(oy + 1) * sy;
        size_t iy_end = (size_t)y_end;
        if ((double)iy_end < y_end) iy_end++;
        if (iy_end > in_h) iy_end = in_h;
        uint8_t *d = dst + oy * dst_stride;
        for (size_t ox = 0; ox < out_w; ox++) {
            const double x_begin = (double)ox * sx, x_end = (double)(ox + 1) * sx;
            size_t ix_end = (size_t)x_end;
            if ((double)ix_end < x_end) ix_end++;
            if (ix_end > in_w) ix_end = in_w;
            // Channels innermost (≤ 4): one pass over the footprint accumulates every channel.
            double sum[4] = {0, 0, 0, 0}, area = 0;
            for (size_t iy = (size_t)y_begin; iy < iy_end; iy++) {
                const double top = (double)iy > y_begin ? (double)iy : y_begin;
                const double bottom = (double)(iy + 1) < y_end ? (double)(iy + 1) : y_end;
                const double wy = bottom - top;
                const uint8_t *row = src + iy * src_stride;
                for (size_t ix = (size_t)x_begin; ix < ix_end; ix++) {
                    const double left = (double)ix > x_begin ? (double)ix : x_begin;
                    const double right = (double)(ix + 1) < x_end ? (double)(ix + 1) : x_end;
                    const double w = wy * (right - left);
                    const uint8_t *p = row + ix * channels;
                    for (size_t c = 0; c < channels; c++) sum[c] += w * p[c];
                    area += w;
                }
            }
            for (size_t c = 0; c < channels; c++) {
                const double v = sum[c] / area + 0.5;
                d[ox * channels + c] = (uint8_t)(v > 255 ? 255 : v);
            }
        }
    }
}

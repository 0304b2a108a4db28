// im2col for the packed int8 GEMM: one row of K = kernel_h * kernel_w * in_c bytes per output
// pixel, NHWC input, taps in the padding filled with the (shifted) input zero point. `flip`
// XORs every copied byte (0x80 turns uint8 activations into the int8 the GEMM takes). Written
// in C because the Swift gather copied 3 bytes at a time for an RGB stem and cost 23 % of an
// int8 MobileNetV2. Rows are `ldc` bytes apart (K rounded up to the GEMM's KR), so the
// microkernels take whole 8-byte K blocks instead of a byte-wise tail.
#include "ck_layout.h"

#include <string.h>

void ck_im2col_q8(const ck_conv2d_geometry* g, const uint8_t* x, uint8_t zero, uint8_t flip, size_t ldc,
                  uint8_t* col) {
    const size_t c = g->in_c, k = g->kernel_h * g->kernel_w * c;
    for (size_t b = 0; b < g->batch; b++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++) {
                uint8_t* row = col;
                for (size_t kh = 0; kh < g->kernel_h; kh++) {
                    const ptrdiff_t ih = (ptrdiff_t)(oh * g->stride_h + kh * g->dilation_h) - (ptrdiff_t)g->pad_top;
                    for (size_t kw = 0; kw < g->kernel_w; kw++, col += c) {
                        const ptrdiff_t iw =
                            (ptrdiff_t)(ow * g->stride_w + kw * g->dilation_w) - (ptrdiff_t)g->pad_left;
                        if (ih < 0 || ih >= (ptrdiff_t)g->in_h || iw < 0 || iw >= (ptrdiff_t)g->in_w) {
                            memset(col, zero, c);
                            continue;
                        }
                        const uint8_t* from = x + ((b * g->in_h + (size_t)ih) * g->in_w + (size_t)iw) * c;
                        if (flip == 0) {
                            memcpy(col, from, c);
                        } else {
                            for (size_t i = 0; i < c; i++) col[i] = from[i] ^ flip;
                        }
                    }
                }
                // Columns past K meet zero-padded packed weights; zeros keep them defined.
                memset(row + k, 0, ldc - k);
                col = row + ldc;
            }
}

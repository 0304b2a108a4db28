// AArch64 microkernels for the packed int8 GEMM: widening multiply-accumulate for the
// Cortex-A72 (Pi 4, no dot product) and sdot for the Cortex-A76 (Pi 5). Per-function target
// attributes; NEON itself is baseline on AArch64.
#include "ck_qgemm_s8_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#if defined(__clang__)
#define CK_TARGET_DOTPROD __attribute__((target("dotprod")))
#else
#define CK_TARGET_DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))
#endif

// Epilogue shared with the x86 kernels' rule: float multiply, clamp in float, round to
// nearest even (fcvtns), add the zero point, saturating narrow.
static inline void ck_store8_neon(int32x4_t lo, int32x4_t hi, const uint8_t* block, int8_t* y, size_t ncols,
                                  const ck_qgemm_s8_params* params) {
    const float* mul = (const float*)(block + 2 * CK_QGEMM_S8_NR * 4);
    const float32x4_t fmin = vdupq_n_f32((float)(params->qmin - params->y_zero_point));
    const float32x4_t fmax = vdupq_n_f32((float)(params->qmax - params->y_zero_point));
    float32x4_t vlo = vmulq_f32(vcvtq_f32_s32(lo), vld1q_f32(mul));
    float32x4_t vhi = vmulq_f32(vcvtq_f32_s32(hi), vld1q_f32(mul + 4));
    vlo = vminq_f32(vmaxq_f32(vlo, fmin), fmax);
    vhi = vminq_f32(vmaxq_f32(vhi, fmin), fmax);
    const int32x4_t zp = vdupq_n_s32(params->y_zero_point);
    const int16x8_t q16 = vcombine_s16(vqmovn_s32(vaddq_s32(vcvtnq_s32_f32(vlo), zp)),
                                       vqmovn_s32(vaddq_s32(vcvtnq_s32_f32(vhi), zp)));
    const int8x8_t q8 = vqmovn_s16(q16);
    if (ncols == 8) {
        vst1_s8(y, q8);
    } else {
        int8_t tmp[8];
        vst1_s8(tmp, q8);
        memcpy(y, tmp, ncols);
    }
}

static inline int8x8_t ck_load_a8_neon(const int8_t* ap, size_t p, size_t kfull, size_t kc) {
    if (p < kfull) return vld1_s8(ap);
    int8_t tail[8];
    ck_qgemm_s8_load_tail(tail, ap, kc - p);
    return vld1_s8(tail);
}

// 2x8c8: per row 8 int32x4 accumulators (one per channel, 4 partial sums each). Two K
// blocks are multiplied into one int16 lane pair (vmull + vmlal) before vpadal widens them:
// that is why the weights must avoid -128 (see ck_qgemm_s8_pack).
void ck_qgemm_s8_2x8c8__neon_mlal(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                                  const void* packed_w, int8_t* y, size_t y_stride,
                                  const ck_qgemm_s8_params* params) {
    const size_t kpad = ck_qgemm_s8_kpad(kc);
    const size_t kfull = kc / CK_QGEMM_S8_KR * CK_QGEMM_S8_KR;
    const uint8_t* block = (const uint8_t*)packed_w;
    for (size_t j0 = 0; j0 < nc; j0 += CK_QGEMM_S8_NR) {
        const size_t ncols = nc - j0 < CK_QGEMM_S8_NR ? nc - j0 : CK_QGEMM_S8_NR;
        const int8_t* w0 = (const int8_t*)(block + CK_QGEMM_S8_HEADER_BYTES);
        for (size_t r0 = 0; r0 < mr; r0 += 2) {
            const size_t rows = mr - r0 < 2 ? mr - r0 : 2;
            int32x4_t acc[2][8];
            for (size_t r = 0; r < 2; r++)
                for (size_t c = 0; c < 8; c++) acc[r][c] = vdupq_n_s32(0);
            const int8_t* wp = w0;
            size_t p = 0;
            for (; p + 2 * CK_QGEMM_S8_KR <= kpad; p += 2 * CK_QGEMM_S8_KR) {
                for (size_t r = 0; r < rows; r++) {
                    const int8_t* ap = a + (r0 + r) * a_stride + p;
                    const int8x8_t a0 = ck_load_a8_neon(ap, p, kfull, kc);
                    const int8x8_t a1 = ck_load_a8_neon(ap + 8, p + 8, kfull, kc);
                    for (size_t c = 0; c < 8; c++) {
                        int16x8_t prod = vmull_s8(a0, vld1_s8(wp + c * 8));
                        prod = vmlal_s8(prod, a1, vld1_s8(wp + 64 + c * 8));
                        acc[r][c] = vpadalq_s16(acc[r][c], prod);
                    }
                }
                wp += 2 * CK_QGEMM_S8_NR * CK_QGEMM_S8_KR;
            }
            if (p < kpad) {
                for (size_t r = 0; r < rows; r++) {
                    const int8x8_t a0 = ck_load_a8_neon(a + (r0 + r) * a_stride + p, p, kfull, kc);
                    for (size_t c = 0; c < 8; c++)
                        acc[r][c] = vpadalq_s16(acc[r][c], vmull_s8(a0, vld1_s8(wp + c * 8)));
                }
            }
            const int32x4_t bias_lo = vld1q_s32((const int32_t*)block);
            const int32x4_t bias_hi = vld1q_s32((const int32_t*)block + 4);
            for (size_t r = 0; r < rows; r++) {
                const int32x4_t lo = vpaddq_s32(vpaddq_s32(acc[r][0], acc[r][1]), vpaddq_s32(acc[r][2], acc[r][3]));
                const int32x4_t hi = vpaddq_s32(vpaddq_s32(acc[r][4], acc[r][5]), vpaddq_s32(acc[r][6], acc[r][7]));
                ck_store8_neon(vaddq_s32(lo, bias_lo), vaddq_s32(hi, bias_hi), block, y + (r0 + r) * y_stride + j0,
                               ncols, params);
            }
        }
        block += CK_QGEMM_S8_HEADER_BYTES + kpad * CK_QGEMM_S8_NR;
    }
}

// 4x8c8 with sdot: the 8 bytes of A are duplicated into both halves of a q register, so one
// vdotq against (channel c: 8 bytes, channel c+1: 8 bytes) yields [c lo, c hi, c+1 lo, c+1 hi].
CK_TARGET_DOTPROD void ck_qgemm_s8_4x8c8__neondot(size_t mr, size_t nc, size_t kc, const int8_t* a,
                                                  size_t a_stride, const void* packed_w, int8_t* y,
                                                  size_t y_stride, const ck_qgemm_s8_params* params) {
    const size_t kpad = ck_qgemm_s8_kpad(kc);
    const size_t kfull = kc / CK_QGEMM_S8_KR * CK_QGEMM_S8_KR;
    const uint8_t* block = (const uint8_t*)packed_w;
    for (size_t j0 = 0; j0 < nc; j0 += CK_QGEMM_S8_NR) {
        const size_t ncols = nc - j0 < CK_QGEMM_S8_NR ? nc - j0 : CK_QGEMM_S8_NR;
        const int8_t* w0 = (const int8_t*)(block + CK_QGEMM_S8_HEADER_BYTES);
        for (size_t r0 = 0; r0 < mr; r0 += 4) {
            const size_t rows = mr - r0 < 4 ? mr - r0 : 4;
            int32x4_t acc[4][4];
            for (size_t r = 0; r < 4; r++)
                for (size_t c = 0; c < 4; c++) acc[r][c] = vdupq_n_s32(0);
            const int8_t* wp = w0;
            for (size_t p = 0; p < kpad; p += CK_QGEMM_S8_KR) {
                const int8x16_t w01 = vld1q_s8(wp), w23 = vld1q_s8(wp + 16);
                const int8x16_t w45 = vld1q_s8(wp + 32), w67 = vld1q_s8(wp + 48);
                wp += CK_QGEMM_S8_NR * CK_QGEMM_S8_KR;
                for (size_t r = 0; r < rows; r++) {
                    const int8x8_t a8 = ck_load_a8_neon(a + (r0 + r) * a_stride + p, p, kfull, kc);
                    const int8x16_t av = vcombine_s8(a8, a8);
                    acc[r][0] = vdotq_s32(acc[r][0], w01, av);
                    acc[r][1] = vdotq_s32(acc[r][1], w23, av);
                    acc[r][2] = vdotq_s32(acc[r][2], w45, av);
                    acc[r][3] = vdotq_s32(acc[r][3], w67, av);
                }
            }
            const int32x4_t bias_lo = vld1q_s32((const int32_t*)block);
            const int32x4_t bias_hi = vld1q_s32((const int32_t*)block + 4);
            for (size_t r = 0; r < rows; r++) {
                const int32x4_t lo = vpaddq_s32(acc[r][0], acc[r][1]); // c0 c1 c2 c3
                const int32x4_t hi = vpaddq_s32(acc[r][2], acc[r][3]); // c4 c5 c6 c7
                ck_store8_neon(vaddq_s32(lo, bias_lo), vaddq_s32(hi, bias_hi), block, y + (r0 + r) * y_stride + j0,
                               ncols, params);
            }
        }
        block += CK_QGEMM_S8_HEADER_BYTES + kpad * CK_QGEMM_S8_NR;
    }
}

#endif

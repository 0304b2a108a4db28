// GEMM, scalar reference.
#include "ck_gemm.h"
#include "ck_internal.h"

static inline size_t ck_a_index(const ck_gemm_geometry* g, size_t i, size_t p) {
    return g->trans_a ? p * g->lda + i : i * g->lda + p;
}

static inline size_t ck_b_index(const ck_gemm_geometry* g, size_t p, size_t j) {
    return g->trans_b ? j * g->ldb + p : p * g->ldb + j;
}

void ck_gemm_f32__scalar(const ck_gemm_geometry* g, float alpha, const float* a, const float* b,
                         float beta, const float* c, size_t c_row_stride, size_t c_col_stride,
                         ck_clamp_f32 clamp, float* y) {
    for (size_t i = 0; i < g->m; i++)
        for (size_t j = 0; j < g->n; j++) {
            float acc = 0.0f;
            for (size_t p = 0; p < g->k; p++) acc += a[ck_a_index(g, i, p)] * b[ck_b_index(g, p, j)];
            float v = alpha * acc;
            if (c) v += beta * c[i * c_row_stride + j * c_col_stride];
            v = v < clamp.min ? clamp.min : v;
            y[i * g->ldy + j] = v > clamp.max ? clamp.max : v;
        }
}

typedef enum { CK_GOUT_S8, CK_GOUT_U8, CK_GOUT_S32, CK_GOUT_F32 } ck_gout;

static void ck_qgemm(const ck_gemm_geometry* g, const ck_qgemm_params* q, const void* a,
                     const void* b, const int32_t* bias, ck_gout out, void* y) {
    for (size_t i = 0; i < g->m; i++) {
        const int32_t azp = q->a_zero_point[i * q->a_zero_point_stride];
        for (size_t j = 0; j < g->n; j++) {
            const int32_t bzp = q->b.zero_point[j * q->b.zero_point_stride];
            int32_t acc = bias ? bias[j] : 0;
            for (size_t p = 0; p < g->k; p++)
                acc += (ck_load_q(a, ck_a_index(g, i, p), q->a_type) - azp) *
                       (ck_load_q(b, ck_b_index(g, p, j), q->b_type) - bzp);
            const size_t yi = i * g->ldy + j;
            if (out == CK_GOUT_S32) {
                ((int32_t*)y)[yi] = acc;
                continue;
            }
            const float scale = q->alpha * q->a_scale * q->b.scale[j * q->b.scale_stride];
            if (out == CK_GOUT_F32) {
                ((float*)y)[yi] = (float)acc * scale;
                continue;
            }
            const ck_qtype type = out == CK_GOUT_S8 ? CK_QTYPE_S8 : CK_QTYPE_U8;
            const int32_t lo = ck_max_i32(ck_qmin(type), q->clamp.min);
            const int32_t hi = ck_min_i32(ck_qmax(type), q->clamp.max);
            const int32_t v = ck_requant(acc, scale / q->y_scale, q->y_zero_point, lo, hi);
            if (out == CK_GOUT_S8)
                ((int8_t*)y)[yi] = (int8_t)v;
            else
                ((uint8_t*)y)[yi] = (uint8_t)v;
        }
    }
}

void ck_gemm_qs8__scalar(const ck_gemm_geometry* g, const ck_qgemm_params* q, const void* a,
                         const void* b, const int32_t* bias, int8_t* y) {
    ck_qgemm(g, q, a, b, bias, CK_GOUT_S8, y);
}

void ck_gemm_qu8__scalar(const ck_gemm_geometry* g, const ck_qgemm_params* q, const void* a,
                         const void* b, const int32_t* bias, uint8_t* y) {
    ck_qgemm(g, q, a, b, bias, CK_GOUT_U8, y);
}

void ck_gemm_qs32__scalar(const ck_gemm_geometry* g, const ck_qgemm_params* q, const void* a,
                          const void* b, const int32_t* bias, int32_t* y) {
    ck_qgemm(g, q, a, b, bias, CK_GOUT_S32, y);
}

void ck_gemm_qf32__scalar(const ck_gemm_geometry* g, const ck_qgemm_params* q, const void* a,
                          const void* b, const int32_t* bias, float* y) {
    ck_qgemm(g, q, a, b, bias, CK_GOUT_F32, y);
}

// Packing, the scalar microkernel on the packed format, and the GEMM driver.
#include "ck_qgemm_s8_internal.h"
#include "ck_internal.h"

size_t ck_qgemm_s8_packed_block_size(size_t k) {
    return CK_QGEMM_S8_HEADER_BYTES + ck_qgemm_s8_kpad(k) * CK_QGEMM_S8_NR;
}

size_t ck_qgemm_s8_packed_size(size_t n, size_t k) {
    return (n + CK_QGEMM_S8_NR - 1) / CK_QGEMM_S8_NR * ck_qgemm_s8_packed_block_size(k);
}

int ck_qgemm_s8_pack(size_t n, size_t k, const int8_t* w, size_t w_stride, const int32_t* bias,
                     int32_t a_zero_point, const float* multiplier, void* packed) {
    const size_t kpad = ck_qgemm_s8_kpad(k);
    const size_t block = ck_qgemm_s8_packed_block_size(k);
    int status = 0;
    memset(packed, 0, ck_qgemm_s8_packed_size(n, k));
    for (size_t j = 0; j < n; j++) {
        uint8_t* base = (uint8_t*)packed + (j / CK_QGEMM_S8_NR) * block;
        const size_t lane = j % CK_QGEMM_S8_NR;
        const int8_t* row = w + j * w_stride;
        int32_t colsum = 0;
        for (size_t p = 0; p < k; p++) {
            colsum += row[p];
            if (row[p] == INT8_MIN) status = -1;
            // [K8/8][NR][KR]
            int8_t* dst = (int8_t*)(base + CK_QGEMM_S8_HEADER_BYTES) +
                          (p / CK_QGEMM_S8_KR) * CK_QGEMM_S8_NR * CK_QGEMM_S8_KR + lane * CK_QGEMM_S8_KR +
                          p % CK_QGEMM_S8_KR;
            *dst = row[p];
        }
        const int32_t b = (bias ? bias[j] : 0) - a_zero_point * colsum;
        memcpy(base + lane * 4, &b, 4);
        memcpy(base + CK_QGEMM_S8_NR * 4 + lane * 4, &colsum, 4);
        memcpy(base + 2 * CK_QGEMM_S8_NR * 4 + lane * 4, &multiplier[j], 4);
    }
    (void)kpad;
    return status;
}

void ck_qgemm_s8_4x8c8__scalar(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                               const void* packed_w, int8_t* y, size_t y_stride,
                               const ck_qgemm_s8_params* params) {
    const size_t kpad = ck_qgemm_s8_kpad(kc);
    const uint8_t* block = (const uint8_t*)packed_w;
    for (size_t j0 = 0; j0 < nc; j0 += CK_QGEMM_S8_NR) {
        const int8_t* wp = (const int8_t*)(block + CK_QGEMM_S8_HEADER_BYTES);
        const size_t ncols = nc - j0 < CK_QGEMM_S8_NR ? nc - j0 : CK_QGEMM_S8_NR;
        for (size_t r = 0; r < mr; r++) {
            for (size_t lane = 0; lane < ncols; lane++) {
                int32_t acc, colsum;
                float mul;
                memcpy(&acc, block + lane * 4, 4);
                memcpy(&colsum, block + CK_QGEMM_S8_NR * 4 + lane * 4, 4);
                memcpy(&mul, block + 2 * CK_QGEMM_S8_NR * 4 + lane * 4, 4);
                (void)colsum;
                for (size_t p = 0; p < kc; p++)
                    acc += (int32_t)a[r * a_stride + p] *
                           wp[(p / CK_QGEMM_S8_KR) * CK_QGEMM_S8_NR * CK_QGEMM_S8_KR + lane * CK_QGEMM_S8_KR +
                              p % CK_QGEMM_S8_KR];
                y[r * y_stride + j0 + lane] =
                    (int8_t)ck_requant(acc, mul, params->y_zero_point, params->qmin, params->qmax);
            }
        }
        block += CK_QGEMM_S8_HEADER_BYTES + kpad * CK_QGEMM_S8_NR;
    }
}

void ck_qgemm_s8(const ck_qgemm_s8_config* config, size_t m, size_t n, size_t k, const int8_t* a,
                 size_t a_stride, const void* packed_w, int8_t* y, size_t y_stride,
                 const ck_qgemm_s8_params* params) {
    for (size_t i = 0; i < m; i += config->mr) {
        const size_t rows = m - i < config->mr ? m - i : config->mr;
        config->ukernel(rows, n, k, a + i * a_stride, a_stride, packed_w, y + i * y_stride, y_stride, params);
    }
}

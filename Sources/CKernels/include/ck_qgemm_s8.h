// Packed int8 GEMM microkernels (XNNPACK-style): y = requant(A (int8, M x K) * W^T + bias),
// W int8 symmetric per output channel (zero point 0, values in [-127, 127]), N x K.
//
// The weights are packed once (at model load) into blocks of NR = 8 output channels:
//   int32 bias'[8]   bias[n] - a_zero_point * colsum[n]  (input zero point folded in)
//   int32 colsum[8]  sum_k w[n][k]  (for kernels that offset A by +128, e.g. VNNI)
//   float mul[8]     requantization multiplier (x_scale * w_scale[n]) / y_scale
//   int8  w[K8/8][8][8]  K rounded up to K8 = multiple of KR = 8, zero padded ("c8")
// Columns past N in the last block are zero. Every microkernel of every ISA reads this one
// format, so packing is independent of the dispatch choice.
//
// Microkernels are named ck_qgemm_s8_<MR>x<NR>c<KR>__<isa>; they process up to MR rows and
// all `nc` columns, reading exactly `kc` bytes of each A row (never past it).
#ifndef CK_QGEMM_S8_H
#define CK_QGEMM_S8_H

#include "ck_common.h"
#include "ck_isa.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_QGEMM_S8_NR 8
#define CK_QGEMM_S8_KR 8

/// Output quantization; qmin/qmax already intersected with [-128, 127] and any fused activation.
typedef struct ck_qgemm_s8_params {
    int32_t y_zero_point;
    int32_t qmin;
    int32_t qmax;
} ck_qgemm_s8_params;

typedef void (*ck_qgemm_s8_ukernel_fn)(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                                       const void* packed_w, int8_t* y, size_t y_stride,
                                       const ck_qgemm_s8_params* params);

/// One dispatch-table entry.
typedef struct ck_qgemm_s8_config {
    const char* name; ///< microkernel name, e.g. "ck_qgemm_s8_4x8c8__avx2"
    ck_isa isa;
    size_t mr, nr, kr;
    ck_qgemm_s8_ukernel_fn ukernel;
} ck_qgemm_s8_config;

/// Bytes of one packed block of NR channels for depth k; block b starts at b * this.
size_t ck_qgemm_s8_packed_block_size(size_t k);
/// Bytes of the whole packed weight buffer.
size_t ck_qgemm_s8_packed_size(size_t n, size_t k);

/// Packs w [n][k] (row stride w_stride bytes). bias may be NULL. Returns 0, or -1 when a
/// weight is -128 (outside the symmetric range the NEON widening kernel relies on); the
/// caller then keeps the reference kernel for this layer.
int ck_qgemm_s8_pack(size_t n, size_t k, const int8_t* w, size_t w_stride, const int32_t* bias,
                     int32_t a_zero_point, const float* multiplier, void* packed);

/// The entry of `isa`, or NULL when that path is not available here.
const ck_qgemm_s8_config* ck_qgemm_s8_config_for(ck_isa isa);
/// The entry of ck_isa_selected().
const ck_qgemm_s8_config* ck_qgemm_s8_config_default(void);

/// Whole GEMM: tiles the rows by config->mr and calls the microkernel.
void ck_qgemm_s8(const ck_qgemm_s8_config* config, size_t m, size_t n, size_t k, const int8_t* a,
                 size_t a_stride, const void* packed_w, int8_t* y, size_t y_stride,
                 const ck_qgemm_s8_params* params);

// The microkernels (declared for tests and benchmarks; call through the config).
void ck_qgemm_s8_4x8c8__scalar(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                               const void* packed_w, int8_t* y, size_t y_stride,
                               const ck_qgemm_s8_params* params);
#if defined(__x86_64__)
void ck_qgemm_s8_4x8c8__avx2(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                             const void* packed_w, int8_t* y, size_t y_stride,
                             const ck_qgemm_s8_params* params);
void ck_qgemm_s8_4x8c8__avx512vnni(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                                   const void* packed_w, int8_t* y, size_t y_stride,
                                   const ck_qgemm_s8_params* params);
/// zmm form: one vpdpbusd per row and K block; up to 8 rows.
void ck_qgemm_s8_8x8c8__avx512vnni(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                                   const void* packed_w, int8_t* y, size_t y_stride,
                                   const ck_qgemm_s8_params* params);
/// Two column blocks per pass (16 channels): one A broadcast feeds two vpdpbusd. The dispatch entry.
void ck_qgemm_s8_8x16c8__avx512vnni(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                                    const void* packed_w, int8_t* y, size_t y_stride,
                                    const ck_qgemm_s8_params* params);
#endif
#if defined(__aarch64__)
void ck_qgemm_s8_2x8c8__neon_mlal(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                                  const void* packed_w, int8_t* y, size_t y_stride,
                                  const ck_qgemm_s8_params* params);
void ck_qgemm_s8_4x8c8__neondot(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                                const void* packed_w, int8_t* y, size_t y_stride,
                                const ck_qgemm_s8_params* params);
#endif

#ifdef __cplusplus
}
#endif

#endif

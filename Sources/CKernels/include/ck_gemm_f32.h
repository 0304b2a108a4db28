// Packed float32 GEMM, convolution (indirection buffer) and depthwise microkernels for the
// float path, XNNPACK-style: ck_<op>_f32_<MR>x<NR>__<isa> and ck_dwconv_f32_<taps>p8c__<isa>.
//
// GEMM weights are packed once into blocks of NR = 16 columns: float bias[16], then
// w[K][16] (columns past N zero). A microkernel computes up to MR rows and all `nc` columns:
//   y[i][j] = clamp(bias[j] + sum_k a[i][k] * w[j][k]).
// Results differ from the scalar reference only by summation order and fused multiply-add
// rounding (tested with a relative tolerance).
#ifndef CK_GEMM_F32_H
#define CK_GEMM_F32_H

#include "ck_conv.h"
#include "ck_isa.h"
#include "ck_threadpool.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_GEMM_F32_NR 16

typedef void (*ck_gemm_f32_ukernel_fn)(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                       const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp);

typedef struct ck_gemm_f32_config {
    const char* name; ///< e.g. "ck_gemm_f32_4x16__avx2"
    ck_isa isa;
    size_t mr, nr;
    ck_gemm_f32_ukernel_fn ukernel;
} ck_gemm_f32_config;

/// Floats of the packed buffer for N columns, depth K.
size_t ck_gemm_f32_packed_size(size_t n, size_t k);

/// Packs weights given as [n][k] (w_kn == 0: conv weights, Gemm with transB) or [k][n]
/// (w_kn != 0: MatMul / Gemm B), row stride w_stride floats. bias may be NULL.
void ck_gemm_f32_pack(size_t n, size_t k, const float* w, size_t w_stride, int w_kn, const float* bias,
                      float* packed);

/// The entry of `isa` (avx512vnni: the AVX-512 8x16 kernel; neondot: the neon one), or NULL.
const ck_gemm_f32_config* ck_gemm_f32_config_for(ck_isa isa);

/// Whole GEMM (strides in floats), rows split over the pool (NULL: serial).
void ck_gemm_f32_parallel(ck_threadpool* pool, const ck_gemm_f32_config* config, size_t m, size_t n, size_t k,
                          const float* a, size_t a_stride, const float* packed_w, float* y, size_t y_stride,
                          const ck_clamp_f32* clamp);

/// Indirection buffer of a float convolution (see ck_indirection_s8_init): pointers to the
/// first channel of each tap's input pixel, or to `zero` (in_c zeros) for padding taps.
void ck_indirection_f32_init(const ck_conv2d_geometry* g, const float* x, const float* zero, const float** ind);

/// Scratch floats one thread needs for ck_conv_f32_igemm: config->mr * taps * in_c.
size_t ck_conv_f32_igemm_scratch_size(const ck_gemm_f32_config* config, size_t taps, size_t in_c);

/// Dense convolution (groups 1) of output pixels [pixel_start, +pixel_count), weights
/// [out_c][kernel_h][kernel_w][in_c] packed with ck_gemm_f32_pack(out_c, taps * in_c, w, taps * in_c, 0, ...).
void ck_conv_f32_igemm(const ck_gemm_f32_config* config, size_t taps, size_t in_c, size_t out_c,
                       const float* const* ind, size_t pixel_start, size_t pixel_count, const float* packed_w,
                       float* y, size_t y_stride, float* scratch, const ck_clamp_f32* clamp);

/// All pixels over the pool; scratch holds ck_threadpool_threads(pool) scratch blocks.
void ck_conv_f32_igemm_parallel(ck_threadpool* pool, const ck_gemm_f32_config* config, size_t taps, size_t in_c,
                                size_t out_c, const float* const* ind, size_t pixels, const float* packed_w,
                                float* y, size_t y_stride, float* scratch, const ck_clamp_f32* clamp);

// MARK: ConvTranspose float32, groups 1: GEMM to per-tap columns, then a gather

/// Floats of the packed weights (N = taps * out_c columns, depth in_c).
size_t ck_deconv2d_f32_packed_size(const ck_conv2d_geometry* g);
/// Floats of the column buffer: batch * in_h * in_w * taps * out_c.
size_t ck_deconv2d_f32_col_size(const ck_conv2d_geometry* g);
/// Packs reference-layout weights [out_c][kernel_h][kernel_w][in_c]; `scratch` holds as many floats.
void ck_deconv2d_f32_pack(const ck_conv2d_geometry* g, const float* w, float* packed, float* scratch);
/// col [in pixels][taps][out_c] → y (NHWC) = clamp(bias + the taps reaching each output).
void ck_deconv2d_f32_gather(const ck_conv2d_geometry* g, const float* col, const float* bias, ck_clamp_f32 clamp,
                            float* y);
/// ConvTranspose (groups 1) of NHWC x into NHWC y: the GEMM over the pool, then the gather.
/// Equals ck_deconv2d_f32__scalar up to summation order.
void ck_deconv2d_f32_gemm(ck_threadpool* pool, const ck_gemm_f32_config* config, const ck_conv2d_geometry* g,
                          const float* x, const float* packed_w, float* col, const float* bias, ck_clamp_f32 clamp,
                          float* y);

// MARK: depthwise float32, multiplier 1, 8 channels per step

#define CK_DWCONV_F32_CR 8

/// Floats of the packed buffer: per block of 8 channels, bias[8] then w[taps][8].
size_t ck_dwconv_f32_packed_size(size_t channels, size_t taps);
/// Packs w [taps][channels]; bias may be NULL.
void ck_dwconv_f32_pack(size_t channels, size_t taps, const float* w, const float* bias, float* packed);

typedef void (*ck_dwconv_f32_ukernel_fn)(size_t pixels, size_t channels, const float* const* ind,
                                         const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp);

typedef struct ck_dwconv_f32_config {
    const char* name;
    ck_isa isa;
    size_t taps;
    ck_dwconv_f32_ukernel_fn ukernel;
} ck_dwconv_f32_config;

/// The microkernel for 9 or 25 taps on `isa`, or NULL.
const ck_dwconv_f32_config* ck_dwconv_f32_config_for(ck_isa isa, size_t taps);

void ck_dwconv_f32_parallel(ck_threadpool* pool, const ck_dwconv_f32_config* config, size_t pixels,
                            size_t channels, const float* const* ind, const float* packed_w, float* y,
                            size_t y_stride, const ck_clamp_f32* clamp);

void ck_gemm_f32_4x16__scalar(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                              const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp);
void ck_dwconv_f32_9p8c__scalar(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                                float* y, size_t y_stride, const ck_clamp_f32* clamp);
void ck_dwconv_f32_25p8c__scalar(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                                 float* y, size_t y_stride, const ck_clamp_f32* clamp);
#if defined(__x86_64__)
void ck_gemm_f32_4x16__avx2(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                            const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp);
void ck_gemm_f32_8x16__avx512(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                              const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp);
void ck_dwconv_f32_9p8c__avx2(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                              float* y, size_t y_stride, const ck_clamp_f32* clamp);
void ck_dwconv_f32_25p8c__avx2(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                               float* y, size_t y_stride, const ck_clamp_f32* clamp);
#endif
#if defined(__aarch64__)
void ck_gemm_f32_4x16__neon(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                            const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp);
void ck_dwconv_f32_9p8c__neon(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                              float* y, size_t y_stride, const ck_clamp_f32* clamp);
void ck_dwconv_f32_25p8c__neon(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                               float* y, size_t y_stride, const ck_clamp_f32* clamp);
#endif

#ifdef __cplusplus
}
#endif

#endif

// int8 convolution on the packed int8 GEMM microkernels (indirection buffer + per-tile gather)
// and specialised int8 depthwise microkernels (3x3 and 5x5, any stride / dilation / padding).
//
// Both read the input through an indirection buffer: one pointer per (output pixel, kernel
// tap) to the first channel of the input pixel that tap reads, or to a caller-provided zero
// buffer holding the input zero point for taps in the padding, so padded taps contribute
// (z - z) * w = 0 and no kernel branches on borders. It is built once per input address
// (in a static graph: once at load) and costs out_pixels * taps pointers instead of im2col's
// out_pixels * taps * in_c bytes. See docs/kernels.md for the measurement behind the choice.
//
// Weights are symmetric int8 per output channel, in [-127, 127], zero point folded into the
// bias at pack time (b' = b - x_zero_point * sum w); the requantization multiplier per
// channel is (x_scale * w_scale[c]) / y_scale in float32, as ONNX Runtime computes it.
#ifndef CK_QCONV_S8_H
#define CK_QCONV_S8_H

#include "ck_conv.h"
#include "ck_qgemm_s8.h"
#include "ck_threadpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Pointers in the indirection buffer: batch * out_h * out_w * kernel_h * kernel_w.
size_t ck_indirection_s8_count(const ck_conv2d_geometry* g);

/// Fills ind[pixel][tap] (pixel = (n * out_h + oh) * out_w + ow, tap = kh * kernel_w + kw)
/// with x + ((n * in_h + ih) * in_w + iw) * in_c, or `zero` for a padding tap. `zero` must
/// hold at least in_c bytes equal to the input zero point.
void ck_indirection_s8_init(const ck_conv2d_geometry* g, const int8_t* x, const int8_t* zero,
                            const int8_t** ind);

// MARK: convolution (groups == 1) as an indirect GEMM

/// Weights w [out_c][kernel_h][kernel_w][in_c] (ck_conv.h layout) are exactly GEMM weights
/// with N = out_c, K = kernel_h * kernel_w * in_c: pack them with ck_qgemm_s8_pack.
/// Scratch bytes one thread needs for ck_qconv_s8_igemm: config->mr rows of K (padded to KR).
size_t ck_qconv_s8_igemm_scratch_size(const ck_qgemm_s8_config* config, size_t taps, size_t in_c);

/// Output pixels [pixel_start, pixel_start + pixel_count): y + pixel * y_stride receives the
/// out_c channels. For each tile of config->mr pixels the tap rows are gathered into
/// `scratch` (L1-sized) and the GEMM microkernel of `config` runs over them.
/// A 1x1, stride-1, unpadded convolution needs no gather: call ck_qgemm_s8 on x directly.
void ck_qconv_s8_igemm(const ck_qgemm_s8_config* config, size_t taps, size_t in_c, size_t out_c,
                       const int8_t* const* ind, size_t pixel_start, size_t pixel_count, const void* packed_w,
                       int8_t* y, size_t y_stride, int8_t* scratch, const ck_qgemm_s8_params* params);

/// All `pixels` output pixels split over the pool in tiles of config->mr rows (several per
/// tile for large pools). `scratch` holds ck_threadpool_threads(pool) blocks of
/// ck_qconv_s8_igemm_scratch_size bytes. Bit-identical to the serial call for any pool.
void ck_qconv_s8_igemm_parallel(ck_threadpool* pool, const ck_qgemm_s8_config* config, size_t taps,
                                size_t in_c, size_t out_c, const int8_t* const* ind, size_t pixels,
                                const void* packed_w, int8_t* y, size_t y_stride, int8_t* scratch,
                                const ck_qgemm_s8_params* params);

// MARK: depthwise (multiplier 1), CR = 16 channels per vector step, "<taps>p16c"

#define CK_DWCONV_S8_CR 16

/// Packed layout per block of 16 channels: int32 bias'[16], float multiplier[16],
/// int8 w[taps][16] (channels past `channels` zero).
size_t ck_dwconv_s8_packed_size(size_t channels, size_t taps);

/// Packs w [taps][channels] (the ck_conv.h depthwise layout with kernel_h * kernel_w taps).
/// bias may be NULL. Returns -1 (still packed) when a weight is -128: the NEON kernel pairs
/// two products in int16 and needs the symmetric range; keep the reference kernel then.
int ck_dwconv_s8_pack(size_t channels, size_t taps, const int8_t* w, const int32_t* bias, int32_t x_zero_point,
                      const float* multiplier, void* packed);

/// `pixels` output pixels; pixel p reads the `taps` pointers ind[p * taps ...] and writes
/// `channels` int8 values at y + p * y_stride.
typedef void (*ck_dwconv_s8_ukernel_fn)(size_t pixels, size_t channels, const int8_t* const* ind,
                                        const void* packed_w, int8_t* y, size_t y_stride,
                                        const ck_qgemm_s8_params* params);

typedef struct ck_dwconv_s8_config {
    const char* name; ///< e.g. "ck_dwconv_s8_9p16c__avx2"
    ck_isa isa;
    size_t taps; ///< 9 (3x3) or 25 (5x5)
    ck_dwconv_s8_ukernel_fn ukernel;
} ck_dwconv_s8_config;

/// The microkernel for `taps` (9 or 25) on `isa`, or NULL (path unavailable, other size).
/// avx512vnni maps to the AVX-512 (BW) 32-channel kernel, neondot to neon_mlal: depthwise has
/// one product per output per tap, so vpdpbusd / sdot have nothing to sum (docs/kernels.md).
const ck_dwconv_s8_config* ck_dwconv_s8_config_for(ck_isa isa, size_t taps);

/// Rows of output pixels split over the pool; bit-identical to one ukernel call.
void ck_dwconv_s8_parallel(ck_threadpool* pool, const ck_dwconv_s8_config* config, size_t pixels, size_t channels,
                           const int8_t* const* ind, const void* packed_w, int8_t* y, size_t y_stride,
                           const ck_qgemm_s8_params* params);

void ck_dwconv_s8_9p16c__scalar(size_t pixels, size_t channels, const int8_t* const* ind, const void* packed_w,
                                int8_t* y, size_t y_stride, const ck_qgemm_s8_params* params);
void ck_dwconv_s8_25p16c__scalar(size_t pixels, size_t channels, const int8_t* const* ind, const void* packed_w,
                                 int8_t* y, size_t y_stride, const ck_qgemm_s8_params* params);
#if defined(__x86_64__)
void ck_dwconv_s8_9p16c__avx2(size_t pixels, size_t channels, const int8_t* const* ind, const void* packed_w,
                              int8_t* y, size_t y_stride, const ck_qgemm_s8_params* params);
void ck_dwconv_s8_25p16c__avx2(size_t pixels, size_t channels, const int8_t* const* ind, const void* packed_w,
                               int8_t* y, size_t y_stride, const ck_qgemm_s8_params* params);
/// AVX-512 BW: two packed 16-channel blocks per step (same packed format).
void ck_dwconv_s8_9p32c__avx512(size_t pixels, size_t channels, const int8_t* const* ind, const void* packed_w,
                                int8_t* y, size_t y_stride, const ck_qgemm_s8_params* params);
void ck_dwconv_s8_25p32c__avx512(size_t pixels, size_t channels, const int8_t* const* ind, const void* packed_w,
                                 int8_t* y, size_t y_stride, const ck_qgemm_s8_params* params);
#endif
#if defined(__aarch64__)
void ck_dwconv_s8_9p16c__neon_mlal(size_t pixels, size_t channels, const int8_t* const* ind,
                                   const void* packed_w, int8_t* y, size_t y_stride,
                                   const ck_qgemm_s8_params* params);
void ck_dwconv_s8_25p16c__neon_mlal(size_t pixels, size_t channels, const int8_t* const* ind,
                                    const void* packed_w, int8_t* y, size_t y_stride,
                                    const ck_qgemm_s8_params* params);
#endif

#ifdef __cplusplus
}
#endif

#endif

// Data movement: Pad (constant / reflect / edge) and Transpose, generic N-d, any element
// size (x8: 1 byte, x32: 4 bytes).
#ifndef CK_LAYOUT_H
#define CK_LAYOUT_H

#include "ck_common.h"
#include "ck_conv.h"
#include "ck_elementwise.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_pad_mode {
    CK_PAD_CONSTANT = 0,
    CK_PAD_REFLECT = 1, ///< mirror without repeating the edge; pads must be < dim
    CK_PAD_EDGE = 2,
} ck_pad_mode;

/// Output index o along dimension d reads input index o - pad_begin[d] (mapped by the
/// mode when outside [0, in_shape[d])). Negative pads crop. out_shape[d] =
/// in_shape[d] + pad_begin[d] + pad_end[d] is computed by the caller.
typedef struct ck_pad_params {
    size_t rank; ///< 1..CK_MAX_RANK
    size_t in_shape[CK_MAX_RANK];
    size_t out_shape[CK_MAX_RANK];
    ptrdiff_t pad_begin[CK_MAX_RANK];
    ck_pad_mode mode;
} ck_pad_params;

void ck_pad_x8__scalar(const ck_pad_params* p, const uint8_t* x, uint8_t value, uint8_t* y);
void ck_pad_x32__scalar(const ck_pad_params* p, const uint32_t* x, uint32_t value, uint32_t* y);

/// y has shape in_shape[perm[0]], ..., in_shape[perm[rank-1]] (ONNX Transpose).
void ck_transpose_x8__scalar(size_t rank, const size_t* in_shape, const size_t* perm,
                             const uint8_t* x, uint8_t* y);
void ck_transpose_x32__scalar(size_t rank, const size_t* in_shape, const size_t* perm,
                              const uint32_t* x, uint32_t* y);

/// im2col of an NHWC 8-bit tensor for the packed int8 GEMM (ck_im2col.c): col is
/// [batch·out_h·out_w] rows of `ldc` ≥ K = kernel_h·kernel_w·in_c bytes; padding taps get `zero`,
/// columns K..<ldc get 0; copied bytes are XORed with `flip`.
void ck_im2col_q8(const ck_conv2d_geometry* g, const uint8_t* x, uint8_t zero, uint8_t flip, size_t ldc,
                  uint8_t* col);

#ifdef __cplusplus
}
#endif

#endif

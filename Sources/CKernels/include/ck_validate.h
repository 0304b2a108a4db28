// Argument checks for the kernels, which themselves trust their inputs. The graph layer calls
// these once per node at load time and turns a non-NULL result into its error (naming the
// node); a geometry that passes cannot make a kernel read or write outside the tensors whose
// element counts the caller derived from the same geometry, divide by zero or overflow an
// int32 accumulator.
//
// Each returns NULL when valid, otherwise a static message that starts with the offending
// field's name, e.g. "groups: in_c is not a multiple of groups".
#ifndef CK_VALIDATE_H
#define CK_VALIDATE_H

#include "ck_conv.h"
#include "ck_elementwise.h"
#include "ck_gemm.h"
#include "ck_layout.h"
#include "ck_pool.h"
#include "ck_resize.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Largest element count of any tensor a kernel accepts (2^40): far above any edge model,
/// low enough that index arithmetic in size_t never wraps.
#define CK_MAX_ELEMENTS ((size_t)1 << 40)

/// Largest reduction depth of an 8-bit kernel: |x - z_x| and |w - z_w| are at most 255, so
/// depth * 255 * 255 plus a bias must stay below 2^31.
#define CK_MAX_QDEPTH ((size_t)32768)

/// conv2d and deconv2d; `quantized` adds the accumulator-depth limit.
const char* ck_conv2d_check(const ck_conv2d_geometry* g, int quantized);
const char* ck_dwconv2d_check(const ck_conv2d_geometry* g, int quantized);
const char* ck_pool2d_check(const ck_pool2d_geometry* g);
const char* ck_gemm_check(const ck_gemm_geometry* g, int quantized);
const char* ck_broadcast_check(const ck_broadcast* bc);
const char* ck_resize_check(const ck_resize_params* p);
const char* ck_pad_check(const ck_pad_params* p);
const char* ck_transpose_check(size_t rank, const size_t* in_shape, const size_t* perm);

#ifdef __cplusplus
}
#endif

#endif

// Argument checks: see ck_validate.h.
#include "ck_validate.h"

#include <math.h>

// Product of `count` sizes, or 0 with *ok = 0 when it exceeds CK_MAX_ELEMENTS.
static size_t ck_product(const size_t* sizes, size_t count, int* ok) {
    size_t total = 1;
    for (size_t i = 0; i < count; i++) {
        if (sizes[i] != 0 && total > CK_MAX_ELEMENTS / sizes[i]) {
            *ok = 0;
            return 0;
        }
        total *= sizes[i];
    }
    if (total > CK_MAX_ELEMENTS) *ok = 0;
    return total;
}

static const char* ck_conv_common(const ck_conv2d_geometry* g) {
    if (g->kernel_h == 0 || g->kernel_w == 0) return "kernel_shape: must be at least 1";
    if (g->stride_h == 0 || g->stride_w == 0) return "strides: must be at least 1";
    if (g->dilation_h == 0 || g->dilation_w == 0) return "dilations: must be at least 1";
    if (g->in_c == 0) return "in_c: must be at least 1";
    if (g->out_c == 0) return "out_c: must be at least 1";
    int ok = 1;
    const size_t in[] = {g->batch, g->in_h, g->in_w, g->in_c};
    const size_t out[] = {g->batch, g->out_h, g->out_w, g->out_c};
    const size_t taps[] = {g->kernel_h, g->kernel_w, g->stride_h, g->dilation_h, g->stride_w, g->dilation_w};
    ck_product(in, 4, &ok);
    if (!ok) return "input shape: too many elements";
    ck_product(out, 4, &ok);
    if (!ok) return "output shape: too many elements";
    ck_product(taps, 6, &ok);
    if (!ok) return "kernel_shape: too large with these strides and dilations";
    if (g->pad_top > CK_MAX_ELEMENTS || g->pad_left > CK_MAX_ELEMENTS) return "pads: too large";
    return NULL;
}

const char* ck_conv2d_check(const ck_conv2d_geometry* g, int quantized) {
    const char* error = ck_conv_common(g);
    if (error) return error;
    if (g->groups == 0) return "groups: must be at least 1";
    if (g->in_c % g->groups != 0) return "groups: in_c is not a multiple of groups";
    if (g->out_c % g->groups != 0) return "groups: out_c is not a multiple of groups";
    int ok = 1;
    const size_t w[] = {g->out_c, g->kernel_h, g->kernel_w, g->in_c / g->groups};
    ck_product(w, 4, &ok);
    if (!ok) return "weights: too many elements";
    if (quantized && g->kernel_h * g->kernel_w * (g->in_c / g->groups) > CK_MAX_QDEPTH)
        return "kernel_shape: reduction depth overflows the int32 accumulator";
    return NULL;
}

const char* ck_dwconv2d_check(const ck_conv2d_geometry* g, int quantized) {
    const char* error = ck_conv_common(g);
    if (error) return error;
    if (g->out_c % g->in_c != 0) return "out_c: not a multiple of in_c (depth multiplier)";
    if (quantized && g->kernel_h * g->kernel_w > CK_MAX_QDEPTH)
        return "kernel_shape: reduction depth overflows the int32 accumulator";
    return NULL;
}

const char* ck_pool2d_check(const ck_pool2d_geometry* g) {
    if (g->kernel_h == 0 || g->kernel_w == 0) return "kernel_shape: must be at least 1";
    if (g->stride_h == 0 || g->stride_w == 0) return "strides: must be at least 1";
    if (g->dilation_h == 0 || g->dilation_w == 0) return "dilations: must be at least 1";
    if (g->channels == 0) return "channels: must be at least 1";
    int ok = 1;
    const size_t in[] = {g->batch, g->in_h, g->in_w, g->channels};
    const size_t out[] = {g->batch, g->out_h, g->out_w, g->channels};
    const size_t taps[] = {g->kernel_h, g->kernel_w, g->stride_h, g->dilation_h, g->stride_w, g->dilation_w};
    ck_product(in, 4, &ok);
    if (!ok) return "input shape: too many elements";
    ck_product(out, 4, &ok);
    if (!ok) return "output shape: too many elements";
    ck_product(taps, 6, &ok);
    if (!ok) return "kernel_shape: too large with these strides and dilations";
    if (g->kernel_h * g->kernel_w > CK_MAX_QDEPTH) return "kernel_shape: window too large for an int32 sum";
    const size_t pads[] = {g->pad_top, g->pad_left, g->pad_bottom, g->pad_right};
    for (int i = 0; i < 4; i++)
        if (pads[i] > CK_MAX_ELEMENTS) return "pads: too large";
    return NULL;
}

const char* ck_gemm_check(const ck_gemm_geometry* g, int quantized) {
    if (g->lda < (g->trans_a ? g->m : g->k)) return "lda: smaller than the row length of A";
    if (g->ldb < (g->trans_b ? g->k : g->n)) return "ldb: smaller than the row length of B";
    if (g->ldy < g->n) return "ldy: smaller than n";
    int ok = 1;
    const size_t a[] = {g->trans_a ? g->k : g->m, g->lda};
    const size_t b[] = {g->trans_b ? g->n : g->k, g->ldb};
    const size_t y[] = {g->m, g->ldy};
    ck_product(a, 2, &ok);
    if (!ok) return "A: too many elements";
    ck_product(b, 2, &ok);
    if (!ok) return "B: too many elements";
    ck_product(y, 2, &ok);
    if (!ok) return "Y: too many elements";
    if (quantized && g->k > CK_MAX_QDEPTH) return "k: reduction depth overflows the int32 accumulator";
    return NULL;
}

const char* ck_broadcast_check(const ck_broadcast* bc) {
    if (bc->rank == 0 || bc->rank > CK_MAX_RANK) return "rank: must be 1...8";
    int ok = 1;
    ck_product(bc->shape, bc->rank, &ok);
    if (!ok) return "shape: too many elements";
    for (size_t d = 0; d < bc->rank; d++) {
        // An operand's stride may only be 0 (broadcast) or index within CK_MAX_ELEMENTS.
        if (bc->a_stride[d] > CK_MAX_ELEMENTS) return "a_stride: too large";
        if (bc->b_stride[d] > CK_MAX_ELEMENTS) return "b_stride: too large";
    }
    return NULL;
}

const char* ck_resize_check(const ck_resize_params* p) {
    if ((unsigned)p->coord > CK_RESIZE_TF_CROP_AND_RESIZE) return "coordinate_transformation_mode: unknown";
    if ((unsigned)p->nearest_mode > CK_NEAREST_CEIL) return "nearest_mode: unknown";
    if (p->channels == 0) return "channels: must be at least 1";
    if ((p->out_h > 0 && p->in_h == 0) || (p->out_w > 0 && p->in_w == 0)) return "input shape: empty spatial axis";
    if (!(p->scale_h > 0.0f) || !isfinite(p->scale_h)) return "scales: height scale must be finite and positive";
    if (!(p->scale_w > 0.0f) || !isfinite(p->scale_w)) return "scales: width scale must be finite and positive";
    if (p->coord == CK_RESIZE_TF_CROP_AND_RESIZE &&
        !(isfinite(p->roi_start_h) && isfinite(p->roi_end_h) && isfinite(p->roi_start_w) && isfinite(p->roi_end_w)))
        return "roi: must be finite";
    int ok = 1;
    const size_t in[] = {p->batch, p->in_h, p->in_w, p->channels};
    const size_t out[] = {p->batch, p->out_h, p->out_w, p->channels};
    ck_product(in, 4, &ok);
    if (!ok) return "input shape: too many elements";
    ck_product(out, 4, &ok);
    if (!ok) return "output shape: too many elements";
    return NULL;
}

const char* ck_pad_check(const ck_pad_params* p) {
    if (p->rank == 0 || p->rank > CK_MAX_RANK) return "rank: must be 1...8";
    if ((unsigned)p->mode > CK_PAD_EDGE) return "mode: unknown";
    int ok = 1;
    ck_product(p->in_shape, p->rank, &ok);
    if (!ok) return "input shape: too many elements";
    ck_product(p->out_shape, p->rank, &ok);
    if (!ok) return "output shape: too many elements";
    for (size_t d = 0; d < p->rank; d++) {
        if (p->pad_begin[d] > (ptrdiff_t)CK_MAX_ELEMENTS || p->pad_begin[d] < -(ptrdiff_t)CK_MAX_ELEMENTS)
            return "pads: too large";
        if (p->mode != CK_PAD_CONSTANT && p->in_shape[d] == 0 && p->out_shape[d] > 0)
            return "pads: reflect and edge need a non-empty axis";
    }
    return NULL;
}

const char* ck_transpose_check(size_t rank, const size_t* in_shape, const size_t* perm) {
    if (rank == 0 || rank > CK_MAX_RANK) return "rank: must be 1...8";
    int seen[CK_MAX_RANK] = {0};
    for (size_t d = 0; d < rank; d++) {
        if (perm[d] >= rank) return "perm: axis out of range";
        if (seen[perm[d]]++) return "perm: axis repeated";
    }
    int ok = 1;
    ck_product(in_shape, rank, &ok);
    if (!ok) return "shape: too many elements";
    return NULL;
}

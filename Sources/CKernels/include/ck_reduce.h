// Softmax and ReduceMean.
#ifndef CK_REDUCE_H
#define CK_REDUCE_H

#include "ck_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Softmax over the last (contiguous) axis of [rows][cols]: max subtracted before exp.
void ck_softmax_f32__scalar(size_t rows, size_t cols, const float* x, float* y);

/// ReduceMean viewed as [outer][reduce][inner] (the graph layer merges adjacent reduced axes
/// or transposes first): y[o][i] = mean over r of x[o][r][i].
void ck_reduce_mean_f32__scalar(size_t outer, size_t reduce, size_t inner, const float* x, float* y);

#ifdef __cplusplus
}
#endif

#endif

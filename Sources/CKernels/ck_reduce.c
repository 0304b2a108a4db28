// Softmax and ReduceMean, scalar reference.
#include "ck_reduce.h"

#include <math.h>

void ck_softmax_f32__scalar(size_t rows, size_t cols, const float* x, float* y) {
    for (size_t r = 0; r < rows; r++) {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        float max = -INFINITY;
        for (size_t c = 0; c < cols; c++) max = xr[c] > max ? xr[c] : max;
        float sum = 0.0f;
        for (size_t c = 0; c < cols; c++) {
            yr[c] = expf(xr[c] - max);
            sum += yr[c];
        }
        for (size_t c = 0; c < cols; c++) yr[c] /= sum;
    }
}

void ck_reduce_mean_f32__scalar(size_t outer, size_t reduce, size_t inner, const float* x, float* y) {
    for (size_t o = 0; o < outer; o++)
        for (size_t i = 0; i < inner; i++) {
            float acc = 0.0f;
            for (size_t r = 0; r < reduce; r++) acc += x[(o * reduce + r) * inner + i];
            y[o * inner + i] = acc / (float)reduce;
        }
}

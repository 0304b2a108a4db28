#include "CVision.h"

// Two-pass-free variance: accumulate sum and sum of squares of the Laplacian response in
// integers (|response| ≤ 1020, so 64-bit sums cannot overflow for any realistic frame).
double cv_laplacian_variance_u8(const uint8_t *src, size_t stride, size_t pixel_step, size_t width,
                                size_t height) {
    int64_t sum = 0;
    uint64_t sum_sq = 0;
    for (size_t y = 1; y + 1 < height; y++) {
        const uint8_t *up = src + (y - 1) * stride, *mid = src + y * stride, *down = src + (y + 1) * stride;
        for (size_t x = 1; x + 1 < width; x++) {
            const size_t i = x * pixel_step;
            const int32_t r = (int32_t)up[i] + down[i] + mid[i - pixel_step] + mid[i + pixel_step] - 4 * (int32_t)mid[i];
            sum += r;
            sum_sq += (uint64_t)((int64_t)r * r);
        }
    }
    const double n = (double)((width - 2) * (height - 2));
    const double mean = (double)sum / n;
    return (double)sum_sq / n - mean * mean;
}

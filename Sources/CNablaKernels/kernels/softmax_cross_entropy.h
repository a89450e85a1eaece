// One row of the softmax cross-entropy loss: the max, the exponentials, their sum, one pass each.

float KERNEL(nabla_softmax_cross_entropy_row_f32)(const float *scores, const float *shift, int64_t columns,
                                          int64_t target, float *probabilities) {
    // Shifted scores go into `probabilities` first, then are replaced by their exponentials.
    f32x8 maxima = splat_f32x8(-INFINITY);
    int64_t j = 0;
    for (; j + 8 <= columns; j += 8) {
        f32x8 value = load_f32x8(scores + j);
        if (shift) value = value - load_f32x8(shift + j);
        store_f32x8(probabilities + j, value);
        maxima = max_f32x8(maxima, value);
    }
    float maximum = -INFINITY;
    for (int lane = 0; lane < 8; lane++) maximum = maxima[lane] > maximum ? maxima[lane] : maximum;
    for (; j < columns; j++) {
        const float value = scores[j] - (shift ? shift[j] : 0.0f);
        probabilities[j] = value;
        maximum = value > maximum ? value : maximum;
    }
    const float targetValue = probabilities[target];
    const f32x8 top = splat_f32x8(maximum);
    f32x8 sums = splat_f32x8(0.0f);
    for (j = 0; j + 8 <= columns; j += 8) {
        const f32x8 e = exp_f32x8(load_f32x8(probabilities + j) - top);
        store_f32x8(probabilities + j, e);
        sums = sums + e;
    }
    float total = 0.0f;
    for (int lane = 0; lane < 8; lane++) total += sums[lane];
    for (; j < columns; j++) {
        const float e = exp_f32(probabilities[j] - maximum);
        probabilities[j] = e;
        total += e;
    }
    const f32x8 scale = splat_f32x8(1.0f / total);
    for (j = 0; j + 8 <= columns; j += 8) store_f32x8(probabilities + j, load_f32x8(probabilities + j) * scale);
    for (; j < columns; j++) probabilities[j] *= 1.0f / total;
    return maximum + logf(total) - targetValue;
}

double KERNEL(nabla_softmax_cross_entropy_row_f64)(const double *scores, const double *shift, int64_t columns,
                                           int64_t target, double *probabilities) {
    double maximum = -INFINITY;
    for (int64_t j = 0; j < columns; j++) {
        const double value = scores[j] - (shift ? shift[j] : 0.0);
        probabilities[j] = value;
        maximum = value > maximum ? value : maximum;
    }
    const double targetValue = probabilities[target];
    double total = 0.0;
    for (int64_t j = 0; j < columns; j++) {
        const double e = exp(probabilities[j] - maximum);
        probabilities[j] = e;
        total += e;
    }
    const double scale = 1.0 / total;
    for (int64_t j = 0; j < columns; j++) probabilities[j] *= scale;
    return maximum + log(total) - targetValue;
}

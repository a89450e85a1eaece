// The logistic sigmoid and tanh over arrays: the gates of a GRU.

// tanh(x) for 8 floats: for |x| < 0.5 its Taylor series to x¹⁷ (truncation below 10⁻⁹ relative);
// above, 1 − 2/(e^{2|x|} + 1) with the sign put back, which loses at most a bit to cancellation at
// |x| = 0.5 and tends to ±1 without overflow (e^{2|x|} = ∞ gives exactly ±1).
static inline f32x8 tanh_f32x8(f32x8 x) {
    i32x8 bits;
    memcpy(&bits, &x, sizeof bits);
    const i32x8 signBits = bits & INT32_MIN;
    const i32x8 absoluteBits = bits & INT32_MAX;
    f32x8 a;
    memcpy(&a, &absoluteBits, sizeof a);

    // Both branches work on |x|; the sign goes back on at the end (tanh is odd, tanh(−0) = −0).
    const f32x8 a2 = a * a;
    f32x8 p = splat_f32x8(6404582.0f / 10854718875.0f);
    p = p * a2 - splat_f32x8(929569.0f / 638512875.0f);
    p = p * a2 + splat_f32x8(21844.0f / 6081075.0f);
    p = p * a2 - splat_f32x8(1382.0f / 155925.0f);
    p = p * a2 + splat_f32x8(62.0f / 2835.0f);
    p = p * a2 - splat_f32x8(17.0f / 315.0f);
    p = p * a2 + splat_f32x8(2.0f / 15.0f);
    p = p * a2 - splat_f32x8(1.0f / 3.0f);
    const f32x8 series = a + a * a2 * p;
    const f32x8 large = splat_f32x8(1.0f) - splat_f32x8(2.0f) / (exp_f32x8(a + a) + splat_f32x8(1.0f));
    const f32x8 magnitude = select_f32x8(a < splat_f32x8(0.5f), series, large);
    i32x8 resultBits;
    memcpy(&resultBits, &magnitude, sizeof resultBits);
    resultBits = resultBits | signBits;
    f32x8 result;
    memcpy(&result, &resultBits, sizeof result);
    return select_f32x8(x != x, x, result);
}

// σ(x) = 1/(1 + e^{−x}) for 8 floats: 0 below about −88.7 (where e^{−x} overflows), 1 far above 0.
static inline f32x8 sigmoid_f32x8(f32x8 x) {
    return splat_f32x8(1.0f) / (splat_f32x8(1.0f) + exp_f32x8(-x));
}

void KERNEL(nabla_tanh_f32)(const float *x, int64_t count, float *result) {
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) store_f32x8(result + i, tanh_f32x8(load_f32x8(x + i)));
    if (i < count) {
        float in[8] = {0}, out[8];
        memcpy(in, x + i, (size_t)(count - i) * sizeof(float));
        store_f32x8(out, tanh_f32x8(load_f32x8(in)));
        memcpy(result + i, out, (size_t)(count - i) * sizeof(float));
    }
}

void KERNEL(nabla_sigmoid_f32)(const float *x, int64_t count, float *result) {
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) store_f32x8(result + i, sigmoid_f32x8(load_f32x8(x + i)));
    if (i < count) {
        float in[8] = {0}, out[8];
        memcpy(in, x + i, (size_t)(count - i) * sizeof(float));
        store_f32x8(out, sigmoid_f32x8(load_f32x8(in)));
        memcpy(result + i, out, (size_t)(count - i) * sizeof(float));
    }
}

void KERNEL(nabla_tanh_f64)(const double *x, int64_t count, double *result) {
    for (int64_t i = 0; i < count; i++) result[i] = tanh(x[i]);
}

void KERNEL(nabla_sigmoid_f64)(const double *x, int64_t count, double *result) {
    for (int64_t i = 0; i < count; i++) {
        if (x[i] >= 0) {
            result[i] = 1.0 / (1.0 + exp(-x[i]));
        } else {
            const double e = exp(x[i]);
            result[i] = e / (1.0 + e);
        }
    }
}

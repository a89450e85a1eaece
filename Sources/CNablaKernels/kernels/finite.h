// Finiteness checks over whole gradients: x − x is 0 for finite x and NaN for NaN and ±∞.

bool KERNEL(nabla_all_finite_f32)(const float *values, int64_t count) {
    f32x8 zeros = splat_f32x8(0.0f);
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const f32x8 v = load_f32x8(values + i);
        zeros = zeros + (v - v);
    }
    float tail = 0.0f;
    for (; i < count; i++) tail += values[i] - values[i];
    for (int lane = 0; lane < 8; lane++) tail += zeros[lane];
    return tail == 0.0f;
}

bool KERNEL(nabla_all_finite_f64)(const double *values, int64_t count) {
    f64x4 zeros = splat_f64x4(0.0);
    int64_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const f64x4 v = load_f64x4(values + i);
        zeros = zeros + (v - v);
    }
    double tail = 0.0;
    for (; i < count; i++) tail += values[i] - values[i];
    for (int lane = 0; lane < 4; lane++) tail += zeros[lane];
    return tail == 0.0;
}

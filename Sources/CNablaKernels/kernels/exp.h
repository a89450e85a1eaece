// e^x over an array with the vector routine of vector_support.h.

void KERNEL(nabla_exp_f32)(const float *x, int64_t count, float *result) {
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) store_f32x8(result + i, exp_f32x8(load_f32x8(x + i)));
    for (; i < count; i++) result[i] = exp_f32(x[i]);
}

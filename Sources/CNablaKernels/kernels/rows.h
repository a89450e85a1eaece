// Row gathers and scatter-adds: moving whole rows of a table, as lookups and sparse gradients do.

void KERNEL(nabla_gather_rows_f32)(const float *source, const int64_t *rows, int64_t count, int64_t width, float *target) {
    for (int64_t i = 0; i < count; i++) {
        prefetch_rows_ahead(source, (size_t)width * sizeof(float), rows, i, count, false);
        memcpy(target + i * width, source + rows[i] * width, (size_t)width * sizeof(float));
    }
}

void KERNEL(nabla_gather_rows_f64)(const double *source, const int64_t *rows, int64_t count, int64_t width, double *target) {
    for (int64_t i = 0; i < count; i++) {
        prefetch_rows_ahead(source, (size_t)width * sizeof(double), rows, i, count, false);
        memcpy(target + i * width, source + rows[i] * width, (size_t)width * sizeof(double));
    }
}

// The scatter-adds return whether every sum they wrote is finite: once a sum is NaN or ±∞, adding
// more rows keeps it so, so this says whether the finished rows are finite. A place written as
// `~p` (negative) marks the first row to land on row `p`: it is stored as `0 + row`, the sum a
// zeroed row would get, so rows that start a sum need not be zeroed beforehand.
bool KERNEL(nabla_scatter_add_rows_f32)(const float *source, const int32_t *places, int64_t count, int64_t width, float *target,
                                        int32_t first_place, int32_t end_place) {
    f32x8 check = splat_f32x8(0.0f);
    float tail_check = 0.0f;
    for (int64_t i = 0; i < count; i++) {
        const bool starts_sum = places[i] < 0;
        const int32_t place = starts_sum ? ~places[i] : places[i];
        if (place < first_place || place >= end_place) continue;
        const float *from = source + i * width;
        float *to = target + (int64_t)place * width;
        const f32x8 zero = splat_f32x8(0.0f);
        int64_t j = 0;
        for (; j + 8 <= width; j += 8) {
            const f32x8 sum = (starts_sum ? zero : load_f32x8(to + j)) + load_f32x8(from + j);
            store_f32x8(to + j, sum);
            check += sum - sum;
        }
        for (; j < width; j++) {
            to[j] = (starts_sum ? 0.0f : to[j]) + from[j];
            tail_check += to[j] - to[j];
        }
    }
    for (int lane = 0; lane < 8; lane++) tail_check += check[lane];
    return tail_check == 0.0f;
}

bool KERNEL(nabla_scatter_add_rows_f64)(const double *source, const int32_t *places, int64_t count, int64_t width,
                                        double *target, int32_t first_place, int32_t end_place) {
    f64x4 check = splat_f64x4(0.0);
    double tail_check = 0.0;
    for (int64_t i = 0; i < count; i++) {
        const bool starts_sum = places[i] < 0;
        const int32_t place = starts_sum ? ~places[i] : places[i];
        if (place < first_place || place >= end_place) continue;
        const double *from = source + i * width;
        double *to = target + (int64_t)place * width;
        const f64x4 zero = splat_f64x4(0.0);
        int64_t j = 0;
        for (; j + 4 <= width; j += 4) {
            const f64x4 sum = (starts_sum ? zero : load_f64x4(to + j)) + load_f64x4(from + j);
            store_f64x4(to + j, sum);
            check += sum - sum;
        }
        for (; j < width; j++) {
            to[j] = (starts_sum ? 0.0 : to[j]) + from[j];
            tail_check += to[j] - to[j];
        }
    }
    for (int lane = 0; lane < 4; lane++) tail_check += check[lane];
    return tail_check == 0.0;
}

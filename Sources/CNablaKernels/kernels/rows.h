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

void KERNEL(nabla_scatter_add_rows_f32)(const float *source, const int32_t *places, int64_t count, int64_t width, float *target,
                                        int32_t first_place, int32_t end_place) {
    for (int64_t i = 0; i < count; i++) {
        if (places[i] < first_place || places[i] >= end_place) continue;
        const float *from = source + i * width;
        float *to = target + (int64_t)places[i] * width;
        for (int64_t j = 0; j < width; j++) to[j] += from[j];
    }
}

void KERNEL(nabla_scatter_add_rows_f64)(const double *source, const int32_t *places, int64_t count, int64_t width, double *target,
                                        int32_t first_place, int32_t end_place) {
    for (int64_t i = 0; i < count; i++) {
        if (places[i] < first_place || places[i] >= end_place) continue;
        const double *from = source + i * width;
        double *to = target + (int64_t)places[i] * width;
        for (int64_t j = 0; j < width; j++) to[j] += from[j];
    }
}

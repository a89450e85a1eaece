// Adagrad with momentum over rows of a parameter. Each returns whether every weight it wrote is
// finite: w − w is 0 for a finite w and NaN for NaN and ±∞, and NaN survives the running sum.

bool KERNEL(nabla_adagrad_rows_f32)(const float *gradients, const int64_t *rows, int64_t count, int64_t width,
                            float *accumulators, float *velocities, float *weights,
                            float learning_rate, float momentum, float epsilon) {
    const f32x8 lr = splat_f32x8(learning_rate), mu = splat_f32x8(momentum), eps = splat_f32x8(epsilon);
    f32x8 check = splat_f32x8(0.0f);
    float tail_check = 0.0f;
    int64_t first = 0;
    if (rows && width == 1) {
        // One value per row (a bias): 8 rows at a time, their values gathered into lanes and
        // put back lane by lane (the rows are distinct), the arithmetic as in the loop below.
        for (; first + 8 <= count; first += 8) {
            f32x8 a, v, w;
            for (int lane = 0; lane < 8; lane++) {
                const int64_t row = rows[first + lane];
                a[lane] = accumulators[row];
                v[lane] = velocities[row];
                w[lane] = weights[row];
            }
            const f32x8 gradient = load_f32x8(gradients + first);
            const f32x8 accumulated = a + gradient * gradient;
            const f32x8 step = mu * v - lr * gradient / __builtin_elementwise_sqrt(accumulated + eps);
            const f32x8 weight = w + step;
            for (int lane = 0; lane < 8; lane++) {
                const int64_t row = rows[first + lane];
                accumulators[row] = accumulated[lane];
                velocities[row] = step[lane];
                weights[row] = weight[lane];
            }
            check += weight - weight;
        }
    }
    for (int64_t i = first; i < count; i++) {
        const int64_t row = rows ? rows[i] : i;
        if (rows) {
            // Rows are scattered over large tables: ask for their lines some rows early.
            const size_t row_bytes = (size_t)width * sizeof(float);
            prefetch_rows_ahead(accumulators, row_bytes, rows, i, count, true);
            prefetch_rows_ahead(velocities, row_bytes, rows, i, count, true);
            prefetch_rows_ahead(weights, row_bytes, rows, i, count, true);
        }
        const float *g = gradients + i * width;
        float *acc = accumulators + row * width, *v = velocities + row * width, *w = weights + row * width;
        int64_t j = 0;
        for (; j + 8 <= width; j += 8) {
            const f32x8 gradient = load_f32x8(g + j);
            const f32x8 accumulated = load_f32x8(acc + j) + gradient * gradient;
            const f32x8 step = mu * load_f32x8(v + j) - lr * gradient / __builtin_elementwise_sqrt(accumulated + eps);
            store_f32x8(acc + j, accumulated);
            store_f32x8(v + j, step);
            const f32x8 weight = load_f32x8(w + j) + step;
            store_f32x8(w + j, weight);
            check += weight - weight;
        }
        for (; j < width; j++) {
            const float accumulated = acc[j] + g[j] * g[j];
            const float step = momentum * v[j] - learning_rate * g[j] / __builtin_elementwise_sqrt(accumulated + epsilon);
            acc[j] = accumulated;
            v[j] = step;
            w[j] += step;
            tail_check += w[j] - w[j];
        }
    }
    for (int lane = 0; lane < 8; lane++) tail_check += check[lane];
    return tail_check == 0.0f;
}

bool KERNEL(nabla_adagrad_rows_f64)(const double *gradients, const int64_t *rows, int64_t count, int64_t width,
                            double *accumulators, double *velocities, double *weights,
                            double learning_rate, double momentum, double epsilon) {
    const f64x4 lr = splat_f64x4(learning_rate), mu = splat_f64x4(momentum), eps = splat_f64x4(epsilon);
    f64x4 check = splat_f64x4(0.0);
    double tail_check = 0.0;
    int64_t first = 0;
    if (rows && width == 1) {
        // One value per row (a bias): 4 rows at a time, their values gathered into lanes and
        // put back lane by lane (the rows are distinct), the arithmetic as in the loop below.
        for (; first + 4 <= count; first += 4) {
            f64x4 a, v, w;
            for (int lane = 0; lane < 4; lane++) {
                const int64_t row = rows[first + lane];
                a[lane] = accumulators[row];
                v[lane] = velocities[row];
                w[lane] = weights[row];
            }
            const f64x4 gradient = load_f64x4(gradients + first);
            const f64x4 accumulated = a + gradient * gradient;
            const f64x4 step = mu * v - lr * gradient / __builtin_elementwise_sqrt(accumulated + eps);
            const f64x4 weight = w + step;
            for (int lane = 0; lane < 4; lane++) {
                const int64_t row = rows[first + lane];
                accumulators[row] = accumulated[lane];
                velocities[row] = step[lane];
                weights[row] = weight[lane];
            }
            check += weight - weight;
        }
    }
    for (int64_t i = first; i < count; i++) {
        const int64_t row = rows ? rows[i] : i;
        if (rows) {
            const size_t row_bytes = (size_t)width * sizeof(double);
            prefetch_rows_ahead(accumulators, row_bytes, rows, i, count, true);
            prefetch_rows_ahead(velocities, row_bytes, rows, i, count, true);
            prefetch_rows_ahead(weights, row_bytes, rows, i, count, true);
        }
        const double *g = gradients + i * width;
        double *acc = accumulators + row * width, *v = velocities + row * width, *w = weights + row * width;
        int64_t j = 0;
        for (; j + 4 <= width; j += 4) {
            const f64x4 gradient = load_f64x4(g + j);
            const f64x4 accumulated = load_f64x4(acc + j) + gradient * gradient;
            const f64x4 step = mu * load_f64x4(v + j) - lr * gradient / __builtin_elementwise_sqrt(accumulated + eps);
            store_f64x4(acc + j, accumulated);
            store_f64x4(v + j, step);
            const f64x4 weight = load_f64x4(w + j) + step;
            store_f64x4(w + j, weight);
            check += weight - weight;
        }
        for (; j < width; j++) {
            const double accumulated = acc[j] + g[j] * g[j];
            const double step = momentum * v[j] - learning_rate * g[j] / __builtin_elementwise_sqrt(accumulated + epsilon);
            acc[j] = accumulated;
            v[j] = step;
            w[j] += step;
            tail_check += w[j] - w[j];
        }
    }
    for (int lane = 0; lane < 4; lane++) tail_check += check[lane];
    return tail_check == 0.0;
}

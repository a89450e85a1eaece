// The elementwise part of one GRU step in PyTorch's formulation, forward and backward, for a
// batch of rows of `size` cells; the products with the weights happen outside.
//
// Forward, from the input gates `x W_ihᵀ + b_ih` and hidden gates `h W_hhᵀ + b_hh` (rows of
// `3 · size`: reset, update, candidate):
//   r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r ⊙ h_n), h' = (1 − z) ⊙ n + z ⊙ h.
// Backward, from dh': dz = dh' ⊙ (h − n), dn = dh' ⊙ (1 − z), dh = dh' ⊙ z; then
//   da_n = dn ⊙ (1 − n²), da_z = dz ⊙ z ⊙ (1 − z), da_r = da_n ⊙ h_n ⊙ r ⊙ (1 − r).
// The input side receives [da_r, da_z, da_n] and the hidden side [da_r, da_z, da_n ⊙ r].
// Each value is computed in the order written, as the plain Swift loops they replace did.

void KERNEL(nabla_gru_step_f32)(const float *input_gates, const float *hidden_gates, const float *state,
                                int64_t batch, int64_t size, float *r, float *z, float *n, float *hidden_n,
                                float *output) {
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t j = 0; j < size; j++) {
            const int64_t gate = b * 3 * size + j, cell = b * size + j;
            r[cell] = input_gates[gate] + hidden_gates[gate];
            z[cell] = input_gates[gate + size] + hidden_gates[gate + size];
            hidden_n[cell] = hidden_gates[gate + 2 * size];
        }
    }
    // The nonlinearities run over the whole arrays, as their own kernels do.
    KERNEL(nabla_sigmoid_f32)(r, batch * size, r);
    KERNEL(nabla_sigmoid_f32)(z, batch * size, z);
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t j = 0; j < size; j++) {
            const int64_t cell = b * size + j;
            n[cell] = input_gates[b * 3 * size + 2 * size + j] + r[cell] * hidden_n[cell];
        }
    }
    KERNEL(nabla_tanh_f32)(n, batch * size, n);
    for (int64_t cell = 0; cell < batch * size; cell++) output[cell] = (1.0f - z[cell]) * n[cell] + z[cell] * state[cell];
}

void KERNEL(nabla_gru_step_f64)(const double *input_gates, const double *hidden_gates, const double *state,
                                int64_t batch, int64_t size, double *r, double *z, double *n, double *hidden_n,
                                double *output) {
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t j = 0; j < size; j++) {
            const int64_t gate = b * 3 * size + j, cell = b * size + j;
            r[cell] = input_gates[gate] + hidden_gates[gate];
            z[cell] = input_gates[gate + size] + hidden_gates[gate + size];
            hidden_n[cell] = hidden_gates[gate + 2 * size];
        }
    }
    KERNEL(nabla_sigmoid_f64)(r, batch * size, r);
    KERNEL(nabla_sigmoid_f64)(z, batch * size, z);
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t j = 0; j < size; j++) {
            const int64_t cell = b * size + j;
            n[cell] = input_gates[b * 3 * size + 2 * size + j] + r[cell] * hidden_n[cell];
        }
    }
    KERNEL(nabla_tanh_f64)(n, batch * size, n);
    for (int64_t cell = 0; cell < batch * size; cell++) output[cell] = (1.0 - z[cell]) * n[cell] + z[cell] * state[cell];
}

void KERNEL(nabla_gru_step_gradients_f32)(const float *upstream, const float *state, const float *r, const float *z,
                                          const float *n, const float *hidden_n, int64_t batch, int64_t size,
                                          float *input_side, float *hidden_side, float *state_gradient) {
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t j = 0; j < size; j++) {
            const int64_t gate = b * 3 * size + j, cell = b * size + j;
            const float g = upstream[cell];
            const float dz = g * (state[cell] - n[cell]);
            const float dn = g * (1.0f - z[cell]);
            state_gradient[cell] = g * z[cell];
            const float da_n = dn * (1.0f - n[cell] * n[cell]);
            const float da_z = dz * z[cell] * (1.0f - z[cell]);
            const float da_r = da_n * hidden_n[cell] * r[cell] * (1.0f - r[cell]);
            input_side[gate] = da_r;
            input_side[gate + size] = da_z;
            input_side[gate + 2 * size] = da_n;
            hidden_side[gate] = da_r;
            hidden_side[gate + size] = da_z;
            hidden_side[gate + 2 * size] = da_n * r[cell];
        }
    }
}

void KERNEL(nabla_gru_step_gradients_f64)(const double *upstream, const double *state, const double *r, const double *z,
                                          const double *n, const double *hidden_n, int64_t batch, int64_t size,
                                          double *input_side, double *hidden_side, double *state_gradient) {
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t j = 0; j < size; j++) {
            const int64_t gate = b * 3 * size + j, cell = b * size + j;
            const double g = upstream[cell];
            const double dz = g * (state[cell] - n[cell]);
            const double dn = g * (1.0 - z[cell]);
            state_gradient[cell] = g * z[cell];
            const double da_n = dn * (1.0 - n[cell] * n[cell]);
            const double da_z = dz * z[cell] * (1.0 - z[cell]);
            const double da_r = da_n * hidden_n[cell] * r[cell] * (1.0 - r[cell]);
            input_side[gate] = da_r;
            input_side[gate + size] = da_z;
            input_side[gate + 2 * size] = da_n;
            hidden_side[gate] = da_r;
            hidden_side[gate + size] = da_z;
            hidden_side[gate + 2 * size] = da_n * r[cell];
        }
    }
}

// The body of the GRU step kernels for one scalar type, included by gru.h once for `float` and
// once for `double`: GRU_SCALAR is the type and GRU_NAME(name) appends its suffix.

void KERNEL_OF(GRU_NAME(nabla_gru_step))(const GRU_SCALAR *input_gates, const GRU_SCALAR *hidden_gates,
                                         const GRU_SCALAR *state, int64_t batch, int64_t size, GRU_SCALAR *r,
                                         GRU_SCALAR *z, GRU_SCALAR *n, GRU_SCALAR *hidden_n, GRU_SCALAR *output) {
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t j = 0; j < size; j++) {
            const int64_t gate = b * 3 * size + j, cell = b * size + j;
            r[cell] = input_gates[gate] + hidden_gates[gate];
            z[cell] = input_gates[gate + size] + hidden_gates[gate + size];
            hidden_n[cell] = hidden_gates[gate + 2 * size];
        }
    }
    // The nonlinearities run over the whole arrays, as their own kernels do.
    KERNEL_OF(GRU_NAME(nabla_sigmoid))(r, batch * size, r);
    KERNEL_OF(GRU_NAME(nabla_sigmoid))(z, batch * size, z);
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t j = 0; j < size; j++) {
            const int64_t cell = b * size + j;
            n[cell] = input_gates[b * 3 * size + 2 * size + j] + r[cell] * hidden_n[cell];
        }
    }
    KERNEL_OF(GRU_NAME(nabla_tanh))(n, batch * size, n);
    for (int64_t cell = 0; cell < batch * size; cell++) {
        output[cell] = ((GRU_SCALAR)1 - z[cell]) * n[cell] + z[cell] * state[cell];
    }
}

void KERNEL_OF(GRU_NAME(nabla_gru_step_gradients))(const GRU_SCALAR *upstream, const GRU_SCALAR *state,
                                                   const GRU_SCALAR *r, const GRU_SCALAR *z, const GRU_SCALAR *n,
                                                   const GRU_SCALAR *hidden_n, int64_t batch, int64_t size,
                                                   GRU_SCALAR *input_side, GRU_SCALAR *hidden_side,
                                                   GRU_SCALAR *state_gradient) {
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t j = 0; j < size; j++) {
            const int64_t gate = b * 3 * size + j, cell = b * size + j;
            const GRU_SCALAR g = upstream[cell];
            const GRU_SCALAR dz = g * (state[cell] - n[cell]);
            const GRU_SCALAR dn = g * ((GRU_SCALAR)1 - z[cell]);
            state_gradient[cell] = g * z[cell];
            const GRU_SCALAR da_n = dn * ((GRU_SCALAR)1 - n[cell] * n[cell]);
            const GRU_SCALAR da_z = dz * z[cell] * ((GRU_SCALAR)1 - z[cell]);
            const GRU_SCALAR da_r = da_n * hidden_n[cell] * r[cell] * ((GRU_SCALAR)1 - r[cell]);
            input_side[gate] = da_r;
            input_side[gate + size] = da_z;
            input_side[gate + 2 * size] = da_n;
            hidden_side[gate] = da_r;
            hidden_side[gate + size] = da_z;
            hidden_side[gate + 2 * size] = da_n * r[cell];
        }
    }
}

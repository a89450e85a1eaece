// The elementwise part of one GRU step in PyTorch's formulation, forward and backward, for a
// batch of rows of `size` cells; the products with the weights happen outside.
//
// Forward, from the input gates `x W_ihᵀ + b_ih` and hidden gates `h W_hhᵀ + b_hh` (rows of
// `3 · size`: reset, update, candidate):
//   r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r ⊙ h_n), h' = (1 − z) ⊙ n + z ⊙ h.
// Backward, from dh': dz = dh' ⊙ (h − n), dn = dh' ⊙ (1 − z), dh = dh' ⊙ z; then
//   da_n = dn ⊙ (1 − n²), da_z = dz ⊙ z ⊙ (1 − z), da_r = da_n ⊙ h_n ⊙ r ⊙ (1 − r).
// The input side receives [da_r, da_z, da_n] and the hidden side [da_r, da_z, da_n ⊙ r].
// Each value is computed in the order written, as the plain Swift loops they replace did; the
// sigmoid and tanh are those of the array kernels, over the whole gate arrays.

// KERNEL pastes its argument, so a name built by GRU_NAME is expanded first through KERNEL_OF.
#define KERNEL_OF(name) KERNEL(name)

#define GRU_SCALAR float
#define GRU_NAME(name) name##_f32
#include "gru_step.h"
#undef GRU_SCALAR
#undef GRU_NAME

#define GRU_SCALAR double
#define GRU_NAME(name) name##_f64
#include "gru_step.h"
#undef GRU_SCALAR
#undef GRU_NAME

#undef KERNEL_OF

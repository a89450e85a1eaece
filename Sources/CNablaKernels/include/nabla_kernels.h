#ifndef NABLA_KERNELS_H
#define NABLA_KERNELS_H
// Nabla's vector kernels: the few inner loops of training that decide its speed, written so the
// C compiler emits vector instructions (AVX2 and FMA where the CPU has them, chosen at load time,
// SSE2 otherwise). Each has a plain Swift counterpart that tests compare it with; Nabla's Swift
// code calls them through `VectorKernels`.

#include <stdbool.h>
#include <stdint.h>

/// Adagrad with momentum on `count` rows of width `width`:
/// acc += g²; v = mu·v − lr·g/√(acc + eps); w += v.
/// Row `i` of `gradients` updates row `rows[i]` of `accumulators`, `velocities` and `weights`;
/// with `rows == NULL`, row `i` updates row `i`. Rows must be distinct.
bool nabla_adagrad_rows_f32(const float *gradients, const int64_t *rows, int64_t count, int64_t width,
                            float *accumulators, float *velocities, float *weights,
                            float learning_rate, float momentum, float epsilon);
bool nabla_adagrad_rows_f64(const double *gradients, const int64_t *rows, int64_t count, int64_t width,
                            double *accumulators, double *velocities, double *weights,
                            double learning_rate, double momentum, double epsilon);

/// Softmax of `scores − shift` over one row of `columns` values into `probabilities`; returns
/// the cross-entropy `−log softmax(scores − shift)[target]`. `shift` may be NULL (no shift).
float nabla_softmax_cross_entropy_row_f32(const float *scores, const float *shift, int64_t columns,
                                          int64_t target, float *probabilities);
double nabla_softmax_cross_entropy_row_f64(const double *scores, const double *shift, int64_t columns,
                                           int64_t target, double *probabilities);

/// `e^x` of `count` floats, to within 1 unit in the last place over the whole range (a test
/// checks every 1/512 from −110 to 95: underflow, subnormals, normals and overflow). It is the routine tanh, the sigmoid
/// and the softmax rows build on; this entry point exists so its accuracy can be tested alone.
void nabla_exp_f32(const float *x, int64_t count, float *result);

/// tanh and the logistic sigmoid 1/(1 + e^−x) of `count` values: for floats vectorised, within 2
/// units in the last place (tested); for doubles the C library's `tanh` and `exp`.
void nabla_tanh_f32(const float *x, int64_t count, float *result);
void nabla_tanh_f64(const double *x, int64_t count, double *result);
void nabla_sigmoid_f32(const float *x, int64_t count, float *result);
void nabla_sigmoid_f64(const double *x, int64_t count, double *result);

/// The elementwise part of a GRU step in PyTorch's formulation for `batch` rows of `size` cells:
/// from the input and hidden gates (rows of `3 · size`: reset, update, candidate) and the state,
/// the gates `r`, `z`, `n`, the hidden candidate part `hidden_n` and the new state `output`.
/// The sigmoid and tanh are those of `nabla_sigmoid_*` and `nabla_tanh_*` over whole arrays.
void nabla_gru_step_f32(const float *input_gates, const float *hidden_gates, const float *state, int64_t batch,
                        int64_t size, float *r, float *z, float *n, float *hidden_n, float *output);
void nabla_gru_step_f64(const double *input_gates, const double *hidden_gates, const double *state, int64_t batch,
                        int64_t size, double *r, double *z, double *n, double *hidden_n, double *output);

/// The backward of `nabla_gru_step_*` from the upstream gradient of the new state: the gradients
/// reaching the input gates (`input_side`) and the hidden gates (`hidden_side`), rows of
/// `3 · size`, and the part of the state's gradient that bypasses the hidden gates.
void nabla_gru_step_gradients_f32(const float *upstream, const float *state, const float *r, const float *z,
                                  const float *n, const float *hidden_n, int64_t batch, int64_t size,
                                  float *input_side, float *hidden_side, float *state_gradient);
void nabla_gru_step_gradients_f64(const double *upstream, const double *state, const double *r, const double *z,
                                  const double *n, const double *hidden_n, int64_t batch, int64_t size,
                                  double *input_side, double *hidden_side, double *state_gradient);

/// Whether all `count` values are finite (no NaN, no ±∞).
bool nabla_all_finite_f32(const float *values, int64_t count);
bool nabla_all_finite_f64(const double *values, int64_t count);

/// Adds rows of `width` values into `target`: row `i` of `source` (of `count`) into row `places[i]`,
/// for the rows whose place is in `first_place ..< end_place`, in increasing `i`. A place given as
/// `~p` (negative) starts row `p`'s sum: the row is stored as `0 + source row` instead of added to.
/// Returns whether every sum written is finite.
bool nabla_scatter_add_rows_f32(const float *source, const int32_t *places, int64_t count, int64_t width, float *target,
                                int32_t first_place, int32_t end_place);
bool nabla_scatter_add_rows_f64(const double *source, const int32_t *places, int64_t count, int64_t width, double *target,
                                int32_t first_place, int32_t end_place);

/// Copies `count` rows of `width` values: row `rows[i]` of `source` to row `i` of `target`.
void nabla_gather_rows_f32(const float *source, const int64_t *rows, int64_t count, int64_t width, float *target);
void nabla_gather_rows_f64(const double *source, const int64_t *rows, int64_t count, int64_t width, double *target);

/// An item table `W` (`items × width`) with a bias per item, quantized for
/// `nabla_int8_rank_bounds`: row `j` is `scales[j] · q_j` plus an error, with `q_j` 8-bit integers.
/// `weights` holds the `q_j` of 32 items at a time, 4 values of each item per 64-byte vector
/// (`[items / 32][chunks][32][4]`, zeros past the row's end); `sums[j]` is `Σ q_j`.
/// `norms[j]` bounds `‖w_j‖` from above, `error_norms[j]` bounds `‖w_j − scales[j] · q_j‖`,
/// `rounding[j]` is `ε · (norms[j] + error_norms[j])` and `bias_rounding[j]` is `ε · |b_j|`, with
/// `ε` large enough to cover the rounding of a `width`-term float dot product.
typedef struct {
    const int8_t *weights;
    const int32_t *sums;
    const float *scales, *biases, *norms, *error_norms, *rounding, *bias_rounding;
    int64_t items, chunks;
} nabla_int8_item_table;

/// Query rows `h` quantized the same way, as unsigned bytes `q + 128` with `q` in −127...127
/// for the AVX-512 VNNI variant, `q + 64` with `q` in −63...63 for the AVX2 one
/// (`[rows][chunks · 4]`), with each row's scale, a bound on `‖h − scale · q‖`
/// (`error_norms`), a bound on `‖scale · q‖` (`quantized_norms`), a bound on both `‖h‖` and
/// `‖scale · q‖` (`norm_bounds`), and the full-precision score of the row's target (`targets`).
typedef struct {
    const uint8_t *values;
    const float *scales, *error_norms, *quantized_norms, *norm_bounds, *targets;
} nabla_int8_queries;

/// The best variant of `nabla_int8_rank_bounds` this CPU runs: 2 for AVX-512 VNNI, 1 for AVX2,
/// 0 for none.
int nabla_int8_rank_bounds_variant(void);

/// For the `row_count` query rows from `first_row` (both multiples of 8), with the given variant
/// (one this CPU runs), sorts every item into
/// three: certainly scoring above the row's target, certainly below, or undecided. Item `j`'s
/// score is `h · w_j + b_j` computed in float, which differs from the 8-bit estimate
/// `scale · scales[j] · (q_h · q_j) + b_j` by at most `‖h − ĥ‖ ‖w_j‖ + ‖ĥ‖ ‖w_j − ŵ_j‖` plus
/// rounding. Writes each row's count of items certainly above to `higher[r]`, its number of
/// undecided items to `undecided_counts[r]`, and the first `capacity` of those items to
/// `undecided[r · capacity ...]`.
void nabla_int8_rank_bounds(int variant, const nabla_int8_item_table *table, const nabla_int8_queries *queries,
                            int64_t first_row, int64_t row_count,
                            int32_t *higher, int32_t *undecided_counts, int32_t *undecided, int64_t capacity);

/// A hint that the calling thread is spinning on a flag (x86's PAUSE, ARM's YIELD): the core
/// waits a few dozen cycles and no system call is made.
static inline void nabla_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}
#endif

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

/// Whether all `count` values are finite (no NaN, no ±∞).
bool nabla_all_finite_f32(const float *values, int64_t count);
bool nabla_all_finite_f64(const double *values, int64_t count);

/// Adds `count` rows of `width` values into `target`: row `i` of `source` into row `places[i]`.
void nabla_scatter_add_rows_f32(const float *source, const int32_t *places, int64_t count, int64_t width, float *target);
void nabla_scatter_add_rows_f64(const double *source, const int32_t *places, int64_t count, int64_t width, double *target);

/// Copies `count` rows of `width` values: row `rows[i]` of `source` to row `i` of `target`.
void nabla_gather_rows_f32(const float *source, const int64_t *rows, int64_t count, int64_t width, float *target);
void nabla_gather_rows_f64(const double *source, const int64_t *rows, int64_t count, int64_t width, double *target);

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

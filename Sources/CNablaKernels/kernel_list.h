#ifndef NABLA_KERNEL_LIST_H
#define NABLA_KERNEL_LIST_H
// The kernels as X-macro lists (return type, name, parameters, arguments), so that the variant
// declarations and the dispatching entry points are written once.

#include <stdbool.h>
#include <stdint.h>

#define NABLA_VOID_KERNELS(X)                                                                                        \
    X(nabla_exp_f32, (const float *x, int64_t count, float *result), (x, count, result))                             \
    X(nabla_tanh_f32, (const float *x, int64_t count, float *result), (x, count, result))                            \
    X(nabla_tanh_f64, (const double *x, int64_t count, double *result), (x, count, result))                          \
    X(nabla_sigmoid_f32, (const float *x, int64_t count, float *result), (x, count, result))                         \
    X(nabla_sigmoid_f64, (const double *x, int64_t count, double *result), (x, count, result))                       \
    X(nabla_gather_rows_f32, (const float *source, const int64_t *rows, int64_t count, int64_t width, float *target), \
      (source, rows, count, width, target))                                                                          \
    X(nabla_gather_rows_f64,                                                                                         \
      (const double *source, const int64_t *rows, int64_t count, int64_t width, double *target),                     \
      (source, rows, count, width, target))                                                                          \
    X(nabla_gru_step_f32,                                                                                            \
      (const float *input_gates, const float *hidden_gates, const float *state, int64_t batch, int64_t size,         \
       float *r, float *z, float *n, float *hidden_n, float *output),                                                \
      (input_gates, hidden_gates, state, batch, size, r, z, n, hidden_n, output))                                    \
    X(nabla_gru_step_f64,                                                                                            \
      (const double *input_gates, const double *hidden_gates, const double *state, int64_t batch, int64_t size,      \
       double *r, double *z, double *n, double *hidden_n, double *output),                                           \
      (input_gates, hidden_gates, state, batch, size, r, z, n, hidden_n, output))                                    \
    X(nabla_gru_step_gradients_f32,                                                                                  \
      (const float *upstream, const float *state, const float *r, const float *z, const float *n,                    \
       const float *hidden_n, int64_t batch, int64_t size, float *input_side, float *hidden_side,                    \
       float *state_gradient),                                                                                       \
      (upstream, state, r, z, n, hidden_n, batch, size, input_side, hidden_side, state_gradient))                    \
    X(nabla_gru_step_gradients_f64,                                                                                  \
      (const double *upstream, const double *state, const double *r, const double *z, const double *n,               \
       const double *hidden_n, int64_t batch, int64_t size, double *input_side, double *hidden_side,                 \
       double *state_gradient),                                                                                      \
      (upstream, state, r, z, n, hidden_n, batch, size, input_side, hidden_side, state_gradient))

#define NABLA_VALUE_KERNELS(X)                                                                                       \
    X(bool, nabla_adagrad_rows_f32,                                                                                  \
      (const float *g, const int64_t *rows, int64_t count, int64_t width, float *acc, float *vel, float *w, float lr, \
       float mu, float eps),                                                                                         \
      (g, rows, count, width, acc, vel, w, lr, mu, eps))                                                             \
    X(bool, nabla_adagrad_rows_f64,                                                                                  \
      (const double *g, const int64_t *rows, int64_t count, int64_t width, double *acc, double *vel, double *w,      \
       double lr, double mu, double eps),                                                                            \
      (g, rows, count, width, acc, vel, w, lr, mu, eps))                                                             \
    X(float, nabla_softmax_cross_entropy_row_f32,                                                                    \
      (const float *scores, const float *shift, int64_t columns, int64_t target, float *probabilities),              \
      (scores, shift, columns, target, probabilities))                                                               \
    X(double, nabla_softmax_cross_entropy_row_f64,                                                                   \
      (const double *scores, const double *shift, int64_t columns, int64_t target, double *probabilities),           \
      (scores, shift, columns, target, probabilities))                                                               \
    X(bool, nabla_all_finite_f32, (const float *values, int64_t count), (values, count))                             \
    X(bool, nabla_all_finite_f64, (const double *values, int64_t count), (values, count))                            \
    X(bool, nabla_scatter_add_rows_f32,                                                                              \
      (const float *source, const int32_t *places, int64_t count, int64_t width, float *target,                      \
       int32_t first_place, int32_t end_place),                                                                      \
      (source, places, count, width, target, first_place, end_place))                                                \
    X(bool, nabla_scatter_add_rows_f64,                                                                              \
      (const double *source, const int32_t *places, int64_t count, int64_t width, double *target,                    \
       int32_t first_place, int32_t end_place),                                                                      \
      (source, places, count, width, target, first_place, end_place))

#if defined(__x86_64__)
#define NABLA_HAS_AVX2_VARIANT 1
#else
#define NABLA_HAS_AVX2_VARIANT 0
#endif

#endif

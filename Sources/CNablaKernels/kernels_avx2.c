// The kernels for x86-64 CPUs with AVX2 and FMA: the same source, compiled for 256-bit vectors.
#include "kernel_list.h"
#if NABLA_HAS_AVX2_VARIANT
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define KERNEL(name) name##_avx2
#include "kernels/all_kernels.h"
#pragma clang attribute pop
#endif

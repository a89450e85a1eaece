// The public entry points: each calls the AVX2 variant when the CPU has AVX2 and FMA, else the
// baseline one. The CPU is asked once.
#include "nabla_kernels.h"
#include "kernel_list.h"

#define DECLARE_VOID(name, parameters, arguments) void name##_baseline parameters; void name##_avx2 parameters;
#define DECLARE_VALUE(type, name, parameters, arguments) type name##_baseline parameters; type name##_avx2 parameters;
NABLA_VOID_KERNELS(DECLARE_VOID)
NABLA_VALUE_KERNELS(DECLARE_VALUE)

#if NABLA_HAS_AVX2_VARIANT
static bool use_avx2_variant(void) {
    // 0: not asked yet, 1: no, 2: yes. Racing first calls store the same answer.
    static int answer = 0;
    int known = __atomic_load_n(&answer, __ATOMIC_RELAXED);
    if (known == 0) {
        __builtin_cpu_init();
        known = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 2 : 1;
        __atomic_store_n(&answer, known, __ATOMIC_RELAXED);
    }
    return known == 2;
}
#endif

#if NABLA_HAS_AVX2_VARIANT
#define DEFINE_VOID(name, parameters, arguments)                                                                      \
    void name parameters {                                                                                           \
        if (use_avx2_variant()) name##_avx2 arguments;                                                               \
        else name##_baseline arguments;                                                                              \
    }
#define DEFINE_VALUE(type, name, parameters, arguments)                                                               \
    type name parameters { return use_avx2_variant() ? name##_avx2 arguments : name##_baseline arguments; }
#else
#define DEFINE_VOID(name, parameters, arguments) void name parameters { name##_baseline arguments; }
#define DEFINE_VALUE(type, name, parameters, arguments) type name parameters { return name##_baseline arguments; }
#endif
NABLA_VOID_KERNELS(DEFINE_VOID)
NABLA_VALUE_KERNELS(DEFINE_VALUE)

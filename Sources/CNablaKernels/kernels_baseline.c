// The kernels for any CPU of the target architecture (SSE2 on x86-64, NEON on ARM64).
#define KERNEL(name) name##_baseline
#include "kernels/all_kernels.h"

#ifndef NABLA_VECTOR_SUPPORT_H
#define NABLA_VECTOR_SUPPORT_H
// Shared by the kernel files: 8-lane vector types, unaligned loads and stores, a vector e^x, and
// the attribute that compiles a function twice (AVX2+FMA and baseline) and picks one at load time.

// The helpers below pass 32-byte vectors by value; they are always inlined, so the ABI
// difference clang warns about (with and without AVX) never reaches a call.
#pragma clang diagnostic ignored "-Wpsabi"

// No fused multiply-adds: the AVX2 and the baseline versions, and the plain Swift loops the
// kernels are tested against, then round every operation the same way.
#pragma clang fp contract(off)

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef float f32x8 __attribute__((vector_size(32)));
typedef double f64x4 __attribute__((vector_size(32)));
typedef int32_t i32x8 __attribute__((vector_size(32)));

static inline f32x8 load_f32x8(const float *p) { f32x8 v; memcpy(&v, p, sizeof v); return v; }
static inline void store_f32x8(float *p, f32x8 v) { memcpy(p, &v, sizeof v); }
static inline f64x4 load_f64x4(const double *p) { f64x4 v; memcpy(&v, p, sizeof v); return v; }
static inline void store_f64x4(double *p, f64x4 v) { memcpy(p, &v, sizeof v); }
/// How many rows ahead the row kernels ask for a scattered row, in two steps: into the
/// second-level cache `ROW_PREFETCH_FAR` rows early, time enough for its lines to arrive from
/// memory, then into the first-level cache `ROW_PREFETCH_NEAR` rows early, near enough for them to
/// stay there. (Asked for once, 8 rows early and into the first-level cache, the rows of the
/// Adagrad update still came late: it took 1.7 times as long inside a training step.)
#define ROW_PREFETCH_FAR 16
#define ROW_PREFETCH_NEAR 3

/// Asks for the rows of `table` (rows of `row_bytes` bytes) that the row at position `i` of `rows`
/// will need soon, to be read or written: `rows[i + ROW_PREFETCH_FAR]` into the second-level
/// cache and `rows[i + ROW_PREFETCH_NEAR]` into the first-level one, every cache line of each.
static inline void prefetch_rows_ahead(const void *table, size_t row_bytes, const int64_t *rows, int64_t i, int64_t count,
                                       bool for_writing) {
    if (i + ROW_PREFETCH_FAR < count) {
        const char *row = (const char *)table + (size_t)rows[i + ROW_PREFETCH_FAR] * row_bytes;
        for (size_t offset = 0; offset < row_bytes; offset += 64) {
            if (for_writing) __builtin_prefetch(row + offset, 1, 2);
            else __builtin_prefetch(row + offset, 0, 2);
        }
    }
    if (i + ROW_PREFETCH_NEAR < count) {
        const char *row = (const char *)table + (size_t)rows[i + ROW_PREFETCH_NEAR] * row_bytes;
        for (size_t offset = 0; offset < row_bytes; offset += 64) {
            if (for_writing) __builtin_prefetch(row + offset, 1, 3);
            else __builtin_prefetch(row + offset, 0, 3);
        }
    }
}
static inline f32x8 splat_f32x8(float x) { return (f32x8){x, x, x, x, x, x, x, x}; }
static inline f64x4 splat_f64x4(double x) { return (f64x4){x, x, x, x}; }

/// Lane by lane: `a` where `mask` is set (all ones), else `b`.
static inline f32x8 select_f32x8(i32x8 mask, f32x8 a, f32x8 b) {
    i32x8 aBits, bBits;
    memcpy(&aBits, &a, sizeof a);
    memcpy(&bBits, &b, sizeof b);
    i32x8 bits = (aBits & mask) | (bBits & ~mask);
    f32x8 result;
    memcpy(&result, &bits, sizeof result);
    return result;
}

static inline f32x8 max_f32x8(f32x8 a, f32x8 b) { return select_f32x8(a > b, a, b); }

/// e^x for 8 floats: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln2), e^r by its Taylor
/// series to r⁷ (truncation error below 6·10⁻⁹ relative, under a tenth of a float's ulp), times 2ⁿ
/// applied as 2^⌊n/2⌋ · 2^⌈n/2⌉ so that results near the bottom of the range become subnormals
/// correctly. Below −103.98 the result is 0, above 88.73 it is +∞, and NaN stays NaN.
static inline f32x8 exp_f32x8(f32x8 x) {
    const f32x8 upper = splat_f32x8(88.7228394f), lower = splat_f32x8(-103.972084f);
    f32x8 clamped = select_f32x8(x > upper, upper, x);
    clamped = select_f32x8(clamped < lower, lower, clamped);
    // Round to nearest by adding and subtracting 1.5·2²³ (exact for |value| < 2²²).
    const f32x8 shifter = splat_f32x8(12582912.0f);
    f32x8 n = (clamped * splat_f32x8(1.44269504088896341f) + shifter) - shifter;
    f32x8 r = clamped - n * splat_f32x8(0.693359375f);
    r = r - n * splat_f32x8(-2.12194440e-4f);
    f32x8 p = splat_f32x8(1.0f / 5040.0f);
    p = p * r + splat_f32x8(1.0f / 720.0f);
    p = p * r + splat_f32x8(1.0f / 120.0f);
    p = p * r + splat_f32x8(1.0f / 24.0f);
    p = p * r + splat_f32x8(1.0f / 6.0f);
    p = p * r + splat_f32x8(0.5f);
    p = p * r + splat_f32x8(1.0f);
    p = p * r + splat_f32x8(1.0f);
    i32x8 whole = __builtin_convertvector(n, i32x8);
    i32x8 half = whole >> 1, rest = whole - half;
    i32x8 halfBits = (half + 127) << 23, restBits = (rest + 127) << 23;
    f32x8 halfScale, restScale;
    memcpy(&halfScale, &halfBits, sizeof halfScale);
    memcpy(&restScale, &restBits, sizeof restScale);
    f32x8 result = (p * halfScale) * restScale;
    const f32x8 zero = splat_f32x8(0.0f), infinity = splat_f32x8(INFINITY);
    result = select_f32x8(x < lower, zero, result);
    result = select_f32x8(x > upper, infinity, result);
    return select_f32x8(x != x, x, result);
}

/// e^x for one float through the vector routine, so tails agree with the vector body.
static inline float exp_f32(float x) {
    f32x8 v = splat_f32x8(x);
    return exp_f32x8(v)[0];
}

#endif

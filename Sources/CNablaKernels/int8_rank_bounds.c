// Bounds on every item's score from 8-bit products, for ranking a target among all items
// without computing each score in full precision. Only for CPUs with AVX-512 VNNI, whose
// `vpdpbusd` does 64 byte multiply-adds in one instruction; `nabla_has_int8_rank_bounds` says
// whether this one has it.
#include "nabla_kernels.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

bool nabla_has_int8_rank_bounds(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
}

#define ROWS_PER_BLOCK 8

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
void nabla_int8_rank_bounds(const nabla_int8_item_table *table, const nabla_int8_queries *queries,
                            int64_t first_row, int64_t row_count,
                            int32_t *higher, int32_t *undecided_counts, int32_t *undecided, int64_t capacity) {
    const int64_t chunks = table->chunks, groups = (table->items + 31) / 32;
    for (int64_t r = 0; r < row_count; r++) {
        higher[r] = 0;
        undecided_counts[r] = 0;
    }
    const __m512i lane_numbers = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int64_t group = 0; group < groups; group++) {
        // 32 items: 4 bytes of each item's row per 64-byte vector, two vectors per chunk.
        const int8_t *weights = table->weights + group * chunks * 128;
        for (int64_t block = 0; block < row_count; block += ROWS_PER_BLOCK) {
            __m512i sums[ROWS_PER_BLOCK][2];
            for (int i = 0; i < ROWS_PER_BLOCK; i++) sums[i][0] = sums[i][1] = _mm512_setzero_si512();
            const uint8_t *values = queries->values + (first_row + block) * chunks * 4;
            for (int64_t chunk = 0; chunk < chunks; chunk++) {
                const __m512i low = _mm512_loadu_si512(weights + chunk * 128);
                const __m512i high = _mm512_loadu_si512(weights + chunk * 128 + 64);
                for (int i = 0; i < ROWS_PER_BLOCK; i++) {
                    int32_t four;
                    memcpy(&four, values + (i * chunks + chunk) * 4, 4);
                    const __m512i query = _mm512_set1_epi32(four);
                    sums[i][0] = _mm512_dpbusd_epi32(sums[i][0], query, low);
                    sums[i][1] = _mm512_dpbusd_epi32(sums[i][1], query, high);
                }
            }
            for (int half = 0; half < 2; half++) {
                const int64_t first_item = group * 32 + half * 16;
                if (first_item >= table->items) break;
                const int64_t left = table->items - first_item;
                const __mmask16 valid = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
                const __m512i offsets = _mm512_loadu_si512(table->offsets + first_item);
                const __m512 scales = _mm512_loadu_ps(table->scales + first_item);
                const __m512 biases = _mm512_loadu_ps(table->biases + first_item);
                const __m512 norms = _mm512_loadu_ps(table->norms + first_item);
                const __m512 error_norms = _mm512_loadu_ps(table->error_norms + first_item);
                const __m512 rounding = _mm512_loadu_ps(table->rounding + first_item);
                const __m512 bias_rounding = _mm512_loadu_ps(table->bias_rounding + first_item);
                for (int i = 0; i < ROWS_PER_BLOCK; i++) {
                    const int64_t row = first_row + block + i, out = block + i;
                    // The exact integer product of the two quantized rows, then the score it stands for.
                    const __m512 product = _mm512_cvtepi32_ps(_mm512_sub_epi32(sums[i][half], offsets));
                    const __m512 scale = _mm512_mul_ps(scales, _mm512_set1_ps(queries->scales[row]));
                    const __m512 approximate = _mm512_add_ps(_mm512_mul_ps(product, scale), biases);
                    // How far the full-precision score can be from it (see nabla_int8_item_table).
                    const __m512 margin = _mm512_add_ps(
                        _mm512_add_ps(_mm512_mul_ps(norms, _mm512_set1_ps(queries->error_norms[row])),
                                      _mm512_mul_ps(error_norms, _mm512_set1_ps(queries->quantized_norms[row]))),
                        _mm512_add_ps(_mm512_mul_ps(rounding, _mm512_set1_ps(queries->norm_bounds[row])), bias_rounding));
                    const __m512 target = _mm512_set1_ps(queries->targets[row]);
                    const __mmask16 above = _mm512_mask_cmp_ps_mask(valid, _mm512_sub_ps(approximate, margin), target, _CMP_GT_OQ);
                    const __mmask16 below = _mm512_cmp_ps_mask(_mm512_add_ps(approximate, margin), target, _CMP_LT_OQ);
                    const __mmask16 open = valid & (__mmask16)~above & (__mmask16)~below;
                    higher[out] += __builtin_popcount(above);
                    if (open) {
                        const int32_t count = undecided_counts[out], added = __builtin_popcount(open);
                        if (count + added <= capacity) {
                            _mm512_mask_compressstoreu_epi32(undecided + out * capacity + count, open,
                                                             _mm512_add_epi32(lane_numbers, _mm512_set1_epi32((int32_t)first_item)));
                        }
                        undecided_counts[out] = count + added;
                    }
                }
            }
        }
    }
}

#else

bool nabla_has_int8_rank_bounds(void) { return false; }

void nabla_int8_rank_bounds(const nabla_int8_item_table *table, const nabla_int8_queries *queries,
                            int64_t first_row, int64_t row_count,
                            int32_t *higher, int32_t *undecided_counts, int32_t *undecided, int64_t capacity) {
    __builtin_trap();
}

#endif

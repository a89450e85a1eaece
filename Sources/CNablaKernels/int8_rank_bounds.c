// Bounds on every item's score from 8-bit products, for ranking a target among all items
// without computing each score in full precision. Two variants: AVX-512 VNNI, whose `vpdpbusd`
// does 64 byte multiply-adds in one instruction, and AVX2, whose `vpmaddubsw`, `vpmaddwd` and
// `vpaddd` do 32 in three (the query bytes then stay below 128, so that `vpmaddubsw`'s sums of
// two products cannot saturate). `nabla_int8_rank_bounds_variant` says which this CPU runs.
#include "nabla_kernels.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

int nabla_int8_rank_bounds_variant(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
    return 0;
}

#define ROWS_PER_BLOCK 8

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
static void rank_bounds_vnni(const nabla_int8_item_table *table, const nabla_int8_queries *queries,
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
                // The query bytes are q + 128: take 128 · Σ q_item back off each product.
                const __m512i offsets = _mm512_slli_epi32(_mm512_loadu_si512(table->sums + first_item), 7);
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
                    const __mmask16 above =
                        _mm512_mask_cmp_ps_mask(valid, _mm512_sub_ps(approximate, margin), target, _CMP_GT_OQ);
                    const __mmask16 below = _mm512_cmp_ps_mask(_mm512_add_ps(approximate, margin), target, _CMP_LT_OQ);
                    const __mmask16 open = valid & (__mmask16)~above & (__mmask16)~below;
                    higher[out] += __builtin_popcount(above);
                    if (open) {
                        const int32_t count = undecided_counts[out], added = __builtin_popcount(open);
                        if (count + added <= capacity) {
                            const __m512i items = _mm512_add_epi32(lane_numbers, _mm512_set1_epi32((int32_t)first_item));
                            _mm512_mask_compressstoreu_epi32(undecided + out * capacity + count, open, items);
                        }
                        undecided_counts[out] = count + added;
                    }
                }
            }
        }
    }
}

#define ROWS_PER_BLOCK_AVX2 4

__attribute__((target("avx2")))
static void rank_bounds_avx2(const nabla_int8_item_table *table, const nabla_int8_queries *queries,
                             int64_t first_row, int64_t row_count,
                             int32_t *higher, int32_t *undecided_counts, int32_t *undecided, int64_t capacity) {
    const int64_t chunks = table->chunks, groups = (table->items + 31) / 32;
    for (int64_t r = 0; r < row_count; r++) {
        higher[r] = 0;
        undecided_counts[r] = 0;
    }
    const __m256i ones = _mm256_set1_epi16(1);
    for (int64_t group = 0; group < groups; group++) {
        const int8_t *weights = table->weights + group * chunks * 128;
        // 16 items at a time: two vectors of 8 items, 4 bytes each.
        for (int quarter = 0; quarter < 2; quarter++) {
            const int64_t first_item = group * 32 + quarter * 16;
            if (first_item >= table->items) break;
            for (int64_t block = 0; block < row_count; block += ROWS_PER_BLOCK_AVX2) {
                __m256i sums[ROWS_PER_BLOCK_AVX2][2];
                for (int i = 0; i < ROWS_PER_BLOCK_AVX2; i++) sums[i][0] = sums[i][1] = _mm256_setzero_si256();
                const uint8_t *values = queries->values + (first_row + block) * chunks * 4;
                for (int64_t chunk = 0; chunk < chunks; chunk++) {
                    const __m256i low = _mm256_loadu_si256((const __m256i *)(weights + chunk * 128 + quarter * 64));
                    const __m256i high = _mm256_loadu_si256((const __m256i *)(weights + chunk * 128 + quarter * 64 + 32));
                    for (int i = 0; i < ROWS_PER_BLOCK_AVX2; i++) {
                        int32_t four;
                        memcpy(&four, values + (i * chunks + chunk) * 4, 4);
                        const __m256i query = _mm256_set1_epi32(four);
                        // Pairs of byte products as 16-bit sums, then pairs of those as 32-bit sums.
                        const __m256i low_sums = _mm256_madd_epi16(_mm256_maddubs_epi16(query, low), ones);
                        const __m256i high_sums = _mm256_madd_epi16(_mm256_maddubs_epi16(query, high), ones);
                        sums[i][0] = _mm256_add_epi32(sums[i][0], low_sums);
                        sums[i][1] = _mm256_add_epi32(sums[i][1], high_sums);
                    }
                }
                // The same sorting as the AVX-512 variant's, on 8 lanes. One loop over the lanes
                // shared by both variants made evaluation a third slower, so each keeps its own.
                for (int half = 0; half < 2; half++) {
                    const int64_t first = first_item + half * 8;
                    if (first >= table->items) break;
                    const int64_t left = table->items - first;
                    const int valid = left >= 8 ? 0xFF : (1 << left) - 1;
                    // The query bytes are q + 64: take 64 · Σ q_item back off each product.
                    const __m256i offsets = _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(table->sums + first)), 6);
                    const __m256 scales = _mm256_loadu_ps(table->scales + first);
                    const __m256 biases = _mm256_loadu_ps(table->biases + first);
                    const __m256 norms = _mm256_loadu_ps(table->norms + first);
                    const __m256 error_norms = _mm256_loadu_ps(table->error_norms + first);
                    const __m256 rounding = _mm256_loadu_ps(table->rounding + first);
                    const __m256 bias_rounding = _mm256_loadu_ps(table->bias_rounding + first);
                    for (int i = 0; i < ROWS_PER_BLOCK_AVX2; i++) {
                        const int64_t row = first_row + block + i, out = block + i;
                        const __m256 product = _mm256_cvtepi32_ps(_mm256_sub_epi32(sums[i][half], offsets));
                        const __m256 scale = _mm256_mul_ps(scales, _mm256_set1_ps(queries->scales[row]));
                        const __m256 approximate = _mm256_add_ps(_mm256_mul_ps(product, scale), biases);
                        const __m256 margin = _mm256_add_ps(
                            _mm256_add_ps(_mm256_mul_ps(norms, _mm256_set1_ps(queries->error_norms[row])),
                                          _mm256_mul_ps(error_norms, _mm256_set1_ps(queries->quantized_norms[row]))),
                            _mm256_add_ps(_mm256_mul_ps(rounding, _mm256_set1_ps(queries->norm_bounds[row])),
                                          bias_rounding));
                        const __m256 target = _mm256_set1_ps(queries->targets[row]);
                        const __m256 low_end = _mm256_sub_ps(approximate, margin), high_end = _mm256_add_ps(approximate, margin);
                        const int above = _mm256_movemask_ps(_mm256_cmp_ps(low_end, target, _CMP_GT_OQ)) & valid;
                        const int below = _mm256_movemask_ps(_mm256_cmp_ps(high_end, target, _CMP_LT_OQ));
                        int open = valid & ~above & ~below;
                        higher[out] += __builtin_popcount((unsigned)above);
                        int32_t count = undecided_counts[out];
                        while (open) {
                            const int lane = __builtin_ctz((unsigned)open);
                            if (count < capacity) undecided[out * capacity + count] = (int32_t)(first + lane);
                            count++;
                            open &= open - 1;
                        }
                        undecided_counts[out] = count;
                    }
                }
            }
        }
    }
}

void nabla_int8_rank_bounds(int variant, const nabla_int8_item_table *table, const nabla_int8_queries *queries,
                            int64_t first_row, int64_t row_count,
                            int32_t *higher, int32_t *undecided_counts, int32_t *undecided, int64_t capacity) {
    if (variant == 2) {
        rank_bounds_vnni(table, queries, first_row, row_count, higher, undecided_counts, undecided, capacity);
    } else if (variant == 1) {
        rank_bounds_avx2(table, queries, first_row, row_count, higher, undecided_counts, undecided, capacity);
    } else {
        __builtin_trap();
    }
}

#else

int nabla_int8_rank_bounds_variant(void) { return 0; }

void nabla_int8_rank_bounds(int variant, const nabla_int8_item_table *table, const nabla_int8_queries *queries,
                            int64_t first_row, int64_t row_count,
                            int32_t *higher, int32_t *undecided_counts, int32_t *undecided, int64_t capacity) {
    __builtin_trap();
}

#endif

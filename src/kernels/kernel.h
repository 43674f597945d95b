/*
 * kernel.h -- the kernel records of the BenchRoofline model (seed 002) and
 * the workload that holds them: the kernel taxonomy (Ma_Mw, Ma_Mqa, ...,
 * KVCache, Async_KVCache), one row per kernel of one decoder layer (or of
 * the whole model, for lm_head and the final norm), and the estimates the
 * simple roofline (roofline.c) and the theoretical tiler (tiler.c) attach.
 *
 * Units: compute is in MACs, weight and kv in elements (bytes = elements x
 * bytes_per_value), cycles in clock cycles of the hardware, times in
 * seconds (_s).  A workload is built and read by one thread.
 */
#ifndef KERNELS_KERNEL_H
#define KERNELS_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The notebook's layer types.  First letter pair: the first operand is a
 * Matrix or a Vector of activations (a) or weights (w); second pair: the
 * second operand; "qa" = grouped activations (GQA's shared K/V). */
typedef enum {
    KT_MA_MW = 0, KT_MA_MQA, KT_MW_MA, KT_MA_MA,
    KT_VA_MW, KT_VA_MQA, KT_VW_VA, KT_VA_VA,
    KT_KVCACHE, KT_ASYNC_KVCACHE,
    KT__COUNT
} kern_type_t;

/* "Ma_Mw", ..., "Async_KVCache". */
const char *kern_type_name(kern_type_t t);
/* Index of a type name, or -1 (err lists the valid names). */
int kern_type_find(const char *name, char *err, size_t errlen);
/* True for the KVCache types (traffic only, no compute). */
bool kern_type_is_kv(kern_type_t t);
/* True when the second operand is grouped activations (attention). */
bool kern_type_is_mqa(kern_type_t t);

/* Which estimator decided a row's time. */
typedef enum { KB_NONE = 0, KB_COMPUTE, KB_MEMORY } kern_bound_t;
const char *kern_bound_name(kern_bound_t b); /* "Compute", "Memory", "None" */

/* How often a row runs in a forward step. */
typedef enum { KS_LAYER = 0, KS_MODEL } kern_scope_t;

typedef struct {
    kern_type_t type;
    char name[32];
    kern_scope_t scope;        /* per layer (x layers) or once per model */
    int64_t m, k, n, batch;    /* the GEMM m x k x n, batch independent copies */
    int64_t grouped_q;         /* query heads per K/V head (Mqa rows), else 1 */
    bool has_compute, has_weight, has_kv;
    int64_t compute;           /* MACs */
    int64_t weight;            /* weight elements read */
    int64_t kv;                /* KV-cache elements read or written */
    /* default mode: a KV read whose bytes the attention rows' operand
     * loads already carry (the tiler does not time it a second time) */
    bool kv_in_attention;
    /* default mode: the A operand never leaves the chip (the attention
     * probabilities of a fused attention kernel): the tiler loads B only */
    bool a_on_chip;

    /* simple roofline (§7.4) */
    double compute_time_s, memory_time_s, roofline_time_s;
    /* theoretical tiler (§7.5); exec_cycle is NaN when the row is untimed */
    bool tiled;
    double tile[3];            /* tm, tk, tn */
    double cmp_cycle, mem_cycle, mem_to_cmp, exec_cycle;
    kern_bound_t bound;
} kern_row_t;

typedef struct {
    char name[32];             /* "prefill", "decode", "chunked" */
    kern_row_t *rows;
    size_t n, cap;
} kern_workload_t;

void kern_workload_init(kern_workload_t *w, const char *name);
void kern_workload_free(kern_workload_t *w);

/* Append a row; compute, weight and kv follow the type (kern_type_fill).
 * Returns the row (valid until the next add) or NULL when out of memory
 * or when a product overflows 64 bits (err says which). */
kern_row_t *kern_add(kern_workload_t *w, kern_type_t type, const char *name, int64_t m, int64_t k, int64_t n,
                     int64_t batch, int64_t grouped_q, char *err, size_t errlen);

/* The taxonomy's rule (§7.2): compute = m*k*n*batch (x grouped_q for Mqa),
 * weight = k*n (activations x weights) or m*k (weights x activations),
 * kv = m*k*n*batch for the KVCache types.  False on 64-bit overflow. */
bool kern_type_fill(kern_row_t *r);

/* Sums over the rows of one scope (KS_LAYER: one layer). */
typedef struct {
    int64_t compute, weight, kv;
} kern_totals_t;
kern_totals_t kern_workload_totals(const kern_workload_t *w, kern_scope_t scope);

#endif

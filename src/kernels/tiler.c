/*
 * tiler.c -- the theoretical tiler (spec §7.5): the largest tiles of
 * A (m x k), B (k x n) and C (m x n) that fit the cache together, then
 * cycles = max(compute of all blocks, A and B tile loads of all blocks).
 *
 * The arithmetic follows the notebook's order of operations so that
 * --compat notebook reproduces its printed doubles.  Without fixes (the
 * notebook) a row's batch is folded into m or n, or both, as if every
 * sequence shared the B operand -- also for attention, whose K/V differ per
 * sequence.  Two fixes change that (profiles.h):
 *  - KF_FOLD: a row with a weight operand stacks its sequences into the
 *    token dimension (the weight is shared, the output is not squared);
 *  - KF_GQA: an attention row is one GEMM of the g query heads sharing a K/V
 *    head (m x g rows), repeated batch times, never folded; the PV row's A
 *    operand, the probabilities, stays on chip (a fused kernel: only V
 *    tiles are loaded).
 * KVCache rows are timed unless their bytes are the attention rows' B
 * operand already (kv_in_attention); Async_KVCache rows only with
 * KF_KV_TIMED.  Types without 'M' or 'w' in their name (Va_Va) are not
 * timed, as in the notebook.
 */
#include <math.h>
#include <string.h>

#include "kernels/estimate.h"

double kern_tile_edge(double cache_bytes, double b, int nfixed, double d1, double d2)
{
    switch (nfixed) {
    case 0:
        return pow(cache_bytes / 3 / b, 1.0 / 2);
    case 1: {
        double lin = d1 * 2;
        double disc = pow(lin, 2) + 4 * (cache_bytes / b);
        return (-lin + sqrt(disc)) / 2;
    }
    default:
        return (cache_bytes - d1 * d2 * b) / (b * (d1 + d2));
    }
}

/* Steps 1-3: tile (tm, tk, tn) for the GEMM dims[3] = (m, k, n). */
static void choose_tile(const double dims[3], double cache, double b, double tile[3])
{
    int idx[3] = {0, 1, 2};
    /* stable sort by size (Python's sorted) */
    for (int i = 1; i < 3; i++)
        for (int j = i; j > 0 && dims[idx[j]] < dims[idx[j - 1]]; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    double x[3] = {dims[idx[0]], dims[idx[1]], dims[idx[2]]};
    double t = kern_tile_edge(cache, b, 0, 0, 0);
    if (x[0] >= t) {
        x[0] = x[1] = x[2] = t;
    } else {
        t = kern_tile_edge(cache, b, 1, x[0], 0);
        if (x[1] >= t) {
            x[1] = x[2] = t;
        } else {
            t = kern_tile_edge(cache, b, 2, x[0], x[1]);
            if (x[2] >= t)
                x[2] = t;
        }
    }
    for (int i = 0; i < 3; i++)
        tile[idx[i]] = x[i];
}

/* Step 4. */
static void time_tile(kern_row_t *r, const kern_hw_t *hw, double b)
{
    double compute = (double)r->compute;
    double block = r->tile[0] * r->tile[1] * r->tile[2];
    r->cmp_cycle = block / hw->macs_per_s * hw->frequency_hz * compute / block;
    double memory = ((r->a_on_chip ? 0 : r->tile[0] * r->tile[1]) + r->tile[2] * r->tile[1]) * b;
    r->mem_cycle = memory / hw->bandwidth_bytes_per_s * hw->frequency_hz * compute / block;
    r->mem_to_cmp = r->cmp_cycle != 0 ? r->mem_cycle / r->cmp_cycle : NAN;
    r->tiled = true;
    if (r->cmp_cycle > r->mem_cycle) {
        r->exec_cycle = r->cmp_cycle;
        r->bound = KB_COMPUTE;
    } else {
        r->exec_cycle = r->mem_cycle;
        r->bound = KB_MEMORY;
    }
}

static void time_kv(kern_row_t *r, const kern_hw_t *hw, double b)
{
    double memory = (double)r->kv * b;
    r->exec_cycle = memory / hw->bandwidth_bytes_per_s * hw->frequency_hz;
    r->bound = KB_MEMORY;
}

/* Step 0 of the notebook: make the output as square as the batch allows. */
static void fold_notebook(double dims[3], double batch)
{
    if (batch <= 1)
        return;
    if (dims[0] > dims[2] && dims[0] / dims[2] > batch) {
        dims[2] = dims[2] * batch;
    } else if (dims[2] > dims[0] && dims[2] / dims[0] > batch) {
        dims[0] = dims[0] * batch;
    } else {
        double ratio = dims[0] / dims[2];
        batch = batch / ratio;
        dims[2] = dims[0] = dims[0] * pow(batch, 1.0 / 2);
    }
}

/* Step 0 under the fixes: the batch enters the GEMM by the row's kind. */
static void fold_fixed(const kern_row_t *r, double dims[3], unsigned fixes)
{
    if (kern_type_is_mqa(r->type) && (fixes & KF_GQA)) {
        dims[0] *= (double)r->grouped_q;
        return;
    }
    if (fixes & KF_FOLD) {
        if (r->type == KT_MA_MW || r->type == KT_VA_MW) { /* tokens of every sequence stream through one weight */
            dims[0] *= (double)r->batch;
            return;
        }
        if (r->type == KT_MW_MA || r->type == KT_VW_VA) {
            dims[2] *= (double)r->batch;
            return;
        }
    }
    fold_notebook(dims, (double)r->batch);
}

static void tile_row(kern_row_t *r, const kern_hw_t *hw, double b, unsigned fixes)
{
    const char *type = kern_type_name(r->type);
    if (strchr(type, 'M') || strchr(type, 'w')) {
        if (!r->has_compute)
            return;
        double dims[3] = {(double)r->m, (double)r->k, (double)r->n};
        fold_fixed(r, dims, fixes);
        choose_tile(dims, hw->cache_bytes, b, r->tile);
        time_tile(r, hw, b);
    } else if (r->type == KT_KVCACHE && r->has_kv && !r->kv_in_attention) {
        time_kv(r, hw, b);
    } else if (r->type == KT_ASYNC_KVCACHE && (fixes & KF_KV_TIMED)) {
        time_kv(r, hw, b);
    }
}

void kern_tile_workload(kern_workload_t *w, const kern_hw_t *hw, double b, unsigned fixes)
{
    for (size_t i = 0; i < w->n; i++) {
        kern_row_t *r = &w->rows[i];
        r->tiled = false;
        r->tile[0] = r->tile[1] = r->tile[2] = NAN;
        r->cmp_cycle = r->mem_cycle = r->mem_to_cmp = r->exec_cycle = NAN;
        r->bound = KB_NONE;
        tile_row(r, hw, b, fixes);
    }
}

void kern_bound_cycles(const kern_workload_t *w, kern_scope_t scope, double *compute_cycles, double *memory_cycles)
{
    double c = 0, m = 0;
    for (size_t i = 0; i < w->n; i++) {
        const kern_row_t *r = &w->rows[i];
        if (r->scope != scope)
            continue;
        if (r->bound == KB_COMPUTE)
            c += r->exec_cycle;
        else if (r->bound == KB_MEMORY)
            m += r->exec_cycle;
    }
    *compute_cycles = c;
    *memory_cycles = m;
}

/*
 * taxonomy.c -- the kernel types of the BenchRoofline notebook and what
 * each one computes and reads (spec §7.2), as a {name, fn} table, plus the
 * workload container the profiles fill.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/named.h"
#include "kernels/kernel.h"

/* m*k*n*batch (x g) with overflow checks. */
static bool mul4(int64_t a, int64_t b, int64_t c, int64_t d, int64_t *out)
{
    int64_t x, y;
    return !__builtin_mul_overflow(a, b, &x) && !__builtin_mul_overflow(x, c, &y) &&
           !__builtin_mul_overflow(y, d, out);
}

/* activations x weights: the weight is the k x n operand */
static bool fill_act_weight(kern_row_t *r)
{
    r->has_compute = r->has_weight = true;
    return mul4(r->m, r->k, r->n, r->batch, &r->compute) && !__builtin_mul_overflow(r->k, r->n, &r->weight);
}

/* weights x activations: the weight is the m x k operand */
static bool fill_weight_act(kern_row_t *r)
{
    r->has_compute = r->has_weight = true;
    return mul4(r->m, r->k, r->n, r->batch, &r->compute) && !__builtin_mul_overflow(r->m, r->k, &r->weight);
}

/* activations x activations: compute only */
static bool fill_act_act(kern_row_t *r)
{
    r->has_compute = true;
    return mul4(r->m, r->k, r->n, r->batch, &r->compute);
}

/* activations x grouped activations: compute x grouped_q */
static bool fill_act_grouped(kern_row_t *r)
{
    int64_t c;
    r->has_compute = true;
    return mul4(r->m, r->grouped_q, r->k, r->n, &c) && !__builtin_mul_overflow(c, r->batch, &r->compute);
}

/* KV-cache traffic: m*k*n*batch elements, no compute */
static bool fill_kv(kern_row_t *r)
{
    r->has_kv = true;
    return mul4(r->m, r->k, r->n, r->batch, &r->kv);
}

typedef struct {
    const char *name;
    bool (*fill)(kern_row_t *r);
} kern_type_entry_t;

/* In kern_type_t order. */
static const kern_type_entry_t types[KT__COUNT] = {
    {"Ma_Mw", fill_act_weight},   {"Ma_Mqa", fill_act_grouped}, {"Mw_Ma", fill_weight_act},
    {"Ma_Ma", fill_act_act},      {"Va_Mw", fill_act_weight},   {"Va_Mqa", fill_act_grouped},
    {"Vw_Va", fill_weight_act},   {"Va_Va", fill_act_act},      {"KVCache", fill_kv},
    {"Async_KVCache", fill_kv},
};

const char *kern_type_name(kern_type_t t)
{
    return (unsigned)t < KT__COUNT ? types[t].name : "?";
}

int kern_type_find(const char *name, char *err, size_t errlen)
{
    return (int)named_find(types, KT__COUNT, sizeof types[0], name, "kernel type", err, errlen);
}

bool kern_type_is_kv(kern_type_t t)
{
    return t == KT_KVCACHE || t == KT_ASYNC_KVCACHE;
}

bool kern_type_is_mqa(kern_type_t t)
{
    return t == KT_MA_MQA || t == KT_VA_MQA;
}

const char *kern_bound_name(kern_bound_t b)
{
    return b == KB_COMPUTE ? "Compute" : b == KB_MEMORY ? "Memory" : "None";
}

bool kern_type_fill(kern_row_t *r)
{
    r->has_compute = r->has_weight = r->has_kv = false;
    r->compute = r->weight = r->kv = 0;
    return types[r->type].fill(r);
}

void kern_workload_init(kern_workload_t *w, const char *name)
{
    memset(w, 0, sizeof *w);
    strncpy(w->name, name, sizeof w->name - 1);
}

void kern_workload_free(kern_workload_t *w)
{
    free(w->rows);
    memset(w, 0, sizeof *w);
}

kern_row_t *kern_add(kern_workload_t *w, kern_type_t type, const char *name, int64_t m, int64_t k, int64_t n,
                     int64_t batch, int64_t grouped_q, char *err, size_t errlen)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        kern_row_t *rows = realloc(w->rows, cap * sizeof *rows);
        if (!rows) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        w->rows = rows;
        w->cap = cap;
    }
    kern_row_t *r = &w->rows[w->n];
    memset(r, 0, sizeof *r);
    r->type = type;
    strncpy(r->name, name, sizeof r->name - 1);
    r->m = m, r->k = k, r->n = n, r->batch = batch, r->grouped_q = grouped_q;
    if (!kern_type_fill(r)) {
        snprintf(err, errlen, "%s %s: %lld x %lld x %lld x %lld overflows 64 bits (use smaller lengths or batch)",
                 w->name, name, (long long)m, (long long)k, (long long)n, (long long)batch);
        return NULL;
    }
    w->n++;
    return r;
}

kern_totals_t kern_workload_totals(const kern_workload_t *w, kern_scope_t scope)
{
    kern_totals_t t = {0, 0, 0};
    for (size_t i = 0; i < w->n; i++) {
        const kern_row_t *r = &w->rows[i];
        if (r->scope != scope)
            continue;
        t.compute += r->compute;
        t.weight += r->weight;
        t.kv += r->kv;
    }
    return t;
}

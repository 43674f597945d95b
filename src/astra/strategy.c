/*
 * strategy.c -- the parallelization strategies of ASTRA-sim 1.0's workload
 * generator: how each shards a layer's GEMM over P NPUs in G packages of L,
 * which GEMMs the three training passes run (specs/astrasim.md §1.3-1.4),
 * and which collective of what size follows each pass (§1.6).
 */
#include <stdio.h>
#include <string.h>

#include "astra/astra.h"
#include "config/named.h"

/* Sharded sizes m' (rows per NPU) and n' (output features per NPU). */
typedef void (*shard_fn)(uint64_t m, uint64_t n, uint64_t p, uint64_t g, uint64_t l, uint64_t *ms, uint64_t *ns);

static void shard_data(uint64_t m, uint64_t n, uint64_t p, uint64_t g, uint64_t l, uint64_t *ms, uint64_t *ns)
{
    (void)g, (void)l;
    *ms = m / p, *ns = n;
}
static void shard_model(uint64_t m, uint64_t n, uint64_t p, uint64_t g, uint64_t l, uint64_t *ms, uint64_t *ns)
{
    (void)g, (void)l;
    *ms = m, *ns = n / p;
}
/* data-parallel between packages, model-parallel inside one */
static void shard_hdm(uint64_t m, uint64_t n, uint64_t p, uint64_t g, uint64_t l, uint64_t *ms, uint64_t *ns)
{
    (void)p;
    *ms = m / g, *ns = n / l;
}
/* model-parallel between packages, data-parallel inside one */
static void shard_hmd(uint64_t m, uint64_t n, uint64_t p, uint64_t g, uint64_t l, uint64_t *ms, uint64_t *ns)
{
    (void)p;
    *ms = m / l, *ns = n / g;
}

/* One pass's collective: type, the unsharded product it sizes, the divisor
 * of that product, and the network dimensions it spans. */
typedef enum { SZ_NONE, SZ_MN, SZ_MK, SZ_NK } size_base_t;
typedef enum { DIV_1, DIV_P, DIV_G, DIV_L } size_div_t;
typedef struct {
    op_coll_t coll;
    size_base_t base;
    size_div_t div;
    astra_dims_t dims;
} comm_rule_t;

typedef struct {
    const char *name;
    shard_fn shard;                   /* NULL for HYBRID_CUSTOMIZED: per layer */
    comm_rule_t comm[ASTRA_PASSES];   /* fwd, ig, wg */
} strategy_t;

#define NO_COMM {COLL_NONE, SZ_NONE, DIV_1, ASTRA_DIMS_NONE}
static const strategy_t strategies[ASTRA__COUNT] = {
    [ASTRA_DATA] = {"DATA", shard_data,
                    {NO_COMM, NO_COMM, {COLL_ALL_REDUCE, SZ_NK, DIV_1, ASTRA_DIMS_ALL}}},
    [ASTRA_MODEL] = {"MODEL", shard_model,
                     {{COLL_ALL_GATHER, SZ_MN, DIV_P, ASTRA_DIMS_ALL},
                      {COLL_REDUCE_SCATTER, SZ_MK, DIV_1, ASTRA_DIMS_ALL}, NO_COMM}},
    [ASTRA_HYBRID_DATA_MODEL] = {"HYBRID_DATA_MODEL", shard_hdm,
                                 {{COLL_ALL_GATHER, SZ_MN, DIV_P, ASTRA_DIMS_INNER},
                                  {COLL_REDUCE_SCATTER, SZ_MK, DIV_G, ASTRA_DIMS_INNER},
                                  {COLL_ALL_REDUCE, SZ_NK, DIV_L, ASTRA_DIMS_OUTER}}},
    [ASTRA_HYBRID_MODEL_DATA] = {"HYBRID_MODEL_DATA", shard_hmd,
                                 {{COLL_ALL_GATHER, SZ_MN, DIV_P, ASTRA_DIMS_OUTER},
                                  {COLL_REDUCE_SCATTER, SZ_MK, DIV_L, ASTRA_DIMS_OUTER},
                                  {COLL_ALL_REDUCE, SZ_NK, DIV_G, ASTRA_DIMS_INNER}}},
    [ASTRA_HYBRID_CUSTOMIZED] = {"HYBRID_CUSTOMIZED", NULL, {NO_COMM, NO_COMM, NO_COMM}},
};

const char *astra_strategy_name(astra_strategy_t s)
{
    return (unsigned)s < ASTRA__COUNT ? strategies[s].name : NULL;
}

int astra_strategy_parse(const char *name, bool allow_customized, char *err, size_t errlen)
{
    size_t count = allow_customized ? ASTRA__COUNT : ASTRA_HYBRID_CUSTOMIZED;
    long i = named_find(strategies, count, sizeof strategies[0], name, "strategy", err, errlen);
    if (i >= 0)
        return (int)i;
    const char *names[ASTRA__COUNT];
    for (size_t j = 0; j < count; j++)
        names[j] = strategies[j].name;
    const char *near = cfg_nearest(name, names, count);
    if (near) {
        size_t used = strlen(err);
        snprintf(err + used, errlen - used, " (did you mean '%s'?)", near);
    }
    return -1;
}

const char *astra_coll_token(op_coll_t c)
{
    switch (c) {
    case COLL_ALL_REDUCE: return "ALLREDUCE";
    case COLL_ALL_GATHER: return "ALLGATHER";
    case COLL_REDUCE_SCATTER: return "REDUCESCATTER";
    case COLL_ALL_TO_ALL: return "ALLTOALL";
    default: return "NONE";
    }
}

int astra_check_opts(const astra_opts_t *o, char *err, size_t errlen)
{
    if (o->num_npus < 1 || o->num_packages < 1 || o->datatype_bytes < 1) {
        snprintf(err, errlen, "--num-npus, --num-packages and --datatype-size must be at least 1");
        return -1;
    }
    if (o->num_npus % o->num_packages) {
        snprintf(err, errlen, "--num-npus %llu is not divisible by --num-packages %llu (NPUs per package "
                 "must be a whole number)", (unsigned long long)o->num_npus, (unsigned long long)o->num_packages);
        return -1;
    }
    return 0;
}

/* size = base x d / div, the product in 128 bits, then truncated; -1 when
 * it does not fit 64 bits. */
static int comm_size(const comm_rule_t *r, uint64_t m, uint64_t n, uint64_t k, const astra_opts_t *o, uint64_t *out)
{
    unsigned __int128 base = r->base == SZ_MN ? (unsigned __int128)m * n
                           : r->base == SZ_MK ? (unsigned __int128)m * k
                           : r->base == SZ_NK ? (unsigned __int128)n * k : 0;
    uint64_t l = o->num_npus / o->num_packages;
    uint64_t div = r->div == DIV_P ? o->num_npus : r->div == DIV_G ? o->num_packages : r->div == DIV_L ? l : 1;
    unsigned __int128 v = base * o->datatype_bytes / div;
    if (v > UINT64_MAX)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int astra_layer_plan(astra_strategy_t s, uint64_t m, uint64_t n, uint64_t k, bool has_weights,
                     const astra_opts_t *o, const scalesim_cfg_t *array, astra_layer_t *out)
{
    const strategy_t *st = &strategies[s];
    uint64_t l = o->num_npus / o->num_packages;
    memset(out, 0, sizeof *out);
    out->strategy = s;
    out->m = m, out->n = n, out->k = k;
    out->has_weights = has_weights;
    st->shard(m, n, o->num_npus, o->num_packages, l, &out->m_shard, &out->n_shard);
    if (out->m_shard == 0 || out->n_shard == 0)
        return -1;
    uint64_t ms = out->m_shard, ns = out->n_shard;
    out->gemm[ASTRA_FWD] = (astra_gemm_t){ms, k, ns};  /* Y = X W */
    out->gemm[ASTRA_IG] = (astra_gemm_t){ms, ns, k};   /* dX = dY W^T */
    out->gemm[ASTRA_WG] = (astra_gemm_t){k, ms, ns};   /* dW = X^T dY */
    for (int p = 0; p < ASTRA_PASSES; p++) {
        const astra_gemm_t *g = &out->gemm[p];
        out->cycles[p] = scalesim_gemm_cycles(array, g->m, g->k, g->n);
        out->flops[p] = 2.0 * (double)g->m * (double)g->k * (double)g->n;
        const comm_rule_t *r = &st->comm[p];
        if (r->coll == COLL_NONE || (p == ASTRA_WG && !has_weights))
            continue;
        if (comm_size(r, m, n, k, o, &out->comm_bytes[p]))
            return -2;
        out->coll[p] = r->coll;
        out->dims[p] = r->dims;
    }
    return 0;
}

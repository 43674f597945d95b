/*
 * astra.h -- the ASTRA-sim backend: a GEMM list (any frontend's op graph of
 * GEMM records) sharded by a parallelization strategy into per-NPU layers,
 * each with its forward, input-gradient and weight-gradient GEMMs, their
 * SCALE-Sim cycles and their collectives (specs/astrasim.md §1.3-1.6).
 * The writers turn a workload into ASTRA-sim 1.0's text file (text.c) or
 * ASTRA-sim 2's Chakra execution traces (chakra.c).
 *
 * Units: cycles of the systolic array's clock; sizes in bytes.
 */
#ifndef ASTRA_ASTRA_H
#define ASTRA_ASTRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "astra/scalesim.h"
#include "config/node.h"
#include "ops/gemm_list.h"
#include "ops/op.h"

/* Parallelization strategies (the generator's --parallel values). */
typedef enum {
    ASTRA_DATA = 0,
    ASTRA_MODEL,
    ASTRA_HYBRID_DATA_MODEL,
    ASTRA_HYBRID_MODEL_DATA,
    ASTRA_HYBRID_CUSTOMIZED, /* each layer names its own strategy (mnk column 5) */
    ASTRA__COUNT
} astra_strategy_t;

typedef enum { ASTRA_FWD = 0, ASTRA_IG, ASTRA_WG, ASTRA_PASSES } astra_pass_t;

/* Which network dimensions a collective spans: dim 0 = inside a package
 * (L NPUs), dims 1.. = between packages (G). */
typedef enum { ASTRA_DIMS_NONE = 0, ASTRA_DIMS_ALL, ASTRA_DIMS_INNER, ASTRA_DIMS_OUTER } astra_dims_t;

/* "DATA", ...; NULL past the end. */
const char *astra_strategy_name(astra_strategy_t s);
/* Index of a strategy name (exact, case-sensitive like ASTRA-sim); -1 with
 * "unknown strategy 'x' (valid: ...)" plus a did-you-mean in err.
 * allow_customized false refuses HYBRID_CUSTOMIZED (a per-layer value). */
int astra_strategy_parse(const char *name, bool allow_customized, char *err, size_t errlen);
/* The comm-type token ASTRA-sim 1.0 reads: NONE, ALLREDUCE, ALLGATHER,
 * REDUCESCATTER, ALLTOALL. */
const char *astra_coll_token(op_coll_t c);

typedef struct {
    uint64_t m, k, n;        /* GEMM (M x K) . (K x N) */
} astra_gemm_t;

typedef struct {
    const char *name;                 /* the op's name (owned by the op graph) */
    astra_strategy_t strategy;        /* this layer's own (never HYBRID_CUSTOMIZED) */
    uint64_t m, n, k;                 /* unsharded */
    uint64_t m_shard, n_shard;        /* m', n' (§1.3) */
    bool has_weights;                 /* false: no weight gradient to all-reduce */
    astra_gemm_t gemm[ASTRA_PASSES];  /* §1.4 */
    uint64_t cycles[ASTRA_PASSES];    /* SCALE-Sim Total Cycles of each pass's GEMM */
    op_coll_t coll[ASTRA_PASSES];     /* §1.6 */
    uint64_t comm_bytes[ASTRA_PASSES];
    astra_dims_t dims[ASTRA_PASSES];  /* network dimensions each collective spans */
    double flops[ASTRA_PASSES];       /* 2 M K N per NPU */
} astra_layer_t;

typedef struct {
    astra_strategy_t parallel;        /* the global strategy (line 1 of the text file) */
    uint64_t num_npus;                /* P */
    uint64_t num_packages;            /* G; L = P / G NPUs per package */
    uint64_t datatype_bytes;          /* d */
    uint64_t update_delay_cycles;     /* field 12 (100, the generator's constant) */
    scalesim_cfg_t array;
    size_t n;
    astra_layer_t *layers;
} astra_workload_t;

typedef struct {
    astra_strategy_t parallel;
    uint64_t num_npus, num_packages, datatype_bytes;
} astra_opts_t;

/* Check P, G and d against each other (P % G == 0, all >= 1); -1 with the
 * reason in err. */
int astra_check_opts(const astra_opts_t *o, char *err, size_t errlen);
/* Shard every GEMM of list by its strategy, count cycles and collectives.
 * Per-row problems (unknown or missing column-5 strategy under
 * HYBRID_CUSTOMIZED, a shard of zero rows or columns) give -1 with
 * "file:line:col: ..." in err.  The workload refers to list's op names:
 * keep list alive while it is used. */
int astra_workload_build(const gemm_list_t *list, const astra_opts_t *o, const scalesim_cfg_t *array,
                         astra_workload_t *w, cfg_err_t *err);
void astra_workload_free(astra_workload_t *w);

/* Shard one layer (the per-strategy rules of §1.3-1.6) into *out; the
 * cycles come from array.  Returns -1 when a shard is zero. */
int astra_layer_plan(astra_strategy_t s, uint64_t m, uint64_t n, uint64_t k, bool has_weights,
                     const astra_opts_t *o, const scalesim_cfg_t *array, astra_layer_t *out);

/* ---- writers ------------------------------------------------------------ */

/* ASTRA-sim 1.0's text workload into buf (malloc'd, NUL-terminated, *len
 * bytes).  asis false: 12 fields per layer (13 under HYBRID_CUSTOMIZED),
 * per-pass cycles, final newline.  asis true: the upstream script's bytes
 * (weight-gradient cycles in all three compute fields with a leading
 * space, 13 fields always, no final newline).  NULL when out of memory. */
char *astra_text_render(const astra_workload_t *w, bool asis, size_t *len);
/* Render and write to path through a temporary file renamed into place;
 * -1 with the reason in err (nothing left behind). */
int astra_text_write(const astra_workload_t *w, bool asis, const char *path, char *err, size_t errlen);

typedef struct {
    double freq_hz;       /* clock that turns cycles into microseconds */
    int passes;           /* training iterations in the trace (>= 1) */
} astra_chakra_opts_t;

/* One Chakra execution trace per NPU: PREFIX.<npu>.et for npu in [0, P),
 * all written to temporary files first and renamed only when every one
 * was written.  -1 with the reason in err. */
int astra_chakra_write(const astra_workload_t *w, const astra_chakra_opts_t *o, const char *prefix, char *err,
                       size_t errlen);
/* The trace of one NPU as bytes (malloc'd), for tests and the writer. */
unsigned char *astra_chakra_render(const astra_workload_t *w, const astra_chakra_opts_t *o, size_t *len);
/* A compute node's duration: cycles at freq_hz in whole microseconds,
 * rounded to nearest, at least 1 for a non-zero cycle count. */
uint64_t astra_cycles_to_us(uint64_t cycles, double freq_hz);

#endif

/*
 * system.h -- a system point: a server type, a model and one expanded
 * system configuration (ReaLLM v1 System.py).  Owns system sizing (how many
 * servers, KV-cache share, longest context at batch 1), the memory
 * bandwidth a chip sees, candidate mappings, and the search that keeps the
 * best mapping per batch for four objectives.
 */
#ifndef PERF_SYSTEM_H
#define PERF_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>

#include "hw/hw.h"
#include "hw/tco.h"
#include "perf/allreduce.h"
#include "perf/matmul.h"
#include "perf/model.h"
#include "perf/perf.h"
#include "perf/perf_model.h"
#include "perf/perf_types.h"
#include "perf/v2_model.h"

#define SYSTEM_REASON_MAX 256

/* The sized system every evaluation reads.  srv and hc are borrowed: they
 * must outlive the system and any result that holds it. */
typedef struct system_s {
    const server_t *srv;
    const hw_constants_t *hc;
    model_t model;
    const allreduce_algo_t *allreduce;
    const matmul_dataflow_t *dataflow;
    const perf_model_t *perf_model;      /* reference or v2 */
    v2_t v2;                             /* perf_model v2's sizes and constants */
    /* configuration, defaults resolved */
    double max_batch, prefill_len, generate_len;
    bool energy_model;
    double compute_perf_efficiency, io_bandwidth_efficiency, weight_bandwidth_efficiency;
    double sub_sys_num_servers;          /* 0 = none */
    /* sizing (inputs where given, derived otherwise) */
    double num_servers, kv_cache_ratio, max_ctx_len_batch_1, max_tco, total_mem;
    double num_packages, num_chips;
    double weight_bw_per_chip, kv_bw_per_chip;   /* bytes/s, after efficiency */
    double perf, tdp, core_tdp, other_tdp;       /* whole system */
    tco_factors_t tco_factors;                   /* of the server's constants and life */
    tco_t srv_tco_server_part;                   /* hw_tco_server_part: the TDP-independent part */
    tco_t srv_tco_per_w;                         /* hw_tco_add_power at 1 W alone: the power parts per watt */
    /* per-sequence FLOPs at the evaluation lengths */
    double prefill_flops, generate_flops;
} system_t;

typedef enum {
    SYSTEM_OK,
    SYSTEM_UNDERSIZED,    /* valid configuration, not enough memory */
    SYSTEM_CONFIG_ERROR
} system_status_t;

/* Size sys (whose num_servers, kv_cache_ratio, max_ctx_len_batch_1 and
 * max_tco hold the inputs, 0 = not given) and derive its totals and
 * per-chip bandwidths.  SYSTEM_UNDERSIZED puts the reference's reason in
 * msg; SYSTEM_CONFIG_ERROR an error. */
system_status_t system_size(system_t *sys, char *msg, size_t msglen);

/* Resolve cfg's defaults into sys (model derived, algorithm and dataflow
 * looked up by name), then size it with system_size.  The message is the
 * configuration error or the undersized reason. */
system_status_t system_prepare(system_t *sys, const server_t *srv, const hw_constants_t *hc,
                               const model_cfg_t *m, const system_cfg_t *cfg, char *msg,
                               size_t msglen);

/* Pipeline sizes worth trying: each p in 1..num_layers whose
 * ceil(num_layers / p) differs from the previous one.  Returns the count
 * written (at most cap). */
int system_all_p(double num_layers, double *p_out, int cap);

/* Chips per pipeline stage for p (t_srv / t_pkg rule); false when p does
 * not split the servers evenly. */
bool system_stage_chips(const system_t *sys, double p, double *t_chip);

/* Does a mapping with pipeline size p fit the weights plus the KV cache of
 * batch sequences of min_ctx_len tokens? */
bool system_mapping_fits(const system_t *sys, double p, double batch, double min_ctx_len);

/* ---- the search over one system point ---------------------------------- */

typedef enum {
    OBJ_PREFILL_LATENCY = 0,
    OBJ_PREFILL_TCO,
    OBJ_GENERATE_LATENCY,
    OBJ_GENERATE_TCO,
    OBJ_COUNT
} perf_objective_t;

extern const char *const perf_objective_names[OBJ_COUNT];

/* The value objective obj minimizes (latency or TCO per token of a stage). */
double perf_objective_value(const perf_t *p, perf_objective_t obj);

typedef struct {
    bool valid;                          /* false: undersized, see reason */
    char invalid_reason[SYSTEM_REASON_MAX];
    system_t sys;                        /* sizing and derived totals */
    int n_batch;                         /* batches 1, 2, 4 .. <= max_batch */
    perf_t *best;                        /* [n_batch * OBJ_COUNT] */
    bool *has_best;                      /* [n_batch * OBJ_COUNT] */
    bool best_pooled;                    /* best is the caller's (perf_system_eval_in) */
} system_result_t;

/* The records perf_system_eval keeps for a point of cfg (n_batch x
 * OBJ_COUNT), and perf_system_eval keeping them in best_pool[0 .. slots)
 * instead of a malloc of their own (NULL or too few slots: malloc).  The
 * caller owns the pool (perf_system_result_free leaves it): one block for
 * every point of a command, for example of huge pages, instead of a block
 * per point that costs a page fault per 4 KiB on first touch. */
size_t perf_system_best_slots(const system_cfg_t *cfg);
bool perf_system_eval_in(const server_t *srv, const hw_constants_t *hc, const model_cfg_t *m,
                         const system_cfg_t *cfg, perf_t *best_pool, size_t slots,
                         system_result_t *out, char *err, size_t errlen);

/* Evaluate one system point: size it, then for every batch keep the best
 * mapping per objective (strict <: ties keep the first mapping tried).
 * Returns false only on a configuration error (err filled); an undersized
 * system returns true with out->valid = false.  Free with
 * perf_system_result_free.  Thread-safe; no I/O. */
bool perf_system_eval(const server_t *srv, const hw_constants_t *hc, const model_cfg_t *m,
                      const system_cfg_t *cfg, system_result_t *out, char *err,
                      size_t errlen);

void perf_system_result_free(system_result_t *r);

/* Batch of index b (1 << b). */
double perf_system_batch(int b);

/* Best perf at batch index b for obj, or NULL when no mapping had one. */
const perf_t *perf_system_best(const system_result_t *r, int b, perf_objective_t obj);

#endif

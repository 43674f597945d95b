/*
 * perf.h -- performance of one mapping of the model onto one sized system
 * at one batch size (ReaLLM v1 Performance.py and the per-row helpers of
 * performance_dump.py).
 *
 * A mapping splits the system into p pipeline stages of t chips each
 * (tensor parallelism); prefill runs micro-batches of prefill_micro_batch
 * sequences and generate of micro_batch sequences, pipelined like DeepSpeed
 * Inference.  Everything is built from the latency of one micro-batch pass
 * through all stages (micro_batch_t), which depends only on (stage, t, p,
 * micro-batch size) and not on the batch: callers may compute it once and
 * reuse it (perf_eval) or let perf_eval_mapping compute it.
 *
 * Units: seconds, watts, joules, USD, tokens.
 */
#ifndef PERF_PERF_H
#define PERF_PERF_H

#include <math.h>

#include "hw/hw.h"
#include "perf/matmul.h"

struct system_s; /* the sized system, defined in perf/system.h */

typedef enum { STAGE_PREFILL = 0, STAGE_GENERATE = 1 } perf_stage_t;

/* One micro-batch pass through the whole pipeline, for one stage. */
typedef struct {
    /* per layer (s) */
    matmul_lat_t atten_qkv, atten_matmul1, atten_matmul2, atten_fc, fc1, fc2;
    double atten_communication1;  /* Q*K^T all-reduce when t > num_heads */
    double atten_communication2;  /* attention output (see attn_comm_t) */
    double fc_communication;      /* FFN output all-reduce */
    double stage2stage;           /* activation hand-off between stages */
    /* whole pass (s) */
    double pipeline_stage, total, compute, communication;
    const char *bottleneck;       /* Compute, Memory, Interconnect or "" */
    /* shares of the stage latency (get_latency_breakdown) */
    double io_ratio, compute_ratio, mem_ratio;
    /* energy of one pass over all layers, in pJ */
    double fma_pj, mem_pj, comm_pj;
    /* perf_model v2 only (0 otherwise), per layer (s) */
    double nonmatmul;             /* memory-bound operators: norms, adds, activation, RoPE */
    double overhead;              /* fixed per-layer overhead (kernel launches) */
    double lm_head;               /* per pass, in the last stage (s) */
    int layout;                   /* index in v2_layouts the pass chose */
    int kv_batch_sharded;         /* K/V sharded over the batch (MQA/GQA, few K/V heads) */
} micro_batch_t;

typedef struct {
    double t, p, micro_batch, prefill_micro_batch;
} perf_mapping_t;

typedef struct {           /* J */
    double fma, mem, comm, total;
} perf_energy_t;

typedef struct {
    perf_mapping_t map;
    double batch;
    double prefill_latency, prefill_throughput, prefill_utilization;
    double prefill_power, prefill_tco_per_token;
    double generate_latency, generate_throughput, generate_utilization;
    double generate_power, generate_tco_per_token;
    perf_energy_t prefill_energy, generate_energy;
    const char *prefill_bottleneck, *generate_bottleneck;
    /* micro-batch passes the breakdown uses (the mapping's own) */
    micro_batch_t prefill_mb, generate_mb;
    /* get_latency_breakdown: interconnect / compute / memory time (s) */
    double prefill_io_sec, prefill_compute_sec, prefill_mem_sec;
    double generate_io_sec, generate_compute_sec, generate_mem_sec;
    /* get_tco_breakdown and the server TCO at the stage-weighted power */
    tco_t srv_tco;
    double tco_per_Mtoken, capex, opex;
} perf_t;

/* The micro-batch pass of `stage` for tensor size t, pipeline size p and
 * micro_batch sequences per micro-batch, by the system's perf_model:
 * perf_micro_batch_times, then perf_micro_batch_finish. */
void perf_micro_batch(const struct system_s *sys, perf_stage_t stage, double t, double p,
                      double micro_batch, micro_batch_t *out);
/* The pass without its bottleneck and breakdown (NULL and NAN), which only
 * reports read: what a search needs of the many passes it meets; it
 * finishes those it keeps. */
void perf_micro_batch_times(const struct system_s *sys, perf_stage_t stage, double t, double p,
                            double micro_batch, micro_batch_t *out);
/* perf_micro_batch_times on a stage size the system's perf_model built
 * (its stage_init, which it must have). */
void perf_micro_batch_times_at(const struct system_s *sys, const void *stage_size,
                               perf_stage_t stage, double micro_batch, micro_batch_t *out);
/* The pass's bottleneck and io/compute/memory shares, from its times. */
void perf_micro_batch_finish(const struct system_s *sys, micro_batch_t *o);

/* The reference model's pass (perf_model: reference), unfinished. */
void perf_micro_batch_reference(const struct system_s *sys, perf_stage_t stage, double t,
                                double p, double micro_batch, micro_batch_t *out);

/* Links of the tensor-parallel collectives and the stage-to-stage
 * bandwidth, by servers per pipeline stage. */
typedef struct {
    const io_link_t *links[2];
    int nlinks;
    double stage2stage_bw;
} stage_links_t;

stage_links_t perf_stage_links(const struct system_s *sys, double p);

/* Helpers of a pass that other models reuse: the bottleneck and breakdown
 * of its six matmuls, and the reference's core energy of a pass. */
const char *perf_micro_batch_bottleneck(const struct system_s *sys, const micro_batch_t *o);
void perf_micro_batch_breakdown(micro_batch_t *o);
void perf_micro_batch_energy(const struct system_s *sys, perf_stage_t stage, double t,
                             double micro_batch, micro_batch_t *o);

/* Evaluate `map` at `batch` from its prefill pass (prefill_micro_batch) and
 * generate pass (micro_batch). */
void perf_eval(const struct system_s *sys, const perf_mapping_t *map, double batch,
               const micro_batch_t *prefill, const micro_batch_t *generate, perf_t *out);

/* perf_eval without copying the passes into out->prefill_mb/generate_mb
 * (left untouched): for searches that copy them only for the mappings
 * they keep. */
void perf_eval_metrics(const struct system_s *sys, const perf_mapping_t *map, double batch,
                       const micro_batch_t *prefill, const micro_batch_t *generate,
                       perf_t *out);

/* perf_eval_metrics in parts, for a search that meets each prefill and
 * generate half many times: the prefill fields (from batch,
 * map->prefill_micro_batch and its pass) and the generate fields (batch,
 * map->micro_batch and its pass); perf_tco_per_token then gives, from both
 * halves (prefill and generate latency, utilization and power), the two
 * per-token TCOs exactly as perf_eval_metrics does: with the latencies,
 * the four objectives' values.  The rest of the record (TCO parts,
 * latency breakdown) is left out: the search evaluates its winners whole. */
void perf_eval_prefill(const struct system_s *sys, const perf_mapping_t *map, double batch,
                       const micro_batch_t *prefill, perf_t *out);
void perf_eval_generate(const struct system_s *sys, const perf_mapping_t *map, double batch,
                        const micro_batch_t *generate, perf_t *out);
/* Returns the TCO per inference (USD) the two are that divided by a
 * constant of the batch; when it is not below not_below_usd (INFINITY:
 * always computed) both are set to INFINITY instead: a division by the
 * same positive number keeps the order (IEEE division rounds
 * monotonically), so such a mapping cannot beat one whose TCO per
 * inference was not_below_usd, and a search that compares with `<` keeps
 * the same winners. */
double perf_tco_per_token(const struct system_s *sys, double batch, const perf_t *pre, const perf_t *gen,
                          double not_below_usd, double *prefill_tco_per_token, double *generate_tco_per_token);

/* A close estimate of perf_tco_per_token's TCO per inference for one
 * system and batch, for a search that meets most mappings only to discard
 * them: the TCO is linear in the server TDP (fix_part + TDP x the power
 * part per watt) and the TDP x the inference's latency is linear in the
 * halves' utilizations (or powers) x latencies, so the estimate is
 * fix_usd x (prefill + generate latency) + power_usd x (prefill
 * utilization x latency + generate utilization x latency), a few
 * multiplications instead of the TCO's chain of divisions.  Every term is
 * non-negative (`usable` says the constants make it so), hence the
 * estimate and perf_tco_per_token's value differ by rounding only, a few
 * units in the 16th digit; perf_tco_cannot_win keeps a 1e-9 relative
 * margin, so a mapping it discards is one perf_tco_per_token would have
 * given INFINITY: the same winners. */
typedef struct {
    bool usable;
    bool energy_model;          /* the halves' power, not utilization x server TDP */
    double fix_usd_per_s;       /* server TCO's fix part x servers / (life s x batch) */
    double power_usd_per_s;     /* power part per W x servers / (life s x batch) x W per unit */
} perf_tco_estimate_t;
void perf_tco_estimate_init(const struct system_s *sys, double batch, perf_tco_estimate_t *e);
/* A half's two terms in the estimate: its latency (s) and its latency x
 * its utilization (or, with the energy model, its power). */
static inline void perf_tco_prefill_terms(const perf_tco_estimate_t *e, const perf_t *pre, double *s,
                                          double *weighted_s)
{
    *s = pre->prefill_latency;
    *weighted_s = (e->energy_model ? pre->prefill_power : pre->prefill_utilization) * *s;
}
static inline void perf_tco_generate_terms(const perf_tco_estimate_t *e, const perf_t *gen, double *s,
                                           double *weighted_s)
{
    *s = gen->generate_latency;
    *weighted_s = (e->energy_model ? gen->generate_power : gen->generate_utilization) * *s;
}
/* True when halves with these terms give a TCO per inference at or above
 * not_below_usd for certain (see above); false when unsure.  Monotone: true
 * for some terms, it is true for any terms at least as large (IEEE sums
 * and products of non-negative numbers round monotonically), so the
 * smallest terms of several halves answer for all of them. */
static inline bool perf_tco_cannot_win(const perf_tco_estimate_t *e, double pre_s, double pre_weighted_s,
                                       double gen_s, double gen_weighted_s, double not_below_usd)
{
    if (!e->usable || !(pre_s >= 0 && pre_weighted_s >= 0 && gen_s >= 0 && gen_weighted_s >= 0))
        return false;
    double estimate = e->fix_usd_per_s * (pre_s + gen_s) + e->power_usd_per_s * (pre_weighted_s + gen_weighted_s);
    /* normal numbers only: the rounding bound does not hold for subnormals */
    return estimate > 1e-280 && estimate < INFINITY && estimate * (1 - 1e-9) >= not_below_usd;
}

/* The same, computing both passes. */
void perf_eval_mapping(const struct system_s *sys, const perf_mapping_t *map, double batch,
                       perf_t *out);

/* Prefill handled by num_sub_sys independent sub-systems (the reference's
 * dynamic mapping): `sub` is the system with num_servers set to the
 * sub-system size (all other derived fields of the full system kept), and
 * sub_map/sub_batch its mapping.  Prefill metrics come from the sub-system
 * (throughput, energy and power times num_sub_sys); generate, TCO and the
 * latency breakdown from `map` on the full system. */
void perf_eval_dynamic(const struct system_s *sys, const perf_mapping_t *map, double batch,
                       const micro_batch_t *prefill, const micro_batch_t *generate,
                       const struct system_s *sub, const perf_mapping_t *sub_map,
                       double sub_batch, const micro_batch_t *sub_prefill,
                       double num_sub_sys, perf_t *out);

/* perf_eval_dynamic without copying the passes (see perf_eval_metrics). */
void perf_eval_dynamic_metrics(const struct system_s *sys, const perf_mapping_t *map,
                               double batch, const micro_batch_t *prefill,
                               const micro_batch_t *generate, const struct system_s *sub,
                               const perf_mapping_t *sub_map, double sub_batch,
                               const micro_batch_t *sub_prefill, double num_sub_sys,
                               perf_t *out);

#endif

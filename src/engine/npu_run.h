/*
 * npu_run.h -- one NPU simulation: the merged configuration becomes a
 * chip and a model, the frontend builds the op lists of each phase
 * (prefill and decode, or the training pass), the per-operator model times
 * every op, and the batch driver's statistics (spec §9: TTFT, TPOT,
 * throughput, memory footprint) are computed per phase.
 *
 * Used by `hwsweep npu` and the NPU sweeps; writes nothing.
 */
#ifndef ENGINE_NPU_RUN_H
#define ENGINE_NPU_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "npu/npu.h"
#include "npu/npu_config.h"
#include "npu/npu_perf.h"
#include "ops/neusim_llm.h"
#include "engine/npu_family.h"

/* get_statistics_from_trace_file + dump_stats_llm (spec §9) */
typedef struct {
    int64_t total_pp_time_ns, total_pp_ici_time_ns, total_pp_dcn_time_ns;
    int64_t total_execution_time_non_pp_ns, overlapped_compute_time_non_pp_ns;
    int64_t compute_only_time_non_pp_ns, memory_only_time_non_pp_ns, ici_bound_time_non_pp_ns;
    int64_t total_execution_time_chip_ns, overlapped_compute_time_chip_ns, compute_only_time_chip_ns;
    int64_t memory_only_time_chip_ns, ici_bound_time_chip_ns;
    bool bounded_by_pp_chip;
    double throughput_tokens_per_sec;            /* prefill and decode */
    double TTFT_sec;                             /* prefill */
    double TPOT_ms_request, throughput_tokens_per_sec_request; /* decode */
    /* training (run_sim.py's training statistics) */
    int64_t total_execution_time_pod_ns, compute_only_time_pod_ns, memory_only_time_pod_ns;
    int64_t ici_bound_time_pod_ns, total_execution_time_ns;
    bool bounded_by_pp_dcn;
    double mem_footprint_GB;
    bool out_of_memory;
} npu_stats_t;

typedef enum { NPU_PHASE_PREFILL = 0, NPU_PHASE_DECODE, NPU_PHASE_TRAINING } npu_phase_kind_t;

typedef struct {
    npu_phase_kind_t kind;
    ns_oplist_t ops;
    npu_op_perf_t *perf;
    npu_op_detail_t *detail;
    npu_stats_t stats;
} npu_phase_t;

typedef struct {
    npu_config_t cfg;
    npu_chip_t chip;
    nsl_model_t model;
    bool compat, training;
    int nphase;
    npu_phase_t phase[2];
    int64_t num_pods, batch_size_per_pod, layers_per_pp_stage;
    /* part 2 (npu_family.h): the family and, for MoE, its record */
    npu_family_t family;
    nsd_model_t moe;
    /* DLRM: every chip's list (chip_phase[straggler] lives in phase[0]) */
    nsr_model_t *dlrm;
    npu_phase_t *chip_phase;
    int64_t nchip_phase, straggler;
    int64_t *chip_rep;   /* chip c has the list of chip chip_rep[c] (chips without whole tables are alike) */
    /* DiT, DLRM: requests per second and seconds per image / batch (spec §9) */
    double throughput_requests_per_sec, latency_sec, throughput_step_per_sec_per_request;
    /* DiT, GLIGEN: seconds per diffusion step (run_sim's latency_step_sec; compat divides
     * GLIGEN's by total_num_diffusion_steps once more, docs/npu-model.md) */
    double latency_step_sec;
} npu_run_t;

/* DLRM: chip c's timed list (its representative's; the straggler's is phase 0). */
const npu_phase_t *npu_run_chip_phase(const npu_run_t *r, int64_t c);

/* DLRM: run_sim's throughput_requests_per_sec of one chip's (or the straggler's) statistics. */
double npu_run_dlrm_requests_per_sec(const npu_run_t *r, const npu_stats_t *s);
/* The model record of a configuration. */
void npu_run_model(const npu_config_t *cfg, bool compat, nsl_model_t *m);

/* Run one simulation.  compat keeps every NeuSim quirk; otherwise the
 * quirks in keep_quirks (NSL_Q*) are kept and the others fixed.  cache may be NULL.  Returns 0, or 2 with err set
 * when the configuration is invalid (parallelism, shapes), 1 when out of
 * memory.  npu_run_free releases the result in every case. */
int npu_run(const npu_config_t *cfg, bool compat, unsigned keep_quirks, bool training, npu_tile_cache_t *cache, npu_run_t *r,
            char *err, size_t errlen);
/* The same on the configuration already in r->cfg (a sweep builds each
 * point's configuration there: one 106 KB copy less per configuration). */
int npu_run_in_place(npu_run_t *r, bool compat, unsigned keep_quirks, bool training, npu_tile_cache_t *cache,
                     char *err, size_t errlen);
void npu_run_free(npu_run_t *r);

const char *npu_phase_name(npu_phase_kind_t k); /* "prefill", "decode", "training" */
const char *npu_bound_name(npu_bound_t b);      /* "Compute", "Memory", "ICI/NVLink" */

#endif

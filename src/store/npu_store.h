/*
 * npu_store.h -- the SQLite database of an NPU sweep (hwsweep run with an
 * `npu:` section): tables npu_points (one row per configuration and phase:
 * the batch driver's statistics as columns, for DiT and DLRM one phase
 * "inference" with requests per second and latency, or why the configuration was
 * skipped), npu_ops (per-op rows, when the sweep asks), npu_runs and
 * npu_inputs (provenance), and the views npu_inference (prefill and decode
 * of a configuration side by side) and npu_best_throughput.
 *
 * A sweep's database is written to PATH.partial (WAL mode) one committed
 * chunk at a time and renamed over PATH when complete, in rollback-journal
 * mode; a killed run leaves the previous PATH as it was and PATH.partial
 * for --resume.  Merges write PATH.tmp in one piece.
 */
#ifndef STORE_NPU_STORE_H
#define STORE_NPU_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct npu_store npu_store_t;

/* One row of npu_points. */
typedef struct {
    int64_t point_id;
    const char *phase;            /* prefill, decode, training */
    const char *model, *chip, *workload, *set_values;
    int64_t num_chips, global_batch_size, microbatch_size_ici, input_seqlen, output_seqlen;
    int64_t dp, tp, pp, dp_dcn, pp_dcn, dp_axes, tp_axes, pp_axes;
    const char *status;           /* ok, out_of_memory, skipped */
    const char *reason;           /* NULL when ok */
    bool has_stats;
    int64_t total_execution_time_chip_ns, total_execution_time_non_pp_ns, total_pp_time_ns;
    int64_t compute_only_time_chip_ns, memory_only_time_chip_ns, ici_bound_time_chip_ns;
    bool bounded_by_pp_chip;
    double TTFT_sec, TPOT_ms_request, throughput_tokens_per_sec, throughput_tokens_per_sec_request;
    int64_t total_execution_time_ns;   /* training */
    double mem_footprint_GB;
    bool out_of_memory;
    bool has_energy;                   /* the chip's default strategy (NoPG) */
    double energy_per_token_J, avg_power_W;   /* J per token (per iteration in training), W per chip */
    /* part 2: expert parallelism (MoE; 0 elsewhere), and per request for the
     * one-phase families (phase "inference": DiT, DLRM; has_request_stats) */
    int64_t ep, etp;
    bool has_request_stats;
    double throughput_requests_per_sec, latency_sec, throughput_step_per_sec_per_request;
} npu_point_row_t;

/* One row of npu_energy: a phase of a point under one power-gating strategy. */
typedef struct {
    int64_t point_id;
    const char *phase, *strategy;
    double total_energy_J, avg_power_W, peak_power_W, energy_per_token_J, slowdown;
    bool has_carbon;
    double idle_power_W, fleet_avg_power_W, total_energy_kWh, carbon_kgCO2e, carbon_zero_embodied_kgCO2e,
        tokens_per_kgCO2e;
} npu_energy_row_t;

/* One row of npu_ops. */
typedef struct {
    int64_t point_id;
    const char *phase;
    int64_t op_index, fusion_id, count;
    const char *description, *name, *op_code, *op_type, *bounded_by;
    double execution_time_ns, compute_time_ns, memory_time_ns, ici_time_ns, mxu_time_ns, vpu_time_ns,
        vmem_time_ns, flops, bytes_accessed, weight_bytes, tflops_per_sec, flops_util, hbm_bw_util;
} npu_op_row_t;

/* Create PATH.tmp with the schema and a running npu_runs row; shard is
 * "I/N" ("1/1" for a whole sweep). */
npu_store_t *npu_store_create(const char *path, const char *command, const char *sweep, const char *shard,
                              int threads, char *err, size_t errlen);
/* Keep a copy of an input file. */
bool npu_store_input(npu_store_t *s, const char *role, const char *path, char *err, size_t errlen);
bool npu_store_point(npu_store_t *s, const npu_point_row_t *r, char *err, size_t errlen);
bool npu_store_op(npu_store_t *s, const npu_op_row_t *r, char *err, size_t errlen);
bool npu_store_energy(npu_store_t *s, const npu_energy_row_t *r, char *err, size_t errlen);
/* Commit, mark the run done and rename PATH.tmp (PATH.partial) to PATH.
 * ok = false discards PATH.tmp, or keeps PATH.partial's committed chunks
 * with the run marked failed.  Frees s. */
bool npu_store_finish(npu_store_t *s, bool ok, char *err, size_t errlen);
/* A resumable run stopped on request (Ctrl-C, SIGTERM): the committed
 * chunks stay in PATH.partial, the rows since the last commit are dropped,
 * the run is marked interrupted (--resume continues it).  Frees s. */
bool npu_store_interrupted(npu_store_t *s, char *err, size_t errlen);

/* An input file kept in npu_inputs (the sweep file, models, chips, system). */
typedef struct {
    const char *role, *path;
} npu_store_in_t;

/* Start a resumable sweep database at PATH.partial (the caller holds the
 * writer lock of PATH).  resume with a PATH.partial holding a recorded run:
 * it is continued (*resumed) when it is this sweep and shard with every
 * input file unchanged, else refused (*rc = 2, err names the file);
 * otherwise a fresh PATH.partial with the inputs.  NULL with *rc = 1 on
 * failure.  The run row and inputs are committed before it returns. */
npu_store_t *npu_store_begin(const char *path, bool resume, const char *command, const char *sweep,
                             const char *shard, int threads, const npu_store_in_t *in, int n_in, int *rc,
                             bool *resumed, char *err, size_t errlen);
/* Commit the rows stored since the last commit (one chunk) and go on. */
bool npu_store_commit(npu_store_t *s, char *err, size_t errlen);
/* Mark done[point_id] = 1 (point_id < n) for every configuration stored;
 * *count gets how many were newly marked. */
bool npu_store_done_points(npu_store_t *s, unsigned char *done, size_t n, size_t *count, char *err, size_t errlen);
/* A finished database at path is this sweep and shard with unchanged inputs:
 * 0; 2 with the reason in err when not; 1 when unreadable. */
int npu_store_is_complete(const char *path, const char *sweep, const char *shard, const npu_store_in_t *in,
                          int n_in, char *err, size_t errlen);

/* Merge the shard databases of one NPU sweep into out (written as out.tmp,
 * renamed when complete).  Returns 0, 2 when the shards do not make one
 * whole sweep (different sweep files, duplicates, missing or unfinished
 * shards; err says which), 1 on failure. */
int npu_store_merge(const char *out, char *const *shards, int n, const char *command, char *err, size_t errlen);

/* Queries of `hwsweep query` on an NPU sweep database: what = summary, best
 * (npu_best_throughput) or pareto (TTFT x TPOT frontier per model, chip and
 * sequence lengths, which answers "lowest TPOT under a TTFT bound").  The
 * SQL takes the model filter as ?1 when with_model.  NULL when unknown. */
const char *npu_store_query_sql(const char *what, int with_model);
/* 1 when path is an NPU sweep database (has npu_points), else 0. */
int npu_store_is_npu_db(const char *path);

#endif

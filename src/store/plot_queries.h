/*
 * plot_queries.h -- every read behind `hwsweep plot` and `hwsweep report`:
 * the database opened read-only, the models and eval lengths present, and
 * one query per picture, each returning plain records (no SQL leaves
 * src/store).
 *
 * A selection (pq_sel_t) narrows the rows: a model, an eval length and an
 * optional SQL condition (--where) over the tables behind the picture,
 * under these aliases:
 *   perf pictures (pareto, latency-batch, tco-breakdown, report tables):
 *     f = perf, s = systems, v = servers;
 *   hardware pictures (area-power, invalid):
 *     c = chips, k = packages, v = servers, s = systems (each NULL where the
 *     point stops before that level);
 *   npu-energy (an NPU sweep database): n = npu_points, e = npu_energy
 *     (when the sweep evaluated power-gating strategies).
 */
#ifndef STORE_PLOT_QUERIES_H
#define STORE_PLOT_QUERIES_H

#include <sqlite3.h>
#include <stddef.h>

#define PQ_NAME_MAX 128
#define PQ_REASON_MAX 160

typedef struct {
    const char *model;      /* NULL: every model (hardware pictures only) */
    int has_eval;           /* prefill_len/generate_len given */
    double prefill_len, generate_len;
    const char *where;      /* NULL or an SQL condition (see above) */
    char model_buf[PQ_NAME_MAX];   /* storage model may point to */
} pq_sel_t;

/* A list of strings (models) or eval lengths. */
typedef struct {
    size_t n;
    char (*name)[PQ_NAME_MAX];
} pq_names_t;

typedef struct {
    size_t n;
    double *prefill_len, *generate_len;
} pq_evals_t;

/* One candidate point of the generate trade-off: a valid system at one
 * batch, with the mapping chosen by the generate_latency or generate_tco
 * objective (identical points once). on_front: on the frontier of
 * (generate_latency, tco_per_Mtoken) over every batch of the selection;
 * on_front_throughput: on that of (generate_throughput maximized,
 * tco_per_Mtoken). */
typedef struct {
    char hardware[PQ_NAME_MAX];
    long long system_id, server_id;
    int batch, on_front, on_front_throughput;
    double t, p, micro_batch;
    double generate_latency_s, tco_per_Mtoken_usd, generate_throughput;   /* tokens/s */
} pq_point_t;

/* One point of a system's curve over batch (objective generate_latency). */
typedef struct {
    long long system_id;
    char hardware[PQ_NAME_MAX];
    long long server_id;
    int batch;
    double generate_latency_s, generate_throughput, tco_per_Mtoken_usd;
} pq_curve_pt_t;

/* A design (system at one batch, objective generate_tco) with what its TCO
 * breakdown needs: the perf row's capex/opex and the server's cost and
 * TCO parts (servers table: the server at its TDP; the shares carry over,
 * see plot_tco.c), and its parameters for the report. */
typedef struct {
    char hardware[PQ_NAME_MAX];
    long long system_id, server_id;
    int batch;
    double t, p, micro_batch, num_servers, num_chips;
    double generate_latency_s, generate_throughput, tco_per_Mtoken_usd, capex_usd, opex_usd;
    /* server */
    double chip_area_mm2, chip_tops, chip_sram_mb, chip_cost_usd, pkg_num_chips, pkg_dram_gb,
        pkg_dram_bw_TB_per_sec, srv_num_packages, srv_tdp_w, srv_cost_usd, cost_all_package_usd,
        cost_all_heatsinks_usd, cost_all_fans_usd;
    double tco_dc_amortization_usd, tco_dc_interest_usd, tco_dc_opex_usd, tco_srv_power_usd,
        tco_pue_overhead_usd;
} pq_design_t;

/* A hardware point where its enumeration stopped: an invalid chip, an
 * invalid package, or a server (valid or not). */
typedef struct {
    char level[16];                  /* "chip", "package", "server" */
    int valid;
    char reason[PQ_REASON_MAX];      /* the reason's class (numbers as #); "" when valid */
    double die_area_mm2;             /* the chip's die area */
    double power_w;                  /* chip TDP, package TDP or server core power (package TDP
                                        for a server refused before its power is known) */
} pq_hw_point_t;

/* Invalid points per level and reason class. */
typedef struct {
    char level[16];                  /* "chip", "package", "server", "system" */
    char reason[PQ_REASON_MAX];
    long long count;
} pq_reason_count_t;

/* Energy per token of one npu_points row under one power-gating strategy. */
typedef struct {
    char label[PQ_NAME_MAX];
    char strategy[PQ_NAME_MAX];
    double energy_per_token_j;
} pq_npu_energy_t;

/* NPU sweep configurations (points) and their phase rows per status and
 * reason class. */
typedef struct {
    char status[32];
    char reason[PQ_REASON_MAX];
    long long points, rows;
} pq_npu_status_t;

/* One npu_points row of a best-configuration table (-1: NULL). */
typedef struct {
    long long point_id;
    char phase[16], model[PQ_NAME_MAX], chip[PQ_NAME_MAX];
    int num_chips, global_batch_size, dp, tp, pp, input_seqlen, output_seqlen;
    double throughput_tokens_per_sec, throughput_tokens_per_sec_per_chip, TTFT_sec, TPOT_ms_request,
        energy_per_token_J, avg_power_W;
} pq_npu_best_t;

/* Counts for the report. */
typedef struct {
    long long chips, valid_chips, packages, valid_packages, servers, valid_servers, systems, valid_systems,
        perf_rows;
} pq_counts_t;

typedef struct {
    char kind[16], command[1024], tool_version[32], started_at[40], ended_at[40], status[16];
    int threads;
} pq_run_t;

typedef struct {
    char role[32], path[1024], sha256[80];
} pq_input_t;

/* Open path read-only (file:...?mode=ro) and check that it is a hwsweep
 * database; the views are supplied in the temp schema when the database
 * lacks them or their indexes.  All reads then share one snapshot.  NULL
 * on failure with err; *bad_input = 1 when the file is missing or not a
 * hwsweep database. */
sqlite3 *pq_open(const char *path, int *bad_input, char *err, size_t errlen);
void pq_close(sqlite3 *db);

int pq_models(sqlite3 *db, pq_names_t *out, char *err, size_t errlen);
int pq_eval_lens(sqlite3 *db, const char *model, pq_evals_t *out, char *err, size_t errlen);
/* 1 when the database has table name. */
int pq_has_table(sqlite3 *db, const char *name);
/* The batch a summary looks at for (model, eval): 8 when evaluated, else
 * the largest; 0 when none. */
int pq_summary_batch(sqlite3 *db, const pq_sel_t *sel);

int pq_pareto_points(sqlite3 *db, const pq_sel_t *sel, pq_point_t **out, size_t *n, char *err, size_t errlen);
/* The curves of the systems best at the summary batch (up to max_systems:
 * the best generate_tco ones first, then the best generate_latency one),
 * every batch of each, ordered by system then batch. */
int pq_batch_curves(sqlite3 *db, const pq_sel_t *sel, int max_systems, pq_curve_pt_t **out, size_t *n,
                    char *err, size_t errlen);
/* The max_designs systems of lowest TCO per million output tokens at batch. */
int pq_best_designs(sqlite3 *db, const pq_sel_t *sel, int batch, int max_designs, pq_design_t **out, size_t *n,
                    char *err, size_t errlen);
int pq_hw_points(sqlite3 *db, const pq_sel_t *sel, pq_hw_point_t **out, size_t *n, char *err, size_t errlen);
/* Invalid points per level and reason class, by level then count. */
int pq_invalid_counts(sqlite3 *db, const pq_sel_t *sel, pq_reason_count_t **out, size_t *n, char *err,
                      size_t errlen);
/* 1 when db holds a hardware/software sweep (chips, packages, servers,
 * systems, perf); pq_is_npu: 1 when it holds an NPU sweep (npu_points).
 * pq_open accepts either. */
int pq_is_reallm(sqlite3 *db);
int pq_is_npu(sqlite3 *db);
/* The models of npu_points. */
int pq_npu_models(sqlite3 *db, pq_names_t *out, char *err, size_t errlen);
/* Energy per token of each evaluated configuration and phase per
 * power-gating strategy (npu_energy; npu_points' own value as "default"
 * without it), labelled "model chip xN bB dpD tpT ppP phase", by point,
 * prefill first, strategies in NeuSim's order.  1 when npu_points is absent
 * (err says so), -1 on other errors. */
int pq_npu_energy(sqlite3 *db, const pq_sel_t *sel, pq_npu_energy_t **out, size_t *n, char *err, size_t errlen);
/* npu_points per status and reason class, ok first. */
int pq_npu_status_counts(sqlite3 *db, pq_npu_status_t **out, size_t *n, char *err, size_t errlen);
/* The per_phase best evaluated rows of each phase: by throughput per chip
 * (by_energy 0) or by lowest energy per token (npu_points' strategy). */
int pq_npu_best(sqlite3 *db, int by_energy, int per_phase, pq_npu_best_t **out, size_t *n, char *err,
                size_t errlen);

int pq_counts(sqlite3 *db, pq_counts_t *out, char *err, size_t errlen);
int pq_runs(sqlite3 *db, pq_run_t **out, size_t *n, char *err, size_t errlen);
int pq_inputs(sqlite3 *db, pq_input_t **out, size_t *n, char *err, size_t errlen);

/* The row sources a --where condition applies to (aliases above). */
enum { PQ_PERF = 0, PQ_HW = 1, PQ_NPU = 2 };
/* 0 when where is a valid condition for family; else -1 with sqlite's
 * complaint in err.  (npu: 0 when npu_points is absent.) */
int pq_check_where(sqlite3 *db, int family, const char *where, char *err, size_t errlen);

/* The class of an invalid reason: each number replaced by '#'
 * ("Heat sink 45.7 W cannot cool package TDP 102.7 W" -> "Heat sink # W cannot
 * cool package TDP # W"); digits inside words (mm2, HBM3) stay. */
void pq_reason_class(const char *reason, char *out, size_t len);

void pq_names_free(pq_names_t *x);
void pq_evals_free(pq_evals_t *x);

#endif

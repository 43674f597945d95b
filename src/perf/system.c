/*
 * system.c -- system sizing, per-chip memory bandwidth, candidate mappings
 * and the best-mapping search of one system point (ReaLLM v1 System.py).
 *
 * The search memoizes micro-batch passes per (stage, p, micro-batch size):
 * a pass does not depend on the batch, and t follows from p, so every
 * mapping of every batch reuses the same passes.  perf_eval then only adds
 * the pipeline schedule, energy and TCO, so results are bit-identical to
 * evaluating each mapping from scratch.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/numfmt.h"
#include "perf/system.h"

const char *const perf_objective_names[OBJ_COUNT] = {
    "prefill_latency", "prefill_tco", "generate_latency", "generate_tco"};

/* ---- sizing -------------------------------------------------------------- */

/* Smallest count >= n that divides num_layers, or, past num_layers, the
 * next multiple of it. */
static double servers_dividing_layers(double n, double num_layers)
{
    if (num_layers > n)
        while (fmod(num_layers, n) != 0)
            n += 1;
    else
        while (fmod(n, num_layers) != 0)
            n += 1;
    return n;
}

/* Servers and total memory from the KV-cache share or the batch-1 context. */
static void size_by_kv_cache(system_t *sys)
{
    const model_t *m = &sys->model;
    double required_mem;
    if (sys->kv_cache_ratio)
        required_mem = m->model_size_byte / (1 - sys->kv_cache_ratio);
    else
        required_mem = m->model_size_byte +
                       sys->max_ctx_len_batch_1 * m->kv_cache_size_per_token_byte;
    if (sys->num_servers == 0 || sys->num_servers * sys->srv->total_mem < required_mem) {
        sys->num_servers = ceil(required_mem / sys->srv->total_mem);
        /* quirk: grow the server count until it divides num_layers (or is a multiple) */
        sys->num_servers = servers_dividing_layers(sys->num_servers, m->num_layers);
    }
    sys->total_mem = sys->num_servers * sys->srv->total_mem;
}

/* Bandwidth (bytes/s) each chip reads weights at, before efficiency. */
static bool weight_bw_per_chip(const system_t *sys, double *bw, char *msg, size_t msglen)
{
    const package_t *pkg = sys->srv->package;
    const chip_t *chip = pkg->chip;
    if (chip->mem_3d_vaults > 0) {
        const char *type = pkg->mem_3d.mem_type;
        if (strstr(type, "SRAM") || strstr(type, "sram")) {
            double bw_3d = pkg->mem_3d.bandwidth * chip->mem_3d_vaults;
            double cap_3d = pkg->mem_3d.cap * chip->mem_3d_vaults;
            double total_sram = chip->sram + cap_3d;
            *bw = bw_3d * cap_3d / total_sram + chip->sram_bw * chip->sram / total_sram;
        } else if (strstr(type, "DRAM") || strstr(type, "dram")) {
            *bw = pkg->dram_bw_per_chip;
        } else {
            snprintf(msg, msglen, "unsupported 3D memory type '%s'", type);
            return false;
        }
    } else if (pkg->num_hbm_stacks > 0) {
        *bw = pkg->dram_bw_per_chip;
    } else {
        *bw = chip->sram_bw;
    }
    return true;
}

system_status_t system_size(system_t *sys, char *msg, size_t msglen)
{
    const server_t *srv = sys->srv;
    const model_t *m = &sys->model;
    if (sys->kv_cache_ratio || sys->max_ctx_len_batch_1) {
        size_by_kv_cache(sys);
    } else if (sys->num_servers || sys->max_tco) {
        if (!sys->num_servers)
            sys->num_servers = ceil(sys->max_tco / srv->tco.total);
        sys->total_mem = sys->num_servers * srv->total_mem;
        if (sys->total_mem < m->model_size_byte) {
            char have[40], need[40];
            num_repr(have, sizeof have, sys->total_mem / 1024 / 1024 / 1024);
            num_repr(need, sizeof need, m->model_size_byte / 1024 / 1024 / 1024);
            snprintf(msg, msglen,
                     "Total memory is %s GB, which is less than the model size %s GB.", have,
                     need);
            return SYSTEM_UNDERSIZED;
        }
    } else {
        snprintf(msg, msglen,
                 "give one of kv_cache_ratio, max_ctx_len_batch_1, num_servers or max_tco");
        return SYSTEM_CONFIG_ERROR;
    }
    sys->kv_cache_ratio = 1 - m->model_size_byte / sys->total_mem;
    double kv_cache_mem = sys->kv_cache_ratio * sys->total_mem;
    if (!sys->max_ctx_len_batch_1)
        sys->max_ctx_len_batch_1 = floor(kv_cache_mem / m->kv_cache_size_per_token_byte);
    sys->max_tco = srv->tco.total * sys->num_servers;
    sys->num_packages = sys->num_servers * srv->num_packages;
    sys->num_chips = sys->num_servers * srv->num_chips;

    double bw;
    if (!weight_bw_per_chip(sys, &bw, msg, msglen))
        return SYSTEM_CONFIG_ERROR;
    sys->weight_bw_per_chip = bw * sys->weight_bandwidth_efficiency;
    sys->kv_bw_per_chip = sys->weight_bw_per_chip;

    sys->perf = sys->num_servers * srv->perf;
    sys->tdp = sys->num_servers * srv->tdp;
    sys->core_tdp = sys->num_servers * srv->core_tdp;
    sys->other_tdp = sys->tdp - sys->core_tdp;
    return SYSTEM_OK;
}

/* ---- mappings ------------------------------------------------------------ */

int system_all_p(double num_layers, double *p_out, int cap)
{
    int n = 0;
    double last_layers_per_stage = 0;
    for (double p = 1; p <= num_layers && n < cap; p++) {
        double layers_per_stage = ceil(num_layers / p);
        if (layers_per_stage == last_layers_per_stage)
            continue;
        last_layers_per_stage = layers_per_stage;
        p_out[n++] = p;
    }
    return n;
}

/* Packages per pipeline stage: whole servers per stage, or an even share
 * of one server's packages when stages outnumber servers. */
static bool stage_packages(const system_t *sys, double p, double *t_pkg)
{
    const server_t *srv = sys->srv;
    if (sys->num_servers >= p) {
        *t_pkg = floor(sys->num_servers / p) * srv->num_packages;
        return true;
    }
    if (fmod(p, sys->num_servers) != 0)
        return false;
    double pipelines_per_server = p / sys->num_servers;
    *t_pkg = floor(srv->num_packages / pipelines_per_server);
    return true;
}

bool system_stage_chips(const system_t *sys, double p, double *t_chip)
{
    double t_pkg;
    if (!stage_packages(sys, p, &t_pkg))
        return false;
    *t_chip = t_pkg * sys->srv->package->num_chips;
    return true;
}

bool system_mapping_fits(const system_t *sys, double p, double batch, double min_ctx_len)
{
    double t_pkg;
    if (!stage_packages(sys, p, &t_pkg))
        return false;
    double total_used_mem = t_pkg * sys->srv->package->total_mem * p;
    const model_t *m = &sys->model;
    return !(total_used_mem <
             m->model_size_byte + batch * min_ctx_len * m->kv_cache_size_per_token_byte);
}

/* ---- configuration ------------------------------------------------------- */

static double or_default(double v, double dflt)
{
    return v ? v : dflt;
}

static bool system_init(system_t *sys, const server_t *srv, const hw_constants_t *hc,
                        const model_cfg_t *mcfg, const system_cfg_t *cfg, char *err,
                        size_t errlen)
{
    memset(sys, 0, sizeof *sys);
    sys->srv = srv;
    sys->hc = hc;
    sys->tco_factors = hw_tco_factors(&hc->tco, hc->server.SrvLife);
    sys->srv_tco_server_part = hw_tco_server_part(&hc->tco, &sys->tco_factors, srv->cost, hc->server.SrvLife);
    hw_tco_add_power(&hc->tco, &sys->tco_factors, 1.0, hc->server.SrvLife, &sys->srv_tco_per_w);
    if (!model_derive(mcfg, &sys->model, err, errlen))
        return false;
    const char *algo = cfg->allreduce_algo[0] ? cfg->allreduce_algo : "ring";
    if (!(sys->allreduce = allreduce_find(algo, err, errlen)))
        return false;
    if (!(sys->dataflow = matmul_find(srv->package->chip->dataflow, err, errlen)))
        return false;
    if (!(sys->perf_model = perf_model_find(cfg->perf_model, err, errlen)))
        return false;
    sys->max_batch = or_default(cfg->max_batch, 1024);
    sys->prefill_len = or_default(cfg->prefill_len, 128);
    sys->generate_len = or_default(cfg->generate_len, 129);
    sys->energy_model = cfg->energy_model;
    sys->compute_perf_efficiency = or_default(cfg->compute_perf_efficiency, 1);
    sys->io_bandwidth_efficiency = or_default(cfg->io_bandwidth_efficiency, 1);
    sys->weight_bandwidth_efficiency = or_default(cfg->weight_bandwidth_efficiency, 1);
    sys->sub_sys_num_servers = cfg->sub_sys_num_servers;
    sys->num_servers = cfg->num_servers;
    sys->kv_cache_ratio = cfg->kv_cache_ratio;
    sys->max_ctx_len_batch_1 = cfg->max_ctx_len_batch_1;
    sys->max_tco = cfg->max_tco;
    if (sys->perf_model->derive && !sys->perf_model->derive(sys, mcfg, cfg, err, errlen))
        return false;
    sys->prefill_flops = model_prefill_flops(&sys->model, sys->prefill_len);
    sys->generate_flops =
        model_generate_flops(&sys->model, sys->prefill_len + sys->generate_len / 2);
    return true;
}

/* ---- the search ---------------------------------------------------------- */

typedef struct {
    const system_t *sys;
    int n_p, n_mb;
    double *p, *t;           /* [n_p] pipeline sizes and their chips per stage */
    micro_batch_t *passes;   /* [2][n_p][n_mb] */
    bool *filled;
    /* [n_p] the perf_model's stage sizes (perf_model_t.stage_init), built on
     * first use; NULL when the model has none */
    unsigned char *stages;
    bool *stage_built;
    perf_t *prefill_half;    /* [n_mb] search_generated's prefill halves of one p (off its stack) */
} pass_memo_t;

static bool memo_init(pass_memo_t *memo, const system_t *sys, int n_batch)
{
    /* ceil(L / p) takes at most 2 sqrt(L) + 1 distinct values */
    int cap = (int)(2 * sqrt(sys->model.num_layers)) + 2;
    memset(memo, 0, sizeof *memo);
    memo->sys = sys;
    memo->p = malloc((size_t)cap * sizeof *memo->p);
    memo->t = malloc((size_t)cap * sizeof *memo->t);
    if (!memo->p || !memo->t)
        return false;
    memo->n_p = system_all_p(sys->model.num_layers, memo->p, cap);
    memo->n_mb = n_batch;
    size_t n = (size_t)2 * (size_t)memo->n_p * (size_t)(n_batch > 0 ? n_batch : 1);
    memo->passes = malloc(n * sizeof *memo->passes);
    memo->filled = calloc(n, sizeof *memo->filled);
    memo->prefill_half = malloc((size_t)(n_batch > 0 ? n_batch : 1) * sizeof *memo->prefill_half);
    for (int i = 0; i < memo->n_p; i++)
        if (!system_stage_chips(sys, memo->p[i], &memo->t[i]))
            memo->t[i] = -1;
    const perf_model_t *pm = sys->perf_model;
    if (pm && pm->stage_init) {
        memo->stages = malloc((size_t)(memo->n_p > 0 ? memo->n_p : 1) * pm->stage_size);
        memo->stage_built = calloc((size_t)(memo->n_p > 0 ? memo->n_p : 1), sizeof *memo->stage_built);
        if (!memo->stages || !memo->stage_built)
            return false;
    }
    return memo->passes && memo->filled && memo->prefill_half;
}

static void memo_free(pass_memo_t *memo)
{
    free(memo->p);
    free(memo->t);
    free(memo->passes);
    free(memo->filled);
    free(memo->prefill_half);
    free(memo->stages);
    free(memo->stage_built);
}

/* Fill memo entry idx: the pass of `stage` for the i-th p and micro-batch
 * 1 << k.  Kept out of line (GCC and Clang's noinline) so that memo_pass's
 * lookups, most of its calls, save no more registers than before. */
__attribute__((noinline)) static void memo_fill(pass_memo_t *memo, size_t idx, perf_stage_t stage, int i, int k)
{
    double micro_batch = (double)(1ull << k);   /* 2^k, k < 62 */
    if (memo->stages) {
        void *st = memo->stages + (size_t)i * memo->sys->perf_model->stage_size;
        if (!memo->stage_built[i]) {
            memo->sys->perf_model->stage_init(memo->sys, memo->t[i], memo->p[i], st);
            memo->stage_built[i] = true;
        }
        perf_micro_batch_times_at(memo->sys, st, stage, micro_batch, &memo->passes[idx]);
    } else {
        perf_micro_batch_times(memo->sys, stage, memo->t[i], memo->p[i], micro_batch,
                               &memo->passes[idx]);
    }
    memo->filled[idx] = true;
}

/* Pass of `stage` for the i-th p and micro-batch 1 << k. */
static const micro_batch_t *memo_pass(pass_memo_t *memo, perf_stage_t stage, int i, int k)
{
    size_t idx = ((size_t)stage * (size_t)memo->n_p + (size_t)i) * (size_t)memo->n_mb + (size_t)k;
    if (!memo->filled[idx])
        memo_fill(memo, idx, stage, i, k);
    return &memo->passes[idx];
}

double perf_objective_value(const perf_t *p, perf_objective_t obj)
{
    switch (obj) {
    case OBJ_PREFILL_LATENCY: return p->prefill_latency;
    case OBJ_PREFILL_TCO: return p->prefill_tco_per_token;
    case OBJ_GENERATE_LATENCY: return p->generate_latency;
    default: return p->generate_tco_per_token;
    }
}

/* Running best of the four objectives at one batch: each winner's value,
 * mapping and passes (in the memo, or the caller's for the default
 * mapping); best_finish evaluates the winners again (the same function on
 * the same inputs: the same bits) into the result, so a mapping that
 * improves an objective costs no copy of the whole record. */
typedef struct {
    double value[OBJ_COUNT];
    double tco_per_inference[OBJ_COUNT]; /* the winner's, for the TCO objectives of search_generated */
    perf_mapping_t map[OBJ_COUNT];
    const micro_batch_t *prefill[OBJ_COUNT], *generate[OBJ_COUNT];
    bool has[OBJ_COUNT];
} batch_best_t;

/* value[o]: objective o's value (perf_objective_value) of the mapping,
 * whose TCO per inference is tco_per_inference (or NAN, unknown). */
static void best_offer_one(batch_best_t *bb, int o, double v, double tco_per_inference,
                           const perf_mapping_t *map, const micro_batch_t *prefill, const micro_batch_t *generate)
{
    if (v < bb->value[o]) { /* strict: ties keep the first mapping */
        bb->value[o] = v;
        bb->tco_per_inference[o] = tco_per_inference;
        bb->map[o] = *map;
        bb->prefill[o] = prefill;
        bb->generate[o] = generate;
        bb->has[o] = true;
    }
}

static void best_offer_values(batch_best_t *bb, const double *value, double tco_per_inference,
                              const perf_mapping_t *map, const micro_batch_t *prefill, const micro_batch_t *generate)
{
    for (int o = 0; o < OBJ_COUNT; o++)
        best_offer_one(bb, o, value[o], tco_per_inference, map, prefill, generate);
}

/* A TCO per inference at or above both TCO winners' beats neither. */
static double tco_not_below(const batch_best_t *bb)
{
    if (!bb->has[OBJ_PREFILL_TCO] || !bb->has[OBJ_GENERATE_TCO])
        return INFINITY;
    /* fmax's result, without its call */
    double a = bb->tco_per_inference[OBJ_PREFILL_TCO], b = bb->tco_per_inference[OBJ_GENERATE_TCO];
    return a > b || b != b ? a : b;
}

static void best_offer(batch_best_t *bb, const perf_t *p, const perf_mapping_t *map,
                       const micro_batch_t *prefill, const micro_batch_t *generate)
{
    double value[OBJ_COUNT];
    for (int o = 0; o < OBJ_COUNT; o++)
        value[o] = perf_objective_value(p, (perf_objective_t)o);
    best_offer_values(bb, value, NAN, map, prefill, generate);
}

/* The sub-system prefill of the dynamic mapping at one batch. */
typedef struct {
    bool on;
    system_t sub;
    perf_mapping_t map;
    double batch, num_sub_sys;
    micro_batch_t prefill;
} dynamic_t;

/* Decide whether `batch` runs prefill on sub-systems (System._software_update). */
static void dynamic_plan(const system_t *sys, double batch, dynamic_t *dyn)
{
    dyn->on = false;
    double num_sub_sys = floor(sys->num_servers / sys->sub_sys_num_servers);
    double sub_batch = floor(batch / num_sub_sys);
    if (sub_batch < 1)
        return;
    system_t sized = *sys;
    sized.num_servers = sys->sub_sys_num_servers;
    sized.kv_cache_ratio = 0;
    sized.max_ctx_len_batch_1 = 0;
    char msg[SYSTEM_REASON_MAX];
    if (system_size(&sized, msg, sizeof msg) != SYSTEM_OK || !sized.max_ctx_len_batch_1)
        return;
    double max_sub_ctx_len = floor(sized.max_ctx_len_batch_1 / sub_batch);
    if (max_sub_ctx_len < sys->prefill_len)
        return;
    double total_len = sys->prefill_len + sys->generate_len;
    double sub_ctx_len = max_sub_ctx_len < total_len ? max_sub_ctx_len : total_len;
    /* the prefill runs on the full system's fields with only num_servers changed */
    dyn->sub = *sys;
    dyn->sub.num_servers = sys->sub_sys_num_servers;
    if (sub_ctx_len < total_len)
        dyn->sub.generate_len = sub_ctx_len - sys->prefill_len;
    dyn->map = (perf_mapping_t){sized.num_chips, 1, sub_batch, sub_batch};
    dyn->batch = sub_batch;
    dyn->num_sub_sys = num_sub_sys;
    perf_micro_batch(&dyn->sub, STAGE_PREFILL, dyn->map.t, 1, sub_batch, &dyn->prefill);
    dyn->on = true;
}

static void eval_metrics(const system_t *sys, const perf_mapping_t *map, double batch,
                         const micro_batch_t *prefill, const micro_batch_t *generate,
                         const dynamic_t *dyn, perf_t *p)
{
    if (dyn && dyn->on)
        perf_eval_dynamic_metrics(sys, map, batch, prefill, generate, &dyn->sub, &dyn->map,
                                  dyn->batch, &dyn->prefill, dyn->num_sub_sys, p);
    else
        perf_eval_metrics(sys, map, batch, prefill, generate, p);
}

static void eval_one(const system_t *sys, const perf_mapping_t *map, double batch,
                     const micro_batch_t *prefill, const micro_batch_t *generate,
                     const dynamic_t *dyn, batch_best_t *bb)
{
    perf_t p;
    eval_metrics(sys, map, batch, prefill, generate, dyn, &p);
    best_offer(bb, &p, map, prefill, generate);
}

/* The winners of one batch, whole, into best[OBJ_COUNT] and has[OBJ_COUNT]. */
static void best_finish(const batch_best_t *bb, const system_t *sys, double batch,
                        const dynamic_t *dyn, perf_t *best, bool *has)
{
    for (int o = 0; o < OBJ_COUNT; o++) {
        if (!bb->has[o])
            continue;
        /* the memo's passes are unfinished (perf_micro_batch_times) */
        micro_batch_t prefill = *bb->prefill[o], generate = *bb->generate[o];
        perf_micro_batch_finish(sys, &prefill);
        perf_micro_batch_finish(sys, &generate);
        perf_t p;
        eval_metrics(sys, &bb->map[o], batch, &prefill, &generate, dyn, &p);
        best[o] = p;
        best[o].prefill_mb = prefill;
        best[o].generate_mb = generate;
        has[o] = true;
    }
}

/* Every generated mapping of one batch, in the reference's order: p, then
 * micro_batch, then prefill_micro_batch (powers of two).  Without the
 * dynamic mapping, each prefill half (p, prefill_micro_batch) and generate
 * half (p, micro_batch) is evaluated once and only the TCO per token is
 * evaluated per mapping; the objectives' values are those of
 * perf_eval_metrics, which best_finish uses for the winners. */
static void search_generated(pass_memo_t *memo, double batch, const dynamic_t *dyn,
                             batch_best_t *bb)
{
    const system_t *sys = memo->sys;
    double min_ctx_len = sys->prefill_len + sys->generate_len;
    perf_tco_estimate_t estimate;
    perf_tco_estimate_init(sys, batch, &estimate);
    for (int i = 0; i < memo->n_p; i++) {
        if (memo->t[i] < 0 || !system_mapping_fits(sys, memo->p[i], batch, min_ctx_len))
            continue;
        if (dyn->on) {
            double micro_batch = 1;
            for (int k = 0; micro_batch <= batch; k++, micro_batch *= 2) {
                const micro_batch_t *gen = memo_pass(memo, STAGE_GENERATE, i, k);
                double prefill_micro_batch = 1;
                for (int j = 0; j <= k; j++, prefill_micro_batch *= 2) {
                    const micro_batch_t *pre = memo_pass(memo, STAGE_PREFILL, i, j);
                    perf_mapping_t map = {memo->t[i], memo->p[i], micro_batch, prefill_micro_batch};
                    eval_one(sys, &map, batch, pre, gen, dyn, bb);
                }
            }
            continue;
        }
        /* [j]: k < memo->n_mb, and batch_count caps it below 62 */
        perf_t *prefill_half = memo->prefill_half;
        const micro_batch_t *prefill_pass[64];
        double pre_s[64], pre_weighted_s[64], min_pre_s = INFINITY, min_pre_weighted_s = INFINITY;
        bool pre_terms_ok = true;
        double micro_batch = 1;
        for (int k = 0; micro_batch <= batch; k++, micro_batch *= 2) {
            perf_mapping_t map = {memo->t[i], memo->p[i], micro_batch, micro_batch};
            perf_t p;
            const micro_batch_t *gen = memo_pass(memo, STAGE_GENERATE, i, k);
            /* the prefill half of prefill_micro_batch = micro_batch is new */
            prefill_pass[k] = memo_pass(memo, STAGE_PREFILL, i, k);
            perf_eval_prefill(sys, &map, batch, prefill_pass[k], &prefill_half[k]);
            perf_eval_generate(sys, &map, batch, gen, &p);
            /* The generate latency depends on k alone and the prefill
             * latency on j alone, so each can win only where it is first
             * met in the order (k, then j <= k), ties keeping the first:
             * the generate latency at j = 0, the prefill latency at j = k. */
            map.prefill_micro_batch = 1;
            best_offer_one(bb, OBJ_GENERATE_LATENCY, p.generate_latency, NAN, &map, prefill_pass[0], gen);
            map.prefill_micro_batch = micro_batch;
            best_offer_one(bb, OBJ_PREFILL_LATENCY, prefill_half[k].prefill_latency, NAN, &map,
                           prefill_pass[k], gen);
            /* The TCOs: no j of this k can win when the smallest prefill
             * terms cannot (perf_tco_cannot_win is monotone); else each j
             * the estimate does not rule out is evaluated exactly. */
            perf_tco_prefill_terms(&estimate, &prefill_half[k], &pre_s[k], &pre_weighted_s[k]);
            pre_terms_ok = pre_terms_ok && pre_s[k] >= 0 && pre_weighted_s[k] >= 0;
            /* (a NaN term clears pre_terms_ok; these minima are then unused) */
            min_pre_s = pre_s[k] < min_pre_s ? pre_s[k] : min_pre_s;
            min_pre_weighted_s = pre_weighted_s[k] < min_pre_weighted_s ? pre_weighted_s[k] : min_pre_weighted_s;
            double gen_s, gen_weighted_s;
            perf_tco_generate_terms(&estimate, &p, &gen_s, &gen_weighted_s);
            if (pre_terms_ok && perf_tco_cannot_win(&estimate, min_pre_s, min_pre_weighted_s, gen_s,
                                                    gen_weighted_s, tco_not_below(bb)))
                continue;
            double prefill_micro_batch = 1;
            for (int j = 0; j <= k; j++, prefill_micro_batch *= 2) {
                double not_below = tco_not_below(bb);
                if (perf_tco_cannot_win(&estimate, pre_s[j], pre_weighted_s[j], gen_s, gen_weighted_s,
                                        not_below))
                    continue;
                map.prefill_micro_batch = prefill_micro_batch;
                double prefill_tco, generate_tco;
                double tpi = perf_tco_per_token(sys, batch, &prefill_half[j], &p, not_below, &prefill_tco,
                                                &generate_tco);
                best_offer_one(bb, OBJ_PREFILL_TCO, prefill_tco, tpi, &map, prefill_pass[j], gen);
                best_offer_one(bb, OBJ_GENERATE_TCO, generate_tco, tpi, &map, prefill_pass[j], gen);
            }
        }
    }
}

/* The configured mapping: t or p of 0 mean 1 (the reference's Mapping
 * defaults), 0 micro-batches mean the batch, and p = 1 takes every chip. */
static void search_default(const system_t *sys, const mapping_cfg_t *dm, double batch,
                           batch_best_t *bb, perf_t *best, bool *has)
{
    perf_mapping_t map = {or_default(dm->t, 1), or_default(dm->p, 1),
                          or_default(dm->micro_batch, batch),
                          or_default(dm->prefill_micro_batch, batch)};
    if (map.p == 1 && map.t != sys->num_chips)
        map.t = sys->num_chips; /* quirk: p = 1 takes all chips of the system */
    micro_batch_t pre, gen;
    perf_micro_batch(sys, STAGE_PREFILL, map.t, map.p, map.prefill_micro_batch, &pre);
    perf_micro_batch(sys, STAGE_GENERATE, map.t, map.p, map.micro_batch, &gen);
    eval_one(sys, &map, batch, &pre, &gen, NULL, bb);
    best_finish(bb, sys, batch, NULL, best, has); /* pre and gen end here */
}

static int batch_count(double max_batch)
{
    int n = 0;
    while (n < 62 && ldexp(1, n) <= max_batch)
        n++;
    return n;
}

double perf_system_batch(int b)
{
    return ldexp(1, b);
}

const perf_t *perf_system_best(const system_result_t *r, int b, perf_objective_t obj)
{
    if (!r->valid || b < 0 || b >= r->n_batch)
        return NULL;
    size_t i = (size_t)b * OBJ_COUNT + (size_t)obj;
    return r->has_best[i] ? &r->best[i] : NULL;
}

static bool dynamic_enabled(const system_t *sys, const system_cfg_t *cfg, char *err,
                            size_t errlen)
{
    if (cfg->has_default_mapping || !sys->sub_sys_num_servers ||
        !(sys->sub_sys_num_servers < sys->num_servers))
        return false;
    if (fmod(sys->num_servers, sys->sub_sys_num_servers) != 0) {
        snprintf(err, errlen, "sub_sys_num_servers should be a divisor of num_servers.");
        return true;
    }
    return true;
}

static bool search_all(system_result_t *out, const system_cfg_t *cfg, char *err,
                       size_t errlen)
{
    const system_t *sys = &out->sys;
    err[0] = '\0';
    bool dynamic = dynamic_enabled(sys, cfg, err, errlen);
    if (err[0])
        return false;
    pass_memo_t memo;
    if (!cfg->has_default_mapping && !memo_init(&memo, sys, out->n_batch)) {
        memo_free(&memo);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (int b = 0; b < out->n_batch; b++) {
        double batch = perf_system_batch(b);
        batch_best_t bb = {.value = {INFINITY, INFINITY, INFINITY, INFINITY}};
        perf_t *best = &out->best[(size_t)b * OBJ_COUNT];
        bool *has = &out->has_best[(size_t)b * OBJ_COUNT];
        if (cfg->has_default_mapping) {
            search_default(sys, &cfg->default_mapping, batch, &bb, best, has);
            continue;
        }
        dynamic_t dyn = {.on = false};
        if (dynamic)
            dynamic_plan(sys, batch, &dyn);
        search_generated(&memo, batch, &dyn, &bb);
        best_finish(&bb, sys, batch, &dyn, best, has);
    }
    if (!cfg->has_default_mapping)
        memo_free(&memo);
    return true;
}

system_status_t system_prepare(system_t *sys, const server_t *srv, const hw_constants_t *hc,
                               const model_cfg_t *m, const system_cfg_t *cfg, char *msg,
                               size_t msglen)
{
    if (!system_init(sys, srv, hc, m, cfg, msg, msglen))
        return SYSTEM_CONFIG_ERROR;
    return system_size(sys, msg, msglen);
}

size_t perf_system_best_slots(const system_cfg_t *cfg)
{
    int n = batch_count(or_default(cfg->max_batch, 1024)); /* as system_init sizes max_batch */
    return (size_t)(n > 0 ? n : 1) * OBJ_COUNT;
}

bool perf_system_eval(const server_t *srv, const hw_constants_t *hc, const model_cfg_t *m,
                      const system_cfg_t *cfg, system_result_t *out, char *err,
                      size_t errlen)
{
    return perf_system_eval_in(srv, hc, m, cfg, NULL, 0, out, err, errlen);
}

bool perf_system_eval_in(const server_t *srv, const hw_constants_t *hc, const model_cfg_t *m,
                         const system_cfg_t *cfg, perf_t *best_pool, size_t slots,
                         system_result_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char msg[SYSTEM_REASON_MAX];
    switch (system_prepare(&out->sys, srv, hc, m, cfg, msg, sizeof msg)) {
    case SYSTEM_CONFIG_ERROR:
        snprintf(err, errlen, "%s", msg);
        return false;
    case SYSTEM_UNDERSIZED:
        snprintf(out->invalid_reason, sizeof out->invalid_reason, "%s", msg);
        return true;
    case SYSTEM_OK:
        break;
    }
    out->valid = true;
    out->n_batch = batch_count(out->sys.max_batch);
    size_t n = (size_t)(out->n_batch > 0 ? out->n_batch : 1) * OBJ_COUNT;
    out->best_pooled = best_pool && n <= slots;
    out->best = out->best_pooled ? best_pool : malloc(n * sizeof *out->best);
    out->has_best = calloc(n, sizeof *out->has_best);
    if (!out->best || !out->has_best) {
        perf_system_result_free(out);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (!search_all(out, cfg, err, errlen)) {
        perf_system_result_free(out);
        return false;
    }
    return true;
}

void perf_system_result_free(system_result_t *r)
{
    if (!r->best_pooled)
        free(r->best);
    free(r->has_best);
    r->best = NULL;
    r->has_best = NULL;
}

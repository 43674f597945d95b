/*
 * npu_sweep.c -- NPU sweeps (see npu_sweep.h): the `npu:` section, the
 * configurations it spans (NeuSim's parallelism enumeration, axis mapping
 * and validation, spec §9), parallel evaluation in chunks, and the rows
 * handed to store/npu_store in configuration order, one committed
 * transaction per chunk into NAME.db.partial (after the writer lock), so
 * --resume continues a killed run, skipping the configurations stored.
 */
#include "engine/npu_sweep.h"
#include "engine/progress.h"

#include <errno.h>
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <omp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/paths.h"
#include "config/named.h"
#include "engine/interrupt.h"
#include "engine/jobs.h"
#include "engine/lock.h"
#include "engine/npu_energy_run.h"
#include "engine/npu_family.h"
#include "engine/npu_hf_model.h"
#include "engine/npu_run.h"
#include "engine/npu_sweep_chip.h"
#include "engine/npu_hwchip_map.h"
#include "ops/neusim_llm.h"
#include "store/npu_store.h"

#define MAXN 64
#define MAXSET 16
#define CHUNK 512

typedef struct {
    int64_t v[MAXN];
    int n;
} ilist_t;

typedef struct {
    char name[MAXN][256];
    char path[MAXN][4096];
    bool hf[MAXN];    /* models: a HuggingFace config.json (npu_hf_model.c) */
    npu_sweep_chip_t chip[MAXN]; /* chips: NeuSim or hardware-exploration chip (npu_sweep_chip.c) */
    int n;
} flist_t;

typedef struct {
    flist_t models, chips;
    char system[4096];
    bool training, compat, save_ops;
    unsigned keep;
    ilist_t num_chips, batch;
    int64_t seq[MAXN][2];
    int nseq;
    bool par_auto;
    int64_t par[MAXN][3]; /* dp, tp, pp */
    int npar;
    int64_t ep[MAXN];     /* expert parallelism values (MoE); none: every valid one */
    int nep;
    char set_key[MAXSET][64];
    char set_val[MAXSET][MAXN][256];
    int set_n[MAXSET], nset;
    npu_energy_sweep_t energy;   /* power_gating, carbon (npu_energy_run.h) */
    unsigned keep_energy;        /* energy quirks (NPU_EQ_*) in keep_quirks */
    double chip_idle_W[MAXN];    /* each chip file's idle_power_W (Q23) */
} spec_t;

typedef struct {
    int mi, ci;
    int64_t nchips, batch, in, out, dp, tp, pp, dp_dcn, pp_dcn;
    int combo;
    int64_t ep;       /* MoE expert parallelism (1 elsewhere) */
    int fam;          /* npu_family_t of the model */
} point_t;

int npu_sweep_is_npu_file(const char *path, cfg_err_t *err)
{
    cfg_doc_t *doc = cfg_load_file(path, err);
    if (!doc)
        return -1;
    int yes = cfg_get(cfg_doc_root(doc), "npu") != NULL;
    cfg_doc_free(doc);
    return yes;
}

/* ---- the npu: section ---------------------------------------------------------- */

static bool int_list(const node_t *v, const char *key, ilist_t *out, int64_t lo, cfg_err_t *err)
{
    out->n = 0;
    size_t n = v->kind == NODE_SEQ ? v->n : 1;
    if (v->kind == NODE_MAP || n == 0 || n > MAXN) {
        cfg_node_errorf(err, v, "npu.%s: expected an integer or a list of 1 to %d integers", key, MAXN);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const node_t *x = v->kind == NODE_SEQ ? v->items[i] : v;
        double d;
        if (!cfg_scalar_double(x, &d) || d != floor(d) || d < (double)lo || d > 1e9) {
            cfg_node_errorf(err, x, "npu.%s: expected an integer >= %lld", key, (long long)lo);
            return false;
        }
        out->v[out->n++] = (int64_t)d;
    }
    return true;
}

static bool file_list(const node_t *v, const char *key, const char *kind, flist_t *out, cfg_err_t *err)
{
    out->n = 0;
    size_t n = v->kind == NODE_SEQ ? v->n : 1;
    if (v->kind == NODE_MAP || n == 0 || n > MAXN) {
        cfg_node_errorf(err, v, "npu.%s: expected a name or a list of names", key);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const node_t *x = v->kind == NODE_SEQ ? v->items[i] : v;
        if (x->kind != NODE_SCALAR) {
            cfg_node_errorf(err, x, "npu.%s: expected a name", key);
            return false;
        }
        cfg_err_t e2;
        if (strcmp(kind, "chips") == 0) {
            if (!npu_sweep_chip_resolve(x->scalar, x, &out->chip[out->n], err))
                return false;
            memcpy(out->path[out->n], out->chip[out->n].path, sizeof out->path[0]);
            snprintf(out->name[out->n], sizeof out->name[0], "%s", x->scalar);
            out->n++;
            continue;
        }
        int hf = strcmp(kind, "models") == 0
                     ? npu_hf_model_path(x->scalar, out->path[out->n], sizeof out->path[0], &e2) : 0;
        out->hf[out->n] = hf > 0;
        if (hf < 0 || (hf == 0 && !npu_config_resolve(kind, x->scalar, out->path[out->n], sizeof out->path[0], &e2))) {
            cfg_node_errorf(err, x, "%s", e2.msg);
            return false;
        }
        snprintf(out->name[out->n], sizeof out->name[0], "%s", x->scalar);
        out->n++;
    }
    return true;
}

static bool get_bool(const node_t *v, const char *key, bool *out, cfg_err_t *err)
{
    if (!cfg_scalar_bool(v, out)) {
        cfg_node_errorf(err, v, "npu.%s: expected true or false", key);
        return false;
    }
    return true;
}

/* s: zeroed by the caller (calloc: its ~2 MB of fixed-size lists stay
 * untouched pages where a sweep does not use them) */
static bool parse_spec(const node_t *npu, spec_t *s, cfg_err_t *err)
{
    paths_shipped("inputs/npu/systems/system_config.yaml", s->system, sizeof s->system);
    s->par_auto = true;
    if (npu->kind != NODE_MAP) {
        cfg_node_errorf(err, npu, "npu: expected a mapping (models, chips, num_chips, batch, ...)");
        return false;
    }
    static const char *const keys[] = {"models",      "chips",    "system",   "workload", "num_chips",
                                       "batch",       "seqlen",   "parallelism", "compat", "keep_quirks",
                                       "set",         "save_ops", "power_gating", "carbon", "ep"};
    const size_t nkeys = sizeof keys / sizeof keys[0];
    bool have_models = false, have_chips = false;
    s->num_chips.v[0] = 1;
    s->num_chips.n = 1;
    s->batch.v[0] = 1;
    s->batch.n = 1;
    for (size_t i = 0; i < npu->n; i++) {
        const char *k = npu->keys[i];
        const node_t *v = npu->items[i];
        size_t j = 0;
        while (j < nkeys && strcmp(keys[j], k) != 0)
            j++;
        if (j == nkeys) {
            const char *near = cfg_nearest(k, keys, nkeys);
            cfg_errorf(err, npu->file, npu->key_line[i], npu->key_col[i], "unknown key 'npu.%s'%s%s%s", k,
                       near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
            return false;
        }
        bool ok = true;
        if (!strcmp(k, "models"))
            ok = have_models = file_list(v, k, "models", &s->models, err);
        else if (!strcmp(k, "chips"))
            ok = have_chips = file_list(v, k, "chips", &s->chips, err);
        else if (!strcmp(k, "system")) {
            cfg_err_t e2;
            if (v->kind != NODE_SCALAR || !npu_config_resolve("systems", v->scalar, s->system, sizeof s->system, &e2)) {
                cfg_node_errorf(err, v, "%s", v->kind == NODE_SCALAR ? e2.msg : "npu.system: expected a name");
                ok = false;
            }
        } else if (!strcmp(k, "workload")) {
            if (v->kind != NODE_SCALAR || (strcmp(v->scalar, "inference") && strcmp(v->scalar, "training"))) {
                cfg_node_errorf(err, v, "npu.workload: expected inference or training");
                ok = false;
            } else
                s->training = !strcmp(v->scalar, "training");
        } else if (!strcmp(k, "num_chips"))
            ok = int_list(v, k, &s->num_chips, 1, err);
        else if (!strcmp(k, "batch"))
            ok = int_list(v, k, &s->batch, 1, err);
        else if (!strcmp(k, "ep")) {
            ilist_t e;
            ok = int_list(v, k, &e, 1, err);
            for (int q = 0; ok && q < e.n; q++)
                s->ep[s->nep++] = e.v[q];
        }
        else if (!strcmp(k, "seqlen")) {
            /* [in, out] or a list of them */
            const node_t *items[MAXN];
            size_t n = 0;
            if (v->kind == NODE_SEQ && v->n == 2 && v->items[0]->kind == NODE_SCALAR)
                items[n++] = v;
            else if (v->kind == NODE_SEQ && v->n <= MAXN)
                for (size_t q = 0; q < v->n; q++)
                    items[n++] = v->items[q];
            for (size_t q = 0; q < n && ok; q++) {
                double a, b;
                const node_t *p = items[q];
                if (p->kind != NODE_SEQ || p->n != 2 || !cfg_scalar_double(p->items[0], &a) ||
                    !cfg_scalar_double(p->items[1], &b) || a < 1 || b < 1 || a != floor(a) || b != floor(b)) {
                    cfg_node_errorf(err, p, "npu.seqlen: expected [input_seqlen, output_seqlen] or a list of them");
                    ok = false;
                    break;
                }
                s->seq[s->nseq][0] = (int64_t)a;
                s->seq[s->nseq++][1] = (int64_t)b;
            }
            if (ok && n == 0) {
                cfg_node_errorf(err, v, "npu.seqlen: expected [input_seqlen, output_seqlen] or a list of them");
                ok = false;
            }
        } else if (!strcmp(k, "parallelism")) {
            if (v->kind == NODE_SCALAR && !strcmp(v->scalar, "auto"))
                s->par_auto = true;
            else if (v->kind == NODE_SEQ && v->n > 0 && v->n <= MAXN) {
                s->par_auto = false;
                for (size_t q = 0; q < v->n && ok; q++) {
                    const node_t *p = v->items[q];
                    int64_t d[3] = {1, 1, 1};
                    const char *pk[3] = {"dp", "tp", "pp"};
                    if (p->kind != NODE_MAP) {
                        cfg_node_errorf(err, p, "npu.parallelism: expected auto or a list of {dp: D, tp: T, pp: P}");
                        ok = false;
                        break;
                    }
                    for (size_t r = 0; r < p->n && ok; r++) {
                        int w = 0;
                        while (w < 3 && strcmp(pk[w], p->keys[r]))
                            w++;
                        double x;
                        if (w == 3 || !cfg_scalar_double(p->items[r], &x) || x < 1 || x != floor(x)) {
                            cfg_node_errorf(err, p->items[r], "npu.parallelism: keys dp, tp, pp with integers >= 1");
                            ok = false;
                        } else
                            d[w] = (int64_t)x;
                    }
                    memcpy(s->par[s->npar++], d, sizeof d);
                }
            } else {
                cfg_node_errorf(err, v, "npu.parallelism: expected auto or a list of {dp: D, tp: T, pp: P}");
                ok = false;
            }
        } else if (!strcmp(k, "compat"))
            ok = get_bool(v, k, &s->compat, err);
        else if (!strcmp(k, "save_ops"))
            ok = get_bool(v, k, &s->save_ops, err);
        else if (!strcmp(k, "keep_quirks")) {
            size_t n = v->kind == NODE_SEQ ? v->n : 1;
            for (size_t q = 0; q < n && ok; q++) {
                const node_t *x = v->kind == NODE_SEQ ? v->items[q] : v;
                unsigned b = x->kind == NODE_SCALAR ? nsl_quirk_parse(x->scalar) : 0;
                if (!b && x->kind == NODE_SCALAR)
                    b = npu_family_quirk_parse(x->scalar);
                unsigned eb = !b && x->kind == NODE_SCALAR ? npu_energy_quirk_parse(x->scalar) : 0;
                if (!b && !eb) {
                    cfg_node_errorf(err, x, "npu.keep_quirks: unknown quirk (valid: Q4, Q5, Q6, Q7, Q8, Q15, Q16, "
                                            "Q21, Q24, Q27, Q28, Q10; DeepSeek Q1, Q9, Q18; DiT Q13; DLRM Q11, Q12; "
                                            "energy: Q2, Q3, Q20, Q23, Q26, einsum-avg)");
                    ok = false;
                }
                s->keep |= b;
                s->keep_energy |= eb;
            }
        } else if (!strcmp(k, "set")) {
            if (v->kind != NODE_MAP || v->n > MAXSET) {
                cfg_node_errorf(err, v, "npu.set: expected a mapping KEY: VALUE or KEY: [VALUES] (at most %d keys)",
                                MAXSET);
                ok = false;
            }
            for (size_t q = 0; ok && q < v->n; q++) {
                int ki = npu_config_index(v->keys[q]);
                if (ki < 0) {
                    const char *names[128];
                    for (size_t w = 0; w < npu_cfg_nkeys; w++)
                        names[w] = npu_cfg_keys[w].key;
                    const char *near = cfg_nearest(v->keys[q], names, npu_cfg_nkeys);
                    cfg_errorf(err, v->file, v->key_line[q], v->key_col[q], "npu.set: unknown key '%s'%s%s%s",
                               v->keys[q], near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
                    ok = false;
                    break;
                }
                const node_t *x = v->items[q];
                size_t n = x->kind == NODE_SEQ ? x->n : 1;
                if (x->kind == NODE_MAP || n == 0 || n > MAXN) {
                    cfg_node_errorf(err, x, "npu.set.%s: expected a value or a list of values", v->keys[q]);
                    ok = false;
                    break;
                }
                snprintf(s->set_key[s->nset], sizeof s->set_key[0], "%s", v->keys[q]);
                for (size_t w = 0; w < n && ok; w++) {
                    const node_t *y = x->kind == NODE_SEQ ? x->items[w] : x;
                    if (y->kind != NODE_SCALAR) {
                        cfg_node_errorf(err, y, "npu.set.%s: expected a single value", v->keys[q]);
                        ok = false;
                        break;
                    }
                    /* check the value now: a typo is refused before anything runs */
                    npu_config_t probe;
                    npu_config_defaults(&probe);
                    char a[200];
                    snprintf(a, sizeof a, "%s=%s%s%s", v->keys[q], y->quoted ? "'" : "", y->scalar,
                             y->quoted ? "'" : "");
                    cfg_err_t e2;
                    if (!npu_config_set(&probe, a, &e2)) {
                        const char *why = strstr(e2.msg, ": "); /* after "--set KEY=VALUE" */
                        cfg_node_errorf(err, y, "npu.set.%s: %s", v->keys[q], why ? why + 2 : e2.msg);
                        ok = false;
                        break;
                    }
                    snprintf(s->set_val[s->nset][w], sizeof s->set_val[0][0], "%s", a);
                }
                s->set_n[s->nset++] = (int)n;
            }
        } else if (!strcmp(k, "power_gating") || !strcmp(k, "carbon")) {
            ok = npu_energy_sweep_parse(v, k, &s->energy, err);
        }
        if (!ok)
            return false;
    }
    if (!have_models || !have_chips) {
        cfg_node_errorf(err, npu, "npu: missing required key '%s'", have_models ? "chips" : "models");
        return false;
    }
    return true;
}

/* ---- parallelism (run_sim_lib) ------------------------------------------------- */

/* map_parallelism_to_ici_axes_llm: (dp, tp, pp) axes */
static void ici_axes(const char *version, int64_t dp, int64_t tp, int64_t pp, int ax[3])
{
    int n = (!strcmp(version, "2") || !strcmp(version, "3") || !strcmp(version, "5e") || !strcmp(version, "6e"))
                ? 2
                : 3;
    bool t = tp > 1, d = dp > 1, p = pp > 1;
    int on = t + d + p;
    ax[0] = d;
    ax[1] = t;
    ax[2] = p;
    if (on == 1) {
        ax[1] = t ? n : 0;
        ax[0] = d ? n : 0;
        ax[2] = p ? 1 : 0;
    } else if (on == 2) {
        if (t) {
            ax[1] = n - 1;
            ax[0] = d;
            ax[2] = p;
        } else {
            ax[0] = n - 1;
            ax[2] = 1;
        }
    } else if (on == 3) {
        ax[0] = ax[1] = ax[2] = 1;
    }
}

/* NeuSim's validate_parallelism_config_llm, apart from memory; NULL = fine */
static const char *validate(const char *v, int64_t dp, int64_t tp, int64_t pp, int64_t dcn, int64_t layers,
                            int64_t batch, char *buf, size_t len)
{
    /* dcn = dp_dcn x pp_dcn (pods); pp here is ICI stages x DCN stages for the layer test */
    if (pp > layers) {
        snprintf(buf, len, "pipeline stages %lld > num_layers %lld", (long long)pp, (long long)layers);
        return buf;
    }
    if ((!strcmp(v, "2") || !strcmp(v, "3")) && dp > 1 && tp > 1 && pp > 1) {
        snprintf(buf, len, "TPUv%s (2D torus) supports at most two parallelisms", v);
        return buf;
    }
    int64_t pod = dp * tp * pp, lim = 0;
    if (!strcmp(v, "2") || !strcmp(v, "5e") || !strcmp(v, "6e"))
        lim = 256;
    else if (!strcmp(v, "3"))
        lim = 1024;
    else if (!strcmp(v, "4"))
        lim = 4096;
    else if (!strcmp(v, "5p"))
        lim = 6144;
    else if (!strcmp(v, "6p"))
        lim = 8192;
    if (lim && pod > lim) {
        snprintf(buf, len, "%lld chips exceed a TPUv%s pod (%lld)", (long long)pod, v, (long long)lim);
        return buf;
    }
    if (dp * pp * dcn > batch) {
        snprintf(buf, len, "dp x pp x DCN pods = %lld > global batch %lld", (long long)(dp * pp * dcn),
                 (long long)batch);
        return buf;
    }
    return NULL;
}

/* ---- evaluation ------------------------------------------------------------------ */

/* One configuration's result as the store needs it: the statistics, not
 * the simulation (a whole npu_run_t holds a ~106 KB configuration; a chunk
 * of 512 of them cost more system time in page faults than the writer's
 * SQL).  run is kept only when the sweep stores per-op rows (save_ops). */
typedef struct {
    bool ran;
    char status[16], reason[256], set_values[4096];
    int64_t mb;
    int ax[3], ep_axes;
    npu_energy_point_t energy[2];
    int nphase;
    npu_phase_kind_t kind[2];
    npu_stats_t stats[2];
    int64_t input_seqlen, output_seqlen;
    double throughput_requests_per_sec, latency_sec, throughput_step_per_sec_per_request;
    npu_run_t *run;   /* save_ops only (heap, freed after storing), else NULL */
} result_t;

static void set_int(npu_config_t *c, const char *k, int64_t v) { npu_config_set_int(c, k, v); }

static void evaluate_run(const spec_t *s, const npu_config_t *base, const point_t *p, npu_tile_cache_t *cache,
                         npu_run_t *run, result_t *res);

/* Evaluate point p into res; scratch is the calling thread's simulation
 * record, reused from one configuration to the next unless the sweep keeps
 * per-op rows (then each result owns its run). */
static void evaluate(const spec_t *s, const npu_config_t *base, const point_t *p, npu_tile_cache_t *cache,
                     npu_run_t *scratch, result_t *res)
{
    res->run = NULL;
    npu_run_t *run = scratch;
    if (s->save_ops && !(run = res->run = malloc(sizeof *run))) {
        memset(res, 0, offsetof(result_t, run));
        snprintf(res->status, sizeof res->status, "skipped");
        snprintf(res->reason, sizeof res->reason, "out of memory (host)");
        return;
    }
    evaluate_run(s, base, p, cache, run, res);
    if (!res->ran || !s->save_ops) {
        if (res->ran)
            npu_run_free(run);
        free(res->run);
        res->run = NULL;
    }
}

static void evaluate_run(const spec_t *s, const npu_config_t *base, const point_t *p, npu_tile_cache_t *cache,
                         npu_run_t *run, result_t *res)
{
    memset(res, 0, offsetof(result_t, run));
    /* the point's configuration, built where the simulation reads it */
    npu_config_t *c = &run->cfg;
    *c = *base;
    size_t o = 0;
    int combo = p->combo;
    for (int k = s->nset - 1; k >= 0; k--) {
        int idx = combo % s->set_n[k];
        combo /= s->set_n[k];
        cfg_err_t e;
        npu_config_set(c, s->set_val[k][idx], &e); /* checked when parsed */
    }
    for (int k = 0; k < s->nset; k++) {
        int idx = 0, cb = p->combo;
        for (int q = s->nset - 1; q >= k; q--) {
            idx = cb % s->set_n[q];
            cb /= s->set_n[q];
        }
        o += (size_t)snprintf(res->set_values + o, o < sizeof res->set_values ? sizeof res->set_values - o : 0,
                              "%s%s", k ? " " : "", s->set_val[k][idx]);
    }
    if (p->in > 0) {
        set_int(c, "input_seqlen", p->in);
        set_int(c, "output_seqlen", p->out);
    }
    set_int(c, "num_chips", p->nchips);
    if (p->fam == NPU_FAM_MOE)
        set_int(c, "expert_parallelism_degree", p->ep);
    set_int(c, "data_parallelism_degree", p->dp);
    set_int(c, "tensor_parallelism_degree", p->tp);
    set_int(c, "pipeline_parallelism_degree", p->pp);
    set_int(c, "data_parallel_degree_dcn", p->dp_dcn);
    set_int(c, "pipeline_parallel_degree_dcn", p->pp_dcn);
    set_int(c, "tensor_parallel_degree_dcn", 1);
    ici_axes(npu_config_str(c, "name"), p->dp, p->tp, p->pp, res->ax);
    int nphys = (!strcmp(npu_config_str(c, "name"), "2") || !strcmp(npu_config_str(c, "name"), "3")) ? 2 : 3;
    if (p->fam == NPU_FAM_DLRM) { /* run_sim: dp and tp axes 2 for v2/v3, else 3 */
        res->ax[0] = res->ax[1] = nphys;
        res->ax[2] = 0;
    } else if (p->fam == NPU_FAM_DIT || p->fam == NPU_FAM_GLIGEN) { /* run_sim: every axis to dp, none to tp */
        res->ax[0] = (!strcmp(npu_config_str(c, "name"), "5e") || !strcmp(npu_config_str(c, "name"), "6e")) ? 2 : nphys;
        res->ax[1] = 0;
    }
    const char *moe_why = NULL;
    if (p->fam == NPU_FAM_MOE) {
        /* run_sim: ep and etp share the dp + tp axes */
        int e_axes = res->ax[0] + res->ax[1], ep_axes = 0;
        int64_t dt = p->dp * p->tp;
        if (p->ep > 1 && e_axes <= 1) {
            ep_axes = 1;
            if (p->ep != dt)
                moe_why = "ep must span the one dp/tp axis (ep = dp x tp)";
        } else if (p->ep > 1)
            ep_axes = p->ep == dt ? e_axes : 1;
        set_int(c, "num_expert_parallel_axes", ep_axes);
        res->ep_axes = ep_axes;
        if (p->ep > dt)
            moe_why = "ep > dp x tp";
        else if (npu_config_int(c, "num_routed_experts") < p->ep)
            moe_why = "fewer routed experts than ep";
    }
    set_int(c, "num_data_parallel_axes", res->ax[0]);
    set_int(c, "num_tensor_parallel_axes", res->ax[1]);
    set_int(c, "num_pipeline_parallel_axes", res->ax[2]);
    set_int(c, "global_batch_size", p->batch);
    res->mb = (int64_t)ceil((double)p->batch / (double)p->dp_dcn / (double)p->pp / (double)p->pp_dcn);
    set_int(c, "microbatch_size_ici", res->mb);
    set_int(c, "microbatch_size_dcn", (p->batch + p->pp_dcn - 1) / p->pp_dcn);
    if (s->training) {
        int fi = npu_config_index("use_flash_attention");
        c->v[fi].b = false;
    }
    /* DLRM: dp = tp = chips over one batch; only the pod size applies */
    const char *why = p->fam == NPU_FAM_DLRM
                          ? validate(npu_config_str(c, "name"), 1, p->tp, 1, 1, 1, p->batch, res->reason,
                                     sizeof res->reason)
                          : validate(npu_config_str(c, "name"), p->dp, p->tp, p->pp * p->pp_dcn, p->dp_dcn,
                                     npu_config_int(c, "num_layers"), p->batch, res->reason, sizeof res->reason);
    if (!why && moe_why)
        why = snprintf(res->reason, sizeof res->reason, "%s", moe_why) > 0 ? res->reason : NULL;
    if (why) {
        snprintf(res->status, sizeof res->status, "skipped");
        return;
    }
    char err[256];
    int rc = npu_run_in_place(run, s->compat, s->keep, s->training, cache, err, sizeof err);
    if (rc != 0) {
        npu_run_free(run);
        snprintf(res->status, sizeof res->status, "skipped");
        snprintf(res->reason, sizeof res->reason, "%s", rc == 2 ? err : "out of memory (host)");
        return;
    }
    res->ran = true;
    snprintf(res->status, sizeof res->status, "ok");
    res->nphase = run->nphase;
    for (int i = 0; i < run->nphase && i < 2; i++) {
        res->kind[i] = run->phase[i].kind;
        res->stats[i] = run->phase[i].stats;
    }
    res->input_seqlen = run->model.input_seqlen;
    res->output_seqlen = run->model.output_seqlen;
    res->throughput_requests_per_sec = run->throughput_requests_per_sec;
    res->latency_sec = run->latency_sec;
    res->throughput_step_per_sec_per_request = run->throughput_step_per_sec_per_request;
    if (npu_energy_point(run, &s->energy, s->keep_energy, s->chip_idle_W[p->ci], res->energy, err,
                         sizeof err) < 0) {
        snprintf(res->status, sizeof res->status, "skipped");
        snprintf(res->reason, sizeof res->reason, "energy: %.200s", err);
        return;
    }
    for (int i = 0; i < res->nphase; i++) {
        const npu_stats_t *st = &res->stats[i];
        if (st->out_of_memory) {
            snprintf(res->status, sizeof res->status, "out_of_memory");
            snprintf(res->reason, sizeof res->reason, "%s memory footprint %.6g GiB > %.6g GiB HBM%s",
                     npu_phase_name(res->kind[i]), st->mem_footprint_GB, run->model.hbm_size_GB,
                     s->training ? " x num_chips" : "");
            break;
        }
    }
}

static bool store_result(npu_store_t *st, const spec_t *s, const point_t *p, int64_t id, const result_t *r,
                         char *err, size_t errlen)
{
    npu_point_row_t row = {0};
    row.point_id = id;
    row.model = s->models.name[p->mi];
    row.chip = s->chips.name[p->ci];
    row.workload = s->training ? "training" : "inference";
    row.set_values = r->set_values;
    row.num_chips = p->nchips;
    row.global_batch_size = p->batch;
    row.microbatch_size_ici = r->mb;
    row.dp = p->dp;
    row.tp = p->tp;
    row.pp = p->pp;
    row.dp_dcn = p->dp_dcn;
    row.pp_dcn = p->pp_dcn;
    row.dp_axes = r->ax[0];
    row.tp_axes = r->ax[1];
    row.pp_axes = r->ax[2];
    row.status = r->status;
    row.reason = r->reason[0] ? r->reason : NULL;
    bool one_phase = p->fam == NPU_FAM_DIT || p->fam == NPU_FAM_DLRM || p->fam == NPU_FAM_GLIGEN;
    row.ep = p->fam == NPU_FAM_MOE ? p->ep : 0;
    row.etp = p->fam == NPU_FAM_MOE ? p->dp * p->tp / p->ep : 0;
    if (!r->ran) {
        const char *phases[2] = {"prefill", "decode"};
        for (int i = 0; i < (s->training || one_phase ? 1 : 2); i++) {
            row.phase = s->training ? "training" : one_phase ? "inference" : phases[i];
            row.input_seqlen = p->in;
            row.output_seqlen = p->out;
            if (!npu_store_point(st, &row, err, errlen))
                return false;
        }
        return true;
    }
    row.input_seqlen = r->input_seqlen;
    row.output_seqlen = r->output_seqlen;
    for (int i = 0; i < r->nphase; i++) {
        const npu_stats_t *x = &r->stats[i];
        row.phase = one_phase ? "inference" : npu_phase_name(r->kind[i]);
        row.has_stats = true;
        row.has_request_stats = one_phase;
        row.throughput_requests_per_sec = r->throughput_requests_per_sec;
        row.latency_sec = r->latency_sec;
        row.throughput_step_per_sec_per_request = r->throughput_step_per_sec_per_request;
        row.total_execution_time_chip_ns = x->total_execution_time_chip_ns;
        row.total_execution_time_non_pp_ns = x->total_execution_time_non_pp_ns;
        row.total_pp_time_ns = x->total_pp_time_ns;
        row.compute_only_time_chip_ns = x->compute_only_time_chip_ns;
        row.memory_only_time_chip_ns = x->memory_only_time_chip_ns;
        row.ici_bound_time_chip_ns = x->ici_bound_time_chip_ns;
        row.bounded_by_pp_chip = x->bounded_by_pp_chip;
        row.TTFT_sec = x->TTFT_sec;
        row.TPOT_ms_request = x->TPOT_ms_request;
        row.throughput_tokens_per_sec = x->throughput_tokens_per_sec;
        row.throughput_tokens_per_sec_request = x->throughput_tokens_per_sec_request;
        row.total_execution_time_ns = x->total_execution_time_ns;
        row.mem_footprint_GB = x->mem_footprint_GB;
        row.out_of_memory = x->out_of_memory;
        const npu_energy_point_t *ep = &r->energy[i < 2 ? i : 0];
        row.has_energy = ep->done;
        row.energy_per_token_J = ep->energy_per_unit_J;
        row.avg_power_W = ep->avg_power_W;
        if (!npu_store_point(st, &row, err, errlen))
            return false;
        for (int k = 0; ep->done && k < s->energy.npg; k++) {
            const npu_energy_pg_row_t *g = &ep->pg[k];
            npu_energy_row_t er = {id, row.phase, s->energy.pg[k], g->total_energy_J, g->avg_power_W,
                                   g->peak_power_W, g->energy_per_unit_J, g->slowdown, g->has_carbon,
                                   g->idle_power_W, g->fleet_avg_power_W, g->total_energy_kWh, g->carbon_kgCO2e,
                                   g->carbon_zero_embodied_kgCO2e, g->work_per_kgCO2e};
            if (!npu_store_energy(st, &er, err, errlen))
                return false;
        }
        if (!s->save_ops || !r->run)
            continue;
        const npu_phase_t *ph = &r->run->phase[i];
        for (size_t k = 0; k < ns_oplist_len(&ph->ops); k++) {
            const op_t *op = op_graph_get(ph->ops.g, k);
            const ns_label_t *lab = &ph->ops.lab[k];
            const npu_op_perf_t *pf = &ph->perf[k];
            npu_op_row_t o = {id,
                              row.phase,
                              (int64_t)k,
                              lab->fusion_id,
                              op->count,
                              lab->description,
                              op->name,
                              op->opcode,
                              ns_optype_name(lab->op_type),
                              npu_bound_name(pf->bound),
                              pf->exe_time_ns,
                              pf->compute_time_ns,
                              pf->memory_time_ns,
                              pf->ici_time_ns,
                              pf->mxu_time_ns,
                              pf->vpu_time_ns,
                              pf->vmem_time_ns,
                              pf->flops,
                              pf->bytes,
                              op->weight_bytes,
                              pf->tflops_per_sec,
                              pf->flops_util,
                              pf->hbm_bw_util};
            if (!npu_store_op(st, &o, err, errlen))
                return false;
        }
    }
    return true;
}

/* ---- enumeration ------------------------------------------------------------------ */

static size_t enumerate(const spec_t *s, const npu_config_t *base, point_t **out)
{
    size_t combos = 1;
    for (int k = 0; k < s->nset; k++)
        combos *= (size_t)s->set_n[k];
    size_t cap = 1024, n = 0;
    point_t *pts = malloc(cap * sizeof *pts);
    int nseq = s->nseq ? s->nseq : 1;
    for (int mi = 0; pts && mi < s->models.n; mi++)
        for (int ci = 0; ci < s->chips.n; ci++)
            for (int q = 0; q < s->num_chips.n; q++) {
                int64_t nc = s->num_chips.v[q];
                /* NeuSim's generate_parallelism_configs_llm: dp x tp x pp x dp_dcn x pp_dcn = chips, with at
                 * most 16 pods; inference uses dp = dp_dcn = 1 (validate_parallelism_config_llm skips the rest).
                 * DLRM: dp = tp = chips; DiT: dp x tp x pp = chips (one pod); MoE adds ep (column 5). */
                static const int MAXPAR = 8192;
                int64_t(*par)[6] = malloc((size_t)MAXPAR * sizeof *par);
                int np = 0;
                if (!par) {
                    free(pts);
                    return (size_t)-1;
                }
                int fam = (int)npu_family_of(&base[mi * s->chips.n + ci]);
                if (fam == NPU_FAM_DLRM) {
                    int64_t v[6] = {nc, nc, 1, 1, 1, 1};
                    memcpy(par[np++], v, sizeof v);
                } else if (s->par_auto) {
                    /* in (dp, tp, pp, dd, pd) order, divisors only: the full 5-deep
                     * loop was 67 million steps for 64 chips */
                    for (int64_t dp = 1; dp <= nc; dp++)
                        for (int64_t tp = 1; nc % dp == 0 && tp <= nc; tp++)
                            for (int64_t pp = 1; (nc / dp) % tp == 0 && pp <= nc; pp++)
                                for (int64_t dd = 1; (nc / dp / tp) % pp == 0 && dd <= 16 && dd <= nc; dd++) {
                                    int64_t rest = nc / dp / tp / pp, pd = rest / dd;
                                    if (rest % dd != 0 || pd > 16 || pd > nc || np >= MAXPAR)
                                        continue;
                                    if (dd * pd > 16 || dp * tp * pp * dd * pd != nc)
                                        continue;
                                    if (fam == NPU_FAM_DIT || fam == NPU_FAM_GLIGEN ? dd > 1 || pd > 1 || (fam == NPU_FAM_GLIGEN && pp > 1)
                                                           : !s->training && (dp > 1 || dd > 1))
                                        continue;
                                    int64_t v[6] = {dp, tp, pp, dd, pd, 1};
                                    memcpy(par[np++], v, sizeof v);
                                }
                } else {
                    for (int w = 0; w < s->npar; w++)
                        if (s->par[w][0] * s->par[w][1] * s->par[w][2] <= nc) {
                            int64_t v[6] = {s->par[w][0], s->par[w][1], s->par[w][2], 1, 1, 1};
                            memcpy(par[np++], v, sizeof v);
                        }
                }
                /* MoE: each split with every ep dividing dp x tp whose etp = dp x tp / ep <= 8
                 * (run_sim), or the ep values the sweep lists */
                if (fam == NPU_FAM_MOE) {
                    int64_t(*pe)[6] = malloc((size_t)MAXPAR * sizeof *pe);
                    int npe = 0;
                    for (int w = 0; pe && w < np; w++) {
                        int64_t dt = par[w][0] * par[w][1];
                        for (int64_t ep = 1; ep <= dt && npe < MAXPAR; ep++) {
                            bool listed = s->nep == 0 ? dt % ep == 0 && dt / ep <= 8 : false;
                            for (int e = 0; e < s->nep; e++)
                                listed |= s->ep[e] == ep;
                            if (!listed)
                                continue;
                            memcpy(pe[npe], par[w], sizeof pe[0]);
                            pe[npe++][5] = ep;
                        }
                    }
                    free(par);
                    if (!pe) {
                        free(pts);
                        return (size_t)-1;
                    }
                    par = pe;
                    np = npe;
                }
                /* DLRM and DiT have no token sequence: one point per batch */
                int nsq = fam == NPU_FAM_DLRM || fam == NPU_FAM_DIT || fam == NPU_FAM_GLIGEN ? 1 : nseq;
                for (int b = 0; b < s->batch.n; b++)
                    for (int sq = 0; sq < nsq; sq++)
                        for (size_t cb = 0; cb < combos; cb++)
                            for (int w = 0; w < np; w++) {
                                if (n == cap) {
                                    cap *= 2;
                                    point_t *np2 = realloc(pts, cap * sizeof *pts);
                                    if (!np2) {
                                        free(par);
                                        free(pts);
                                        return (size_t)-1;
                                    }
                                    pts = np2;
                                }
                                point_t *p = &pts[n++];
                                p->mi = mi;
                                p->ci = ci;
                                p->nchips = nc;
                                p->batch = s->batch.v[b];
                                p->in = s->nseq && nsq > 1 ? s->seq[sq][0] : s->nseq && nsq == nseq ? s->seq[0][0] : 0;
                                p->out = s->nseq && nsq > 1 ? s->seq[sq][1] : s->nseq && nsq == nseq ? s->seq[0][1] : 0;
                                p->dp = par[w][0];
                                p->tp = par[w][1];
                                p->pp = par[w][2];
                                p->dp_dcn = par[w][3];
                                p->pp_dcn = par[w][4];
                                p->ep = par[w][5];
                                p->fam = fam;
                                p->combo = (int)cb;
                            }
                free(par);
            }
    (void)base;
    *out = pts;
    return pts ? n : (size_t)-1;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int mkdirs(const char *dir)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) && errno != EEXIST ? -1 : 0;
}

/* Free the simulations kept for per-op rows (save_ops) of n results. */
static void free_runs(result_t *res, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (res[i].run) {
            npu_run_free(res[i].run);
            free(res[i].run);
            res[i].run = NULL;
        }
}

/* Count, store and commit one evaluated chunk (ids mine[0..n)) in
 * configuration order; st NULL (--dry-run) only counts.  One transaction
 * per chunk: a kill loses at most the chunk in flight. */
static bool store_chunk(npu_store_t *st, const spec_t *s, const point_t *pts, const size_t *mine, result_t *res,
                        size_t n, size_t counts[3], char *err, size_t errlen)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        counts[!strcmp(res[i].status, "ok") ? 0 : !strcmp(res[i].status, "out_of_memory") ? 1 : 2]++;
        if (ok && st)
            ok = store_result(st, s, &pts[mine[i]], (int64_t)mine[i], &res[i], err, errlen);
    }
    free_runs(res, n);
    return ok && st ? npu_store_commit(st, err, errlen) : ok;
}

int npu_sweep_run(const sweep_opts_t *o)
{
    cfg_err_t err;
    cfg_doc_t *doc = cfg_load_file(o->sweep_path, &err);
    if (!doc) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_BADINPUT;
    }
    const node_t *root = cfg_doc_root(doc);
    for (size_t i = 0; i < root->n; i++)
        if (strcmp(root->keys[i], "npu") != 0) {
            cfg_errorf(&err, root->file, root->key_line[i], root->key_col[i],
                       "unknown key '%s' in an NPU sweep file (it has one key, npu)", root->keys[i]);
            fprintf(stderr, "%s\n", err.msg);
            cfg_doc_free(doc);
            return EXIT_BADINPUT;
        }
    spec_t *s = calloc(1, sizeof *s);
    if (!s) {
        cfg_doc_free(doc);
        return EXIT_FAIL;
    }
    if (!parse_spec(cfg_get(root, "npu"), s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        free(s);
        cfg_doc_free(doc);
        return EXIT_BADINPUT;
    }
    cfg_doc_free(doc);
    for (int ci = 0; ci < s->chips.n; ci++)
        s->chip_idle_W[ci] = npu_chip_file_idle_power_W(s->chips.path[ci]);
    /* the merged base configuration of every (model, chip) */
    npu_config_t *base = malloc((size_t)s->models.n * (size_t)s->chips.n * sizeof *base);
    for (int mi = 0; base && mi < s->models.n; mi++)
        for (int ci = 0; ci < s->chips.n; ci++) {
            npu_config_t *c = &base[mi * s->chips.n + ci];
            char note[1024];
            npu_config_defaults(c);
            if (!npu_config_merge_file(c, s->system, &err) || !npu_config_merge_file(c, s->chips.path[ci], &err) ||
                !(s->models.hf[mi] ? npu_hf_model_apply(c, s->models.path[mi], note, sizeof note, &err)
                                    : npu_config_merge_file(c, s->models.path[mi], &err))) {
                fprintf(stderr, "%s\n", err.msg);
                free(base);
                free(s);
                return EXIT_BADINPUT;
            }
            char why[512]; /* a hardware chip's keys win over the model file's, as with npu --chip */
            if (s->chips.chip[ci].hw && !npu_hwchip_apply(c, &s->chips.chip[ci].hwc, why, sizeof why)) {
                fprintf(stderr, "hwsweep run: %s: %s\n", s->chips.name[ci], why);
                free(base);
                free(s);
                return EXIT_BADINPUT;
            }
        }
    point_t *pts = NULL;
    size_t n = base ? enumerate(s, base, &pts) : (size_t)-1;
    if (n == (size_t)-1) {
        fprintf(stderr, "hwsweep run: out of memory\n");
        free(base);
        free(s);
        return EXIT_FAIL;
    }
    /* this shard's configurations */
    size_t *mine = malloc((n ? n : 1) * sizeof *mine), nm = 0;
    for (size_t i = 0; mine && i < n; i++)
        if ((int)(i % (size_t)o->shard_n) == o->shard_i - 1)
            mine[nm++] = i;
    char name[256], dbpath[4096], dir[4096];
    named_file_stem(o->sweep_path, name, sizeof name);
    sweep_db_path(o->outdir, name, o->shard_i, o->shard_n, dbpath, sizeof dbpath);
    snprintf(dir, sizeof dir, "%s/sweeps", o->outdir);
    npu_store_t *st = NULL;
    char e2[512];
    int lock_fd = -1;
    size_t already = 0;
    if (!o->dry_run) {
        int rc = EXIT_OK, bad = 0;
        if (mkdirs(dir) != 0) {
            fprintf(stderr, "hwsweep run: cannot create %s: %s\n", dir, strerror(errno));
            rc = EXIT_FAIL;
        } else if ((lock_fd = out_lock_take(dbpath, &bad, e2, sizeof e2)) < 0) {
            fprintf(stderr, "hwsweep run: %s\n", e2);
            rc = bad ? EXIT_BADINPUT : EXIT_FAIL;
        }
        char shard[64], partial[4200];
        snprintf(shard, sizeof shard, "%d/%d", o->shard_i, o->shard_n);
        snprintf(partial, sizeof partial, "%s.partial", dbpath);
        npu_store_in_t in[2 * MAXN + 2];
        int n_in = 0;
        in[n_in++] = (npu_store_in_t){"sweep", o->sweep_path};
        for (int i = 0; i < s->models.n; i++)
            in[n_in++] = (npu_store_in_t){"model", s->models.path[i]};
        for (int i = 0; i < s->chips.n; i++)
            in[n_in++] = (npu_store_in_t){"chip", s->chips.chip[i].input};
        in[n_in++] = (npu_store_in_t){"system", s->system};
        bool complete = false, resumed = false;
        if (rc == EXIT_OK && o->resume && access(partial, F_OK) != 0) {
            if (access(dbpath, F_OK) == 0) {
                int r = npu_store_is_complete(dbpath, name, shard, in, n_in, e2, sizeof e2);
                if (r == 0) {
                    complete = true;
                    if (!o->quiet)
                        fprintf(stderr, "hwsweep: %s is complete: nothing to resume\n", dbpath);
                } else {
                    fprintf(stderr, "hwsweep run: %s\n", e2);
                    rc = r == 2 ? EXIT_BADINPUT : EXIT_FAIL;
                }
            } else if (!o->quiet)
                fprintf(stderr, "hwsweep: %s does not exist yet: starting the sweep\n", partial);
        }
        if (rc == EXIT_OK && !complete) {
            st = npu_store_begin(dbpath, o->resume, o->command, name, shard, o->threads, in, n_in, &rc, &resumed, e2,
                                 sizeof e2);
            if (!st)
                fprintf(stderr, "hwsweep run: %s\n", e2);
            rc = !st ? (rc == 2 ? EXIT_BADINPUT : EXIT_FAIL) : EXIT_OK;
        }
        /* a resumed run skips the configurations already stored */
        unsigned char *done = resumed ? calloc(n ? n : 1, 1) : NULL;
        if (rc == EXIT_OK && resumed && (!done || !npu_store_done_points(st, done, n, &already, e2, sizeof e2))) {
            fprintf(stderr, "hwsweep run: %s: cannot read the stored configurations\n", partial);
            rc = EXIT_FAIL;
        }
        if (done && rc == EXIT_OK) {
            size_t k = 0;
            already = 0;
            for (size_t i = 0; i < nm; i++) {
                if (done[mine[i]])
                    already++;
                else
                    mine[k++] = mine[i];
            }
            nm = k;
        }
        free(done);
        if (rc != EXIT_OK || complete) {
            if (st)
                npu_store_finish(st, false, e2, sizeof e2);
            out_lock_release(lock_fd);
            free(mine);
            free(pts);
            free(base);
            free(s);
            return rc;
        }
    }
    double t0 = now_s();
    progress_t prog;
    progress_start(&prog, "NPU configurations", nm + already, o->quiet);
    prog.done = already;
    int threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    /* two chunks of results: the writer stores and commits one while the
     * threads evaluate the next; each thread keeps its tile cache and its
     * simulation record from chunk to chunk */
    result_t *res[2] = {malloc(CHUNK * sizeof(result_t)), malloc(CHUNK * sizeof(result_t))};
    npu_tile_cache_t **cache = calloc((size_t)threads, sizeof *cache);
    npu_run_t **scratch = calloc((size_t)threads, sizeof *scratch);
    size_t counts[3] = {0, 0, 0}; /* ok, out_of_memory, skipped */
    bool ok = res[0] && res[1] && cache && scratch && mine != NULL;
    for (int t = 0; ok && t < threads; t++)
        ok = (cache[t] = npu_tile_cache_new()) != NULL && (scratch[t] = malloc(sizeof(npu_run_t))) != NULL;
#ifdef __GLIBC__
    /* each configuration allocates and frees its operator lists: without
     * this glibc gives the top of the heap back after every one and takes
     * it again (10,000 brk calls and 65,000 page faults on one thread,
     * 0.8 s of system time on 11,520 configurations); blocks under 32 MB
     * come from the heap, not from mmap and munmap each time */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    interrupt_saved_t saved;
    interrupt_begin(&saved);
    bool interrupted = false;
    size_t c0 = 0, pend_c0 = 0, pend_n = 0; /* pend: evaluated, not yet stored */
    int cur = 0;
    while (ok && (c0 < nm || pend_n)) {
        /* Ctrl-C: store the chunk already evaluated, start no other */
        bool stop = interrupt_requested();
        size_t cn = stop || c0 >= nm ? 0 : nm - c0 < CHUNK ? nm - c0 : CHUNK;
        result_t *now = res[cur], *prev = res[!cur];
        bool stored = true;
        size_t ok_before = counts[0];
#pragma omp parallel num_threads(threads)
        {
#pragma omp single nowait
            if (pend_n)
                stored = store_chunk(st, s, pts, mine + pend_c0, prev, pend_n, counts, e2, sizeof e2);
#pragma omp for schedule(dynamic, 4)
            for (size_t i = 0; i < cn; i++) {
                const point_t *p = &pts[mine[c0 + i]];
                int t = omp_get_thread_num();
                evaluate(s, &base[p->mi * s->chips.n + p->ci], p, cache[t], scratch[t], &now[i]);
            }
        }
        if (pend_n)
            progress_add(&prog, pend_n, counts[0] - ok_before);
        ok = stored;
        if (!ok)
            free_runs(now, cn);
        if (stop && ok) {
            interrupted = true;
            break;
        }
        pend_c0 = c0;
        pend_n = cn;
        c0 += cn;
        cur = !cur;
    }
    interrupt_end(&saved);
    for (int t = 0; cache && scratch && t < threads; t++) {
        npu_tile_cache_free(cache[t]);
        free(scratch[t]);
    }
    free(cache);
    free(scratch);
    double secs = now_s() - t0;
    progress_end(&prog);
    if (!ok && res[0] && res[1] && mine && !interrupted)
        fprintf(stderr, "hwsweep run: %s\n", e2);
    if (st && interrupted) { /* the chunks stored so far stay for --resume */
        if (!npu_store_interrupted(st, e2, sizeof e2))
            fprintf(stderr, "hwsweep run: %s\n", e2);
    } else if (st && !npu_store_finish(st, ok, e2, sizeof e2)) {
        if (ok)
            fprintf(stderr, "hwsweep run: %s\n", e2);
        ok = false;
    }
    if (interrupted)
        ok = false;
    if (ok && !o->quiet) {
        printf("%s: %zu NPU configurations (%zu ok, %zu out of memory, %zu skipped) in %.2f s with %d thread(s)\n",
               name, nm, counts[0], counts[1], counts[2], secs, threads);
        if (already)
            printf("resumed: %zu configurations were stored by the interrupted run\n", already);
        if (!o->dry_run)
            printf("wrote %s\n", dbpath);
    }
    if (interrupted && o->dry_run)
        fprintf(stderr, "hwsweep: interrupted (--dry-run: nothing stored)\n");
    else if (interrupted) {
        fprintf(stderr, "hwsweep: interrupted; every finished chunk is saved in %s.partial\n"
                "resume with: hwsweep run --resume", dbpath);
        if (strcmp(o->outdir, "outputs"))
            fprintf(stderr, " -o %s", o->outdir);
        if (o->shard_n > 1)
            fprintf(stderr, " --shard %d/%d", o->shard_i, o->shard_n);
        fprintf(stderr, " %s\n", o->sweep_path);
    }
    out_lock_release(lock_fd);
    free(res[0]);
    free(res[1]);
    free(mine);
    free(pts);
    free(base);
    free(s);
    return ok ? EXIT_OK : interrupted ? INTERRUPT_EXIT : EXIT_FAIL;
}

/*
 * astra_job.c -- `hwsweep astra` (see astra_job.h): inputs to GEMM list to
 * ASTRA-sim workload to files.
 */
#include "engine/astra_job.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "astra/astra.h"
#include "config/named.h"
#include "engine/jobs.h"
#include "ops/gemm_list.h"
#include "ops/train_gemms.h"
#include "store/astra_store.h"

#define DEFAULT_NUM_NPUS 8      /* the generator's defaults */
#define DEFAULT_NUM_PACKAGES 1
#define DEFAULT_DATATYPE_SIZE 2
#define DEFAULT_FREQ_HZ 1e9     /* ASTRA-sim 1.x's tick is 1 ns: cycles at 1 GHz */

typedef enum { FMT_TEXT, FMT_CHAKRA } format_t;
static const struct {
    const char *name;
    format_t fmt;
} formats[] = {{"text", FMT_TEXT}, {"chakra", FMT_CHAKRA}};

typedef struct {
    astra_opts_t ao;
    scalesim_cfg_t array;
    double freq_hz;
    gemm_list_t list;
    char source[1200];          /* what the GEMMs came from, for the summary */
} plan_t;

static int bad(const char *fmt_msg)
{
    fprintf(stderr, "hwsweep astra: %s\n", fmt_msg);
    return EXIT_BADINPUT;
}

/* The stored point's model: --from-model when given, else the first model
 * file recorded by the database's runs whose name is the point's model. */
static int point_model(const astra_job_opts_t *o, const astra_point_t *pt, train_model_t *m)
{
    cfg_err_t err;
    if (o->model_path) {
        if (train_model_load(o->model_path, m, &err))
            return bad(err.msg);
        return 0;
    }
    for (size_t i = 0; i < pt->n_model_paths; i++)
        if (train_model_load(pt->model_paths[i], m, &err) == 0 && strcmp(m->name, pt->model) == 0)
            return 0;
    char msg[1400];
    snprintf(msg, sizeof msg, "%s: system %lld's model '%s' was not found in the model files its runs recorded "
             "(%zu readable candidates); give it with --from-model FILE", o->db_path, pt->system_id, pt->model,
             pt->n_model_paths);
    return bad(msg);
}

/* From a stored point: one pipeline stage's layers on its chips, tensor
 * parallel (t) inside a package and data parallel across packages. */
static int plan_from_db(const astra_job_opts_t *o, plan_t *pl, train_model_t *m, int64_t *layers,
                        int64_t *batch, int64_t *seq, char *msg, size_t len)
{
    astra_point_t pt;
    char err[1024];
    int rc = astra_store_point(o->db_path, o->system_id, o->batch, &pt, err, sizeof err);
    if (rc) {
        fprintf(stderr, "hwsweep astra: %s\n", err);
        return rc == -2 ? EXIT_BADINPUT : EXIT_FAIL;
    }
    if ((rc = point_model(o, &pt, m)))
        return rc;
    uint64_t t = (uint64_t)pt.t, p = (uint64_t)pt.p, chips = (uint64_t)pt.num_chips;
    if (t < 1 || p < 1 || chips < t * p || chips % p || (chips / p) % t) {
        snprintf(msg, len, "%s: system %lld's mapping t=%g p=%g on %g chips cannot be split into pipeline "
                 "stages of tensor-parallel groups", o->db_path, pt.system_id, pt.t, pt.p, pt.num_chips);
        return bad(msg);
    }
    uint64_t stage = chips / p;
    if (!o->num_npus)
        pl->ao.num_npus = stage;
    if (!o->num_packages)
        pl->ao.num_packages = pl->ao.num_npus / t ? pl->ao.num_npus / t : 1;
    if (!o->parallel)
        pl->ao.parallel = t == 1 ? ASTRA_DATA : pl->ao.num_packages == 1 ? ASTRA_MODEL : ASTRA_HYBRID_DATA_MODEL;
    if (!o->layers)
        *layers = m->layers / (int64_t)p > 0 ? m->layers / (int64_t)p : 1;
    *batch = pt.batch;
    *seq = o->seq ? o->seq : (int64_t)pt.prefill_len;
    if (!o->freq_hz && pt.freq_hz > 0)
        pl->freq_hz = pt.freq_hz;
    if (!o->scalesim_config) {
        uint64_t side = (uint64_t)pt.sa_width, arrays = pt.num_sa >= 1 ? (uint64_t)pt.num_sa : 1;
        if (side < 1 || side * arrays > SCALESIM_MAX_ARRAY) {
            snprintf(msg, len, "%s: system %lld's chip has no usable systolic array (sa_width %g); give "
                     "--scalesim-config", o->db_path, pt.system_id, pt.sa_width);
            return bad(msg);
        }
        /* the chip's arrays side by side: rows = side, columns = side x arrays */
        scalesim_cfg_make(&pl->array, side, side * arrays, "ws", msg, len);
    }
    snprintf(pl->source, sizeof pl->source, "%s system %lld (%s on %s, batch %lld, t=%g p=%g, %s)", o->db_path,
             pt.system_id, pt.model, pt.hardware, pt.batch, pt.t, pt.p, pt.objective);
    return 0;
}

static int make_plan(const astra_job_opts_t *o, plan_t *pl)
{
    char msg[1400];
    cfg_err_t err;
    int sources = !!o->mnk_path + !!o->db_path + (!!o->model_path && !o->db_path);
    if (sources != 1)
        return bad("give exactly one of --mnk FILE, --from-model FILE or --from-db DB --system ID");
    if (o->db_path && o->system_id < 0)
        return bad("--from-db needs --system ID (a systems.system_id of the database)");
    if (!o->db_path && o->system_id >= 0)
        return bad("--system is read only with --from-db");
    if (o->mnk_path && (o->batch || o->seq || o->layers))
        return bad("--batch, --seq and --layers apply to --from-model and --from-db, not to --mnk");
    if (o->model_path && !o->db_path && (!o->batch || !o->seq))
        return bad("--from-model needs --batch B and --seq S");
    pl->ao.parallel = ASTRA_DATA;
    if (o->parallel) {
        int s = astra_strategy_parse(o->parallel, o->mnk_path != NULL, msg, sizeof msg);
        if (s < 0) {
            if (!o->mnk_path && strcmp(o->parallel, "HYBRID_CUSTOMIZED") == 0)
                return bad("--parallel HYBRID_CUSTOMIZED needs per-layer strategies: use --mnk with a fifth column");
            return bad(msg);
        }
        pl->ao.parallel = (astra_strategy_t)s;
    }
    pl->ao.num_npus = o->num_npus ? o->num_npus : DEFAULT_NUM_NPUS;
    pl->ao.num_packages = o->num_packages ? o->num_packages : DEFAULT_NUM_PACKAGES;
    pl->freq_hz = o->freq_hz > 0 ? o->freq_hz : DEFAULT_FREQ_HZ;
    if (o->scalesim_config && scalesim_cfg_load(o->scalesim_config, &pl->array, &err))
        return bad(err.msg);
    if (o->scalesim_config && pl->array.user_bandwidth && !o->quiet)
        fprintf(stderr, "hwsweep astra: note: %s sets InterfaceBandwidth USER; cycles are SCALE-Sim's CALC-mode "
                "count (stall cycles of a limited bandwidth are not modelled)\n", o->scalesim_config);
    if (!o->scalesim_config && !o->db_path)
        return bad("--scalesim-config CFG is required (the systolic array's size and dataflow)");
    if (o->mnk_path) {
        pl->ao.datatype_bytes = o->datatype_size ? o->datatype_size : DEFAULT_DATATYPE_SIZE;
        if (gemm_list_load(o->mnk_path, (int)pl->ao.datatype_bytes, &pl->list, &err))
            return bad(err.msg);
        snprintf(pl->source, sizeof pl->source, "%s", o->mnk_path);
    } else {
        train_model_t m;
        int64_t layers = o->layers, batch = o->batch, seq = o->seq;
        if (o->db_path) {
            if (!o->num_npus)
                pl->ao.num_npus = 0;
            if (!o->num_packages)
                pl->ao.num_packages = 0;
            int rc = plan_from_db(o, pl, &m, &layers, &batch, &seq, msg, sizeof msg);
            if (rc)
                return rc;
        } else {
            if (train_model_load(o->model_path, &m, &err))
                return bad(err.msg);
            snprintf(pl->source, sizeof pl->source, "%s (batch %lld, sequence %lld)", o->model_path,
                     (long long)batch, (long long)seq);
        }
        pl->ao.datatype_bytes = o->datatype_size ? o->datatype_size : (uint64_t)m.elem_bytes;
        if (gemm_list_init(&pl->list, o->model_path ? o->model_path : o->db_path))
            return EXIT_FAIL;
        if (train_gemms(&m, batch, seq, layers, &pl->list, msg, sizeof msg)) {
            gemm_list_free(&pl->list);
            return bad(msg);
        }
    }
    if (astra_check_opts(&pl->ao, msg, sizeof msg)) {
        gemm_list_free(&pl->list);
        return bad(msg);
    }
    return 0;
}

int job_astra(const astra_job_opts_t *o)
{
    char msg[1400];
    long f = named_find(formats, sizeof formats / sizeof formats[0], sizeof formats[0],
                        o->format ? o->format : "text", "--format", msg, sizeof msg);
    if (f < 0)
        return bad(msg);
    format_t fmt = formats[f].fmt;
    bool asis = false;
    if (o->compat) {
        if (strcmp(o->compat, "asis") != 0)
            return bad("--compat: unknown mode (valid: asis)");
        if (fmt != FMT_TEXT)
            return bad("--compat asis applies to --format text only (the upstream generator wrote no Chakra traces)");
        asis = true;
    }
    if (o->passes < 0 || (o->passes > 1 && fmt != FMT_CHAKRA))
        return bad("--passes applies to --format chakra only");
    plan_t pl;
    memset(&pl, 0, sizeof pl);
    int rc = make_plan(o, &pl);
    if (rc)
        return rc;
    astra_workload_t w;
    cfg_err_t err;
    if (astra_workload_build(&pl.list, &pl.ao, &pl.array, &w, &err)) {
        gemm_list_free(&pl.list);
        return bad(err.msg);
    }
    const char *out = o->output ? o->output : fmt == FMT_TEXT ? "workload.txt" : "workload";
    if (fmt == FMT_TEXT) {
        rc = astra_text_write(&w, asis, out, msg, sizeof msg) ? EXIT_FAIL : EXIT_OK;
    } else {
        astra_chakra_opts_t co = {pl.freq_hz, o->passes > 0 ? o->passes : 1};
        rc = astra_chakra_write(&w, &co, out, msg, sizeof msg) ? EXIT_FAIL : EXIT_OK;
    }
    if (rc)
        fprintf(stderr, "hwsweep astra: %s\n", msg);
    else if (!o->quiet) {
        printf("%s: %zu layers, %s on %llu NPUs in %llu package%s, %llux%llu %s array\n", pl.source, w.n,
               astra_strategy_name(w.parallel), (unsigned long long)w.num_npus, (unsigned long long)w.num_packages,
               w.num_packages == 1 ? "" : "s",
               (unsigned long long)w.array.rows, (unsigned long long)w.array.cols,
               scalesim_dataflow_name(w.array.dataflow));
        if (fmt == FMT_TEXT)
            printf("wrote %s%s\n", out, asis ? " (--compat asis: the upstream generator's bytes)" : "");
        else
            printf("wrote %s.0.et ... %s.%llu.et (%d pass%s, clock %g Hz)\n", out, out,
                   (unsigned long long)w.num_npus - 1, o->passes > 1 ? o->passes : 1, o->passes > 1 ? "es" : "",
                   pl.freq_hz);
    }
    astra_workload_free(&w);
    gemm_list_free(&pl.list);
    return rc;
}

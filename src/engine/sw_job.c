/*
 * sw_job.c -- `hwsweep sw`: every (valid server x system configuration)
 * point of an explored hardware, evaluated for one model with OpenMP
 * workers, stored in OUTDIR/NAME/NAME.db (systems, perf, points) and
 * summarized in OUTDIR/NAME/MODEL.csv.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include "config/named.h"
#include "engine/hugemem.h"
#include "engine/jobs.h"
#include "engine/lock.h"
#include "hw/hw_config.h"
#include "perf/report.h"
#include "perf/model_hf.h"
#include "perf/sw_config.h"
#include "config/paths.h"
#include "perf/system.h"
#include "store/csv.h"
#include "store/db.h"
#include "store/hw_store.h"
#include "store/sw_store.h"
#include "store/sweep_store.h"

/* -s, else inputs/software/system/NAME.yaml, else sys_default.yaml. */
static const char *system_file(const job_opts_t *o, char *buf, size_t len)
{
    if (o->system_path)
        return o->system_path;
    char rel[1024];
    snprintf(rel, sizeof rel, "inputs/software/system/%s.yaml", o->hw_name);
    paths_shipped(rel, buf, len);
    if (access(buf, R_OK) == 0)
        return buf;
    return paths_shipped("inputs/software/system/sys_default.yaml", buf, len);
}

static int load_constants(sqlite3 *db, hw_constants_t *hc)
{
    size_t len = 0;
    char path[4096];
    char *text = db_load_input(db, "constants", &len, path, sizeof path);
    if (!text) {
        fprintf(stderr, "hwsweep: the database has no constants; run `hwsweep hw` again\n");
        return EXIT_FAIL;
    }
    cfg_err_t err;
    cfg_doc_t *doc = cfg_load_buffer(path, text, len, &err);
    int rc = doc ? hw_constants_bind(cfg_doc_root(doc), hc, &err) : -1;
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    cfg_doc_free(doc);
    free(text);
    return rc ? EXIT_FAIL : EXIT_OK;
}

/* Evaluate every point; the first configuration error (in point order) wins.
 * Point i keeps its best-mapping records in pool[i * slots ..] (NULL: malloc). */
static int evaluate(const hw_points_t *pts, const hw_constants_t *hc, const model_cfg_t *m,
                    const system_cfg_t *cfgs, size_t n_cfgs, int threads, perf_t *pool, size_t slots,
                    system_result_t *res)
{
    size_t n = pts->n_servers * n_cfgs;
    long first_bad = -1;
    char bad_msg[512] = "";
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t i = 0; i < n; i++) {
        char err[512];
        if (!perf_system_eval_in(&pts->servers[i / n_cfgs], hc, m, &cfgs[i % n_cfgs], pool ? pool + i * slots : NULL,
                                 slots, &res[i], err, sizeof err)) {
#pragma omp critical(sw_error)
            if (first_bad < 0 || (long)i < first_bad) {
                first_bad = (long)i;
                snprintf(bad_msg, sizeof bad_msg, "%s", err);
            }
        }
    }
    if (first_bad >= 0) {
        fprintf(stderr, "hwsweep: %s\n", bad_msg);
        return EXIT_BADINPUT;
    }
    return EXIT_OK;
}

static int write_model_csv(const char *path, const system_result_t *res, size_t n, int quiet)
{
    report_t rep;
    char err[256];
    if (!report_model_rows(res, n, &rep, err, sizeof err)) {
        fprintf(stderr, "hwsweep: %s\n", err);
        return EXIT_FAIL;
    }
    if (rep.warnings)
        fprintf(stderr, "%s", rep.warnings);
    static const char *const head[] = {"opt_goal", "input_len", "output_len", "batch", "prefill_sec",
                                       "decoding_sec", "tco_per_Mtoken", "prefill_io_sec", "prefill_compute_sec",
                                       "prefill_mem_sec", "decoding_io_sec", "decoding_compute_sec",
                                       "decoding_mem_sec", "capex", "opex"};
    csv_t c;
    if (csv_open(&c, path)) {
        report_free(&rep);
        fprintf(stderr, "hwsweep: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csv_text(&c, head[i]);
    csv_end_row(&c);
    for (size_t i = 0; i < rep.n_rows; i++) {
        const report_row_t *r = &rep.rows[i];
        const double v[] = {r->input_len, r->output_len, r->batch, r->prefill_sec, r->decoding_sec,
                            r->tco_per_Mtoken, r->prefill_io_sec, r->prefill_compute_sec, r->prefill_mem_sec,
                            r->decoding_io_sec, r->decoding_compute_sec, r->decoding_mem_sec, r->capex, r->opex};
        csv_text(&c, r->opt_goal);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            csv_num(&c, v[k]);
        csv_end_row(&c);
    }
    report_free(&rep);
    if (csv_commit(&c)) {
        fprintf(stderr, "hwsweep: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_FAIL;
    }
    if (!quiet)
        printf("wrote %s\n", path);
    return EXIT_OK;
}

/* "hwsweep: models in DIR: a, b, c" after a file that does not exist. */
static void list_yaml_files(const char *path, const char *what)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    int shown = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);
        if (len > 5 && strcmp(names[i]->d_name + len - 5, ".yaml") == 0)
            fprintf(stderr, "%s%.*s", shown++ ? ", " : "hwsweep: available: ", (int)len - 5, names[i]->d_name);
        free(names[i]);
    }
    free(names);
    if (shown)
        fprintf(stderr, " (%s in %s)\n", what, dir);
}

/* A model named like its hardware would write its report over NAME.csv. */
static void model_name_error(const char *model_path, const char *hw_name)
{
    cfg_err_t err;
    cfg_doc_t *doc = cfg_load_file(model_path, &err);
    const node_t *m = doc ? cfg_get(cfg_doc_root(doc), "Model") : NULL;
    const node_t *at = m ? cfg_get(m, "name") : NULL;
    if (at)
        cfg_node_errorf(&err, at, "Model.name: '%s' is also the hardware's Name: the model report would "
                        "overwrite %s.csv; rename the model", hw_name, hw_name);
    else
        snprintf(err.msg, sizeof err.msg, "%s: the model is named like the hardware '%s'", model_path, hw_name);
    fprintf(stderr, "%s\n", err.msg);
    cfg_doc_free(doc);
}

typedef struct {
    model_cfg_t model;
    system_cfg_t *cfgs;
    size_t n_cfgs;
    const char *sys_path;
    char sys_name[256];
    char db_path[4200];
} sw_inputs_t;

/* The model and system files, read and checked (nothing else touched). */
static int read_model_system(const job_opts_t *o, sw_inputs_t *in, char *buf, size_t len, int announce)
{
    cfg_err_t err;
    in->sys_path = system_file(o, buf, len);
    named_file_stem(in->sys_path, in->sys_name, sizeof in->sys_name);
    if (announce && !o->system_path && !o->quiet)
        printf("system configuration: %s\n", in->sys_path);
    char notes[2048];
    if (model_load_any(o->model_path, &in->model, &err, notes, sizeof notes)) {
        fprintf(stderr, "%s\n", err.msg);
        if (access(o->model_path, F_OK) != 0)
            list_yaml_files(o->model_path, "models");
        return EXIT_BADINPUT;
    }
    if (sw_system_load(in->sys_path, &in->cfgs, &in->n_cfgs, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        if (access(in->sys_path, F_OK) != 0)
            list_yaml_files(in->sys_path, "system files");
        return EXIT_BADINPUT;
    }
    if (o->hw_name && strcmp(in->model.name, o->hw_name) == 0) {
        model_name_error(o->model_path, o->hw_name);
        free(in->cfgs);
        in->cfgs = NULL;
        return EXIT_BADINPUT;
    }
    if (announce && !o->quiet && notes[0]) { /* a config.json the reference model cannot hold exactly */
        fflush(stdout);
        fprintf(stderr, "%s as a ReaLLM model:\n%s", o->model_path, notes);
        int v2 = 0;
        for (size_t i = 0; i < in->n_cfgs; i++)
            v2 |= strcmp(in->cfgs[i].perf_model, "v2") == 0;
        if (v2)
            fprintf(stderr, "perf_model v2 reads the config's experts, MLA ranks and vocabulary exactly "
                            "(the notes above are the reference model's)\n");
    }
    return EXIT_OK;
}

int job_sw_check(const job_opts_t *o)
{
    sw_inputs_t in;
    char buf[4096];
    memset(&in, 0, sizeof in);
    int rc = read_model_system(o, &in, buf, sizeof buf, 0);
    free(in.cfgs);
    return rc;
}

/* "hwsweep: explored hardware in OUTDIR: a, b" (folders NAME holding NAME.db). */
static void list_explored(const char *outdir)
{
    struct dirent **names = NULL;
    int n = scandir(outdir, &names, NULL, alphasort), shown = 0;
    for (int i = 0; i < n; i++) {
        char db[8300];
        snprintf(db, sizeof db, "%s/%s/%s.db", outdir, names[i]->d_name, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && access(db, R_OK) == 0)
            fprintf(stderr, "%s%s", shown++ ? ", " : "hwsweep: explored hardware: ", names[i]->d_name);
        free(names[i]);
    }
    free(names);
    fprintf(stderr, shown ? "\n" : "hwsweep: no hardware explored in %s yet\n", outdir);
}

static int load_inputs(const job_opts_t *o, sw_inputs_t *in, char *buf, size_t len)
{
    int rc = read_model_system(o, in, buf, len, 1);
    if (rc)
        return rc;
    snprintf(in->db_path, sizeof in->db_path, "%s/%s/%s.db", o->outdir, o->hw_name, o->hw_name);
    const char *why = named_path_name_problem(o->hw_name);
    if (why || access(in->db_path, R_OK) != 0) {
        if (why)
            fprintf(stderr, "hwsweep sw: hardware name '%s' %s\n", o->hw_name, why);
        else
            fprintf(stderr, "hwsweep: %s not found: explore the hardware first (hwsweep hw, or make %s.hw)\n",
                    in->db_path, o->hw_name);
        list_explored(o->outdir);
        free(in->cfgs);
        return EXIT_BADINPUT;
    }
    return EXIT_OK;
}

static int store(const job_opts_t *o, sqlite3 *db, const sw_inputs_t *in, const hw_points_t *pts,
                 const system_result_t *res, double t0)
{
    char err[DB_ERR_MAX] = "";
    sw_rows_t rows = {o->hw_name, in->model.name, in->sys_name, pts->servers, pts->n_servers, in->cfgs, in->n_cfgs, res};
    run_input_t inputs[] = {{"model", o->model_path}, {"system", in->sys_path}};
    run_info_t run = {.kind = "sw", .command = o->command, .threads = o->threads, .inputs = inputs, .n_inputs = 2,
                      .started_at = t0};
    int rc = store_begin(db, err, sizeof err) || sw_store_replace(db, &rows, err, sizeof err) ||
             db_save_inputs(db, inputs, 2, err, sizeof err) || db_record_run(db, &run, err, sizeof err) ||
             store_commit(db, err, sizeof err);
    if (rc) {
        fprintf(stderr, "hwsweep: %s: %s\n", in->db_path, err[0] ? err : sqlite3_errmsg(db));
        store_rollback(db);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int job_sw(const job_opts_t *o)
{
    double t0 = db_now();
    char buf[4096], err[DB_ERR_MAX] = "";
    sw_inputs_t in;
    memset(&in, 0, sizeof in);
    int rc = load_inputs(o, &in, buf, sizeof buf), bad = 0;
    if (rc)
        return rc;
    /* one writer per database: hw renames a new one into place */
    int lock = out_lock_take(in.db_path, &bad, err, sizeof err);
    sqlite3 *db = lock < 0 ? NULL : db_open(in.db_path, err, sizeof err);
    hw_constants_t hc;
    hw_points_t pts = {0};
    if (!db) {
        fprintf(stderr, "hwsweep: %s\n", err);
        free(in.cfgs);
        out_lock_release(lock);
        return bad ? EXIT_BADINPUT : EXIT_FAIL;
    }
    rc = load_constants(db, &hc);
    if (rc == 0 && hw_store_load_valid(db, &pts, err, sizeof err)) {
        fprintf(stderr, "hwsweep: %s\n", err);
        rc = EXIT_FAIL;
    }
    size_t n = pts.n_servers * in.n_cfgs, slots = 0;
    for (size_t c = 0; c < in.n_cfgs; c++)
        if (perf_system_best_slots(&in.cfgs[c]) > slots)
            slots = perf_system_best_slots(&in.cfgs[c]);
    /* every point's best-mapping records in one block of huge pages (when
     * that block cannot be had, or is too small to be worth one, each point
     * mallocs its own) */
    hugemem_t pool = {0};
    if (rc == 0 && n && slots <= SIZE_MAX / sizeof(perf_t) / n)
        hugemem_alloc(&pool, n * slots * sizeof(perf_t));
    system_result_t *res = rc ? NULL : calloc(n ? n : 1, sizeof *res);
    if (rc == 0 && !res)
        rc = EXIT_FAIL;
    if (rc == 0)
        rc = evaluate(&pts, &hc, &in.model, in.cfgs, in.n_cfgs, o->threads, pool.p, slots, res);
    if (rc == 0) {
        size_t valid = 0;
        for (size_t i = 0; i < n; i++)
            valid += res[i].valid;
        if (!o->quiet)
            printf("%s x %s (%s): %zu servers x %zu system configurations = %zu system points (%zu valid); %.3f s\n",
                   o->hw_name, in.model.name, in.sys_name, pts.n_servers, in.n_cfgs, n, valid, db_now() - t0);
        rc = store(o, db, &in, &pts, res, t0);
    }
    if (rc == 0) {
        snprintf(buf, sizeof buf, "%s/%s/%s.csv", o->outdir, o->hw_name, in.model.name);
        rc = write_model_csv(buf, res, n, o->quiet);
        if (rc == 0 && !o->quiet)
            printf("wrote %s\n", in.db_path);
    }
    for (size_t i = 0; res && i < n; i++)
        perf_system_result_free(&res[i]);
    free(res);
    hugemem_free(&pool);
    hw_points_free(&pts);
    free(in.cfgs);
    db_close(db);
    out_lock_release(lock);
    return rc;
}

/*
 * hw_job.c -- `hwsweep hw`: hardware exploration of one configuration into
 * OUTDIR/NAME/NAME.db and OUTDIR/NAME/NAME.csv.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/hw_engine.h"
#include "engine/invalid_report.h"
#include "engine/jobs.h"
#include "engine/lock.h"
#include "hw/hw_config.h"
#include "store/finalize.h"
#include "store/hw_store.h"
#include "store/db.h"
#include "store/schema_sql.h"
#include "store/sweep_store.h"

int job_mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* A new database is built beside the old one (NAME.db.partial) and renamed
 * over it only when complete, under the writer lock: a kill at any moment
 * leaves the old result or the new one. */
static int store_hw(const job_opts_t *o, const char *name, const hw_points_t *pts, double t0)
{
    char dir[4096], db_path[4200], partial[4300], csv_path[4200], err[DB_ERR_MAX] = "";
    int bad = 0;
    snprintf(dir, sizeof dir, "%s/%s", o->outdir, name);
    snprintf(db_path, sizeof db_path, "%s/%s.db", dir, name);
    snprintf(partial, sizeof partial, "%s.partial", db_path);
    snprintf(csv_path, sizeof csv_path, "%s/%s.csv", dir, name);
    if (job_mkdirs(dir)) {
        fprintf(stderr, "hwsweep: cannot create %s: %s\n", dir, strerror(errno));
        return EXIT_BADINPUT;
    }
    int lock = out_lock_take(db_path, &bad, err, sizeof err);
    if (lock < 0) {
        fprintf(stderr, "hwsweep: %s\n", err);
        return bad ? EXIT_BADINPUT : EXIT_FAIL;
    }
    db_remove(partial);   /* what a killed run left (we hold the lock) */
    sqlite3 *db = db_open(partial, err, sizeof err);
    run_input_t inputs[] = {{"hardware", o->hw_path}, {"constants", o->constants_path}};
    run_info_t run = {.kind = "hw", .command = o->command, .threads = o->threads, .inputs = inputs, .n_inputs = 2,
                      .started_at = t0};
    if (db && db_copy_runs(db, db_path) && !o->quiet)
        fprintf(stderr, "hwsweep: %s: its run history cannot be read; it is not kept\n", db_path);
    int rc = !db || store_begin(db, err, sizeof err) ||
             hw_store_replace(db, name, pts, err, sizeof err) || db_save_inputs(db, inputs, 2, err, sizeof err) ||
             db_record_run(db, &run, err, sizeof err) || store_commit(db, err, sizeof err);
    db_close(db);   /* an open transaction rolls back */
    if (rc == 0) {
        db_remove_journal(db_path);
        if (rename(partial, db_path)) {
            snprintf(err, sizeof err, "cannot rename %s.partial to it: %s", name, strerror(errno));
            rc = -1;
        }
    }
    /* the CSV is read back from what was committed: one writer of the summary */
    if (rc == 0) {
        db = db_open_readonly(db_path, err, sizeof err);
        rc = !db || store_write_hw_csv(db, name, csv_path, err, sizeof err);
        db_close(db);
    }
    if (rc)
        db_remove(partial);
    out_lock_release(lock);
    if (rc) {
        fprintf(stderr, "hwsweep: %s: %s\n", db_path, err[0] ? err : "cannot write");
        return EXIT_FAIL;
    }
    if (!o->quiet)
        printf("wrote %s\nwrote %s\n", csv_path, db_path);
    job_invalid_report(db_path, o->quiet);
    return EXIT_OK;
}

int job_hw(const job_opts_t *o)
{
    double t0 = db_now();
    cfg_err_t err;
    hw_constants_t hc;
    hw_config_t cfg;
    if (hw_constants_load(o->constants_path, &hc, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_BADINPUT;
    }
    if (hw_config_load(o->hw_path, &cfg, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_BADINPUT;
    }
    hw_points_t pts;
    hw_stats_t st;
    if (hw_engine_eval(&cfg, &hc, o->threads, &pts, &st)) {
        fprintf(stderr, "hwsweep: out of memory evaluating %s\n", o->hw_path);
        hw_config_free(&cfg);
        return EXIT_FAIL;
    }
    double t1 = db_now();
    if (!o->quiet)
        printf("%s: %zu chips (%zu valid), %zu packages (%zu valid), %zu servers (%zu valid); "
               "%zu heat sink searches; %.3f s\n",
               cfg.name, pts.n_chips, st.valid_chips, pts.n_packages, st.valid_packages, pts.n_servers,
               st.valid_servers, st.heatsink_searches, t1 - t0);
    int rc = store_hw(o, cfg.name, &pts, t0);
    hw_points_free(&pts);
    hw_config_free(&cfg);
    return rc;
}

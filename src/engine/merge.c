/*
 * merge.c -- merging shard databases (see merge.h).
 *
 * Every shard records its sweep, the fingerprint of the sweep's inputs and
 * its shard "I/N" in runs.  Merge checks that the shards are the finished,
 * distinct, complete set of one sweep, copies their rows into a temporary
 * database (chips and packages are the same in every shard), numbers the
 * servers' rows, and renames it into place, so OUT.db is either the old
 * file or the complete merge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/jobs.h"
#include "engine/lock.h"
#include "engine/merge.h"
#include "store/db.h"
#include "store/finalize.h"
#include "store/sw_store.h"
#include "store/sweep_store.h"
#include "store/views.h"

typedef struct {
    const char *path;
    char sweep[256], fingerprint[65], status[32];
    int i, n;
} shard_info_t;

static int read_shard(const char *path, shard_info_t *s)
{
    sqlite3 *db = NULL;
    sweep_run_rec_t run;
    memset(s, 0, sizeof *s);
    s->path = path;
    int ok = access(path, R_OK) == 0 && sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
             sweep_store_run(db, 0, &run) == 0 && run.has_sweep && run.has_fingerprint && run.has_shard &&
             run.has_status && sscanf(run.shard, "%d/%d", &s->i, &s->n) == 2;
    if (ok) {
        snprintf(s->sweep, sizeof s->sweep, "%s", run.sweep);
        snprintf(s->fingerprint, sizeof s->fingerprint, "%s", run.fingerprint);
        snprintf(s->status, sizeof s->status, "%s", run.status);
    }
    if (!ok)
        fprintf(stderr, "hwsweep merge: %s is not a sweep shard database\n", path);
    sqlite3_close(db);
    return ok ? 0 : -1;
}

static int check_set(const shard_info_t *s, int n)
{
    int bad = 0;
    for (int k = 0; k < n; k++) {
        if (strcmp(s[k].sweep, s[0].sweep) || strcmp(s[k].fingerprint, s[0].fingerprint) || s[k].n != s[0].n) {
            fprintf(stderr, "hwsweep merge: %s is shard %d/%d of sweep '%s' (inputs %.12s), but %s is shard "
                    "%d/%d of sweep '%s' (inputs %.12s): not the same sweep\n", s[k].path, s[k].i, s[k].n,
                    s[k].sweep, s[k].fingerprint, s[0].path, s[0].i, s[0].n, s[0].sweep, s[0].fingerprint);
            return -1;
        }
        if (strcmp(s[k].status, "done")) {
            fprintf(stderr, "hwsweep merge: %s (shard %d/%d) is not finished (status %s): resume it with "
                    "hwsweep run --resume --shard %d/%d\n", s[k].path, s[k].i, s[k].n, s[k].status, s[k].i, s[k].n);
            bad = 1;
        }
        for (int j = 0; j < k; j++)
            if (s[j].i == s[k].i) {
                fprintf(stderr, "hwsweep merge: %s and %s are both shard %d/%d\n", s[j].path, s[k].path, s[k].i,
                        s[k].n);
                return -1;
            }
    }
    char missing[1024] = "";
    for (int i = 1; i <= s[0].n; i++) {
        int found = 0;
        for (int k = 0; k < n; k++)
            found |= s[k].i == i;
        if (!found && strlen(missing) < sizeof missing - 16)
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%d", missing[0] ? ", " : "", i);
    }
    if (missing[0]) {
        fprintf(stderr, "hwsweep merge: sweep '%s' has %d shards; missing: %s\n", s[0].sweep, s[0].n, missing);
        return -1;
    }
    return bad ? -1 : 0;
}

/* The shards' perf mappings in one run's order (sw_store_merge_perf). */
static int merge_perf(sqlite3 *db, const shard_info_t *s, int n, char *err, size_t errlen)
{
    const char **paths = calloc((size_t)n, sizeof *paths);
    if (!paths) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int k = 0; k < n; k++)
        paths[k] = s[k].path;
    int rc = sw_store_merge_perf(db, paths, (size_t)n, err, errlen);
    free(paths);
    return rc;
}

static int build(const char *tmp, const shard_info_t *s, int n, const char *command, char *err, size_t errlen)
{
    sqlite3 *db = db_open(tmp, err, errlen);
    if (!db)
        return -1;
    run_input_t *in = calloc((size_t)n, sizeof *in);
    /* bulk copy first; the perf mappings and their ranking rows replayed at the end */
    int rc = in ? views_drop_indexes(db, err, errlen) || sw_store_bulk_load(db, 1, err, errlen) ||
                  sw_store_points_view(db, 1, err, errlen) : -1;
    for (int k = 0; rc == 0 && k < n; k++) {
        in[k] = (run_input_t){"shard", s[k].path};
        rc = merge_store_copy_shard(db, s[k].path, err, errlen);
    }
    char shard[32];
    snprintf(shard, sizeof shard, "1/1");
    run_info_t run = {.kind = "merge", .command = command, .threads = 1, .inputs = in, .n_inputs = (size_t)n,
                      .started_at = db_now(), .sweep = s[0].sweep, .fingerprint = s[0].fingerprint, .shard = shard};
    if (rc == 0)
        rc = store_begin(db, err, errlen) || sw_store_bulk_load(db, 0, err, errlen) ||
             views_rank_create(db, err, errlen) || merge_perf(db, s, n, err, errlen) ||
             store_server_rows(db, err, errlen) ||
             db_record_run(db, &run, err, errlen) || store_commit(db, err, errlen);
    free(in);
    /* a plain rollback journal for the result: one file to move into place */
    if (rc == 0)
        rc = db_finish_journal(db, err, errlen);
    db_close(db);
    return rc;
}

int merge_run(const char *out, char *const *paths, int n, const char *command, int quiet)
{
    shard_info_t *s = calloc((size_t)n, sizeof *s);
    if (!s)
        return EXIT_FAIL;
    int rc = EXIT_OK;
    for (int k = 0; k < n && rc == EXIT_OK; k++)
        if (read_shard(paths[k], &s[k]))
            rc = EXIT_BADINPUT;
    if (rc == EXIT_OK && check_set(s, n))
        rc = EXIT_BADINPUT;
    char tmp[4200], err[DB_ERR_MAX], prefix[4200];
    snprintf(tmp, sizeof tmp, "%s.merging.%ld", out, (long)getpid());
    int lock = -1, bad = 0;
    if (rc == EXIT_OK && (lock = out_lock_take(out, &bad, err, sizeof err)) < 0) {
        fprintf(stderr, "hwsweep merge: %s\n", err);
        rc = bad ? EXIT_BADINPUT : EXIT_FAIL;
    }
    if (rc == EXIT_OK) {
        unlink(tmp);
        if (build(tmp, s, n, command, err, sizeof err)) {
            fprintf(stderr, "hwsweep merge: %s\n", err);
            unlink(tmp);
            rc = EXIT_FAIL;
        }
    }
    if (rc == EXIT_OK) {
        db_remove_journal(out);   /* the rename itself replaces OUT.db atomically */
        if (rename(tmp, out)) {
            fprintf(stderr, "hwsweep merge: cannot move %s to %s\n", tmp, out);
            rc = EXIT_FAIL;
        }
    }
    if (rc == EXIT_OK) {
        snprintf(prefix, sizeof prefix, "%s", out);
        size_t len = strlen(prefix);
        if (len > 3 && strcmp(prefix + len - 3, ".db") == 0)
            prefix[len - 3] = '\0';
        sqlite3 *db = db_open_readonly(out, err, sizeof err);
        if (!db || store_write_hw_csvs(db, prefix, quiet, err, sizeof err)) {
            fprintf(stderr, "hwsweep merge: %s\n", err);
            rc = EXIT_FAIL;
        }
        db_close(db);
        if (rc == EXIT_OK && !quiet)
            printf("merged %d shards of sweep '%s' into %s\n", n, s[0].sweep, out);
    }
    out_lock_release(lock);
    free(s);
    return rc;
}

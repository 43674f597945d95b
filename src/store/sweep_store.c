/*
 * sweep_store.c -- the SQL of sweep runs, resumes and merges (see
 * sweep_store.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/sweep_store.h"

int store_begin(sqlite3 *db, char *err, size_t errlen)
{
    return db_exec(db, "BEGIN IMMEDIATE", err, errlen);
}

int store_commit(sqlite3 *db, char *err, size_t errlen)
{
    return db_exec(db, "COMMIT", err, errlen);
}

void store_rollback(sqlite3 *db)
{
    char ignore[64];
    db_exec(db, "ROLLBACK", ignore, sizeof ignore);
}

static void copy_col(sqlite3_stmt *st, int i, char *buf, size_t len, int *has)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    *has = t != NULL;
    snprintf(buf, len, "%s", t ? (const char *)t : "");
}

int sweep_store_run(sqlite3 *db, int first, sweep_run_rec_t *out)
{
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof *out);
    int ok = sqlite3_prepare_v2(db, first ? "SELECT sweep, fingerprint, shard, status FROM runs WHERE kind = 'run' "
                                            "ORDER BY run_id LIMIT 1"
                                          : "SELECT sweep, fingerprint, shard, status FROM runs WHERE kind = 'run' "
                                            "ORDER BY run_id DESC LIMIT 1",
                                -1, &st, NULL) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_ROW;
    if (ok) {
        copy_col(st, 0, out->sweep, sizeof out->sweep, &out->has_sweep);
        copy_col(st, 1, out->fingerprint, sizeof out->fingerprint, &out->has_fingerprint);
        copy_col(st, 2, out->shard, sizeof out->shard, &out->has_shard);
        copy_col(st, 3, out->status, sizeof out->status, &out->has_status);
    }
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

int sweep_store_has_parts(sqlite3 *db)
{
    return db_query_int(db, "SELECT count(*) FROM chips", 0) > 0;
}

int sweep_store_server_ids(sqlite3 *db, void (*fn)(void *ctx, int64_t id), void *ctx)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT server_id FROM server_points", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int sweep_store_mark_killed(sqlite3 *db, char *err, size_t errlen)
{
    return db_exec(db, "UPDATE runs SET status = 'killed' WHERE status = 'running'", err, errlen);
}

int merge_store_copy_shard(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    static const char *copy =
        "INSERT OR IGNORE INTO chips SELECT * FROM shard.chips;"
        "INSERT OR IGNORE INTO packages SELECT * FROM shard.packages;"
        "INSERT OR IGNORE INTO server_shapes SELECT * FROM shard.server_shapes;"
        "INSERT OR IGNORE INTO reasons SELECT * FROM shard.reasons;"
        "INSERT OR IGNORE INTO heat_sinks SELECT * FROM shard.heat_sinks;"
        "INSERT INTO server_points SELECT * FROM shard.server_points;"
        "INSERT INTO server_costs SELECT * FROM shard.server_costs;"
        "INSERT INTO systems SELECT * FROM shard.systems;"
        "INSERT OR IGNORE INTO inputs SELECT * FROM shard.inputs;"
        "INSERT INTO runs(kind, command, inputs, tool_version, threads, started_at, ended_at, status, sweep, "
        "  fingerprint, shard) SELECT kind, command, inputs, tool_version, threads, started_at, ended_at, status, "
        "  sweep, fingerprint, shard FROM shard.runs ORDER BY run_id;";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS shard", -1, &st, NULL) == SQLITE_OK ? 0 : -1;
    if (rc == 0) {
        sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    if (rc) {
        snprintf(err, errlen, "attaching %s: %s", path, sqlite3_errmsg(db));
        return -1;
    }
    /* the caller renames its temporary file into place only when complete,
     * so one transaction per shard is enough (DETACH is not allowed inside one) */
    rc = store_begin(db, err, errlen) || db_exec(db, copy, err, errlen) ||
         store_commit(db, err, errlen);
    char ignore[64];
    if (rc)
        store_rollback(db);
    return db_exec(db, "DETACH DATABASE shard", rc ? ignore : err, rc ? sizeof ignore : errlen) || rc ? -1 : 0;
}

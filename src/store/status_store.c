/*
 * status_store.c -- the sweep_progress table and the reads behind
 * `hwsweep status` (see status_store.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/status_store.h"

#define PROGRESS_SCHEMA \
    "CREATE TABLE IF NOT EXISTS sweep_progress(run_id INTEGER PRIMARY KEY, servers_total INTEGER NOT NULL, " \
    "servers_at_start INTEGER NOT NULL, servers_done INTEGER NOT NULL, systems_done INTEGER NOT NULL, "      \
    "started_at REAL NOT NULL, updated_at REAL NOT NULL, host TEXT, pid INTEGER, checkpoint_every_s REAL)"

int status_store_begin(sqlite3 *db, long long run_id, long long servers_total, long long servers_done,
                       double checkpoint_every_s, char *err, size_t errlen)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    long long systems = db_query_int(db, "SELECT count(*) FROM systems", 0);
    sqlite3_stmt *st = NULL;
    int rc = db_exec(db, "BEGIN IMMEDIATE; " PROGRESS_SCHEMA, err, errlen);
    if (rc == 0) {
        rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO sweep_progress VALUES(?1, ?2, ?3, ?3, ?4, ?5, ?5, ?6, ?7, ?8)",
                                -1, &st, NULL) == SQLITE_OK ? 0 : -1;
        if (rc == 0) {
            double now = db_now();
            sqlite3_bind_int64(st, 1, run_id);
            sqlite3_bind_int64(st, 2, servers_total);
            sqlite3_bind_int64(st, 3, servers_done);
            sqlite3_bind_int64(st, 4, systems);
            sqlite3_bind_double(st, 5, now);
            sqlite3_bind_text(st, 6, host, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 7, (long long)getpid());
            sqlite3_bind_double(st, 8, checkpoint_every_s);
            rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(st);
        if (rc)
            snprintf(err, errlen, "sqlite: recording progress: %s", sqlite3_errmsg(db));
        else
            rc = db_exec(db, "COMMIT", err, errlen);
    }
    if (rc) {
        char ignore[64];
        db_exec(db, "ROLLBACK", ignore, sizeof ignore);
    }
    return rc;
}

int status_store_tick(sqlite3 *db, long long servers, long long systems, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "UPDATE sweep_progress SET servers_done = servers_done + ?1, "
                                    "systems_done = systems_done + ?2, updated_at = ?3 "
                                    "WHERE run_id = (SELECT max(run_id) FROM sweep_progress)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, servers);
        sqlite3_bind_int64(st, 2, systems);
        sqlite3_bind_double(st, 3, db_now());
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: recording progress: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

static void copy_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    snprintf(buf, len, "%s", t ? t : "");
}

int status_store_read(const char *path, status_row_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->servers_total = -1;
    sqlite3 *db = db_open_readonly(path, err, errlen);
    if (!db)
        return -1;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, "SELECT (SELECT sweep FROM runs WHERE kind = 'run' ORDER BY run_id DESC LIMIT 1), "
                               "CASE kind WHEN 'merge' THEN 'merged' ELSE shard END, status FROM runs "
                               "WHERE kind IN ('run', 'merge') ORDER BY run_id DESC LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        copy_text(st, 0, out->sweep, sizeof out->sweep);
        copy_text(st, 1, out->shard, sizeof out->shard);
        copy_text(st, 2, out->status, sizeof out->status);
        rc = 0;
    } else {
        snprintf(err, errlen, "%s: not a sweep database (no sweep run recorded)", path);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0 && db_query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'sweep_progress'", 0) > 0 &&
        sqlite3_prepare_v2(db, "SELECT servers_total, servers_done, host, pid, updated_at, "
                               "(SELECT sum(updated_at - started_at) FROM sweep_progress), "
                               "(SELECT sum(servers_done - servers_at_start) FROM sweep_progress), "
                               "systems_done, checkpoint_every_s FROM sweep_progress ORDER BY run_id DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        out->has_progress = 1;
        out->servers_total = sqlite3_column_int64(st, 0);
        out->servers_done = sqlite3_column_int64(st, 1);
        copy_text(st, 2, out->host, sizeof out->host);
        out->pid = sqlite3_column_int64(st, 3);
        out->updated_at = sqlite3_column_double(st, 4);
        out->active_s = sqlite3_column_double(st, 5);
        out->servers_active = sqlite3_column_int64(st, 6);
        out->systems_done = sqlite3_column_int64(st, 7);
        out->checkpoint_every_s = sqlite3_column_double(st, 8);
    }
    sqlite3_finalize(st);
    if (rc == 0) {
        /* the stored rows are the truth; the record only adds total and timing */
        out->servers_done = db_query_int(db, "SELECT count(*) FROM server_points", out->servers_done);
        if (!out->has_progress)
            out->systems_done = db_query_int(db, "SELECT count(*) FROM systems", 0);
    }
    db_close(db);
    return rc;
}

long long status_store_servers(const char *path)
{
    sqlite3 *db = NULL;
    long long n = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
        n = db_query_int(db, "SELECT count(*) FROM server_points", -1);
    sqlite3_close(db);
    return n;
}

/*
 * db.c -- opening databases, their schema and the runs table.
 *
 * Every write happens inside one transaction that the caller commits, so a
 * killed run leaves the previous content (SQLite's journal rolls back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "store/db.h"
#include "store/schema_sql.h"
#include "store/sha256.h"
#include "version.h"

double db_now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

long long db_query_int(sqlite3 *db, const char *sql, long long dflt)
{
    sqlite3_stmt *st = NULL;
    long long v = dflt;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    snprintf(err, errlen, "sqlite: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
}

sqlite3 *db_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open database: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    if (db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536;", err, errlen) ||
        db_schema_create(db, err, errlen)) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

void db_close(sqlite3 *db)
{
    sqlite3_close(db);
}

void db_remove(const char *path)
{
    unlink(path);
    db_remove_journal(path);
}

void db_remove_journal(const char *path)
{
    char side[4200];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static void inputs_json(const run_info_t *run, char *buf, size_t len)
{
    size_t used = 0;
    used += (size_t)snprintf(buf, len, "[");
    for (size_t i = 0; i < run->n_inputs && used < len; i++) {
        char hex[65] = "unreadable";
        sha256_file_hex(run->inputs[i].path, hex);
        used += (size_t)snprintf(buf + used, len - used, "%s{\"role\": \"%s\", \"path\": \"%s\", \"sha256\": \"%s\"}",
                                 i ? ", " : "", run->inputs[i].role, run->inputs[i].path, hex);
    }
    if (used < len)
        snprintf(buf + used, len - used, "]");
}

static long long insert_run(sqlite3 *db, const run_info_t *run, const char *status, char *err, size_t errlen)
{
    static const char *sql =
        "INSERT INTO runs(kind, command, inputs, tool_version, threads, started_at, ended_at, status, sweep, "
        "fingerprint, shard) VALUES(?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', ?, 'unixepoch'), "
        "CASE WHEN ?8 = 'running' THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ?7, 'unixepoch') END, ?8, ?9, "
        "?10, ?11)";
    char *inputs = malloc(65536);
    if (!inputs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    inputs_json(run, inputs, 65536);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, run->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, run->command, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, inputs, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, HWSWEEP_VERSION, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, run->threads);
        sqlite3_bind_double(st, 6, run->started_at);
        sqlite3_bind_double(st, 7, db_now());
        sqlite3_bind_text(st, 8, status, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, run->sweep, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, run->fingerprint, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, run->shard, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: recording the run: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    free(inputs);
    return rc == SQLITE_OK ? (long long)sqlite3_last_insert_rowid(db) : -1;
}

int db_record_run(sqlite3 *db, const run_info_t *run, char *err, size_t errlen)
{
    return insert_run(db, run, "done", err, errlen) < 0 ? -1 : 0;
}

long long db_run_start(sqlite3 *db, const run_info_t *run, char *err, size_t errlen)
{
    return insert_run(db, run, "running", err, errlen);
}

int db_run_finish(sqlite3 *db, long long run_id, const char *status, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "UPDATE runs SET status = ?, ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', ?, "
                                    "'unixepoch') WHERE run_id = ?", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 2, db_now());
        sqlite3_bind_int64(st, 3, run_id);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: finishing the run: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b2 = cap > ((size_t)64 << 20) ? NULL : realloc(buf, cap *= 2);
            if (!b2) {
                free(buf);
                buf = NULL;
            }
            buf = b2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int db_save_input(sqlite3 *db, const char *role, const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    char *text = slurp(path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    char hex[65];
    sha256_hex(text, len, hex);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO inputs(role, path, sha256, content) VALUES(?, ?, ?, ?)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, hex, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, text, (int)len, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: saving input %s: %s", path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    free(text);
    return rc == SQLITE_OK ? 0 : -1;
}

char *db_load_input(sqlite3 *db, const char *role, size_t *len, char *path_out, size_t path_len)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, "SELECT content, path FROM inputs WHERE role = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            int n = sqlite3_column_bytes(st, 0);
            const void *p = sqlite3_column_blob(st, 0);
            out = malloc((size_t)n + 1);
            if (out) {
                memcpy(out, p, (size_t)n);
                out[n] = '\0';
                *len = (size_t)n;
                snprintf(path_out, path_len, "%s", (const char *)sqlite3_column_text(st, 1));
            }
        }
    }
    sqlite3_finalize(st);
    return out;
}

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
#include <time.h>
#include <unistd.h>

#include "store/db.h"

#include "config/numfmt.h"
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
    /* a rollback journal: a finished database is one file that read-only
     * users can open; long runs switch to WAL with db_use_wal */
    if (db_exec(db, "PRAGMA page_size=16384; PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536;", err, errlen) ||
        db_schema_create(db, err, errlen)) {
        char why[DB_ERR_MAX];
        snprintf(why, sizeof why, "%s", err);
        snprintf(err, errlen, "%s: %s", path, why);
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
    snprintf(side, sizeof side, "%s-journal", path);
    unlink(side);
}

/* runs.inputs: a JSON array of {role, path, sha256}, built by SQLite's JSON
 * functions (any path text is escaped correctly).  malloc'd; NULL on failure. */
static char *inputs_json(sqlite3 *db, const run_info_t *run)
{
    sqlite3_stmt *st = NULL;
    char *json = NULL;
    if (sqlite3_prepare_v2(db, "SELECT json_insert(?1, '$[#]', json_object('role', ?2, 'path', ?3, 'sha256', ?4))",
                           -1, &st, NULL) != SQLITE_OK)
        return NULL;
    json = strdup("[]");
    for (size_t i = 0; json && i < run->n_inputs; i++) {
        char hex[65] = "unreadable";
        sha256_file_hex(run->inputs[i].path, hex);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, json, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, run->inputs[i].role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, run->inputs[i].path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, hex, -1, SQLITE_STATIC);
        char *next = NULL;
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            next = strdup((const char *)sqlite3_column_text(st, 0));
        free(json);
        json = next;
    }
    sqlite3_finalize(st);
    return json;
}

static long long insert_run(sqlite3 *db, const run_info_t *run, const char *status, char *err, size_t errlen)
{
    static const char *sql =
        "INSERT INTO runs(kind, command, inputs, tool_version, threads, started_at, ended_at, status, sweep, "
        "fingerprint, shard) VALUES(?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', ?, 'unixepoch'), "
        "CASE WHEN ?8 = 'running' THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ?7, 'unixepoch') END, ?8, ?9, "
        "?10, ?11)";
    char *inputs = inputs_json(db, run);
    if (!inputs) {
        snprintf(err, errlen, "sqlite: recording the run's inputs: %s", sqlite3_errmsg(db));
        return -1;
    }
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

/* One input file into inputs, with the statement prepared by the caller. */
static int save_input(sqlite3 *db, sqlite3_stmt *st, const char *role, const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    char *text = slurp(path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    char hex[65];
    sha256_hex(text, len, hex);
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    if (rc)
        snprintf(err, errlen, "sqlite: saving input %s: %s", path, sqlite3_errmsg(db));
    sqlite3_clear_bindings(st); /* text is freed below */
    free(text);
    return rc;
}

int db_save_input(sqlite3 *db, const char *role, const char *path, char *err, size_t errlen)
{
    run_input_t in = {role, path};
    return db_save_inputs(db, &in, 1, err, errlen);
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

/* The statement is prepared once for all the files (a prepare costs more
 * than the row on a short command's cold start). */
int db_save_inputs(sqlite3 *db, const run_input_t *in, size_t n, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO inputs(role, path, sha256, content) VALUES(?, ?, ?, ?)", -1,
                           &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: saving inputs: %s", sqlite3_errmsg(db));
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = save_input(db, st, in[i].role, in[i].path, err, errlen);
    sqlite3_finalize(st);
    return rc;
}

int db_use_wal(sqlite3 *db, char *err, size_t errlen)
{
    /* checkpoint every 8192 pages (128 MiB of 16 KiB pages) instead of 1000:
     * an index page changed by many chunks reaches the database file once per
     * checkpoint, not once per 1000 pages (about 7% less CPU on a sweep) */
    return db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=8192", err, errlen);
}

int db_checkpoint(sqlite3 *db)
{
    return sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int db_finish_journal(sqlite3 *db, char *err, size_t errlen)
{
    /* leaving WAL needs the only connection: a reader may hold it briefly */
    for (int tries = 0;; tries++) {
        sqlite3_stmt *st = NULL;
        const char *mode = NULL;
        if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=DELETE", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            mode = (const char *)sqlite3_column_text(st, 0);
        int done = mode && strcmp(mode, "delete") == 0;
        sqlite3_finalize(st);
        if (done)
            return 0;
        if (tries == 100) {
            snprintf(err, errlen, "sqlite: cannot leave WAL mode (a reader holds the database): %s",
                     sqlite3_errmsg(db));
            return -1;
        }
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
}

/* path as a file: URI (RFC 3986 percent-encoding of what SQLite would
 * read as query or fragment, and of '%' itself). */
static void uri_of(const char *path, const char *query, char *buf, size_t len)
{
    size_t k = (size_t)snprintf(buf, len, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p && k + 4 < len; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20 || *p >= 0x7f)
            k += (size_t)snprintf(buf + k, len - k, "%%%02X", *p);
        else
            buf[k++] = (char)*p;
    }
    buf[k < len ? k : len - 1] = '\0';
    snprintf(buf + strlen(buf), len - strlen(buf), "?%s", query);
}

sqlite3 *db_open_readonly(const char *path, char *err, size_t errlen)
{
    char uri[8400];
    sqlite3 *db = NULL;
    uri_of(path, "mode=ro", uri, sizeof uri);
    if (access(path, F_OK) != 0) {
        snprintf(err, errlen, "%s: no such database", path);
        return NULL;
    }
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    return db;
}

int db_run_input_sha(sqlite3 *db, const char *path, char out[65])
{
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    int rc = sqlite3_prepare_v2(db,
        "SELECT json_extract(j.value, '$.sha256') FROM runs, json_each(runs.inputs) AS j "
        "WHERE runs.run_id = (SELECT min(run_id) FROM runs WHERE kind = 'run') "
        "AND json_valid(runs.inputs) AND json_extract(j.value, '$.path') = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 64)
            memcpy(out, sqlite3_column_text(st, 0), 65);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

int db_inputs_each(sqlite3 *db, db_input_fn fn, void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT role, path, sha256, content FROM inputs ORDER BY rowid", -1, &st, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
        return -1;
    }
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[3];
        for (int k = 0; k < 3; k++)
            v[k] = sqlite3_column_text(st, k) ? (const char *)sqlite3_column_text(st, k) : "";
        const char *content = (const char *)sqlite3_column_blob(st, 3);
        rc = fn(ctx, v[0], v[1], v[2], content ? content : "", (size_t)sqlite3_column_bytes(st, 3));
    }
    sqlite3_finalize(st);
    return rc;
}

int db_copy_runs(sqlite3 *db, const char *old_path)
{
    if (access(old_path, F_OK) != 0)
        return 0;
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS old", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, old_path, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (!ok)
        return -1;
    int rc = sqlite3_exec(db, "INSERT INTO runs(kind, command, inputs, tool_version, threads, started_at, ended_at, "
                              "status, sweep, fingerprint, shard) SELECT kind, command, inputs, tool_version, threads, "
                              "started_at, ended_at, status, sweep, fingerprint, shard FROM old.runs ORDER BY run_id",
                          NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    sqlite3_exec(db, "DETACH DATABASE old", NULL, NULL, NULL);
    return rc;
}

int db_has_run(const char *path, const char *kind)
{
    char err[DB_ERR_MAX];
    sqlite3 *db = db_open_readonly(path, err, sizeof err);
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (db && sqlite3_prepare_v2(db, "SELECT 1 FROM runs WHERE kind = ?1 LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    db_close(db);
    return found;
}

void db_cell_text(sqlite3_stmt *st, int i, int csv, char *buf, size_t len)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: snprintf(buf, len, "%lld", (long long)sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT:
        if (csv)
            num_shortest(buf, len, sqlite3_column_double(st, i));
        else
            snprintf(buf, len, "%.6g", sqlite3_column_double(st, i));
        break;
    case SQLITE_NULL: buf[0] = '\0'; break;
    default: snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, i)); break;
    }
}

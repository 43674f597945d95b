/*
 * db.c -- opening databases, their schema and the runs table.
 *
 * Every write happens inside one transaction that the caller commits, so a
 * killed run leaves the previous content (SQLite's journal rolls back).
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

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
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open database: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    if (db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;", err, errlen) ||
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

int db_record_run(sqlite3 *db, const run_info_t *run, char *err, size_t errlen)
{
    static const char *sql =
        "INSERT INTO runs(kind, command, inputs, tool_version, threads, started_at, ended_at, status) "
        "VALUES(?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', ?, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', ?, 'unixepoch'), 'done')";
    char inputs[8192];
    inputs_json(run, inputs, sizeof inputs);
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
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: recording the run: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

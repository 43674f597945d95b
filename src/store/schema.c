/*
 * schema.c -- every table and view of a database, created in one place and
 * versioned with PRAGMA user_version so that an old database is refused
 * rather than half-understood.
 */
#include <stdio.h>

#include "store/columns.h"
#include "store/db.h"
#include "store/query_sql.h"
#include "store/schema_sql.h"
#include "store/views.h"

#define SCHEMA_VERSION 6   /* 3: inputs keyed by (role, path); 4: compact servers (server_points, ...), perf_mappings + perf_choices, unit names; 5: ranking tables rank_best + rank_front instead of the indexes perf_best + perf_front; 6: perf_mappings narrow (objectives, value_id) over the content-keyed perf_values, perf_results, perf_costs, no index on mapping_id / 128 */

static int create_runs(sqlite3 *db, char *err, size_t errlen)
{
    static const char *sql =
        "CREATE TABLE IF NOT EXISTS runs(run_id INTEGER PRIMARY KEY, kind TEXT, command TEXT, "
        "inputs TEXT, tool_version TEXT, threads INTEGER, started_at TEXT, ended_at TEXT, status TEXT, "
        "sweep TEXT, fingerprint TEXT, shard TEXT);\n"
        "CREATE TABLE IF NOT EXISTS inputs(role TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT, content TEXT, "
        "PRIMARY KEY(role, path))";
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: creating runs: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : -1;
}

int db_schema_outdated(const char *path)
{
    sqlite3 *db = NULL;
    int old = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        old = db_query_int(db, "SELECT count(*) FROM sqlite_master", 0) > 0 &&
              db_query_int(db, "PRAGMA user_version", -1) != SCHEMA_VERSION;
    sqlite3_close(db);
    return old;
}

int db_schema_create(sqlite3 *db, char *err, size_t errlen)
{
    int v = (int)db_query_int(db, "PRAGMA user_version", -1);
    /* the version is set last: a database that has it holds the whole schema,
     * so a short command on it runs no DDL at all */
    if (v == SCHEMA_VERSION)
        return 0;
    if (db_query_int(db, "SELECT count(*) FROM sqlite_master", 0) > 0) {
        snprintf(err, errlen, "database schema version %d, this hwsweep writes version %d: "
                 "remove the database (or choose another -o) and run again", v, SCHEMA_VERSION);
        return -1;
    }
    if (create_runs(db, err, errlen) || hw_store_schema(db, err, errlen) || sw_store_schema(db, err, errlen) ||
        views_rank_create(db, err, errlen) || query_views_create(db, err, errlen) ||
        columns_create(db, err, errlen))
        return -1;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", SCHEMA_VERSION);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    /* every failure leaves a message (a full disk fails here first) */
    snprintf(err, errlen, "sqlite: creating the schema: %s", sqlite3_errmsg(db));
    return -1;
}

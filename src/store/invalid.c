/*
 * invalid.c -- invalid points by level and reason (see invalid.h).  The
 * grouping of reasons is pq_reason_class (the plots' and the report's),
 * registered as the SQL function hwsweep_reason_pattern(text) so that
 * SQLite groups millions of rows.
 */
#include <stdio.h>
#include <string.h>

#include "store/invalid.h"
#include "store/plot_queries.h"

const char *const invalid_levels[LEVEL_N] = {"chip", "package", "server", "system"};

static void pattern_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    if (!t) {
        sqlite3_result_null(ctx);
        return;
    }
    char buf[INVALID_TEXT_MAX];
    pq_reason_class(t, buf, sizeof buf);   /* the plots' grouping, numbers as # */
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

sqlite3_stmt *invalid_prepare(sqlite3 *db, const char *model, int limit, char *err, size_t errlen)
{
    if (sqlite3_create_function(db, "hwsweep_reason_pattern", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                pattern_fn, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
        return NULL;
    }
    /* with a model: only its systems, and the hardware it was evaluated on */
    const char *sql =
        "WITH r(level, ord, reason, n) AS ("
        "SELECT 'chip', 0, invalid_reason, 1 FROM chips WHERE NOT valid AND (?1 IS NULL OR hardware IN "
        "(SELECT hardware FROM systems WHERE model = ?1)) "
        "UNION ALL SELECT 'package', 1, invalid_reason, 1 FROM packages WHERE NOT valid AND (?1 IS NULL OR hardware IN "
        "(SELECT hardware FROM systems WHERE model = ?1)) "
        /* servers: counted per stored reason first, so each distinct text is classed once */
        "UNION ALL SELECT 'server', 2, x.reason, g.n FROM (SELECT reason_id, count(*) AS n FROM server_points "
        "WHERE status < 2 AND (?1 IS NULL OR package_row IN (SELECT package_row FROM packages WHERE hardware IN "
        "(SELECT hardware FROM systems WHERE model = ?1))) GROUP BY reason_id) g "
        "LEFT JOIN reasons x ON x.reason_id = g.reason_id "
        "UNION ALL SELECT 'system', 3, invalid_reason, 1 FROM systems WHERE NOT valid AND (?1 IS NULL OR model = ?1)) "
        "SELECT level, hwsweep_reason_pattern(reason) AS reason, sum(n) AS points, min(reason) AS example "
        "FROM r GROUP BY ord, 2 ORDER BY points DESC, ord, reason LIMIT ?2";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
        return NULL;
    }
    if (model)
        sqlite3_bind_text(st, 1, model, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
    return st;
}

int invalid_top(sqlite3 *db, invalid_count_t *out, size_t max, size_t *n, char *err, size_t errlen)
{
    *n = 0;
    sqlite3_stmt *st = invalid_prepare(db, NULL, (int)max, err, errlen);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        invalid_count_t *c = &out[(*n)++];
        const char *cells[3] = {(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                                (const char *)sqlite3_column_text(st, 3)};
        snprintf(c->level, sizeof c->level, "%s", cells[0] ? cells[0] : "");
        snprintf(c->reason, sizeof c->reason, "%s", cells[1] ? cells[1] : "(no reason)");
        snprintf(c->example, sizeof c->example, "%s", cells[2] ? cells[2] : "");
        c->count = (long)sqlite3_column_int64(st, 2);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int invalid_point_counts(sqlite3 *db, long total[LEVEL_N], long valid[LEVEL_N], char *err, size_t errlen)
{
    static const char *const sql[LEVEL_N] = {
        "SELECT count(*), total(valid) FROM chips", "SELECT count(*), total(valid) FROM packages",
        "SELECT count(*), total(status = 2) FROM server_points", "SELECT count(*), total(valid) FROM systems"};
    for (int l = 0; l < LEVEL_N; l++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, sql[l], -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
            snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
            sqlite3_finalize(st);
            return -1;
        }
        total[l] = (long)sqlite3_column_int64(st, 0);
        valid[l] = (long)sqlite3_column_double(st, 1);
        sqlite3_finalize(st);
    }
    return 0;
}

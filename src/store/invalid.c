/*
 * invalid.c -- invalid points by level and reason (see invalid.h).  The
 * grouping of reasons is pq_reason_class (the plots' and the report's),
 * registered as the SQL function hwsweep_reason_pattern(text) so that
 * SQLite groups millions of rows.  The invalid servers are counted per
 * stored reason by a scan in C into a temporary table (SQLite's GROUP BY
 * sorts them first: 0.30 s against 0.07 s for bench/big.yaml's 891,178).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* reason_id -> invalid servers (open addressing on reason_id + 1; the NULL
 * reason apart). */
typedef struct {
    struct reason_n {
        int64_t id1;   /* reason_id + 1, 0: empty */
        int64_t n;
    } *e;
    size_t cap, used;
    int64_t null_n;
} reason_counts_t;

static struct reason_n *rc_slot(reason_counts_t *c, int64_t id)
{
    size_t i = (size_t)(((uint64_t)id + 1) * 0x9e3779b97f4a7c15ull >> 17) & (c->cap - 1);
    while (c->e[i].id1 && c->e[i].id1 != id + 1)
        i = (i + 1) & (c->cap - 1);
    return &c->e[i];
}

static int rc_add(reason_counts_t *c, int64_t id)
{
    if (2 * (c->used + 1) > c->cap) {
        reason_counts_t g = {calloc(c->cap ? 2 * c->cap : 64, sizeof *g.e), c->cap ? 2 * c->cap : 64, c->used, 0};
        if (!g.e)
            return -1;
        for (size_t i = 0; i < c->cap; i++)
            if (c->e[i].id1)
                *rc_slot(&g, c->e[i].id1 - 1) = c->e[i];
        free(c->e);
        c->e = g.e;
        c->cap = g.cap;
    }
    struct reason_n *e = rc_slot(c, id);
    if (!e->id1) {
        e->id1 = id + 1;
        c->used++;
    }
    e->n++;
    return 0;
}

/* temp.invalid_server_reasons(reason_id, n): the invalid servers (of the
 * hardware model was evaluated on) per stored reason, as
 * SELECT reason_id, count(*) ... GROUP BY reason_id gives them. */
static int count_server_reasons(sqlite3 *db, const char *model)
{
    static const char *const scan =
        "SELECT reason_id FROM server_points WHERE status < 2 AND (?1 IS NULL OR package_row IN (SELECT "
        "package_row FROM packages WHERE hardware IN (SELECT hardware FROM systems WHERE model = ?1)))";
    reason_counts_t c = {NULL, 0, 0, 0};
    sqlite3_stmt *st = NULL, *ins = NULL;
    int rc = sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS invalid_server_reasons(reason_id INTEGER, n INTEGER); "
                          "DELETE FROM temp.invalid_server_reasons", NULL, NULL, NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(db, scan, -1, &st, NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(db, "INSERT INTO temp.invalid_server_reasons VALUES(?, ?)", -1, &ins, NULL) == SQLITE_OK
                 ? 0
                 : -1;
    if (rc == 0 && model)
        sqlite3_bind_text(st, 1, model, -1, SQLITE_STATIC);
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
            c.null_n++;
        else
            rc = rc_add(&c, sqlite3_column_int64(st, 0));
    }
    if (step != SQLITE_DONE)
        rc = -1;
    for (size_t i = 0; rc == 0 && i <= c.cap; i++) {   /* i == cap: the NULL reason */
        if (i < c.cap ? !c.e[i].id1 : !c.null_n)
            continue;
        if (i < c.cap)
            sqlite3_bind_int64(ins, 1, c.e[i].id1 - 1);
        else
            sqlite3_bind_null(ins, 1);
        sqlite3_bind_int64(ins, 2, i < c.cap ? c.e[i].n : c.null_n);
        rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(ins);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(ins);
    free(c.e);
    return rc;
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
        /* servers: counted per stored reason first (count_server_reasons), so each distinct text is classed once */
        "UNION ALL SELECT 'server', 2, x.reason, g.n FROM temp.invalid_server_reasons g "
        "LEFT JOIN reasons x ON x.reason_id = g.reason_id "
        "UNION ALL SELECT 'system', 3, invalid_reason, 1 FROM systems WHERE NOT valid AND (?1 IS NULL OR model = ?1)) "
        "SELECT level, hwsweep_reason_pattern(reason) AS reason, sum(n) AS points, min(reason) AS example "
        "FROM r GROUP BY ord, 2 ORDER BY points DESC, ord, reason LIMIT ?2";
    sqlite3_stmt *st = NULL;
    if (count_server_reasons(db, model) || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
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

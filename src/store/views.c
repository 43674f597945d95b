/*
 * views.c -- the query surface of a database: the views best_per_batch and
 * pareto, and the indexes that make them fast.
 *
 * Both rank perf_choices (one row per valid system, batch and objective: a
 * narrow table up to schema version 4, a view of perf_mappings since 5) and
 * read the chosen rows' columns from the view perf.
 * best_per_batch: one row per (model, prefill_len, generate_len, batch,
 * objective): the choice with the smallest metric (ties: smallest
 * system_id) and its system.
 * pareto: per (model, prefill_len, generate_len, batch), the generate_latency
 * and generate_tco choices not dominated in (generate_latency_s,
 * generate_tco_per_token_usd), one row per distinct point (smallest system_id).
 *
 * Each view has two forms with the same columns and rows:
 *  - keyed, with the indexes perf_best and perf_front: each group is
 *    ordered by what it minimizes, and a recursive walk reads the first
 *    entry of each group (best_per_batch: one seek per group) or climbs the
 *    group's staircase (pareto: one pass over the candidates inside a
 *    covering index), no sort at all;
 *  - join, for a database without those indexes (a run under way that
 *    dropped them): window functions over perf_choices joined to systems,
 *    O(n log n).
 * Both rely on choices existing for valid systems only (sw_write_system).
 *
 * Since schema version 5 a database's own views have a third form, rank:
 * they read the ranking tables rank_best and rank_front (rank_store.c),
 * which the writer keeps up to date chunk by chunk, so there are no ranking
 * indexes to build at the end of a sweep and a running sweep's partial
 * database answers as fast as a finished one.  The keyed and join forms
 * remain for databases of the earlier layout (hwsweep query's temporary
 * views) and for the tests that compare the forms.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/rank_store.h"
#include "store/views.h"

#define SQL_MAX 8192

/* r: the chosen perf rows, f: their columns, s: their systems. */
static const char *best_cols =
    "r.model AS model, r.prefill_len AS prefill_len, r.generate_len AS generate_len, r.batch AS batch, "
    "f.objective AS objective, f.objective_index AS objective_index, s.hardware AS hardware, "
    "s.system_id AS system_id, s.server_id AS server_id, s.num_servers AS num_servers, s.num_chips AS num_chips, "
    "f.t AS t, f.p AS p, f.micro_batch AS micro_batch, f.prefill_micro_batch AS prefill_micro_batch, "
    "f.metric AS metric, f.prefill_latency_s AS prefill_latency, f.generate_latency_s AS generate_latency, "
    "f.prefill_tco_per_token_usd AS prefill_tco_per_token, f.generate_tco_per_token_usd AS generate_tco_per_token, "
    "f.tco_per_mtoken_usd AS tco_per_Mtoken, f.generate_throughput_tokens_per_s AS generate_throughput";

static const char *pareto_cols =
    "r.model AS model, r.prefill_len AS prefill_len, r.generate_len AS generate_len, r.batch AS batch, "
    "s.hardware AS hardware, s.system_id AS system_id, s.server_id AS server_id, "
    "f.t AS t, f.p AS p, f.micro_batch AS micro_batch, f.prefill_micro_batch AS prefill_micro_batch, "
    "f.generate_latency_s AS generate_latency, f.generate_tco_per_token_usd AS generate_tco_per_token, "
    "f.tco_per_mtoken_usd AS tco_per_Mtoken, f.generate_throughput_tokens_per_s AS generate_throughput";

/* Rows are named by perf's primary key (system_id, batch, objective_index):
 * r(sid, b, o, model, prefill_len, generate_len, ...). */
#define PK(a) "(" a ".system_id, " a ".batch, " a ".objective_index)"

/* The chosen rows of a keyed walk w(sid, b, o), with their group key. */
#define KEYED_R                                                                                             \
    "(SELECT w.sid AS sid, w.b AS b, w.o AS o, k.model AS model, k.prefill_len AS prefill_len, "           \
    "k.generate_len AS generate_len, k.batch AS batch FROM w JOIN perf_choices k ON " PK("k") " = (w.sid, w.b, w.o))"

/* w: from row (sid, b, o), the perf row m chosen by the condition and order
 * given (+x keeps a row value usable as one index range). */
#define STEP(cte, cond, order)                                                                        \
    "SELECT n.system_id, n.batch, n.objective_index FROM " cte " JOIN perf_choices c ON " PK("c") " = ("  \
    cte ".sid, " cte ".b, " cte ".o) JOIN perf_choices n ON " PK("n") " = (SELECT m.system_id, m.batch, " \
    "m.objective_index FROM perf_choices m WHERE " cond " ORDER BY " order " LIMIT 1)"
#define FIRST(cond, order)                                                                             \
    "SELECT * FROM (SELECT m.system_id, m.batch, m.objective_index FROM perf_choices m WHERE " cond      \
    " ORDER BY " \
    order " LIMIT 1)"

/* Keyed best: the first entry of a group is its best, and the next group
 * starts at (model, prefill_len, generate_len, batch, objective_index + 1). */
#define BEST_ORDER "m.model, m.prefill_len, m.generate_len, m.batch, m.objective_index, m.metric, m.system_id"
static const char *best_keyed_with =
    "WITH RECURSIVE w(sid, b, o) AS (" FIRST("m.metric IS NOT NULL", BEST_ORDER) " UNION ALL "
    STEP("w", "m.metric IS NOT NULL AND (m.model, m.prefill_len, m.generate_len, m.batch, m.objective_index) >= "
         "(+c.model, +c.prefill_len, +c.generate_len, +c.batch, c.objective_index + 1)", BEST_ORDER) ") ";

#define FRONT_ORDER \
    "m.model, m.prefill_len, m.generate_len, m.batch, m.generate_latency_s, m.generate_tco_per_token_usd, "     \
    "m.system_id, " \
    "m.objective_index"

/* Keyed pareto: g, the first point of each group (on the frontier); w, from
 * a frontier point the next: the first one in (latency, tco, system_id)
 * order with a smaller tco. */
static const char *pareto_keyed_with =
    "WITH RECURSIVE g(sid, b, o) AS (" FIRST(PARETO_CANDIDATE("m"), FRONT_ORDER) " UNION ALL "
    STEP("g", PARETO_CANDIDATE("m") " AND (m.model, m.prefill_len, m.generate_len, m.batch) >= "
         "(+c.model, +c.prefill_len, +c.generate_len, c.batch + 1)", FRONT_ORDER) "), "
    "w(sid, b, o) AS (SELECT sid, b, o FROM g UNION ALL "
    STEP("w", PARETO_CANDIDATE("m") " AND m.model = +c.model AND m.prefill_len = +c.prefill_len AND m.generate_len = "
         "+c.generate_len AND m.batch = +c.batch AND m.generate_latency_s >= +c.generate_latency_s AND "
         "m.generate_tco_per_token_usd < +c.generate_tco_per_token_usd", FRONT_ORDER) ") ";

/* Join best: rank each group's rows by metric. */
static const char *best_join_r =
    "(SELECT f.system_id AS sid, f.batch AS b, f.objective_index AS o, s.model AS model, "
    "s.prefill_len AS prefill_len, s.generate_len AS generate_len, f.batch AS batch, row_number() OVER ("
    "PARTITION BY s.model, s.prefill_len, s.generate_len, f.batch, f.objective_index ORDER BY f.metric, "
    "f.system_id) AS pos FROM systems s JOIN perf_choices f ON f.system_id = s.system_id WHERE s.valid AND "
    "f.metric IS NOT NULL)";

/* Join pareto: in (latency, tco, system_id) order, a point is on the
 * frontier when its tco is below every earlier point's. */
static const char *pareto_join_r =
    "(SELECT f.system_id AS sid, f.batch AS b, f.objective_index AS o, s.model AS model, "
    "s.prefill_len AS prefill_len, s.generate_len AS generate_len, f.batch AS batch, "
    "f.generate_tco_per_token_usd AS tco, min(f.generate_tco_per_token_usd) OVER (PARTITION BY s.model, "
    "s.prefill_len, s.generate_len, f.batch ORDER BY f.generate_latency_s, f.generate_tco_per_token_usd, "
    "f.system_id, f.objective_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_min "
    "FROM systems s JOIN perf_choices f ON f.system_id = s.system_id WHERE s.valid AND " PARETO_CANDIDATE("f") ")";

static const char *keyed_indexes =
    "CREATE INDEX IF NOT EXISTS perf_best ON perf_choices(model, prefill_len, generate_len, batch, "
    "objective_index, metric, system_id) WHERE metric IS NOT NULL;\n"
    "CREATE INDEX IF NOT EXISTS perf_front ON perf_choices(model, prefill_len, generate_len, batch, "
    "generate_latency_s, generate_tco_per_token_usd, system_id, objective_index) WHERE " PARETO_CANDIDATE("perf_choices") ";\n";

static const char *join_indexes =
    "CREATE INDEX IF NOT EXISTS perf_keys ON perf_choices(system_id, batch, objective_index, metric, "
    "generate_latency_s, generate_tco_per_token_usd);\n";

static const char *systems_index =
    "CREATE INDEX IF NOT EXISTS systems_eval ON systems(model, system, prefill_len, generate_len, valid, "
    "hardware);\n";

/* perf_choices is a table (schema version 4): the keyed form's indexes and
 * the join form's perf_keys can be built on it (in version 5 it is a view). */
static int choices_table(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'perf_choices'",
                           -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n > 0;
}

int views_keyed(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int ok = choices_table(db) && sqlite3_prepare_v2(db, "SELECT model, prefill_len, generate_len FROM "
                                                     "main.perf_choices LIMIT 0", -1, &st, NULL) == SQLITE_OK;
    sqlite3_finalize(st);
    return ok;
}

static int has_index(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM main.sqlite_master WHERE type = 'index' AND name = ?", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return n > 0;
}

int views_rank_form(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM main.sqlite_master WHERE type = 'view' AND "
                           "name IN ('best_per_batch', 'pareto') AND sql LIKE '%FROM rank\\_%' ESCAPE '\\'", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n == 2 && rank_store_present(db);
}

int views_indexed(sqlite3 *db, int keyed)
{
    if (views_rank_form(db) || (!keyed && !choices_table(db)))
        return 1;   /* the join form on the view perf_choices reads a system's mappings by key range */
    return keyed ? has_index(db, "perf_best") && has_index(db, "perf_front") : has_index(db, "perf_keys");
}

static int exec(sqlite3 *db, const char *sql, const char *what, char *err, size_t errlen)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: creating %s: %s", what, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : -1;
}

/* CREATE [TEMP] VIEW name AS [with] SELECT cols FROM r JOIN perf f JOIN systems s [WHERE where] */
static int create_view_on(sqlite3 *db, int temp, const char *name, const char *with, const char *cols,
                          const char *r, const char *on, const char *where, char *err, size_t errlen)
{
    char *sql = malloc(SQL_MAX);
    if (!sql) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int n = snprintf(sql, SQL_MAX, "CREATE %sVIEW IF NOT EXISTS %s AS %sSELECT %s FROM %s r "
                     "JOIN perf f ON %s JOIN systems s ON s.system_id = r.sid%s%s",
                     temp ? "TEMP " : "", name, with, cols, r, on, *where ? " WHERE " : "", where);
    int rc = n > 0 && n < SQL_MAX ? exec(db, sql, name, err, errlen) : -1;
    if (n <= 0 || n >= SQL_MAX)
        snprintf(err, errlen, "view %s: SQL longer than %d bytes", name, SQL_MAX);
    free(sql);
    return rc;
}

static int create_view(sqlite3 *db, int temp, const char *name, const char *with, const char *cols,
                       const char *r, const char *where, char *err, size_t errlen)
{
    return create_view_on(db, temp, name, with, cols, r, PK("f") " = (r.sid, r.b, r.o)", where, err, errlen);
}

int views_create_in(sqlite3 *db, int temp, int keyed, char *err, size_t errlen)
{
    if (!temp && (exec(db, systems_index, "indexes", err, errlen) ||
                  ((keyed || choices_table(db)) && exec(db, keyed ? keyed_indexes : join_indexes, "indexes", err, errlen))))
        return -1;
    if (keyed)
        return create_view(db, temp, "best_per_batch", best_keyed_with, best_cols, KEYED_R, "", err, errlen) ||
               create_view(db, temp, "pareto", pareto_keyed_with, pareto_cols, KEYED_R, "", err, errlen) ? -1 : 0;
    return create_view(db, temp, "best_per_batch", "", best_cols, best_join_r, "r.pos = 1", err, errlen) ||
           create_view(db, temp, "pareto", "", pareto_cols, pareto_join_r,
                       "r.prev_min IS NULL OR r.tco < r.prev_min", err, errlen) ? -1 : 0;
}

/* r of the rank form: the ranking tables' rows as (sid, b, o) with their group key */
#define RANK_R(table)                                                                                      \
    "(SELECT system_id AS sid, batch AS b, objective_index AS o, mapping_id AS mid, model AS model, "        \
    "prefill_len AS prefill_len, generate_len AS generate_len, batch AS batch FROM " table ")"
/* the chosen row by its mapping's key */
#define RANK_ON "f.mapping_id = r.mid AND f.objective_index = r.o"

int views_rank_create(sqlite3 *db, char *err, size_t errlen)
{
    if (rank_store_schema(db, err, errlen) || exec(db, systems_index, "indexes", err, errlen))
        return -1;
    return create_view_on(db, 0, "best_per_batch", "", best_cols, RANK_R("rank_best"), RANK_ON, "", err, errlen) ||
           create_view_on(db, 0, "pareto", "", pareto_cols, RANK_R("rank_front"), RANK_ON, "", err, errlen) ? -1 : 0;
}

int views_create(sqlite3 *db, char *err, size_t errlen)
{
    return views_create_in(db, 0, views_keyed(db), err, errlen);
}

int views_live_form(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM main.sqlite_master WHERE type = 'view' AND "
                           "name IN ('best_per_batch', 'pareto') AND sql LIKE '%OVER (PARTITION BY%'", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n == 2;
}

int views_drop_indexes(sqlite3 *db, char *err, size_t errlen)
{
    return exec(db, "DROP INDEX IF EXISTS perf_best; DROP INDEX IF EXISTS perf_front; DROP INDEX IF EXISTS perf_keys; "
                "DROP INDEX IF EXISTS systems_eval", "indexes", err, errlen);
}

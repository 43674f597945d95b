/*
 * query_sql.c -- the statements of `hwsweep query` and the points_hw view
 * (see query_sql.h).  Filters are bound parameters (?1 model, ?2 batch,
 * ?3 objective, ?4 limit); the user's --where is an SQL condition wrapped
 * in parentheses on a read-only connection; --sort names columns only.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "store/query_sql.h"

#define SQL_MAX 8192

static const char *const points_hw_sql =
    "CREATE VIEW IF NOT EXISTS points_hw AS SELECT s.system_id AS system_id, s.hardware AS hardware, "
    "s.model AS model, s.system AS system, s.prefill_len AS prefill_len, s.generate_len AS generate_len, "
    "f.batch AS batch, f.objective AS objective, f.objective_index AS objective_index, f.t AS t, f.p AS p, "
    "f.micro_batch AS micro_batch, f.prefill_micro_batch AS prefill_micro_batch, "
    "f.prefill_latency_s AS prefill_latency_s, f.prefill_throughput_tokens_per_s AS prefill_throughput_tokens_per_s, "
    "f.prefill_tco_per_token_usd AS prefill_tco_per_token_usd, f.generate_latency_s AS generate_latency_s, "
    "f.generate_throughput_tokens_per_s AS generate_throughput_tokens_per_s, f.generate_power_w AS generate_power_w, "
    "f.generate_tco_per_token_usd AS generate_tco_per_token_usd, f.tco_per_mtoken_usd AS tco_per_mtoken_usd, "
    "s.num_servers AS num_servers, s.num_chips AS sys_num_chips, s.kv_cache_ratio AS kv_cache_ratio, "
    "v.server_id AS server_id, v.chip_area_mm2 AS chip_area_mm2, c.mac_ratio AS mac_ratio, "
    "c.operational_intensity AS operational_intensity, c.freq_hz AS freq_hz, v.chip_tops AS chip_tops, "
    "v.chip_sram_mb AS chip_sram_mb, v.chip_tdp_w AS chip_tdp_w, v.chip_cost_usd AS chip_cost_usd, "
    "v.pkg_num_chips AS pkg_num_chips, v.pkg_dram_gb AS pkg_dram_gb, "
    "v.pkg_dram_bw_TB_per_sec AS pkg_dram_bw_TB_per_sec, v.pkg_tdp_w AS pkg_tdp_w, "
    "v.num_packages AS srv_num_packages, v.packages_per_lane AS packages_per_lane, "
    "v.num_lanes AS num_lanes, v.tops AS srv_tops, v.tdp_w AS srv_tdp_w, v.cost_usd AS srv_cost_usd, "
    "v.tco_total_usd AS tco_total_usd "
    "FROM systems s JOIN perf f ON f.system_id = s.system_id JOIN servers v ON v.server_id = s.server_id "
    "JOIN chips c ON c.chip_row = v.chip_row WHERE s.valid";

int query_views_create(sqlite3 *db, char *err, size_t errlen)
{
    if (sqlite3_exec(db, points_hw_sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    snprintf(err, errlen, "sqlite: creating points_hw: %s", sqlite3_errmsg(db));
    return -1;
}

typedef struct {
    const char *name, *cols, *from, *order;
    int has_objective;
} base_t;

static const base_t bases[] = {
    {"best",
     "model, prefill_len, generate_len, batch, objective, hardware, system_id, server_id, num_servers, num_chips, t, "
     "p, micro_batch, prefill_micro_batch, prefill_latency, generate_latency, prefill_tco_per_token, "
     "generate_tco_per_token, tco_per_Mtoken, generate_throughput",
     "best_per_batch", "model, prefill_len, generate_len, batch, objective_index", 1},
    {"pareto",
     "model, prefill_len, generate_len, batch, hardware, system_id, server_id, t, p, micro_batch, "
     "prefill_micro_batch, generate_latency, generate_tco_per_token, tco_per_Mtoken, generate_throughput",
     "pareto", "model, prefill_len, generate_len, batch, generate_latency, generate_tco_per_token", 0},
    {"points", "*", "points_hw", "system_id, objective_index, batch", 1},
};

/* "a,-b" -> "a, b DESC"; -1 on anything but column names */
static int sort_sql(const char *sort, char *out, size_t len, char *err, size_t errlen)
{
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = sort; *p;) {
        int desc = *p == '-';
        p += desc;
        const char *s = p;
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        if (p == s || (*p && *p != ',')) {
            snprintf(err, errlen, "--sort '%s': expected column names separated by commas, '-' before a "
                     "column for descending order (e.g. --sort tco_per_Mtoken,-generate_throughput)", sort);
            return -1;
        }
        o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s%.*s%s", o ? ", " : "", (int)(p - s), s,
                              desc ? " DESC" : "");
        if (*p == ',')
            p++;
    }
    return o < len ? 0 : -1;
}

sqlite3_stmt *query_prepare(sqlite3 *db, const query_spec_t *q, char *err, size_t errlen)
{
    const base_t *b = NULL;
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
        if (strcmp(bases[i].name, q->what) == 0)
            b = &bases[i];
    if (!b) {
        snprintf(err, errlen, "unknown query '%s'", q->what);
        return NULL;
    }
    if (q->objective && !b->has_objective) {
        snprintf(err, errlen, "--objective: the %s view has no objective (best and points have)", b->name);
        return NULL;
    }
    char order[1024], sql[SQL_MAX];
    if (q->sort && sort_sql(q->sort, order, sizeof order, err, errlen))
        return NULL;
    int n = snprintf(sql, sizeof sql,
                     "SELECT %s FROM %s WHERE (?1 IS NULL OR model = ?1) AND (?2 IS NULL OR batch = ?2)%s%s%s%s "
                     "ORDER BY %s LIMIT ?4",
                     b->cols, b->from, b->has_objective ? " AND (?3 IS NULL OR objective = ?3)" : " AND ?3 IS NULL",
                     q->where ? " AND (" : "", q->where ? q->where : "", q->where ? "\n)" : "",
                     q->sort ? order : b->order);
    if (n < 0 || (size_t)n >= sizeof sql) {
        snprintf(err, errlen, "--where is too long");
        return NULL;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s%s", q->where || q->sort ? "--where/--sort: " : "", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return NULL;
    }
    if (q->model)
        sqlite3_bind_text(st, 1, q->model, -1, SQLITE_TRANSIENT);
    if (q->batch > 0)
        sqlite3_bind_int64(st, 2, q->batch);
    if (q->objective)
        sqlite3_bind_text(st, 3, q->objective, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, q->limit > 0 ? q->limit : -1);
    return st;
}

/* Per model and eval length: its batches, then at batch 8 (else the largest)
 * the best TCO per million output tokens and the best generate latency. */
static const char *const summary_sql[QUERY_SUMMARY_PARTS] = {
    /* one hardware (every hw database): two counts, no join over the servers; several: the join */
    "WITH n(hw) AS (SELECT count(DISTINCT hardware) FROM packages) "
    "SELECT hardware, servers, valid_servers FROM ("
    "SELECT (SELECT min(hardware) FROM packages) AS hardware, (SELECT count(*) FROM server_points) AS servers, "
    "(SELECT count(*) FROM server_costs) AS valid_servers WHERE (SELECT hw FROM n) = 1 UNION ALL "
    "SELECT k.hardware, count(*), sum(v.status = 2) FROM server_points v JOIN packages k "
    "ON k.package_row = v.package_row WHERE (SELECT hw FROM n) > 1 GROUP BY k.hardware) "
    "WHERE ?1 IS NULL OR hardware IN (SELECT hardware FROM systems WHERE model = ?1) ORDER BY hardware",
    "SELECT model, system, count(DISTINCT hardware) AS n_hardware, count(*) AS systems, "
    "sum(valid) AS valid_systems, group_concat(DISTINCT printf('%g/%g', prefill_len, generate_len)) "
    "AS eval_lengths FROM systems WHERE ?1 IS NULL OR model = ?1 GROUP BY model, system ORDER BY model, system",
    "WITH b AS MATERIALIZED (SELECT model, prefill_len, generate_len, batch, objective, hardware, system_id, "
    "generate_latency, tco_per_Mtoken FROM best_per_batch WHERE ?1 IS NULL OR model = ?1), "
    "g AS (SELECT model, prefill_len, generate_len, CASE WHEN max(batch = 8) THEN 8 ELSE max(batch) END AS at "
    "FROM b GROUP BY model, prefill_len, generate_len) "
    "SELECT g.model AS model, g.prefill_len AS prefill_len, g.generate_len AS generate_len, "
    "(SELECT group_concat(batch, ' ') FROM (SELECT DISTINCT batch FROM b WHERE b.model = g.model AND "
    "b.prefill_len = g.prefill_len AND b.generate_len = g.generate_len ORDER BY batch)) AS batches, "
    "g.at AS batch, c.tco_per_Mtoken AS best_tco_per_Mtoken, c.hardware AS tco_hardware, "
    "c.system_id AS tco_system_id, l.generate_latency AS best_generate_latency, "
    "l.hardware AS latency_hardware, l.system_id AS latency_system_id FROM g "
    "LEFT JOIN b c ON c.model = g.model AND c.prefill_len = g.prefill_len AND c.generate_len = g.generate_len "
    "AND c.batch = g.at AND c.objective = 'generate_tco' "
    "LEFT JOIN b l ON l.model = g.model AND l.prefill_len = g.prefill_len AND l.generate_len = g.generate_len "
    "AND l.batch = g.at AND l.objective = 'generate_latency' "
    "ORDER BY g.model, g.prefill_len, g.generate_len"};

static const char *const summary_titles[QUERY_SUMMARY_PARTS] = {
    "hardware", "systems per model and system file",
    ("per model and eval length: best TCO per million output tokens and best generate latency at batch 8 "
     "(else the largest batch)")};

sqlite3_stmt *query_summary_prepare(sqlite3 *db, int i, const char *model, const char **title, char *err,
                                    size_t errlen)
{
    sqlite3_stmt *st = NULL;
    *title = summary_titles[i];
    if (sqlite3_prepare_v2(db, summary_sql[i], -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return NULL;
    }
    if (model)
        sqlite3_bind_text(st, 1, model, -1, SQLITE_TRANSIENT);
    return st;
}

int query_has_object(sqlite3 *db, const char *type, const char *name)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = ?1 AND name = ?2", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return n > 0;
}

int query_models(sqlite3 *db, const char *model, char *list, size_t len, int *found, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    *found = 0;
    if (len)
        list[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT model FROM systems ORDER BY model", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
        return -1;
    }
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(st, 0);
        *found |= m && model && strcmp(m, model) == 0;
        size_t used = strlen(list);
        if (used < len)
            snprintf(list + used, len - used, "%s%s", n ? ", " : "", m ? m : "NULL");
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

int query_read_begin(sqlite3 *db)
{
    return sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

void query_read_end(sqlite3 *db)
{
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

/*
 * plot_queries.c -- the SQL behind `hwsweep plot` and `hwsweep report`
 * (see plot_queries.h): a read-only connection, and one query per picture
 * returning records.  Every query takes the selection (model, eval length,
 * --where condition) the same way: ?1 model (NULL: any), ?2 prefill_len and
 * ?3 generate_len (NULL: any), and the condition spliced where "@W" stands.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/node.h"
#include "store/plot_queries.h"
#include "store/views.h"

#define SQL_MAX 16384

/* ---- the selection ---------------------------------------------------- */

#define SEL_MODEL "(?1 IS NULL OR s.model = ?1)"
#define SEL_EVAL "(?2 IS NULL OR s.prefill_len = ?2) AND (?3 IS NULL OR s.generate_len = ?3)"
/* perf rows of valid systems with their server (aliases f, s, v) */
#define PERF_FROM                                                                                          \
    " FROM perf f JOIN systems s ON s.system_id = f.system_id JOIN servers v ON v.server_id = s.server_id " \
    "WHERE s.valid AND " SEL_MODEL " AND " SEL_EVAL " AND @W"
/* hardware of the selected model (every hardware without a model) */
#define SEL_HW(a) "(?1 IS NULL OR " a ".hardware IN (SELECT hardware FROM systems WHERE model = ?1))"

/* fmt with each "@W" replaced by the condition in parentheses ("1" when none). */
static char *sql_subst(const char *fmt, const char *where)
{
    const char *w = where && *where ? where : "1";
    size_t n = 0, wl = strlen(w);
    for (const char *p = fmt; (p = strstr(p, "@W")) != NULL; p += 2)
        n++;
    char *out = malloc(strlen(fmt) + n * (wl + 2) + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (const char *p = fmt; *p;) {
        if (p[0] == '@' && p[1] == 'W') {
            *o++ = '(';
            memcpy(o, w, wl);
            o += wl;
            *o++ = ')';
            p += 2;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *fmt, const pq_sel_t *sel, char *err, size_t errlen)
{
    char *sql = sql_subst(fmt, sel ? sel->where : NULL);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    if (!sql) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        st = NULL;
    } else if (tail && *tail) {
        snprintf(err, errlen, "more than one statement: --where takes one SQL condition");
        sqlite3_finalize(st);
        st = NULL;
    }
    free(sql);
    if (st && sel) {
        if (sel->model)
            sqlite3_bind_text(st, 1, sel->model, -1, SQLITE_TRANSIENT);
        if (sel->has_eval) {
            sqlite3_bind_double(st, 2, sel->prefill_len);
            sqlite3_bind_double(st, 3, sel->generate_len);
        }
    }
    return st;
}

static int step_done(sqlite3 *db, int rc, char *err, size_t errlen)
{
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
    return -1;
}

/* Append one zeroed record to a growable array; NULL when out of memory. */
static void *grow(void **arr, size_t *n, size_t *cap, size_t size)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 32;
        void *a = realloc(*arr, c * size);
        if (!a)
            return NULL;
        *arr = a;
        *cap = c;
    }
    void *rec = (char *)*arr + (*n)++ * size;
    memset(rec, 0, size);
    return rec;
}

static void text_at(sqlite3_stmt *st, int i, char *buf, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, len, "%s", t ? (const char *)t : "");
}

/* Run st, calling row() on each row into a fresh record of size bytes. */
typedef void (*row_fn)(sqlite3_stmt *st, void *rec);

static int collect(sqlite3 *db, sqlite3_stmt *st, row_fn row, size_t size, void **out, size_t *n, char *err,
                   size_t errlen)
{
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        void *rec = grow(out, n, &cap, size);
        if (!rec) {
            snprintf(err, errlen, "out of memory");
            sqlite3_finalize(st);
            return -1;
        }
        row(st, rec);
    }
    rc = step_done(db, rc, err, errlen);
    sqlite3_finalize(st);
    return rc;
}

/* ---- reason classes --------------------------------------------------- */

void pq_reason_class(const char *reason, char *out, size_t len)
{
    size_t o = 0;
    const char *p = reason ? reason : "";
    if (len == 0)
        return;
    while (*p && o + 1 < len) {
        unsigned char prev = p == reason ? ' ' : (unsigned char)p[-1];
        int starts = isdigit((unsigned char)*p) ||
                     ((*p == '-' || *p == '.') && isdigit((unsigned char)p[1]));
        if (starts && !isalnum(prev) && prev != '_' && prev != '.') {
            if (*p == '-')
                p++;
            while (isdigit((unsigned char)*p) || *p == '.')
                p++;
            if ((*p == 'e' || *p == 'E') &&
                (isdigit((unsigned char)p[1]) || ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2])))) {
                p += 2;
                while (isdigit((unsigned char)*p))
                    p++;
            }
            out[o++] = '#';
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

static void reason_class_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    char buf[PQ_REASON_MAX];
    pq_reason_class((const char *)sqlite3_value_text(argv[0]), buf, sizeof buf);
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* ---- opening ---------------------------------------------------------- */

int pq_has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return n > 0;
}

/* path as a file: URI (RFC 3986: '%', '?', '#' and non-ASCII escaped). */
static void file_uri(const char *path, char *out, size_t len)
{
    size_t o = (size_t)snprintf(out, len, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p && o + 4 < len; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
            o += (size_t)snprintf(out + o, len - o, "%%%02X", *p);
        else
            out[o++] = (char)*p;
    }
    snprintf(out + o, len - o, "?mode=ro");
}

sqlite3 *pq_open(const char *path, int *bad_input, char *err, size_t errlen)
{
    char uri[4400];
    sqlite3 *db = NULL;
    *bad_input = 1;
    file_uri(path, uri, sizeof uri);
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    int reallm = pq_is_reallm(db);
    if (!reallm && !pq_is_npu(db)) {
        int notadb = sqlite3_errcode(db) == SQLITE_NOTADB;
        snprintf(err, errlen, "%s: not a hwsweep database%s%s", path, notadb ? ": " : "",
                 notadb ? sqlite3_errmsg(db) : " (neither a hardware/software sweep's tables chips, packages, "
                 "servers, systems, perf nor an NPU sweep's npu_points)");
        sqlite3_close(db);
        return NULL;
    }
    *bad_input = 0;
    sqlite3_create_function(db, "reason_class", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, reason_class_fn,
                            NULL, NULL);
    /* the views (temp, join form) when absent or unindexed (a sweep under way) */
    int keyed = views_keyed(db), indexed = views_indexed(db, keyed);
    int own = pq_has_table(db, "best_per_batch") && pq_has_table(db, "pareto");
    if (reallm && !(own && (indexed || !keyed || views_live_form(db))) && views_create_in(db, 1, keyed && indexed, err, errlen)) {
        sqlite3_close(db);
        return NULL;
    }
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

void pq_close(sqlite3 *db)
{
    if (db)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
}

/* ---- models and eval lengths ------------------------------------------ */

static void name_row(sqlite3_stmt *st, void *rec)
{
    text_at(st, 0, (char *)rec, PQ_NAME_MAX);
}

int pq_models(sqlite3 *db, pq_names_t *out, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep(db, "SELECT DISTINCT model FROM systems WHERE model IS NOT NULL ORDER BY model", NULL,
                            err, errlen);
    void *arr = NULL;
    int rc = st ? collect(db, st, name_row, PQ_NAME_MAX, &arr, &out->n, err, errlen) : -1;
    out->name = arr;
    return rc;
}

int pq_eval_lens(sqlite3 *db, const char *model, pq_evals_t *out, char *err, size_t errlen)
{
    pq_sel_t sel = {.model = model};
    sqlite3_stmt *st = prep(db, "SELECT DISTINCT prefill_len, generate_len FROM systems s WHERE " SEL_MODEL
                            " ORDER BY prefill_len, generate_len", &sel, err, errlen);
    memset(out, 0, sizeof *out);
    if (!st)
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 8;
            double *a = realloc(out->prefill_len, cap * sizeof *a), *b;
            if (a)
                out->prefill_len = a;
            b = a ? realloc(out->generate_len, cap * sizeof *b) : NULL;
            if (!b) {
                sqlite3_finalize(st);
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            out->generate_len = b;
        }
        out->prefill_len[out->n] = sqlite3_column_double(st, 0);
        out->generate_len[out->n++] = sqlite3_column_double(st, 1);
    }
    rc = step_done(db, rc, err, errlen);
    sqlite3_finalize(st);
    return rc;
}

void pq_names_free(pq_names_t *x)
{
    free(x->name);
    memset(x, 0, sizeof *x);
}

void pq_evals_free(pq_evals_t *x)
{
    free(x->prefill_len);
    free(x->generate_len);
    memset(x, 0, sizeof *x);
}

int pq_summary_batch(sqlite3 *db, const pq_sel_t *sel)
{
    char err[8];
    sqlite3_stmt *st = prep(db, "SELECT CASE WHEN max(f.batch = 8) THEN 8 ELSE max(f.batch) END" PERF_FROM, sel,
                            err, sizeof err);
    int b = 0;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        b = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return b;
}

/* ---- pareto ----------------------------------------------------------- */

/* The generate candidates (objectives generate_latency and generate_tco),
 * identical points once; in (latency, tco, system_id, batch) order a point
 * is on the frontier when its TCO is below every earlier point's (the rule
 * of views.c's pareto, over every batch); the same in (throughput
 * descending, tco, ...) order for the throughput frontier. */
static const char *pareto_sql =
    "WITH c AS (SELECT DISTINCT s.hardware AS hardware, s.system_id AS system_id, s.server_id AS server_id, "
    "f.batch AS batch, f.t AS t, f.p AS p, f.micro_batch AS micro_batch, f.generate_latency_s AS lat, "
    "f.tco_per_mtoken_usd AS tco, f.generate_throughput_tokens_per_s AS thr" PERF_FROM
    " AND f.objective_index IN (2, 3) AND f.generate_latency_s IS NOT NULL AND f.tco_per_mtoken_usd IS NOT NULL) "
    "SELECT hardware, system_id, server_id, batch, t, p, micro_batch, lat, tco, thr, "
    "min(tco) OVER (ORDER BY lat, tco, system_id, batch, t, p, micro_batch ROWS BETWEEN UNBOUNDED PRECEDING "
    "AND 1 PRECEDING) AS prev_min, min(tco) OVER (ORDER BY thr DESC, tco, system_id, batch, t, p, micro_batch "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_min_thr FROM c "
    "ORDER BY lat, tco, system_id, batch, t, p, micro_batch";

static void point_row(sqlite3_stmt *st, void *rec)
{
    pq_point_t *p = rec;
    text_at(st, 0, p->hardware, sizeof p->hardware);
    p->system_id = sqlite3_column_int64(st, 1);
    p->server_id = sqlite3_column_int64(st, 2);
    p->batch = sqlite3_column_int(st, 3);
    p->t = sqlite3_column_double(st, 4);
    p->p = sqlite3_column_double(st, 5);
    p->micro_batch = sqlite3_column_double(st, 6);
    p->generate_latency_s = sqlite3_column_double(st, 7);
    p->tco_per_Mtoken_usd = sqlite3_column_double(st, 8);
    p->generate_throughput = sqlite3_column_double(st, 9);
    p->on_front = sqlite3_column_type(st, 10) == SQLITE_NULL ||
                  p->tco_per_Mtoken_usd < sqlite3_column_double(st, 10);
    p->on_front_throughput = sqlite3_column_type(st, 11) == SQLITE_NULL ||
                             p->tco_per_Mtoken_usd < sqlite3_column_double(st, 11);
}

int pq_pareto_points(sqlite3 *db, const pq_sel_t *sel, pq_point_t **out, size_t *n, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep(db, pareto_sql, sel, err, errlen);
    void *arr = NULL;
    int rc = st ? collect(db, st, point_row, sizeof(pq_point_t), &arr, n, err, errlen) : -1;
    *out = arr;
    return rc;
}

/* ---- latency and throughput against batch ----------------------------- */

static void id_row(sqlite3_stmt *st, void *rec)
{
    *(long long *)rec = sqlite3_column_int64(st, 0);
}

static void curve_row(sqlite3_stmt *st, void *rec)
{
    pq_curve_pt_t *c = rec;
    c->system_id = sqlite3_column_int64(st, 0);
    text_at(st, 1, c->hardware, sizeof c->hardware);
    c->server_id = sqlite3_column_int64(st, 2);
    c->batch = sqlite3_column_int(st, 3);
    c->generate_latency_s = sqlite3_column_double(st, 4);
    c->generate_throughput = sqlite3_column_double(st, 5);
    c->tco_per_Mtoken_usd = sqlite3_column_double(st, 6);
}

int pq_batch_curves(sqlite3 *db, const pq_sel_t *sel, int max_systems, pq_curve_pt_t **out, size_t *n,
                    char *err, size_t errlen)
{
    int batch = pq_summary_batch(db, sel);
    long long *tco_ids = NULL, *lat_ids = NULL;
    size_t n_tco = 0, n_lat = 0;
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(db, "SELECT s.system_id" PERF_FROM " AND f.batch = ?4 AND f.objective_index = 3 "
                            "AND f.tco_per_mtoken_usd IS NOT NULL ORDER BY f.tco_per_mtoken_usd, s.system_id LIMIT ?5",
                            sel, err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 4, batch);
    sqlite3_bind_int(st, 5, max_systems > 1 ? max_systems - 1 : 1);
    if (collect(db, st, id_row, sizeof(long long), (void **)&tco_ids, &n_tco, err, errlen))
        return -1;
    st = prep(db, "SELECT s.system_id" PERF_FROM " AND f.batch = ?4 AND f.objective_index = 2 "
              "AND f.generate_latency_s IS NOT NULL ORDER BY f.generate_latency_s, s.system_id LIMIT 1", sel, err, errlen);
    if (!st) {
        free(tco_ids);
        return -1;
    }
    sqlite3_bind_int(st, 4, batch);
    if (collect(db, st, id_row, sizeof(long long), (void **)&lat_ids, &n_lat, err, errlen)) {
        free(tco_ids);
        return -1;
    }
    /* the cheapest systems, then the fastest when it is not among them */
    long long ids[64];
    size_t k = 0;
    for (size_t i = 0; i < n_tco && k < 63; i++)
        ids[k++] = tco_ids[i];
    int seen = 0;
    for (size_t i = 0; i < k; i++)
        seen |= n_lat && ids[i] == lat_ids[0];
    if (n_lat && !seen)
        ids[k++] = lat_ids[0];
    free(tco_ids);
    free(lat_ids);
    size_t cap = 0;
    for (size_t i = 0; i < k; i++) {
        st = prep(db, "SELECT s.system_id, s.hardware, s.server_id, f.batch, f.generate_latency_s, "
                  "f.generate_throughput_tokens_per_s, f.tco_per_mtoken_usd" PERF_FROM " AND s.system_id = ?4 AND "
                  "f.objective_index = 2 AND f.generate_latency_s IS NOT NULL ORDER BY f.batch", sel, err, errlen);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 4, ids[i]);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            pq_curve_pt_t *c = grow((void **)out, n, &cap, sizeof **out);
            if (!c) {
                sqlite3_finalize(st);
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            curve_row(st, c);
        }
        rc = step_done(db, rc, err, errlen);
        sqlite3_finalize(st);
        if (rc)
            return -1;
    }
    return 0;
}

/* ---- best designs ----------------------------------------------------- */

static void design_row(sqlite3_stmt *st, void *rec)
{
    pq_design_t *d = rec;
    int i = 0;
    text_at(st, i++, d->hardware, sizeof d->hardware);
    d->system_id = sqlite3_column_int64(st, i++);
    d->server_id = sqlite3_column_int64(st, i++);
    d->batch = sqlite3_column_int(st, i++);
    double *const dst[] = {
        &d->t, &d->p, &d->micro_batch, &d->num_servers, &d->num_chips, &d->generate_latency_s,
        &d->generate_throughput, &d->tco_per_Mtoken_usd, &d->capex_usd, &d->opex_usd, &d->chip_area_mm2,
        &d->chip_tops, &d->chip_sram_mb, &d->chip_cost_usd, &d->pkg_num_chips, &d->pkg_dram_gb,
        &d->pkg_dram_bw_TB_per_sec, &d->srv_num_packages, &d->srv_tdp_w, &d->srv_cost_usd,
        &d->cost_all_package_usd, &d->cost_all_heatsinks_usd, &d->cost_all_fans_usd, &d->tco_dc_amortization_usd,
        &d->tco_dc_interest_usd, &d->tco_dc_opex_usd, &d->tco_srv_power_usd, &d->tco_pue_overhead_usd};
    for (size_t j = 0; j < sizeof dst / sizeof dst[0]; j++)
        *dst[j] = sqlite3_column_double(st, i++);
}

int pq_best_designs(sqlite3 *db, const pq_sel_t *sel, int batch, int max_designs, pq_design_t **out, size_t *n,
                    char *err, size_t errlen)
{
    sqlite3_stmt *st = prep(
        db,
        "SELECT s.hardware, s.system_id, s.server_id, f.batch, f.t, f.p, f.micro_batch, s.num_servers, s.num_chips, "
        "f.generate_latency_s, f.generate_throughput_tokens_per_s, f.tco_per_mtoken_usd, f.capex_usd, f.opex_usd, v.chip_area_mm2, "
        "v.chip_tops, v.chip_sram_mb, v.chip_cost_usd, v.pkg_num_chips, v.pkg_dram_gb, v.pkg_dram_bw_TB_per_sec, "
        "v.num_packages, v.tdp_w, v.cost_usd, v.cost_all_package_usd, v.cost_all_heatsinks_usd, "
        "v.cost_all_fans_usd, v.tco_dc_amortization_usd, v.tco_dc_interest_usd, v.tco_dc_opex_usd, "
        "v.tco_srv_power_usd, v.tco_pue_overhead_usd" PERF_FROM " AND f.batch = ?4 AND f.objective_index = 3 AND f.tco_per_mtoken_usd IS NOT "
        "NULL ORDER BY f.tco_per_mtoken_usd, s.system_id LIMIT ?5",
        sel, err, errlen);
    void *arr = NULL;
    if (!st)
        return -1;
    sqlite3_bind_int(st, 4, batch);
    sqlite3_bind_int(st, 5, max_designs);
    int rc = collect(db, st, design_row, sizeof(pq_design_t), &arr, n, err, errlen);
    *out = arr;
    return rc;
}

/* ---- hardware points and invalid reasons ------------------------------ */

/* Where each hardware point stops: invalid chips, invalid packages, every
 * server; then (invalid reasons only) invalid systems.  Columns: level,
 * level order, valid, reason class, die area, power (a server refused
 * before its power is known, e.g. for its lane area, has its package's). */
#define HW_CHIPS                                                                                           \
    "SELECT 'chip' AS level, 0 AS lv, c.valid AS valid, reason_class(c.invalid_reason) AS reason, "        \
    "c.area_mm2 AS area, c.tdp_w AS power FROM chips c LEFT JOIN packages k ON 0 LEFT JOIN servers v ON 0 " \
    "LEFT JOIN systems s ON 0 WHERE NOT c.valid AND " SEL_HW("c") " AND @W"
#define HW_PACKAGES                                                                                      \
    "SELECT 'package', 1, k.valid, reason_class(k.invalid_reason), c.area_mm2, k.tdp_w FROM packages k " \
    "JOIN chips c ON c.chip_row = k.chip_row LEFT JOIN servers v ON 0 LEFT JOIN systems s ON 0 "        \
    "WHERE NOT k.valid AND " SEL_HW("k") " AND @W"
#define HW_SERVERS                                                                                          \
    "SELECT 'server', 2, v.valid, CASE WHEN v.valid THEN '' ELSE reason_class(v.invalid_reason) END, "     \
    "c.area_mm2, CASE WHEN v.core_tdp_w > 0 THEN v.core_tdp_w ELSE k.tdp_w END FROM servers v "          \
    "JOIN packages k ON k.package_row = v.package_row "                                                     \
    "JOIN chips c ON c.chip_row = v.chip_row LEFT JOIN systems s ON 0 WHERE " SEL_HW("v") " AND @W"
#define HW_SYSTEMS                                                                                            \
    "SELECT 'system', 3, s.valid, reason_class(s.invalid_reason), c.area_mm2, NULL FROM systems s "         \
    "JOIN servers v ON v.server_id = s.server_id JOIN packages k ON k.package_row = v.package_row "           \
    "JOIN chips c ON c.chip_row = v.chip_row WHERE NOT s.valid AND " SEL_MODEL " AND " SEL_EVAL " AND @W"

static void hw_point_row(sqlite3_stmt *st, void *rec)
{
    pq_hw_point_t *h = rec;
    text_at(st, 0, h->level, sizeof h->level);
    h->valid = sqlite3_column_int(st, 2);
    text_at(st, 3, h->reason, sizeof h->reason);
    h->die_area_mm2 = sqlite3_column_double(st, 4);
    h->power_w = sqlite3_column_double(st, 5);
}

int pq_hw_points(sqlite3 *db, const pq_sel_t *sel, pq_hw_point_t **out, size_t *n, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep(db, "SELECT * FROM (" HW_CHIPS " UNION ALL " HW_PACKAGES " UNION ALL " HW_SERVERS
                            ") WHERE area IS NOT NULL AND power IS NOT NULL ORDER BY lv, valid DESC, reason",
                            sel, err, errlen);
    void *arr = NULL;
    int rc = st ? collect(db, st, hw_point_row, sizeof(pq_hw_point_t), &arr, n, err, errlen) : -1;
    *out = arr;
    return rc;
}

static void reason_row(sqlite3_stmt *st, void *rec)
{
    pq_reason_count_t *r = rec;
    text_at(st, 0, r->level, sizeof r->level);
    text_at(st, 1, r->reason, sizeof r->reason);
    r->count = sqlite3_column_int64(st, 2);
}

int pq_invalid_counts(sqlite3 *db, const pq_sel_t *sel, pq_reason_count_t **out, size_t *n, char *err,
                      size_t errlen)
{
    sqlite3_stmt *st = prep(db, "SELECT level, reason, count(*) AS n FROM (" HW_CHIPS " UNION ALL " HW_PACKAGES
                            " UNION ALL " HW_SERVERS " UNION ALL " HW_SYSTEMS ") WHERE NOT valid "
                            "GROUP BY lv, level, reason ORDER BY lv, n DESC, reason",
                            sel, err, errlen);
    void *arr = NULL;
    int rc = st ? collect(db, st, reason_row, sizeof(pq_reason_count_t), &arr, n, err, errlen) : -1;
    *out = arr;
    return rc;
}

/* ---- npu_points and npu_energy (an NPU sweep) ------------------------- */

/* The rows of an NPU sweep (aliases n = npu_points, e = npu_energy when the
 * sweep evaluated power-gating strategies); ?1 model (NULL: any). */
#define NPU_FROM_E " FROM npu_points n JOIN npu_energy e ON e.point_id = n.point_id AND e.phase = n.phase"
#define NPU_FROM_N " FROM npu_points n"
#define NPU_SEL "(?1 IS NULL OR n.model = ?1) AND @W"
/* one configuration and phase: "llama3-8b tpuv5p x4 b8 dp1 tp4 pp1 decode" */
#define NPU_LABEL                                                                                          \
    "n.model || ' ' || n.chip || ' x' || n.num_chips || ' b' || n.global_batch_size || ' dp' || n.dp || " \
    "' tp' || n.tp || ' pp' || n.pp || ' ' || n.phase"
/* prefill before decode, the strategies in NeuSim's order */
#define NPU_PHASE_ORDER "(n.phase = 'decode')"
#define NPU_STRATEGY_ORDER                                                                                    \
    "CASE e.strategy WHEN 'NoPG' THEN 0 WHEN 'Base' THEN 1 WHEN 'HW' THEN 2 WHEN 'Full' THEN 3 WHEN 'Ideal' " \
    "THEN 4 ELSE 5 END, e.strategy"

int pq_is_reallm(sqlite3 *db)
{
    return pq_has_table(db, "servers") && pq_has_table(db, "systems") && pq_has_table(db, "perf") &&
           pq_has_table(db, "chips") && pq_has_table(db, "packages");
}

int pq_is_npu(sqlite3 *db)
{
    return pq_has_table(db, "npu_points");
}

/* 1 when the sweep evaluated power-gating strategies (npu_energy has rows). */
static int npu_has_strategies(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;
    if (pq_has_table(db, "npu_energy") &&
        sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM npu_energy)", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        yes = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return yes;
}

int pq_npu_models(sqlite3 *db, pq_names_t *out, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep(db, "SELECT DISTINCT model FROM npu_points WHERE model IS NOT NULL ORDER BY model",
                            NULL, err, errlen);
    void *arr = NULL;
    int rc = st ? collect(db, st, name_row, PQ_NAME_MAX, &arr, &out->n, err, errlen) : -1;
    out->name = arr;
    return rc;
}

static void npu_row(sqlite3_stmt *st, void *rec)
{
    pq_npu_energy_t *e = rec;
    text_at(st, 0, e->label, sizeof e->label);
    text_at(st, 1, e->strategy, sizeof e->strategy);
    e->energy_per_token_j = sqlite3_column_double(st, 2);
}

/* Energy per token of every evaluated (status ok) configuration and phase
 * under each strategy of npu_energy; without rows there (a sweep without
 * power_gating), npu_points' own energy per token as strategy "default". */
int pq_npu_energy(sqlite3 *db, const pq_sel_t *sel, pq_npu_energy_t **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    if (!pq_is_npu(db)) {
        snprintf(err, errlen, "no npu_points table: this database holds no NPU sweep (the npu-energy plot needs "
                 "one: hwsweep run on a sweep file with an npu: section)");
        return 1;
    }
    const char *sql = npu_has_strategies(db)
        ? "SELECT " NPU_LABEL ", e.strategy, e.energy_per_token_J" NPU_FROM_E " WHERE n.status = 'ok' AND "
          "e.energy_per_token_J > 0 AND " NPU_SEL " ORDER BY n.point_id, " NPU_PHASE_ORDER ", " NPU_STRATEGY_ORDER
        : "SELECT " NPU_LABEL ", 'default', n.energy_per_token_J" NPU_FROM_N " WHERE n.status = 'ok' AND "
          "n.energy_per_token_J > 0 AND " NPU_SEL " ORDER BY n.point_id, " NPU_PHASE_ORDER;
    sqlite3_stmt *st = prep(db, sql, sel, err, errlen);
    void *arr = NULL;
    int rc = st ? collect(db, st, npu_row, sizeof(pq_npu_energy_t), &arr, n, err, errlen) : -1;
    *out = arr;
    return rc;
}

static void npu_status_row(sqlite3_stmt *st, void *rec)
{
    pq_npu_status_t *r = rec;
    text_at(st, 0, r->status, sizeof r->status);
    text_at(st, 1, r->reason, sizeof r->reason);
    r->points = sqlite3_column_int64(st, 2);
    r->rows = sqlite3_column_int64(st, 3);
}

int pq_npu_status_counts(sqlite3 *db, pq_npu_status_t **out, size_t *n, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep(db, "SELECT status, reason_class(coalesce(reason, '')) AS r, count(DISTINCT point_id), "
                            "count(*) FROM npu_points GROUP BY status, r ORDER BY status != 'ok', 3 DESC, r",
                            NULL, err, errlen);
    void *arr = NULL;
    int rc = st ? collect(db, st, npu_status_row, sizeof(pq_npu_status_t), &arr, n, err, errlen) : -1;
    *out = arr;
    return rc;
}

static void npu_best_row(sqlite3_stmt *st, void *rec)
{
    pq_npu_best_t *b = rec;
    int i = 0;
    b->point_id = sqlite3_column_int64(st, i++);
    text_at(st, i++, b->phase, sizeof b->phase);
    text_at(st, i++, b->model, sizeof b->model);
    text_at(st, i++, b->chip, sizeof b->chip);
    b->num_chips = sqlite3_column_int(st, i++);
    b->global_batch_size = sqlite3_column_int(st, i++);
    b->dp = sqlite3_column_int(st, i++);
    b->tp = sqlite3_column_int(st, i++);
    b->pp = sqlite3_column_int(st, i++);
    b->input_seqlen = sqlite3_column_int(st, i++);
    b->output_seqlen = sqlite3_column_int(st, i++);
    double *const dst[] = {&b->throughput_tokens_per_sec, &b->throughput_tokens_per_sec_per_chip, &b->TTFT_sec,
                           &b->TPOT_ms_request, &b->energy_per_token_J, &b->avg_power_W};
    for (size_t k = 0; k < sizeof dst / sizeof dst[0]; k++, i++)
        *dst[k] = sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_double(st, i);
}

int pq_npu_best(sqlite3 *db, int by_energy, int per_phase, pq_npu_best_t **out, size_t *n, char *err,
                size_t errlen)
{
    static const char *const sql[2] = {
        "SELECT point_id, phase, model, chip, num_chips, global_batch_size, dp, tp, pp, input_seqlen, "
        "output_seqlen, throughput_tokens_per_sec, throughput_tokens_per_sec / num_chips, TTFT_sec, "
        "TPOT_ms_request, energy_per_token_J, avg_power_W FROM (SELECT *, row_number() OVER (PARTITION BY phase "
        "ORDER BY throughput_tokens_per_sec / num_chips DESC, point_id) AS r FROM npu_points WHERE status = 'ok' "
        "AND throughput_tokens_per_sec > 0 AND num_chips > 0) WHERE r <= ?4 ORDER BY phase = 'decode', phase, r",
        "SELECT point_id, phase, model, chip, num_chips, global_batch_size, dp, tp, pp, input_seqlen, "
        "output_seqlen, throughput_tokens_per_sec, throughput_tokens_per_sec / num_chips, TTFT_sec, "
        "TPOT_ms_request, energy_per_token_J, avg_power_W FROM (SELECT *, row_number() OVER (PARTITION BY phase "
        "ORDER BY energy_per_token_J, point_id) AS r FROM npu_points WHERE status = 'ok' AND "
        "energy_per_token_J > 0 AND num_chips > 0) WHERE r <= ?4 ORDER BY phase = 'decode', phase, r"};
    sqlite3_stmt *st = prep(db, sql[by_energy != 0], NULL, err, errlen);
    void *arr = NULL;
    if (st)
        sqlite3_bind_int(st, 4, per_phase);
    int rc = st ? collect(db, st, npu_best_row, sizeof(pq_npu_best_t), &arr, n, err, errlen) : -1;
    *out = arr;
    return rc;
}

/* ---- report: counts, runs, inputs ------------------------------------- */

int pq_counts(sqlite3 *db, pq_counts_t *out, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep(db, "SELECT (SELECT count(*) FROM chips), (SELECT count(*) FROM chips WHERE valid), "
                            "(SELECT count(*) FROM packages), (SELECT count(*) FROM packages WHERE valid), "
                            "(SELECT count(*) FROM servers), (SELECT count(*) FROM servers WHERE valid), "
                            "(SELECT count(*) FROM systems), (SELECT count(*) FROM systems WHERE valid), "
                            "(SELECT count(*) FROM perf_choices)", NULL, err, errlen);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        long long *const dst[] = {&out->chips,   &out->valid_chips,   &out->packages,
                                  &out->valid_packages, &out->servers, &out->valid_servers,
                                  &out->systems, &out->valid_systems, &out->perf_rows};
        for (int i = 0; i < 9; i++)
            *dst[i] = sqlite3_column_int64(st, i);
        rc = SQLITE_DONE;
    }
    rc = step_done(db, rc, err, errlen);
    sqlite3_finalize(st);
    return rc;
}

static void run_row(sqlite3_stmt *st, void *rec)
{
    pq_run_t *r = rec;
    text_at(st, 0, r->kind, sizeof r->kind);
    text_at(st, 1, r->command, sizeof r->command);
    text_at(st, 2, r->tool_version, sizeof r->tool_version);
    r->threads = sqlite3_column_int(st, 3);
    text_at(st, 4, r->started_at, sizeof r->started_at);
    text_at(st, 5, r->ended_at, sizeof r->ended_at);
    text_at(st, 6, r->status, sizeof r->status);
}

int pq_runs(sqlite3 *db, pq_run_t **out, size_t *n, char *err, size_t errlen)
{
    void *arr = NULL;
    *out = NULL;
    *n = 0;
    if (!pq_has_table(db, "runs"))
        return 0;
    sqlite3_stmt *st = prep(db, "SELECT kind, command, tool_version, threads, started_at, ended_at, status "
                            "FROM runs ORDER BY run_id", NULL, err, errlen);
    int rc = st ? collect(db, st, run_row, sizeof(pq_run_t), &arr, n, err, errlen) : -1;
    *out = arr;
    return rc;
}

static void input_row(sqlite3_stmt *st, void *rec)
{
    pq_input_t *r = rec;
    text_at(st, 0, r->role, sizeof r->role);
    text_at(st, 1, r->path, sizeof r->path);
    text_at(st, 2, r->sha256, sizeof r->sha256);
}

/* The inputs of every run (runs.inputs, JSON), each (role, path) once with
 * its last fingerprint; the inputs table as a fallback. */
int pq_inputs(sqlite3 *db, pq_input_t **out, size_t *n, char *err, size_t errlen)
{
    void *arr = NULL;
    *out = NULL;
    *n = 0;
    const char *sql = pq_has_table(db, "runs")
        ? "SELECT role, path, sha256, max(rid) FROM (SELECT r.run_id AS rid, json_extract(j.value, '$.role') AS "
          "role, json_extract(j.value, '$.path') AS path, json_extract(j.value, '$.sha256') AS sha256 FROM runs r, "
          "json_each(CASE WHEN json_valid(r.inputs) THEN r.inputs ELSE '[]' END) j) GROUP BY role, path "
          "ORDER BY role, path"
        : "SELECT role, path, sha256 FROM inputs ORDER BY role";
    sqlite3_stmt *st = prep(db, sql, NULL, err, errlen);
    int rc = st ? collect(db, st, input_row, sizeof(pq_input_t), &arr, n, err, errlen) : -1;
    *out = arr;
    return rc;
}

static void suggest_column(sqlite3 *db, int family, char *err, size_t errlen);

int pq_check_where(sqlite3 *db, int family, const char *where, char *err, size_t errlen)
{
    static const char *const sql[] = {
        "SELECT 1" PERF_FROM " LIMIT 0",
        "SELECT 1 FROM (" HW_CHIPS " UNION ALL " HW_PACKAGES " UNION ALL " HW_SERVERS " UNION ALL " HW_SYSTEMS
        ") LIMIT 0",
        "SELECT 1" NPU_FROM_E " WHERE @W LIMIT 0", "SELECT 1" NPU_FROM_N " WHERE @W LIMIT 0"};
    if (!where || (family == PQ_NPU && !pq_is_npu(db)))
        return 0;
    pq_sel_t sel = {.where = where};
    int q = family == PQ_NPU && !npu_has_strategies(db) ? 3 : family;
    sqlite3_stmt *st = prep(db, sql[q], &sel, err, errlen);
    if (!st) {
        suggest_column(db, family, err, errlen);
        return -1;
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

/* "no such column: X": the nearest column of the family's tables, as alias.name. */
static void suggest_column(sqlite3 *db, int family, char *err, size_t errlen)
{
    static const char *const tables[3][4][2] = {
        {{"f", "perf"}, {"s", "systems"}, {"v", "servers"}, {NULL, NULL}},
        {{"c", "chips"}, {"k", "packages"}, {"v", "servers"}, {"s", "systems"}},
        {{"n", "npu_points"}, {"e", "npu_energy"}, {NULL, NULL}, {NULL, NULL}}};
    const char *prefix = "no such column: ";
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        return;
    char word[PQ_NAME_MAX];
    const char *w = err + strlen(prefix), *dot = strchr(w, '.');
    snprintf(word, sizeof word, "%s", dot ? dot + 1 : w);
    enum { MAX = 1024 };
    char(*names)[PQ_NAME_MAX + 4] = calloc(MAX, PQ_NAME_MAX + 4);
    const char **list = calloc(MAX, sizeof *list);
    size_t n = 0;
    for (int t = 0; names && list && t < 4 && tables[family][t][0]; t++) {
        sqlite3_stmt *st = NULL;
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s')", tables[family][t][1]);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            continue;
        while (sqlite3_step(st) == SQLITE_ROW && n < MAX) {
            snprintf(names[n], sizeof names[n], "%s.%.120s", tables[family][t][0],
                     (const char *)sqlite3_column_text(st, 0));
            list[n] = names[n] + 2;   /* compared without the alias */
            n++;
        }
        sqlite3_finalize(st);
    }
    const char *near = n ? cfg_nearest(word, list, n) : NULL;
    if (near) {
        size_t u = strlen(err);
        snprintf(err + u, errlen - u, " (did you mean %s?)", near - 2);
    }
    free(names);
    free(list);
}

/*
 * rank_store.c -- the ranking tables that answer best_per_batch and pareto
 * (views.c), kept up to date by the writer instead of indexes built over
 * every choice.
 *
 * A group is (model, prefill_len, generate_len, batch).
 *  - rank_best: per group and objective, the choice with the smallest
 *    metric (ties: smallest system_id), metric NULL excluded;
 *  - rank_front: per group, the generate_latency and generate_tco choices
 *    with both coordinates, in (generate_latency_s,
 *    generate_tco_per_token_usd, system_id, objective_index) order, whose
 *    tco is below the tco of every earlier one (the pareto frontier, one
 *    row per distinct point: the first in that order).
 * Both are functions of the set of stored choices, not of the order they
 * came in, so any thread count, shard split, kill and resume gives the same
 * rows.  The writer keeps every group in memory (a frontier holds about ten
 * points), updates it with each stored choice and rewrites the changed
 * groups' rows in the chunk's own transaction (rank_flush), so the tables
 * always match the committed choices.  Each row also names the chosen
 * mapping (mapping_id), which the views look up by its key.  Where rows are
 * deleted (hwsweep sw replacing a model), rank_rebuild recomputes them from
 * perf_choices with window functions in that same order; a merge offers
 * every replayed choice as a run's writer does (sw_store_merge_perf).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/rank_store.h"
#include "store/views.h"

#define N_OBJ 4
#define OBJ_GEN_LATENCY 2
#define OBJ_GEN_TCO 3

typedef struct {
    double lat, tco;
    int64_t sid, mid;           /* system_id, mapping_id */
    int o;
} front_pt_t;

typedef struct {
    char *model;
    double pl, gl;
    int64_t batch;
    bool has[N_OBJ], best_dirty[N_OBJ];
    double metric[N_OBJ];
    int64_t sid[N_OBJ], mid[N_OBJ];
    front_pt_t *front;          /* the frontier, in order, tco strictly decreasing */
    size_t n, cap;
    bool front_dirty;
} group_t;

struct rank {
    sqlite3 *db;
    sqlite3_stmt *put_best, *del_front, *put_front;
    group_t *g;
    size_t n, cap, last;
};

static const char *schema_sql =
    "CREATE TABLE IF NOT EXISTS rank_best(model TEXT NOT NULL, prefill_len INTEGER NOT NULL, "
    "generate_len INTEGER NOT NULL, batch INTEGER NOT NULL, objective_index INTEGER NOT NULL, metric REAL, "
    "system_id INTEGER NOT NULL, mapping_id INTEGER NOT NULL, PRIMARY KEY(model, prefill_len, generate_len, batch, objective_index)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS rank_front(model TEXT NOT NULL, prefill_len INTEGER NOT NULL, "
    "generate_len INTEGER NOT NULL, batch INTEGER NOT NULL, generate_latency_s REAL NOT NULL, "
    "generate_tco_per_token_usd REAL NOT NULL, system_id INTEGER NOT NULL, objective_index INTEGER NOT NULL, "
    "mapping_id INTEGER NOT NULL, PRIMARY KEY(model, prefill_len, generate_len, batch, generate_latency_s, generate_tco_per_token_usd, system_id, "
    "objective_index)) WITHOUT ROWID;\n";

int rank_store_schema(sqlite3 *db, char *err, size_t errlen)
{
    return db_exec(db, schema_sql, err, errlen);
}

int rank_store_present(sqlite3 *db)
{
    return db_query_int(db, "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND "
                        "name IN ('rank_best', 'rank_front')", 0) == 2;
}

/* (lat, tco, sid, o) order */
static bool front_less(const front_pt_t *a, const front_pt_t *b)
{
    if (a->lat != b->lat)
        return a->lat < b->lat;
    if (a->tco != b->tco)
        return a->tco < b->tco;
    if (a->sid != b->sid)
        return a->sid < b->sid;
    return a->o < b->o;
}

static group_t *group_of(rank_t *r, const char *model, double pl, double gl, int64_t batch)
{
    for (size_t k = 0; k < r->n; k++) {
        size_t i = (r->last + k) % r->n;
        group_t *g = &r->g[i];
        if (g->batch == batch && g->pl == pl && g->gl == gl && strcmp(g->model, model) == 0) {
            r->last = i;
            return g;
        }
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        group_t *g = realloc(r->g, cap * sizeof *g);
        if (!g)
            return NULL;
        r->g = g;
        r->cap = cap;
    }
    group_t *g = &r->g[r->n];
    memset(g, 0, sizeof *g);
    if (!(g->model = strdup(model)))
        return NULL;
    g->pl = pl;
    g->gl = gl;
    g->batch = batch;
    r->last = r->n++;
    return g;
}

static void offer_best(group_t *g, int o, int64_t sid, int64_t mid, double metric)
{
    if (g->has[o] && !(metric < g->metric[o] || (metric == g->metric[o] && sid < g->sid[o])))
        return;
    g->has[o] = g->best_dirty[o] = true;
    g->metric[o] = metric;
    g->sid[o] = sid;
    g->mid[o] = mid;
}

/* Insert p unless an earlier point has a tco at most its own; then drop the
 * later points whose tco is at least p's. */
static int offer_front(group_t *g, front_pt_t p)
{
    size_t pos = 0;
    while (pos < g->n && front_less(&g->front[pos], &p))
        pos++;
    if (pos > 0 && g->front[pos - 1].tco <= p.tco)
        return 0;
    size_t end = pos;
    while (end < g->n && g->front[end].tco >= p.tco)
        end++;
    if (end == pos && g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 16;
        front_pt_t *f = realloc(g->front, cap * sizeof *f);
        if (!f)
            return -1;
        g->front = f;
        g->cap = cap;
    }
    /* [pos, end) are replaced by p */
    size_t tail = g->n - end;
    memmove(&g->front[pos + 1], &g->front[end], tail * sizeof *g->front);
    g->front[pos] = p;
    g->n = pos + 1 + tail;
    g->front_dirty = true;
    return 0;
}

int rank_offer(rank_t *r, const char *model, double prefill_len, double generate_len, int64_t batch, int objective,
               int64_t system_id, int64_t mapping_id, double metric, double generate_latency_s,
               double generate_tco_per_token_usd)
{
    if (objective < 0 || objective >= N_OBJ)
        return 0;
    group_t *g = group_of(r, model, prefill_len, generate_len, batch);
    if (!g)
        return -1;
    if (!isnan(metric))
        offer_best(g, objective, system_id, mapping_id, metric);
    if ((objective == OBJ_GEN_LATENCY || objective == OBJ_GEN_TCO) && !isnan(generate_latency_s) &&
        !isnan(generate_tco_per_token_usd))
        return offer_front(g, (front_pt_t){generate_latency_s, generate_tco_per_token_usd, system_id, mapping_id,
                                           objective});
    return 0;
}

static void bind_group(sqlite3_stmt *st, const group_t *g)
{
    sqlite3_bind_text(st, 1, g->model, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, g->pl);
    sqlite3_bind_double(st, 3, g->gl);
    sqlite3_bind_int64(st, 4, g->batch);
}

static int step_reset(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int rank_flush(rank_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        group_t *g = &r->g[i];
        for (int o = 0; o < N_OBJ; o++) {
            if (!g->best_dirty[o])
                continue;
            bind_group(r->put_best, g);
            sqlite3_bind_int(r->put_best, 5, o);
            sqlite3_bind_double(r->put_best, 6, g->metric[o]);
            sqlite3_bind_int64(r->put_best, 7, g->sid[o]);
            sqlite3_bind_int64(r->put_best, 8, g->mid[o]);
            if (step_reset(r->put_best))
                return -1;
            g->best_dirty[o] = false;
        }
        if (!g->front_dirty)
            continue;
        bind_group(r->del_front, g);
        if (step_reset(r->del_front))
            return -1;
        for (size_t k = 0; k < g->n; k++) {
            bind_group(r->put_front, g);
            sqlite3_bind_double(r->put_front, 5, g->front[k].lat);
            sqlite3_bind_double(r->put_front, 6, g->front[k].tco);
            sqlite3_bind_int64(r->put_front, 7, g->front[k].sid);
            sqlite3_bind_int(r->put_front, 8, g->front[k].o);
            sqlite3_bind_int64(r->put_front, 9, g->front[k].mid);
            if (step_reset(r->put_front))
                return -1;
        }
        g->front_dirty = false;
    }
    return 0;
}

void rank_close(rank_t *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->put_best);
    sqlite3_finalize(r->del_front);
    sqlite3_finalize(r->put_front);
    for (size_t i = 0; i < r->n; i++) {
        free(r->g[i].model);
        free(r->g[i].front);
    }
    free(r->g);
    free(r);
}

/* The stored rows, as the writer had them when it flushed. */
static int rank_load(rank_t *r)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db, "SELECT model, prefill_len, generate_len, batch, objective_index, metric, "
                                "system_id, mapping_id FROM rank_best", -1, &st, NULL) == SQLITE_OK ? 0 : -1;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        group_t *g = group_of(r, (const char *)sqlite3_column_text(st, 0), sqlite3_column_double(st, 1),
                              sqlite3_column_double(st, 2), sqlite3_column_int64(st, 3));
        int o = sqlite3_column_int(st, 4);
        if (!g || o < 0 || o >= N_OBJ)
            rc = -1;
        else
            offer_best(g, o, sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7), sqlite3_column_double(st, 5));
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0)
        rc = sqlite3_prepare_v2(r->db, "SELECT model, prefill_len, generate_len, batch, generate_latency_s, "
                                "generate_tco_per_token_usd, system_id, objective_index, mapping_id FROM rank_front", -1, &st,
                                NULL) == SQLITE_OK ? 0 : -1;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        group_t *g = group_of(r, (const char *)sqlite3_column_text(st, 0), sqlite3_column_double(st, 1),
                              sqlite3_column_double(st, 2), sqlite3_column_int64(st, 3));
        rc = !g ? -1 : offer_front(g, (front_pt_t){sqlite3_column_double(st, 4), sqlite3_column_double(st, 5),
                                                    sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 8),
                                                    sqlite3_column_int(st, 7)});
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < r->n; i++) {   /* as stored: nothing to write */
        memset(r->g[i].best_dirty, 0, sizeof r->g[i].best_dirty);
        r->g[i].front_dirty = false;
    }
    return rc;
}

rank_t *rank_open(sqlite3 *db, char *err, size_t errlen)
{
    rank_t *r = calloc(1, sizeof *r);
    if (r) {
        r->db = db;
        sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO rank_best(model, prefill_len, generate_len, batch, "
                           "objective_index, metric, system_id, mapping_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?)", -1, &r->put_best, NULL);
        sqlite3_prepare_v2(db, "DELETE FROM rank_front WHERE model = ?1 AND prefill_len = ?2 AND generate_len = ?3 "
                           "AND batch = ?4", -1, &r->del_front, NULL);
        sqlite3_prepare_v2(db, "INSERT INTO rank_front(model, prefill_len, generate_len, batch, generate_latency_s, "
                           "generate_tco_per_token_usd, system_id, objective_index, mapping_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &r->put_front, NULL);
    }
    if (!r || !r->put_best || !r->del_front || !r->put_front || rank_load(r)) {
        snprintf(err, errlen, "sqlite: preparing the ranking tables: %s", r ? sqlite3_errmsg(db) : "out of memory");
        rank_close(r);
        return NULL;
    }
    return r;
}

/* The same rows from perf_choices in one statement each (window functions in
 * the order above); ?1: the model, NULL for all. */
static const char *const rebuild_sql[] = {
    "DELETE FROM rank_best WHERE ?1 IS NULL OR model = ?1",
    "DELETE FROM rank_front WHERE ?1 IS NULL OR model = ?1",
    "INSERT INTO rank_best(model, prefill_len, generate_len, batch, objective_index, metric, system_id, mapping_id) "
    "SELECT model, prefill_len, generate_len, batch, objective_index, metric, system_id, mapping_id FROM (SELECT "
    "model, prefill_len, generate_len, batch, objective_index, metric, system_id, mapping_id, row_number() OVER (PARTITION BY model, "
    "prefill_len, generate_len, batch, objective_index ORDER BY metric, system_id) AS pos FROM perf_choices "
    "WHERE metric IS NOT NULL AND (?1 IS NULL OR model = ?1)) WHERE pos = 1",
    "INSERT INTO rank_front(model, prefill_len, generate_len, batch, generate_latency_s, generate_tco_per_token_usd, "
    "system_id, objective_index, mapping_id) SELECT model, prefill_len, generate_len, batch, generate_latency_s, "
    "generate_tco_per_token_usd, system_id, objective_index, mapping_id FROM (SELECT model, prefill_len, "
    "generate_len, batch, generate_latency_s, generate_tco_per_token_usd, system_id, objective_index, mapping_id, min(generate_tco_per_token_usd) "
    "OVER (PARTITION BY model, prefill_len, generate_len, batch ORDER BY generate_latency_s, "
    "generate_tco_per_token_usd, system_id, objective_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) "
    "AS prev_min FROM perf_choices WHERE " PARETO_CANDIDATE("perf_choices") " AND (?1 IS NULL OR model = ?1)) "
    "WHERE prev_min IS NULL OR generate_tco_per_token_usd < prev_min",
};

int rank_rebuild(sqlite3 *db, const char *model, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof rebuild_sql / sizeof rebuild_sql[0]; i++) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, rebuild_sql[i], -1, &st, NULL) == SQLITE_OK ? 0 : -1;
        if (rc == 0) {
            if (model)
                sqlite3_bind_text(st, 1, model, -1, SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(st);
        if (rc) {
            snprintf(err, errlen, "sqlite: ranking the choices: %s", sqlite3_errmsg(db));
            return -1;
        }
    }
    return 0;
}

/*
 * sw_store.c -- the systems table, the compact perf tables and the perf and
 * points views.
 *
 * perf storage (issue 13): the four objectives of a (system, batch) often
 * choose the same mapping, so each distinct evaluated mapping is stored once
 * in perf_mappings (the mapping, the golden metrics with their units, the
 * energies, bottlenecks, io/compute/memory breakdowns, TCO parts and the
 * passes of both stages), keyed by
 *   mapping_id = system_id * 128 + batch_index * 4 + k
 * (batch = 2^batch_index, k the mapping's rank among the distinct choices),
 * with `objectives`, the bit set of the objective indexes that chose it
 * (bit o: objective o).  Which mapping each objective chose is the view
 * perf_choices (schema version 5; a table before): one row per bit, its
 * system_id and batch read back from the key, model and eval lengths from
 * systems, metric the stored column its objective minimizes
 * (perf_objective_value) and, for the two generate objectives, the pareto
 * coordinates; an index on mapping_id / 128 finds a system's rows.
 * A pass (the 14 per-op latencies of one micro-batch pass, in microseconds)
 * repeats across mappings, systems and servers of the same chip (a sweep of
 * 200,000 mappings has under 11,000 distinct passes), so perf_passes holds
 * each distinct pass once under a content key: pass_id is a 63-bit hash of
 * its values, the same in every run, shard, resume and merge (a collision,
 * about 1e-8 likely for a million passes, is detected and refused).
 * The view perf rebuilds the former one-row-per-objective table with the
 * unit-bearing names; the view points has exactly the columns of the golden
 * *_points.csv files plus model (and hardware in sweeps).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/rank_store.h"
#include "store/schema_sql.h"
#include "store/sw_store.h"
#include "store/table.h"

#define N(s, name, field) {name, COL_COUNT, offsetof(s, field), 0}
#define R(s, name, field) {name, COL_REAL, offsetof(s, field), 0}
#define B(s, name, field) {name, COL_BOOL, offsetof(s, field), 0}
#define T(s, name, field) {name, COL_TEXT, offsetof(s, field), sizeof(((s *)0)->field)}
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))
#define SQL_MAX 16384
/* mapping_id = system_id * MAP_PER_SYSTEM + batch_index * OBJ_COUNT + k */
#define MAP_PER_SYSTEM 128
#define MAX_BATCHES (MAP_PER_SYSTEM / OBJ_COUNT)

static const col_t system_cols[] = {
    N(system_t, "num_servers", num_servers), N(system_t, "num_packages", num_packages),
    N(system_t, "num_chips", num_chips), R(system_t, "kv_cache_ratio", kv_cache_ratio),
    R(system_t, "max_ctx_len_batch_1", max_ctx_len_batch_1), R(system_t, "max_tco_usd", max_tco),
    R(system_t, "total_mem_bytes", total_mem), N(system_t, "prefill_len", prefill_len),
    N(system_t, "generate_len", generate_len), N(system_t, "max_batch", max_batch),
    B(system_t, "energy_model", energy_model), R(system_t, "compute_perf_efficiency", compute_perf_efficiency),
    R(system_t, "io_bandwidth_efficiency", io_bandwidth_efficiency),
    R(system_t, "weight_bandwidth_efficiency", weight_bandwidth_efficiency),
    N(system_t, "sub_sys_num_servers", sub_sys_num_servers),
    R(system_t, "weight_bw_per_chip_bytes_per_s", weight_bw_per_chip),
    R(system_t, "kv_bw_per_chip_bytes_per_s", kv_bw_per_chip),
    R(system_t, "perf_flops", perf), R(system_t, "tdp_w", tdp), R(system_t, "core_tdp_w", core_tdp),
    R(system_t, "other_tdp_w", other_tdp),
};

/* The system file's own choices; its sizing values (num_servers,
 * kv_cache_ratio, ...) are the sized system's columns above. */
static const col_t cfg_cols[] = {
    T(system_cfg_t, "allreduce_algo", allreduce_algo), B(system_cfg_t, "has_default_mapping", has_default_mapping),
    N(system_cfg_t, "default_t", default_mapping.t), N(system_cfg_t, "default_p", default_mapping.p),
    N(system_cfg_t, "default_micro_batch", default_mapping.micro_batch),
    N(system_cfg_t, "default_prefill_micro_batch", default_mapping.prefill_micro_batch),
    T(system_cfg_t, "perf_model", perf_model),
};

static const col_t perf_cols[] = {
    N(perf_t, "t", map.t), N(perf_t, "p", map.p), N(perf_t, "micro_batch", map.micro_batch),
    N(perf_t, "prefill_micro_batch", map.prefill_micro_batch),
    R(perf_t, "prefill_latency_s", prefill_latency), R(perf_t, "prefill_throughput_tokens_per_s", prefill_throughput),
    R(perf_t, "prefill_utilization", prefill_utilization), R(perf_t, "prefill_power_w", prefill_power),
    R(perf_t, "prefill_tco_per_token_usd", prefill_tco_per_token), R(perf_t, "generate_latency_s", generate_latency),
    R(perf_t, "generate_throughput_tokens_per_s", generate_throughput),
    R(perf_t, "generate_utilization", generate_utilization),
    R(perf_t, "generate_power_w", generate_power), R(perf_t, "generate_tco_per_token_usd", generate_tco_per_token),
    R(perf_t, "prefill_energy_fma_j", prefill_energy.fma), R(perf_t, "prefill_energy_mem_j", prefill_energy.mem),
    R(perf_t, "prefill_energy_comm_j", prefill_energy.comm),
    R(perf_t, "generate_energy_fma_j", generate_energy.fma), R(perf_t, "generate_energy_mem_j", generate_energy.mem),
    R(perf_t, "generate_energy_comm_j", generate_energy.comm),
    R(perf_t, "prefill_io_s", prefill_io_sec), R(perf_t, "prefill_compute_s", prefill_compute_sec),
    R(perf_t, "prefill_mem_s", prefill_mem_sec), R(perf_t, "generate_io_s", generate_io_sec),
    R(perf_t, "generate_compute_s", generate_compute_sec), R(perf_t, "generate_mem_s", generate_mem_sec),
    R(perf_t, "tco_per_mtoken_usd", tco_per_Mtoken), R(perf_t, "capex_usd", capex), R(perf_t, "opex_usd", opex),
    R(perf_t, "srv_tco_usd", srv_tco.total),
};

/* The stored column each objective minimizes (perf_objective_value in
 * src/perf/system.c; sw_writer_open checks the two agree). */
static const struct {
    size_t off;
    const char *col;
} objective_cols[OBJ_COUNT] = {
    [OBJ_PREFILL_LATENCY] = {offsetof(perf_t, prefill_latency), "prefill_latency_s"},
    [OBJ_PREFILL_TCO] = {offsetof(perf_t, prefill_tco_per_token), "prefill_tco_per_token_usd"},
    [OBJ_GENERATE_LATENCY] = {offsetof(perf_t, generate_latency), "generate_latency_s"},
    [OBJ_GENERATE_TCO] = {offsetof(perf_t, generate_tco_per_token), "generate_tco_per_token_usd"},
};

/* Per-op latencies of one micro-batch pass, stored in microseconds. */
typedef struct {
    const char *name;
    size_t off;
} op_col_t;
#define OP(name, field) {name, offsetof(micro_batch_t, field)}
static const op_col_t op_cols[] = {
    OP("stage2stage", stage2stage), OP("atten_qkv", atten_qkv.time), OP("atten_matmul1", atten_matmul1.time),
    OP("atten_communication1", atten_communication1), OP("atten_matmul2", atten_matmul2.time),
    OP("atten_fc", atten_fc.time), OP("atten_communication2", atten_communication2), OP("fc1", fc1.time),
    OP("fc2", fc2.time), OP("fc_communication", fc_communication), OP("pipeline_stage", pipeline_stage),
    OP("total", total), OP("compute", compute), OP("communication", communication),
};
#define N_OPS NCOLS(op_cols)

static void append(char *buf, const char *s)
{
    size_t used = strlen(buf);
    snprintf(buf + used, SQL_MAX - used, "%s", s);
}

/* ", PREFIXOP_us[ REAL]" for each per-op latency of a pass */
static void pass_names(char *buf, const char *prefix, int typed)
{
    for (size_t i = 0; i < N_OPS; i++) {
        char one[128];
        snprintf(one, sizeof one, ", %s%s_us%s", prefix, op_cols[i].name, typed ? " REAL" : "");
        append(buf, one);
    }
}

/* The golden *_points.csv columns plus model (plus hardware in sweep
 * databases), in the reference's order: system, objective, batch. */
static void points_view_sql(char *buf, size_t len, int with_hardware)
{
    snprintf(buf, len,
             "CREATE VIEW points AS SELECT s.server_row AS server_row, s.num_servers AS num_servers, "
             "s.prefill_len AS prefill_len, s.generate_len AS generate_len, s.max_batch AS max_batch, "
             "s.num_chips AS sys_num_chips, s.kv_cache_ratio AS kv_cache_ratio, "
             "s.max_ctx_len_batch_1 AS max_ctx_len_batch_1, f.batch AS batch, f.objective AS objective, "
             "f.t AS t, f.p AS p, f.micro_batch AS micro_batch, f.prefill_micro_batch AS prefill_micro_batch, "
             "f.prefill_latency_s AS prefill_latency, f.prefill_throughput_tokens_per_s AS prefill_throughput, "
             "f.prefill_utilization AS prefill_utilization, f.prefill_power_w AS prefill_power, "
             "f.prefill_tco_per_token_usd AS prefill_tco_per_token, f.generate_latency_s AS generate_latency, "
             "f.generate_throughput_tokens_per_s AS generate_throughput, "
             "f.generate_utilization AS generate_utilization, f.generate_power_w AS generate_power, "
             "f.generate_tco_per_token_usd AS generate_tco_per_token, s.model AS model%s "
             "FROM systems s JOIN perf f ON f.system_id = s.system_id WHERE s.valid "
             "ORDER BY s.system_id, f.objective_index, f.batch;",
             with_hardware ? ", s.hardware AS hardware" : "");
}

int sw_store_points_view(sqlite3 *db, int with_hardware, char *err, size_t errlen)
{
    char sql[4096];
    points_view_sql(sql, sizeof sql, with_hardware);
    return db_exec(db, "DROP VIEW IF EXISTS points", err, errlen) || db_exec(db, sql, err, errlen);
}

/* The columns of a choice, from perf_mappings m, perf_objectives o and
 * systems s: ", name AS name" for each column of perf_choices (schema
 * version 4's table) but the first. */
static void choice_cols_sql(char *sql)
{
    append(sql, ", 1 << (m.mapping_id % 128 / 4) AS batch, o.objective_index AS objective_index, "
                "m.mapping_id AS mapping_id, s.model AS model, s.prefill_len AS prefill_len, "
                "s.generate_len AS generate_len, CASE o.objective_index");
    for (int k = 0; k < OBJ_COUNT; k++) {
        char one[96];
        snprintf(one, sizeof one, " WHEN %d THEN m.%s", k, objective_cols[k].col);
        append(sql, one);
    }
    char tail[256];
    snprintf(tail, sizeof tail, " END AS metric, CASE WHEN o.objective_index IN (%d, %d) THEN m.generate_latency_s END "
             "AS generate_latency_s, CASE WHEN o.objective_index IN (%d, %d) THEN m.generate_tco_per_token_usd END AS "
             "generate_tco_per_token_usd", OBJ_GENERATE_LATENCY, OBJ_GENERATE_TCO, OBJ_GENERATE_LATENCY,
             OBJ_GENERATE_TCO);
    append(sql, tail);
}

#define CHOICE_FROM                                                                                           \
    " FROM perf_mappings m JOIN perf_objectives o ON m.objectives >> o.objective_index & 1 = 1 "               \
    "JOIN systems s ON s.system_id = m.mapping_id / 128"

/* The views perf_choices (which mapping each objective chose) and perf: one
 * row per (system, batch, objective), as stored before the compact tables,
 * with the unit-bearing names. */
static void perf_view_sql(char *sql)
{
    append(sql, "CREATE VIEW IF NOT EXISTS perf_choices AS SELECT m.mapping_id / 128 AS system_id");
    choice_cols_sql(sql);
    append(sql, CHOICE_FROM ";\n");
    append(sql, "CREATE VIEW IF NOT EXISTS perf AS SELECT m.mapping_id / 128 AS system_id, s.model AS model, "
                "s.prefill_len AS prefill_len, s.generate_len AS generate_len, 1 << (m.mapping_id % 128 / 4) AS batch, "
                "o.objective AS objective, o.objective_index AS objective_index, CASE o.objective_index");
    for (int k = 0; k < OBJ_COUNT; k++) {
        char one[96];
        snprintf(one, sizeof one, " WHEN %d THEN m.%s", k, objective_cols[k].col);
        append(sql, one);
    }
    append(sql, " END AS metric, m.mapping_id AS mapping_id, m.prefill_bottleneck AS prefill_bottleneck, "
                "m.generate_bottleneck AS generate_bottleneck");
    cols_sql_names(perf_cols, NCOLS(perf_cols), "m.", sql, SQL_MAX);
    for (int st = 0; st < 2; st++)
        for (size_t i = 0; i < N_OPS; i++) {
            char one[160];
            snprintf(one, sizeof one, ", %c.%s_us AS %s_%s_us", st ? 'g' : 'a', op_cols[i].name,
                     st ? "generate" : "prefill", op_cols[i].name);
            append(sql, one);
        }
    /* LEFT JOINs on a unique key: a query that reads no per-op latency skips them */
    append(sql, CHOICE_FROM " LEFT JOIN perf_passes a ON a.pass_id = m.prefill_pass_id "
                "LEFT JOIN perf_passes g ON g.pass_id = m.generate_pass_id;\n");
}

int sw_store_schema(sqlite3 *db, char *err, size_t errlen)
{
    char *sql = malloc(SQL_MAX);
    if (!sql)
        return -1;
    snprintf(sql, SQL_MAX, "CREATE TABLE IF NOT EXISTS systems(system_id INTEGER PRIMARY KEY, "
             "hardware TEXT, server_id INTEGER, server_row INTEGER, model TEXT, system TEXT, config_index INTEGER, "
             "valid INTEGER, invalid_reason TEXT");
    cols_sql_defs(cfg_cols, NCOLS(cfg_cols), sql, SQL_MAX);
    cols_sql_defs(system_cols, NCOLS(system_cols), sql, SQL_MAX);
    append(sql, ");\nCREATE INDEX IF NOT EXISTS systems_model ON systems(model, system);\n"
                "CREATE TABLE IF NOT EXISTS perf_mappings(mapping_id INTEGER PRIMARY KEY, objectives INTEGER NOT NULL, "
                "prefill_bottleneck TEXT, generate_bottleneck TEXT");
    cols_sql_defs(perf_cols, NCOLS(perf_cols), sql, SQL_MAX);
    append(sql, ", prefill_pass_id INTEGER, generate_pass_id INTEGER);\n"
                "CREATE TABLE IF NOT EXISTS perf_passes(pass_id INTEGER PRIMARY KEY");
    pass_names(sql, "", 1);
    append(sql, ");\nCREATE INDEX IF NOT EXISTS perf_mappings_system ON perf_mappings(mapping_id / 128);\n"
                "CREATE TABLE IF NOT EXISTS perf_objectives(objective_index INTEGER PRIMARY KEY, objective TEXT NOT NULL);\n");
    for (int o = 0; o < OBJ_COUNT; o++) {
        char one[128];
        snprintf(one, sizeof one, "INSERT OR IGNORE INTO perf_objectives VALUES(%d, '%s');\n", o,
                 perf_objective_names[o]);
        append(sql, one);
    }
    perf_view_sql(sql);
    if (db_query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'points'", 0) == 0) {
        size_t used = strlen(sql);
        points_view_sql(sql + used, SQL_MAX - used, 0);
    }
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: creating software tables: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    free(sql);
    return rc == SQLITE_OK ? 0 : -1;
}

/* The passes known to a writer: open addressing on pass_id. */
typedef struct {
    int64_t id;
    double us[N_OPS];
} pass_t;

struct sw_writer {
    sqlite3_stmt *sys, *map, *pass;
    rank_t *rank;               /* rank_best, rank_front (rank_store.c) */
    pass_t *slots;              /* id 0 = empty (a hash of 0 is made 1) */
    size_t cap, n;
};

/* NaN (stored as NULL) and -0.0 (stored as 0) as they read back. */
static double canonical(double v)
{
    return isnan(v) ? NAN : v == 0 ? 0.0 : v;
}

static bool same_pass(const double *a, const double *b)
{
    for (size_t i = 0; i < N_OPS; i++)
        if (!(isnan(a[i]) && isnan(b[i])) && memcmp(&a[i], &b[i], sizeof a[i]))
            return false;
    return true;
}

/* 63-bit FNV-1a of the values' bits, mixed (never 0). */
static int64_t pass_key(const double *us)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < N_OPS; i++) {
        uint64_t bits;
        memcpy(&bits, &us[i], sizeof bits);
        for (int b = 0; b < 8; b++) {
            h ^= (bits >> (8 * b)) & 0xff;
            h *= 1099511628211ull;
        }
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h &= 0x7fffffffffffffffull;
    return h ? (int64_t)h : 1;
}

/* The slot of id (empty when absent); NULL when the table must grow. */
static pass_t *pass_slot(sw_writer_t *w, int64_t id)
{
    if (!w->cap)
        return NULL;
    for (size_t i = (size_t)id & (w->cap - 1);; i = (i + 1) & (w->cap - 1))
        if (w->slots[i].id == id || w->slots[i].id == 0)
            return &w->slots[i];
}

static int pass_grow(sw_writer_t *w)
{
    size_t cap = w->cap ? 2 * w->cap : 1024;
    pass_t *old = w->slots;
    size_t old_cap = w->cap;
    if (!(w->slots = calloc(cap, sizeof *w->slots))) {
        w->slots = old;
        return -1;
    }
    w->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].id)
            *pass_slot(w, old[i].id) = old[i];
    free(old);
    return 0;
}

/* Remember a pass; -1 on a key collision (other values, same key) or no memory. */
static int pass_remember(sw_writer_t *w, int64_t id, const double *us, bool *is_new)
{
    if (2 * (w->n + 1) > w->cap && pass_grow(w))
        return -1;
    pass_t *p = pass_slot(w, id);
    *is_new = p->id == 0;
    if (!*is_new && !same_pass(p->us, us)) {
        /* about 1e-8 likely for a million passes; the caller's error is SQLite's, so say it here */
        fprintf(stderr, "hwsweep: perf_passes: two different passes share the key %lld (a hash collision); "
                "nothing of this transaction is stored\n", (long long)id);
        return -1;
    }
    if (!*is_new)
        return 0;
    p->id = id;
    memcpy(p->us, us, sizeof p->us);
    w->n++;
    return 0;
}

/* The passes already stored (a resumed sweep, a database with other models). */
static int pass_load(sw_writer_t *w, sqlite3 *db)
{
    char sql[1024] = "SELECT pass_id";
    pass_names(sql, "", 0);
    append(sql, " FROM perf_passes");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        double us[N_OPS];
        bool is_new;
        for (size_t i = 0; i < N_OPS; i++)
            us[i] = sqlite3_column_type(st, (int)i + 1) == SQLITE_NULL ? NAN : sqlite3_column_double(st, (int)i + 1);
        rc = pass_remember(w, sqlite3_column_int64(st, 0), us, &is_new);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Each objective's value is the stored column the views read as its metric. */
static bool objective_cols_agree(void)
{
    perf_t p;
    memset(&p, 0, sizeof p);
    for (int o = 0; o < OBJ_COUNT; o++)
        *(double *)((char *)&p + objective_cols[o].off) = 1.0 + o;
    for (int o = 0; o < OBJ_COUNT; o++)
        if (perf_objective_value(&p, (perf_objective_t)o) != 1.0 + o)
            return false;
    return true;
}

sw_writer_t *sw_writer_open(sqlite3 *db, char *err, size_t errlen)
{
    sw_writer_t *w = calloc(1, sizeof *w);
    if (w) {
        char ops[1024] = "";
        pass_names(ops, "", 0);
        w->sys = cols_prepare_insert(db, "systems", "system_id, hardware, server_id, server_row, model, system, "
                                     "config_index, valid, invalid_reason", 9, cfg_cols, NCOLS(cfg_cols),
                                     system_cols, NCOLS(system_cols), "", 0);
        w->map = cols_prepare_insert(db, "perf_mappings", "mapping_id, objectives, prefill_bottleneck, "
                                     "generate_bottleneck", 4,
                                     perf_cols, NCOLS(perf_cols), NULL, 0, ", prefill_pass_id, generate_pass_id", 2);
        w->pass = cols_prepare_insert(db, "perf_passes", "pass_id", 1, NULL, 0, NULL, 0, ops, (int)N_OPS);
    }
    if (!objective_cols_agree()) {
        snprintf(err, errlen, "internal: perf_choices' metric columns disagree with perf_objective_value");
        sw_writer_close(w);
        return NULL;
    }
    if (!w || !w->sys || !w->map || !w->pass || pass_load(w, db)) {
        snprintf(err, errlen, "sqlite: preparing software inserts: %s", sqlite3_errmsg(db));
        sw_writer_close(w);
        return NULL;
    }
    if (!(w->rank = rank_open(db, err, errlen))) {
        sw_writer_close(w);
        return NULL;
    }
    return w;
}

void sw_writer_close(sw_writer_t *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->sys);
    sqlite3_finalize(w->map);
    sqlite3_finalize(w->pass);
    rank_close(w->rank);
    free(w->slots);
    free(w);
}

/* Step and reset without sqlite3_clear_bindings: the writer binds every
 * parameter of its statements on every row (NULLs explicitly). */
static int step_reset(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static double op_us(const perf_t *p, int stage, size_t i)
{
    const micro_batch_t *mb = stage ? &p->generate_mb : &p->prefill_mb;
    return canonical(*(const double *)((const char *)mb + op_cols[i].off) * 1e6);
}

/* The pass_id of a stage's pass, stored when new. */
static int store_pass(sw_writer_t *w, const perf_t *p, int stage, int64_t *id)
{
    double us[N_OPS];
    bool is_new;
    for (size_t i = 0; i < N_OPS; i++)
        us[i] = op_us(p, stage, i);
    *id = pass_key(us);
    if (pass_remember(w, *id, us, &is_new))
        return -1;
    if (!is_new)
        return 0;
    sqlite3_bind_int64(w->pass, 1, *id);
    for (size_t i = 0; i < N_OPS; i++)
        sqlite3_bind_double(w->pass, 2 + (int)i, us[i]);
    return step_reset(w->pass);
}

static const char *bottleneck(const char *b)
{
    return b ? b : "";
}

/* Same stored values (bit for bit): one perf_mappings row serves both. */
static bool same_row(const perf_t *a, const perf_t *b)
{
    for (size_t i = 0; i < NCOLS(perf_cols); i++)
        if (memcmp((const char *)a + perf_cols[i].off, (const char *)b + perf_cols[i].off, sizeof(double)))
            return false;
    for (int st = 0; st < 2; st++)
        for (size_t i = 0; i < N_OPS; i++) {
            double x = op_us(a, st, i), y = op_us(b, st, i);
            if (memcmp(&x, &y, sizeof x))
                return false;
        }
    return strcmp(bottleneck(a->prefill_bottleneck), bottleneck(b->prefill_bottleneck)) == 0 &&
           strcmp(bottleneck(a->generate_bottleneck), bottleneck(b->generate_bottleneck)) == 0;
}

static int insert_mapping(sw_writer_t *w, int64_t mapping_id, int objectives, const perf_t *p)
{
    int64_t pre, gen;
    if (store_pass(w, p, 0, &pre) || store_pass(w, p, 1, &gen))
        return -1;
    sqlite3_stmt *st = w->map;
    sqlite3_bind_int64(st, 1, mapping_id);
    sqlite3_bind_int(st, 2, objectives);
    sqlite3_bind_text(st, 3, bottleneck(p->prefill_bottleneck), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, bottleneck(p->generate_bottleneck), -1, SQLITE_STATIC);
    cols_bind(st, 5, perf_cols, NCOLS(perf_cols), p);
    sqlite3_bind_int64(st, 5 + (int)NCOLS(perf_cols), pre);
    sqlite3_bind_int64(st, 6 + (int)NCOLS(perf_cols), gen);
    return step_reset(st);
}

static int insert_perf(sw_writer_t *w, const sw_point_t *pt)
{
    const system_result_t *r = pt->result;
    if (r->n_batch > MAX_BATCHES)
        return -1;
    for (int b = 0; b < r->n_batch; b++) {
        const perf_t *uniq[OBJ_COUNT];
        int n_uniq = 0, mask[OBJ_COUNT] = {0};
        int64_t base = pt->system_id * MAP_PER_SYSTEM + (int64_t)b * OBJ_COUNT;
        for (int o = 0; o < OBJ_COUNT; o++) {
            const perf_t *p = perf_system_best(r, b, (perf_objective_t)o);
            if (!p)
                continue;
            int k = 0;
            while (k < n_uniq && !same_row(uniq[k], p))
                k++;
            if (k == n_uniq)
                uniq[n_uniq++] = p;
            mask[k] |= 1 << o;
            if (rank_offer(w->rank, pt->model, r->sys.prefill_len, r->sys.generate_len, perf_system_batch(b), o,
                           pt->system_id, base + k, perf_objective_value(uniq[k], (perf_objective_t)o),
                           o == OBJ_GENERATE_LATENCY || o == OBJ_GENERATE_TCO ? uniq[k]->generate_latency : NAN,
                           o == OBJ_GENERATE_LATENCY || o == OBJ_GENERATE_TCO ? uniq[k]->generate_tco_per_token
                                                                                : NAN))
                return -1;
        }
        for (int k = 0; k < n_uniq; k++)
            if (insert_mapping(w, base + k, mask[k], uniq[k]))
                return -1;
    }
    return 0;
}

int sw_writer_flush(sw_writer_t *w)
{
    return rank_flush(w->rank);
}

int sw_write_system(sw_writer_t *w, const sw_point_t *pt)
{
    const system_result_t *r = pt->result;
    sqlite3_stmt *st = w->sys;
    sqlite3_bind_int64(st, 1, pt->system_id);
    sqlite3_bind_text(st, 2, pt->hardware, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, pt->server_id);
    if (pt->server_row >= 0)
        sqlite3_bind_int64(st, 4, pt->server_row);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_text(st, 5, pt->model, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, pt->system, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, pt->config_index);
    sqlite3_bind_int(st, 8, r->valid);
    sqlite3_bind_text(st, 9, r->valid ? "" : r->invalid_reason, -1, SQLITE_STATIC);
    cols_bind(st, 10, cfg_cols, NCOLS(cfg_cols), pt->cfg);
    cols_bind(st, 10 + (int)NCOLS(cfg_cols), system_cols, NCOLS(system_cols), &r->sys);
    if (step_reset(st))
        return -1;
    return r->valid ? insert_perf(w, pt) : 0;
}

/* The index on mapping_id / 128 is kept up cheaply by a sweep (appended in
 * key order) but not by a merge, whose shards interleave their systems: it
 * ended 40x larger than built at once (medium.yaml in 4 shards: 30 MB). */
int sw_store_bulk_load(sqlite3 *db, int begin, char *err, size_t errlen)
{
    return db_exec(db, begin ? "DROP INDEX IF EXISTS perf_mappings_system"
                             : "CREATE INDEX IF NOT EXISTS perf_mappings_system ON perf_mappings(mapping_id / 128)",
                   err, errlen);
}

int sw_store_wipe(sqlite3 *db, char *err, size_t errlen)
{
    return db_exec(db, "DELETE FROM perf_mappings; DELETE FROM perf_passes; "
                       "DELETE FROM systems; DELETE FROM rank_best; DELETE FROM rank_front", err, errlen);
}

int sw_store_replace(sqlite3 *db, const sw_rows_t *rows, char *err, size_t errlen)
{
    static const char *const wipe[] = {
        "DELETE FROM perf_mappings WHERE mapping_id / 128 IN (SELECT system_id FROM systems WHERE model = ?1 AND "
        "system = ?2)",
        "DELETE FROM systems WHERE model = ?1 AND system = ?2",
        "DELETE FROM perf_passes WHERE pass_id NOT IN (SELECT prefill_pass_id FROM perf_mappings UNION ALL "
        "SELECT generate_pass_id FROM perf_mappings)"};
    int rc = 0;
    for (int i = 0; i < 3 && rc == 0; i++) {
        sqlite3_stmt *d = NULL;
        rc = sqlite3_prepare_v2(db, wipe[i], -1, &d, NULL) == SQLITE_OK ? 0 : -1;
        if (rc == 0) {
            sqlite3_bind_text(d, 1, rows->model, -1, SQLITE_STATIC);
            sqlite3_bind_text(d, 2, rows->system, -1, SQLITE_STATIC);
            rc = sqlite3_step(d) == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(d);
    }
    if (rc) {
        snprintf(err, errlen, "sqlite: replacing the rows of model %s: %s", rows->model, sqlite3_errmsg(db));
        return -1;
    }
    /* the model's groups ranked again without its replaced rows (other system files may share them) */
    if (rank_rebuild(db, rows->model, err, errlen))
        return -1;
    sqlite3_int64 id = db_query_int(db, "SELECT coalesce(max(system_id) + 1, 0) FROM systems", 0);
    sw_writer_t *w = sw_writer_open(db, err, errlen);
    if (!w)
        return -1;
    for (size_t s = 0; rc == 0 && s < rows->n_servers; s++)
        for (size_t c = 0; rc == 0 && c < rows->n_cfgs; c++, id++) {
            sw_point_t pt = {rows->hardware, id, rows->servers[s].server_id, (int64_t)s, rows->model, rows->system,
                             (int64_t)c, &rows->cfgs[c], &rows->results[s * rows->n_cfgs + c]};
            rc = sw_write_system(w, &pt);
        }
    if (rc == 0)
        rc = sw_writer_flush(w);
    if (rc)
        snprintf(err, errlen, "sqlite: writing systems: %s", sqlite3_errmsg(db));
    sw_writer_close(w);
    return rc;
}

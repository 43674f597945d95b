/*
 * sw_store.c -- the systems table, the compact perf tables and the perf and
 * points views.
 *
 * perf storage (issue 13, schema version 6): the four objectives of a
 * (system, batch) often choose the same mapping, so each distinct evaluated
 * mapping is one narrow row of perf_mappings, keyed by
 *   mapping_id = system_id * 128 + batch_index * 4 + k
 * (batch = 2^batch_index, k the mapping's rank among the distinct choices),
 * with `objectives`, the bit set of the objective indexes that chose it
 * (bit o: objective o), and value_id, its values.  Those values repeat
 * across mappings, systems and servers of the same chip (bench/big.yaml:
 * 2,038,128 mappings, 488,083 distinct values), so they live in content
 * tables (dedup.c), each distinct tuple once: perf_values (the mapping t, p,
 * micro-batches and the keys of the next three), perf_results (one stage's
 * bottleneck, latency, throughput, utilization, energies, breakdown and
 * pass), perf_costs (powers, TCOs, capex, opex) and perf_passes (the 14
 * per-op latencies of a micro-batch pass, in microseconds).  A tuple's key
 * comes from the first mapping that stored it, so rows are appended.
 * Which mapping each objective chose is the view perf_choices: one row per
 * bit, its system_id and batch read back from the key, model and eval
 * lengths from systems, metric the stored column its objective minimizes
 * (perf_objective_value) and, for the two generate objectives, the pareto
 * coordinates.  The views find a system's mappings by their key range.
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
#include "store/dedup.h"
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
#define SYSTEMS_MODEL_INDEX "CREATE INDEX IF NOT EXISTS systems_model ON systems(model, system)"
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
#define PASS_OPS(X)                                                                                            \
    X(stage2stage, stage2stage) X(atten_qkv, atten_qkv.time) X(atten_matmul1, atten_matmul1.time)             \
    X(atten_communication1, atten_communication1) X(atten_matmul2, atten_matmul2.time)                          \
    X(atten_fc, atten_fc.time) X(atten_communication2, atten_communication2) X(fc1, fc1.time) X(fc2, fc2.time) \
    X(fc_communication, fc_communication) X(pipeline_stage, pipeline_stage) X(total, total)                    \
    X(compute, compute) X(communication, communication)
typedef struct {
    const char *name;
    size_t off;
} op_col_t;
#define OP_OFF(name, field) {#name, offsetof(micro_batch_t, field)},
#define OP_COL(name, field) {#name "_us", DD_REAL},
static const op_col_t op_cols[] = {PASS_OPS(OP_OFF)};
#define N_OPS NCOLS(op_cols)

/* The content-keyed tables (dedup.h) that perf_mappings' rows reference,
 * innermost first.  A column of a stage's result is the perf_cols column
 * "prefill_" or "generate_" + its name; a cost's and a value's are the
 * perf_cols column of their own name (perf_source). */
static const dd_col_t pass_dd[] = {PASS_OPS(OP_COL)};
static const dd_spec_t pass_spec = {"perf_passes", "pass_id", pass_dd, NCOLS(pass_dd), 16};

static const dd_col_t result_dd[] = {
    {"bottleneck", DD_TEXT}, {"latency_s", DD_REAL}, {"throughput_tokens_per_s", DD_REAL},
    {"utilization", DD_REAL}, {"energy_fma_j", DD_REAL}, {"energy_mem_j", DD_REAL}, {"energy_comm_j", DD_REAL},
    {"io_s", DD_REAL}, {"compute_s", DD_REAL}, {"mem_s", DD_REAL}, {"pass_id", DD_KEY},
};
#define N_RESULT NCOLS(result_dd)
static const dd_spec_t result_spec = {"perf_results", "result_id", result_dd, N_RESULT, 16};

static const dd_col_t cost_dd[] = {
    {"prefill_power_w", DD_REAL}, {"generate_power_w", DD_REAL}, {"prefill_tco_per_token_usd", DD_REAL},
    {"generate_tco_per_token_usd", DD_REAL}, {"tco_per_mtoken_usd", DD_REAL}, {"capex_usd", DD_REAL},
    {"opex_usd", DD_REAL}, {"srv_tco_usd", DD_REAL},
};
#define N_COST NCOLS(cost_dd)
static const dd_spec_t cost_spec = {"perf_costs", "cost_id", cost_dd, N_COST, 18};

static const dd_col_t value_dd[] = {
    {"t", DD_COUNT}, {"p", DD_COUNT}, {"micro_batch", DD_COUNT}, {"prefill_micro_batch", DD_COUNT},
    {"prefill_result_id", DD_KEY}, {"generate_result_id", DD_KEY}, {"cost_id", DD_KEY},
};
#define N_VALUE NCOLS(value_dd)
#define N_VALUE_MAP 4           /* the mapping's own columns, then the three keys */
static const dd_spec_t value_spec = {"perf_values", "value_id", value_dd, N_VALUE, 18};

static const dd_spec_t *const dd_specs[] = {&pass_spec, &result_spec, &cost_spec, &value_spec};

static bool in_spec(const dd_spec_t *spec, const char *name)
{
    for (size_t i = 0; i < spec->n; i++)
        if (strcmp(spec->cols[i].name, name) == 0)
            return true;
    return false;
}

/* Where the view perf reads the perf_cols column name: "v.", "c.", "a." or
 * "b." (the prefill and generate results) and the column there. */
static void perf_source(const char *name, char *buf, size_t len)
{
    if (in_spec(&value_spec, name))
        snprintf(buf, len, "v.%s", name);
    else if (in_spec(&cost_spec, name))
        snprintf(buf, len, "c.%s", name);
    else if (strncmp(name, "prefill_", 8) == 0 && in_spec(&result_spec, name + 8))
        snprintf(buf, len, "a.%s", name + 8);
    else if (strncmp(name, "generate_", 9) == 0 && in_spec(&result_spec, name + 9))
        snprintf(buf, len, "b.%s", name + 9);
    else
        snprintf(buf, len, "NULL");   /* sw_writer_open refuses a column stored nowhere */
}

/* The offset in perf_t of the perf_cols column name; -1 when absent. */
static long perf_off(const char *name)
{
    for (size_t i = 0; i < NCOLS(perf_cols); i++)
        if (strcmp(perf_cols[i].name, name) == 0)
            return (long)perf_cols[i].off;
    return -1;
}

static void append(char *buf, const char *s)
{
    size_t used = strlen(buf);
    snprintf(buf + used, SQL_MAX - used, "%s", s);
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

/* The joins from a narrow mapping m to its system s (by its key range:
 * s.system_id = mapping_id / 128, and the rowid range of a system's
 * mappings so that a query on one system_id reads only its rows, without
 * an index), its objectives o and its content-keyed values v, results a
 * (prefill) and b (generate) and costs c.  LEFT JOINs on unique keys (the
 * rows are always there): a query that reads none of a table's columns
 * skips it. */
#define CHOICE_FROM                                                                                           \
    " FROM perf_mappings m JOIN perf_objectives o ON m.objectives >> o.objective_index & 1 = 1 "               \
    "JOIN systems s ON s.system_id = m.mapping_id / 128 AND m.mapping_id BETWEEN s.system_id * 128 AND "       \
    "s.system_id * 128 + 127 LEFT JOIN perf_values v ON v.value_id = m.value_id "                              \
    "LEFT JOIN perf_results a ON a.result_id = v.prefill_result_id "                                            \
    "LEFT JOIN perf_results b ON b.result_id = v.generate_result_id LEFT JOIN perf_costs c ON c.cost_id = v.cost_id"

/* " CASE o.objective_index WHEN 0 THEN <its column> ... END AS metric" */
static void metric_sql(char *sql)
{
    append(sql, " CASE o.objective_index");
    for (int k = 0; k < OBJ_COUNT; k++) {
        char src[96], one[160];
        perf_source(objective_cols[k].col, src, sizeof src);
        snprintf(one, sizeof one, " WHEN %d THEN %s", k, src);
        append(sql, one);
    }
    append(sql, " END AS metric");
}

/* The columns of a choice: ", name AS name" for each column of
 * perf_choices (schema version 4's table) but the first. */
static void choice_cols_sql(char *sql)
{
    append(sql, ", 1 << (m.mapping_id % 128 / 4) AS batch, o.objective_index AS objective_index, "
                "m.mapping_id AS mapping_id, s.model AS model, s.prefill_len AS prefill_len, "
                "s.generate_len AS generate_len,");
    metric_sql(sql);
    char lat[96], tco[96], tail[512];
    perf_source("generate_latency_s", lat, sizeof lat);
    perf_source("generate_tco_per_token_usd", tco, sizeof tco);
    snprintf(tail, sizeof tail, ", CASE WHEN o.objective_index IN (%d, %d) THEN %s END AS generate_latency_s, "
             "CASE WHEN o.objective_index IN (%d, %d) THEN %s END AS generate_tco_per_token_usd",
             OBJ_GENERATE_LATENCY, OBJ_GENERATE_TCO, lat, OBJ_GENERATE_LATENCY, OBJ_GENERATE_TCO, tco);
    append(sql, tail);
}

/* The views perf_choices (which mapping each objective chose) and perf: one
 * row per (system, batch, objective), as stored before the compact tables,
 * with the unit-bearing names. */
static void perf_view_sql(char *sql)
{
    append(sql, "CREATE VIEW IF NOT EXISTS perf_choices AS SELECT s.system_id AS system_id");
    choice_cols_sql(sql);
    append(sql, CHOICE_FROM ";\n");
    append(sql, "CREATE VIEW IF NOT EXISTS perf AS SELECT s.system_id AS system_id, s.model AS model, "
                "s.prefill_len AS prefill_len, s.generate_len AS generate_len, 1 << (m.mapping_id % 128 / 4) AS batch, "
                "o.objective AS objective, o.objective_index AS objective_index,");
    metric_sql(sql);
    append(sql, ", m.mapping_id AS mapping_id, a.bottleneck AS prefill_bottleneck, b.bottleneck AS generate_bottleneck");
    for (size_t i = 0; i < NCOLS(perf_cols); i++) {
        char src[96], one[192];
        perf_source(perf_cols[i].name, src, sizeof src);
        snprintf(one, sizeof one, ", %s AS %s", src, perf_cols[i].name);
        append(sql, one);
    }
    for (int st = 0; st < 2; st++)
        for (size_t i = 0; i < N_OPS; i++) {
            char one[160];
            snprintf(one, sizeof one, ", %s.%s_us AS %s_%s_us", st ? "pg" : "pa", op_cols[i].name,
                     st ? "generate" : "prefill", op_cols[i].name);
            append(sql, one);
        }
    append(sql, CHOICE_FROM " LEFT JOIN perf_passes pa ON pa.pass_id = a.pass_id "
                "LEFT JOIN perf_passes pg ON pg.pass_id = b.pass_id;\n");
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
    append(sql, ");\n" SYSTEMS_MODEL_INDEX ";\n"
                "CREATE TABLE IF NOT EXISTS perf_mappings(mapping_id INTEGER PRIMARY KEY, objectives INTEGER NOT NULL, "
                "value_id INTEGER NOT NULL);\n");
    for (size_t i = 0; i < NCOLS(dd_specs); i++)
        dd_sql_create(dd_specs[i], sql, SQL_MAX);
    append(sql, "CREATE TABLE IF NOT EXISTS perf_objectives(objective_index INTEGER PRIMARY KEY, objective TEXT NOT NULL);\n");
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
    int rc = strlen(sql) + 1 < SQL_MAX ? sqlite3_exec(db, sql, NULL, NULL, &msg) : SQLITE_TOOBIG;
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: creating software tables: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    free(sql);
    return rc == SQLITE_OK ? 0 : -1;
}

struct sw_writer {
    sqlite3_stmt *sys, *map;
    rank_t *rank;               /* rank_best, rank_front (rank_store.c) */
    dd_table_t *pass, *result, *cost, *value;   /* the content tables, innermost first */
    long result_off[2][N_RESULT], cost_off[N_COST], value_off[N_VALUE_MAP];   /* in perf_t; -1: not a double */
};

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

/* Where each content column's double lives in perf_t; false when a
 * perf_cols column is stored nowhere or a content column has no source. */
static bool offsets_found(sw_writer_t *w)
{
    for (size_t i = 0; i < NCOLS(perf_cols); i++) {
        char src[96];
        perf_source(perf_cols[i].name, src, sizeof src);
        if (strcmp(src, "NULL") == 0)
            return false;
    }
    for (int st = 0; st < 2; st++)
        for (size_t i = 0; i < N_RESULT; i++) {
            char name[96];
            snprintf(name, sizeof name, "%s_%s", st ? "generate" : "prefill", result_dd[i].name);
            w->result_off[st][i] = result_dd[i].type == DD_REAL ? perf_off(name) : -1;
            if (result_dd[i].type == DD_REAL && w->result_off[st][i] < 0)
                return false;
        }
    for (size_t i = 0; i < N_COST; i++)
        if ((w->cost_off[i] = perf_off(cost_dd[i].name)) < 0)
            return false;
    for (size_t i = 0; i < N_VALUE_MAP; i++)
        if ((w->value_off[i] = perf_off(value_dd[i].name)) < 0)
            return false;
    return true;
}

sw_writer_t *sw_writer_open(sqlite3 *db, char *err, size_t errlen)
{
    sw_writer_t *w = calloc(1, sizeof *w);
    if (!objective_cols_agree() || (w && !offsets_found(w))) {
        snprintf(err, errlen, "internal: perf_choices' metric columns disagree with perf_objective_value, or a perf "
                 "column is stored nowhere");
        sw_writer_close(w);
        return NULL;
    }
    if (w) {
        w->sys = cols_prepare_insert(db, "systems", "system_id, hardware, server_id, server_row, model, system, "
                                     "config_index, valid, invalid_reason", 9, cfg_cols, NCOLS(cfg_cols),
                                     system_cols, NCOLS(system_cols), "", 0);
        w->map = cols_prepare_insert(db, "perf_mappings", "mapping_id, objectives, value_id", 3, NULL, 0, NULL, 0,
                                     "", 0);
        w->pass = dd_open(db, &pass_spec);
        w->result = dd_open(db, &result_spec);
        w->cost = dd_open(db, &cost_spec);
        w->value = dd_open(db, &value_spec);
    }
    if (!w || !w->sys || !w->map || !w->pass || !w->result || !w->cost || !w->value || dd_load(w->pass) ||
        dd_load(w->result) || dd_load(w->cost) || dd_load(w->value)) {
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
    dd_close(w->pass);
    dd_close(w->result);
    dd_close(w->cost);
    dd_close(w->value);
    rank_close(w->rank);
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

/* NaN (stored as NULL) and -0.0 (stored as 0) as they read back. */
static double canonical(double v)
{
    return isnan(v) ? NAN : v == 0 ? 0.0 : v;
}

static double op_us(const perf_t *p, int stage, size_t i)
{
    const micro_batch_t *mb = stage ? &p->generate_mb : &p->prefill_mb;
    return canonical(*(const double *)((const char *)mb + op_cols[i].off) * 1e6);
}

static double perf_double(const perf_t *p, long off)
{
    return *(const double *)((const char *)p + off);
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

/* A mapping's values as the content tables hold them (keys left 0). */
typedef struct {
    dd_val_t pass[2][N_OPS], result[2][N_RESULT], cost[N_COST], value[N_VALUE];
} mapping_vals_t;

static int store_mapping_row(sw_writer_t *w, int64_t mapping_id, int objectives, int64_t value_id)
{
    sqlite3_stmt *st = w->map;
    sqlite3_bind_int64(st, 1, mapping_id);
    sqlite3_bind_int(st, 2, objectives);
    sqlite3_bind_int64(st, 3, value_id);
    return step_reset(st);
}

/* A mapping's values from its perf_t, keys left 0. */
static void mapping_fill(const sw_writer_t *w, const perf_t *p, mapping_vals_t *m)
{
    memset(m, 0, sizeof *m);
    for (int st = 0; st < 2; st++) {
        for (size_t i = 0; i < N_OPS; i++)
            m->pass[st][i].d = op_us(p, st, i);
        for (size_t i = 0; i < N_RESULT; i++)
            if (result_dd[i].type == DD_REAL)
                m->result[st][i].d = perf_double(p, w->result_off[st][i]);
            else if (result_dd[i].type == DD_TEXT)
                m->result[st][i].s = bottleneck(st ? p->generate_bottleneck : p->prefill_bottleneck);
    }
    for (size_t i = 0; i < N_COST; i++)
        m->cost[i].d = perf_double(p, w->cost_off[i]);
    for (size_t i = 0; i < N_VALUE_MAP; i++)
        m->value[i].d = perf_double(p, w->value_off[i]);
}

/* One distinct best mapping as sw_prepare leaves it for the writer: the
 * pass and cost tuples serialized and hashed (they hold no keys), the
 * result and value tuples' own values (their keys are known only when the
 * writer stores the tuples they reference), the ranking metrics. */
typedef struct {
    uint64_t pass_hash[2], cost_hash;
    unsigned char pass_bytes[2][N_OPS * sizeof(double)], cost_bytes[N_COST * sizeof(double)];
    double result[2][N_RESULT];   /* the DD_REAL columns */
    const char *bottleneck[2];    /* the DD_TEXT column */
    double value[N_VALUE_MAP];
    double metric[OBJ_COUNT], generate_latency, generate_tco_per_token;
} prep_map_t;

struct sw_prep {
    int n_batch;
    signed char groups[MAP_PER_SYSTEM];   /* batch b, objective o: k (its distinct mapping), -1: none */
    int first[MAX_BATCHES];               /* maps[first[b] + k]: batch b's mapping k */
    prep_map_t maps[];
};

/* The pass and cost tuples serialized and hashed, the result and value
 * tuples' own values copied (their bottleneck texts referenced, not copied);
 * -1 when a tuple does not serialize. */
static int prep_fill(prep_map_t *m, const mapping_vals_t *mv)
{
    for (int st = 0; st < 2; st++) {
        if (dd_serialize(&pass_spec, mv->pass[st], m->pass_bytes[st]) != sizeof m->pass_bytes[st])
            return -1;
        m->pass_hash[st] = dd_hash(m->pass_bytes[st], sizeof m->pass_bytes[st]);
        for (size_t c = 0; c < N_RESULT; c++)
            if (result_dd[c].type == DD_TEXT)
                m->bottleneck[st] = mv->result[st][c].s;
            else
                m->result[st][c] = mv->result[st][c].d;
    }
    if (dd_serialize(&cost_spec, mv->cost, m->cost_bytes) != sizeof m->cost_bytes)
        return -1;
    m->cost_hash = dd_hash(m->cost_bytes, sizeof m->cost_bytes);
    for (size_t c = 0; c < N_VALUE_MAP; c++)
        m->value[c] = mv->value[c].d;
    return 0;
}

sw_prep_t *sw_prepare(const sw_writer_t *w, const system_result_t *r)
{
    if (!r->valid || r->n_batch > MAX_BATCHES)
        return NULL;
    signed char groups[MAP_PER_SYSTEM];
    const perf_t *rep[MAP_PER_SYSTEM];
    int first[MAX_BATCHES], n = 0;
    for (int b = 0; b < r->n_batch; b++) {
        first[b] = n;
        int n_uniq = 0;
        for (int o = 0; o < OBJ_COUNT; o++) {
            const perf_t *p = perf_system_best(r, b, (perf_objective_t)o);
            if (!p) {
                groups[b * OBJ_COUNT + o] = -1;
                continue;
            }
            int k = 0;
            while (k < n_uniq && !same_row(rep[n + k], p))
                k++;
            if (k == n_uniq)
                rep[n + n_uniq++] = p;
            groups[b * OBJ_COUNT + o] = (signed char)k;
        }
        n += n_uniq;
    }
    sw_prep_t *pr = malloc(sizeof *pr + (size_t)n * sizeof(prep_map_t));
    if (!pr)
        return NULL;
    pr->n_batch = r->n_batch;
    memcpy(pr->groups, groups, (size_t)r->n_batch * OBJ_COUNT);
    memcpy(pr->first, first, (size_t)r->n_batch * sizeof *first);
    for (int i = 0; i < n; i++) {
        prep_map_t *m = &pr->maps[i];
        mapping_vals_t mv;
        mapping_fill(w, rep[i], &mv);
        if (prep_fill(m, &mv)) {
            free(pr);
            return NULL;
        }
        for (int o = 0; o < OBJ_COUNT; o++)
            m->metric[o] = perf_objective_value(rep[i], (perf_objective_t)o);
        m->generate_latency = rep[i]->generate_latency;
        m->generate_tco_per_token = rep[i]->generate_tco_per_token;
    }
    return pr;
}

/* The content rows a mapping references, each stored when new under a key
 * derived from this mapping (2 * mapping_id + stage for a stage's pass and
 * result, mapping_id for its costs and values): keys grow as mappings are
 * written, in mapping_id order.  Its values' key in *value_id. */
static int store_values(sw_writer_t *w, int64_t mapping_id, const prep_map_t *m, int64_t *value_id)
{
    int64_t key[2], cost_id;
    for (int st = 0; st < 2; st++) {
        dd_val_t res[N_RESULT];
        memset(res, 0, sizeof res);
        for (size_t c = 0; c < N_RESULT; c++)
            if (result_dd[c].type == DD_REAL)
                res[c].d = m->result[st][c];
            else if (result_dd[c].type == DD_TEXT)
                res[c].s = m->bottleneck[st];
        if (dd_put_bytes(w->pass, m->pass_bytes[st], sizeof m->pass_bytes[st], m->pass_hash[st],
                         2 * mapping_id + st, &res[N_RESULT - 1].i) ||
            dd_put(w->result, res, 2 * mapping_id + st, &key[st]))
            return -1;
    }
    if (dd_put_bytes(w->cost, m->cost_bytes, sizeof m->cost_bytes, m->cost_hash, mapping_id, &cost_id))
        return -1;
    dd_val_t val[N_VALUE];
    memset(val, 0, sizeof val);
    for (size_t c = 0; c < N_VALUE_MAP; c++)
        val[c].d = m->value[c];
    val[N_VALUE_MAP].i = key[0];
    val[N_VALUE_MAP + 1].i = key[1];
    val[N_VALUE_MAP + 2].i = cost_id;
    return dd_put(w->value, val, mapping_id, value_id);
}

static int insert_perf(sw_writer_t *w, const sw_point_t *pt)
{
    const system_result_t *r = pt->result;
    sw_prep_t *own = NULL;
    const sw_prep_t *pr = pt->prep;
    if (!pr && !(pr = own = sw_prepare(w, r)))
        return -1;
    int rc = pr->n_batch == r->n_batch ? 0 : -1;
    for (int b = 0; rc == 0 && b < r->n_batch; b++) {
        int n_uniq = 0, mask[OBJ_COUNT] = {0};
        int64_t base = pt->system_id * MAP_PER_SYSTEM + (int64_t)b * OBJ_COUNT;
        const prep_map_t *maps = &pr->maps[pr->first[b]];
        for (int o = 0; rc == 0 && o < OBJ_COUNT; o++) {
            int k = pr->groups[b * OBJ_COUNT + o];
            if (k < 0)
                continue;
            if (k >= n_uniq)
                n_uniq = k + 1;
            mask[k] |= 1 << o;
            bool gen = o == OBJ_GENERATE_LATENCY || o == OBJ_GENERATE_TCO;
            rc = rank_offer(w->rank, pt->model, r->sys.prefill_len, r->sys.generate_len, perf_system_batch(b), o,
                            pt->system_id, base + k, maps[k].metric[o], gen ? maps[k].generate_latency : NAN,
                            gen ? maps[k].generate_tco_per_token : NAN);
        }
        for (int k = 0; rc == 0 && k < n_uniq; k++) {
            int64_t value_id;
            rc = store_values(w, base + k, &maps[k], &value_id) || store_mapping_row(w, base + k, mask[k], value_id);
        }
    }
    free(own);
    return rc;
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

/* SELECT of a database's mappings in mapping_id order, flattened: mapping_id,
 * objectives, the mapping's own values, then per stage its result's values
 * and its pass's, then its costs. */
static void flat_sql(char *sql)
{
    snprintf(sql, SQL_MAX, "SELECT v.value_id, 0");
    char one[128];
    for (size_t i = 0; i < N_VALUE_MAP; i++) {
        snprintf(one, sizeof one, ", v.%s", value_dd[i].name);
        append(sql, one);
    }
    for (int st = 0; st < 2; st++) {
        for (size_t i = 0; i < N_RESULT; i++)
            if (result_dd[i].type != DD_KEY) {
                snprintf(one, sizeof one, ", %c.%s", st ? 'b' : 'a', result_dd[i].name);
                append(sql, one);
            }
        for (size_t i = 0; i < N_OPS; i++) {
            snprintf(one, sizeof one, ", %s.%s_us", st ? "pg" : "pa", op_cols[i].name);
            append(sql, one);
        }
    }
    for (size_t i = 0; i < N_COST; i++) {
        snprintf(one, sizeof one, ", c.%s", cost_dd[i].name);
        append(sql, one);
    }
    append(sql, " FROM perf_values v LEFT JOIN perf_results a ON a.result_id = v.prefill_result_id "
                "LEFT JOIN perf_results b ON b.result_id = v.generate_result_id "
                "LEFT JOIN perf_costs c ON c.cost_id = v.cost_id LEFT JOIN perf_passes pa ON pa.pass_id = a.pass_id "
                "LEFT JOIN perf_passes pg ON pg.pass_id = b.pass_id WHERE v.value_id = ?");
}

/* A database's mappings in mapping_id order with their systems' group keys. */
static const char *const mappings_sql =
    "SELECT m.mapping_id, m.objectives, m.value_id, s.model, s.prefill_len, s.generate_len FROM perf_mappings m "
    "JOIN systems s ON s.system_id = m.mapping_id / 128 ORDER BY m.mapping_id";

/* A shard's values already merged: its value_id -> the merged value_id and
 * what the ranking tables need (open addressing on value_id + 1). */
typedef struct {
    int64_t shard_id1, value_id;   /* shard_id1 = shard value_id + 1 (0: empty) */
    double metric[OBJ_COUNT], lat, tco;
} merged_value_t;

typedef struct {
    merged_value_t *e;
    size_t cap, n;
} value_memo_t;

static merged_value_t *memo_slot(value_memo_t *m, int64_t shard_id)
{
    size_t i = (size_t)((uint64_t)(shard_id + 1) * 0x9e3779b97f4a7c15ull >> 20) & (m->cap - 1);
    while (m->e[i].shard_id1 && m->e[i].shard_id1 != shard_id + 1)
        i = (i + 1) & (m->cap - 1);
    return &m->e[i];
}

static merged_value_t *memo_add(value_memo_t *m, int64_t shard_id)
{
    if (2 * (m->n + 1) > m->cap) {
        value_memo_t g = {calloc(m->cap ? 2 * m->cap : 4096, sizeof *g.e), m->cap ? 2 * m->cap : 4096, m->n};
        if (!g.e)
            return NULL;
        for (size_t i = 0; i < m->cap; i++)
            if (m->e[i].shard_id1)
                *memo_slot(&g, m->e[i].shard_id1 - 1) = m->e[i];
        free(m->e);
        *m = g;
    }
    merged_value_t *e = memo_slot(m, shard_id);
    e->shard_id1 = shard_id + 1;
    m->n++;
    return e;
}

static double col_real(sqlite3_stmt *st, int c)
{
    return sqlite3_column_type(st, c) == SQLITE_NULL ? NAN : sqlite3_column_double(st, c);
}

/* The value of the perf_cols column name in m (perf_source's places). */
static double vals_double(const mapping_vals_t *m, const char *name)
{
    for (size_t i = 0; i < N_VALUE_MAP; i++)
        if (strcmp(value_dd[i].name, name) == 0)
            return m->value[i].d;
    for (size_t i = 0; i < N_COST; i++)
        if (strcmp(cost_dd[i].name, name) == 0)
            return m->cost[i].d;
    for (int st = 0; st < 2; st++) {
        const char *stage = st ? "generate_" : "prefill_";
        if (strncmp(name, stage, strlen(stage)) == 0)
            for (size_t i = 0; i < N_RESULT; i++)
                if (result_dd[i].type == DD_REAL && strcmp(result_dd[i].name, name + strlen(stage)) == 0)
                    return m->result[st][i].d;
    }
    return NAN;
}

/* Offer the choices of a replayed mapping (the current row of a
 * mappings_sql statement) to the ranking tables, as the sweep's writer
 * offered them (insert_perf). */
static int rank_mapping(sw_writer_t *w, sqlite3_stmt *st, int64_t mapping_id, int objectives, const merged_value_t *v)
{
    const char *model = (const char *)sqlite3_column_text(st, 3);
    for (int o = 0; o < OBJ_COUNT; o++)
        if (objectives >> o & 1 &&
            rank_offer(w->rank, model ? model : "", sqlite3_column_double(st, 4), sqlite3_column_double(st, 5),
                       (int64_t)1 << (mapping_id % MAP_PER_SYSTEM / OBJ_COUNT), o, mapping_id / MAP_PER_SYSTEM,
                       mapping_id, v->metric[o], o == OBJ_GENERATE_LATENCY || o == OBJ_GENERATE_TCO ? v->lat : NAN,
                       o == OBJ_GENERATE_LATENCY || o == OBJ_GENERATE_TCO ? v->tco : NAN))
            return -1;
    return 0;
}

/* The current row of a flat_sql statement. */
static void flat_read(sqlite3_stmt *st, mapping_vals_t *m)
{
    int c = 2;
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < N_VALUE_MAP; i++)
        m->value[i].d = col_real(st, c++);
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < N_RESULT; i++)
            if (result_dd[i].type == DD_TEXT)
                m->result[s][i].s = (const char *)sqlite3_column_text(st, c++);
            else if (result_dd[i].type != DD_KEY)
                m->result[s][i].d = col_real(st, c++);
        for (size_t i = 0; i < N_OPS; i++)
            m->pass[s][i].d = col_real(st, c++);
    }
    for (size_t i = 0; i < N_COST; i++)
        m->cost[i].d = col_real(st, c++);
}

/* The merged value_id of the current row of shard k's mappings_sql cursor
 * (and what ranking it needs): remembered, else read from the shard and
 * stored. */
static const merged_value_t *merged_value(sw_writer_t *w, value_memo_t *memo, sqlite3_stmt *flat, sqlite3_stmt *cur)
{
    int64_t shard_id = sqlite3_column_int64(cur, 2), mapping_id = sqlite3_column_int64(cur, 0);
    if (memo->cap) {
        merged_value_t *e = memo_slot(memo, shard_id);
        if (e->shard_id1)
            return e;
    }
    mapping_vals_t m;
    sqlite3_bind_int64(flat, 1, shard_id);
    int ok = sqlite3_step(flat) == SQLITE_ROW;
    if (ok)
        flat_read(flat, &m);
    merged_value_t v = {0};
    prep_map_t pm;
    ok = ok && prep_fill(&pm, &m) == 0 && store_values(w, mapping_id, &pm, &v.value_id) == 0;
    sqlite3_reset(flat);
    if (!ok)
        return NULL;
    for (int o = 0; o < OBJ_COUNT; o++)
        v.metric[o] = vals_double(&m, objective_cols[o].col);
    v.lat = vals_double(&m, "generate_latency_s");
    v.tco = vals_double(&m, "generate_tco_per_token_usd");
    merged_value_t *e = memo_add(memo, shard_id);
    if (!e)
        return NULL;
    v.shard_id1 = e->shard_id1;
    *e = v;
    return e;
}

int sw_store_merge_perf(sqlite3 *db, const char *const *paths, size_t n, char *err, size_t errlen)
{
    size_t m = n ? n : 1;
    sqlite3 **src = calloc(m, sizeof *src);
    sqlite3_stmt **cur = calloc(m, sizeof *cur), **flat = calloc(m, sizeof *flat);
    value_memo_t *memo = calloc(m, sizeof *memo);
    char *sql = malloc(SQL_MAX);
    int *live = calloc(m, sizeof *live);
    sw_writer_t *w = NULL;
    int rc = src && cur && flat && memo && sql && live ? 0 : -1;
    if (rc)
        snprintf(err, errlen, "out of memory");
    else
        flat_sql(sql);
    for (size_t k = 0; rc == 0 && k < n; k++) {
        if (sqlite3_open_v2(paths[k], &src[k], SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(src[k], mappings_sql, -1, &cur[k], NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(src[k], sql, -1, &flat[k], NULL) != SQLITE_OK) {
            snprintf(err, errlen, "sqlite: reading the mappings of %s: %s", paths[k], sqlite3_errmsg(src[k]));
            rc = -1;
            break;
        }
        live[k] = sqlite3_step(cur[k]) == SQLITE_ROW;
    }
    if (rc == 0 && !(w = sw_writer_open(db, err, errlen)))
        rc = -1;
    /* every shard's mappings in mapping_id order, as one run writes them */
    while (rc == 0) {
        size_t best = n;
        for (size_t k = 0; k < n; k++)
            if (live[k] && (best == n || sqlite3_column_int64(cur[k], 0) < sqlite3_column_int64(cur[best], 0)))
                best = k;
        if (best == n)
            break;
        int64_t id = sqlite3_column_int64(cur[best], 0);
        int objectives = sqlite3_column_int(cur[best], 1);
        const merged_value_t *v = merged_value(w, &memo[best], flat[best], cur[best]);
        if (!v || rank_mapping(w, cur[best], id, objectives, v) || store_mapping_row(w, id, objectives, v->value_id)) {
            snprintf(err, errlen, "sqlite: merging the mappings of %s: %s", paths[best], sqlite3_errmsg(db));
            rc = -1;
        }
        int step = sqlite3_step(cur[best]);
        live[best] = step == SQLITE_ROW;
        if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE) {
            snprintf(err, errlen, "sqlite: reading the mappings of %s: %s", paths[best], sqlite3_errmsg(src[best]));
            rc = -1;
        }
    }
    if (rc == 0 && sw_writer_flush(w)) {
        snprintf(err, errlen, "sqlite: ranking the merged choices: %s", sqlite3_errmsg(db));
        rc = -1;
    }
    sw_writer_close(w);
    for (size_t k = 0; cur && flat && src && memo && k < n; k++) {
        sqlite3_finalize(cur[k]);
        sqlite3_finalize(flat[k]);
        sqlite3_close(src[k]);
        free(memo[k].e);
    }
    free(src);
    free(cur);
    free(flat);
    free(memo);
    free(sql);
    free(live);
    return rc;
}

/* A merge copies systems shard after shard, each shard's ids interleaved
 * with the others': maintained row by row, the index ended 95% empty
 * (bench/big.yaml in 4 shards: 83 MB instead of 3). */
int sw_store_bulk_load(sqlite3 *db, int begin, char *err, size_t errlen)
{
    return db_exec(db, begin ? "DROP INDEX IF EXISTS systems_model" : SYSTEMS_MODEL_INDEX, err, errlen);
}

int sw_store_wipe(sqlite3 *db, char *err, size_t errlen)
{
    return db_exec(db, "DELETE FROM perf_mappings; DELETE FROM perf_values; DELETE FROM perf_results; "
                       "DELETE FROM perf_costs; DELETE FROM perf_passes; "
                       "DELETE FROM systems; DELETE FROM rank_best; DELETE FROM rank_front", err, errlen);
}

/* Runs stmts[0..n) with ?1 = model, ?2 = system; *changes: rows the last
 * one changed.  0, or -1 (SQLite's error stays on db). */
static int run_deletes(sqlite3 *db, const char *const *stmts, size_t n, const sw_rows_t *rows,
                       sqlite3_int64 *changes)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        sqlite3_stmt *d = NULL;
        rc = sqlite3_prepare_v2(db, stmts[i], -1, &d, NULL) == SQLITE_OK ? 0 : -1;
        if (rc == 0) {
            sqlite3_bind_text(d, 1, rows->model, -1, SQLITE_STATIC);
            sqlite3_bind_text(d, 2, rows->system, -1, SQLITE_STATIC);
            rc = sqlite3_step(d) == SQLITE_DONE ? 0 : -1;
        }
        *changes = rc == 0 ? sqlite3_changes64(db) : 0;
        sqlite3_finalize(d);
    }
    return rc;
}

int sw_store_replace(sqlite3 *db, const sw_rows_t *rows, char *err, size_t errlen)
{
    static const char *const replaced[] = {
        "DELETE FROM perf_mappings WHERE mapping_id / 128 IN (SELECT system_id FROM systems WHERE model = ?1 AND "
        "system = ?2)",
        "DELETE FROM systems WHERE model = ?1 AND system = ?2"};
    /* the content rows no longer referenced, outermost first */
    static const char *const orphans[] = {
        "DELETE FROM perf_values WHERE value_id NOT IN (SELECT value_id FROM perf_mappings)",
        "DELETE FROM perf_results WHERE result_id NOT IN (SELECT prefill_result_id FROM perf_values UNION ALL "
        "SELECT generate_result_id FROM perf_values)",
        "DELETE FROM perf_costs WHERE cost_id NOT IN (SELECT cost_id FROM perf_values)",
        "DELETE FROM perf_passes WHERE pass_id NOT IN (SELECT pass_id FROM perf_results)"};
    sqlite3_int64 deleted = 0, ignored; /* systems rows replaced */
    int rc = run_deletes(db, replaced, sizeof replaced / sizeof replaced[0], rows, &deleted);
    /* with no systems row of this model and system file stored, nothing is
     * replaced: the content tables hold no row that only they referenced and
     * the ranking tables are current (a first `hwsweep sw` of a model skips
     * four table scans and the window functions' ranking) */
    if (rc == 0 && deleted > 0)
        rc = run_deletes(db, orphans, sizeof orphans / sizeof orphans[0], rows, &ignored);
    if (rc) {
        snprintf(err, errlen, "sqlite: replacing the rows of model %s: %s", rows->model, sqlite3_errmsg(db));
        return -1;
    }
    /* the model's groups ranked again without its replaced rows (other system files may share them) */
    if (deleted > 0 && rank_rebuild(db, rows->model, err, errlen))
        return -1;
    sqlite3_int64 id = db_query_int(db, "SELECT coalesce(max(system_id) + 1, 0) FROM systems", 0);
    sw_writer_t *w = sw_writer_open(db, err, errlen);
    if (!w)
        return -1;
    for (size_t s = 0; rc == 0 && s < rows->n_servers; s++)
        for (size_t c = 0; rc == 0 && c < rows->n_cfgs; c++, id++) {
            sw_point_t pt = {rows->hardware, id, rows->servers[s].server_id, (int64_t)s, rows->model, rows->system,
                             (int64_t)c, &rows->cfgs[c], &rows->results[s * rows->n_cfgs + c], NULL};
            rc = sw_write_system(w, &pt);
        }
    if (rc == 0)
        rc = sw_writer_flush(w);
    if (rc)
        snprintf(err, errlen, "sqlite: writing systems: %s", sqlite3_errmsg(db));
    sw_writer_close(w);
    return rc;
}

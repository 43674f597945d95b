/*
 * sw_store.c -- the systems and perf tables and the points view.
 *
 * perf rows carry the mapping, the ten golden metrics, energies, the
 * bottlenecks, the io/compute/memory breakdowns and every per-op latency
 * of both stages in microseconds.  The points view has exactly the columns
 * of the golden *_points.csv files plus model (and hardware in sweeps).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/schema_sql.h"
#include "store/sw_store.h"
#include "store/table.h"

#define N(s, name, field) {name, COL_COUNT, offsetof(s, field), 0}
#define R(s, name, field) {name, COL_REAL, offsetof(s, field), 0}
#define B(s, name, field) {name, COL_BOOL, offsetof(s, field), 0}
#define T(s, name, field) {name, COL_TEXT, offsetof(s, field), sizeof(((s *)0)->field)}
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))
#define SQL_MAX 16384

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
    R(system_t, "weight_bw_per_chip", weight_bw_per_chip), R(system_t, "kv_bw_per_chip", kv_bw_per_chip),
    R(system_t, "perf_flops", perf), R(system_t, "tdp_w", tdp), R(system_t, "core_tdp_w", core_tdp),
    R(system_t, "other_tdp_w", other_tdp),
};

static const col_t cfg_cols[] = {
    T(system_cfg_t, "allreduce_algo", allreduce_algo), N(system_cfg_t, "cfg_num_servers", num_servers),
    R(system_cfg_t, "cfg_kv_cache_ratio", kv_cache_ratio), R(system_cfg_t, "cfg_max_ctx_len_batch_1", max_ctx_len_batch_1),
    R(system_cfg_t, "cfg_max_tco", max_tco), B(system_cfg_t, "has_default_mapping", has_default_mapping),
    N(system_cfg_t, "default_t", default_mapping.t), N(system_cfg_t, "default_p", default_mapping.p),
    N(system_cfg_t, "default_micro_batch", default_mapping.micro_batch),
    N(system_cfg_t, "default_prefill_micro_batch", default_mapping.prefill_micro_batch),
    T(system_cfg_t, "perf_model", perf_model),
};

static const col_t perf_cols[] = {
    N(perf_t, "t", map.t), N(perf_t, "p", map.p), N(perf_t, "micro_batch", map.micro_batch),
    N(perf_t, "prefill_micro_batch", map.prefill_micro_batch),
    R(perf_t, "prefill_latency", prefill_latency), R(perf_t, "prefill_throughput", prefill_throughput),
    R(perf_t, "prefill_utilization", prefill_utilization), R(perf_t, "prefill_power", prefill_power),
    R(perf_t, "prefill_tco_per_token", prefill_tco_per_token), R(perf_t, "generate_latency", generate_latency),
    R(perf_t, "generate_throughput", generate_throughput), R(perf_t, "generate_utilization", generate_utilization),
    R(perf_t, "generate_power", generate_power), R(perf_t, "generate_tco_per_token", generate_tco_per_token),
    R(perf_t, "prefill_energy_fma_j", prefill_energy.fma), R(perf_t, "prefill_energy_mem_j", prefill_energy.mem),
    R(perf_t, "prefill_energy_comm_j", prefill_energy.comm),
    R(perf_t, "generate_energy_fma_j", generate_energy.fma), R(perf_t, "generate_energy_mem_j", generate_energy.mem),
    R(perf_t, "generate_energy_comm_j", generate_energy.comm),
    R(perf_t, "prefill_io_sec", prefill_io_sec), R(perf_t, "prefill_compute_sec", prefill_compute_sec),
    R(perf_t, "prefill_mem_sec", prefill_mem_sec), R(perf_t, "decoding_io_sec", generate_io_sec),
    R(perf_t, "decoding_compute_sec", generate_compute_sec), R(perf_t, "decoding_mem_sec", generate_mem_sec),
    R(perf_t, "tco_per_Mtoken", tco_per_Mtoken), R(perf_t, "capex_usd", capex), R(perf_t, "opex_usd", opex),
    R(perf_t, "srv_tco_usd", srv_tco.total),
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
             "f.prefill_latency AS prefill_latency, f.prefill_throughput AS prefill_throughput, "
             "f.prefill_utilization AS prefill_utilization, f.prefill_power AS prefill_power, "
             "f.prefill_tco_per_token AS prefill_tco_per_token, f.generate_latency AS generate_latency, "
             "f.generate_throughput AS generate_throughput, f.generate_utilization AS generate_utilization, "
             "f.generate_power AS generate_power, f.generate_tco_per_token AS generate_tco_per_token, "
             "s.model AS model%s "
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

int sw_store_schema(sqlite3 *db, char *err, size_t errlen)
{
    char *sql = malloc(3 * SQL_MAX);
    if (!sql)
        return -1;
    snprintf(sql, SQL_MAX, "CREATE TABLE IF NOT EXISTS systems(system_id INTEGER PRIMARY KEY, "
             "hardware TEXT, server_id INTEGER, server_row INTEGER, model TEXT, system TEXT, config_index INTEGER, "
             "valid INTEGER, invalid_reason TEXT");
    cols_sql_defs(cfg_cols, NCOLS(cfg_cols), sql, SQL_MAX);
    cols_sql_defs(system_cols, NCOLS(system_cols), sql, SQL_MAX);
    append(sql, ");\nCREATE INDEX IF NOT EXISTS systems_model ON systems(model, system);\n"
                "CREATE TABLE IF NOT EXISTS perf(system_id INTEGER REFERENCES systems, hardware TEXT, "
                "model TEXT, prefill_len INTEGER, generate_len INTEGER, batch INTEGER, objective TEXT, objective_index INTEGER, metric REAL, prefill_bottleneck TEXT, generate_bottleneck TEXT");
    cols_sql_defs(perf_cols, NCOLS(perf_cols), sql, SQL_MAX);
    for (int st = 0; st < 2; st++)
        for (size_t i = 0; i < N_OPS; i++) {
            char one[96];
            snprintf(one, sizeof one, ", %s_%s_us REAL", st ? "generate" : "prefill", op_cols[i].name);
            append(sql, one);
        }
    append(sql, ", PRIMARY KEY(system_id, batch, objective_index)) WITHOUT ROWID;\n");
    if (db_query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'points'", 0) == 0) {
        size_t used = strlen(sql);
        points_view_sql(sql + used, 3 * SQL_MAX - used, 0);
    }
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: creating software tables: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    free(sql);
    return rc == SQLITE_OK ? 0 : -1;
}

/* ", prefill_OP_us, ..., generate_OP_us" */
static void op_names(char *buf, size_t len)
{
    buf[0] = '\0';
    for (int st = 0; st < 2; st++)
        for (size_t i = 0; i < N_OPS; i++) {
            size_t used = strlen(buf);
            snprintf(buf + used, len - used, ", %s_%s_us", st ? "generate" : "prefill", op_cols[i].name);
        }
}

struct sw_writer {
    sqlite3_stmt *sys, *perf;
};

sw_writer_t *sw_writer_open(sqlite3 *db, char *err, size_t errlen)
{
    sw_writer_t *w = calloc(1, sizeof *w);
    if (w) {
        char ops[2048];
        op_names(ops, sizeof ops);
        w->sys = cols_prepare_insert(db, "systems", "system_id, hardware, server_id, server_row, model, system, "
                                     "config_index, valid, invalid_reason", 9, cfg_cols, NCOLS(cfg_cols),
                                     system_cols, NCOLS(system_cols), "", 0);
        /* model and eval lengths are repeated from systems so that the
         * ranking views find a group's rows in one index */
        w->perf = cols_prepare_insert(db, "perf", "system_id, hardware, model, prefill_len, generate_len, batch, "
                                      "objective, objective_index, metric, prefill_bottleneck, generate_bottleneck",
                                      11, perf_cols, NCOLS(perf_cols), NULL, 0, ops, 2 * (int)N_OPS);
    }
    if (!w || !w->sys || !w->perf) {
        snprintf(err, errlen, "sqlite: preparing software inserts: %s", sqlite3_errmsg(db));
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
    sqlite3_finalize(w->perf);
    free(w);
}

static int insert_perf(sqlite3_stmt *st, const sw_point_t *pt)
{
    const system_result_t *r = pt->result;
    for (int b = 0; b < r->n_batch; b++)
        for (int o = 0; o < OBJ_COUNT; o++) {
            const perf_t *p = perf_system_best(r, b, (perf_objective_t)o);
            if (!p)
                continue;
            sqlite3_bind_int64(st, 1, pt->system_id);
            sqlite3_bind_text(st, 2, pt->hardware, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, pt->model, -1, SQLITE_STATIC);
            sqlite3_bind_double(st, 4, r->sys.prefill_len);
            sqlite3_bind_double(st, 5, r->sys.generate_len);
            sqlite3_bind_int64(st, 6, (sqlite3_int64)perf_system_batch(b));
            sqlite3_bind_text(st, 7, perf_objective_names[o], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 8, o);
            sqlite3_bind_double(st, 9, perf_objective_value(p, (perf_objective_t)o));
            sqlite3_bind_text(st, 10, p->prefill_bottleneck ? p->prefill_bottleneck : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 11, p->generate_bottleneck ? p->generate_bottleneck : "", -1, SQLITE_STATIC);
            cols_bind(st, 12, perf_cols, NCOLS(perf_cols), p);
            int k = 12 + (int)NCOLS(perf_cols);
            for (int s = 0; s < 2; s++) {
                const micro_batch_t *mb = s ? &p->generate_mb : &p->prefill_mb;
                for (size_t i = 0; i < N_OPS; i++)
                    sqlite3_bind_double(st, k++, *(const double *)((const char *)mb + op_cols[i].off) * 1e6);
            }
            if (cols_step_reset(st))
                return -1;
        }
    return 0;
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
    sqlite3_bind_text(st, 5, pt->model, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, pt->system, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, pt->config_index);
    sqlite3_bind_int(st, 8, r->valid);
    sqlite3_bind_text(st, 9, r->valid ? "" : r->invalid_reason, -1, SQLITE_STATIC);
    cols_bind(st, 10, cfg_cols, NCOLS(cfg_cols), pt->cfg);
    cols_bind(st, 10 + (int)NCOLS(cfg_cols), system_cols, NCOLS(system_cols), &r->sys);
    if (cols_step_reset(st))
        return -1;
    return r->valid ? insert_perf(w->perf, pt) : 0;
}

int sw_store_replace(sqlite3 *db, const sw_rows_t *rows, char *err, size_t errlen)
{
    static const char *const wipe[] = {
        "DELETE FROM perf WHERE system_id IN (SELECT system_id FROM systems WHERE model = ?1 AND system = ?2)",
        "DELETE FROM systems WHERE model = ?1 AND system = ?2"};
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
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
    if (rc)
        snprintf(err, errlen, "sqlite: writing systems: %s", sqlite3_errmsg(db));
    sw_writer_close(w);
    return rc;
}

/*
 * npu_store.c -- the NPU sweep database (see npu_store.h).  All SQL of the
 * NPU sweeps lives here.
 */
#include "store/npu_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "version.h"

struct npu_store {
    sqlite3 *db;
    sqlite3_stmt *point, *op, *energy;
    char path[4096], tmp[4200];   /* tmp: PATH.tmp, or PATH.partial for a resumable sweep */
    long long run_id;
    bool partial;                 /* kept on failure or kill, for --resume */
};

static const char *schema =
    "PRAGMA journal_mode=OFF;"
    "PRAGMA synchronous=OFF;"
    "CREATE TABLE npu_runs(run_id INTEGER PRIMARY KEY, command TEXT, sweep TEXT, shard TEXT, version TEXT,"
    " threads INTEGER, started_at REAL, finished_at REAL, status TEXT);"
    "CREATE TABLE npu_inputs(role TEXT, path TEXT, text TEXT);"
    "CREATE TABLE npu_points(point_id INTEGER NOT NULL, phase TEXT NOT NULL, model TEXT, chip TEXT, workload TEXT,"
    " set_values TEXT, num_chips INTEGER, global_batch_size INTEGER, microbatch_size_ici INTEGER,"
    " input_seqlen INTEGER, output_seqlen INTEGER, dp INTEGER, tp INTEGER, pp INTEGER, dp_dcn INTEGER,"
    " pp_dcn INTEGER, dp_axes INTEGER, tp_axes INTEGER, pp_axes INTEGER, status TEXT, reason TEXT,"
    " total_execution_time_chip_ns INTEGER, total_execution_time_non_pp_ns INTEGER, total_pp_time_ns INTEGER,"
    " compute_only_time_chip_ns INTEGER, memory_only_time_chip_ns INTEGER, ici_bound_time_chip_ns INTEGER,"
    " bounded_by_pp_chip INTEGER, TTFT_sec REAL, TPOT_ms_request REAL, throughput_tokens_per_sec REAL,"
    " throughput_tokens_per_sec_request REAL, total_execution_time_ns INTEGER, mem_footprint_GB REAL,"
    " out_of_memory INTEGER, energy_per_token_J REAL, avg_power_W REAL,"
    " ep INTEGER, etp INTEGER, throughput_requests_per_sec REAL, latency_sec REAL,"
    " throughput_step_per_sec_per_request REAL,"
    " PRIMARY KEY(point_id, phase));"
    /* energy and carbon per power-gating strategy (sweep keys power_gating, carbon) */
    "CREATE TABLE npu_energy(point_id INTEGER NOT NULL, phase TEXT NOT NULL, strategy TEXT NOT NULL,"
    " total_energy_J REAL, avg_power_W REAL, peak_power_W REAL, energy_per_token_J REAL, slowdown REAL,"
    " idle_power_W REAL, fleet_avg_power_W REAL, total_energy_kWh REAL, carbon_kgCO2e REAL,"
    " carbon_zero_embodied_kgCO2e REAL, tokens_per_kgCO2e REAL, PRIMARY KEY(point_id, phase, strategy));"
    "CREATE TABLE npu_ops(point_id INTEGER NOT NULL, phase TEXT NOT NULL, op_index INTEGER NOT NULL,"
    " fusion_id INTEGER, description TEXT, name TEXT, op_code TEXT, op_type TEXT, count INTEGER, bounded_by TEXT,"
    " execution_time_ns REAL, compute_time_ns REAL, memory_time_ns REAL, ici_time_ns REAL, mxu_time_ns REAL,"
    " vpu_time_ns REAL, vmem_time_ns REAL, flops REAL, bytes_accessed REAL, weight_bytes REAL,"
    " tflops_per_sec REAL, flops_util REAL, hbm_bw_util REAL, PRIMARY KEY(point_id, phase, op_index));"
    /* prefill and decode of one inference configuration side by side */
    "CREATE VIEW npu_inference AS SELECT p.point_id AS point_id, p.model AS model, p.chip AS chip,"
    " p.num_chips AS num_chips, p.global_batch_size AS batch, p.input_seqlen AS input_seqlen,"
    " p.output_seqlen AS output_seqlen, p.dp AS dp, p.tp AS tp, p.pp AS pp, p.dp_dcn AS dp_dcn,"
    " p.pp_dcn AS pp_dcn, p.set_values AS set_values,"
    " p.TTFT_sec AS TTFT_sec, d.TPOT_ms_request AS TPOT_ms_request,"
    " p.throughput_tokens_per_sec AS prefill_tokens_per_sec, d.throughput_tokens_per_sec AS decode_tokens_per_sec,"
    " d.throughput_tokens_per_sec / p.num_chips AS decode_tokens_per_sec_per_chip,"
    " max(p.mem_footprint_GB, d.mem_footprint_GB) AS mem_footprint_GB"
    " FROM npu_points p JOIN npu_points d ON d.point_id = p.point_id AND d.phase = 'decode'"
    " WHERE p.phase = 'prefill' AND p.status = 'ok' AND d.status = 'ok';"
    /* per model, chip, sequence lengths: the configuration with the most decode tokens/s per chip */
    "CREATE VIEW npu_best_throughput AS SELECT * FROM (SELECT i.*, row_number() OVER (PARTITION BY model, chip,"
    " input_seqlen, output_seqlen ORDER BY decode_tokens_per_sec_per_chip DESC, point_id) AS rank"
    " FROM npu_inference i) WHERE rank = 1;"
    /* per model, chip, sequence lengths: the configuration with the least decode energy per token
     * (the chip's default strategy; the most tokens per joule, i.e. throughput per watt) */
    "CREATE VIEW npu_best_efficiency AS SELECT * FROM (SELECT i.*, d.energy_per_token_J AS decode_J_per_token,"
    " 1.0 / d.energy_per_token_J AS decode_tokens_per_J, d.avg_power_W AS decode_avg_power_W_per_chip,"
    " row_number() OVER (PARTITION BY i.model, i.chip, i.input_seqlen, i.output_seqlen"
    " ORDER BY d.energy_per_token_J, i.point_id) AS rank"
    " FROM npu_inference i JOIN npu_points d ON d.point_id = i.point_id AND d.phase = 'decode'"
    " WHERE d.energy_per_token_J > 0) WHERE rank = 1;";

static bool fail(sqlite3 *db, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
    return false;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Record a running npu_runs row and prepare the inserts; on failure s is
 * discarded (PATH.tmp removed) and false returned. */
static bool start_run(npu_store_t *s, const char *command, const char *sweep, const char *shard, int threads,
                      char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO npu_runs(command, sweep, version, threads, started_at, status, shard)"
                           " VALUES(?,?,?,?,?,'running',?)",
                           -1, &st, NULL) != SQLITE_OK) {
        fail(s->db, err, errlen, "npu_runs");
        npu_store_finish(s, false, err, errlen);
        return false;
    }
    sqlite3_bind_text(st, 1, command, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, sweep, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, HWSWEEP_VERSION, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, threads);
    sqlite3_bind_double(st, 5, now_s());
    sqlite3_bind_text(st, 6, shard, -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
    s->run_id = sqlite3_last_insert_rowid(s->db);
    const char *ins_point =
        "INSERT INTO npu_points(point_id, phase, model, chip, workload, set_values, num_chips, global_batch_size,"
        " microbatch_size_ici, input_seqlen, output_seqlen, dp, tp, pp, dp_dcn, pp_dcn, dp_axes, tp_axes, pp_axes,"
        " status, reason, total_execution_time_chip_ns, total_execution_time_non_pp_ns, total_pp_time_ns,"
        " compute_only_time_chip_ns, memory_only_time_chip_ns, ici_bound_time_chip_ns, bounded_by_pp_chip,"
        " TTFT_sec, TPOT_ms_request, throughput_tokens_per_sec, throughput_tokens_per_sec_request,"
        " total_execution_time_ns, mem_footprint_GB, out_of_memory, energy_per_token_J, avg_power_W, ep, etp,"
        " throughput_requests_per_sec, latency_sec, throughput_step_per_sec_per_request)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,"
        "?27,?28,?29,?30,?31,?32,?33,?34,?35,?36,?37,?38,?39,?40,?41,?42)";
    const char *ins_energy = "INSERT INTO npu_energy VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)";
    const char *ins_op =
        "INSERT INTO npu_ops VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23)";
    if (sqlite3_prepare_v2(s->db, ins_point, -1, &s->point, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, ins_op, -1, &s->op, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, ins_energy, -1, &s->energy, NULL) != SQLITE_OK) {
        fail(s->db, err, errlen, "prepare");
        npu_store_finish(s, false, err, errlen);
        return false;
    }
    return true;
}

npu_store_t *npu_store_create(const char *path, const char *command, const char *sweep, const char *shard,
                              int threads, char *err, size_t errlen)
{
    npu_store_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    snprintf(s->tmp, sizeof s->tmp, "%s.tmp", path);
    unlink(s->tmp);
    if (sqlite3_open(s->tmp, &s->db) != SQLITE_OK || sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        fail(s->db, err, errlen, s->tmp);
        sqlite3_close(s->db);
        unlink(s->tmp);
        free(s);
        return NULL;
    }
    if (!start_run(s, command, sweep, shard, threads, err, errlen))
        return NULL;
    return s;
}

bool npu_store_input(npu_store_t *s, const char *role, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read", path);
        return false;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[8192];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return fail(NULL, err, errlen, path);
            }
            buf = nb;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(s->db, "INSERT INTO npu_inputs VALUES(?,?,?)", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, role, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, path, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, buf ? buf : "", (int)len, SQLITE_TRANSIENT);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    free(buf);
    return ok || fail(s->db, err, errlen, "npu_inputs");
}

bool npu_store_point(npu_store_t *s, const npu_point_row_t *r, char *err, size_t errlen)
{
    sqlite3_stmt *st = s->point;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int k = 1;
    sqlite3_bind_int64(st, k++, r->point_id);
    sqlite3_bind_text(st, k++, r->phase, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->model, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->chip, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->workload, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->set_values, -1, SQLITE_STATIC);
    const int64_t ints[] = {r->num_chips, r->global_batch_size, r->microbatch_size_ici, r->input_seqlen,
                            r->output_seqlen, r->dp, r->tp, r->pp, r->dp_dcn, r->pp_dcn, r->dp_axes, r->tp_axes,
                            r->pp_axes};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        sqlite3_bind_int64(st, k++, ints[i]);
    sqlite3_bind_text(st, k++, r->status, -1, SQLITE_STATIC);
    if (r->reason)
        sqlite3_bind_text(st, k, r->reason, -1, SQLITE_STATIC);
    k++;
    if (r->has_stats) {
        const int64_t t[] = {r->total_execution_time_chip_ns, r->total_execution_time_non_pp_ns, r->total_pp_time_ns,
                             r->compute_only_time_chip_ns, r->memory_only_time_chip_ns, r->ici_bound_time_chip_ns,
                             r->bounded_by_pp_chip};
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
            sqlite3_bind_int64(st, k++, t[i]);
        bool prefill = !strcmp(r->phase, "prefill"), decode = !strcmp(r->phase, "decode");
        if (prefill)
            sqlite3_bind_double(st, k, r->TTFT_sec);
        k++;
        if (decode)
            sqlite3_bind_double(st, k, r->TPOT_ms_request);
        k++;
        if (prefill || decode)
            sqlite3_bind_double(st, k, r->throughput_tokens_per_sec);
        k++;
        if (decode)
            sqlite3_bind_double(st, k, r->throughput_tokens_per_sec_request);
        k++;
        if (!prefill && !decode)
            sqlite3_bind_int64(st, k, r->total_execution_time_ns);
        k++;
        sqlite3_bind_double(st, k++, r->mem_footprint_GB);
        sqlite3_bind_int(st, k++, r->out_of_memory);
        if (r->has_energy) {
            sqlite3_bind_double(st, k++, r->energy_per_token_J);
            sqlite3_bind_double(st, k++, r->avg_power_W);
        }
    }
    k = 38; /* after energy_per_token_J, avg_power_W */
    sqlite3_bind_int64(st, k++, r->ep);
    sqlite3_bind_int64(st, k++, r->etp);
    if (r->has_stats && r->has_request_stats) {
        sqlite3_bind_double(st, k, r->throughput_requests_per_sec);
        sqlite3_bind_double(st, k + 1, r->latency_sec);
        if (r->throughput_step_per_sec_per_request > 0)
            sqlite3_bind_double(st, k + 2, r->throughput_step_per_sec_per_request);
    }
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail(s->db, err, errlen, "npu_points");
    return true;
}

bool npu_store_op(npu_store_t *s, const npu_op_row_t *r, char *err, size_t errlen)
{
    sqlite3_stmt *st = s->op;
    sqlite3_reset(st);
    int k = 1;
    sqlite3_bind_int64(st, k++, r->point_id);
    sqlite3_bind_text(st, k++, r->phase, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, r->op_index);
    sqlite3_bind_int64(st, k++, r->fusion_id);
    sqlite3_bind_text(st, k++, r->description, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->op_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->op_type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, r->count);
    sqlite3_bind_text(st, k++, r->bounded_by, -1, SQLITE_STATIC);
    const double d[] = {r->execution_time_ns, r->compute_time_ns, r->memory_time_ns, r->ici_time_ns,
                        r->mxu_time_ns,       r->vpu_time_ns,     r->vmem_time_ns,   r->flops,
                        r->bytes_accessed,    r->weight_bytes,    r->tflops_per_sec, r->flops_util,
                        r->hbm_bw_util};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        sqlite3_bind_double(st, k++, d[i]);
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail(s->db, err, errlen, "npu_ops");
    return true;
}

/* Close a resumable run that did not finish: the chunks committed so far
 * stay in PATH.partial for --resume, the uncommitted rows are dropped and
 * the run row gets status (failed, interrupted).  Frees s. */
static bool keep_partial(npu_store_t *s, const char *status)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(s->db, "UPDATE npu_runs SET finished_at = ?, status = ? WHERE run_id = ?", -1, &st,
                                 NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_double(st, 1, now_s());
        sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, s->run_id);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    ok = sqlite3_close(s->db) == SQLITE_OK && ok;
    free(s);
    return ok;
}

bool npu_store_interrupted(npu_store_t *s, char *err, size_t errlen)
{
    if (!s->partial) { /* a merge's PATH.tmp: nothing to resume */
        npu_store_finish(s, false, err, errlen);
        snprintf(err, errlen, "not a resumable run");
        return false;
    }
    sqlite3_finalize(s->point);
    sqlite3_finalize(s->op);
    sqlite3_finalize(s->energy);
    char path[sizeof s->tmp];
    snprintf(path, sizeof path, "%s", s->tmp);
    if (!keep_partial(s, "interrupted")) {
        snprintf(err, errlen, "%s: cannot record the run as interrupted", path);
        return false;
    }
    return true;
}

bool npu_store_finish(npu_store_t *s, bool ok, char *err, size_t errlen)
{
    sqlite3_finalize(s->point);
    sqlite3_finalize(s->op);
    sqlite3_finalize(s->energy);
    if (ok) {
        sqlite3_stmt *st;
        ok = sqlite3_prepare_v2(s->db, "UPDATE npu_runs SET finished_at = ?, status = 'done' WHERE run_id = ?", -1,
                                &st, NULL) == SQLITE_OK;
        if (ok) {
            sqlite3_bind_double(st, 1, now_s());
            sqlite3_bind_int64(st, 2, s->run_id);
            ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_finalize(st);
        }
        ok = ok && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
        /* a finished database is in rollback-journal mode (no -wal, -shm beside it) */
        ok = ok && (!s->partial || sqlite3_exec(s->db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) == SQLITE_OK);
        if (!ok)
            fail(s->db, err, errlen, s->tmp);
    } else if (s->partial) {
        keep_partial(s, "failed");
        return false;
    }
    if (sqlite3_close(s->db) != SQLITE_OK && ok) {
        snprintf(err, errlen, "%s: cannot close", s->tmp);
        ok = false;
    }
    if (ok && s->partial) {
        char j[4300];
        snprintf(j, sizeof j, "%s-wal", s->path);
        unlink(j);
        snprintf(j, sizeof j, "%s-shm", s->path);
        unlink(j);
        snprintf(j, sizeof j, "%s-journal", s->path);
        unlink(j);
    }
    if (ok && rename(s->tmp, s->path) != 0) {
        snprintf(err, errlen, "%s: cannot rename to %s", s->tmp, s->path);
        ok = false;
    }
    if (!ok)
        unlink(s->tmp);
    free(s);
    return ok;
}

#define NPU_PARETO_SQL(filter)                                                                                   \
    "SELECT a.model, a.chip, a.input_seqlen, a.output_seqlen, a.point_id, a.num_chips, a.batch, a.tp, a.pp, a.pp_dcn,"       \
    " a.TTFT_sec, a.TPOT_ms_request, a.decode_tokens_per_sec_per_chip FROM npu_inference a WHERE " filter            \
    " NOT EXISTS (SELECT 1 FROM npu_inference b WHERE b.model = a.model AND b.chip = a.chip AND"                     \
    " b.input_seqlen = a.input_seqlen AND b.output_seqlen = a.output_seqlen AND b.TTFT_sec <= a.TTFT_sec AND"       \
    " b.TPOT_ms_request <= a.TPOT_ms_request AND (b.TTFT_sec < a.TTFT_sec OR"                                       \
    " b.TPOT_ms_request < a.TPOT_ms_request)) ORDER BY a.model, a.chip, a.input_seqlen, a.output_seqlen,"           \
    " a.TTFT_sec, a.point_id"

const char *npu_store_query_sql(const char *what, int with_model)
{
    static const char *const q[3][2] = {
        {"SELECT model, chip, workload, count(*) AS configurations, sum(status = 'ok') AS ok,"
         " sum(status = 'out_of_memory') AS out_of_memory, sum(status = 'skipped') AS skipped"
         " FROM npu_points WHERE phase IN ('prefill', 'training') GROUP BY model, chip, workload"
         " ORDER BY model, chip, workload",
         "SELECT model, chip, workload, count(*) AS configurations, sum(status = 'ok') AS ok,"
         " sum(status = 'out_of_memory') AS out_of_memory, sum(status = 'skipped') AS skipped"
         " FROM npu_points WHERE phase IN ('prefill', 'training') AND model = ?1 GROUP BY model, chip, workload"
         " ORDER BY model, chip, workload"},
        {"SELECT model, chip, input_seqlen, output_seqlen, point_id, num_chips, batch, tp, pp, pp_dcn, TTFT_sec,"
         " TPOT_ms_request, decode_tokens_per_sec, decode_tokens_per_sec_per_chip FROM npu_best_throughput"
         " ORDER BY model, chip, input_seqlen, output_seqlen",
         "SELECT model, chip, input_seqlen, output_seqlen, point_id, num_chips, batch, tp, pp, pp_dcn, TTFT_sec,"
         " TPOT_ms_request, decode_tokens_per_sec, decode_tokens_per_sec_per_chip FROM npu_best_throughput"
         " WHERE model = ?1 ORDER BY model, chip, input_seqlen, output_seqlen"},
        {NPU_PARETO_SQL(""), NPU_PARETO_SQL("a.model = ?1 AND")}};
    int i = !strcmp(what, "summary") ? 0 : !strcmp(what, "best") ? 1 : !strcmp(what, "pareto") ? 2 : -1;
    return i < 0 ? NULL : q[i][with_model ? 1 : 0];
}

int npu_store_is_npu_db(const char *path)
{
    sqlite3 *db = NULL;
    int yes = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'npu_points'",
                               -1, &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                yes = sqlite3_column_int(st, 0) > 0;
            sqlite3_finalize(st);
        }
    }
    sqlite3_close(db);
    return yes;
}

bool npu_store_energy(npu_store_t *s, const npu_energy_row_t *r, char *err, size_t errlen)
{
    sqlite3_stmt *st = s->energy;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int k = 1;
    sqlite3_bind_int64(st, k++, r->point_id);
    sqlite3_bind_text(st, k++, r->phase, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->strategy, -1, SQLITE_STATIC);
    const double e[] = {r->total_energy_J, r->avg_power_W, r->peak_power_W, r->energy_per_token_J, r->slowdown};
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        sqlite3_bind_double(st, k++, e[i]);
    if (r->has_carbon) {
        const double c[] = {r->idle_power_W,  r->fleet_avg_power_W,         r->total_energy_kWh,
                            r->carbon_kgCO2e, r->carbon_zero_embodied_kgCO2e, r->tokens_per_kgCO2e};
        for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
            sqlite3_bind_double(st, k++, c[i]);
    }
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail(s->db, err, errlen, "npu_energy");
    return true;
}

/* The text of the first column of the first row of sql on db, or "". */
static void query_text(sqlite3 *db, const char *sql, char *out, size_t len)
{
    sqlite3_stmt *st;
    out[0] = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
}

int npu_store_merge(const char *out, char *const *shards, int n, const char *command, char *err, size_t errlen)
{
    char sweep_text0[1 << 16] = "", sweep0[256] = "";
    int total = 0;
    unsigned char *seen = NULL;
    for (int i = 0; i < n; i++) {
        sqlite3 *db;
        if (!npu_store_is_npu_db(shards[i]) ||
            sqlite3_open_v2(shards[i], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: not an NPU sweep database", shards[i]);
            free(seen);
            return 2;
        }
        char shard[64], status[32], text[1 << 16], sweep[256];
        query_text(db, "SELECT shard FROM npu_runs ORDER BY run_id DESC LIMIT 1", shard, sizeof shard);
        query_text(db, "SELECT status FROM npu_runs ORDER BY run_id DESC LIMIT 1", status, sizeof status);
        query_text(db, "SELECT sweep FROM npu_runs ORDER BY run_id DESC LIMIT 1", sweep, sizeof sweep);
        query_text(db, "SELECT text FROM npu_inputs WHERE role = 'sweep'", text, sizeof text);
        sqlite3_close(db);
        int si, sn;
        if (sscanf(shard, "%d/%d", &si, &sn) != 2 || si < 1 || si > sn) {
            snprintf(err, errlen, "%s: no shard number", shards[i]);
            free(seen);
            return 2;
        }
        if (strcmp(status, "done") != 0) {
            snprintf(err, errlen, "%s: shard %s is not finished (status %s)", shards[i], shard, status);
            free(seen);
            return 2;
        }
        if (i == 0) {
            total = sn;
            seen = calloc((size_t)sn + 1, 1);
            snprintf(sweep_text0, sizeof sweep_text0, "%s", text);
            snprintf(sweep0, sizeof sweep0, "%s", sweep);
        } else if (sn != total || strcmp(text, sweep_text0) != 0 || strcmp(sweep, sweep0) != 0) {
            snprintf(err, errlen, "%s: a shard of another sweep (or of different inputs) than %s", shards[i], shards[0]);
            free(seen);
            return 2;
        }
        if (!seen || seen[si]) {
            snprintf(err, errlen, "%s: shard %d/%d given twice", shards[i], si, sn);
            free(seen);
            return 2;
        }
        seen[si] = 1;
    }
    for (int k = 1; k <= total; k++)
        if (!seen[k]) {
            snprintf(err, errlen, "shard %d/%d is missing", k, total);
            free(seen);
            return 2;
        }
    free(seen);
    char shardtxt[32];
    snprintf(shardtxt, sizeof shardtxt, "1/1");
    npu_store_t *s = npu_store_create(out, command, sweep0, shardtxt, 1, err, errlen);
    if (!s)
        return 1;
    bool ok = true;
    for (int i = 0; ok && i < n; i++) {
        sqlite3_stmt *st;
        ok = sqlite3_prepare_v2(s->db, "ATTACH DATABASE ? AS shard", -1, &st, NULL) == SQLITE_OK;
        if (ok) {
            sqlite3_bind_text(st, 1, shards[i], -1, SQLITE_STATIC);
            ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_finalize(st);
        }
        ok = ok && sqlite3_exec(s->db,
                                "INSERT INTO npu_points SELECT * FROM shard.npu_points;"
                                "INSERT INTO npu_energy SELECT * FROM shard.npu_energy;"
                                "INSERT INTO npu_ops SELECT * FROM shard.npu_ops;",
                                NULL, NULL, NULL) == SQLITE_OK;
        if (ok && i == 0)
            ok = sqlite3_exec(s->db, "INSERT INTO npu_inputs SELECT * FROM shard.npu_inputs;", NULL, NULL, NULL) ==
                 SQLITE_OK;
        /* DETACH is refused inside a transaction: commit this shard's rows first */
        ok = ok && sqlite3_exec(s->db, "COMMIT; DETACH DATABASE shard; BEGIN;", NULL, NULL, NULL) == SQLITE_OK;
        if (!ok)
            fail(s->db, err, errlen, shards[i]);
    }
    return npu_store_finish(s, ok, err, errlen) ? 0 : 1;
}

/* ---- resumable sweeps: PATH.partial ------------------------------------------- */

/* The whole file at path (NUL-terminated, *len bytes), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL, chunk[8192];
    size_t cap = 0, n;
    *len = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (*len + n + 1 > cap) {
            cap = (*len + n + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        memcpy(buf + *len, chunk, n);
        *len += n;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[*len] = 0;
    return buf;
}

/* db holds a run of this sweep and shard whose stored inputs are exactly
 * in[] with today's contents: 0; else 2 with the refusal in err (shown
 * as path), 1 when db cannot be read. */
static int same_run(sqlite3 *db, const char *path, const char *sweep, const char *shard,
                    const npu_store_in_t *in, int n_in, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT sweep, shard FROM npu_runs ORDER BY run_id LIMIT 1", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errlen, "%s: not a database of this sweep (no NPU sweep run recorded); run without --resume "
                 "to start over", path);
        sqlite3_finalize(st);
        return 2;
    }
    const char *sw = (const char *)sqlite3_column_text(st, 0), *sh = (const char *)sqlite3_column_text(st, 1);
    if (!sw || strcmp(sw, sweep) || !sh || strcmp(sh, shard)) {
        snprintf(err, errlen, "%s belongs to sweep '%s' shard %s, not '%s' shard %s", path, sw ? sw : "?",
                 sh ? sh : "?", sweep, shard);
        sqlite3_finalize(st);
        return 2;
    }
    sqlite3_finalize(st);
    int rc = 0;
    for (int i = 0; rc == 0 && i < n_in; i++) {
        size_t len = 0;
        char *now = slurp(in[i].path, &len);
        bool same = false, found = false;
        if (sqlite3_prepare_v2(db, "SELECT text FROM npu_inputs WHERE role = ? AND path = ?", -1, &st, NULL) !=
            SQLITE_OK) {
            free(now);
            return 1;
        }
        sqlite3_bind_text(st, 1, in[i].role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, in[i].path, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            found = true;
            const void *old = sqlite3_column_blob(st, 0);
            size_t olen = (size_t)sqlite3_column_bytes(st, 0);
            same = now && olen == len && (len == 0 || memcmp(old, now, len) == 0);
        }
        sqlite3_finalize(st);
        free(now);
        if (!same) {
            snprintf(err, errlen, "cannot resume: %s %s %s since the interrupted run; run without --resume to "
                     "start over", in[i].role, in[i].path, found ? "changed" : "was not read");
            rc = 2;
        }
    }
    if (rc == 0) {
        int stored = -1;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM npu_inputs", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            stored = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        if (stored != n_in) {
            snprintf(err, errlen, "cannot resume: the sweep reads other files than the interrupted run; run "
                     "without --resume to start over");
            rc = 2;
        }
    }
    return rc;
}

npu_store_t *npu_store_begin(const char *path, bool resume, const char *command, const char *sweep,
                             const char *shard, int threads, const npu_store_in_t *in, int n_in, int *rc,
                             bool *resumed, char *err, size_t errlen)
{
    *rc = 1;
    *resumed = false;
    npu_store_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->partial = true;
    snprintf(s->path, sizeof s->path, "%s", path);
    snprintf(s->tmp, sizeof s->tmp, "%s.partial", path);
    bool have_run = false;
    if (resume && access(s->tmp, F_OK) == 0) {
        /* a run killed before its run row was committed left nothing to keep */
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        if (sqlite3_open_v2(s->tmp, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
            sqlite3_busy_timeout(db, 10000) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "SELECT count(*) FROM npu_runs", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            have_run = sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
        if (have_run) {
            s->db = db;
            int r = same_run(db, s->tmp, sweep, shard, in, n_in, err, errlen);
            if (r) {
                *rc = r;
                sqlite3_close(db);
                free(s);
                return NULL;
            }
        } else
            sqlite3_close(db);
    }
    if (have_run) {
        /* runs that never finished were killed: the caller holds the writer lock */
        if (sqlite3_exec(s->db, "UPDATE npu_runs SET status = 'killed' WHERE status = 'running'; BEGIN", NULL,
                         NULL, NULL) != SQLITE_OK) {
            fail(s->db, err, errlen, s->tmp);
            sqlite3_close(s->db);
            free(s);
            return NULL;
        }
        *resumed = true;
    } else {
        unlink(s->tmp);
        char j[4300];
        snprintf(j, sizeof j, "%s-wal", s->tmp);
        unlink(j);
        snprintf(j, sizeof j, "%s-shm", s->tmp);
        unlink(j);
        /* WAL: a kill -9 at any moment leaves every committed chunk readable */
        /* readers may poll the partial file from the start: wait for them, never fail on a busy lock */
        if (sqlite3_open(s->tmp, &s->db) != SQLITE_OK || sqlite3_busy_timeout(s->db, 10000) != SQLITE_OK ||
            /* synchronous=OFF (the schema's) before the switch to WAL: creating the file with
             * the default FULL cost two fdatasyncs, about 0.1 s before the first configuration */
            sqlite3_exec(s->db, "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
            /* the schema's journal_mode=OFF (for a merge's PATH.tmp) had turned WAL off again */
            sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            fail(s->db, err, errlen, s->tmp);
            sqlite3_close(s->db);
            free(s);
            return NULL;
        }
    }
    if (!start_run(s, command, sweep, shard, threads, err, errlen))
        return NULL;
    for (int i = 0; !*resumed && i < n_in; i++)
        if (!npu_store_input(s, in[i].role, in[i].path, err, errlen)) {
            npu_store_finish(s, false, err, errlen);
            return NULL;
        }
    /* the run row (and inputs) first: from now on the partial file can be resumed */
    if (!npu_store_commit(s, err, errlen)) {
        npu_store_finish(s, false, err, errlen);
        return NULL;
    }
    *rc = 0;
    return s;
}

bool npu_store_commit(npu_store_t *s, char *err, size_t errlen)
{
    if (sqlite3_exec(s->db, "COMMIT; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return fail(s->db, err, errlen, s->tmp);
    return true;
}

bool npu_store_done_points(npu_store_t *s, unsigned char *done, size_t n, size_t *count, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    *count = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT point_id FROM npu_points", -1, &st, NULL) != SQLITE_OK)
        return fail(s->db, err, errlen, s->tmp);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (id >= 0 && (size_t)id < n && !done[id]) {
            done[id] = 1;
            (*count)++;
        }
    }
    sqlite3_finalize(st);
    return true;
}

int npu_store_is_complete(const char *path, const char *sweep, const char *shard, const npu_store_in_t *in,
                          int n_in, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open", path);
        sqlite3_close(db);
        return 1;
    }
    int rc = same_run(db, path, sweep, shard, in, n_in, err, errlen);
    sqlite3_close(db);
    return rc;
}

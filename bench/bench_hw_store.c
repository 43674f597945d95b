/*
 * bench_hw_store.c -- the servers phase of a sweep's writer alone: the 288
 * evaluated servers of inputs/hardware/config/cc_sweep.yaml (58 valid),
 * written over and over as N servers (default 1,022,400, bench/big.yaml's
 * count) through the hardware writer (src/store/hw_store.c) into a WAL
 * database, one transaction per 4,096 servers as the sweep engine commits
 * its chunks.  Prints servers per second (CPU and wall) and the bytes per
 * server of the server tables (SQLite's dbstat).  Run from the repository
 * root: build/bench/bench_hw_store [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/hw_engine.h"
#include "hw/hw_config.h"
#include "store/db.h"
#include "store/hw_store.h"
#include "store/schema_sql.h"

#define CHUNK 4096

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static long long q(sqlite3 *db, const char *sql)
{
    return db_query_int(db, sql, -1);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1022400;
    hw_constants_t hc;
    hw_config_t cfg;
    cfg_err_t cerr;
    if (hw_constants_load("inputs/hardware/constant/7nm_default.yaml", &hc, &cerr) ||
        hw_config_load("inputs/hardware/config/cc_sweep.yaml", &cfg, &cerr)) {
        fprintf(stderr, "bench_hw_store: %s (run from the repository root)\n", cerr.msg);
        return 1;
    }
    hw_points_t pts;
    hw_stats_t st;
    if (hw_engine_eval(&cfg, &hc, 1, &pts, &st) || pts.n_servers == 0)
        return 1;
    char path[] = "/tmp/hwsweep-bench-hw-store-XXXXXX", file[64], err[512] = "";
    if (!mkdtemp(path))
        return 1;
    snprintf(file, sizeof file, "%s/s.db", path);
    sqlite3 *db = db_open(file, err, sizeof err);
    if (!db || db_use_wal(db, err, sizeof err) || db_schema_create(db, err, sizeof err)) {
        fprintf(stderr, "bench_hw_store: %s\n", err);
        return 1;
    }
    hw_writer_t *w = hw_writer_open(db, err, sizeof err);
    int rc = w ? db_exec(db, "BEGIN", err, sizeof err) : -1;
    for (size_t i = 0; rc == 0 && i < pts.n_chips; i++)
        rc = hw_write_chip(w, cfg.name, (int64_t)i, &pts.chips[i]);
    for (size_t i = 0; rc == 0 && i < pts.n_packages; i++)
        rc = hw_write_package(w, cfg.name, (int64_t)i, pts.packages[i].chip - pts.chips, &pts.packages[i]);
    for (size_t k = 0; rc == 0 && k < cfg.n_servers; k++)
        rc = hw_write_shape(w, cfg.name, (int64_t)k, (int)k, &pts.servers[k]);
    rc = rc || db_exec(db, "COMMIT", err, sizeof err);
    double c0 = cpu_s(), t0 = db_now();
    for (long i = 0; rc == 0 && i < n; i += CHUNK) {
        rc = db_exec(db, "BEGIN IMMEDIATE", err, sizeof err);
        for (long j = i; rc == 0 && j < i + CHUNK && j < n; j++) {
            const server_t *s = &pts.servers[(size_t)j % pts.n_servers];
            rc = hw_write_server(w, j, s->package - pts.packages, s->shape_index, s);
        }
        rc = rc || db_exec(db, "COMMIT", err, sizeof err);
    }
    double cpu = cpu_s() - c0, wall = db_now() - t0;
    hw_writer_close(w);
    if (rc) {
        fprintf(stderr, "bench_hw_store: %s %s\n", err, sqlite3_errmsg(db));
        return 1;
    }
    db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", err, sizeof err);
    long long bytes = q(db, "SELECT sum(pgsize) FROM dbstat WHERE name IN ('server_points', 'server_costs', "
                            "'server_shapes', 'reasons', 'heat_sinks')");
    printf("hw store: %ld servers (%lld valid) written in chunks of %d: %.2f s CPU, %.2f s wall, "
           "%.0f servers/s of CPU; server tables %.1f MiB, %.1f bytes per server\n", n,
           q(db, "SELECT count(*) FROM server_costs"), CHUNK, cpu, wall, n / cpu, bytes / 1048576.0,
           (double)bytes / (double)n);
    sqlite3_stmt *ps = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name, sum(pgsize) FROM dbstat WHERE name IN ('server_points', 'server_costs', "
                               "'server_shapes', 'reasons', 'heat_sinks') GROUP BY name ORDER BY 2 DESC", -1, &ps,
                           NULL) == SQLITE_OK)
        while (sqlite3_step(ps) == SQLITE_ROW)
            printf("  %-14s %10.1f MiB\n", (const char *)sqlite3_column_text(ps, 0),
                   sqlite3_column_int64(ps, 1) / 1048576.0);
    sqlite3_finalize(ps);
    db_close(db);
    unlink(file);
    char side[96];
    snprintf(side, sizeof side, "%s-wal", file);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", file);
    unlink(side);
    rmdir(path);
    hw_points_free(&pts);
    hw_config_free(&cfg);
    return 0;
}

/*
 * sweep_store.h -- the statements a sweep run and a merge need beyond the
 * table writers: transactions, the sweep run a database records (resume and
 * merge check it), the servers already stored (resume skips them), marking
 * killed runs, and copying a shard's rows.  The store returns records; the
 * engine (engine/sweep.c, engine/merge.c) decides what to do with them.
 */
#ifndef STORE_SWEEP_STORE_H
#define STORE_SWEEP_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK (the rollback ignores errors). */
int store_begin(sqlite3 *db, char *err, size_t errlen);
int store_commit(sqlite3 *db, char *err, size_t errlen);
void store_rollback(sqlite3 *db);

/* A sweep run recorded in runs (kind 'run'). */
typedef struct {
    char sweep[256], fingerprint[65], shard[32], status[32];
    int has_sweep, has_fingerprint, has_shard, has_status;   /* 0: the column is NULL */
} sweep_run_rec_t;

/* The first (first = 1) or last sweep run of db into out: 0, or -1 when
 * db records none (or is not a hwsweep database). */
int sweep_store_run(sqlite3 *db, int first, sweep_run_rec_t *out);

/* 1 when the chips and packages are stored already (a resumed run). */
int sweep_store_has_parts(sqlite3 *db);

/* Calls fn for the server_id of every stored server; -1 when the servers
 * cannot be read. */
int sweep_store_server_ids(sqlite3 *db, void (*fn)(void *ctx, int64_t id), void *ctx);

/* Runs still 'running' were killed (the caller holds the writer lock). */
int sweep_store_mark_killed(sqlite3 *db, char *err, size_t errlen);

/* Copy every row of the shard database at path into db (one transaction;
 * chips, packages and inputs are shared by the shards: kept once). */
int merge_store_copy_shard(sqlite3 *db, const char *path, char *err, size_t errlen);

#endif

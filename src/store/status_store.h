/*
 * status_store.h -- the progress record of a sweep run (table
 * sweep_progress, one row per attempt: servers in the shard, servers stored,
 * system points stored, timestamps, host and pid) and reading it back with
 * the run's state for `hwsweep status`.  All of this concern's SQL.
 */
#ifndef STORE_STATUS_STORE_H
#define STORE_STATUS_STORE_H

#include <sqlite3.h>
#include <stddef.h>

/* Start the progress row of attempt run_id: servers_total servers in this
 * shard, servers_done of them already stored (a resume), a checkpoint
 * published every checkpoint_every_s (0: none).  Own transaction. */
int status_store_begin(sqlite3 *db, long long run_id, long long servers_total, long long servers_done,
                       double checkpoint_every_s, char *err, size_t errlen);
/* Count a committed chunk into the latest attempt's row (inside the chunk's
 * transaction, so the record never runs ahead of the data). */
int status_store_tick(sqlite3 *db, long long servers, long long systems, char *err, size_t errlen);

/* What one database says about its sweep run. */
typedef struct {
    char sweep[256], shard[32], status[32];   /* of the latest sweep run ("" if none) */
    char host[256];                           /* host of the latest attempt ("" unknown) */
    long long pid;                            /* its process id (0 unknown) */
    int has_progress;                         /* 0: no sweep_progress table (older or merged database) */
    long long servers_total, servers_done;    /* servers_total -1: unknown */
    long long systems_done;                   /* system points stored */
    double active_s;                          /* seconds spent by all attempts (sum of their spans) */
    long long servers_active;                 /* servers stored during those spans */
    double updated_at;                        /* Unix seconds of the last commit (0 unknown) */
    double checkpoint_every_s;                /* periodic checkpoints of the attempt (0: none) */
} status_row_t;

/* Read path (read-only; a database being written in WAL mode too).
 * -1 + err when it is not a readable sweep database. */
int status_store_read(const char *path, status_row_t *out, char *err, size_t errlen);

/* Servers stored in the database at path (-1 when unreadable).  Used to
 * pick the furthest of two copies of a shard. */
long long status_store_servers(const char *path);

#endif

/*
 * sweep_status.h -- where a sweep's shard databases stand (`hwsweep status`):
 * state, servers done of the shard's total, rate and time left, from the
 * runs table and the sweep_progress record (store/status_store.h).
 */
#ifndef ENGINE_SWEEP_STATUS_H
#define ENGINE_SWEEP_STATUS_H

#include <stddef.h>

#include "store/status_store.h"

/* A running attempt on another host whose last commit is older than this
 * (plus its checkpoint period) is shown as interrupted (its node went away). */
#define SWEEP_STATUS_STALE_S 600.0

typedef struct {
    char path[4200];          /* the file read (DB, else DB.partial) */
    status_row_t row;
    const char *state;        /* "running", "interrupted", "finished" or "failed" */
    double rate_per_s;        /* servers per second over all attempts (0: unknown) */
    double left_s;            /* estimated seconds left (-1: unknown, 0: finished) */
} sweep_status_t;

/* Read the shard database path (when it does not exist, path.partial: an
 * unfinished or checkpointed one).  now: Unix seconds.  Returns 0, or 2 (bad
 * input: no such file, not a sweep database) with the message in err. */
int sweep_status_read(const char *path, double now, sweep_status_t *out, char *err, size_t errlen);

#endif

/*
 * progress.h -- one progress line per phase on stderr: points done / total,
 * points per second, ETA and the valid share.  On a terminal the line
 * updates in place; otherwise a plain line is printed every few seconds;
 * quiet prints nothing.  Not thread-safe: one thread reports.
 */
#ifndef ENGINE_PROGRESS_H
#define ENGINE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char phase[48];
    size_t total, done, valid;
    double t0, last;
    bool tty, quiet, shown;
} progress_t;

void progress_start(progress_t *p, const char *phase, size_t total, bool quiet);
void progress_add(progress_t *p, size_t done, size_t valid);
void progress_end(progress_t *p);

#endif

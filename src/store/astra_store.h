/*
 * astra_store.h -- what `hwsweep astra --from-db` reads from a database: one
 * stored system point (its model, mapping, batch and chip) and the model
 * files its runs recorded.  Read-only; nothing is written.
 */
#ifndef STORE_ASTRA_STORE_H
#define STORE_ASTRA_STORE_H

#include <stddef.h>

#define ASTRA_STORE_MAX_PATHS 16

typedef struct {
    long long system_id;
    char hardware[64];
    char model[64];
    int valid;
    double num_chips;            /* chips of the system */
    double prefill_len;          /* tokens of the evaluated prompt */
    long long batch;             /* the perf row's batch */
    char objective[32];          /* the perf row's objective (index 0 of that batch) */
    double t, p;                 /* tensor- and pipeline-parallel degrees of the mapping */
    double freq_hz;              /* chip clock */
    double sa_width;             /* systolic array side */
    double num_sa;               /* arrays per chip */
    char dataflow[16];           /* the chip's dataflow (roofline | WS) */
    size_t n_model_paths;        /* model files named by the database's runs, newest first */
    char model_paths[ASTRA_STORE_MAX_PATHS][1024];
} astra_point_t;

/* The point of system_id at batch (0 = the system's smallest stored
 * batch).  Returns 0; -2 when the database has no such system, batch or
 * valid point (err says which); -1 when the database cannot be read. */
int astra_store_point(const char *db_path, long long system_id, long long batch, astra_point_t *out, char *err,
                      size_t errlen);

#endif

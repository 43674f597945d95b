/*
 * rank_store.h -- the ranking tables rank_best and rank_front, kept up to
 * date by the writer chunk by chunk (see rank_store.c), which the views
 * best_per_batch and pareto read.
 */
#ifndef STORE_RANK_STORE_H
#define STORE_RANK_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* CREATE TABLE IF NOT EXISTS rank_best, rank_front (db_schema_create). */
int rank_store_schema(sqlite3 *db, char *err, size_t errlen);
/* 1 when the database has the ranking tables. */
int rank_store_present(sqlite3 *db);

typedef struct rank rank_t;
/* The ranking of what db holds now (read back from its tables). */
rank_t *rank_open(sqlite3 *db, char *err, size_t errlen);
/* One stored choice of a valid system: (system_id, batch, objective_index),
 * its mapping_id, in the group (model, prefill_len, generate_len, batch);
 * metric, latency and tco as the view perf_choices gives them (NaN: NULL). */
int rank_offer(rank_t *r, const char *model, double prefill_len, double generate_len, int64_t batch, int objective,
               int64_t system_id, int64_t mapping_id, double metric, double generate_latency_s,
               double generate_tco_per_token_usd);
/* Write the groups changed since the last flush (inside the caller's transaction). */
int rank_flush(rank_t *r);
void rank_close(rank_t *r);
/* Recompute the rows of model's groups (NULL: every group) from the view perf_choices
 * with the same order as the writer (after rows were deleted or bulk-copied). */
int rank_rebuild(sqlite3 *db, const char *model, char *err, size_t errlen);

#endif

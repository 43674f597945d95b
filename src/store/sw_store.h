/*
 * sw_store.h -- the software tables: systems (one row per server x system
 * configuration point, valid or not), perf_mappings (one row per distinct
 * best mapping of a valid system and batch: the mapping, its metrics and
 * the objectives that chose it) and the views perf_choices (which mapping
 * each objective chose), perf (one row per system, batch and objective) and
 * points; the ranking tables are rank_store.h's.
 */
#ifndef STORE_SW_STORE_H
#define STORE_SW_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "perf/system.h"
#include "store/dedup.h"

typedef struct {
    const char *hardware;     /* hardware name */
    const char *model;        /* model name */
    const char *system;       /* system file's name (basename without .yaml) */
    const server_t *servers;  /* the valid servers, enumeration order */
    size_t n_servers;
    const system_cfg_t *cfgs;
    size_t n_cfgs;
    const system_result_t *results;  /* [n_servers * n_cfgs], servers outer */
} sw_rows_t;

/* Replace the rows of (model, system) with these (caller's transaction). */
int sw_store_replace(sqlite3 *db, const sw_rows_t *rows, char *err, size_t errlen);

/* One system point and its best mappings, for row by row writing. */
typedef struct {
    const char *hardware;
    int64_t system_id, server_id;
    int64_t server_row;       /* position among valid servers; -1 = not known yet (NULL) */
    const char *model, *system;
    int64_t config_index;
    const system_cfg_t *cfg;
    const system_result_t *result;
    /* optional, NULL: the writer reads result itself.  Else sw_prepare's
     * output for result, made beside the evaluation (an evaluator thread),
     * so the writer thread only looks up and inserts. */
    const struct sw_prep *prep;
} sw_point_t;

/* Sweep databases hold several hardware: their points view also has a
 * hardware column (with_hardware = 1). */
int sw_store_points_view(sqlite3 *db, int with_hardware, char *err, size_t errlen);

/* A merge: every shard's mappings (paths[0..n-1], read-only) written
 * through the writer's content tables in mapping_id order, as one run
 * writes them, so the merged rows and keys are the run's, and their choices
 * offered to the ranking tables (rank_store.h) as the run's writer offered
 * them (caller's transaction). */
int sw_store_merge_perf(sqlite3 *db, const char *const *paths, size_t n, char *err, size_t errlen);
/* Before (begin != 0) and after a bulk copy of systems in any id order (a
 * merge): drop, then build again, the index systems_model. */
int sw_store_bulk_load(sqlite3 *db, int begin, char *err, size_t errlen);
/* Delete every software row (a hardware database explored again). */
int sw_store_wipe(sqlite3 *db, char *err, size_t errlen);

/* A writer remembers the passes it stored (perf_passes): after a failed
 * sw_write_system the caller rolls its transaction back and closes the
 * writer rather than writing on with it. */
typedef struct sw_writer sw_writer_t;
sw_writer_t *sw_writer_open(sqlite3 *db, char *err, size_t errlen);
int sw_write_system(sw_writer_t *w, const sw_point_t *pt);
/* Write the ranking rows (rank_best, rank_front) changed by the systems
 * written since the last flush: once per transaction, before its commit. */
int sw_writer_flush(sw_writer_t *w);
void sw_writer_close(sw_writer_t *w);

/* What the writer needs of a valid point's best mappings, read from r on
 * any thread while the writer runs (w is only read): the objectives'
 * distinct mappings, their content tuples' bytes and hashes that do not
 * depend on keys (passes, costs), the other values and the ranking metrics.
 * NULL when r is not valid or memory is short (the writer then reads r).
 * Freed with free(). */
typedef struct sw_prep sw_prep_t;
sw_prep_t *sw_prepare(const sw_writer_t *w, const system_result_t *r);

#endif

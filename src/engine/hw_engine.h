/*
 * hw_engine.h -- evaluation of every hardware point of a configuration:
 * chips, then valid chips x package configurations, then valid packages x
 * server configurations, with OpenMP workers.  Results do not depend on the
 * number of threads.
 */
#ifndef ENGINE_HW_ENGINE_H
#define ENGINE_HW_ENGINE_H

#include "hw/hw.h"
#include "hw/hw_config.h"
#include "hw/hw_points.h"

typedef struct {
    size_t valid_chips, valid_packages, valid_servers;
    size_t heatsink_searches;   /* distinct heat sink searches run */
} hw_stats_t;

/* Heat sink searches keyed by (heat source length, width, packages per
 * lane): built once (sorted, deduplicated, searched in parallel), then
 * looked up by any number of threads. */
typedef struct {
    double length_mm, width_mm, ppl;
    heatsink_t hs;
} hs_entry_t;

typedef struct {
    hs_entry_t *keys;   /* owned by the caller (the array given to build) */
    size_t n;
} hs_table_t;

hs_entry_t hs_key(const server_t *s);
/* Sorts and deduplicates keys[0..n) in place and searches each once. */
int hs_table_build(hs_table_t *t, hs_entry_t *keys, size_t n, int threads);
heatsink_t hs_table_get(const hs_table_t *t, const server_t *s);

/* Chips and packages only (servers left empty). */
int hw_engine_parts(const hw_config_t *cfg, const hw_constants_t *hc, int threads, hw_points_t *out);

/* 0 on success, -1 when out of memory. */
int hw_engine_eval(const hw_config_t *cfg, const hw_constants_t *hc, int threads, hw_points_t *out,
                   hw_stats_t *stats);

#endif

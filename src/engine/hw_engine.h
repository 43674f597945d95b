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
#include "store/hw_store.h"

typedef struct {
    size_t valid_chips, valid_packages, valid_servers;
    size_t heatsink_searches;   /* distinct heat sink searches run */
} hw_stats_t;

/* 0 on success, -1 when out of memory. */
int hw_engine_eval(const hw_config_t *cfg, const hw_constants_t *hc, int threads, hw_points_t *out,
                   hw_stats_t *stats);

#endif

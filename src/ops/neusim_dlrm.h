/*
 * neusim_dlrm.h -- the DLRM frontend of the NPU simulator (NeuSim's
 * DLRMOpsGenerator, spec §5.5): embedding-table placement over the chips
 * (row-sharded >= 6 GB, replicated <= 2 GB, whole tables round robin in
 * between), each chip's op list (bottom MLP, indices all-to-all, one
 * embedding bag per table on the chip, embeddings all-to-all, dot
 * interaction, top MLP) and the placement record NeuSim dumps as
 * OUT_config_stats.json.
 *
 * Default-mode fixes (docs/npu-model.md), kept with compat or the bit:
 *   Q11 the interaction einsum's FLOPs are 2*B*N*N*E (NeuSim 2*B*N*E through
 *       its einsum rule, batch letters counted once), row sharding divides
 *       the lookups of a sharded table over its shards, the all-to-alls
 *       carry the chip's share (global batch / chips) and their latency
 *       term uses the chips (NeuSim: the number of tables);
 *   Q12 one chip has no all-to-all (NeuSim: a latency-only op from a
 *       negative bisection bandwidth).
 */
#ifndef OPS_NEUSIM_DLRM_H
#define OPS_NEUSIM_DLRM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ops/neusim_ops.h"

enum { NSR_Q11 = 1u << 0, NSR_Q12 = 1u << 1, NSR_QALL = (1u << 2) - 1 };

#define NSR_MAX_TABLES 256
#define NSR_MAX_MLP 32

typedef struct {
    int64_t rows, indices;          /* table size, indices per lookup */
    int64_t row_shards, dp;         /* row_sharding_degree, data_parallel_degree */
    int64_t chip;                   /* -1: on every chip, else the one chip */
    int64_t batch;                  /* lookups per chip (NeuSim: the global batch) */
} nsr_table_t;

typedef struct {
    int64_t dim, ntables, nbottom, ntop;
    nsr_table_t table[NSR_MAX_TABLES];
    int64_t bottom[NSR_MAX_MLP][2], top[NSR_MAX_MLP][2]; /* in_features, out_features */
    int64_t global_batch_size, num_chips, dp, tp, pp;
    double ici_bw_GBps, ici_latency_ns, hbm_size_GB;
    int ici_axes;
    unsigned quirks;                /* NSR_* kept (compat: all) */
} nsr_model_t;

/* Read the DLRM keys (lists as JSON text) into m and place the tables;
 * NULL when fine, else why. */
const char *nsr_model_read(nsr_model_t *m, const char *sizes_json, const char *indices_json,
                           const char *bottom_json, const char *top_json, char *buf, size_t len);
/* Why the configuration is invalid (parallelism, a table larger than all HBM). */
const char *nsr_check(const nsr_model_t *m, char *buf, size_t len);
/* Chip `chip`'s op list (initialised here). */
bool nsr_chip_ops(const nsr_model_t *m, int64_t chip, ns_oplist_t *L);
/* NeuSim's OUT_config_stats.json: bisection bandwidth, topology, table placement. */
bool nsr_config_stats_write(FILE *f, const nsr_model_t *m);

#endif

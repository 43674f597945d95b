/*
 * astra_job.h -- the job behind `hwsweep astra`: read the GEMMs (an mnk
 * list, a model, or a stored sweep point), shard and time them for
 * ASTRA-sim, write the text workload or the Chakra traces.  Every input is
 * checked before anything is written.  Exit codes as jobs.h.
 */
#ifndef ENGINE_ASTRA_JOB_H
#define ENGINE_ASTRA_JOB_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *mnk_path;          /* --mnk */
    const char *model_path;        /* --from-model */
    const char *db_path;           /* --from-db */
    long long system_id;           /* --system (with --from-db); -1 = not given */
    const char *parallel;          /* --parallel; NULL = DATA (or the stored point's) */
    uint64_t num_npus;             /* 0 = default (8, or the stored point's) */
    uint64_t num_packages;         /* 0 = default (1, or the stored point's) */
    uint64_t datatype_size;        /* 0 = default (2, or the model's) */
    const char *scalesim_config;   /* --scalesim-config; NULL = the stored chip's array */
    const char *format;            /* "text" (default) or "chakra" */
    const char *compat;            /* NULL or "asis" */
    const char *output;            /* -o; NULL = workload.txt / workload */
    int64_t batch, seq, layers;    /* --batch --seq --layers (0 = not given) */
    double freq_hz;                /* --freq-hz (0 = 1 GHz, or the stored chip's clock) */
    int passes;                    /* --passes (0 = 1) */
    int quiet;
} astra_job_opts_t;

int job_astra(const astra_job_opts_t *o);

#endif

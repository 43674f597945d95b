/*
 * sweep.h -- `hwsweep run SWEEP.yaml`: every hardware point and every system
 * point of a sweep into one database, OUTDIR/sweeps/NAME.db (or
 * NAME.shard-I-of-N.db for one shard), in chunks committed by a writer
 * thread, resumable, with progress.
 */
#ifndef ENGINE_SWEEP_H
#define ENGINE_SWEEP_H

#include <stdbool.h>

typedef struct {
    const char *sweep_path;
    const char *outdir;
    const char *command;
    int threads;
    bool resume;
    int shard_i, shard_n;   /* 1-based; 1/1 = the whole sweep */
    bool quiet;
    bool dry_run;           /* evaluate everything, store nothing (counts and timings) */
    bool yes;               /* run a sweep above max_memory_mib anyway */
    double max_memory_mib;  /* refuse sweeps whose expansion needs more (0 = the default) */
    const char *scratch_dir; /* node-local folder for the database while it is written (NULL: none; scratch.h) */
    double publish_every_s;  /* scratch: periodic checkpoints (< 0: SCRATCH_PUBLISH_EVERY_S, 0: none) */
} sweep_opts_t;

#define SWEEP_DEFAULT_MAX_MEMORY_MIB 4096

/* Exit status: 0 done, 2 bad input, 1 failure, 130 interrupted (resumable),
 * SWEEP_EXIT_CHECKPOINT after SIGUSR1: the finished chunks are saved (and
 * published when in scratch); requeue the job to go on. */
#define SWEEP_EXIT_CHECKPOINT 75
int sweep_run(const sweep_opts_t *o);

/* The database path of a sweep run. */
void sweep_db_path(const char *outdir, const char *name, int shard_i, int shard_n, char *buf, unsigned len);

#endif

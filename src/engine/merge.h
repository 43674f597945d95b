/*
 * merge.h -- `hwsweep merge OUT.db SHARD.db...`: the shard databases of one
 * sweep into one database equal to a single-process run.
 */
#ifndef ENGINE_MERGE_H
#define ENGINE_MERGE_H

/* Exit status: 0 done, 2 shards that do not belong together (mixed sweeps
 * or inputs, duplicates, missing or unfinished shards), 1 failure. */
int merge_run(const char *out, char *const *shards, int n, const char *command, int quiet);

#endif

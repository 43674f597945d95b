/*
 * npu_sweep.h -- NPU sweeps: a sweep file with an `npu:` section, run by
 * `hwsweep run`, evaluates every combination of models, chips, chip
 * counts, batches, sequence lengths, parallelism configurations (`auto`:
 * NeuSim's batch-driver enumeration and validation, spec §9) and
 * `--set`-style keys with the NPU simulator, in parallel, into
 * OUTDIR/sweeps/NAME.db (tables npu_points, npu_ops; see
 * store/npu_store.h).  Results do not depend on the thread count.
 */
#ifndef ENGINE_NPU_SWEEP_H
#define ENGINE_NPU_SWEEP_H

#include "config/node.h"
#include "engine/sweep.h"

/* 1 when the file's top level has an `npu` key, 0 when not, -1 + err
 * when it cannot be read. */
int npu_sweep_is_npu_file(const char *path, cfg_err_t *err);

/* Run it (threads, shard, dry run, quiet from o).  Exit status: 0 done, 2
 * bad input (nothing written), 1 failure. */
int npu_sweep_run(const sweep_opts_t *o);

#endif

/*
 * estimate.h -- the two time estimators of the kernel model: the simple
 * roofline (spec §7.4, roofline.c) and the theoretical tiler with a cache
 * capacity (spec §7.5, tiler.c).  Both fill the estimate fields of every
 * row of a workload; the tiler's rules depend on the fixes (profiles.h).
 */
#ifndef KERNELS_ESTIMATE_H
#define KERNELS_ESTIMATE_H

#include "kernels/kern_hw.h"
#include "kernels/kernel.h"
#include "kernels/profiles.h"

/* compute_time_s = compute / MACs_per_s, memory_time_s = (weight + kv) x
 * bytes / bandwidth, roofline_time_s = the larger. */
void kern_roofline(kern_workload_t *w, const kern_hw_t *hw, double bytes_per_value);

/* Edge of the tiles that fill cache_bytes with three matrices when
 * nfixed (0..2) of the GEMM's dimensions are fixed at d1 (<= d2):
 *   0: three square tiles, t = sqrt(C / 3b);
 *   1: t^2 + 2 d1 t = C / b;
 *   2: d1 d2 + (d1 + d2) t = C / b. */
double kern_tile_edge(double cache_bytes, double bytes_per_value, int nfixed, double d1, double d2);

/* The tiler over every row: tile, cmp/mem cycles, bound and exec_cycle
 * (NaN for untimed rows); fixes = kern_run_fixes() of the run. */
void kern_tile_workload(kern_workload_t *w, const kern_hw_t *hw, double bytes_per_value, unsigned fixes);

/* Sums of exec_cycle over the rows of one scope bound by compute and by memory. */
void kern_bound_cycles(const kern_workload_t *w, kern_scope_t scope, double *compute_cycles, double *memory_cycles);

#endif

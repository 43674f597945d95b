/*
 * npu_perf.h -- the per-operator performance model of the NPU backend
 * (NeuSim's fill_operators_execution_info, spec §6): MXU and VPU times
 * with the small-matmul-on-VPU rule, HBM bytes from the VMEM tiling
 * search, memory / vmem / ICI times, execution time, bound and
 * utilisations of one operator instance.
 *
 * The model reads an op_t (whoever built it) plus the communication cost
 * its constructor fixed (npu_op_comm_t).  The tile search is exact (same
 * answer as NeuSim's enumeration of all divisor triples) but visits each
 * (M, N) divisor pair once with a binary search for K, and its results are
 * kept in a per-run cache keyed by the shapes (npu_tile_cache_t; one per
 * thread, no globals).
 */
#ifndef NPU_NPU_PERF_H
#define NPU_NPU_PERF_H

#include <stdbool.h>
#include <stdint.h>

#include "npu/npu.h"
#include "ops/op.h"

/* What the frontend fixed at construction for an operator. */
typedef struct {
    npu_op_type_t op_type;          /* the unit the generator assigned */
    double ici_out_bytes, ici_in_bytes, ici_time_ns, pcie_time_ns;
    double preset_bytes;            /* HBM bytes fixed by the constructor, 0 = from tensor sizes */
} npu_op_comm_t;

/* Per-operator results NeuSim's CSV shows beyond npu_op_perf_t. */
typedef struct {
    char tile_shapes[208];          /* "[[1, 4096, 256], [256, 14336], [1, 4096, 14336]]", "[4096, 128]", "" */
    int64_t num_tiles;              /* -1: not applicable */
    bool has_einsum_sizes;          /* einsum / flash / conv */
    int64_t einsum_B, einsum_M, einsum_N, einsum_K;
    bool has_vmem_demand;
    double vu_softmax_time_ns;
} npu_op_detail_t;

typedef struct npu_tile_cache npu_tile_cache_t;
npu_tile_cache_t *npu_tile_cache_new(void);
void npu_tile_cache_free(npu_tile_cache_t *c);
/* lookups and hits, for benchmarks */
void npu_tile_cache_stats(const npu_tile_cache_t *c, uint64_t *lookups, uint64_t *hits);

typedef struct {
    bool compat;                    /* NeuSim's quirks (Q5's flash-attention VMEM test) */
} npu_perf_opts_t;

/* Time one operator instance.  cache may be NULL. */
void npu_perf_op(const npu_chip_t *chip, const op_t *op, const npu_op_comm_t *comm, const npu_perf_opts_t *opts,
                 npu_tile_cache_t *cache, npu_op_perf_t *out, npu_op_detail_t *detail);

/* The matmul tile search alone (spec §6.3): best (M, N, K) for
 * b x [m,k] x [k,n] with element sizes l, r, o; false when no tile fits. */
bool npu_best_matmul_tile(const npu_chip_t *chip, int64_t b, int64_t m, int64_t n, int64_t k, int l, int r, int o,
                          npu_tile_cache_t *cache, int64_t *M, int64_t *N, int64_t *K);
/* The same by NeuSim's full enumeration (tests compare the two). */
bool npu_best_matmul_tile_bruteforce(const npu_chip_t *chip, int64_t b, int64_t m, int64_t n, int64_t k, int l,
                                     int r, int o, int64_t *M, int64_t *N, int64_t *K);

/* Conv2D (npu_perf_conv.c, spec §6.2-6.3): the convolution unrolled into a
 * matmul (m = oc, n = b*oh*ow, k = ic*kh*kw) on the MXU, and NeuSim's VMEM
 * tile search over divisors of b, oh, ow, oc, ic for the HBM bytes. */
void npu_perf_conv(const npu_chip_t *c, const op_t *op, npu_tile_cache_t *cache, npu_op_perf_t *p,
                   npu_op_detail_t *d);
/* The Conv2D tile search's result, kept in the same cache (keyed by the
 * convolution's shapes and element sizes and the chip fields the search reads). */
typedef struct {
    int64_t b, ic, ih, iw, oc, kh, kw, oh, ow, stride;
    double bi, bk, bo, sa_dim, vmem_bytes, hbm_bw_GBps, freq_GHz;
} npu_conv_key_t;
typedef struct {
    int64_t B, IC, OC, OH, OW;
    bool tiled;
} npu_conv_tile_t;
/* true and *out when k was stored; cache may be NULL (never found, nothing stored). */
bool npu_tile_cache_conv_find(npu_tile_cache_t *cache, const npu_conv_key_t *k, npu_conv_tile_t *out);
void npu_tile_cache_conv_put(npu_tile_cache_t *cache, const npu_conv_key_t *k, const npu_conv_tile_t *v);
/* The MXU / VPU time of n ops and the VPU ops per MXU op (npu_perf.c). */
double npu_perf_mxu_time_ns(const npu_chip_t *c, double n);
double npu_perf_vpu_time_ns(const npu_chip_t *c, double n);
double npu_perf_vu_ops_per_mxu_op(const npu_chip_t *c);

#endif

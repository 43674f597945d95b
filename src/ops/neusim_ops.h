/*
 * neusim_ops.h -- NeuSim-style operator lists: the primitive constructors
 * (einsum, unary, binary, flash attention, all-gather, reduce-scatter,
 * all-reduce, pipeline transfer, KV swap; spec §3.2-3.3) that append an
 * op_t to an op_graph_t plus, in a parallel array, the labels NeuSim's CSV
 * carries (fusion index, description, config string, shape strings) and
 * the communication cost fixed at construction (ICI traffic and time).
 *
 * Model generators (neusim_llm.c, and part 2's DeepSeek, DLRM, DiT,
 * GLIGEN) are written with these; backends read the op_t records and the
 * ns_label_t communication fields, never which generator made them.
 */
#ifndef OPS_NEUSIM_OPS_H
#define OPS_NEUSIM_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "ops/op.h"

/* NeuSim's OpType: the unit the generator assigned. */
typedef enum { NS_MXU = 0, NS_VPU, NS_ICI, NS_OTHER } ns_optype_t;

const char *ns_optype_name(ns_optype_t t); /* "MXU", "VPU", "ICINoCompute", "Other" */

typedef struct {
    int fusion_id;
    const char *description;   /* interned in the graph */
    const char *config;        /* "XlaEinsum(a=...,b=...,eq=...,...)" */
    const char *in_shapes;     /* "DT_BFLOAT16:[1,4096,4096],..." */
    const char *out_shapes;    /* "[DT_BFLOAT16:(1,4096,4096)]" */
    const char *parsed_type;   /* the config's prefix: Einsum, LayerNorm, InterChipCommInput, ... */
    ns_optype_t op_type;
    /* communication fixed at construction (bytes per chip, ns) */
    int64_t ici_out_bytes, ici_in_bytes, ici_time_ns, pcie_time_ns;
    int64_t preset_bytes;      /* HBM traffic fixed by the constructor (0: from tensor sizes) */
} ns_label_t;

typedef struct {
    op_graph_t *g;
    ns_label_t *lab;           /* lab[i] labels op i of g */
    size_t cap;
    /* the chip's communication parameters used by the constructors */
    double ici_bw_GBps, ici_latency_ns, pcie_bw_GBps, pcie_latency_ns;
    int failed;                /* out of memory */
} ns_oplist_t;

bool ns_oplist_init(ns_oplist_t *L, double ici_bw_GBps, double ici_latency_ns, double pcie_bw_GBps,
                    double pcie_latency_ns);
void ns_oplist_free(ns_oplist_t *L);
size_t ns_oplist_len(const ns_oplist_t *L);
/* Append all ops of src (its labels and records) to dst. */
bool ns_oplist_append(ns_oplist_t *dst, const ns_oplist_t *src);

/* "description_name" with every non-alphanumeric character removed. */
void ns_format_name(char *out, size_t len, const char *name, const char *description);

/* Primitives; each returns the new op's index (or -1).  Shapes are given
 * as rank + dims; dtype BF16 unless a constructor says otherwise. */
long ns_einsum(ns_oplist_t *L, const int64_t *a, int ra, const int64_t *b, int rb, const char *expr,
               const char *placement, int fid, const char *desc, const char *name, int64_t count,
               double weight_bytes /* < 0: NeuSim's tentative 2 x |B| */);
long ns_unary(ns_oplist_t *L, const int64_t *x, int rx, const char *opname, const char *placement, int fid,
              const char *desc, const char *name, int64_t count);
/* Add / Mul; two_inputs records both operands (NeuSim records one, Q15). */
long ns_binary(ns_oplist_t *L, const int64_t *x, int rx, const char *opname, const char *placement, int fid,
               const char *desc, const char *name, int64_t count, bool two_inputs);
/* FlashAttention with Q [B,q,H,dh], K/V [B,kv,Hkv,dh]; neusim_flops keeps
 * NeuSim's FLOPs and output shape (H where d_head belongs, Q5). */
long ns_flash(ns_oplist_t *L, const int64_t *q, const int64_t *k, int fid, const char *desc, const char *name,
              int64_t count, bool neusim_flops);
long ns_all_gather(ns_oplist_t *L, const int64_t *x, int rx, const int64_t *axes, int naxes, int gather_dim,
                   int fid, const char *desc, const char *name, int64_t count);
long ns_reduce_scatter(ns_oplist_t *L, const int64_t *x, int rx, const int64_t *axes, int naxes, int dim,
                       int fid, const char *desc, const char *name, int64_t count);
/* agg_bw_GBps <= 0: len(axes) x ici_bw. */
long ns_all_reduce(ns_oplist_t *L, const int64_t *x, int rx, const int64_t *axes, int naxes, double agg_bw_GBps,
                   int fid, const char *desc, const char *name, int64_t count);
/* Pipeline transfer: output = 0 receive ("Input"), 1 send ("Output"), over
 * ICI; ns_transfer_over uses the given link bandwidth and latency. */
long ns_transfer(ns_oplist_t *L, const int64_t *x, int rx, bool output, int fid, const char *desc,
                 const char *name, int64_t count);
long ns_transfer_over(ns_oplist_t *L, const int64_t *x, int rx, bool output, int fid, const char *desc,
                      const char *name, int64_t count, double bw_GBps, double latency_ns);
/* KV-cache swap over PCIe of `bytes`; neusim_bytes doubles them (Q24). */
long ns_kvswap(ns_oplist_t *L, int64_t bytes, bool output, int fid, const char *desc, const char *name,
               int64_t count, bool neusim_bytes);
/* Input / Output ops (training's optimizer-state load and weight write). */
long ns_io(ns_oplist_t *L, const int64_t *x, int rx, bool output, ns_optype_t type, int fid, const char *desc,
           const char *name, int64_t count);

/* NeuSim's split_parallelism_degree(p, n); returns the number of axes. */
int ns_split_parallelism(int64_t p, int n, int64_t *axes);

#endif

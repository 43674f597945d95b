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
    int64_t fusion_id;         /* a label; DLRM's doubling ids pass 2^31 */
    const char *description;   /* interned in the graph */
    const char *config;        /* "XlaEinsum(a=...,b=...,eq=...,...)" */
    const char *in_shapes;     /* "DT_BFLOAT16:[1,4096,4096],..." */
    const char *out_shapes;    /* "[DT_BFLOAT16:(1,4096,4096)]" */
    const char *parsed_type;   /* the config's prefix: Einsum, LayerNorm, InterChipCommInput, ... */
    ns_optype_t op_type;
    /* communication fixed at construction (bytes per chip, ns) */
    int64_t ici_out_bytes, ici_in_bytes, ici_time_ns, pcie_time_ns;
    int64_t preset_bytes;      /* HBM traffic fixed by the constructor (0: from tensor sizes) */
    const char *dt_name;       /* NeuSim's dtype name in the shape strings (NULL: DT_BFLOAT16) */
} ns_label_t;

typedef struct {
    op_graph_t *g;
    ns_label_t *lab;           /* lab[i] labels op i of g */
    size_t cap;
    /* the chip's communication parameters used by the constructors */
    double ici_bw_GBps, ici_latency_ns, pcie_bw_GBps, pcie_latency_ns;
    int failed;                /* out of memory */
    /* element type of the tensors the next einsum / unary / binary /
     * all-gather constructors make (zero: BF16), and its NeuSim name
     * ("DT_FLOAT32"; NULL: "DT_BFLOAT16"); set with ns_set_dtype */
    op_dtype_t dt;
    const char *dt_name;
} ns_oplist_t;

bool ns_oplist_init(ns_oplist_t *L, double ici_bw_GBps, double ici_latency_ns, double pcie_bw_GBps,
                    double pcie_latency_ns);
void ns_oplist_free(ns_oplist_t *L);
size_t ns_oplist_len(const ns_oplist_t *L);
/* Element type of the next ops (name: NeuSim's string, NULL = DT_BFLOAT16;
 * a string literal, not copied).  ns_set_dtype(L, DT_BF16, NULL) resets. */
void ns_set_dtype(ns_oplist_t *L, op_dtype_t dt, const char *name);
const char *ns_dtype_name(const ns_oplist_t *L);
/* Append all ops of src (its labels and records) to dst. */
bool ns_oplist_append(ns_oplist_t *dst, const ns_oplist_t *src);

/* "description_name" with every non-alphanumeric character removed. */
void ns_format_name(char *out, size_t len, const char *name, const char *description);

/* Primitives; each returns the new op's index (or -1).  Shapes are given
 * as rank + dims; dtype BF16 unless a constructor says otherwise. */
long ns_einsum(ns_oplist_t *L, const int64_t *a, int ra, const int64_t *b, int rb, const char *expr,
               const char *placement, int64_t fid, const char *desc, const char *name, int64_t count,
               double weight_bytes /* < 0: NeuSim's tentative 2 x |B| */);
long ns_unary(ns_oplist_t *L, const int64_t *x, int rx, const char *opname, const char *placement, int64_t fid,
              const char *desc, const char *name, int64_t count);
/* Add / Mul; two_inputs records both operands (NeuSim records one, Q15). */
long ns_binary(ns_oplist_t *L, const int64_t *x, int rx, const char *opname, const char *placement, int64_t fid,
               const char *desc, const char *name, int64_t count, bool two_inputs);
/* FlashAttention with Q [B,q,H,dh], K/V [B,kv,Hkv,dh]; neusim_flops keeps
 * NeuSim's FLOPs and output shape (H where d_head belongs, Q5). */
long ns_flash(ns_oplist_t *L, const int64_t *q, const int64_t *k, int64_t fid, const char *desc, const char *name,
              int64_t count, bool neusim_flops);
long ns_all_gather(ns_oplist_t *L, const int64_t *x, int rx, const int64_t *axes, int naxes, int gather_dim,
                   int64_t fid, const char *desc, const char *name, int64_t count);
long ns_reduce_scatter(ns_oplist_t *L, const int64_t *x, int rx, const int64_t *axes, int naxes, int dim,
                       int64_t fid, const char *desc, const char *name, int64_t count);
/* agg_bw_GBps <= 0: len(axes) x ici_bw. */
long ns_all_reduce(ns_oplist_t *L, const int64_t *x, int rx, const int64_t *axes, int naxes, double agg_bw_GBps,
                   int64_t fid, const char *desc, const char *name, int64_t count);
/* Pipeline transfer: output = 0 receive ("Input"), 1 send ("Output"), over
 * ICI; ns_transfer_over uses the given link bandwidth and latency. */
long ns_transfer(ns_oplist_t *L, const int64_t *x, int rx, bool output, int64_t fid, const char *desc,
                 const char *name, int64_t count);
long ns_transfer_over(ns_oplist_t *L, const int64_t *x, int rx, bool output, int64_t fid, const char *desc,
                      const char *name, int64_t count, double bw_GBps, double latency_ns);
/* KV-cache swap over PCIe of `bytes`; neusim_bytes doubles them (Q24). */
long ns_kvswap(ns_oplist_t *L, int64_t bytes, bool output, int64_t fid, const char *desc, const char *name,
               int64_t count, bool neusim_bytes);
/* Input / Output ops (training's optimizer-state load and weight write). */
long ns_io(ns_oplist_t *L, const int64_t *x, int rx, bool output, ns_optype_t type, int64_t fid, const char *desc,
           const char *name, int64_t count);

/* All-to-all of tensor x (the list's dtype) among n participants over the
 * bisection bandwidth: traffic s*|x| each way, ICI time
 * max(ceil(traffic / bw), latency * (n - 1)) (spec §3.3). */
long ns_all_to_all(ns_oplist_t *L, const int64_t *x, int rx, double bisection_bw_GBps, int64_t n, int64_t fid,
                   const char *desc, const char *name, int64_t count);
/* Bisection bandwidth per chip (spec §2): the torus of num_chips split
 * over ici_axes axes; topo/ntopo (may be NULL) receive it.  One chip gives
 * -ici_bw, NeuSim's value (Q12). */
double ns_bisection_bw_GBps(double ici_bw_GBps, int64_t num_chips, int ici_axes, int64_t *topo, int *ntopo);

/* Embedding-bag lookup of one table: batch x num_indices rows of an FP32
 * table [table_rows, dim] summed into [batch, 1, dim]; HBM bytes
 * 8 per index + 4 x dim per row read + 4 x dim per output, FLOPs 2 per
 * element summed (spec §3.2). */
long ns_embedding_bag(ns_oplist_t *L, int64_t batch, int64_t num_indices, int64_t table_rows, int64_t dim, int64_t fid,
                      const char *desc, const char *name, int64_t count);

/* Conv2D of in [b, ic, h, w] with kernel [ic, oc, kh, kw], stride and padding
 * (output floor((in + 2p - k) / s + 1)); FLOPs b*oh*ow*|kernel|*2. */
long ns_conv2d(ns_oplist_t *L, const int64_t *in, const int64_t *kernel, int stride, int pad, int64_t fid,
               const char *desc, const char *name, int64_t count);
/* Upsample [b, c, h, w] -> [b, c, h*scale, w*scale] (no FLOPs). */
long ns_upsample(ns_oplist_t *L, const int64_t *in, int scale, int64_t fid, const char *desc, int64_t count);

/* NeuSim's split_parallelism_degree(p, n); returns the number of axes. */
int ns_split_parallelism(int64_t p, int n, int64_t *axes);

#endif

/*
 * op.h -- the operator record and the operator graph: what every frontend
 * (HuggingFace config.json, NeuSim's model generators, GEMM lists) builds
 * and every backend (src/npu, src/kernels, src/astra) consumes.
 *
 * A record says what an operator computes, never who made it or how a
 * backend will time it: name, kind, opcode, tensor shapes with their
 * number formats, FLOPs, weight and activation bytes, how many times it
 * runs, and which operators it depends on.  Backend-specific fields (the
 * times and energies NeuSim attaches, a kernel's tile) live in the backend.
 *
 * Ownership: an op_graph_t owns its records, their dependency lists and
 * every string it interns (op_graph_strdup); op_graph_free releases all.
 * Graphs are built and read by one thread; different threads may build
 * different graphs.
 */
#ifndef OPS_OP_H
#define OPS_OP_H

#include <stddef.h>
#include <stdint.h>

#define OP_MAX_RANK 8     /* dimensions of one tensor */
#define OP_MAX_INPUTS 4   /* tensors an operator reads */

/* Number formats.  op_dtype_bytes gives the size of one element. */
typedef enum {
    DT_BF16 = 0, DT_FP16, DT_FP32, DT_FP64, DT_FP8, DT_FP4,
    DT_INT4, DT_INT8, DT_INT16, DT_INT32, DT_INT64, DT_BOOL,
    DT__COUNT
} op_dtype_t;

/* Element size in bytes (DT_FP4 and DT_INT4 give 0.5). */
double op_dtype_bytes(op_dtype_t t);
/* "bf16", "fp8", ...: the short names used in YAML and CSV. */
const char *op_dtype_name(op_dtype_t t);
/* Parse a short name ("bf16"), a torch name ("bfloat16", "float16",
 * "float32") or a TensorFlow name ("DT_BFLOAT16"); -1 when unknown. */
int op_dtype_parse(const char *s);

typedef struct {
    int rank;                   /* 0 = scalar / unused slot */
    int64_t dim[OP_MAX_RANK];
    op_dtype_t dtype;
} op_tensor_t;

/* Elements of a tensor (1 for a scalar). */
int64_t op_tensor_elems(const op_tensor_t *t);
/* Bytes of a tensor: elements x element size. */
double op_tensor_bytes(const op_tensor_t *t);
/* "[1,4096,4096]" into buf; returns buf. */
char *op_tensor_str(const op_tensor_t *t, char *buf, size_t len);
/* A tensor of rank n from dims. */
op_tensor_t op_tensor(op_dtype_t dt, int n, const int64_t *dims);

/* What an operator does, coarsely: enough for a backend to pick its
 * timing rule.  The exact operation is the opcode string. */
typedef enum {
    OPK_MATMUL = 0,     /* Linear, Einsum, batched GEMM: FLOPs = 2*MACs */
    OPK_ATTENTION,      /* fused attention (flash attention) */
    OPK_CONV,           /* convolution */
    OPK_ELEMENTWISE,    /* add, multiply, activation, RoPE, residual */
    OPK_NORM,           /* LayerNorm, RMSNorm, GroupNorm */
    OPK_SOFTMAX,
    OPK_REDUCE,         /* top-k, pooling, sampling */
    OPK_EMBEDDING,      /* table lookups (Embedding, EmbeddingBag) */
    OPK_MEMORY,         /* KV-cache reads/writes, copies, up/down sampling */
    OPK_COLLECTIVE,     /* all-reduce, all-gather, reduce-scatter, all-to-all */
    OPK_TRANSFER,       /* point-to-point: pipeline stage, host swap */
    OPK_OTHER,
    OPK__COUNT
} op_kind_t;

const char *op_kind_name(op_kind_t k);

/* Collectives and transfers. */
typedef enum {
    COLL_NONE = 0, COLL_ALL_REDUCE, COLL_ALL_GATHER, COLL_REDUCE_SCATTER,
    COLL_ALL_TO_ALL, COLL_SEND, COLL_RECV, COLL__COUNT
} op_coll_t;

const char *op_coll_name(op_coll_t c);

typedef struct op {
    const char *name;        /* e.g. "model.layers.0.self_attn.q_proj" (interned) */
    const char *opcode;      /* e.g. "Linear", "Einsum", "RMSNorm", "AllReduce" (interned) */
    const char *einsum;      /* "BLM;MND->BLND" for einsums, else NULL (interned) */
    op_kind_t kind;

    int n_in;
    op_tensor_t in[OP_MAX_INPUTS];
    op_tensor_t out;

    /* Matmul view for OPK_MATMUL / OPK_ATTENTION / OPK_CONV (0 when not
     * applicable): batch x [m,k] x [k,n]. */
    int64_t gemm_batch, gemm_m, gemm_n, gemm_k;

    double flops;            /* floating-point operations, one execution */
    double weight_bytes;     /* parameters read, one execution */
    double act_bytes;        /* activations read + written, one execution */
    int64_t params;          /* parameter count of the module (0 for functional ops) */

    op_coll_t coll;          /* collectives and transfers */
    double coll_bytes;       /* payload per participant */
    int coll_group;          /* participants */

    int64_t count;           /* executions (e.g. layers x decode steps); >= 1 */

    /* OPK_CONV: in[0] [b, ic, ih, iw], in[1] the kernel [ic, oc, kh, kw], out
     * [b, oc, oh, ow]; the window's stride and padding (0 elsewhere) */
    int conv_stride, conv_pad;

    size_t n_deps;
    uint32_t *deps;          /* indices of the operators whose outputs this one reads */
} op_t;

typedef struct op_graph op_graph_t;

op_graph_t *op_graph_new(void);
void op_graph_free(op_graph_t *g);
/* Remove every operator (and interned string) but keep the storage, so a
 * generator that rebuilds graphs in a loop allocates once. */
void op_graph_clear(op_graph_t *g);
/* Room for n operators without reallocating; 0, or -1 when out of memory. */
int op_graph_reserve(op_graph_t *g, size_t n);
/* Append a copy of *op (strings are interned, deps copied); returns its
 * index, or -1 when out of memory. */
long op_graph_add(op_graph_t *g, const op_t *op);
/* Add a dependency edge: op `to` reads the output of op `from`. */
int op_graph_dep(op_graph_t *g, size_t to, size_t from);
size_t op_graph_len(const op_graph_t *g);
op_t *op_graph_at(op_graph_t *g, size_t i);
const op_t *op_graph_get(const op_graph_t *g, size_t i);
/* A string that lives as long as the graph. */
const char *op_graph_strdup(op_graph_t *g, const char *s);

/* Indices of the operators in an order where every operator follows its
 * dependencies (Kahn's algorithm, ties broken by index, so the order is
 * deterministic).  Returns a malloc'd array of op_graph_len entries, or
 * NULL when the graph has a cycle or memory runs out. */
uint32_t *op_graph_topo_order(const op_graph_t *g);

/* Einsum FLOPs in the general form: for the axes of A, B and the output
 * (one letter per axis, "AB;BC->AC"), FLOPs = 2 x prod(batch axes) x
 * prod(reduction axes) x prod(other axes), each letter counted once.
 * Returns -1 when the expression does not match the ranks. */
double op_einsum_flops(const char *expr, const op_tensor_t *a, const op_tensor_t *b);

/* FLOPs per element of an elementwise operator by opcode (NeuSim's
 * costs): LayerNorm and GroupNorm 8, RMSNorm 6, Softmax 4, anything else
 * (Add, Mul, Pointwise Mul., copies) 1. */
double op_flops_per_element(const char *opcode);

#endif

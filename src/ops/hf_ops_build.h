/*
 * hf_ops_build.h -- the builder the hf_ops architecture files share (not a
 * public interface): the name prefix, the per-operator constructors with
 * their cost formulas, and the per-architecture entry points.
 */
#ifndef OPS_HF_OPS_BUILD_H
#define OPS_HF_OPS_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "ops/hf_config.h"
#include "ops/hf_ops.h"
#include "ops/op.h"

#define HB_NAME_MAX 256

typedef struct {
    const hf_config_t *c;
    const hf_setting_t *s;
    hf_ops_t *o;
    op_dtype_t adt;            /* activation format (the config's dtype) */
    double ab;                 /* bytes per activation element */
    int64_t B, S, P, T;
    double pairs;              /* attention (query, key) pairs per sequence and head */
    double act_flops;          /* FLOPs per element of the config's activation */
    char pre[HB_NAME_MAX];     /* name prefix of the operators being added */
    size_t pre_len;
    size_t model_len;          /* length of the model prefix ("model.") */
    int32_t layer;             /* current decoder layer, -1 outside */
    uint32_t *scratch;         /* dependency lists longer than a few (MoE combine) */
    size_t scratch_cap;
    const char *opc_src[16], *opc_int[16]; /* opcode literal -> the graph's interned copy */
    unsigned n_opc;
    bool failed;
    char *err;
    size_t errlen;
} hb_t;

/* Prefix = model prefix + a + (i >= 0 ? decimal i : "") + c. */
void hb_prefix(hb_t *b, const char *a, int64_t i, const char *c);
/* Append a + decimal i + c to the current prefix. */
void hb_prefix_push(hb_t *b, const char *a, int64_t i, const char *c);

/* Tensors of rank 1..4. */
op_tensor_t hb_t2(op_dtype_t dt, int64_t a, int64_t b);
op_tensor_t hb_t3(op_dtype_t dt, int64_t a, int64_t b, int64_t c);
op_tensor_t hb_t4(op_dtype_t dt, int64_t a, int64_t b, int64_t c, int64_t d);

/* Append op (name = prefix + suffix) with its dependencies; the index, or
 * -1 (b->failed set) when memory runs out. */
long hb_add(hb_t *b, const char *suffix, op_t *op, hf_block_t blk, const long *deps, size_t ndeps);

/* Constructors: each fills the shapes and costs of one operator kind and
 * appends it.  `in` is the producer of the input (or -1). */
/* Linear (or Conv1D) on `rows` tokens, shape [B,S,in] (rank 3) or [rows,in]
 * (rank 2); weights in format wdt, with fp32 block scales when quantized. */
long hb_linear(hb_t *b, const char *suffix, const char *opcode, hf_block_t blk, const long *deps, size_t ndeps,
               int rank, int64_t rows, int64_t in, int64_t out, int bias, bool quantized, bool tied);
/* RMSNorm / LayerNorm over the last dim of x (params dim or 2 dim). */
long hb_norm(hb_t *b, const char *suffix, bool layernorm, long in, op_tensor_t x, int64_t dim);
/* Elementwise op of flops_per_elem on x; nin inputs read, one written. */
long hb_elementwise(hb_t *b, const char *suffix, const char *opcode, hf_block_t blk, const long *deps,
                    size_t ndeps, op_tensor_t x, int nin, double flops_per_elem);
/* Dropout: the identity at inference (0 FLOPs, 0 bytes). */
long hb_dropout(hb_t *b, const char *suffix, long in, op_tensor_t x);
/* Embedding lookup of `lookups` ids of shape ids into rows x dim. */
long hb_embedding(hb_t *b, const char *suffix, op_tensor_t ids, int64_t rows, int64_t dim);
/* Attention core for nq query heads of d_qk / d_v, nkv cached heads:
 * rope (when rope_dim > 0 over rope_q_heads + rope_k_heads heads), KV
 * write/read (decoders), scores, softmax, P.V.  deps_q / deps_k / deps_v
 * produce q, k, v; rot is the rotary op (or -1).  Returns the P.V op. */
typedef struct {
    int64_t nq, nkv, d_qk, d_v;
    int64_t rope_dim, rope_q_heads, rope_k_heads; /* 0 = no RoPE */
    int64_t cache_k_heads, cache_k_dim, cache_v_dim; /* the cached K and V per token (v 0: K only) */
    bool cache;                                   /* decoder with a KV cache */
    long q_extra;                                 /* another producer of q (> 0), read by the scores */
    const char *attn;                             /* prefix of the functional ops ("self_attn.") */
} hb_attn_t;
long hb_attention(hb_t *b, const hb_attn_t *a, long q, long k, long v, long rot);

/* FLOPs per element of an activation name (silu, gelu, gelu_new, relu,
 * tanh, ...); -1 when unknown. */
double hb_act_flops(const char *act);

/* The architecture families. */
bool hb_build_llama(hb_t *b);     /* llama, mistral, qwen2, qwen3, mixtral, deepseek_v3 */
bool hb_build_gpt2(hb_t *b);
bool hb_build_bert(hb_t *b);      /* bert, distilbert */

#endif

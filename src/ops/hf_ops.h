/*
 * hf_ops.h -- the operator-list frontend for HuggingFace models: a
 * config.json (hf_config_t) and one forward setting (batch, new tokens,
 * cached tokens, prefill or decode) become the ordered operators of that
 * forward as op_t records, with data-flow dependency edges.
 *
 * Names are transformers' module names (`model.layers.0.self_attn.q_proj`,
 * prefix by architectures[0] as in spec §4) for module operators, and
 * `<module>.<what>` for the functional operators a forward hook cannot see
 * (rope, kv_write, kv_read, attn_qk, softmax, attn_pv, swiglu_mul,
 * residual_attn, residual_mlp, router_topk, combine, embed_add).  Rows are
 * in call order; containers (decoder layers, self_attn, mlp) are not
 * operators: their cost is their children's and their place is the name
 * prefix.  Conventions, units and the cost of each operator: docs/hf-models.md.
 *
 * Graphs are built by one thread; different threads may build different
 * graphs (nothing here is shared).
 */
#ifndef OPS_HF_OPS_H
#define OPS_HF_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/hf_config.h"
#include "ops/op.h"

typedef enum { HF_PREFILL = 0, HF_DECODE, HF__MODES } hf_mode_t;

/* Causal prefill attention: the full S x T rectangle (HF eager / sdpa
 * math) or only the unmasked pairs (flash kernels skip masked tiles). */
typedef enum { HF_CAUSAL_FULL = 0, HF_CAUSAL_FLASH, HF__CAUSALS } hf_causal_t;

/* Multi-head latent attention (DeepSeek): as transformers runs it (naive:
 * kv_b_proj decompresses the new tokens, the cache holds K and V of every
 * head) or absorbed as DeepSeek's own inference and vLLM/SGLang decode do
 * (W_UK folded into q, W_UV after P.V; the cache holds the 576-wide
 * latent).  Ignored for the other architectures. */
typedef enum { HF_MLA_NAIVE = 0, HF_MLA_ABSORBED, HF__MLAS } hf_mla_t;

/* One forward: B sequences, S new tokens each, P tokens already cached;
 * the attention sees T = P + S keys (spec §2). */
typedef struct {
    int64_t batch;          /* B */
    int64_t seq;            /* S (decode: 1) */
    int64_t past;           /* P */
    hf_mode_t mode;
    hf_causal_t causal;
    hf_mla_t mla;
    bool logits_last;       /* lm_head on the last position only (generate()'s logits_to_keep=1) */
} hf_setting_t;

const char *hf_mode_name(hf_mode_t m);
const char *hf_causal_name(hf_causal_t c);
/* "prefill" / "decode" and "full" / "flash"; -1 with the valid names in err. */
int hf_mode_parse(const char *s, char *err, size_t errlen);
int hf_causal_parse(const char *s, char *err, size_t errlen);
const char *hf_mla_name(hf_mla_t m);
int hf_mla_parse(const char *s, char *err, size_t errlen);

/* The setting of a step that sees `context` tokens: prefill reads the
 * context as S new tokens (P = 0), decode generates one token after
 * `context` cached ones (S = 1, P = context). */
hf_setting_t hf_setting(hf_mode_t mode, int64_t batch, int64_t context, hf_causal_t causal);

/* What part of the model an operator belongs to (for summaries and the
 * hf_ops table).  HF_BLK_ATTENTION is the context-dependent core (RoPE,
 * KV cache, scores, softmax, P.V); HF_BLK_ATTN_PROJ the projections. */
typedef enum {
    HF_BLK_EMBEDDING = 0, HF_BLK_NORM, HF_BLK_ATTN_PROJ, HF_BLK_ATTENTION, HF_BLK_MLP,
    HF_BLK_ROUTER, HF_BLK_EXPERT, HF_BLK_RESIDUAL, HF_BLK_HEAD, HF__BLOCKS
} hf_block_t;

const char *hf_block_name(hf_block_t b);

/* The operators of one forward.  g owns the op_t records; block[i] and
 * layer[i] (-1 outside the decoder layers) annotate op i. */
typedef struct {
    op_graph_t *g;
    uint8_t *block;
    int32_t *layer;
    size_t cap;
} hf_ops_t;

/* Build the operators of setting s into *out (which must be zeroed or
 * previously built: hf_ops_build reuses its memory).  False with a message
 * when the setting does not apply (decode of an encoder-only model, more
 * positions than a learned position table holds, a zero dimension). */
bool hf_ops_build(const hf_config_t *c, const hf_setting_t *s, hf_ops_t *out, char *err, size_t errlen);
void hf_ops_free(hf_ops_t *o);

/* Multiply-accumulates of an operator: Linear = rows x in x out; the
 * attention matmuls = the (query, key) pairs computed x head dim (their
 * gemm view is the full S x T rectangle); 0 for the others. */
double hf_op_macs(const op_t *op);

/* True for operators a forward hook sees (nn.Modules), false for the
 * functional ones (RoPE, KV cache, scores, softmax, P.V, Mul, Add, TopK,
 * IndexAdd, MLA absorption). */
bool hf_op_is_module(const op_t *op);

/* (query, key) pairs attention computes per sequence and head for S new
 * tokens after P cached ones: full = S x min(T, W), flash = the unmasked
 * pairs sum over i of min(P + i + 1, W); W = the sliding window (0 =
 * none). */
double hf_attn_pairs(int64_t s, int64_t p, int64_t window, hf_causal_t causal);

/* The --multi-config settings of the seed: batch {1, 16} x context
 * {1, 128} x {prefill, decode}, in that order (decode skipped for
 * encoder-only models).  Returns the number written (at most 8). */
size_t hf_multi_settings(const hf_config_t *c, hf_causal_t causal, hf_setting_t out[8]);

#endif

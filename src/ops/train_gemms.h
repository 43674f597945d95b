/*
 * train_gemms.h -- the GEMMs of one transformer training step, per layer:
 * fused QKV projection, attention scores (Q K^T) and context (P V), output
 * projection and the MLP (or, in MoE layers, router, routed experts and
 * shared experts), as a GEMM list that ASTRA-sim's backend shards into its
 * forward, input-gradient and weight-gradient passes.
 *
 * GEMMs use the mnk convention: m = rows (tokens, batch x sequence), n =
 * output features, k = the reduction.  Attention GEMMs are per head and
 * per sequence; they are listed with the heads folded into n (scores: n =
 * heads x seq, k = head_dim; context: n = heads x head_dim, k = seq), which
 * keeps their FLOPs exact, and they carry no weights.
 */
#ifndef OPS_TRAIN_GEMMS_H
#define OPS_TRAIN_GEMMS_H

#include <stdbool.h>
#include <stdint.h>

#include "config/node.h"
#include "ops/gemm_list.h"

/* The transformer dimensions a training step's GEMMs need. */
typedef struct {
    char name[64];
    int64_t hidden;             /* d */
    int64_t layers;
    int64_t heads;
    int64_t kv_heads;
    int64_t head_dim;
    int64_t ffn;                /* dense MLP width */
    bool gated;                 /* gate and up projections (SwiGLU family): MLP up is 2 x ffn wide */
    int64_t experts;            /* 0 = dense */
    int64_t experts_per_tok;
    int64_t shared_experts;
    int64_t moe_ffn;
    int64_t first_dense;        /* leading dense layers of an MoE model */
    int64_t moe_layer_freq;     /* every n-th layer after those is MoE */
    int elem_bytes;             /* bytes per number of the model's dtype */
} train_model_t;

/* Read a model: a HuggingFace config.json (by extension, through
 * hf_config_load) or a model YAML (src/perf, through sw_model_load).  -1
 * with a located message in err; DeepSeek's latent attention is refused. */
int train_model_load(const char *path, train_model_t *m, cfg_err_t *err);

/* The GEMMs of layers [0, layers) for batch x seq tokens into out (an
 * initialised list; rows are named "L<i>.<gemm>").  layers 0 = all.  -1
 * with the reason in err when a size is not positive or too large. */
int train_gemms(const train_model_t *m, int64_t batch, int64_t seq, int64_t layers, gemm_list_t *out, char *err,
                size_t errlen);

#endif

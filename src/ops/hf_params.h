/*
 * hf_params.h -- parameter counts and KV-cache sizes of a HuggingFace
 * model from its config alone (spec §5, §6), independent of the operator
 * list (tests check that the two agree).
 */
#ifndef OPS_HF_PARAMS_H
#define OPS_HF_PARAMS_H

#include <stdint.h>

#include "ops/hf_config.h"

typedef struct {
    int64_t total;          /* every parameter of architectures[0] (tied tables once) */
    int64_t base;           /* the base model (AutoModel: no lm_head / MLM head) */
    int64_t head;           /* total - base: untied lm_head, MLM head */
    int64_t embedding;      /* token (+ position, token-type) tables */
    int64_t per_layer_attn; /* one decoder layer's attention (projections, q/k norms) */
    int64_t active;         /* parameters one token uses: total less the experts it is not routed to */
} hf_params_t;

hf_params_t hf_params(const hf_config_t *c);

/* The count transformers' model card publishes: the total for causal LMs,
 * the base model for encoders (bert, distilbert). */
int64_t hf_params_published(const hf_config_t *c);

/* KV-cache elements per token over all layers: 2 L nkv d (GQA/MHA); for
 * MLA the decompressed HF cache L nq (qk_head_dim + v) unless latent, then
 * L (kv_lora_rank + qk_rope_head_dim); 0 for encoders. */
int64_t hf_kv_elems_per_token(const hf_config_t *c, int latent);

/* Biases as each architecture's modelling code sets them: q/k/v
 * projections, o_proj, gated-MLP Linears. */
int hf_qkv_bias(const hf_config_t *c);
int hf_o_bias(const hf_config_t *c);
int hf_mlp_bias(const hf_config_t *c);

/* Whether decoder layer i has a mixture-of-experts MLP. */
int hf_layer_is_moe(const hf_config_t *c, int64_t i);

#endif

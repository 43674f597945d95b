/*
 * v2_hf.c -- the perf_model v2 keys of a model (MoE, MLA, vocabulary, tied
 * embeddings) from a HuggingFace config.json read by ops/hf_config.h.  Only
 * the v2 extension fields are filled: the dense sizes (layers, width,
 * heads, FFN) are the model conversion's (src/perf/model_hf.c).
 */
#include "perf/v2_model.h"

void v2_model_cfg_from_hf(const hf_config_t *c, model_cfg_t *m)
{
    if (c->experts > 0) {
        m->num_experts = (double)c->experts;
        m->experts_per_token = (double)c->experts_per_tok;
        m->num_shared_experts = (double)c->shared_experts;
        m->moe_d_ff = (double)c->moe_ffn;
        m->first_dense_layers = (double)c->first_dense;
    }
    if (c->kv_lora_rank > 0) {
        m->kv_lora_rank = (double)c->kv_lora_rank;
        m->q_lora_rank = (double)c->q_lora_rank;
        m->qk_rope_head_dim = (double)c->qk_rope_head_dim;
        m->qk_nope_head_dim = (double)c->qk_nope_head_dim;
        m->v_head_dim = (double)c->v_head_dim;
    }
    m->vocab_size = c->has_lm_head ? (double)c->vocab : 0;
    m->tied_embeddings = c->tie_embeddings;
}

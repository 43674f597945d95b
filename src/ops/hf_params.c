/*
 * hf_params.c -- parameter counts (spec §5), KV-cache sizes (spec §6) and
 * the per-architecture bias and MoE-layer rules they share with hf_ops.
 */
#include "ops/hf_params.h"

int hf_qkv_bias(const hf_config_t *c)
{
    switch (c->arch) {
    case HF_QWEN2: return 1; /* q/k/v always carry a bias; no config key */
    case HF_LLAMA: case HF_QWEN3: case HF_DEEPSEEK_V3: return c->attention_bias;
    case HF_GPT2: case HF_BERT: case HF_DISTILBERT: return 1;
    default: return 0; /* mistral, mixtral: bias=False in the modelling code */
    }
}

int hf_o_bias(const hf_config_t *c)
{
    switch (c->arch) {
    case HF_LLAMA: case HF_QWEN3: case HF_DEEPSEEK_V3: return c->attention_bias;
    case HF_GPT2: case HF_BERT: case HF_DISTILBERT: return 1;
    default: return 0; /* qwen2's o_proj has none */
    }
}

int hf_mlp_bias(const hf_config_t *c)
{
    return c->arch == HF_LLAMA && c->mlp_bias;
}

int hf_layer_is_moe(const hf_config_t *c, int64_t i)
{
    if (!c->experts)
        return 0;
    if (c->arch != HF_DEEPSEEK_V3)
        return 1;
    int64_t freq = c->moe_layer_freq > 0 ? c->moe_layer_freq : 1;
    return i >= c->first_dense && i % freq == 0;
}

static int64_t linear_params(int64_t in, int64_t out, int bias)
{
    return in * out + (bias ? out : 0);
}

/* One gated MLP (gate, up, down) of width i. */
static int64_t glu_params(const hf_config_t *c, int64_t i)
{
    int b = hf_mlp_bias(c);
    return 2 * linear_params(c->hidden, i, b) + linear_params(i, c->hidden, b);
}

static int64_t attn_params(const hf_config_t *c)
{
    int64_t h = c->hidden, nq = c->heads, nkv = c->kv_heads, d = c->head_dim;
    if (c->arch == HF_DEEPSEEK_V3) {
        int ab = c->attention_bias;
        int64_t qk = c->qk_nope_head_dim + c->qk_rope_head_dim;
        int64_t q = c->q_lora_rank ? linear_params(h, c->q_lora_rank, ab) + c->q_lora_rank +
                                         linear_params(c->q_lora_rank, nq * qk, 0)
                                   : linear_params(h, nq * qk, 0);
        return q + linear_params(h, c->kv_lora_rank + c->qk_rope_head_dim, ab) + c->kv_lora_rank +
               linear_params(c->kv_lora_rank, nq * (c->qk_nope_head_dim + c->v_head_dim), 0) +
               linear_params(nq * c->v_head_dim, h, ab);
    }
    int qb = hf_qkv_bias(c), ob = hf_o_bias(c);
    int64_t p = linear_params(h, nq * d, qb) + 2 * linear_params(h, nkv * d, qb) + linear_params(nq * d, h, ob);
    if (c->arch == HF_QWEN3)
        p += 2 * d; /* q_norm, k_norm */
    return p;
}

hf_params_t hf_params(const hf_config_t *c)
{
    hf_params_t r = {0};
    int64_t h = c->hidden, L = c->layers, V = c->vocab;
    int64_t layers = 0, active_layers = 0;
    r.per_layer_attn = attn_params(c);
    switch (c->arch) {
    case HF_GPT2: {
        int64_t block = 2 * h + linear_params(h, 3 * h, 1) + linear_params(h, h, 1) + 2 * h +
                        linear_params(h, c->ffn, 1) + linear_params(c->ffn, h, 1);
        r.embedding = V * h + c->max_positions * h;
        r.base = r.embedding + L * block + 2 * h;
        r.head = 0; /* lm_head is always tied to wte */
        break;
    }
    case HF_BERT: {
        int64_t layer = r.per_layer_attn + 2 * h + linear_params(h, c->ffn, 1) + linear_params(c->ffn, h, 1) + 2 * h;
        r.embedding = V * h + c->max_positions * h + c->type_vocab * h;
        r.base = r.embedding + 2 * h + L * layer + (c->has_pooler ? linear_params(h, h, 1) : 0);
        /* BertForMaskedLM: transform dense + LayerNorm, decoder bias (weight tied) */
        r.head = c->has_lm_head ? linear_params(h, h, 1) + 2 * h + V : 0;
        break;
    }
    case HF_DISTILBERT: {
        int64_t layer = r.per_layer_attn + 2 * h + linear_params(h, c->ffn, 1) + linear_params(c->ffn, h, 1) + 2 * h;
        r.embedding = V * h + c->max_positions * h;
        r.base = r.embedding + 2 * h + L * layer;
        /* DistilBertForMaskedLM: vocab_transform, vocab_layer_norm, projector bias (weight tied) */
        r.head = c->has_lm_head ? linear_params(h, h, 1) + 2 * h + V : 0;
        break;
    }
    default: {
        for (int64_t i = 0; i < L; i++) {
            int64_t mlp, mlp_active;
            if (hf_layer_is_moe(c, i)) {
                int64_t router = c->experts * h;
                int64_t shared = c->shared_experts ? glu_params(c, c->moe_ffn * c->shared_experts) : 0;
                int64_t expert = glu_params(c, c->moe_ffn);
                mlp = router + c->experts * expert + shared;
                mlp_active = router + c->experts_per_tok * expert + shared;
            } else {
                mlp = mlp_active = glu_params(c, c->ffn);
            }
            layers += r.per_layer_attn + 2 * h + mlp;
            active_layers += r.per_layer_attn + 2 * h + mlp_active;
        }
        r.embedding = V * h;
        r.base = r.embedding + layers + h;
        r.head = c->has_lm_head && !c->tie_embeddings ? V * h : 0;
        break;
    }
    }
    r.total = r.base + r.head;
    r.active = r.total - (layers - active_layers);
    return r;
}

int64_t hf_params_published(const hf_config_t *c)
{
    hf_params_t p = hf_params(c);
    return c->decoder ? p.total : p.base;
}

int64_t hf_kv_elems_per_token(const hf_config_t *c, int latent)
{
    if (!c->decoder)
        return 0;
    if (c->arch == HF_DEEPSEEK_V3)
        return latent ? c->layers * (c->kv_lora_rank + c->qk_rope_head_dim)
                      : c->layers * c->heads * (c->qk_nope_head_dim + c->qk_rope_head_dim + c->v_head_dim);
    return 2 * c->layers * c->kv_heads * c->head_dim;
}

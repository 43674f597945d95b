/*
 * train_gemms.c -- a transformer training step's GEMMs from a model (see
 * train_gemms.h).
 */
#include "ops/train_gemms.h"

#include <stdio.h>
#include <string.h>

#include "ops/hf_config.h"
#include "perf/model.h"
#include "perf/sw_config.h"

static int from_hf(const char *path, train_model_t *m, cfg_err_t *err)
{
    hf_config_t c;
    if (!hf_config_load(path, &c, err))
        return -1;
    if (c.kv_lora_rank > 0) {
        cfg_errorf(err, path, 1, 1, "model_type \"%s\": multi-head latent attention (kv_lora_rank %lld) is not "
                   "modelled by --from-model; give the GEMMs as an --mnk list", c.model_type,
                   (long long)c.kv_lora_rank);
        return -1;
    }
    snprintf(m->name, sizeof m->name, "%s", c.model_type);
    m->hidden = c.hidden;
    m->layers = c.layers;
    m->heads = c.heads;
    m->kv_heads = c.kv_heads > 0 ? c.kv_heads : c.heads;
    m->head_dim = c.head_dim;
    m->ffn = c.ffn;
    /* the llama family's MLP has gate and up projections; GPT-2 and BERT's has one */
    m->gated = !(c.arch == HF_GPT2 || c.arch == HF_BERT || c.arch == HF_DISTILBERT);
    m->experts = c.experts;
    m->experts_per_tok = c.experts_per_tok;
    m->shared_experts = c.shared_experts;
    m->moe_ffn = c.moe_ffn;
    m->first_dense = c.first_dense;
    m->moe_layer_freq = c.moe_layer_freq > 0 ? c.moe_layer_freq : 1;
    double eb = op_dtype_bytes(c.dtype);
    m->elem_bytes = eb >= 1 ? (int)eb : 1;
    return 0;
}

static int from_yaml(const char *path, train_model_t *m, cfg_err_t *err)
{
    model_cfg_t cfg;
    if (sw_model_load(path, &cfg, err))
        return -1;
    model_t md;
    char msg[256];
    if (!model_derive(&cfg, &md, msg, sizeof msg)) {
        cfg_errorf(err, path, 1, 1, "%s", msg);
        return -1;
    }
    snprintf(m->name, sizeof m->name, "%s", md.name);
    m->hidden = (int64_t)md.d;
    m->layers = (int64_t)md.num_layers;
    m->heads = (int64_t)md.num_heads;
    m->kv_heads = (int64_t)(md.num_heads / md.heads_per_kv_cache);
    m->head_dim = (int64_t)md.d_head;
    m->ffn = (int64_t)md.d_ff;
    m->gated = md.gated;
    m->moe_layer_freq = 1;
    m->elem_bytes = md.bytes_per_number >= 1 ? (int)md.bytes_per_number : 1;
    if (m->kv_heads < 1)
        m->kv_heads = 1;
    return 0;
}

int train_model_load(const char *path, train_model_t *m, cfg_err_t *err)
{
    memset(m, 0, sizeof *m);
    int rc = hf_is_config_path(path) ? from_hf(path, m, err) : from_yaml(path, m, err);
    if (rc == 0 && (m->hidden < 1 || m->layers < 1 || m->heads < 1 || m->head_dim < 1 || m->ffn < 1)) {
        cfg_errorf(err, path, 1, 1, "model '%s': hidden size, layers, heads, head size and MLP width must be "
                   "positive", m->name);
        return -1;
    }
    return rc;
}

typedef struct {
    gemm_list_t *out;
    int elem_bytes;
    int failed;
} adder_t;

static void add(adder_t *a, int64_t layer, const char *what, int64_t m, int64_t n, int64_t k, bool weights)
{
    char name[96];
    snprintf(name, sizeof name, "L%lld.%s", (long long)layer, what);
    if (!a->failed && gemm_list_add(a->out, name, m, n, k, a->elem_bytes, weights, NULL, 0))
        a->failed = 1;
}

static bool is_moe_layer(const train_model_t *m, int64_t i)
{
    return m->experts > 0 && i >= m->first_dense && (i - m->first_dense) % m->moe_layer_freq == 0;
}

int train_gemms(const train_model_t *m, int64_t batch, int64_t seq, int64_t layers, gemm_list_t *out, char *err,
                size_t errlen)
{
    if (batch < 1 || seq < 1) {
        snprintf(err, errlen, "--batch and --seq must be positive");
        return -1;
    }
    if (layers == 0)
        layers = m->layers;
    if (layers < 1 || layers > m->layers) {
        snprintf(err, errlen, "--layers %lld: the model has %lld layers", (long long)layers, (long long)m->layers);
        return -1;
    }
    int64_t tokens = batch * seq;
    if (batch > GEMM_LIST_MAX_DIM / seq || tokens * (m->experts_per_tok > 0 ? m->experts_per_tok : 1) >
        GEMM_LIST_MAX_DIM || m->heads * seq > GEMM_LIST_MAX_DIM) {
        snprintf(err, errlen, "--batch x --seq too large (at most 2^40 rows per GEMM)");
        return -1;
    }
    int64_t d = m->hidden, hd = m->head_dim, up = m->gated ? 2 : 1;
    adder_t a = {out, m->elem_bytes, 0};
    for (int64_t i = 0; i < layers; i++) {
        add(&a, i, "qkv", tokens, (m->heads + 2 * m->kv_heads) * hd, d, true);
        add(&a, i, "attn_score", tokens, m->heads * seq, hd, false);
        add(&a, i, "attn_context", tokens, m->heads * hd, seq, false);
        add(&a, i, "out_proj", tokens, d, m->heads * hd, true);
        if (is_moe_layer(m, i)) {
            int64_t routed = tokens * m->experts_per_tok;
            add(&a, i, "router", tokens, m->experts, d, true);
            add(&a, i, "experts_up", routed, up * m->moe_ffn, d, true);
            add(&a, i, "experts_down", routed, d, m->moe_ffn, true);
            if (m->shared_experts > 0) {
                add(&a, i, "shared_up", tokens, up * m->shared_experts * m->moe_ffn, d, true);
                add(&a, i, "shared_down", tokens, d, m->shared_experts * m->moe_ffn, true);
            }
        } else {
            add(&a, i, "mlp_up", tokens, up * m->ffn, d, true);
            add(&a, i, "mlp_down", tokens, d, m->ffn, true);
        }
    }
    if (a.failed) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

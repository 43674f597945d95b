/*
 * kmodel.c -- a HuggingFace config or a model YAML as kernel-model
 * dimensions (see kmodel.h).
 */
#include <stdio.h>
#include <string.h>

#include "kernels/kmodel.h"
#include "ops/hf_config.h"
#include "perf/sw_config.h"

static int from_hf(const char *path, kern_model_t *m, cfg_err_t *err)
{
    hf_config_t c;
    if (!hf_config_load(path, &c, err))
        return -1;
    if (!c.decoder) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: model_type \"%s\" is an encoder without a KV cache; the kernel model covers decoders "
                 "(llama, mistral, qwen2, qwen3, gpt2)", path, c.model_type);
        return -1;
    }
    if (c.experts > 0 || c.kv_lora_rank > 0) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: model_type \"%s\" uses %s, which the kernel model does not represent (the notebook "
                 "models dense GQA decoders: llama, mistral, qwen2, qwen3, gpt2)", path, c.model_type,
                 c.experts > 0 && c.kv_lora_rank > 0 ? "mixture of experts and latent attention (MLA)"
                                                     : c.experts > 0 ? "mixture of experts" : "latent attention (MLA)");
        return -1;
    }
    snprintf(m->name, sizeof m->name, "%s", c.architecture[0] ? c.architecture : c.model_type);
    m->hidden = c.hidden;
    m->ffn = c.ffn;
    m->heads = c.heads;
    m->kv_heads = c.kv_heads;
    m->layers = c.layers;
    m->head_dim = c.head_dim;
    m->vocab = c.vocab;
    /* GPT-2's MLP is c_fc -> GELU -> c_proj; the others are SwiGLU */
    m->gated = c.arch != HF_GPT2;
    m->bytes_per_value = op_dtype_bytes(c.dtype);
    return 0;
}

static int from_yaml(const char *path, kern_model_t *m, cfg_err_t *err)
{
    model_cfg_t c;
    if (sw_model_load(path, &c, err))
        return -1;
    snprintf(m->name, sizeof m->name, "%s", c.name);
    m->hidden = (int64_t)c.d;
    m->heads = (int64_t)c.num_heads;
    m->layers = (int64_t)c.num_layers;
    m->ffn = c.d_ff > 0 ? (int64_t)c.d_ff : 4 * m->hidden;
    m->head_dim = c.d_head > 0 ? (int64_t)c.d_head : m->hidden / m->heads;
    double hpk = c.heads_per_kv_cache > 0 ? c.heads_per_kv_cache : 1;
    if ((int64_t)hpk <= 0 || m->heads % (int64_t)hpk) {
        snprintf(err->msg, sizeof err->msg, "%s: Model.heads_per_kv_cache %g does not divide num_heads %lld", path,
                 hpk, (long long)m->heads);
        return -1;
    }
    m->kv_heads = m->heads / (int64_t)hpk;
    m->vocab = 0;
    m->gated = strstr(c.act, "glu") != NULL;
    m->bytes_per_value = c.bytes_per_number > 0 ? c.bytes_per_number : 2;
    return 0;
}

int kern_model_load(const char *path, kern_model_t *m, cfg_err_t *err)
{
    memset(m, 0, sizeof *m);
    int rc = hf_is_config_path(path) ? from_hf(path, m, err) : from_yaml(path, m, err);
    if (rc)
        return rc;
    if (m->hidden <= 0 || m->heads <= 0 || m->kv_heads <= 0 || m->layers <= 0 || m->ffn <= 0 || m->head_dim <= 0) {
        snprintf(err->msg, sizeof err->msg, "%s: hidden size, heads, KV heads, layers, FFN width and head_dim "
                 "must all be positive", path);
        return -1;
    }
    if (m->heads % m->kv_heads) {
        snprintf(err->msg, sizeof err->msg, "%s: %lld attention heads are not a multiple of %lld KV heads", path,
                 (long long)m->heads, (long long)m->kv_heads);
        return -1;
    }
    m->head_dim_floor = m->hidden / m->heads;
    return 0;
}

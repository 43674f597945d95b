/*
 * model.c -- model sizes and FLOPs (ReaLLM v1 Model.py).  Owns the default
 * rules for d_head, d_ff and attn_comm, and the evaluation order of every
 * size formula (kept so that results match the reference bit for bit).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "perf/model.h"

attn_comm_t model_default_attn_comm(double d)
{
    /* quirk: the attention communication is chosen by the model width alone */
    if (d == 18432)
        return ATTN_COMM_PALM;
    if (d == 8192)
        return ATTN_COMM_LLAMA;
    return ATTN_COMM_ALLREDUCE;
}

static void model_block_sizes(model_t *m)
{
    m->q_size = m->num_heads * m->d * m->d_head;
    m->k_size = m->num_heads * m->d * m->d_head / m->heads_per_kv_cache;
    m->v_size = m->k_size;
    m->o_size = m->num_heads * m->d * m->d_head;
    m->atten_size = m->q_size + m->k_size + m->v_size + m->o_size;
    m->fc1_size = m->d * m->d_ff;
    m->fc2_size = m->d_ff * m->d;
    m->ffn_size = m->fc1_size + m->fc2_size;
    m->glu_size = m->gated ? m->d * m->d_ff : 0;
}

bool model_derive(const model_cfg_t *cfg, model_t *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (!(cfg->num_layers > 0) || !(cfg->d > 0) || !(cfg->num_heads > 0)) {
        snprintf(err, errlen, "model '%s': num_layers, d and num_heads must be positive",
                 cfg->name);
        return false;
    }
    snprintf(m->name, sizeof m->name, "%s", cfg->name);
    m->num_layers = cfg->num_layers;
    m->d = cfg->d;
    m->num_heads = cfg->num_heads;
    m->d_head = cfg->d_head > 0 ? cfg->d_head : floor(cfg->d / cfg->num_heads);
    m->d_ff = cfg->d_ff > 0 ? cfg->d_ff : cfg->d * 4;
    m->heads_per_kv_cache = cfg->heads_per_kv_cache > 0 ? cfg->heads_per_kv_cache : 1;
    m->bytes_per_number = cfg->bytes_per_number > 0 ? cfg->bytes_per_number : 2;
    m->gated = strstr(cfg->act, "glu") != NULL;
    m->attn_comm = cfg->attn_comm != ATTN_COMM_DEFAULT ? cfg->attn_comm
                                                       : model_default_attn_comm(m->d);
    model_block_sizes(m);
    m->model_size = m->num_layers * (m->atten_size + m->ffn_size + m->glu_size);
    m->model_size_byte = m->model_size * m->bytes_per_number;
    m->kv_cache_size_per_token =
        m->num_layers * 2 * m->num_heads * m->d_head / m->heads_per_kv_cache;
    m->kv_cache_size_per_token_byte = m->kv_cache_size_per_token * m->bytes_per_number;
    return true;
}

/* FC FLOPs of all layers for `tokens` tokens (QKV, output, FFN). */
static double model_fc_flops(const model_t *m, double tokens)
{
    double atten_fc_flops = m->atten_size * tokens * 2;
    double ffn_fc_flops = m->ffn_size * tokens * 2;
    return m->num_layers * (atten_fc_flops + ffn_fc_flops);
}

double model_prefill_flops(const model_t *m, double ctx_len)
{
    double self_atten_flops =
        m->num_layers * 2 * m->num_heads * m->d_head * ctx_len * ctx_len * 2;
    return model_fc_flops(m, ctx_len) + self_atten_flops;
}

double model_generate_flops(const model_t *m, double ctx_len)
{
    double atten_fc_flops = m->atten_size * 2;
    double ffn_fc_flops = m->ffn_size * 2;
    double fc_flops = m->num_layers * (atten_fc_flops + ffn_fc_flops);
    double self_atten_flops = m->num_layers * 2 * m->num_heads * m->d_head * ctx_len * 1 * 2;
    return fc_flops + self_atten_flops;
}

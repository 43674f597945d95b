/*
 * v2_sizes.c -- model sizes of perf_model v2: K/V heads (GQA/MQA), MLA's
 * latent KV cache, MoE experts, weight and KV bytes in their formats.
 * Replaces model.c's model_block_sizes / kv_cache_size_per_token for the
 * v2 passes and sizing (the reference's fields stay for reference runs).
 *
 * Sources: K/V heads of multi-query (Shazeer 2019, "Fast Transformer
 * Decoding") and grouped-query attention (Ainslie et al. 2023); MLA's
 * projections and latent cache (DeepSeek-V2, section 2.1); MoE parameter
 * counts from the experts, shared experts and router (DeepSeek-V3 and
 * Mixtral configs); the distinct experts touched assume uniform routing
 * (each token's top_k choices independent and equally likely), stated,
 * not measured.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/named.h"
#include "perf/system.h"
#include "perf/v2_model.h"

double v2_kv_heads(double num_heads, double heads_per_kv_cache)
{
    return num_heads / (heads_per_kv_cache > 0 ? heads_per_kv_cache : 1);
}

double v2_kv_numbers_per_layer(const v2_t *v, double d_head)
{
    if (v->mla)
        return v->kv_lora_rank + v->qk_rope_head_dim; /* one latent shared by all heads */
    return v->kv_heads * 2 * d_head;
}

double v2_experts_touched(double experts, double top_k, double n_tokens)
{
    if (experts <= 0)
        return 0;
    double miss = 1 - top_k / experts;
    return experts * (1 - pow(miss > 0 ? miss : 0, n_tokens));
}

/* Attention projections of one layer: Q, K, V and O, or MLA's low-rank
 * Q and KV projections (DeepSeek-V2 section 2.1). */
static double v2_attention_params(const v2_t *v, double d, double num_heads, double d_head,
                                  const model_cfg_t *m)
{
    if (!v->mla)
        return d * (num_heads + 2 * v->kv_heads) * d_head + num_heads * d_head * d;
    double qk_head = m->qk_nope_head_dim + m->qk_rope_head_dim;
    double q = m->q_lora_rank > 0 ? d * m->q_lora_rank + m->q_lora_rank * num_heads * qk_head
                                  : d * num_heads * qk_head;
    double kv_a = d * (m->kv_lora_rank + m->qk_rope_head_dim);
    double kv_b = m->kv_lora_rank * num_heads * (m->qk_nope_head_dim + m->v_head_dim);
    double o = num_heads * m->v_head_dim * d;
    return q + kv_a + kv_b + o;
}

static bool v2_formats_of(v2_t *v, const model_cfg_t *m, char *err, size_t errlen)
{
    char msg[200];
    const char *names[4] = {m->weight_format, m->act_format, m->kv_format,
                            m->lm_head_format[0] ? m->lm_head_format : m->weight_format};
    const v2_format_t **dst[4] = {&v->weight_fmt, &v->act_fmt, &v->kv_fmt, &v->lm_head_fmt};
    const char *keys[4] = {"weight_format", "act_format", "kv_format", "lm_head_format"};
    for (int i = 0; i < 4; i++)
        if (!(*dst[i] = v2_format_find(names[i], msg, sizeof msg))) {
            snprintf(err, errlen, "Model.%s: %s", keys[i], msg);
            return false;
        }
    return true;
}

bool v2_sizes(v2_t *v, const model_cfg_t *m, double d, double num_heads, double d_head,
              double d_ff, double heads_per_kv_cache, bool gated, double num_layers,
              char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    if (!v2_formats_of(v, m, err, errlen))
        return false;
    v->mla = m->kv_lora_rank > 0;
    if (v->mla && !(m->qk_rope_head_dim > 0 && m->qk_nope_head_dim > 0 && m->v_head_dim > 0)) {
        snprintf(err, errlen, "model '%s': MLA (kv_lora_rank) needs qk_rope_head_dim, "
                              "qk_nope_head_dim and v_head_dim", m->name);
        return false;
    }
    v->moe = m->num_experts > 0;
    if (v->moe && !(m->experts_per_token > 0 && m->experts_per_token <= m->num_experts)) {
        snprintf(err, errlen, "model '%s': experts_per_token must be in 1..num_experts", m->name);
        return false;
    }
    v->kv_lora_rank = m->kv_lora_rank;
    v->qk_rope_head_dim = m->qk_rope_head_dim;
    if (v->mla) {
        v->kv_heads = 1;
        v->kv_numbers_per_head = m->kv_lora_rank + m->qk_rope_head_dim;
        /* absorbed attention: scores over rank + rope, values over rank */
        v->qk_width = m->kv_lora_rank + m->qk_rope_head_dim;
        v->v_width = m->kv_lora_rank;
        v->q_width = num_heads * (m->qk_nope_head_dim + m->qk_rope_head_dim);
    } else {
        v->kv_heads = v2_kv_heads(num_heads, heads_per_kv_cache);
        v->kv_numbers_per_head = 2 * d_head;
        v->qk_width = d_head;
        v->v_width = d_head;
        v->q_width = num_heads * d_head;
    }
    v->attn_params = v2_attention_params(v, d, num_heads, d_head, m);
    v->o_params = num_heads * (v->mla ? m->v_head_dim : d_head) * d;
    v->ffn_matrices = gated ? 3 : 2;
    v->dense_ffn_params = v->ffn_matrices * d * d_ff;
    if (v->moe) {
        v->experts = m->num_experts;
        v->top_k = m->experts_per_token;
        v->shared_experts = m->num_shared_experts;
        v->moe_d_ff = m->moe_d_ff > 0 ? m->moe_d_ff : d_ff;
        v->dense_layers = m->first_dense_layers < num_layers ? m->first_dense_layers : num_layers;
        v->expert_params = v->ffn_matrices * d * v->moe_d_ff;
    }
    double moe_layer_ffn = (v->experts + v->shared_experts) * v->expert_params + d * v->experts;
    double ffn_total = v->moe ? v->dense_layers * v->dense_ffn_params +
                                    (num_layers - v->dense_layers) * moe_layer_ffn
                              : num_layers * v->dense_ffn_params;
    v->vocab = m->vocab_size;
    double tables = m->tied_embeddings ? 1 : 2;   /* embedding, LM head */
    v->params = num_layers * v->attn_params + ffn_total + tables * v->vocab * d;
    v->weight_bytes = (v->params - v->vocab * d) * v->weight_fmt->bytes +
                      v->vocab * d * v->lm_head_fmt->bytes;
    v->kv_bytes_per_token = num_layers * v2_kv_numbers_per_layer(v, d_head) * v->kv_fmt->bytes;
    return true;
}

const v2_correction_t v2_corrections[] = {
    {"gqa", V2_OFF_GQA},           {"formats", V2_OFF_FORMATS},
    {"nonmatmul", V2_OFF_NONMATMUL}, {"shape_efficiency", V2_OFF_SHAPE},
    {"op_latency", V2_OFF_OP_LATENCY}, {"layouts", V2_OFF_LAYOUTS},
    {"kv_batch_sharding", V2_OFF_KV_BATCH}, {"lm_head", V2_OFF_LM_HEAD},
    {"gqa_attention", V2_OFF_GQA_ATTENTION}, {"waves", V2_OFF_WAVES},
    {"k_overhead", V2_OFF_K_OVERHEAD}, {"act_quant", V2_OFF_ACT_QUANT},
    {"sustained_clock", V2_OFF_CLOCK}, {"collective_fixed", V2_OFF_COLLECTIVE_FIXED},
    {"collective_library", V2_OFF_COLLECTIVE_LIB}, {"l2_reuse", V2_OFF_L2_REUSE},
};
const size_t v2_correction_count = sizeof v2_corrections / sizeof v2_corrections[0];

bool v2_off_parse(const char *list, unsigned *bits, char *err, size_t errlen)
{
    *bits = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        long i = named_find(v2_corrections, v2_correction_count, sizeof v2_corrections[0], tok,
                            "v2 correction", err, errlen);
        if (i < 0)
            return false;
        *bits |= v2_corrections[i].bit;
    }
    return true;
}

bool v2_derive(system_t *sys, const model_cfg_t *m, const system_cfg_t *cfg, char *err,
               size_t errlen)
{
    model_t *md = &sys->model;
    v2_t *v = &sys->v2;
    model_cfg_t mc = *m;
    unsigned off = cfg->v2_off;
    if (off & V2_OFF_FORMATS)
        mc.weight_format[0] = mc.act_format[0] = mc.kv_format[0] = mc.lm_head_format[0] = '\0';
    if (off & V2_OFF_LM_HEAD)
        mc.vocab_size = 0;
    if (!v2_sizes(v, &mc, md->d, md->num_heads, md->d_head, md->d_ff,
                  off & V2_OFF_GQA ? 1 : md->heads_per_kv_cache, md->gated, md->num_layers, err,
                  errlen))
        return false;
    v->off = off;
    const chip_t *chip = sys->srv->package->chip;
    v->peak_flops = v2_peak_flops(chip, v2_compute_format(v->weight_fmt, v->act_fmt));
    v->lm_head_peak_flops = v2_peak_flops(chip, v2_compute_format(v->lm_head_fmt, v->act_fmt));
    /* the hardware file's check (hw_config.c chip_check) keeps sustained <= max, both or neither */
    if (!(off & V2_OFF_CLOCK)) {
        double clock = v2_sustained_clock_ratio(chip->max_clock_mhz, chip->sustained_clock_mhz);
        v->peak_flops *= clock;
        v->lm_head_peak_flops *= clock;
    }
    v->layer_overhead_s = cfg->layer_overhead_s;
    double op_latency_s = cfg->op_latency_s;
    if (cfg->launch_stack[0]) {
        const v2_launch_stack_t *st = v2_launch_stack_find(cfg->launch_stack, err, errlen);
        if (!st)
            return false;
        op_latency_s = st->kernel_launch_s();
    }
    v->op_latency_s = off & V2_OFF_OP_LATENCY ? 0 : op_latency_s;
    v->matmul_k_overhead = off & V2_OFF_K_OVERHEAD ? 0 : cfg->matmul_k_overhead;
    v->collective_fixed_s = off & V2_OFF_COLLECTIVE_FIXED ? 0 : cfg->collective_fixed_s;
    v->l2_read_bytes_per_s = off & V2_OFF_L2_REUSE ? 0 : chip->l2_read_bytes_per_s;
    v->allreduce_latency_s = NULL;
    if (cfg->collective_library[0] && !(off & V2_OFF_COLLECTIVE_LIB)) {
        const v2_collective_lib_t *lib = v2_collective_lib_find(cfg->collective_library, err, errlen);
        if (!lib)
            return false;
        v->allreduce_latency_s = lib->allreduce_latency_s;
    }
    v->matmul_tile = off & V2_OFF_SHAPE ? 0 : cfg->matmul_tile > 0 ? cfg->matmul_tile : 128;
    v->matmul_tile_inv = v2_exact_inverse(v->matmul_tile);
    v->matmul_units = off & V2_OFF_WAVES ? 0 : cfg->matmul_units;
    v->fused_attention = cfg->fused_attention;
    v->dim_d = v2_dim(v, md->d);
    v->dim_qk = v2_dim(v, v->qk_width);
    v->dim_v = v2_dim(v, v->v_width);
    /* sizing and memory checks see the v2 sizes */
    md->model_size = v->params;
    md->model_size_byte = v->weight_bytes;
    md->kv_cache_size_per_token_byte = v->kv_bytes_per_token;
    md->kv_cache_size_per_token = v->kv_bytes_per_token / v->kv_fmt->bytes;
    return true;
}

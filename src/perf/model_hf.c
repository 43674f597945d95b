/*
 * model_hf.c -- HuggingFace config -> ReaLLM model record (see
 * model_hf.h).  The rules, one per field the reference cannot hold, are
 * listed in docs/hf-models.md ("config.json as a ReaLLM model").
 */
#include "perf/model_hf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ops/hf_params.h"
#include "perf/sw_config.h"

static void note(char *notes, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(char *notes, size_t len, const char *fmt, ...)
{
    size_t o = strlen(notes);
    if (o + 2 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes + o, len - o, fmt, ap);
    va_end(ap);
    o = strlen(notes);
    if (o + 1 < len) {
        notes[o] = '\n';
        notes[o + 1] = '\0';
    }
}

int model_from_hf(const hf_config_t *c, const char *name, model_cfg_t *out, char *notes, size_t len)
{
    memset(out, 0, sizeof *out);
    notes[0] = '\0';
    if (!c->decoder) {
        snprintf(notes, len,
                 "%s is encoder-only: the ReaLLM model serves decoders (prefill, then token generation "
                 "with a KV cache)",
                 c->model_type);
        return -1;
    }
    snprintf(out->name, sizeof out->name, "%s", name);
    for (char *p = out->name; *p; p++)
        if (*p == '/' || *p == '\\' || *p == ' ' || *p == '\t')
            *p = '_';
    out->num_layers = (double)c->layers;
    out->d = (double)c->hidden;
    out->num_heads = (double)c->heads;
    out->d_head = (double)c->head_dim;
    out->d_ff = (double)c->ffn;
    out->heads_per_kv_cache = (double)(c->heads / c->kv_heads);
    out->bytes_per_number = op_dtype_bytes(c->weight_dtype);
    out->attn_comm = ATTN_COMM_DEFAULT;
    int gated = strcmp(c->act, "silu") == 0 || strcmp(c->act, "swish") == 0 || c->arch == HF_DEEPSEEK_V3;
    if (c->arch == HF_GPT2 || c->arch == HF_BERT || c->arch == HF_DISTILBERT)
        gated = 0;
    snprintf(out->act, sizeof out->act, "%s", gated ? "swiglu" : "gelu");

    if (c->arch != HF_DEEPSEEK_V3 && c->head_dim * c->heads != c->hidden)
        note(notes, len,
             "head_dim %lld != hidden_size / heads = %lld: kept as d_head (attention width %lld, o_proj %lld -> %lld)",
             (long long)c->head_dim, (long long)(c->hidden / c->heads), (long long)(c->heads * c->head_dim),
             (long long)(c->heads * c->head_dim), (long long)c->hidden);
    if (c->arch == HF_DEEPSEEK_V3) {
        /* MLA: nq heads of v_head_dim, MHA-shaped projections and cache */
        out->d_head = (double)c->v_head_dim;
        out->heads_per_kv_cache = 1;
        hf_params_t p = hf_params(c);
        note(notes, len,
             "MLA is not representable: modelled as MHA with %lld heads of d_head = v_head_dim = %lld "
             "(attention %.0f parameters per layer instead of %lld; KV cache %lld elements per token and layer "
             "instead of %lld decompressed or %lld latent)",
             (long long)c->heads, (long long)c->v_head_dim, 4.0 * (double)c->heads * (double)c->hidden *
             (double)c->v_head_dim, (long long)p.per_layer_attn, (long long)(2 * c->heads * c->v_head_dim),
             (long long)(c->heads * (c->qk_nope_head_dim + c->qk_rope_head_dim + c->v_head_dim)),
             (long long)(c->kv_lora_rank + c->qk_rope_head_dim));
    }
    if (c->experts) {
        int64_t active_ff = c->moe_ffn * (c->experts_per_tok + c->shared_experts);
        out->d_ff = (double)active_ff;
        hf_params_t p = hf_params(c);
        note(notes, len,
             "MoE is not representable: d_ff = %lld = the %lld routed%s experts of width %lld a token uses "
             "(FLOPs per token exact; weights held: %lld active of %lld total parameters, so memory sizing "
             "is too small)",
             (long long)active_ff, (long long)c->experts_per_tok, c->shared_experts ? " + shared" : "",
             (long long)c->moe_ffn, (long long)p.active, (long long)p.total);
        if (c->first_dense && c->ffn != active_ff)
            note(notes, len, "the %lld leading dense layers (d_ff %lld) are modelled with d_ff %lld",
                 (long long)c->first_dense, (long long)c->ffn, (long long)active_ff);
    }
    if (c->weight_dtype != c->dtype)
        note(notes, len, "weights are %s (bytes_per_number %g) while activations and the KV cache are %s",
             op_dtype_name(c->weight_dtype), out->bytes_per_number, op_dtype_name(c->dtype));
    if (c->sliding_window)
        note(notes, len, "sliding_window %lld is ignored (attention over the whole context)",
             (long long)c->sliding_window);
    return 0;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

int model_load_any(const char *path, model_cfg_t *out, cfg_err_t *err, char *notes, size_t len)
{
    notes[0] = '\0';
    char resolved[4096];
    /* a model id of HF_MODELS_DIR ("meta-llama/Llama-3.1-8B") names its config.json */
    if (!hf_is_config_path(path) && !ends_with(path, ".yaml") && !ends_with(path, ".yml") &&
        access(path, F_OK) != 0) {
        if (!hf_resolve(path, resolved, sizeof resolved, err))
            return -1; /* "unknown model id ... known ids: ..." */
        path = resolved;
    }
    if (!hf_is_config_path(path))
        return sw_model_load(path, out, err);
    hf_config_t c;
    if (!hf_config_load(path, &c, err))
        return -1;
    char name[PERF_NAME_MAX];
    hf_model_name(path, name, sizeof name);
    if (model_from_hf(&c, name, out, notes, len)) {
        snprintf(err->msg, sizeof err->msg, "%.300s: %.700s", path, notes);
        notes[0] = '\0';
        return -1;
    }
    return 0;
}

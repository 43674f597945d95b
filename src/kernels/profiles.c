/*
 * profiles.c -- prefill, decode and chunked-prefill kernel rows in the
 * notebook's form and in the corrected default form (see profiles.h).
 *
 * Symbols: H hidden, I FFN width, nq/nkv query/KV heads, g = nq/nkv,
 * d head_dim, S prompt length, T keys attended, B batch.
 */
#include <stdio.h>
#include <string.h>

#include "kernels/profiles.h"

#define ADD(type, name, m, k, n, batch, g)                                                          \
    do {                                                                                           \
        if (!(row = kern_add(w, type, name, m, k, n, batch, g, err, errlen)))                      \
            return -1;                                                                             \
    } while (0)

int kern_run_derive(kern_run_t *r, char *err, size_t errlen)
{
    const int64_t max_len = (int64_t)1 << 24, max_batch = (int64_t)1 << 20;
    if (r->input_len < 1 || r->input_len > max_len || r->output_len < 1 || r->output_len > max_len) {
        snprintf(err, errlen, "--input-len and --output-len take 1..%lld tokens", (long long)max_len);
        return -1;
    }
    if (r->batch < 1 || r->batch > max_batch || r->prefill_batch < 1 || r->prefill_batch > max_batch) {
        snprintf(err, errlen, "--batch and --prefill-batch take 1..%lld sequences", (long long)max_batch);
        return -1;
    }
    if (r->chunk < 0 || r->chunk > max_len) {
        snprintf(err, errlen, "--chunk takes 1..%lld tokens", (long long)max_len);
        return -1;
    }
    /* the notebook's driver cell, integer arithmetic as in Python */
    r->decode_ctx = r->input_len + r->output_len / 2;
    r->chunk_dtokens = r->chunk * r->output_len / (r->input_len + r->output_len);
    r->chunk_ptokens = r->chunk - r->chunk_dtokens;
    r->chunk_pctx = 0;
    if (r->chunk == 0)
        return 0;
    if (r->mode == KM_NOTEBOOK) {
        /* 1.73 ~ sqrt(3): the notebook's "average prefill" heuristic */
        r->chunk_pctx = (int64_t)((double)r->input_len / 1.73 - (double)(r->chunk_ptokens / 2));
        if (r->chunk_pctx < 1) {
            snprintf(err, errlen, "--compat notebook: the chunked heuristic int(input/1.73 - pT//2) gives %lld "
                     "prompt tokens of context (< 1); use a longer --input-len or a smaller --chunk",
                     (long long)r->chunk_pctx);
            return -1;
        }
    } else {
        if (r->chunk_ptokens > r->input_len) {
            snprintf(err, errlen, "--chunk %lld: %lld prompt tokens per chunk exceed --input-len %lld",
                     (long long)r->chunk, (long long)r->chunk_ptokens, (long long)r->input_len);
            return -1;
        }
        /* chunks start at 0, pT, 2 pT, ...: the average chunk follows (S - pT) / 2 prompt tokens */
        r->chunk_pctx = (r->input_len - r->chunk_ptokens) / 2;
    }
    return 0;
}

/* ---- the notebook's rows (spec §7.3), bugs included ------------------ */

static int nb_prefill(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    kern_row_t *row;
    int64_t S = r->input_len, B = r->prefill_batch, H = m->hidden, I = m->ffn, d = m->head_dim_floor;
    ADD(KT_MA_MW, "Q/K/V*W", S, H, d * (m->heads + m->kv_heads * 2), B, 1);
    /* the misspelt qrouped_q keyword leaves grouped_q at 1 */
    ADD(KT_MA_MQA, "Q*gK", S, H, S, B, 1);
    ADD(KT_MA_MQA, "Q*gK*gV", S, H, S, B, 1);
    ADD(KT_MA_MW, "O*W", S, H, H, B, 1);
    ADD(KT_MA_MW, "FFN_up", S, H, I, B, 1);
    ADD(KT_MA_MW, "FFN_gate", S, H, I, B, 1);
    ADD(KT_MA_MW, "FFN_down", S, I, H, B, 1);
    ADD(KT_ASYNC_KVCACHE, "KVCache_Store", S, d, 2 * m->kv_heads, B, 1);
    return 0;
}

static int nb_decode(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    kern_row_t *row;
    int64_t C = r->decode_ctx, B = r->batch, H = m->hidden, I = m->ffn, d = m->head_dim_floor;
    ADD(KT_VA_MW, "Q/K/V*W", 1, H, d * (m->heads + 2 * m->kv_heads), B, 1);
    ADD(KT_KVCACHE, "KVCache_Read", C, d, 2 * m->kv_heads, B, 1);
    ADD(KT_VA_MQA, "Q*gK", 1, H, C, B, 1);
    ADD(KT_VA_MQA, "Q*gK*gV", 1, H, C, B, 1);
    ADD(KT_VA_MW, "O*W", 1, H, H, B, 1);
    ADD(KT_VA_MW, "FFN_up", 1, H, I, B, 1);
    ADD(KT_VA_MW, "FFN_gate", 1, H, I, B, 1);
    ADD(KT_VA_MW, "FFN_down", 1, I, H, B, 1);
    return 0;
}

static int nb_chunked(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    kern_row_t *row;
    int64_t pT = r->chunk_ptokens, dT = r->chunk_dtokens, pC = r->chunk_pctx, dC = r->decode_ctx;
    int64_t H = m->hidden, I = m->ffn, d = m->head_dim_floor, nkv = m->kv_heads;
    ADD(KT_MA_MW, "Q/K/V*W", pT + dT, H, d * (m->heads + nkv * 2), 1, 1);
    ADD(KT_KVCACHE, "dKVCache_Read", dC, d, 2 * nkv, dT, 1);
    /* decode attention width d*nkv instead of dC */
    ADD(KT_VA_MQA, "dQ*gK", 1, H, d * nkv, dT, 1);
    ADD(KT_VA_MQA, "dQ*gK*gV", 1, H, d * nkv, dT, 1);
    ADD(KT_ASYNC_KVCACHE, "pKVCache_Read", pC, d, 2 * nkv, 1, 1);
    ADD(KT_MA_MQA, "pQ*gK", pT, H, pC, 1, 1);
    ADD(KT_MA_MQA, "pQ*gK*gV", pT, H, pC, 1, 1);
    ADD(KT_ASYNC_KVCACHE, "KVCache_Store", pT, d, 2 * nkv, 1, 1);
    ADD(KT_MA_MW, "O*W", pT + dT, H, H, 1, 1);
    ADD(KT_MA_MW, "FFN_up", pT + dT, H, I, 1, 1);
    ADD(KT_MA_MW, "FFN_gate", pT + dT, H, I, 1, 1);
    ADD(KT_MA_MW, "FFN_down", pT + dT, I, H, 1, 1);
    return 0;
}

/* ---- the corrected rows ---------------------------------------------- */

/* Attention MACs of one of QK^T or PV: every query head against the keys
 * it sees.  keys_sum = sum over the queries of one sequence of the keys
 * each attends (causal: a query sees the prefix and itself). */
static int attention_compute(kern_row_t *row, const kern_model_t *m, int64_t seqs, int64_t keys_sum, char *err,
                             size_t errlen)
{
    int64_t a, b;
    if (__builtin_mul_overflow(seqs, m->heads, &a) || __builtin_mul_overflow(a, m->head_dim, &b) ||
        __builtin_mul_overflow(b, keys_sum, &row->compute)) {
        snprintf(err, errlen, "%s: attention MACs overflow 64 bits", row->name);
        return -1;
    }
    return 0;
}

/* The rows every profile shares around attention: norm, QKV projection
 * and KV store before it, output projection, norm and FFN after. */
static int dense_pre(const kern_model_t *m, kern_workload_t *w, kern_type_t mw, int64_t tokens, int64_t B,
                     char *err, size_t errlen)
{
    kern_row_t *row;
    int64_t H = m->hidden, d = m->head_dim;
    ADD(KT_VW_VA, "input_norm", 1, H, tokens, B, 1);
    ADD(mw, "Q/K/V*W", tokens, H, d * (m->heads + 2 * m->kv_heads), B, 1);
    ADD(KT_ASYNC_KVCACHE, "KVCache_Store", tokens, d, 2 * m->kv_heads, B, 1);
    return 0;
}

static int dense_post(const kern_model_t *m, kern_workload_t *w, kern_type_t mw, int64_t tokens, int64_t B,
                      int64_t logits, char *err, size_t errlen)
{
    kern_row_t *row;
    int64_t H = m->hidden, I = m->ffn;
    ADD(mw, "O*W", tokens, m->heads * m->head_dim, H, B, 1);
    ADD(KT_VW_VA, "post_attn_norm", 1, H, tokens, B, 1);
    ADD(mw, "FFN_up", tokens, H, I, B, 1);
    if (m->gated)
        ADD(mw, "FFN_gate", tokens, H, I, B, 1);
    ADD(mw, "FFN_down", tokens, I, H, B, 1);
    /* once per model: the final norm and the vocabulary projection */
    ADD(KT_VW_VA, "final_norm", 1, H, tokens, B, 1);
    row->scope = KS_MODEL;
    if (m->vocab > 0 && logits > 0) {
        ADD(logits > 1 ? KT_MA_MW : KT_VA_MW, "lm_head", logits, H, m->vocab, B, 1);
        row->scope = KS_MODEL;
    }
    return 0;
}

static int fix_prefill(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    kern_row_t *row;
    int64_t S = r->input_len, B = r->prefill_batch, d = m->head_dim, nkv = m->kv_heads, g = m->heads / nkv;
    if (dense_pre(m, w, KT_MA_MW, S, B, err, errlen))
        return -1;
    /* causal (flash-style): query i sees i keys, sum = S(S+1)/2 */
    int64_t keys = S % 2 ? S * ((S + 1) / 2) : (S / 2) * (S + 1);
    ADD(KT_MA_MQA, "Q*gK", S, d, S, B * nkv, g);
    if (attention_compute(row, m, B, keys, err, errlen))
        return -1;
    ADD(KT_MA_MQA, "Q*gK*gV", S, S, d, B * nkv, g);
    if (attention_compute(row, m, B, keys, err, errlen))
        return -1;
    /* logits of the last prompt token only (generation's logits_to_keep = 1) */
    return dense_post(m, w, KT_MA_MW, S, B, 1, err, errlen);
}

static int fix_decode(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    kern_row_t *row;
    int64_t T = r->decode_ctx, B = r->batch, d = m->head_dim, nkv = m->kv_heads, g = m->heads / nkv;
    if (dense_pre(m, w, KT_VA_MW, 1, B, err, errlen))
        return -1;
    /* the cache of T-1 tokens plus the one just stored: T keys and values */
    ADD(KT_KVCACHE, "KVCache_Read", T, d, 2 * nkv, B, 1);
    row->kv_in_attention = true;
    ADD(KT_VA_MQA, "Q*gK", 1, d, T, B * nkv, g);
    ADD(KT_VA_MQA, "Q*gK*gV", 1, T, d, B * nkv, g);
    return dense_post(m, w, KT_VA_MW, 1, B, 1, err, errlen);
}

static int fix_chunked(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    kern_row_t *row;
    int64_t pT = r->chunk_ptokens, dT = r->chunk_dtokens, pC = r->chunk_pctx, dC = r->decode_ctx;
    int64_t d = m->head_dim, nkv = m->kv_heads, g = m->heads / nkv;
    /* every token of the chunk, prompt and decode, stores its K and V */
    if (dense_pre(m, w, KT_MA_MW, pT + dT, 1, err, errlen))
        return -1;
    if (dT > 0) {
        ADD(KT_KVCACHE, "dKVCache_Read", dC, d, 2 * nkv, dT, 1);
        row->kv_in_attention = true;
        ADD(KT_VA_MQA, "dQ*gK", 1, d, dC, dT * nkv, g);
        ADD(KT_VA_MQA, "dQ*gK*gV", 1, dC, d, dT * nkv, g);
    }
    if (pC > 0) {
        ADD(KT_KVCACHE, "pKVCache_Read", pC, d, 2 * nkv, 1, 1);
        row->kv_in_attention = true;
    }
    /* the chunk's queries see the pC earlier prompt tokens and, causally, each other */
    int64_t keys, tri = pT % 2 ? pT * ((pT + 1) / 2) : (pT / 2) * (pT + 1);
    if (__builtin_mul_overflow(pT, pC, &keys) || __builtin_add_overflow(keys, tri, &keys)) {
        snprintf(err, errlen, "chunked: attention keys overflow 64 bits");
        return -1;
    }
    ADD(KT_MA_MQA, "pQ*gK", pT, d, pC + pT, nkv, g);
    if (attention_compute(row, m, 1, keys, err, errlen))
        return -1;
    ADD(KT_MA_MQA, "pQ*gK*gV", pT, pC + pT, d, nkv, g);
    if (attention_compute(row, m, 1, keys, err, errlen))
        return -1;
    /* logits for the decode tokens of the chunk */
    return dense_post(m, w, KT_MA_MW, pT + dT, 1, dT, err, errlen);
}

typedef int (*builder_fn)(const kern_model_t *, const kern_run_t *, kern_workload_t *, char *, size_t);

static int build(const char *name, builder_fn nb, builder_fn fix, const kern_model_t *m, const kern_run_t *r,
                 kern_workload_t *w, char *err, size_t errlen)
{
    kern_workload_init(w, name);
    int rc = (r->mode == KM_NOTEBOOK ? nb : fix)(m, r, w, err, errlen);
    if (rc)
        kern_workload_free(w);
    return rc;
}

int kern_profile_prefill(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    return build("prefill", nb_prefill, fix_prefill, m, r, w, err, errlen);
}

int kern_profile_decode(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    return build("decode", nb_decode, fix_decode, m, r, w, err, errlen);
}

int kern_profile_chunked(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    return build("chunked", nb_chunked, fix_chunked, m, r, w, err, errlen);
}

const kern_profile_t kern_profiles[3] = {
    {"prefill", kern_profile_prefill},
    {"decode", kern_profile_decode},
    {"chunked", kern_profile_chunked},
};

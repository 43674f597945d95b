/*
 * profiles.c -- prefill, decode and chunked-prefill kernel rows (spec
 * §7.3), with each of the notebook's bugs fixed or kept by its KF_* bit
 * (see profiles.h).  With no fix the rows, their order and their numbers
 * are the notebook's.
 *
 * Symbols: H hidden, I FFN width, nq/nkv query/KV heads, g = nq/nkv,
 * d head_dim, S prompt length, T keys attended, B sequences.
 */
#include <stdio.h>
#include <string.h>

#include "config/named.h"
#include "kernels/profiles.h"

const kern_fix_t kern_fixes[11] = {
    {"gqa", KF_GQA, "fused attention per K/V head (k = head_dim, g queries share K/V, no fold across sequences)"},
    {"head_dim", KF_HEAD_DIM, "explicit head_dim instead of hidden // heads"},
    {"chunk_width", KF_CHUNK_WIDTH, "chunked decode tokens attend dC keys, not head_dim x KV heads"},
    {"kv_timed", KF_KV_TIMED, "KV stores timed; the chunk's prefix read is a KVCache read"},
    {"causal", KF_CAUSAL, "causal masking (S(S+1)/2), chunk offset (S - pT)/2"},
    {"kv_writes", KF_KV_WRITES, "decode tokens store their K/V"},
    {"norms", KF_NORMS, "input, post-attention and final norms"},
    {"lm_head", KF_LM_HEAD, "vocabulary projection"},
    {"fold", KF_FOLD, "tiler stacks sequences into a weight row's token dimension"},
    {"ffn", KF_FFN, "FFN of the model (no gate for GELU MLPs)"},
    {"units", KF_UNITS, "bytes per value from the model's dtype"},
};

int kern_fixes_parse(const char *list, unsigned *bits, char *err, size_t errlen)
{
    if (strcmp(list, "all") == 0) {
        *bits = KF_ALL;
        return 0;
    }
    *bits = 0;
    if (strcmp(list, "none") == 0)
        return 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long i = named_find(kern_fixes, 11, sizeof kern_fixes[0], tok, "fix", err, errlen);
        if (i < 0)
            return -1;
        *bits |= kern_fixes[i].bit;
    }
    return 0;
}

unsigned kern_run_fixes(const kern_run_t *r)
{
    return r->mode == KM_NOTEBOOK ? 0u : (unsigned)KF_ALL & ~r->fixes_off;
}

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
    if (kern_run_fixes(r) & KF_CAUSAL) {
        if (r->chunk_ptokens > r->input_len) {
            snprintf(err, errlen, "--chunk %lld: %lld prompt tokens per chunk exceed --input-len %lld",
                     (long long)r->chunk, (long long)r->chunk_ptokens, (long long)r->input_len);
            return -1;
        }
        /* chunks start at 0, pT, 2 pT, ...: the average chunk follows (S - pT) / 2 prompt tokens */
        r->chunk_pctx = (r->input_len - r->chunk_ptokens) / 2;
    } else {
        /* 1.73 ~ sqrt(3): the notebook's "average prefill" heuristic */
        r->chunk_pctx = (int64_t)((double)r->input_len / 1.73 - (double)(r->chunk_ptokens / 2));
        if (r->chunk_pctx < 1) {
            snprintf(err, errlen, "the notebook's chunk heuristic int(input/1.73 - pT//2) gives %lld "
                     "prompt tokens of context (< 1); use a longer --input-len or a smaller --chunk",
                     (long long)r->chunk_pctx);
            return -1;
        }
    }
    return 0;
}

/* What every builder needs. */
typedef struct {
    const kern_model_t *m;
    unsigned fx;
    kern_workload_t *w;
    int64_t d;               /* head_dim used */
    char *err;
    size_t errlen;
} ctx_t;

static kern_row_t *add(ctx_t *c, kern_type_t type, const char *name, int64_t m, int64_t k, int64_t n, int64_t batch,
                       int64_t g)
{
    return kern_add(c->w, type, name, m, k, n, batch, g, c->err, c->errlen);
}

#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (!(row = add(__VA_ARGS__)))                                                             \
            return -1;                                                                             \
    } while (0)

/* sum over q = 1..S of (P + q): keys a causal query block sees, without overflow */
static bool causal_keys(int64_t S, int64_t P, int64_t *out)
{
    int64_t tri = S % 2 ? S * ((S + 1) / 2) : (S / 2) * (S + 1), pre;
    return !__builtin_mul_overflow(S, P, &pre) && !__builtin_add_overflow(pre, tri, out);
}

/* QK^T and PV of B sequences, S queries each, T keys at most, keys_sum keys
 * over the S queries (S*T without masking). */
static int attention(ctx_t *c, kern_type_t type, const char *qk, const char *pv, int64_t S, int64_t T, int64_t B,
                     int64_t keys_sum)
{
    kern_row_t *row;
    const kern_model_t *m = c->m;
    int64_t nkv = m->kv_heads;
    for (int i = 0; i < 2; i++) {
        if (c->fx & KF_GQA) {
            /* one GEMM per sequence and KV head: [S*g, d] x [d, T], then [S*g, T] x [T, d] */
            ADD(c, type, i ? pv : qk, S, i ? T : c->d, i ? c->d : T, B * nkv, m->heads / nkv);
            /* fused attention: the probabilities P never go to memory */
            row->a_on_chip = i == 1;
        } else {
            /* the notebook: k = hidden (= nq*d), grouped_q left at 1 by the qrouped_q typo */
            int64_t k = c->fx & KF_HEAD_DIM ? m->heads * c->d : m->hidden;
            ADD(c, type, i ? pv : qk, S, k, T, B, 1);
        }
        if (keys_sum != S * T) {
            /* causal: MACs = B x (nq d or k) x keys_sum */
            int64_t per = c->fx & KF_GQA ? m->heads * c->d : row->k, a;
            if (__builtin_mul_overflow(B, per, &a) || __builtin_mul_overflow(a, keys_sum, &row->compute)) {
                snprintf(c->err, c->errlen, "%s: attention MACs overflow 64 bits", row->name);
                return -1;
            }
        }
    }
    return 0;
}

static int qkv(ctx_t *c, kern_type_t mw, int64_t tokens, int64_t B)
{
    kern_row_t *row;
    if (c->fx & KF_NORMS)
        ADD(c, KT_VW_VA, "input_norm", 1, c->m->hidden, tokens, B, 1);
    ADD(c, mw, "Q/K/V*W", tokens, c->m->hidden, c->d * (c->m->heads + 2 * c->m->kv_heads), B, 1);
    return 0;
}

static int kv_store(ctx_t *c, int64_t tokens, int64_t B)
{
    kern_row_t *row;
    ADD(c, KT_ASYNC_KVCACHE, "KVCache_Store", tokens, c->d, 2 * c->m->kv_heads, B, 1);
    return 0;
}

static int kv_read(ctx_t *c, kern_type_t type, const char *name, int64_t T, int64_t B)
{
    kern_row_t *row;
    ADD(c, type, name, T, c->d, 2 * c->m->kv_heads, B, 1);
    /* with per-head attention the K/V tiles are the attention rows' B operand */
    row->kv_in_attention = (c->fx & KF_GQA) && type == KT_KVCACHE;
    return 0;
}

static int out_ffn(ctx_t *c, kern_type_t mw, int64_t tokens, int64_t B)
{
    kern_row_t *row;
    const kern_model_t *m = c->m;
    int64_t H = m->hidden, I = m->ffn;
    ADD(c, mw, "O*W", tokens, c->fx & KF_HEAD_DIM ? m->heads * c->d : H, H, B, 1);
    if (c->fx & KF_NORMS)
        ADD(c, KT_VW_VA, "post_attn_norm", 1, H, tokens, B, 1);
    ADD(c, mw, "FFN_up", tokens, H, I, B, 1);
    if (m->gated || !(c->fx & KF_FFN))
        ADD(c, mw, "FFN_gate", tokens, H, I, B, 1);
    ADD(c, mw, "FFN_down", tokens, I, H, B, 1);
    return 0;
}

/* Once per model: the final norm over every token, lm_head over the
 * `logits` tokens per sequence that sample. */
static int model_rows(ctx_t *c, int64_t tokens, int64_t B, int64_t logits)
{
    kern_row_t *row;
    if (c->fx & KF_NORMS) {
        ADD(c, KT_VW_VA, "final_norm", 1, c->m->hidden, tokens, B, 1);
        row->scope = KS_MODEL;
    }
    if ((c->fx & KF_LM_HEAD) && c->m->vocab > 0 && logits > 0) {
        ADD(c, logits > 1 ? KT_MA_MW : KT_VA_MW, "lm_head", logits, c->m->hidden, c->m->vocab, B, 1);
        row->scope = KS_MODEL;
    }
    return 0;
}

static int prefill(ctx_t *c, const kern_run_t *r)
{
    int64_t S = r->input_len, B = r->prefill_batch, keys = S * S;
    if ((c->fx & KF_CAUSAL) && !causal_keys(S, 0, &keys)) {
        snprintf(c->err, c->errlen, "prefill: attention keys overflow 64 bits");
        return -1;
    }
    if (qkv(c, KT_MA_MW, S, B) || attention(c, KT_MA_MQA, "Q*gK", "Q*gK*gV", S, S, B, keys) ||
        out_ffn(c, KT_MA_MW, S, B) || kv_store(c, S, B))
        return -1;
    /* generation samples from the last prompt token only (logits_to_keep = 1) */
    return model_rows(c, S, B, 1);
}

static int decode(ctx_t *c, const kern_run_t *r)
{
    /* the step whose cache holds T-1 tokens: it reads T keys and values
     * (the one it stores included) */
    int64_t T = r->decode_ctx, B = r->batch;
    if (qkv(c, KT_VA_MW, 1, B) || kv_read(c, KT_KVCACHE, "KVCache_Read", T, B) ||
        attention(c, KT_VA_MQA, "Q*gK", "Q*gK*gV", 1, T, B, T) || out_ffn(c, KT_VA_MW, 1, B))
        return -1;
    if ((c->fx & KF_KV_WRITES) && kv_store(c, 1, B))
        return -1;
    return model_rows(c, 1, B, 1);
}

static int chunked(ctx_t *c, const kern_run_t *r)
{
    int64_t pT = r->chunk_ptokens, dT = r->chunk_dtokens, pC = r->chunk_pctx, dC = r->decode_ctx;
    int64_t tokens = pT + dT;
    if (qkv(c, KT_MA_MW, tokens, 1))
        return -1;
    /* decode tokens: one query each against its own cache */
    int64_t dkeys = c->fx & KF_CHUNK_WIDTH ? dC : c->d * c->m->kv_heads;
    if (dT > 0 || c->fx == 0) /* the notebook keeps the rows even without decode tokens */
        if (kv_read(c, KT_KVCACHE, "dKVCache_Read", dC, dT) ||
            attention(c, KT_VA_MQA, "dQ*gK", "dQ*gK*gV", 1, dkeys, dT, dkeys))
            return -1;
    /* prompt tokens: the chunk against the pC prompt tokens before it and,
     * causally, each other; the notebook attends pC keys in all */
    if (kv_read(c, c->fx & KF_KV_TIMED ? KT_KVCACHE : KT_ASYNC_KVCACHE, "pKVCache_Read", pC, 1))
        return -1;
    int64_t T = c->fx & KF_CAUSAL ? pC + pT : pC, keys = pT * T;
    if ((c->fx & KF_CAUSAL) && !causal_keys(pT, pC, &keys)) {
        snprintf(c->err, c->errlen, "chunked: attention keys overflow 64 bits");
        return -1;
    }
    if (attention(c, KT_MA_MQA, "pQ*gK", "pQ*gK*gV", pT, T, 1, keys) ||
        kv_store(c, c->fx & KF_KV_WRITES ? tokens : pT, 1) || out_ffn(c, KT_MA_MW, tokens, 1))
        return -1;
    /* the decode tokens sample */
    return model_rows(c, tokens, 1, dT);
}

static int build(const char *name, int (*fn)(ctx_t *, const kern_run_t *), const kern_model_t *m,
                 const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    kern_workload_init(w, name);
    ctx_t c = {m, kern_run_fixes(r), w, 0, err, errlen};
    c.d = c.fx & KF_HEAD_DIM ? m->head_dim : m->head_dim_floor;
    int rc = fn(&c, r);
    if (rc)
        kern_workload_free(w);
    return rc;
}

int kern_profile_prefill(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    return build("prefill", prefill, m, r, w, err, errlen);
}

int kern_profile_decode(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    return build("decode", decode, m, r, w, err, errlen);
}

int kern_profile_chunked(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen)
{
    return build("chunked", chunked, m, r, w, err, errlen);
}

const kern_profile_t kern_profiles[3] = {
    {"prefill", kern_profile_prefill},
    {"decode", kern_profile_decode},
    {"chunked", kern_profile_chunked},
};

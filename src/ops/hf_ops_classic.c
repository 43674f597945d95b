/*
 * hf_ops_classic.c -- operator lists of the pre-Llama architectures (spec
 * §4.5-§4.7): GPT-2 (learned positions, Conv1D, LayerNorm, KV cache), BERT
 * and DistilBERT (encoder-only: bidirectional attention, no cache).
 */
#include <stdio.h>
#include <string.h>

#include "ops/hf_ops_build.h"

static void set_model_prefix(hb_t *b, const char *p)
{
    size_t n = strlen(p);
    memcpy(b->pre, p, n + 1);
    b->model_len = n;
    b->pre_len = n;
}

static void no_prefix(hb_t *b)
{
    b->pre_len = 0;
    b->pre[0] = '\0';
}

static bool positions_fit(hb_t *b, const char *key)
{
    if (b->T <= b->c->max_positions)
        return true;
    snprintf(b->err, b->errlen, "%lld positions exceed the %lld of the learned position table (%s)",
             (long long)b->T, (long long)b->c->max_positions, key);
    return false;
}

bool hb_build_gpt2(hb_t *b)
{
    const hf_config_t *c = b->c;
    int64_t B = b->B, S = b->S, H = c->hidden, rows = B * S, I = c->ffn, nh = c->heads, d = c->head_dim;
    if (!positions_fit(b, "n_positions"))
        return false;
    set_model_prefix(b, c->has_lm_head ? "transformer." : "");
    op_tensor_t hs = hb_t3(b->adt, B, S, H);
    long wte = hb_embedding(b, "wte", hb_t2(DT_INT64, B, S), c->vocab, H);
    long wpe = hb_embedding(b, "wpe", hb_t2(DT_INT64, 1, S), c->max_positions, H);
    long ed[2] = {wte, wpe};
    long e = hb_elementwise(b, "embed_add", "Add", HF_BLK_EMBEDDING, ed, 2, hs, 2, 1.0);
    long x = hb_dropout(b, "drop", e, hs);
    hb_attn_t a = {.nq = nh, .nkv = nh, .d_qk = d, .d_v = d, .cache = true, .cache_k_heads = nh,
                   .cache_k_dim = d, .cache_v_dim = d, .attn = "attn."};
    for (int64_t i = 0; i < c->layers && !b->failed; i++) {
        b->layer = (int32_t)i;
        hb_prefix(b, "h.", i, ".");
        long ln1 = hb_norm(b, "ln_1", true, x, hs, H);
        long qkv = hb_linear(b, "attn.c_attn", "Conv1D", HF_BLK_ATTN_PROJ, &ln1, 1, 3, rows, H, 3 * H, 1, false, false);
        long pv = hb_attention(b, &a, qkv, qkv, qkv, -1);
        long o = hb_linear(b, "attn.c_proj", "Conv1D", HF_BLK_ATTN_PROJ, &pv, 1, 3, rows, H, H, 1, false, false);
        long od = hb_dropout(b, "attn.resid_dropout", o, hs);
        long r1d[2] = {od, x};
        long r1 = hb_elementwise(b, "residual_attn", "Add", HF_BLK_RESIDUAL, r1d, 2, hs, 2, 1.0);
        long ln2 = hb_norm(b, "ln_2", true, r1, hs, H);
        long fc = hb_linear(b, "mlp.c_fc", "Conv1D", HF_BLK_MLP, &ln2, 1, 3, rows, H, I, 1, false, false);
        long act = hb_elementwise(b, "mlp.act", strcmp(c->act, "gelu_new") == 0 ? "NewGELUActivation" : "GELU",
                                  HF_BLK_MLP, &fc, 1, hb_t3(b->adt, B, S, I), 1, b->act_flops);
        long pr = hb_linear(b, "mlp.c_proj", "Conv1D", HF_BLK_MLP, &act, 1, 3, rows, I, H, 1, false, false);
        long md = hb_dropout(b, "mlp.dropout", pr, hs);
        long r2d[2] = {md, r1};
        x = hb_elementwise(b, "residual_mlp", "Add", HF_BLK_RESIDUAL, r2d, 2, hs, 2, 1.0);
    }
    b->layer = -1;
    hb_prefix(b, "", -1, "");
    long n = hb_norm(b, "ln_f", true, x, hs, H);
    if (c->has_lm_head) {
        no_prefix(b);
        hb_linear(b, "lm_head", "Linear", HF_BLK_HEAD, &n, 1, 3, b->s->logits_last ? B : rows, H, c->vocab, 0, false,
                  true);
    }
    return !b->failed;
}

/* BERT and DistilBERT share the encoder layer's data flow; only the names
 * and the embeddings differ. */
typedef struct {
    const char *layer;                      /* "encoder.layer." / "transformer.layer." */
    const char *q, *k, *v, *attn;           /* projections and the functional-op prefix */
    const char *o, *o_drop, *res1, *ln1;
    const char *up, *act, *down, *down_drop, *res2, *ln2;
} enc_names_t;

static const enc_names_t bert_names = {
    "encoder.layer.", "attention.self.query", "attention.self.key", "attention.self.value", "attention.self.",
    "attention.output.dense", "attention.output.dropout", "attention.output.residual",
    "attention.output.LayerNorm", "intermediate.dense", "intermediate.intermediate_act_fn", "output.dense",
    "output.dropout", "output.residual", "output.LayerNorm",
};

static const enc_names_t distil_names = {
    "transformer.layer.", "attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.",
    "attention.out_lin", NULL, "residual_attn", "sa_layer_norm", "ffn.lin1", "ffn.activation", "ffn.lin2",
    "ffn.dropout", "residual_mlp", "output_layer_norm",
};

bool hb_build_bert(hb_t *b)
{
    const hf_config_t *c = b->c;
    bool bert = c->arch == HF_BERT;
    const enc_names_t *nm = bert ? &bert_names : &distil_names;
    int64_t B = b->B, S = b->S, H = c->hidden, rows = B * S, I = c->ffn, nh = c->heads, d = c->head_dim;
    if (!positions_fit(b, "max_position_embeddings"))
        return false;
    set_model_prefix(b, c->has_lm_head ? (bert ? "bert." : "distilbert.") : "");
    op_tensor_t hs = hb_t3(b->adt, B, S, H);
    long ed[3];
    size_t ne = 0;
    ed[ne++] = hb_embedding(b, "embeddings.word_embeddings", hb_t2(DT_INT64, B, S), c->vocab, H);
    if (bert)
        ed[ne++] = hb_embedding(b, "embeddings.token_type_embeddings", hb_t2(DT_INT64, B, S), c->type_vocab, H);
    ed[ne++] = hb_embedding(b, "embeddings.position_embeddings", hb_t2(DT_INT64, 1, S), c->max_positions, H);
    long e = hb_elementwise(b, "embeddings.embed_add", "Add", HF_BLK_EMBEDDING, ed, ne, hs, (int)ne, (double)(ne - 1));
    long eln = hb_norm(b, "embeddings.LayerNorm", true, e, hs, H);
    long x = hb_dropout(b, "embeddings.dropout", eln, hs);
    hb_attn_t a = {.nq = nh, .nkv = nh, .d_qk = d, .d_v = d, .cache = false, .attn = nm->attn};
    const char *gelu = strcmp(c->act, "gelu") == 0 ? "GELUActivation" : "GELU";
    for (int64_t i = 0; i < c->layers && !b->failed; i++) {
        b->layer = (int32_t)i;
        hb_prefix(b, nm->layer, i, ".");
        long q = hb_linear(b, nm->q, "Linear", HF_BLK_ATTN_PROJ, &x, 1, 3, rows, H, H, 1, false, false);
        long k = hb_linear(b, nm->k, "Linear", HF_BLK_ATTN_PROJ, &x, 1, 3, rows, H, H, 1, false, false);
        long v = hb_linear(b, nm->v, "Linear", HF_BLK_ATTN_PROJ, &x, 1, 3, rows, H, H, 1, false, false);
        long pv = hb_attention(b, &a, q, k, v, -1);
        long o = hb_linear(b, nm->o, "Linear", HF_BLK_ATTN_PROJ, &pv, 1, 3, rows, H, H, 1, false, false);
        if (nm->o_drop)
            o = hb_dropout(b, nm->o_drop, o, hs);
        long r1d[2] = {o, x};
        long r1 = hb_elementwise(b, nm->res1, "Add", HF_BLK_RESIDUAL, r1d, 2, hs, 2, 1.0);
        long ln1 = hb_norm(b, nm->ln1, true, r1, hs, H);
        long up = hb_linear(b, nm->up, "Linear", HF_BLK_MLP, &ln1, 1, 3, rows, H, I, 1, false, false);
        long act = hb_elementwise(b, nm->act, gelu, HF_BLK_MLP, &up, 1, hb_t3(b->adt, B, S, I), 1, b->act_flops);
        long dn = hb_linear(b, nm->down, "Linear", HF_BLK_MLP, &act, 1, 3, rows, I, H, 1, false, false);
        long dd = hb_dropout(b, nm->down_drop, dn, hs);
        long r2d[2] = {dd, ln1};
        long r2 = hb_elementwise(b, nm->res2, "Add", HF_BLK_RESIDUAL, r2d, 2, hs, 2, 1.0);
        x = hb_norm(b, nm->ln2, true, r2, hs, H);
    }
    b->layer = -1;
    hb_prefix(b, "", -1, "");
    if (c->has_pooler) {
        /* the first token of each sequence */
        long p = hb_linear(b, "pooler.dense", "Linear", HF_BLK_HEAD, &x, 1, 2, B, H, H, 1, false, false);
        hb_elementwise(b, "pooler.activation", "Tanh", HF_BLK_HEAD, &p, 1, hb_t2(b->adt, B, H), 1,
                       hb_act_flops("tanh"));
    }
    if (c->has_lm_head) {
        no_prefix(b);
        const char *dense = bert ? "cls.predictions.transform.dense" : "vocab_transform";
        const char *actn = bert ? "cls.predictions.transform.transform_act_fn" : "activation";
        const char *lnn = bert ? "cls.predictions.transform.LayerNorm" : "vocab_layer_norm";
        const char *dec = bert ? "cls.predictions.decoder" : "vocab_projector";
        long t = hb_linear(b, dense, "Linear", HF_BLK_HEAD, &x, 1, 3, rows, H, H, 1, false, false);
        long ta = hb_elementwise(b, actn, gelu, HF_BLK_HEAD, &t, 1, hs, 1, b->act_flops);
        long tl = hb_norm(b, lnn, true, ta, hs, H);
        if (tl >= 0)
            b->o->block[tl] = HF_BLK_HEAD;
        hb_linear(b, dec, "Linear", HF_BLK_HEAD, &tl, 1, 3, rows, H, c->vocab, 1, false, true);
    }
    return !b->failed;
}

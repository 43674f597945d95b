/*
 * test_hf.c -- unit tests (Check) for the HuggingFace frontend: config
 * reading and its errors (src/ops/hf_config.c), parameter counts and KV
 * sizes (hf_params.c) against the published numbers of spec §5 and §6, the
 * operator lists (hf_ops*.c: per-layer counts of spec §8 item 4, decode
 * shapes, data-flow dependencies, causal pairs), the hf_ops table
 * (src/store/hf_store.c) and the ReaLLM model conversion
 * (src/perf/model_hf.c).  Configs are the ten verified ones vendored in
 * tests/golden/hf/; tests run from the repository root.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <check.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops/hf_config.h"
#include "ops/hf_ops.h"
#include "ops/hf_params.h"
#include "perf/model.h"
#include "perf/model_hf.h"
#include "store/hf_store.h"

#define GOLDEN "tests/golden/hf/"

static hf_config_t load(const char *file)
{
    char path[256];
    snprintf(path, sizeof path, GOLDEN "%s", file);
    hf_config_t c;
    cfg_err_t err;
    if (!hf_config_load(path, &c, &err))
        ck_abort_msg("%s", err.msg);
    return c;
}

static hf_ops_t build(const hf_config_t *c, hf_setting_t s)
{
    hf_ops_t o = {0};
    char msg[512];
    if (!hf_ops_build(c, &s, &o, msg, sizeof msg))
        ck_abort_msg("%s", msg);
    return o;
}

static long find_op(const hf_ops_t *o, const char *name)
{
    for (size_t i = 0; i < op_graph_len(o->g); i++)
        if (strcmp(op_graph_get(o->g, i)->name, name) == 0)
            return (long)i;
    ck_abort_msg("no operator %s", name);
    return -1;
}

static int has_dep(const hf_ops_t *o, long op, long dep)
{
    const op_t *x = op_graph_get(o->g, (size_t)op);
    for (size_t k = 0; k < x->n_deps; k++)
        if ((long)x->deps[k] == dep)
            return 1;
    return 0;
}

/* Operators of layer `layer` with this opcode (NULL: any) and block (-1: any). */
static size_t count(const hf_ops_t *o, int layer, const char *opcode, int block)
{
    size_t n = 0;
    for (size_t i = 0; i < op_graph_len(o->g); i++)
        if (o->layer[i] == layer && (!opcode || strcmp(op_graph_get(o->g, i)->opcode, opcode) == 0) &&
            (block < 0 || o->block[i] == block))
            n++;
    return n;
}

static void assert_shape(const op_tensor_t *t, int rank, const int64_t *dims, const char *what)
{
    ck_assert_msg(t->rank == rank, "%s: rank %d, want %d", what, t->rank, rank);
    for (int i = 0; i < rank; i++)
        ck_assert_msg(t->dim[i] == dims[i], "%s: dim %d is %lld, want %lld", what, i, (long long)t->dim[i],
                      (long long)dims[i]);
}

/* ---- parameter counts (spec §5) ------------------------------------------------ */

static const struct {
    const char *file;
    int64_t published;     /* total for causal LMs, base model for encoders */
    int64_t active;        /* 0: dense */
} totals[] = {
    {"llama-3.1-8b.json", 8030261248LL, 0},
    {"llama-3.1-70b.json", 70553706496LL, 0},
    {"qwen3-0.6b.json", 596049920LL, 0},
    {"qwen2.5-7b.json", 7615616512LL, 0},
    {"mistral-7b-v0.3.json", 7248023552LL, 0},
    {"mixtral-8x7b.json", 46702792704LL, 12879925248LL},
    {"gpt2.json", 124439808LL, 0},
    {"bert-base-uncased.json", 109482240LL, 0},
    {"distilbert-base-uncased.json", 66362880LL, 0},
    {"deepseek-v3.json", 671026404352LL, 37552282624LL},
};

START_TEST(test_param_totals)
{
    hf_config_t c = load(totals[_i].file);
    hf_params_t p = hf_params(&c);
    ck_assert_msg(hf_params_published(&c) == totals[_i].published, "%s: %lld, want %lld", totals[_i].file,
                  (long long)hf_params_published(&c), (long long)totals[_i].published);
    if (totals[_i].active)
        ck_assert_int_eq(p.active, totals[_i].active);
    else
        ck_assert_int_eq(p.active, p.total);
    /* the operators of a prefill that reaches every expert carry the same total */
    hf_ops_t o = build(&c, hf_setting(HF_PREFILL, 1, 128, HF_CAUSAL_FULL));
    int64_t sum = 0;
    for (size_t i = 0; i < op_graph_len(o.g); i++)
        sum += op_graph_get(o.g, i)->params;
    ck_assert_msg(sum == p.total, "%s: operators hold %lld parameters, model %lld", totals[_i].file,
                  (long long)sum, (long long)p.total);
    hf_ops_free(&o);
}
END_TEST

START_TEST(test_param_details)
{
    hf_config_t ds = load("deepseek-v3.json");
    ck_assert_int_eq(hf_params(&ds).per_layer_attn, 187107328LL);
    hf_config_t l8 = load("llama-3.1-8b.json");
    hf_params_t p = hf_params(&l8);
    ck_assert_int_eq(p.embedding, 525336576LL);
    ck_assert_int_eq(p.head, 525336576LL);
    /* 218,112,000 per layer */
    ck_assert_int_eq((p.base - p.embedding - l8.hidden) / l8.layers, 218112000LL);
    hf_config_t q3 = load("qwen3-0.6b.json");
    hf_params_t pq = hf_params(&q3);
    ck_assert_int_eq((pq.base - pq.embedding - q3.hidden) / q3.layers, 15730944LL);
    ck_assert_int_eq(pq.head, 0); /* tied */
    hf_config_t db = load("distilbert-base-uncased.json");
    ck_assert_int_eq(hf_params(&db).total, 66985530LL); /* DistilBertForMaskedLM: + vocab head */
}
END_TEST

/* ---- KV cache (spec §6) ----------------------------------------------------------- */

START_TEST(test_kv_per_token)
{
    static const struct {
        const char *file;
        int64_t kv, latent;
    } kv[] = {
        {"llama-3.1-8b.json", 65536, 65536},   {"llama-3.1-70b.json", 163840, 163840},
        {"qwen3-0.6b.json", 57344, 57344},     {"qwen2.5-7b.json", 28672, 28672},
        {"mistral-7b-v0.3.json", 65536, 65536}, {"mixtral-8x7b.json", 65536, 65536},
        {"gpt2.json", 18432, 18432},           {"deepseek-v3.json", 2498560, 35136},
        {"bert-base-uncased.json", 0, 0},      {"distilbert-base-uncased.json", 0, 0},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
        hf_config_t c = load(kv[i].file);
        ck_assert_msg(hf_kv_elems_per_token(&c, 0) == kv[i].kv, "%s", kv[i].file);
        ck_assert_msg(hf_kv_elems_per_token(&c, 1) == kv[i].latent, "%s latent", kv[i].file);
    }
    /* 128 KiB per token at bf16 for Llama-3.1-8B; the decode step's KV ops move exactly that */
    hf_config_t c = load("llama-3.1-8b.json");
    hf_ops_t o = build(&c, hf_setting(HF_DECODE, 1, 1000, HF_CAUSAL_FULL));
    double rd = 0, wr = 0;
    for (size_t i = 0; i < op_graph_len(o.g); i++) {
        const op_t *op = op_graph_get(o.g, i);
        if (strcmp(op->opcode, "KVRead") == 0)
            rd += op->act_bytes;
        if (strcmp(op->opcode, "KVWrite") == 0)
            wr += op->act_bytes;
    }
    ck_assert_double_eq(wr, 131072.0);
    ck_assert_double_eq(rd, 131072.0 * 1001);
    hf_ops_free(&o);
}
END_TEST

/* ---- per-layer operator counts (spec §8 item 4) -------------------------------------- */

START_TEST(test_layer_counts)
{
    hf_setting_t s = hf_setting(HF_PREFILL, 1, 128, HF_CAUSAL_FULL);
    static const char *llama_like[] = {"llama-3.1-8b.json", "llama-3.1-70b.json", "mistral-7b-v0.3.json",
                                       "qwen2.5-7b.json"};
    for (size_t i = 0; i < 4; i++) {
        hf_config_t c = load(llama_like[i]);
        hf_ops_t o = build(&c, s);
        ck_assert_uint_eq(count(&o, 0, "Linear", -1), 7);
        ck_assert_uint_eq(count(&o, 0, "RMSNorm", -1), 2);
        ck_assert_uint_eq(count(&o, 5, "Linear", -1), 7);
        hf_ops_free(&o);
    }
    hf_config_t q3 = load("qwen3-0.6b.json");
    hf_ops_t o = build(&q3, s);
    ck_assert_uint_eq(count(&o, 0, "Linear", -1), 7);
    ck_assert_uint_eq(count(&o, 0, "RMSNorm", HF_BLK_ATTN_PROJ), 2); /* q_norm, k_norm */
    find_op(&o, "model.layers.0.self_attn.q_norm");
    find_op(&o, "model.layers.27.self_attn.k_norm");
    hf_ops_free(&o);

    hf_config_t mx = load("mixtral-8x7b.json");
    o = build(&mx, s);
    ck_assert_uint_eq(count(&o, 0, "Linear", HF_BLK_ROUTER), 1);
    ck_assert_uint_eq(count(&o, 0, "Linear", HF_BLK_EXPERT), 8 * 3);
    ck_assert_uint_eq(count(&o, 0, "Linear", HF_BLK_ATTN_PROJ), 4);
    find_op(&o, "model.layers.0.block_sparse_moe.gate");
    find_op(&o, "model.layers.31.block_sparse_moe.experts.7.w3");
    hf_ops_free(&o);

    hf_config_t ds = load("deepseek-v3.json");
    o = build(&ds, s);
    /* MoE layer 3: q_a, q_b, kv_a, kv_b, o + 2 latent norms + router + 256 x 3 + 3 shared */
    ck_assert_uint_eq(count(&o, 3, "Linear", HF_BLK_ATTN_PROJ), 5);
    ck_assert_uint_eq(count(&o, 3, "RMSNorm", HF_BLK_ATTN_PROJ), 2);
    ck_assert_uint_eq(count(&o, 3, "TopkRouter", HF_BLK_ROUTER), 1);
    ck_assert_uint_eq(count(&o, 3, "Linear", HF_BLK_EXPERT), 256 * 3);
    ck_assert_uint_eq(count(&o, 3, "Linear", HF_BLK_MLP), 3);
    /* dense layers 0..2: 5 attention + 3 MLP Linear */
    ck_assert_uint_eq(count(&o, 2, "Linear", -1), 8);
    find_op(&o, "model.layers.60.mlp.experts.255.down_proj");
    find_op(&o, "model.layers.3.mlp.shared_experts.up_proj");
    find_op(&o, "model.layers.0.self_attn.kv_a_proj_with_mqa");
    hf_ops_free(&o);

    hf_config_t g2 = load("gpt2.json");
    o = build(&g2, s);
    ck_assert_uint_eq(count(&o, 0, "Conv1D", -1), 4);
    find_op(&o, "transformer.h.11.mlp.c_proj");
    find_op(&o, "lm_head");
    hf_ops_free(&o);

    hf_config_t bt = load("bert-base-uncased.json");
    o = build(&bt, s);
    ck_assert_uint_eq(count(&o, 0, "Linear", -1), 6);
    find_op(&o, "encoder.layer.11.attention.output.LayerNorm");
    find_op(&o, "pooler.dense");
    hf_ops_free(&o);

    hf_config_t db = load("distilbert-base-uncased.json");
    o = build(&db, s);
    ck_assert_uint_eq(count(&o, 0, "Linear", -1), 6);
    find_op(&o, "distilbert.transformer.layer.5.ffn.lin2");
    find_op(&o, "vocab_projector");
    hf_ops_free(&o);
}
END_TEST

/* ---- decode (spec §2) -------------------------------------------------------------------- */

START_TEST(test_decode_shapes)
{
    hf_config_t c = load("llama-3.1-8b.json");
    hf_ops_t o = build(&c, hf_setting(HF_DECODE, 4, 100, HF_CAUSAL_FULL));
    for (size_t i = 0; i < op_graph_len(o.g); i++) {
        const op_t *op = op_graph_get(o.g, i);
        if (strcmp(op->opcode, "Linear") == 0) {
            ck_assert_msg(op->in[0].rank == 3 && op->in[0].dim[0] == 4 && op->in[0].dim[1] == 1, "%s", op->name);
            ck_assert_msg(op->out.dim[1] == 1, "%s", op->name);
        }
    }
    const op_t *qk = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.7.self_attn.attn_qk"));
    assert_shape(&qk->out, 4, (int64_t[]){4, 32, 1, 101}, "attn_qk out");
    assert_shape(&qk->in[1], 4, (int64_t[]){4, 8, 101, 128}, "attn_qk K");
    ck_assert_double_eq(hf_op_macs(qk), 4.0 * 32 * 101 * 128);
    const op_t *rd = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.7.self_attn.kv_read"));
    assert_shape(&rd->in[0], 4, (int64_t[]){4, 8, 101, 128}, "kv_read");
    const op_t *wr = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.7.self_attn.kv_write"));
    assert_shape(&wr->in[0], 4, (int64_t[]){4, 8, 1, 128}, "kv_write");
    const op_t *pv = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.7.self_attn.attn_pv"));
    assert_shape(&pv->out, 3, (int64_t[]){4, 1, 4096}, "attn_pv out");
    const op_t *lm = op_graph_get(o.g, (size_t)find_op(&o, "lm_head"));
    assert_shape(&lm->out, 3, (int64_t[]){4, 1, 128256}, "lm_head out");
    hf_ops_free(&o);
    hf_setting_t last = hf_setting(HF_PREFILL, 4, 100, HF_CAUSAL_FULL);
    last.logits_last = true;
    o = build(&c, last);
    lm = op_graph_get(o.g, (size_t)find_op(&o, "lm_head"));
    assert_shape(&lm->out, 3, (int64_t[]){4, 1, 128256}, "lm_head, last position");
    ck_assert_double_eq(hf_op_macs(lm), 4.0 * 4096 * 128256);
    hf_ops_free(&o);
    o = build(&c, hf_setting(HF_DECODE, 4, 100, HF_CAUSAL_FULL));
    const op_t *rot = op_graph_get(o.g, (size_t)find_op(&o, "model.rotary_emb"));
    assert_shape(&rot->out, 3, (int64_t[]){1, 1, 128}, "rotary_emb");
    hf_ops_free(&o);

    /* DeepSeek-V3 decode, batch 1: 8 experts of one token each, MLA with the decompressed cache */
    hf_config_t d = load("deepseek-v3.json");
    o = build(&d, hf_setting(HF_DECODE, 1, 4096, HF_CAUSAL_FULL));
    ck_assert_uint_eq(count(&o, 3, "Linear", HF_BLK_EXPERT), 8 * 3);
    const op_t *e = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.3.mlp.experts.7.gate_proj"));
    assert_shape(&e->in[0], 2, (int64_t[]){1, 7168}, "expert in");
    assert_shape(&e->out, 2, (int64_t[]){1, 2048}, "expert out");
    qk = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.3.self_attn.attn_qk"));
    assert_shape(&qk->in[1], 4, (int64_t[]){1, 128, 4097, 192}, "MLA K");
    ck_assert_double_eq(hf_op_macs(qk), 128.0 * 4097 * 192);
    pv = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.3.self_attn.attn_pv"));
    ck_assert_double_eq(hf_op_macs(pv), 128.0 * 4097 * 128);
    const op_t *kvb = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.3.self_attn.kv_b_proj"));
    assert_shape(&kvb->in[0], 3, (int64_t[]){1, 1, 512}, "kv_b_proj in");
    /* fp8 weights with one fp32 scale per 128 x 128 block */
    ck_assert_double_eq(kvb->weight_bytes, 512.0 * 32768 + (32768 / 128) * (512 / 128) * 4.0);
    hf_ops_free(&o);

    /* absorbed MLA: latent cache of 576 per token, scores over 576, P.V over 512, same parameters */
    hf_setting_t ab = hf_setting(HF_DECODE, 1, 4096, HF_CAUSAL_FULL);
    ab.mla = HF_MLA_ABSORBED;
    o = build(&d, ab);
    qk = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.3.self_attn.attn_qk"));
    assert_shape(&qk->in[1], 4, (int64_t[]){1, 1, 4097, 576}, "latent K");
    ck_assert_double_eq(hf_op_macs(qk), 128.0 * 4097 * 576);
    pv = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.3.self_attn.attn_pv"));
    ck_assert_double_eq(hf_op_macs(pv), 128.0 * 4097 * 512);
    const op_t *uk = op_graph_get(o.g, (size_t)find_op(&o, "model.layers.3.self_attn.absorb_uk"));
    ck_assert_double_eq(hf_op_macs(uk), 128.0 * 128 * 512);
    ck_assert_double_eq(op_graph_get(o.g, (size_t)find_op(&o, "model.layers.3.self_attn.kv_read"))->act_bytes,
                        4097.0 * 576 * 2);
    int64_t sum = 0;
    for (size_t i = 0; i < op_graph_len(o.g); i++)
        sum += op_graph_get(o.g, i)->params;
    ck_assert_int_eq(sum, hf_params(&d).active);
    hf_ops_free(&o);

    /* GPT-2 decode: one position, T = P + 1 keys */
    hf_config_t g = load("gpt2.json");
    o = build(&g, hf_setting(HF_DECODE, 2, 10, HF_CAUSAL_FULL));
    const op_t *wpe = op_graph_get(o.g, (size_t)find_op(&o, "transformer.wpe"));
    assert_shape(&wpe->out, 3, (int64_t[]){1, 1, 768}, "wpe");
    qk = op_graph_get(o.g, (size_t)find_op(&o, "transformer.h.0.attn.attn_qk"));
    assert_shape(&qk->out, 4, (int64_t[]){2, 12, 1, 11}, "gpt2 scores");
    hf_ops_free(&o);
}
END_TEST

/* ---- dependencies ------------------------------------------------------------------------- */

START_TEST(test_dataflow)
{
    hf_config_t c = load("qwen3-0.6b.json");
    hf_ops_t o = build(&c, hf_setting(HF_PREFILL, 1, 16, HF_CAUSAL_FLASH));
    long ln = find_op(&o, "model.layers.1.input_layernorm"), prev = find_op(&o, "model.layers.0.residual_mlp");
    ck_assert(has_dep(&o, ln, prev));
    long rope = find_op(&o, "model.layers.1.self_attn.rope");
    ck_assert(has_dep(&o, rope, find_op(&o, "model.layers.1.self_attn.q_norm")));
    ck_assert(has_dep(&o, rope, find_op(&o, "model.layers.1.self_attn.k_norm")));
    ck_assert(has_dep(&o, rope, find_op(&o, "model.rotary_emb")));
    long qk = find_op(&o, "model.layers.1.self_attn.attn_qk");
    ck_assert(has_dep(&o, qk, rope));
    ck_assert(has_dep(&o, qk, find_op(&o, "model.layers.1.self_attn.kv_read")));
    long wr = find_op(&o, "model.layers.1.self_attn.kv_write");
    ck_assert(has_dep(&o, wr, find_op(&o, "model.layers.1.self_attn.v_proj")));
    long mul = find_op(&o, "model.layers.1.mlp.swiglu_mul");
    ck_assert(has_dep(&o, mul, find_op(&o, "model.layers.1.mlp.act_fn")));
    ck_assert(has_dep(&o, mul, find_op(&o, "model.layers.1.mlp.up_proj")));
    long r2 = find_op(&o, "model.layers.1.residual_mlp");
    ck_assert(has_dep(&o, r2, find_op(&o, "model.layers.1.residual_attn")));
    /* the projections read the norm, not each other */
    long k = find_op(&o, "model.layers.1.self_attn.k_proj");
    ck_assert(!has_dep(&o, k, find_op(&o, "model.layers.1.self_attn.q_proj")));
    uint32_t *order = op_graph_topo_order(o.g);
    ck_assert_ptr_nonnull(order);
    size_t n = op_graph_len(o.g);
    size_t *pos = malloc(n * sizeof *pos);
    for (size_t i = 0; i < n; i++)
        pos[order[i]] = i;
    for (size_t i = 0; i < n; i++) {
        const op_t *op = op_graph_get(o.g, i);
        for (size_t j = 0; j < op->n_deps; j++)
            ck_assert(pos[op->deps[j]] < pos[i]);
    }
    free(pos);
    free(order);
    hf_ops_free(&o);

    /* every routed expert reads the routing decision; the combine reads every expert */
    hf_config_t mx = load("mixtral-8x7b.json");
    o = build(&mx, hf_setting(HF_PREFILL, 2, 8, HF_CAUSAL_FULL));
    long route = find_op(&o, "model.layers.0.block_sparse_moe.router_topk");
    ck_assert(has_dep(&o, find_op(&o, "model.layers.0.block_sparse_moe.experts.5.w1"), route));
    long comb = find_op(&o, "model.layers.0.block_sparse_moe.combine");
    for (int e = 0; e < 8; e++) {
        char nm[96];
        snprintf(nm, sizeof nm, "model.layers.0.block_sparse_moe.experts.%d.w2", e);
        ck_assert(has_dep(&o, comb, find_op(&o, nm)));
    }
    hf_ops_free(&o);
}
END_TEST

/* ---- attention pairs ------------------------------------------------------------------------- */

START_TEST(test_attention_pairs)
{
    ck_assert_double_eq(hf_attn_pairs(128, 0, 0, HF_CAUSAL_FULL), 16384);
    ck_assert_double_eq(hf_attn_pairs(128, 0, 0, HF_CAUSAL_FLASH), 8256);
    ck_assert_double_eq(hf_attn_pairs(4, 10, 0, HF_CAUSAL_FLASH), 4 * 10 + 10);
    ck_assert_double_eq(hf_attn_pairs(1, 99, 0, HF_CAUSAL_FLASH), 100);
    ck_assert_double_eq(hf_attn_pairs(10, 0, 4, HF_CAUSAL_FLASH), 1 + 2 + 3 + 4 * 7);
    ck_assert_double_eq(hf_attn_pairs(10, 0, 4, HF_CAUSAL_FULL), 40);
    ck_assert_double_eq(hf_attn_pairs(3, 10, 4, HF_CAUSAL_FLASH), 12);
    /* flash prefill of Llama-3.1-8B, S = 128: QK^T MACs = nq x pairs x d */
    hf_config_t c = load("llama-3.1-8b.json");
    hf_ops_t o = build(&c, hf_setting(HF_PREFILL, 1, 128, HF_CAUSAL_FLASH));
    ck_assert_double_eq(hf_op_macs(op_graph_get(o.g, (size_t)find_op(&o, "model.layers.0.self_attn.attn_qk"))),
                        32.0 * 8256 * 128);
    ck_assert_double_eq(op_graph_get(o.g, (size_t)find_op(&o, "model.layers.0.self_attn.softmax"))->act_bytes, 0);
    hf_ops_free(&o);
}
END_TEST

/* ---- bad input ---------------------------------------------------------------------------------- */

static void expect_error(const char *text, const char *want)
{
    hf_config_t c;
    cfg_err_t err;
    ck_assert_msg(!hf_config_load_text("config.json", text, strlen(text), &c, &err), "accepted: %s", text);
    ck_assert_msg(strstr(err.msg, want) != NULL, "message '%s' lacks '%s'", err.msg, want);
}

START_TEST(test_bad_configs)
{
    expect_error("{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 4096,,\n}", "config.json:3:");
    expect_error("{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 32, "
                 "\"intermediate_size\": 14336, \"vocab_size\": 32000}",
                 "config.json: missing key \"num_attention_heads\"");
    expect_error("{\"model_type\": \"t5\"}", "model_type \"t5\" is not supported");
    expect_error("{\"model_type\": \"t5\"}", "llama, mistral, qwen2, qwen3, mixtral, gpt2, bert, distilbert, deepseek_v3");
    expect_error("{\"model_type\": \"lama\"}", "did you mean \"llama\"");
    expect_error("{\"hidden_size\": 8}", "missing key \"model_type\"");
    expect_error("{\"model_type\": \"llama\", \"hidden_size\": \"big\", \"num_hidden_layers\": 32, "
                 "\"num_attention_heads\": 32, \"intermediate_size\": 14336, \"vocab_size\": 32000}",
                 "hidden_size");
    expect_error("[1, 2]", "config.json");
    expect_error("", "config.json");
    /* deepseek without its MLA keys */
    expect_error("{\"model_type\": \"deepseek_v3\", \"hidden_size\": 64, \"num_hidden_layers\": 2, "
                 "\"num_attention_heads\": 4, \"intermediate_size\": 128, \"vocab_size\": 100, "
                 "\"moe_intermediate_size\": 32, \"n_routed_experts\": 4, \"n_shared_experts\": 1, "
                 "\"num_experts_per_tok\": 2, \"first_k_dense_replace\": 1}",
                 "missing key \"kv_lora_rank\"");
    /* gpt2 needs its position table size */
    expect_error("{\"model_type\": \"gpt2\", \"n_embd\": 64, \"n_layer\": 2, \"n_head\": 4, \"vocab_size\": 100}",
                 "missing key \"n_positions\"");
}
END_TEST

/* Every numeric key of every config set to odd values: refused with a
 * message or listed, never a crash (and the operators' parameters agree). */
START_TEST(test_robust_values)
{
    static const char *files[] = {"llama-3.1-8b.json", "qwen3-0.6b.json", "mixtral-8x7b.json", "gpt2.json",
                                  "bert-base-uncased.json", "distilbert-base-uncased.json", "deepseek-v3.json"};
    const char *values[] = {"0", "-1", "1", "3", "1000000000", "1e15", "\"x\"", "null", "true", "2.5", "[]"};
    size_t runs = 0, accepted = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[256];
        snprintf(path, sizeof path, GOLDEN "%s", files[f]);
        json_t *root = json_load_file(path, 0, NULL);
        ck_assert_ptr_nonnull(root);
        const char *key;
        json_t *val;
        json_object_foreach(root, key, val)
        {
            if (!json_is_number(val) || strstr(key, "token_id") || strstr(key, "range"))
                continue;
            for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
                json_t *copy = json_deep_copy(root);
                json_object_set_new(copy, key, json_loads(values[v], JSON_DECODE_ANY, NULL));
                char *text = json_dumps(copy, 0);
                hf_config_t c;
                cfg_err_t err;
                runs++;
                if (hf_config_load_text("config.json", text, strlen(text), &c, &err)) {
                    hf_setting_t s = hf_setting(c.decoder ? HF_DECODE : HF_PREFILL, 2, 3, HF_CAUSAL_FLASH);
                    hf_ops_t o = {0};
                    char msg[512];
                    if (hf_ops_build(&c, &s, &o, msg, sizeof msg)) {
                        accepted++;
                        hf_params(&c);
                    }
                    model_cfg_t m;
                    char notes[2048];
                    model_from_hf(&c, "m", &m, notes, sizeof notes);
                    hf_ops_free(&o);
                } else {
                    ck_assert_msg(strncmp(err.msg, "config.json", 11) == 0, "unlocated: %s", err.msg);
                }
                free(text);
                json_decref(copy);
            }
        }
        json_decref(root);
    }
    ck_assert_uint_gt(runs, 500);
    ck_assert_uint_gt(accepted, 100);
}
END_TEST

START_TEST(test_bad_settings)
{
    char msg[512];
    hf_ops_t o = {0};
    hf_config_t b = load("bert-base-uncased.json");
    hf_setting_t s = hf_setting(HF_DECODE, 1, 10, HF_CAUSAL_FULL);
    ck_assert(!hf_ops_build(&b, &s, &o, msg, sizeof msg));
    ck_assert_ptr_nonnull(strstr(msg, "encoder-only"));
    s = hf_setting(HF_PREFILL, 1, 513, HF_CAUSAL_FULL);
    ck_assert(!hf_ops_build(&b, &s, &o, msg, sizeof msg));
    ck_assert_ptr_nonnull(strstr(msg, "513 positions exceed the 512"));
    hf_config_t g = load("gpt2.json");
    s = hf_setting(HF_DECODE, 1, 1024, HF_CAUSAL_FULL);
    ck_assert(!hf_ops_build(&g, &s, &o, msg, sizeof msg));
    s = hf_setting(HF_DECODE, 1, 1023, HF_CAUSAL_FULL);
    ck_assert(hf_ops_build(&g, &s, &o, msg, sizeof msg));
    ck_assert(hf_mode_parse("prefil", msg, sizeof msg) < 0);
    ck_assert_ptr_nonnull(strstr(msg, "prefill"));
    ck_assert(hf_causal_parse("flash", msg, sizeof msg) == HF_CAUSAL_FLASH);
    hf_ops_free(&o);
}
END_TEST

START_TEST(test_resolve)
{
    char path[512];
    cfg_err_t err;
    ck_assert(hf_resolve("meta-llama/Llama-3.1-8B", path, sizeof path, &err));
    ck_assert_str_eq(path, "inputs/hf/meta-llama/Llama-3.1-8B/config.json");
    ck_assert(hf_resolve("DeepSeek-V3", path, sizeof path, &err));
    ck_assert_str_eq(path, "inputs/hf/deepseek-ai/DeepSeek-V3/config.json");
    ck_assert(hf_resolve("tests/golden/hf/gpt2.json", path, sizeof path, &err));
    ck_assert(!hf_resolve("meta-llama/Llama-3.1-9B", path, sizeof path, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "did you mean \"meta-llama/Llama-3.1-8B\""));
    ck_assert_ptr_nonnull(strstr(err.msg, "Qwen/Qwen3-0.6B"));
    ck_assert(!hf_resolve("nope.json", path, sizeof path, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "nope.json"));
    char name[128];
    hf_model_name("inputs/hf/Qwen/Qwen3-0.6B/config.json", name, sizeof name);
    ck_assert_str_eq(name, "Qwen3-0.6B");
    hf_model_name("tests/golden/hf/gpt2.json", name, sizeof name);
    ck_assert_str_eq(name, "gpt2");
}
END_TEST

/* ---- the hf_ops table ------------------------------------------------------------------------------ */

START_TEST(test_store)
{
    char dir[] = "/tmp/test_hf.XXXXXX", db[300], msg[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/ops.db", dir);
    hf_config_t c = load("gpt2.json");
    hf_setting_t set[8];
    size_t n = hf_multi_settings(&c, HF_CAUSAL_FULL, set);
    ck_assert_uint_eq(n, 8);
    hf_ops_t o = {0};
    hf_store_t *st = hf_store_open(db, msg, sizeof msg);
    ck_assert_ptr_nonnull(st);
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert(hf_ops_build(&c, &set[i], &o, msg, sizeof msg));
        ck_assert_int_eq(hf_store_add(st, "gpt2", c.model_type, &set[i], &o, msg, sizeof msg), 0);
        rows += op_graph_len(o.g);
    }
    ck_assert_int_eq(access(db, F_OK), -1); /* written under a temporary name until committed */
    ck_assert_int_eq(hf_store_commit(st, msg, sizeof msg), 0);
    /* storing a setting again replaces its rows */
    st = hf_store_open(db, msg, sizeof msg);
    ck_assert_int_eq(hf_store_add(st, "gpt2", c.model_type, &set[n - 1], &o, msg, sizeof msg), 0);
    ck_assert_int_eq(hf_store_commit(st, msg, sizeof msg), 0);
    /* an aborted write leaves the database as it was */
    st = hf_store_open(db, msg, sizeof msg);
    hf_setting_t other = hf_setting(HF_PREFILL, 3, 5, HF_CAUSAL_FULL);
    ck_assert(hf_ops_build(&c, &other, &o, msg, sizeof msg));
    ck_assert_int_eq(hf_store_add(st, "gpt2", c.model_type, &other, &o, msg, sizeof msg), 0);
    hf_store_abort(st);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_stmt *q;
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT count(*), count(DISTINCT batch || mode || seq || past) FROM hf_ops",
                                        -1, &q, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int64(q, 0), (sqlite3_int64)rows);
    ck_assert_int_eq(sqlite3_column_int64(q, 1), 8);
    sqlite3_finalize(q);
    sqlite3_close(h);
    hf_ops_free(&o);
    unlink(db);
    rmdir(dir);
}
END_TEST

/* ---- config.json as a ReaLLM model -------------------------------------------------------------------- */

START_TEST(test_model_conversion)
{
    char msg[2048];
    model_cfg_t m;
    hf_config_t c = load("llama-3.1-8b.json");
    ck_assert_int_eq(model_from_hf(&c, "Llama-3.1-8B", &m, msg, sizeof msg), 0);
    ck_assert_str_eq(m.name, "Llama-3.1-8B");
    ck_assert_double_eq(m.num_layers, 32);
    ck_assert_double_eq(m.d, 4096);
    ck_assert_double_eq(m.num_heads, 32);
    ck_assert_double_eq(m.d_head, 128);
    ck_assert_double_eq(m.d_ff, 14336);
    ck_assert_double_eq(m.heads_per_kv_cache, 4);
    ck_assert_double_eq(m.bytes_per_number, 2);
    ck_assert_str_eq(m.act, "swiglu");
    model_t d;
    char e[256];
    ck_assert(model_derive(&m, &d, e, sizeof e));
    /* the reference's size = the decoder layers' matrices (no embeddings, norms, lm_head) */
    ck_assert_double_eq(d.model_size, 32.0 * (218112000 - 2 * 4096));
    ck_assert_double_eq(d.kv_cache_size_per_token, 65536);

    hf_config_t q = load("qwen3-0.6b.json");
    ck_assert_int_eq(model_from_hf(&q, "Qwen3-0.6B", &m, msg, sizeof msg), 0);
    ck_assert_double_eq(m.d_head, 128); /* explicit head_dim, not 1024 / 16 */
    ck_assert_ptr_nonnull(strstr(msg, "head_dim"));

    hf_config_t mx = load("mixtral-8x7b.json");
    ck_assert_int_eq(model_from_hf(&mx, "Mixtral", &m, msg, sizeof msg), 0);
    ck_assert_double_eq(m.d_ff, 2 * 14336); /* the experts a token is routed to */
    ck_assert_ptr_nonnull(strstr(msg, "MoE"));

    hf_config_t ds = load("deepseek-v3.json");
    ck_assert_int_eq(model_from_hf(&ds, "DeepSeek-V3", &m, msg, sizeof msg), 0);
    ck_assert_double_eq(m.d_ff, 18432);
    ck_assert_double_eq(m.d_head, 128);
    ck_assert_double_eq(m.bytes_per_number, 1);
    ck_assert_ptr_nonnull(strstr(msg, "MLA"));

    hf_config_t g = load("gpt2.json");
    ck_assert_int_eq(model_from_hf(&g, "gpt2", &m, msg, sizeof msg), 0);
    ck_assert_str_eq(m.act, "gelu");
    ck_assert_double_eq(m.bytes_per_number, 4);
    ck_assert_double_eq(m.heads_per_kv_cache, 1);
}
END_TEST

/* The graph storage this frontend reworked (src/ops/op.c): arena strings
 * and dependency lists, clear and reuse, reserve, edges added later. */
START_TEST(test_graph_storage)
{
    op_graph_t *g = op_graph_new();
    char buf[32];
    for (int round = 0; round < 3; round++) {
        op_graph_clear(g);
        ck_assert_int_eq(op_graph_reserve(g, round == 1 ? 200000 : 10), 0);
        for (int i = 0; i < 5000; i++) {
            op_t op = {0};
            snprintf(buf, sizeof buf, "op.%d", i); /* one buffer, new text each time */
            op.name = buf;
            op.opcode = i % 3 ? "Linear" : buf;
            uint32_t d = (uint32_t)(i - 1);
            op.deps = i ? &d : NULL;
            op.n_deps = i ? 1 : 0;
            ck_assert_int_eq(op_graph_add(g, &op), i);
        }
        for (int i = 2; i < 5000; i += 7)
            ck_assert_int_eq(op_graph_dep(g, (size_t)i, (size_t)(i - 2)), 0);
        ck_assert_int_eq(op_graph_dep(g, 9, 7), 0); /* already there: no duplicate */
        ck_assert_uint_eq(op_graph_len(g), 5000);
        const op_t *o = op_graph_get(g, 4999);
        ck_assert_str_eq(o->name, "op.4999");
        ck_assert_str_eq(o->opcode, "Linear");
        ck_assert_str_eq(op_graph_get(g, 3)->opcode, "op.3");
        ck_assert_uint_eq(op_graph_get(g, 9)->n_deps, 2);
        ck_assert_uint_eq(op_graph_get(g, 9)->deps[0], 8);
        ck_assert_uint_eq(op_graph_get(g, 9)->deps[1], 7);
        ck_assert_str_eq(op_graph_strdup(g, "x.y"), "x.y");
        uint32_t *order = op_graph_topo_order(g);
        ck_assert_ptr_nonnull(order);
        for (uint32_t i = 0; i < 5000; i++)
            ck_assert_uint_eq(order[i], i);
        free(order);
    }
    op_graph_free(g);
}
END_TEST

static Suite *hf_suite(void)
{
    Suite *s = suite_create("hf");
    TCase *params = tcase_create("params");
    tcase_set_timeout(params, 30);
    tcase_add_loop_test(params, test_param_totals, 0, (int)(sizeof totals / sizeof totals[0]));
    tcase_add_test(params, test_param_details);
    tcase_add_test(params, test_kv_per_token);
    suite_add_tcase(s, params);
    TCase *ops = tcase_create("ops");
    tcase_set_timeout(ops, 30);
    tcase_add_test(ops, test_layer_counts);
    tcase_add_test(ops, test_decode_shapes);
    tcase_add_test(ops, test_dataflow);
    tcase_add_test(ops, test_attention_pairs);
    tcase_add_test(ops, test_graph_storage);
    suite_add_tcase(s, ops);
    TCase *bad = tcase_create("bad input");
    tcase_add_test(bad, test_bad_configs);
    tcase_add_test(bad, test_bad_settings);
    tcase_add_test(bad, test_robust_values);
    tcase_set_timeout(bad, 30);
    tcase_add_test(bad, test_resolve);
    suite_add_tcase(s, bad);
    TCase *out = tcase_create("outputs");
    tcase_add_test(out, test_store);
    tcase_add_test(out, test_model_conversion);
    suite_add_tcase(s, out);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hf_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

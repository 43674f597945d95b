/*
 * hf_ops_llama.c -- operator lists of the Llama family (spec §4.1-§4.4):
 * llama, mistral, qwen2, qwen3 (q/k norms), mixtral (sparse MoE) and
 * deepseek_v3 (multi-head latent attention, routed + shared experts).
 *
 * MoE routing is data-dependent; the list uses the expected, balanced
 * load: the B*S*k token-to-expert assignments are dealt round-robin, so
 * expert e gets floor(B*S*k/E) tokens plus one for the first
 * (B*S*k mod E) experts, and experts without a token are not run (as in
 * HF, which only calls experts that were hit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/hf_ops_build.h"
#include "ops/hf_params.h"

#define FLOPS_PER_ROUTER_SCORE 6.0 /* softmax or sigmoid + bias, then top-k compares */

static void set_block(hb_t *b, long i, hf_block_t blk)
{
    if (i >= 0)
        b->o->block[i] = (uint8_t)blk;
}

/* A gated MLP (gate, act_fn, up, swiglu_mul, down) of width inter, named
 * module + gate..., on `rows` tokens (rank 3 [B,S,H] or rank 2 [rows,H])
 * read from op `in` (and `route`, the routing decision, for experts).
 * Returns the down projection. */
static long glu(hb_t *b, const char *module, int64_t index, long in, long route, int rank, int64_t rows,
                int64_t inter, hf_block_t blk, const char *gate, const char *up, const char *down)
{
    const hf_config_t *c = b->c;
    size_t keep = b->pre_len;
    hb_prefix_push(b, module, index, ".");
    int mb = c->arch == HF_LLAMA && c->mlp_bias;
    bool qz = c->weight_dtype != c->dtype;
    long deps[2] = {in, route};
    long g = hb_linear(b, gate, "Linear", blk, deps, 2, rank, rows, c->hidden, inter, mb, qz, false);
    op_tensor_t x = rank == 3 ? hb_t3(b->adt, b->B, rows / b->B, inter) : hb_t2(b->adt, rows, inter);
    long a = hb_elementwise(b, "act_fn", "SiLU", blk, &g, 1, x, 1, b->act_flops);
    long u = hb_linear(b, up, "Linear", blk, deps, 2, rank, rows, c->hidden, inter, mb, qz, false);
    long au[2] = {a, u};
    long m = hb_elementwise(b, "swiglu_mul", "Mul", blk, au, 2, x, 2, 1.0);
    long r = hb_linear(b, down, "Linear", blk, &m, 1, rank, rows, inter, c->hidden, mb, qz, false);
    b->pre_len = keep;
    b->pre[keep] = '\0';
    return r;
}

/* One half of kv_b_proj applied per head, as absorbed MLA does: x
 * [B,S,nq,in] times W [nq,in,out]; carries that half's parameters. */
static long absorb(hb_t *b, const char *suffix, long in, int64_t nq, int64_t din, int64_t dout)
{
    const hf_config_t *c = b->c;
    bool qz = c->weight_dtype != c->dtype;
    int64_t rows = b->B * b->S;
    op_t op;
    memset(&op, 0, sizeof op);
    op.opcode = "BatchMatMul";
    op.kind = OPK_MATMUL;
    op.n_in = 1;
    op.in[0] = hb_t4(b->adt, b->B, b->S, nq, din);
    op.out = hb_t4(b->adt, b->B, b->S, nq, dout);
    op.gemm_batch = nq;
    op.gemm_m = rows;
    op.gemm_k = din;
    op.gemm_n = dout;
    op.flops = 2.0 * (double)rows * (double)nq * (double)din * (double)dout;
    op.params = nq * din * dout;
    op.weight_bytes = (double)op.params * op_dtype_bytes(qz ? c->weight_dtype : c->dtype);
    if (qz && c->quant_block_out > 0) /* this half's share of kv_b_proj's block scales */
        op.weight_bytes += (double)((nq * dout + c->quant_block_out - 1) / c->quant_block_out) *
                           (double)((din + c->quant_block_in - 1) / c->quant_block_in) * op_dtype_bytes(DT_FP32);
    op.act_bytes = (double)rows * (double)nq * (double)(din + dout) * b->ab;
    return hb_add(b, suffix, &op, HF_BLK_ATTN_PROJ, &in, 1);
}

/* The attention block of one layer; returns o_proj. */
static long attention(hb_t *b, long ln, long rot)
{
    const hf_config_t *c = b->c;
    int64_t B = b->B, S = b->S, H = c->hidden, rows = B * S;
    bool qz = c->weight_dtype != c->dtype;
    hb_attn_t a = {.cache = true, .attn = "self_attn."};
    long q, k, v;
    if (c->arch == HF_DEEPSEEK_V3) {
        int ab = c->attention_bias;
        int64_t nq = c->heads, qk = c->qk_nope_head_dim + c->qk_rope_head_dim, kvl = c->kv_lora_rank;
        if (c->q_lora_rank) {
            long qa = hb_linear(b, "self_attn.q_a_proj", "Linear", HF_BLK_ATTN_PROJ, &ln, 1, 3, rows, H,
                                c->q_lora_rank, ab, qz, false);
            long qn = hb_norm(b, "self_attn.q_a_layernorm", false, qa, hb_t3(b->adt, B, S, c->q_lora_rank),
                              c->q_lora_rank);
            set_block(b, qn, HF_BLK_ATTN_PROJ);
            q = hb_linear(b, "self_attn.q_b_proj", "Linear", HF_BLK_ATTN_PROJ, &qn, 1, 3, rows, c->q_lora_rank,
                          nq * qk, 0, qz, false);
        } else {
            q = hb_linear(b, "self_attn.q_proj", "Linear", HF_BLK_ATTN_PROJ, &ln, 1, 3, rows, H, nq * qk, 0, qz,
                          false);
        }
        long kva = hb_linear(b, "self_attn.kv_a_proj_with_mqa", "Linear", HF_BLK_ATTN_PROJ, &ln, 1, 3, rows, H,
                             kvl + c->qk_rope_head_dim, ab, qz, false);
        long kvn = hb_norm(b, "self_attn.kv_a_layernorm", false, kva, hb_t3(b->adt, B, S, kvl), kvl);
        set_block(b, kvn, HF_BLK_ATTN_PROJ);
        int64_t nope = c->qk_nope_head_dim, rope = c->qk_rope_head_dim, dv = c->v_head_dim;
        a.nq = a.nkv = nq;
        a.rope_dim = rope;
        a.rope_q_heads = nq;
        a.rope_k_heads = 1;
        if (b->s->mla == HF_MLA_ABSORBED) {
            /* q_nope . W_UK (kv_b_proj's K half) per head: q in the latent space */
            long uk = absorb(b, "self_attn.absorb_uk", q, nq, nope, kvl);
            /* scores over the latent cache [c_kv 512 | k_rot 64], P.V over c_kv, then W_UV */
            a.nkv = 1;
            a.d_qk = kvl + rope;
            a.d_v = kvl;
            a.cache_k_heads = 1;
            a.cache_k_dim = kvl + rope;
            a.cache_v_dim = 0;
            a.q_extra = uk;
            long pv = hb_attention(b, &a, q, kva, kvn, rot);
            long uv = absorb(b, "self_attn.absorb_uv", pv, nq, kvl, dv);
            return hb_linear(b, "self_attn.o_proj", "Linear", HF_BLK_ATTN_PROJ, &uv, 1, 3, rows, nq * dv, H, ab, qz,
                             false);
        }
        long kvb = hb_linear(b, "self_attn.kv_b_proj", "Linear", HF_BLK_ATTN_PROJ, &kvn, 1, 3, rows, kvl,
                             nq * (nope + dv), 0, qz, false);
        /* HF's cache holds the decompressed K [B,nq,T,192] and V [B,nq,T,128]; rope reads q
         * and the k_rot slice of kv_a, the cache write joins rope's k_rot with kv_b's k_nope and v */
        a.d_qk = qk;
        a.d_v = dv;
        a.cache_k_heads = nq;
        a.cache_k_dim = qk;
        a.cache_v_dim = dv;
        long pv = hb_attention(b, &a, q, kva, kvb, rot);
        return hb_linear(b, "self_attn.o_proj", "Linear", HF_BLK_ATTN_PROJ, &pv, 1, 3, rows, nq * dv, H, ab, qz,
                         false);
    }
    int64_t nq = c->heads, nkv = c->kv_heads, d = c->head_dim;
    int qb = hf_qkv_bias(c), ob = hf_o_bias(c);
    q = hb_linear(b, "self_attn.q_proj", "Linear", HF_BLK_ATTN_PROJ, &ln, 1, 3, rows, H, nq * d, qb, qz, false);
    if (c->arch == HF_QWEN3) {
        q = hb_norm(b, "self_attn.q_norm", false, q, hb_t4(b->adt, B, S, nq, d), d);
        set_block(b, q, HF_BLK_ATTN_PROJ);
    }
    k = hb_linear(b, "self_attn.k_proj", "Linear", HF_BLK_ATTN_PROJ, &ln, 1, 3, rows, H, nkv * d, qb, qz, false);
    if (c->arch == HF_QWEN3) {
        k = hb_norm(b, "self_attn.k_norm", false, k, hb_t4(b->adt, B, S, nkv, d), d);
        set_block(b, k, HF_BLK_ATTN_PROJ);
    }
    v = hb_linear(b, "self_attn.v_proj", "Linear", HF_BLK_ATTN_PROJ, &ln, 1, 3, rows, H, nkv * d, qb, qz, false);
    a.nq = nq;
    a.nkv = nkv;
    a.d_qk = a.d_v = d;
    a.rope_dim = d;
    a.rope_q_heads = nq;
    a.rope_k_heads = nkv;
    a.cache_k_heads = nkv;
    a.cache_k_dim = a.cache_v_dim = d;
    long pv = hb_attention(b, &a, q, k, v, rot);
    return hb_linear(b, "self_attn.o_proj", "Linear", HF_BLK_ATTN_PROJ, &pv, 1, 3, rows, nq * d, H, ob, qz, false);
}

/* The mixture-of-experts MLP of one layer; returns the combine op. */
static long moe(hb_t *b, long ln)
{
    const hf_config_t *c = b->c;
    int64_t H = c->hidden, E = c->experts, k = c->experts_per_tok, tokens = b->B * b->S;
    bool mixtral = c->arch == HF_MIXTRAL;
    const char *blk = mixtral ? "block_sparse_moe." : "mlp.";
    char nm[96];
    /* router: Mixtral's gate is a Linear, DeepSeek's a TopkRouter (fp32 scores, bf16 weight) */
    snprintf(nm, sizeof nm, "%sgate", blk);
    long gate = hb_linear(b, nm, mixtral ? "Linear" : "TopkRouter", HF_BLK_ROUTER, &ln, 1, 2, tokens, H, E, 0,
                          false, false);
    op_t op;
    memset(&op, 0, sizeof op);
    op.opcode = "TopK";
    op.kind = OPK_REDUCE;
    op.n_in = 1;
    op.in[0] = hb_t2(DT_FP32, tokens, E);
    op.out = hb_t2(DT_INT64, tokens, k);
    op.flops = (double)tokens * (double)E * FLOPS_PER_ROUTER_SCORE;
    op.act_bytes = (double)tokens * (double)E * op_dtype_bytes(DT_FP32) +
                   (double)tokens * (double)k * (op_dtype_bytes(DT_INT64) + op_dtype_bytes(DT_FP32));
    snprintf(nm, sizeof nm, "%srouter_topk", blk);
    long route = hb_add(b, nm, &op, HF_BLK_ROUTER, &gate, 1);

    long *downs = malloc((size_t)(E + 2) * sizeof *downs);
    if (!downs) {
        b->failed = true;
        return -1;
    }
    size_t nd = 0;
    int64_t assign = tokens * k, per = assign / E, extra = assign % E;
    for (int64_t e = 0; e < E; e++) {
        int64_t n_e = per + (e < extra ? 1 : 0);
        if (n_e == 0)
            continue;
        downs[nd++] = mixtral ? glu(b, "block_sparse_moe.experts.", e, ln, route, 2, n_e, c->moe_ffn, HF_BLK_EXPERT,
                                    "w1", "w3", "w2")
                              : glu(b, "mlp.experts.", e, ln, route, 2, n_e, c->moe_ffn, HF_BLK_EXPERT,
                                    "gate_proj", "up_proj", "down_proj");
    }
    if (c->shared_experts)
        downs[nd++] = glu(b, "mlp.shared_experts", -1, ln, -1, 3, tokens, c->moe_ffn * c->shared_experts,
                          HF_BLK_MLP, "gate_proj", "up_proj", "down_proj");
    downs[nd++] = route;
    /* scale each expert output by its routing weight and index_add into [B,S,H] */
    memset(&op, 0, sizeof op);
    op.opcode = "IndexAdd";
    op.kind = OPK_ELEMENTWISE;
    op.n_in = 1;
    op.in[0] = hb_t2(b->adt, assign, H);
    op.out = hb_t3(b->adt, b->B, b->S, H);
    op.flops = 2.0 * (double)assign * (double)H + (c->shared_experts ? (double)tokens * (double)H : 0);
    op.act_bytes = ((double)assign + (c->shared_experts ? 2.0 : 1.0) * (double)tokens) * (double)H * b->ab;
    snprintf(nm, sizeof nm, "%scombine", blk);
    long r = hb_add(b, nm, &op, HF_BLK_EXPERT, downs, nd);
    free(downs);
    return r;
}

bool hb_build_llama(hb_t *b)
{
    const hf_config_t *c = b->c;
    int64_t B = b->B, S = b->S, H = c->hidden, rows = B * S;
    if (c->has_lm_head) {
        memcpy(b->pre, "model.", 7);
        b->model_len = 6;
    }
    hb_prefix(b, "", -1, "");
    long x = hb_embedding(b, "embed_tokens", hb_t2(DT_INT64, B, S), c->vocab, H);
    /* rotary_emb: cos and sin [1,S,d] for positions P..P+S-1 */
    int64_t rd = c->arch == HF_DEEPSEEK_V3 ? c->qk_rope_head_dim : c->head_dim;
    op_t op;
    memset(&op, 0, sizeof op);
    op.opcode = "RotaryEmbedding";
    op.kind = OPK_ELEMENTWISE;
    op.n_in = 1;
    op.in[0] = hb_t2(DT_INT64, 1, S);
    op.out = hb_t3(b->adt, 1, S, rd);
    op.flops = 2.0 * (double)S * (double)rd;
    op.act_bytes = op_tensor_bytes(&op.in[0]) + 2 * op_tensor_bytes(&op.out);
    long rot = hb_add(b, "rotary_emb", &op, HF_BLK_ATTENTION, NULL, 0);

    op_tensor_t hs = hb_t3(b->adt, B, S, H);
    for (int64_t i = 0; i < c->layers && !b->failed; i++) {
        b->layer = (int32_t)i;
        hb_prefix(b, "layers.", i, ".");
        long ln = hb_norm(b, "input_layernorm", false, x, hs, H);
        long o = attention(b, ln, rot);
        long r1d[2] = {o, x};
        long r1 = hb_elementwise(b, "residual_attn", "Add", HF_BLK_RESIDUAL, r1d, 2, hs, 2, 1.0);
        long ln2 = hb_norm(b, "post_attention_layernorm", false, r1, hs, H);
        long m;
        if (hf_layer_is_moe(c, i))
            m = moe(b, ln2);
        else
            m = glu(b, "mlp", -1, ln2, -1, 3, rows, c->ffn, HF_BLK_MLP, "gate_proj", "up_proj", "down_proj");
        long r2d[2] = {m, r1};
        x = hb_elementwise(b, "residual_mlp", "Add", HF_BLK_RESIDUAL, r2d, 2, hs, 2, 1.0);
    }
    b->layer = -1;
    hb_prefix(b, "", -1, "");
    long n = hb_norm(b, "norm", false, x, hs, H);
    if (c->has_lm_head) {
        b->pre_len = 0;
        b->pre[0] = '\0';
        hb_linear(b, "lm_head", "Linear", HF_BLK_HEAD, &n, 1, 3, b->s->logits_last ? B : rows, H, c->vocab, 0, false,
                  c->tie_embeddings);
    }
    return !b->failed;
}

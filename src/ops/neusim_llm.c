/*
 * neusim_llm.c -- Llama-style LLM op lists and memory footprint (see
 * neusim_llm.h; spec §2, §4, §5.1, §5.2, §5.8).
 */
#include "ops/neusim_llm.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/strfmt.h"

unsigned nsl_quirk_parse(const char *name)
{
    static const struct {
        const char *name;
        unsigned bit;
    } q[] = {{"Q4", NSL_Q4},   {"Q5", NSL_Q5},   {"Q6", NSL_Q6},   {"Q7", NSL_Q7},   {"Q8", NSL_Q8},
             {"Q15", NSL_Q15}, {"Q16", NSL_Q16}, {"Q21", NSL_Q21}, {"Q24", NSL_Q24}, {"Q27", NSL_Q27},
             {"Q28", NSL_Q28}, {"Q10", NSL_Q10}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if (strcmp(q[i].name, name) == 0)
            return q[i].bit;
    return 0;
}

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* the per-generator context */
typedef struct {
    const nsl_model_t *m;
    ns_oplist_t *L;
    int64_t B, Lst;           /* local batch, layers per stage */
    int64_t tp_axes[16];
    int n_tp_axes;
    int64_t t;                /* prod(tp_axes) */
    unsigned quirks;          /* NSL_Q* kept */
} gen_t;

#define KEEP(g, q) (((g)->quirks & (q)) != 0)

static void gen_init(gen_t *g, const nsl_model_t *m, ns_oplist_t *L)
{
    memset(g, 0, sizeof *g);
    g->m = m;
    g->L = L;
    g->quirks = m->compat ? NSL_QALL : m->quirks;
    g->B = cdiv(m->microbatch_size_ici, m->dp);
    g->Lst = (int64_t)ceil((double)m->num_layers / (double)m->pp / (double)m->pp_dcn);
    int naxes = m->num_tp_axes;
    if (!KEEP(g, NSL_Q7) && naxes == 0 && m->tp > 1)
        naxes = 1; /* Q7: a degree without axes still shards */
    g->n_tp_axes = naxes > 0 ? ns_split_parallelism(m->tp, naxes, g->tp_axes) : 0;
    g->t = 1;
    for (int i = 0; i < g->n_tp_axes; i++)
        g->t *= g->tp_axes[i];
}

/* K/V heads per chip: NeuSim uses all heads (Q4); the fix shards the KV
 * heads (at least one per chip). */
static int64_t kv_heads(const gen_t *g, int64_t Ht)
{
    if (KEEP(g, NSL_Q4))
        return Ht;
    int64_t kv = g->m->num_kv_heads > 0 ? g->m->num_kv_heads : g->m->num_heads;
    int64_t kvt = cdiv(kv, g->t);
    return kvt < Ht ? kvt : Ht;
}

static const char *norm_op(const gen_t *g) { return KEEP(g, NSL_Q21) || !g->m->llama_ffn ? "LayerNorm" : "RMSNorm"; }

#define SH(...) ((const int64_t[]){__VA_ARGS__})

/* ---- attention ------------------------------------------------------------ */

/* flash path (NeuSim's create_multi_head_cross_attention with q = kv) */
static int attention_flash(gen_t *g, int fid, int64_t S, int64_t count)
{
    ns_oplist_t *L = g->L;
    const nsl_model_t *m = g->m;
    int64_t B = g->B, D = m->d_model, dh = m->d_head;
    int64_t Ht = cdiv(m->num_heads, g->t), Dq = cdiv(D, g->t);
    int64_t KVt = kv_heads(g, Ht);
    char nm[64];
    if (g->t > 1) {
        str_fmt(nm, sizeof nm, "AllGatherMHA-%d", fid);
        ns_all_gather(L, SH(B, S, Dq), 3, g->tp_axes, g->n_tp_axes, 2, fid, "Concatenate dims before attn", nm,
                      count);
        Dq = Dq * g->t;
        fid++;
    }
    char d[96];
    str_fmt(d, sizeof d, "-Q-%d", fid);
    ns_einsum(L, SH(B, S, Dq), 3, SH(Dq, Ht, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d, "MatMul: Q", count, -1);
    str_fmt(d, sizeof d, "-K-%d", fid);
    ns_einsum(L, SH(B, S, D), 3, SH(D, KVt, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d, "MatMul: K", count, -1);
    str_fmt(d, sizeof d, "-V-%d", fid);
    ns_einsum(L, SH(B, S, D), 3, SH(D, KVt, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d, "MatMul: V", count, -1);
    fid++;
    str_fmt(d, sizeof d, "-FlashAttention-%d", fid);
    ns_flash(L, SH(B, S, Ht, dh), SH(B, S, KVt, dh), fid, d, "FlashAttention", count, KEEP(g, NSL_Q5));
    fid++;
    str_fmt(d, sizeof d, "-Attention_output-%d", fid);
    ns_einsum(L, SH(B, S, Ht, dh), 4, SH(Ht, dh, Dq), 3, "BLND;NDM->BLM", "0_0_0", fid, d,
              "MatMul: attnOutput = attnAvg * W_o", count, -1);
    fid++;
    int64_t ln[3] = {B, S, Dq};
    if (g->t > 1) {
        str_fmt(nm, sizeof nm, "AllReduce(ReduceScatter)-%d", fid);
        ns_reduce_scatter(L, SH(B, S, Dq), 3, g->tp_axes, g->n_tp_axes, 2, fid, "Reduce and split attention results",
                          nm, count);
        ln[2] = cdiv(Dq, g->t);
        fid++;
    }
    str_fmt(d, sizeof d, "-Attention_layernorm-%d", fid);
    ns_unary(L, ln, 3, norm_op(g), "0_0", fid, d, "Y_norm = LayerNorm(y)", count);
    if (g->t > 1) {
        str_fmt(nm, sizeof nm, "AllReduce(AllGather)-%d", fid);
        ns_all_gather(L, ln, 3, g->tp_axes, g->n_tp_axes, 2, fid, "Gather results after Layernorm", nm, count);
        fid++;
    }
    return fid;
}

/* the "self-attention" path: non-flash prefill and every decode step */
static int attention_self(gen_t *g, int fid, bool decode)
{
    ns_oplist_t *L = g->L;
    const nsl_model_t *m = g->m;
    int64_t B = g->B, dh = m->d_head, Lin = m->input_seqlen, O = m->output_seqlen, W = m->decode_width;
    int64_t Ht = cdiv(m->num_heads, g->t), Dm = cdiv(m->d_model, g->t);
    int64_t KVt = kv_heads(g, Ht), G = Ht / (KVt ? KVt : 1);
    bool gqa = !KEEP(g, NSL_Q4) && KVt != Ht && Ht % KVt == 0;
    if (!gqa)
        KVt = Ht;
    int64_t count = decode ? g->Lst * O : g->Lst;
    int64_t S = decode ? W : Lin;
    /* decode context: NeuSim attends to all O generated tokens at every step
     * (Q6); the fix uses the mean suffix of the O steps, ceil((O+1)/2) */
    int64_t Osuf = decode && !KEEP(g, NSL_Q6) ? (O + 2) / 2 : O;
    const char *pre = decode ? "Attention-serving-decode-" : "Fwd-Attention_encoder-";
    char d[128], nm[64];
    if (g->t > 1) {
        str_fmt(d, sizeof d, "AllGatherMHA-%d", fid);
        ns_all_gather(L, SH(B, S, Dm), 3, g->tp_axes, g->n_tp_axes, 2, fid, d, "AllGather", count);
        Dm = Dm * g->t;
        fid++;
    }
    str_fmt(d, sizeof d, "%sQ/K/V", pre);
    ns_einsum(L, SH(B, S, Dm), 3, SH(Dm, Ht, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d,
              "MatMul: Q (2) = x_norm_all_gathered (2) * W_q (1)", count, 2.0 * (double)(Ht * Dm * dh));
    if (decode) {
        ns_einsum(L, SH(B, W, Dm), 3, SH(2, Dm, KVt, dh), 4, "BLM;TMND->BTLND", "0_0_0", fid, d,
                  "MatMul: KV (2) = x_norm (2) * W_kv (1)", count, 2.0 * (double)(2 * KVt * Dm * dh));
    } else {
        ns_einsum(L, SH(B, Lin, Dm), 3, SH(Dm, KVt, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d,
                  "MatMul: K (2) = x_norm_all_gathered (2) * W_k (1)", count, 2.0 * (double)(KVt * Dm * dh));
        ns_einsum(L, SH(B, Lin, Dm), 3, SH(Dm, KVt, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d,
                  "MatMul: V (2) = x_norm_all_gathered (2) * W_v (1)", count, 2.0 * (double)(KVt * Dm * dh));
    }
    fid++;
    /* scores and weighted values; with GQA the query heads are grouped
     * [.., KV heads, group] so each KV head is read once */
    const char *qk = gqa ? "BLGND;BSND->BLSNG" : "BLND;BSND->BLSN";
    const char *av = gqa ? "BLSNG;BSND->BLGND" : "BLSN;BSND->BLND";
    if (decode) {
        str_fmt(d, sizeof d, "%sSoftmax(Q*K)*V", pre);
        int64_t segs[2] = {Lin, Osuf};
        const char *qkn[2] = {"MatMul: QK_prefix (2) = Q (2) * Kcache (2)", "MatMul: QK_suffix (2) = Q (2) * Ksuffix (2)"};
        const char *avn[2] = {"MatMul: attn_avg_prefix (2) = QK_prefix (2) * Vcache (2)",
                              "MatMul: attn_avg_suffix (2) = QK_suffix (2) * Vsuffix (2)"};
        for (int s = 0; s < 2; s++) {
            if (gqa)
                ns_einsum(L, SH(B, W, G, KVt, dh), 5, SH(B, segs[s], KVt, dh), 4, qk, "0_0_0", fid, d, qkn[s], count, 0);
            else
                ns_einsum(L, SH(B, W, Ht, dh), 4, SH(B, segs[s], Ht, dh), 4, qk, "0_0_0", fid, d, qkn[s], count, 0);
        }
        ns_unary(L, SH(B, W, Lin + Osuf, Ht), 4, "Softmax", "0_0", fid, d, "attnWeights = Softmax(attnWeights)", count);
        for (int s = 0; s < 2; s++) {
            if (gqa)
                ns_einsum(L, SH(B, W, segs[s], KVt, G), 5, SH(B, segs[s], KVt, dh), 4, av, "0_0_0", fid, d, avn[s],
                          count, 0);
            else
                ns_einsum(L, SH(B, W, segs[s], Ht), 4, SH(B, segs[s], Ht, dh), 4, av, "0_0_0", fid, d, avn[s], count,
                          0);
        }
        ns_binary(L, SH(B, W, Ht, dh), 4, "Add", "0_0_0", fid, d, "attn_avg = Add(([B/d]beamS[N/h]D + [B/d]beamS[N/h]D))",
                  count, !KEEP(g, NSL_Q15));
    } else {
        str_fmt(d, sizeof d, "%sAttention_Softmax(Q*K)*V", pre);
        if (gqa)
            ns_einsum(L, SH(B, Lin, G, KVt, dh), 5, SH(B, Lin, KVt, dh), 4, qk, "0_0_1", fid, d,
                      "MatMul: attnWeights (2) = Q (2) * K_all_gathered (2)", count, 0);
        else
            ns_einsum(L, SH(B, Lin, Ht, dh), 4, SH(B, Lin, Ht, dh), 4, qk, "0_0_1", fid, d,
                      "MatMul: attnWeights (2) = Q (2) * K_all_gathered (2)", count, 0);
        ns_unary(L, SH(B, Lin, Lin, Ht), 4, "Softmax", "1_1", fid, d, "attnWeights = Softmax(attnWeights)", count);
        if (gqa)
            ns_einsum(L, SH(B, Lin, Lin, KVt, G), 5, SH(B, Lin, KVt, dh), 4, av, "1_0_0", fid, d,
                      "MatMul: attnAvg (2) = attnWeights (2) * V_all_gathered (2)", count, 0);
        else
            ns_einsum(L, SH(B, Lin, Lin, Ht), 4, SH(B, Lin, Ht, dh), 4, av, "1_0_0", fid, d,
                      "MatMul: attnAvg (2) = attnWeights (2) * V_all_gathered (2)", count, 0);
        ns_binary(L, SH(B, S, Ht, dh), 4, "Add", "0_0_0", fid, d, "attn_avg = Add(([B/d][L/l][M/mh] + [B/d][L/l][M/mh]))",
                  count, !KEEP(g, NSL_Q15));
    }
    fid++;
    str_fmt(d, sizeof d, "%sAttention_output", pre);
    ns_einsum(L, SH(B, S, Ht, dh), 4, SH(Ht, dh, Dm), 3, "BLND;NDM->BLM", "0_0_0", fid, d,
              "MatMul: attnOutput (2) = attnAvg (2) * W_o (1)", count, -1);
    fid++;
    int64_t rs[3] = {B, S, Dm};
    if (g->t > 1) {
        str_fmt(nm, sizeof nm, "AllReduceMHA(ReduceScatter)-%d", fid);
        ns_reduce_scatter(L, SH(B, S, Dm), 3, g->tp_axes, g->n_tp_axes, 2, fid, "Reduce attention and scatter before LN",
                          nm, count);
        rs[2] = cdiv(Dm, g->t);
        fid++;
    }
    str_fmt(d, sizeof d, "%sAttention_layernorm", pre);
    /* NeuSim normalises the full width even after the reduce-scatter */
    int64_t ln[3] = {B, S, KEEP(g, NSL_Q27) ? Dm : rs[2]};
    ns_unary(L, ln, 3, norm_op(g), "0_0", fid, d, "Y_norm = LayerNorm(y)", count);
    fid++;
    if (g->t > 1) {
        str_fmt(d, sizeof d, "AllGatherMHA-%d", fid);
        ns_all_gather(L, rs, 3, g->tp_axes, g->n_tp_axes, 2, fid, d, "AllGather", count);
    }
    return fid;
}

/* ---- FFN ------------------------------------------------------------------ */

static int ffn(gen_t *g, int fid, bool decode, int64_t *last_fid)
{
    ns_oplist_t *L = g->L;
    const nsl_model_t *m = g->m;
    int64_t B = g->B, D = m->d_model, Ft = cdiv(m->d_ff, g->t);
    int64_t count = decode ? g->Lst * m->output_seqlen : g->Lst;
    int64_t S = decode ? m->decode_width : m->input_seqlen;
    const char *pre = decode ? "FFN-serving-decoder-" : "Fwd-FFN-encoder-";
    char d[128], nm[64];
    if (g->t > 1) {
        str_fmt(nm, sizeof nm, "AllGatherMLP-%d", fid);
        /* NeuSim gathers [B, D] (no sequence axis, full D, Q8) */
        if (KEEP(g, NSL_Q8))
            ns_all_gather(L, SH(B, D), 2, g->tp_axes, g->n_tp_axes, 1, fid, "All gather input of MLP before ffn", nm,
                          count);
        else
            ns_all_gather(L, SH(B, S, cdiv(D, g->t)), 3, g->tp_axes, g->n_tp_axes, 2, fid,
                          "All gather input of MLP before ffn", nm, count);
        fid++;
    }
    double w = 2.0 * (double)(D * Ft);
    if (m->llama_ffn) {
        const char *mp = decode ? "Fwd-FFN-serving-decoder-" : "Fwd-FFN-encoder-";
        str_fmt(d, sizeof d, "%sFFgate", mp);
        ns_einsum(L, SH(B, S, D), 3, SH(D, Ft), 2, "BLM;MH->BLH", "0_0_0", fid, d,
                  "MatMul: h_gate (2) = y_norm (2) * W_FFgate (1)", count, w);
        fid++;
        str_fmt(d, sizeof d, "%sFFup", mp);
        ns_einsum(L, SH(B, S, D), 3, SH(D, Ft), 2, "BLM;MH->BLH", "0_0_0", fid, d,
                  "MatMul: h_up (2) = y_norm (2) * W_FFup (1)", count, w);
        fid++;
        str_fmt(d, sizeof d, "%sFFgate_up", mp);
        ns_binary(L, SH(B, S, Ft), 3, "Mul", "0_0_0", fid, d, "h_gate_up (2) = h_gate (2) * h_up (1)", count,
                  !KEEP(g, NSL_Q15));
        fid++;
        str_fmt(d, sizeof d, "%sFFoutput", mp);
        ns_einsum(L, SH(B, S, Ft), 3, SH(Ft, D), 2, "BLH;HM->BLM", "0_0_0", fid, d,
                  "MatMul: ff_down (2) = h_gate_up (2) * W_FFdown (1)", count, w);
    } else {
        const char *mp = decode ? "Fwd-FFN-serving-decoder-" : "Fwd-FFN_encoder-";
        str_fmt(d, sizeof d, "%sFFinput", mp);
        ns_einsum(L, SH(B, S, D), 3, SH(D, Ft), 2, "BLM;MH->BLH", "0_0_0", fid, d,
                  "MatMul: h (2) = y_norm (2) * W_FFi (1)", count, w);
        fid++;
        ns_einsum(L, SH(B, S, Ft), 3, SH(Ft, D), 2, "BLH;HM->BLM", "0_0_0", fid, d,
                  "MatMul: ffn (2) = h (2) * W_FFo (1)", count, w);
    }
    fid++;
    int64_t add[3] = {B, S, D};
    if (g->t > 1) {
        str_fmt(nm, sizeof nm, "ReduceScatterMLP-%d", fid);
        ns_reduce_scatter(L, SH(B, S, D), 3, g->tp_axes, g->n_tp_axes, 2, fid,
                          "Reduce and scatter results of MLP before residual", nm, count);
        add[2] = cdiv(D, g->t);
        fid++;
    }
    str_fmt(d, sizeof d, "%sAttnPlusFFn", pre);
    ns_binary(L, add, 3, "Add", "0_0_0", fid, d,
              decode ? "attnPlusFFn = Add(([B/d]beamS[M/mh] + [B/d]beamS[M/mh]))"
                     : "attnPlusFFn = Add(([B/d][L/l][M/mh] + [B/d][L/l][M/mh]))",
              count, !KEEP(g, NSL_Q15));
    *last_fid = fid;
    fid++;
    return fid;
}

/* A pipeline transfer between pods: NeuSim sends it over ICI (Q10); the
 * fix uses the DCN's bandwidth and latency. */
static void dcn_transfer(gen_t *g, const int64_t *sh, bool output, int fid, const char *desc, const char *name,
                         int64_t count)
{
    if (KEEP(g, NSL_Q10))
        ns_transfer(g->L, sh, 3, output, fid, desc, name, count);
    else
        ns_transfer_over(g->L, sh, 3, output, fid, desc, name, count, g->m->dcn_bw_GBps, g->m->dcn_latency_ns);
}

/* ---- phases ------------------------------------------------------------------ */

static int kv_swap(gen_t *g, int fid, bool decode)
{
    const nsl_model_t *m = g->m;
    if (!m->enable_swap_kv_cache)
        return fid;
    double need = nsl_inference_mem_bytes(m, decode);
    double cap = m->hbm_size_GB * 1024 * 1024 * 1024;
    if (need <= cap)
        return fid;
    int64_t times = decode ? m->max_swap_decode : m->max_swap_prefill;
    if (times > g->Lst)
        times = g->Lst;
    int64_t swap = (int64_t)ceil((need - cap) / (double)times);
    int64_t count = decode ? m->output_seqlen : 1;
    ns_kvswap(g->L, swap, false, fid, "PCIeMemSwapIn", "PCIeMemSwapIn", count, KEEP(g, NSL_Q24));
    fid++;
    ns_kvswap(g->L, swap, true, fid, "PCIeMemSwapOut", "PCIeMemSwapOut", count, KEEP(g, NSL_Q24));
    fid++;
    return fid;
}

static int phase(gen_t *g, int fid, bool decode, const char *tag_in, const char *tag_out, bool training)
{
    const nsl_model_t *m = g->m;
    int64_t S = decode ? m->decode_width : m->input_seqlen;
    int64_t Dtp = cdiv(m->d_model, m->tp); /* the generator level uses the degree (Q7) */
    int64_t xcount = decode ? m->output_seqlen : 1;
    int64_t count = decode ? g->Lst * m->output_seqlen : g->Lst;
    int64_t sh[3] = {g->B, S, Dtp};
    char nm[96], d[96];
    if (!training)
        fid = kv_swap(g, fid, decode);
    if (m->pp_dcn > 1) {
        str_fmt(nm, sizeof nm, "receiveInput_DCNTTransfer[%lld]", (long long)(g->B * S * Dtp));
        str_fmt(d, sizeof d, "%sReceiveInputFromPipelineDCN", tag_in);
        dcn_transfer(g, sh, false, fid, d, nm, xcount);
        fid++;
    }
    if (m->pp > 1) {
        str_fmt(nm, sizeof nm, "receiveInput_ICITransfer[%lld]", (long long)(g->B * S * Dtp));
        str_fmt(d, sizeof d, "%sReceiveInputFromPipelineICI", tag_in);
        ns_transfer(g->L, sh, 3, false, fid, d, nm, xcount);
        fid++;
    }
    if (training)
        fid++;
    ns_unary(g->L, sh, 3, norm_op(g), "0_0", fid,
             decode ? "Attention-serving-decode-Input_layernorm" : "Fwd-Attention-encoder-Input_layernorm",
             "X_norm = LayerNorm(X)", count);
    fid++;
    if (!decode && m->use_flash_attention)
        fid = attention_flash(g, fid, m->input_seqlen, g->Lst);
    else
        fid = attention_self(g, fid, decode);
    /* NeuSim's generator continues from the last attention op's id + 1 */
    fid = g->L->lab[ns_oplist_len(g->L) - 1].fusion_id + 1;
    int64_t last;
    int ffn_start = fid;
    ffn(g, fid, decode, &last);
    /* ...and the send ops reuse the FFN's first id (the generator does not
     * advance past the FFN) */
    fid = ffn_start;
    if (m->pp > 1) {
        str_fmt(nm, sizeof nm, "%s_ICITransfer[%lld]", decode ? "sendOutput" : "SendOutput",
                 (long long)(g->B * S * Dtp));
        str_fmt(d, sizeof d, "%sPipelineICI", tag_out);
        ns_transfer(g->L, sh, 3, true, fid, d, nm, xcount);
        fid++;
    }
    if (m->pp_dcn > 1) {
        str_fmt(nm, sizeof nm, "%s_DCNTTransfer[%lld]", decode ? "sendOutput" : "SendOutput",
                 (long long)(g->B * S * Dtp));
        str_fmt(d, sizeof d, "%sPipelineDCN", tag_out);
        dcn_transfer(g, sh, true, fid, d, nm, xcount);
        fid++;
    }
    return fid;
}

bool nsl_inference(const nsl_model_t *m, ns_oplist_t *prefill, ns_oplist_t *decode)
{
    if (!ns_oplist_init(prefill, m->ici_bw_GBps, m->ici_latency_ns, m->pcie_bw_GBps, m->pcie_latency_ns) ||
        !ns_oplist_init(decode, m->ici_bw_GBps, m->ici_latency_ns, m->pcie_bw_GBps, m->pcie_latency_ns))
        return false;
    gen_t g;
    gen_init(&g, m, prefill);
    phase(&g, 2, false, "Prefill", "PrefillSendOutputTo", false);
    if (prefill->failed || ns_oplist_len(prefill) == 0)
        return false;
    int next = prefill->lab[ns_oplist_len(prefill) - 1].fusion_id + 1;
    gen_init(&g, m, decode);
    phase(&g, next, true, "Decode", "DecodeSendOutputTo", false);
    return !decode->failed;
}

/* ---- training backward (spec §5.3) ---------------------------------------------- */

/* X and Y gradients of an einsum: same operands and FLOPs as the forward
 * einsum, at fid and fid + 1; NeuSim gives both the weight bytes (Q16). */
static int einsum_bwd(gen_t *g, const int64_t *a, int ra, const int64_t *b, int rb, const char *expr,
                      const char *placement, int fid, const char *desc, const char *name, int64_t count, double wx,
                      double wy)
{
    char nm[256];
    str_fmt(nm, sizeof nm, "%s", name);
    long i = ns_einsum(g->L, a, ra, b, rb, expr, placement, fid, desc, nm, count, wx);
    if (i >= 0) {
        op_t *op = op_graph_at(g->L->g, (size_t)i);
        char full[512];
        str_fmt(full, sizeof full, "%sXGrad", op->name);
        op->name = op_graph_strdup(g->L->g, full);
    }
    i = ns_einsum(g->L, a, ra, b, rb, expr, placement, fid + 1, desc, nm, count, wy);
    if (i >= 0) {
        op_t *op = op_graph_at(g->L->g, (size_t)i);
        char full[512];
        str_fmt(full, sizeof full, "%sYGrad", op->name);
        op->name = op_graph_strdup(g->L->g, full);
    }
    return fid + 1;
}

/* NeuSim's LayerNorm backward group: a softmax and three einsums, Count 1
 * (the fix repeats them per layer, Q16) */
static void layernorm_bwd(gen_t *g, const int64_t *x, int fid, int64_t count)
{
    int64_t c = KEEP(g, NSL_Q16) ? 1 : count;
    char d[96];
    ns_unary(g->L, x, 3, "Softmax", "1_1", fid, "Softmax", "Softmax Backprop.", c);
    const char *ex[3] = {"BLV;BLV->BV", "BLN;BLN->BL", "BLN;BLN->BL"};
    const char *tag[3] = {"dl/dy", "e1", "e2"};
    for (int k = 0; k < 3; k++) {
        char nm[64];
        str_fmt(d, sizeof d, "softmax-bwd-%s-%d", tag[k], fid);
        str_fmt(nm, sizeof nm, "MatMul: %s", tag[k]);
        /* these einsums multiply activations; NeuSim counts their B operand as weights (Q16) */
        ns_einsum(g->L, x, 3, x, 3, ex[k], "0_0_1", fid, d, nm, c, KEEP(g, NSL_Q16) ? -1 : 0);
    }
}

static int last_fid(const gen_t *g) { return g->L->lab[ns_oplist_len(g->L) - 1].fusion_id; }

static void training_bwd(gen_t *g, int fid)
{
    const nsl_model_t *m = g->m;
    ns_oplist_t *L = g->L;
    int64_t B = g->B, S = m->input_seqlen, D = m->d_model, dh = m->d_head, cnt = g->Lst;
    int64_t Dtp = cdiv(D, m->tp);
    int64_t sh[3] = {B, S, Dtp};
    size_t first = ns_oplist_len(L);
    char nm[96], d[96];
    if (m->pp_dcn > 1) {
        str_fmt(nm, sizeof nm, "receiveInput_DCNTTransfer[%lld]", (long long)(B * S * Dtp));
        dcn_transfer(g, sh, false, fid, "Bwd-ReceiveInputFromPipelineDCN", nm, 1);
        fid++;
    }
    if (m->pp > 1) {
        str_fmt(nm, sizeof nm, "receiveInput_ICITransfer[%lld]", (long long)(B * S * Dtp));
        ns_transfer(L, sh, 3, false, fid, "Bwd-ReceiveInputFromPipelineICI", nm, 1);
        fid++;
    }
    fid++;
    /* FFN backward */
    int64_t Ft = cdiv(m->d_ff, g->t);
    double wf = 2.0 * (double)(D * Ft);
    int ffn0 = fid;
    /* which gradient carries the weight bytes: NeuSim both (Q16), the fix the weight gradient only */
    double wx = KEEP(g, NSL_Q16) ? wf : 0;
    einsum_bwd(g, SH(B, S, Ft), 3, SH(Ft, D), 2, "BLH;HM->BLM", "0_0_0", fid, "Bwd-FFN-encoder-FFdown", "einsum", cnt,
               wx, wf);
    ns_binary(L, SH(B, S, Ft), 3, "Mul", "0_0_0", fid, "Bwd-FFN-encoder-FFgate_up", "h_gate_up (2) = h_gate (2) * h_up (1)",
              cnt, !KEEP(g, NSL_Q15));
    fid++;
    einsum_bwd(g, SH(B, S, D), 3, SH(D, Ft), 2, "BLM;MH->BLH", "0_0_0", fid, "Bwd-FFN-encoder-FFgate", "einsum", cnt, wx,
               wf);
    einsum_bwd(g, SH(B, S, D), 3, SH(D, Ft), 2, "BLM;MH->BLH", "0_0_0", fid, "Bwd-FFN-encoder-FFup", "einsum", cnt, wx,
               wf);
    if (g->t > 1) {
        ns_all_reduce(L, SH(B, S, D), 3, g->tp_axes, g->n_tp_axes, 0, fid, "Bwd-FFN-encoder-", "AllReduce", 1);
        str_fmt(nm, sizeof nm, "AllReduce-MLP-%d", ffn0);
        ns_all_reduce(L, SH(B, S, D), 3, g->tp_axes, g->n_tp_axes, 0, ffn0, "All reduce results of MLP gradient calculation",
                      nm, cnt);
    }
    fid = last_fid(g) + 1;
    /* attention backward: NeuSim uses the sharded width D/t where the forward
     * pass gathers to D (Q16); the fix uses D */
    int64_t Ht = cdiv(m->num_heads, g->t), Dm = cdiv(D, g->t);
    if (!KEEP(g, NSL_Q16) && g->t > 1)
        Dm = Dm * g->t;
    int64_t KVt = kv_heads(g, Ht);
    const char *pre = "Bwd-Attention_encoder-";
    str_fmt(d, sizeof d, "%sAttention_layernorm", pre);
    layernorm_bwd(g, SH(B, S, Dm), fid, cnt);
    fid = last_fid(g) + 1;
    double wo = 2.0 * (double)(Ht * dh * Dm);
    str_fmt(d, sizeof d, "%sAttention_output", pre);
    einsum_bwd(g, SH(B, S, Ht, dh), 4, SH(Ht, dh, Dm), 3, "BLND;NDM->BLM", "0_0_0", fid, d,
               "MatMul: attnOutput (2) = attnAvg (2) * W_o (1)", cnt, KEEP(g, NSL_Q16) ? wo : 0, wo);
    fid = last_fid(g) + 1;
    str_fmt(d, sizeof d, "%sAttention_Softmax(Q*K)*V", pre);
    einsum_bwd(g, SH(B, S, S, Ht), 4, SH(B, S, Ht, dh), 4, "BLSN;BSND->BLND", "1_0_0", fid, d,
               "MatMul: attnAvg (2) = attnWeights (2) * V_all_gathered (2)", cnt, 0, 0);
    ns_unary(L, SH(B, S, S, Ht), 4, "Pointwise Mul.", "1_1", fid, d, "Softmax Backprop", cnt);
    einsum_bwd(g, SH(B, S, Ht, dh), 4, SH(B, S, Ht, dh), 4, "BLND;BSND->BLSN", "0_0_1", fid, d,
               "MatMul: attnWeights (2) = Q (2) * K_all_gathered (2)", cnt, 0, 0);
    str_fmt(d, sizeof d, "%sQ/K/V", pre);
    const char *qkv[3] = {"MatMul: Q (2) = x_norm_all_gathered (2) * W_q (1)",
                          "MatMul: K (2) = x_norm_all_gathered (2) * W_k (1)",
                          "MatMul: V (2) = x_norm_all_gathered (2) * W_v (1)"};
    for (int k = 0; k < 3; k++) {
        int64_t heads = k == 0 ? Ht : KVt;
        double w = 2.0 * (double)(heads * Dm * dh);
        einsum_bwd(g, SH(B, S, Dm), 3, SH(Dm, heads, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d, qkv[k], cnt,
                   KEEP(g, NSL_Q16) ? w : 0, w);
    }
    fid = last_fid(g) + 1;
    if (g->t > 1)
        ns_all_reduce(L, SH(B, S, Dm), 3, g->tp_axes, g->n_tp_axes, 0, fid, pre, "AllReduce", 1);
    fid = last_fid(g) + 1;
    /* input norm backward */
    layernorm_bwd(g, sh, fid, cnt);
    fid++;
    if (m->pp > 1) {
        str_fmt(nm, sizeof nm, "SendOutput_ICITransfer[%lld]", (long long)(B * S * Dtp));
        ns_transfer(L, sh, 3, true, fid, "Bwd-SendOutputToPipelineICI", nm, 1);
        fid++;
    }
    if (m->pp_dcn > 1) {
        str_fmt(nm, sizeof nm, "SendOutput_DCNTTransfer[%lld]", (long long)(B * S * Dtp));
        dcn_transfer(g, sh, true, fid, "Bwd-SendOutputToPipelineDCN", nm, 1);
        fid++;
    }
    /* weight update: parameters = weight bytes x count of the backward ops / 2 */
    double wsum = 0;
    for (size_t i = first; i < ns_oplist_len(L); i++) {
        const op_t *op = op_graph_get(L->g, i);
        wsum += op->weight_bytes * (double)op->count;
    }
    int64_t P = (int64_t)wsum / 2;
    int64_t dp_axes[17];
    int nd = 0;
    int ndax = m->num_dp_axes;
    if (!KEEP(g, NSL_Q7) && ndax == 0 && m->dp > 1)
        ndax = 1; /* Q7 */
    if (ndax > 0)
        nd = ns_split_parallelism(m->dp, ndax, dp_axes);
    int64_t ici_dp = 1;
    for (int i = 0; i < nd; i++)
        ici_dp *= dp_axes[i];
    if (ici_dp * m->dp_dcn > 1) {
        double agg = nd * m->ici_bw_GBps + m->dcn_bw_GBps;
        int na = nd;
        if (m->dp_dcn > 1)
            dp_axes[na++] = m->dp_dcn;
        ns_all_reduce(L, SH(1, P, 1), 3, dp_axes, na, agg, fid, "WeightUpdate", "AllReduce", 1);
        fid++;
    }
    ns_io(L, SH(4 * P), 1, false, NS_VPU, fid, "WeightUpdateOptimizerStates: Load optimizer states from HBM", "input", 1);
    fid++;
    ns_io(L, SH(P), 1, true, NS_VPU, fid, "WeightUpdateWriteHBM", "output", 1);
}

bool nsl_training(const nsl_model_t *m, ns_oplist_t *ops)
{
    if (!ns_oplist_init(ops, m->ici_bw_GBps, m->ici_latency_ns, m->pcie_bw_GBps, m->pcie_latency_ns))
        return false;
    nsl_model_t mm = *m;
    mm.use_flash_attention = false; /* NeuSim's batch driver forces it; the backward pass has no flash path */
    gen_t g;
    gen_init(&g, &mm, ops);
    phase(&g, 2, false, "Fwd-", "SendOutputTo", true);
    if (ops->failed || ns_oplist_len(ops) == 0)
        return false;
    gen_init(&g, &mm, ops);
    training_bwd(&g, last_fid(&g) + 1);
    return !ops->failed;
}

const char *nsl_check(const nsl_model_t *m, char *buf, size_t len)
{
    if (m->d_model <= 0 || m->num_heads <= 0 || m->d_head <= 0 || m->d_ff <= 0 || m->num_layers <= 0 ||
        m->input_seqlen <= 0 || m->output_seqlen <= 0 || m->decode_width <= 0 || m->microbatch_size_ici <= 0) {
        str_fmt(buf, len, "model sizes, sequence lengths and batch must be > 0");
        return buf;
    }
    if (m->dp < 1 || m->tp < 1 || m->pp < 1 || m->dp_dcn < 1 || m->tp_dcn < 1 || m->pp_dcn < 1) {
        str_fmt(buf, len, "parallelism degrees must be >= 1");
        return buf;
    }
    if (m->num_chips < m->dp * m->tp * m->pp) {
        str_fmt(buf, len,
                 "parallelism dp %lld x tp %lld x pp %lld = %lld needs more than num_chips = %lld",
                 (long long)m->dp, (long long)m->tp, (long long)m->pp, (long long)(m->dp * m->tp * m->pp),
                 (long long)m->num_chips);
        return buf;
    }
    if (m->tp_dcn != 1) {
        str_fmt(buf, len, "tensor_parallel_degree_dcn = %lld: tensor parallelism over DCN is not supported",
                 (long long)m->tp_dcn);
        return buf;
    }
    if (m->pp * m->pp_dcn > m->num_layers) {
        str_fmt(buf, len, "pipeline stages %lld exceed num_layers = %lld", (long long)(m->pp * m->pp_dcn),
                 (long long)m->num_layers);
        return buf;
    }
    if (!m->compat && m->num_layers % (m->pp * m->pp_dcn) != 0) {
        str_fmt(buf, len, "num_layers = %lld is not divisible by the %lld pipeline stages", (long long)m->num_layers,
                 (long long)(m->pp * m->pp_dcn));
        return buf;
    }
    if (m->num_kv_heads > 0 && m->num_heads % m->num_kv_heads != 0) {
        str_fmt(buf, len, "num_heads = %lld is not a multiple of num_kv_heads = %lld", (long long)m->num_heads,
                 (long long)m->num_kv_heads);
        return buf;
    }
    return NULL;
}

/* ---- memory footprint (§5.8) ------------------------------------------------ */

double nsl_inference_mem_bytes(const nsl_model_t *m, bool decode)
{
    int64_t tp = m->tp * m->tp_dcn, pp = m->pp * m->pp_dcn;
    int64_t bs = cdiv(m->microbatch_size_ici, m->dp);
    int64_t H = cdiv(m->num_heads, tp);
    int64_t kvh = m->num_kv_heads > 0 ? m->num_kv_heads : m->num_heads;
    int64_t KV = cdiv(kvh, tp), F = cdiv(m->d_ff, tp), nl = cdiv(m->num_layers, pp);
    int64_t D = m->d_model, dh = m->d_head;
    int64_t seq = decode ? m->input_seqlen + m->output_seqlen : m->input_seqlen;
    double w_kv = tp <= KV ? (double)(D * KV * dh * 2) : (double)(D * H * dh * 2);
    double w_attn = w_kv + (double)(D * H * dh) + (double)(H * dh * D);
    double a_kv = tp <= KV ? (double)bs * seq * KV * dh * 2 : (double)bs * seq * H * dh * 2;
    double a_attn = a_kv + (double)bs * seq * H * dh;
    int64_t mx = F > D ? F : D;
    double w_ff = m->llama_ffn ? 3.0 * D * F : 2.0 * D * F;
    double a_ff = m->llama_ffn ? 2.0 * bs * seq * mx : (double)bs * seq * mx;
    unsigned quirks = m->compat ? NSL_QALL : m->quirks;
    if (quirks & NSL_Q28)
        return 2 * (w_attn + w_ff) * nl + 2 * (a_attn + a_ff) * nl;
    /* the KV cache lives per layer; the query and FFN activations of one layer are transient */
    return 2 * (w_attn + w_ff) * nl + 2 * (a_kv * nl + (a_attn - a_kv) + a_ff);
}

double nsl_training_mem_bytes(const nsl_model_t *m)
{
    int64_t tp = m->tp, b = cdiv(m->global_batch_size, m->dp);
    int64_t H = cdiv(m->num_heads, tp), F = cdiv(m->d_ff, tp), nl = cdiv(m->num_layers, m->pp);
    double D = (double)m->d_model, dh = (double)m->d_head, L = (double)m->input_seqlen, bb = (double)b;
    double w_attn = 0, a_attn = 0;
    a_attn += bb * L * (double)cdiv(m->d_model, tp);
    w_attn += 2 * bb * L * D;
    a_attn += 2 * bb * L * D;
    w_attn += 3 * D * H * dh;
    a_attn += fmax(3 * D * H * dh, 3 * bb * L * H * dh);
    a_attn += 2 * bb * L * L * H;
    a_attn += bb * L * H * dh;
    w_attn += H * dh * D;
    a_attn += fmax(H * dh * D, bb * L * D);
    w_attn += 2 * bb * L * D;
    a_attn += 2 * bb * L * D;
    double w_ff = 2 * D * F + F * D;
    double a_ff = fmax(2 * D * F, 2 * bb * L * F) + bb * L * F + fmax(F * D, bb * L * D);
    w_ff *= nl;
    a_ff *= nl;
    double w = w_attn + w_ff, a = a_attn + a_ff;
    return 2 * w + 2 * a + 4 * (3 * w);
}

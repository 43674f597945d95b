/*
 * neusim_deepseek.c -- DeepSeek inference op lists (MLA + MoE with expert
 * parallelism) and memory footprint; see neusim_deepseek.h, spec §5.4.
 */
#include "ops/neusim_deepseek.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/strfmt.h"

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

#define SH(...) ((const int64_t[]){__VA_ARGS__})

typedef struct {
    const nsd_model_t *m;
    ns_oplist_t *L;
    bool decode;
    int64_t B, Lst, S;
    int64_t tp_axes[16], etp_axes[16], ep_axes[16];
    int n_tp, n_etp, n_ep;
    int64_t t, etp, ep;       /* products of the axes */
    unsigned q;               /* NSD_* kept */
    bool q15;                 /* binary ops read one operand (NeuSim) */
} dg_t;

#define KEEP(g, b) (((g)->q & (b)) != 0)

static int64_t prod_axes(const int64_t *a, int n)
{
    int64_t p = 1;
    for (int i = 0; i < n; i++)
        p *= a[i];
    return p;
}

int64_t nsd_etp(const nsd_model_t *m) { return m->ep > 0 ? m->base.dp * m->base.tp / m->ep : 0; }

static void dg_init(dg_t *g, const nsd_model_t *m, ns_oplist_t *L, bool decode)
{
    const nsl_model_t *b = &m->base;
    memset(g, 0, sizeof *g);
    g->m = m;
    g->L = L;
    g->decode = decode;
    g->q = b->compat ? NSD_QALL : m->quirks;
    g->q15 = b->compat || (b->quirks & NSL_Q15);
    g->B = cdiv(b->microbatch_size_ici, b->dp);
    g->Lst = (int64_t)ceil((double)b->num_layers / (double)b->pp / (double)b->pp_dcn);
    g->S = decode ? b->decode_width : b->input_seqlen;
    bool q7 = b->compat || (b->quirks & NSL_Q7);
    int ntp = b->num_tp_axes, nep = (int)m->num_ep_axes;
    if (!q7 && ntp == 0 && b->tp > 1)
        ntp = 1; /* a degree without axes still shards (Q7) */
    if (!q7 && nep == 0 && m->ep > 1)
        nep = 1;
    int ndp = b->num_dp_axes;
    if (!q7 && ndp == 0 && b->dp > 1)
        ndp = 1;
    g->n_tp = ntp > 0 ? ns_split_parallelism(b->tp, ntp, g->tp_axes) : 0;
    g->n_ep = nep > 0 ? ns_split_parallelism(m->ep, nep, g->ep_axes) : 0;
    int netp = ndp + ntp - nep;
    g->n_etp = netp > 0 ? ns_split_parallelism(nsd_etp(m), netp, g->etp_axes) : 0;
    g->t = prod_axes(g->tp_axes, g->n_tp);
    g->ep = prod_axes(g->ep_axes, g->n_ep);
    g->etp = prod_axes(g->etp_axes, g->n_etp);
}

static int last_fid(const dg_t *g) { return g->L->lab[ns_oplist_len(g->L) - 1].fusion_id; }

static void dt(dg_t *g, op_dtype_t t, const char *name) { ns_set_dtype(g->L, t, name); }
static void bf16(dg_t *g) { ns_set_dtype(g->L, DT_BF16, NULL); }

/* ---- multi-head latent attention (create_multi_head_latent_attention) ------------- */

static int mla(dg_t *g, int fid)
{
    const nsd_model_t *m = g->m;
    const nsl_model_t *b = &m->base;
    ns_oplist_t *L = g->L;
    bool dec = g->decode;
    /* NeuSim counts every layer here, not the stage's (fixed with Q18) */
    int64_t layers = KEEP(g, NSD_Q18) ? b->num_layers : g->Lst;
    int64_t count = dec ? layers * b->output_seqlen : layers;
    int64_t B = g->B, S = g->S, D = b->d_model, t = g->t;
    int64_t T = dec ? b->input_seqlen + b->output_seqlen : b->input_seqlen;
    int64_t Hl = cdiv(b->num_heads, t);
    int64_t Rq = m->q_lora_rank, Rkv = m->kv_lora_rank, Dn = m->qk_nope_head_dim, Dr = m->qk_rope_head_dim,
            Dv = m->v_head_dim;
    const char *pre = dec ? "Attention-serving-decode-Attention-serving-decode-"
                          : "Fwd-Attention-encoder-Attention-serving-prefill-";
    char d[160], nm[64];
#define DESC(s) (str_fmt(d, sizeof d, "%s%s", pre, s), d)
    bool q9 = KEEP(g, NSD_Q9);
    int64_t Dt = cdiv(D, t);
    /* width of the post-attention reduce-scatter input: NeuSim D*t (Q9), else D */
    int64_t Dpost = t > 1 && q9 ? D * t : D;
    bf16(g);
    if (t > 1) {
        str_fmt(nm, sizeof nm, "AllGatherMHA-%d", fid);
        if (q9)
            ns_all_gather(L, SH(B, S, D), 3, g->tp_axes, g->n_tp, 2, fid, nm, "AllGather", count);
        else
            ns_all_gather(L, SH(B, S, Dt), 3, g->tp_axes, g->n_tp, 2, fid, nm, "AllGather", count);
        fid++;
    }
    ns_einsum(L, SH(B, S, D), 3, SH(D, Rq), 2, "BSM;MD->BSD", "0_0_0", fid, DESC("q_wq_a_linear"),
              "wqax = self.wq_a(x)", count, -1);
    fid++;
    dt(g, DT_FP32, "DT_FLOAT32");
    ns_unary(L, SH(B, S, Rq), 3, "RMSNorm", "0_0", fid, DESC("q_norm"), "q_norm_wqax = self.q_norm(wqax)", count);
    fid++;
    bf16(g);
    ns_einsum(L, SH(B, S, Rq), 3, SH(Rq, (Dn + Dr) * Hl), 2, "BSR;RD->BSD", "0_0_0", fid, DESC("q_wq_b_linear"),
              "q = self.wq_b(q_norm_wqax)", count, -1);
    fid++;
    dt(g, DT_FP32, "DT_FLOAT32");
    ns_binary(L, SH(B, S, Hl, Dr), 4, "Mul", "0_0_0", fid, DESC("apply_rotary_emb"),
              "q_pe = apply_rotary_emb(q_pe, freqs_cis)", count, !g->q15);
    fid++;
    bf16(g);
    ns_einsum(L, SH(B, S, D), 3, SH(D, Rkv + Dr), 2, "BSM;MK->BSK", "0_0_0", fid, DESC("kv_k_pe_linear"),
              "kv = self.wkv_a(x); kv, k_pe = torch.split(kv, [self.kv_lora_rank, self.qk_rope_head_dim], dim=-1)",
              count, -1);
    fid++;
    dt(g, DT_FP32, "DT_FLOAT32");
    ns_binary(L, SH(B, S, Dr), 3, "Mul", "0_0_0", fid, DESC("apply_rotary_emb"),
              "k_pe = apply_rotary_emb(k_pe.unsqueeze(2), freqs_cis)", count, !g->q15);
    fid++;
    if (t > 1) {
        /* sequence parallelism over the TP axes: gather the latent KV and the rope keys */
        dt(g, DT_FP8, "DT_FLOAT8");
        str_fmt(nm, sizeof nm, "AllGatherKV-%d", fid);
        ns_all_gather(L, SH(B, S, Rkv), 3, g->tp_axes, g->n_tp, 1, fid, nm, "AllGather", count);
        fid++;
        dt(g, DT_FP32, "DT_FLOAT32");
        str_fmt(nm, sizeof nm, "AllGatherK_PE-%d", fid);
        ns_all_gather(L, SH(B, S, Dr), 3, g->tp_axes, g->n_tp, 1, fid, nm, "AllGather", count);
        fid++;
    }
    bf16(g);
    ns_einsum(L, SH(B, S, Hl, Dn), 4, SH(Hl, Dn, Rkv), 3, "BSHD;HDC->BSHC", "0_0_0", fid,
              DESC("q_nope_wkv_b_linear"),
              "wkv_b = wkv_b.view(self.n_local_heads, -1, self.kv_lora_rank); q_nope = torch.einsum('bshd,hdc->bshc', "
              "q_nope, wkv_b[:, :self.qk_nope_head_dim])",
              count, -1);
    fid++;
    dt(g, DT_FP32, "DT_FLOAT32");
    ns_unary(L, SH(B, S, Rkv), 3, "RMSNorm", "0_0", fid, DESC("kv_norm"), "kv_norm = self.kv_norm(kv)", count);
    fid++;
    bf16(g);
    ns_einsum(L, SH(B, S, Hl, Rkv), 4, SH(B, T, Rkv), 3, "BSHC;BTC->BSHT", "0_0_0", fid,
              DESC("q_nope_kv_cache_einsum"),
              "q_nope_kv = torch.einsum('bshc,btc->bsht', q_nope, self.kv_cache[:bsz, :end_pos])", count, -1);
    fid++;
    ns_einsum(L, SH(B, S, Hl, Dr), 4, SH(B, T, Dr), 3, "BSHR;BTR->BSHT", "0_0_0", fid, DESC("q_pe_pe_einsum"),
              "q_pe_pe = torch.einsum('bshr,btr->bsht', q_pe, self.pe_cache[:bsz, :end_pos])", count, -1);
    fid++;
    ns_einsum(L, SH(B, S, Hl, T), 4, SH(B, T, Rkv), 3, "BSHT;BTC->BSHC", "0_0_0", fid,
              DESC("scores_kv_cache_einsum"),
              "x = torch.einsum('bsht,btc->bshc', scores, self.kv_cache[:bsz, :end_pos])", count, -1);
    fid++;
    ns_einsum(L, SH(B, S, Hl, Rkv), 4, SH(Hl, Dv, Rkv), 3, "BSHC;HDC->BSHD", "0_0_0", fid, DESC("x_wkv_b_linear"),
              "x = torch.einsum('bshc,hdc->bshd', x, wkv_b[:, -self.v_head_dim:])", count, -1);
    fid++;
    ns_einsum(L, SH(B, S, Hl * Dv), 3, SH(Hl * Dv, D), 2, "BSD;DM->BSM", "0_0_0", fid, DESC("x_wo_linear"),
              "x = self.wo(x.flatten(2))", count, -1);
    fid++;
    int64_t rs_out[3] = {B, S, Dpost};
    if (t > 1) {
        str_fmt(nm, sizeof nm, "ReduceScatterMHA-%d", fid);
        ns_reduce_scatter(L, SH(B, S, Dpost), 3, g->tp_axes, g->n_tp, 2, fid,
                          "Reduce attention and scatter before RMSNorm", nm, count);
        rs_out[2] = cdiv(Dpost, t);
        fid++;
    }
    /* NeuSim normalises the gathered width D*t (Q9); the fix normalises the local shard */
    int64_t nw = q9 ? Dpost : rs_out[2];
    ns_unary(L, SH(B, S, nw), 3, "RMSNorm", "0_0", fid, DESC("Attention_RMSNorm"), "Y_norm = RMSNorm(y)", count);
    fid++;
    if (t > 1) {
        str_fmt(nm, sizeof nm, "AllGatherMHA-%d", fid);
        ns_all_gather(L, rs_out, 3, g->tp_axes, g->n_tp, 2, fid, nm, "AllGather", count);
        fid++;
    }
#undef DESC
    return fid;
}

/* ---- FFN -------------------------------------------------------------------------- */

/* create_ffn_matmul_llama: gate, up, gate*up, down for `tokens` tokens */
static int expert(dg_t *g, int fid, const char *prefix, int64_t tokens_b, int64_t tokens_s, int64_t Fe,
                  int64_t count)
{
    ns_oplist_t *L = g->L;
    int64_t D = g->m->base.d_model;
    char d[160];
    const char *mp = g->decode ? "Fwd-FFN-serving-decoder-" : "Fwd-FFN-encoder-";
    double w = 2.0 * (double)(D * Fe);
    str_fmt(d, sizeof d, "%s%sFFgate", prefix, mp);
    ns_einsum(L, SH(tokens_b, tokens_s, D), 3, SH(D, Fe), 2, "BLM;MH->BLH", "0_0_0", fid, d,
              "MatMul: h_gate (2) = y_norm (2) * W_FFgate (1)", count, w);
    fid++;
    str_fmt(d, sizeof d, "%s%sFFup", prefix, mp);
    ns_einsum(L, SH(tokens_b, tokens_s, D), 3, SH(D, Fe), 2, "BLM;MH->BLH", "0_0_0", fid, d,
              "MatMul: h_up (2) = y_norm (2) * W_FFup (1)", count, w);
    fid++;
    str_fmt(d, sizeof d, "%s%sFFgate_up", prefix, mp);
    ns_binary(L, SH(tokens_b, tokens_s, Fe), 3, "Mul", "0_0_0", fid, d, "h_gate_up (2) = h_gate (2) * h_up (1)",
              count, !g->q15);
    fid++;
    str_fmt(d, sizeof d, "%s%sFFoutput", prefix, mp);
    ns_einsum(L, SH(tokens_b, tokens_s, Fe), 3, SH(Fe, D), 2, "BLH;HM->BLM", "0_0_0", fid, d,
              "MatMul: ff_down (2) = h_gate_up (2) * W_FFdown (1)", count, w);
    return fid + 1;
}

/* create_ffn_deepseek_moe */
static int moe(dg_t *g, int fid, int64_t count)
{
    const nsd_model_t *m = g->m;
    const nsl_model_t *b = &m->base;
    ns_oplist_t *L = g->L;
    int64_t B = g->B, S = g->S, D = b->d_model, E = m->num_routed_experts, K = m->top_k;
    int64_t Fe = cdiv(m->moe_d_ff, g->etp);
    bf16(g);
    ns_einsum(L, SH(B, S, D), 3, SH(E, D), 2, "BSM;RM->BSR", "0_0_0", fid, "FFN_MoE_gate-scores",
              "scores = linear(x, self.weight)", count, -1);
    fid++;
    dt(g, DT_FP32, "DT_FLOAT32");
    ns_unary(L, SH(B, S, E), 3, "Softmax", "0_0", fid, "FFN_MoE_gate-scores_softmax", "scores = softmax(scores)",
             count);
    fid++;
    double bis = 0;
    if (g->ep > 1) {
        bis = ns_bisection_bw_GBps(b->ici_bw_GBps, b->num_chips, m->ici_axes, NULL, NULL);
        dt(g, DT_FP8, "DT_FLOAT8");
        ns_all_to_all(L, SH(b->global_batch_size, S, m->num_limited_groups, D), 4, bis, g->ep, fid,
                      "MoE_Dispatch_AllToAll", "MoE_Dispatch_AllToAll", count);
        fid++;
    }
    bf16(g);
    char pre[64];
    if (KEEP(g, NSD_Q18)) {
        /* NeuSim: every token through each of the top-k experts on this chip */
        for (int64_t k = 0; k < K; k++) {
            str_fmt(pre, sizeof pre, "FFN_routed_expert%lld-", (long long)k);
            fid = expert(g, fid, pre, B, S, Fe, count);
        }
    } else {
        /* routed: the chip's E/ep local experts share the B*S*K/ep token slots
         * routed to this chip (balanced routing); an expert with no token is idle */
        int64_t slots = cdiv(B * S * K, g->ep);
        int64_t local = cdiv(E, g->ep);
        int64_t active = slots < local ? slots : local;
        int64_t per = cdiv(slots, active);
        str_fmt(pre, sizeof pre, "FFN_routed_experts_x%lld-", (long long)active);
        fid = expert(g, fid, pre, 1, per, Fe, count * active);
    }
    if (g->ep > 1) {
        dt(g, DT_FP8, "DT_FLOAT8");
        ns_all_to_all(L, SH(b->global_batch_size, S, m->num_limited_groups, D), 4, bis, g->ep, fid,
                      "MoE_Dispatch_AllToAll", KEEP(g, NSD_Q18) ? "MoE_Dispatch_AllToAll" : "MoE_Combine_AllToAll",
                      count);
        fid++;
    }
    bf16(g);
    fid = expert(g, fid, "FFN_shared_expert-", B, S, Fe * m->num_shared_experts, count);
    ns_einsum(L, SH(B, S, K, D), 4, SH(B, S, K), 3, "BSEM;BSE->BSM", "0_0_0", fid, "MoE_combine_weights",
              "MoE combine weights", count, -1);
    fid++;
    ns_binary(L, SH(B, S, D), 3, "Add", "0_0_0", fid, "MoE_combine_output", "MoE combine output", count, !g->q15);
    return fid + 1;
}

/* create_ffn(ffn_type = deepseek_moe), or a dense FFN of width d_ff for the
 * first num_dense_layers layers (the Q18 fix) */
static int ffn(dg_t *g, int fid, bool dense, int64_t count)
{
    const nsl_model_t *b = &g->m->base;
    ns_oplist_t *L = g->L;
    int64_t B = g->B, S = g->S, D = b->d_model;
    const int64_t *axes = dense ? g->tp_axes : g->etp_axes;
    int nax = dense ? g->n_tp : g->n_etp;
    int64_t p = dense ? g->t : g->etp;
    char nm[64];
    bf16(g);
    if (p > 1) {
        str_fmt(nm, sizeof nm, "AllGatherMLP-%d", fid);
        if (b->compat || (b->quirks & NSL_Q8))
            ns_all_gather(L, SH(B, D), 2, axes, nax, 1, fid, "All gather input of MLP before ffn", nm, count);
        else
            ns_all_gather(L, SH(B, S, cdiv(D, p)), 3, axes, nax, 2, fid, "All gather input of MLP before ffn", nm,
                          count);
        fid++;
    }
    if (dense)
        fid = expert(g, fid, "FFN_dense-", B, S, cdiv(b->d_ff, p), count);
    else
        fid = moe(g, fid, count);
    fid = last_fid(g) + 1;
    int64_t add[3] = {B, S, D};
    bf16(g);
    if (p > 1) {
        str_fmt(nm, sizeof nm, "ReduceScatterMLP-%d", fid);
        ns_reduce_scatter(L, SH(B, S, D), 3, axes, nax, 2, fid, "Reduce and scatter results of MLP before residual",
                          nm, count);
        add[2] = cdiv(D, p);
        fid++;
    }
    ns_binary(L, add, 3, "Add", "0_0_0", fid, g->decode ? "FFN-serving-decoder-AttnPlusFFn" : "Fwd-FFN-encoder-AttnPlusFFn",
              g->decode ? "attnPlusFFn = Add(([B/d]beamS[M/mh] + [B/d]beamS[M/mh]))"
                        : "attnPlusFFn = Add(([B/d][L/l][M/mh] + [B/d][L/l][M/mh]))",
              count, !g->q15);
    return fid + 1;
}

/* ---- phases ----------------------------------------------------------------------- */

static int phase(dg_t *g, int fid)
{
    const nsd_model_t *m = g->m;
    const nsl_model_t *b = &m->base;
    bool dec = g->decode;
    int64_t S = g->S, Dtp = cdiv(b->d_model, b->tp);
    int64_t xcount = dec ? b->output_seqlen : 1;
    int64_t per = dec ? b->output_seqlen : 1;
    int64_t sh[3] = {g->B, S, Dtp};
    const char *tag_in = dec ? "Decode" : "Prefill";
    char nm[96], d[96];
    bf16(g);
    if (b->enable_swap_kv_cache) {
        double need = nsd_mem_bytes(m, dec), cap = b->hbm_size_GB * 1024 * 1024 * 1024;
        if (need > cap) {
            int64_t times = dec ? b->max_swap_decode : b->max_swap_prefill;
            if (times > g->Lst)
                times = g->Lst;
            int64_t swap = (int64_t)ceil((need - cap) / (double)times);
            bool q24 = b->compat || (b->quirks & NSL_Q24);
            ns_kvswap(g->L, swap, false, fid, "PCIeMemSwapIn", "PCIeMemSwapIn", xcount, q24);
            fid++;
            ns_kvswap(g->L, swap, true, fid, "PCIeMemSwapOut", "PCIeMemSwapOut", xcount, q24);
            fid++;
        }
    }
    if (b->pp_dcn > 1) {
        str_fmt(nm, sizeof nm, "receiveInput_DCNTTransfer[%lld]", (long long)(g->B * S * Dtp));
        str_fmt(d, sizeof d, "%sReceiveInputFromPipelineDCN", tag_in);
        ns_transfer(g->L, sh, 3, false, fid, d, nm, xcount);
        fid++;
    }
    if (b->pp > 1) {
        str_fmt(nm, sizeof nm, "receiveInput_ICITransfer[%lld]", (long long)(g->B * S * Dtp));
        str_fmt(d, sizeof d, "%sReceiveInputFromPipelineICI", tag_in);
        ns_transfer(g->L, sh, 3, false, fid, d, nm, xcount);
        fid++;
    }
    ns_unary(g->L, sh, 3, "RMSNorm", "0_0", fid,
             dec ? "Attention-serving-decode-Input_rmsnorm" : "Fwd-Attention-encoder-Input_rmsnorm",
             "X_norm = RMSNorm(X)", g->Lst * per);
    fid++;
    fid = mla(g, fid);
    fid = last_fid(g) + 1;
    if (KEEP(g, NSD_Q18)) {
        fid = ffn(g, fid, false, g->Lst * per);
    } else {
        /* the stage's first layers are dense (this models the first stage) */
        int64_t dense = m->num_dense_layers < g->Lst ? m->num_dense_layers : g->Lst;
        if (dense > 0)
            fid = ffn(g, fid, true, dense * per);
        if (g->Lst - dense > 0)
            fid = ffn(g, fid, false, (g->Lst - dense) * per);
    }
    fid = last_fid(g) + 1;
    if (b->pp > 1) {
        str_fmt(nm, sizeof nm, "%s_ICITransfer[%lld]", dec ? "sendOutput" : "SendOutput",
                 (long long)(g->B * S * Dtp));
        str_fmt(d, sizeof d, "%sSendOutputToPipelineICI", tag_in);
        ns_transfer(g->L, sh, 3, true, fid, d, nm, xcount);
        fid++;
    }
    if (b->pp_dcn > 1) {
        str_fmt(nm, sizeof nm, "%s_DCNTTransfer[%lld]", dec ? "sendOutput" : "SendOutput",
                 (long long)(g->B * S * Dtp));
        str_fmt(d, sizeof d, "%sSendOutputToPipelineDCN", tag_in);
        ns_transfer(g->L, sh, 3, true, fid, d, nm, xcount);
        fid++;
    }
    return fid;
}

bool nsd_inference(const nsd_model_t *m, ns_oplist_t *prefill, ns_oplist_t *decode)
{
    const nsl_model_t *b = &m->base;
    if (!ns_oplist_init(prefill, b->ici_bw_GBps, b->ici_latency_ns, b->pcie_bw_GBps, b->pcie_latency_ns) ||
        !ns_oplist_init(decode, b->ici_bw_GBps, b->ici_latency_ns, b->pcie_bw_GBps, b->pcie_latency_ns))
        return false;
    dg_t g;
    dg_init(&g, m, prefill, false);
    phase(&g, 2);
    if (prefill->failed || ns_oplist_len(prefill) == 0)
        return false;
    dg_init(&g, m, decode, true);
    phase(&g, prefill->lab[ns_oplist_len(prefill) - 1].fusion_id + 1);
    ns_set_dtype(prefill, DT_BF16, NULL);
    ns_set_dtype(decode, DT_BF16, NULL);
    return !decode->failed;
}

const char *nsd_check(const nsd_model_t *m, char *buf, size_t len)
{
    const nsl_model_t *b = &m->base;
    if (m->num_routed_experts <= 0 || m->top_k <= 0 || m->top_k > m->num_routed_experts || m->moe_d_ff <= 0 ||
        m->num_shared_experts < 0 || m->num_dense_layers < 0) {
        str_fmt(buf, len,
                 "MoE sizes: need num_routed_experts > 0, 0 < num_activated_routed_experts_per_token <= "
                 "num_routed_experts, moe_d_ff > 0 (got %lld, %lld, %lld)",
                 (long long)m->num_routed_experts, (long long)m->top_k, (long long)m->moe_d_ff);
        return buf;
    }
    if (m->kv_lora_rank <= 0 || m->q_lora_rank <= 0 || m->qk_rope_head_dim <= 0 || m->qk_nope_head_dim <= 0 ||
        m->v_head_dim <= 0) {
        str_fmt(buf, len, "MLA sizes kv_lora_rank, q_lora_rank, qk_rope_head_dim, qk_nope_head_dim, v_head_dim must be > 0");
        return buf;
    }
    if (b->use_flash_attention) {
        str_fmt(buf, len, "use_flash_attention: multi-head latent attention has no flash path (NeuSim's neither); set it false");
        return buf;
    }
    if (m->ep < 1 || m->ep_dcn != 1) {
        str_fmt(buf, len, "expert_parallelism_degree must be >= 1 and expert_parallel_degree_dcn 1 (got %lld, %lld)",
                 (long long)m->ep, (long long)m->ep_dcn);
        return buf;
    }
    if (m->ep > b->dp * b->tp) {
        str_fmt(buf, len, "expert_parallelism_degree %lld exceeds data x tensor parallelism %lld",
                 (long long)m->ep, (long long)(b->dp * b->tp));
        return buf;
    }
    if ((b->dp * b->tp) % m->ep != 0) {
        str_fmt(buf, len, "expert_parallelism_degree %lld does not divide data x tensor parallelism %lld",
                 (long long)m->ep, (long long)(b->dp * b->tp));
        return buf;
    }
    if (m->num_routed_experts % m->ep != 0) {
        str_fmt(buf, len, "expert_parallelism_degree %lld does not divide num_routed_experts %lld",
                 (long long)m->ep, (long long)m->num_routed_experts);
        return buf;
    }
    return NULL;
}

double nsd_mem_bytes(const nsd_model_t *m, bool decode)
{
    const nsl_model_t *b = &m->base;
    double seq = (double)(decode ? b->input_seqlen + b->output_seqlen : b->input_seqlen);
    double tp = (double)(b->tp * b->tp_dcn), ep = (double)(m->ep * m->ep_dcn), etp = (double)nsd_etp(m);
    double bs = (double)cdiv(b->microbatch_size_ici, b->dp);
    /* NeuSim counts all layers (its comment says "per stage") */
    double nl = (double)b->num_layers;
    double D = (double)b->d_model, H = (double)b->num_heads, Rq = (double)m->q_lora_rank,
           Rkv = (double)m->kv_lora_rank, Dr = (double)m->qk_rope_head_dim, Dn = (double)m->qk_nope_head_dim,
           Dv = (double)m->v_head_dim, F = (double)m->moe_d_ff, E = (double)m->num_routed_experts;
    double tot = 0;
    double mla_w = D * Rq + Rq * H * (Dn + Dr) / tp + D * Rkv * Dr /* sic: NeuSim multiplies */ +
                   Rkv * H * (Dr + Dv) / tp + H * Dv * D / tp;
    tot += mla_w * nl * 2;
    tot += bs * seq * H * (Dr * (4 + 1) + Dn * 1) / tp;
    double ffn_params = D * F * 3 / etp * ((double)m->num_shared_experts + E) / ep * nl;
    tot += (ffn_params + E * D * nl) * 1;
    tot += (bs * seq * F * 2 / etp) * 2 * nl;
    tot += (Rkv * 1 + Dr * 4) * nl * bs * seq / tp;
    return round(tot);
}

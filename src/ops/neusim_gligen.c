/*
 * neusim_gligen.c -- GLIGEN's UNet op list (see neusim_gligen.h, spec §5.7).
 */
#include "ops/neusim_gligen.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "config/strfmt.h"

#define SH(...) ((const int64_t[]){__VA_ARGS__})

typedef struct {
    const nsg_model_t *m;
    ns_oplist_t *L;
    int64_t B, TE;
} gg_t;

static int64_t last(const gg_t *g) { return g->L->lab[ns_oplist_len(g->L) - 1].fusion_id; }

static void conv(gg_t *g, const int64_t *in, int64_t cout, int k, int s, int p, int64_t fid, const char *desc,
                 int64_t *out)
{
    ns_conv2d(g->L, in, SH(in[1], cout, k, k), s, p, fid, desc, "conv2d", 1);
    out[0] = in[0];
    out[1] = cout;
    out[2] = (in[2] + 2 * p - (k - 1) - 1) / s + 1;
    out[3] = (in[3] + 2 * p - (k - 1) - 1) / s + 1;
}

/* Block: GroupNorm + 3x3 convolution */
static void block(gg_t *g, const int64_t *in, int64_t dout, int64_t fid0, int64_t *out)
{
    char d[96];
    str_fmt(d, sizeof d, "Conv2d-GroupNorm%lld", (long long)fid0);
    ns_unary(g->L, in, 4, "GroupNorm", "0_0", fid0, d, "X_norm = GroupNorm(X)", 1);
    str_fmt(d, sizeof d, "Conv2d%lldConv2d", (long long)fid0);
    conv(g, in, dout, 3, 1, 1, fid0 + 1, d, out);
}

static void resnet(gg_t *g, const int64_t *in, int64_t dout, int64_t fid0, int64_t *out)
{
    char d[96];
    str_fmt(d, sizeof d, "Time-Embed-MLP-Einsum%lld", (long long)fid0);
    ns_einsum(g->L, SH(g->B, g->TE), 2, SH(g->TE, dout), 2, "BT;TD->BD", "0_0_0", fid0, d, "einsum", 1, -1);
    int64_t o1[4];
    block(g, in, dout, fid0 + 1, o1);
    block(g, o1, dout, last(g) + 1, out);
    if (in[1] != dout) {
        str_fmt(d, sizeof d, "SkipConnection-Einsum%lld", (long long)fid0);
        ns_einsum(g->L, SH(g->B, in[2], in[3], in[1]), 4, SH(in[1], dout), 2, "BHWC;CO->BHWO", "0_0_0", last(g) + 1,
                  d, "einsum", 1, -1);
    }
}

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* create_multi_head_attention -> create_multi_head_cross_attention, flash
 * path.  Tensor parallelism t (one axis of degree t, as NeuSim passes it):
 * the heads and the query width are split, the sharded query is gathered
 * before the projections, the output reduce-scattered before the LayerNorm
 * and gathered after it. */
static void attention(gg_t *g, int64_t q, int64_t kv, int64_t dq, int64_t dk, int64_t dh, int64_t fid,
                      const char *prefix)
{
    ns_oplist_t *L = g->L;
    int64_t B = g->B, t = g->m->tp, H = cdiv(g->m->num_heads, t), Dq = cdiv(dq, t);
    const int64_t axes[1] = {t};
    char d[160], nm[64];
    if (t > 1) {
        str_fmt(nm, sizeof nm, "AllGatherMHA-%lld", (long long)fid);
        ns_all_gather(L, SH(B, q, Dq), 3, axes, 1, 2, fid, "Concatenate dims before attn", nm, 1);
        Dq *= t;
        fid++;
    }
    str_fmt(d, sizeof d, "%s-Q-%lld", prefix, (long long)fid);
    ns_einsum(L, SH(B, q, Dq), 3, SH(Dq, H, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d, "MatMul: Q", 1, -1);
    str_fmt(d, sizeof d, "%s-K-%lld", prefix, (long long)fid);
    ns_einsum(L, SH(B, kv, dk), 3, SH(dk, H, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d, "MatMul: K", 1, -1);
    str_fmt(d, sizeof d, "%s-V-%lld", prefix, (long long)fid);
    ns_einsum(L, SH(B, kv, dk), 3, SH(dk, H, dh), 3, "BLM;MND->BLND", "0_0_0", fid, d, "MatMul: V", 1, -1);
    fid++;
    str_fmt(d, sizeof d, "%s-FlashAttention-%lld", prefix, (long long)fid);
    ns_flash(L, SH(B, q, H, dh), SH(B, kv, H, dh), fid, d, "FlashAttention", 1, g->m->q5);
    fid++;
    str_fmt(d, sizeof d, "%s-Attention_output-%lld", prefix, (long long)fid);
    ns_einsum(L, SH(B, q, H, dh), 4, SH(H, dh, Dq), 3, "BLND;NDM->BLM", "0_0_0", fid, d,
              "MatMul: attnOutput = attnAvg * W_o", 1, -1);
    fid++;
    int64_t ln[3] = {B, q, Dq};
    if (t > 1) {
        str_fmt(nm, sizeof nm, "AllReduce(ReduceScatter)-%lld", (long long)fid);
        ns_reduce_scatter(L, ln, 3, axes, 1, 2, fid, "Reduce and split attention results", nm, 1);
        ln[2] = cdiv(Dq, t);
        fid++;
    }
    str_fmt(d, sizeof d, "%s-Attention_layernorm-%lld", prefix, (long long)fid);
    ns_unary(L, ln, 3, "LayerNorm", "0_0", fid, d, "Y_norm = LayerNorm(y)", 1);
    if (t > 1) {
        str_fmt(nm, sizeof nm, "AllReduce(AllGather)-%lld", (long long)fid);
        ns_all_gather(L, ln, 3, axes, 1, 2, fid, "Gather results after Layernorm", nm, 1);
    }
}

/* create_ffn(ffn_type = default): with tensor parallelism t the hidden width
 * is split, the input gathered first (NeuSim gathers [B, D], no sequence
 * axis, Q8; fixed: the [B, N, D/t] shard) and the output reduce-scattered */
static void ffn(gg_t *g, int64_t N, int64_t D, int64_t fid, const char *prefix)
{
    ns_oplist_t *L = g->L;
    int64_t B = g->B, t = g->m->tp, F = cdiv(4 * D, t);
    const int64_t axes[1] = {t};
    char d[160], nm[64];
    if (t > 1) {
        str_fmt(nm, sizeof nm, "AllGatherMLP-%lld", (long long)fid);
        if (g->m->q8)
            ns_all_gather(L, SH(B, D), 2, axes, 1, 1, fid, "All gather input of MLP before ffn", nm, 1);
        else
            ns_all_gather(L, SH(B, N, cdiv(D, t)), 3, axes, 1, 2, fid, "All gather input of MLP before ffn", nm, 1);
        fid++;
    }
    double w = 2.0 * (double)(D * F);
    str_fmt(d, sizeof d, "%sFwd-FFN_encoder-FFinput", prefix);
    ns_einsum(L, SH(B, N, D), 3, SH(D, F), 2, "BLM;MH->BLH", "0_0_0", fid, d, "MatMul: h (2) = y_norm (2) * W_FFi (1)",
              1, w);
    ns_einsum(L, SH(B, N, F), 3, SH(F, D), 2, "BLH;HM->BLM", "0_0_0", fid + 1, d, "MatMul: ffn (2) = h (2) * W_FFo (1)",
              1, w);
    fid += 2;
    int64_t add[3] = {B, N, D};
    if (t > 1) {
        str_fmt(nm, sizeof nm, "ReduceScatterMLP-%lld", (long long)fid);
        ns_reduce_scatter(L, add, 3, axes, 1, 2, fid, "Reduce and scatter results of MLP before residual", nm, 1);
        add[2] = cdiv(D, t);
        fid++;
    }
    str_fmt(d, sizeof d, "%sFwd-FFN-encoder-AttnPlusFFn", prefix);
    ns_binary(L, add, 3, "Add", "0_0_0", fid, d, "attnPlusFFn = Add(([B/d][L/l][M/mh] + [B/d][L/l][M/mh]))", 1,
              !g->m->q15);
}

static void transformer_block(gg_t *g, int64_t N, int64_t dq, int64_t dh, int64_t fid)
{
    ns_oplist_t *L = g->L;
    const nsg_model_t *m = g->m;
    int64_t B = g->B;
    char d[160], p[96];
    str_fmt(d, sizeof d, "BasicTransformerBlock-Input_layernorm%lld", (long long)fid);
    ns_unary(L, SH(B, N, dq), 3, "LayerNorm", "0_0", fid, d, "X_norm = LayerNorm(X)", 1);
    fid++;
    str_fmt(p, sizeof p, "SelfAttention%lld", (long long)fid);
    attention(g, N, N, dq, dq, dh, fid, p);
    /* gated self-attention over the visual and grounding tokens */
    int64_t f0 = last(g) + 1;
    str_fmt(d, sizeof d, "GatedSelfAttention-Linear%lld", (long long)f0);
    ns_einsum(L, SH(B, m->num_objects, m->context_dim), 3, SH(m->context_dim, dq), 2, "BLM;MD->BLD", "0_0_0", f0, d,
              "X = Linear(context)", 1, -1);
    str_fmt(p, sizeof p, "GatedSelfAttention-Attn%lld", (long long)f0);
    attention(g, N + m->num_objects, N + m->num_objects, dq, dq, dh, f0 + 1, p);
    str_fmt(p, sizeof p, "GatedSelfAttention-FFN%lld", (long long)f0);
    ffn(g, N, dq, last(g) + 1, p);
    fid = last(g) + 1;
    str_fmt(d, sizeof d, "BasicTransformerBlock-Fuser_output_layernorm%lld", (long long)fid);
    ns_unary(L, SH(B, N, dq), 3, "LayerNorm", "0_0", fid, d, "X_norm = LayerNorm(X)", 1);
    fid++;
    str_fmt(p, sizeof p, "CrossAttention%lld", (long long)fid);
    attention(g, N, m->context_seqlen, dq, m->context_dim, dh, fid, p);
    fid = last(g) + 1;
    str_fmt(d, sizeof d, "BasicTransformerBlock-Attn_output_layernorm%lld", (long long)fid);
    ns_unary(L, SH(B, N, dq), 3, "LayerNorm", "0_0", fid, d, "X_norm = LayerNorm(X)", 1);
    fid++;
    str_fmt(p, sizeof p, "BasicTransformerBlock-FFN%lld", (long long)fid);
    ffn(g, N, dq, fid, p);
}

static void spatial_transformer(gg_t *g, const int64_t *in, int64_t fid)
{
    ns_oplist_t *L = g->L;
    int64_t B = g->B, ch = in[1], N = in[2] * in[3], dh = ch / g->m->num_heads, dq = g->m->num_heads * dh;
    char d[160];
    str_fmt(d, sizeof d, "SpatialTransformer-Input_GroupNorm%lld", (long long)fid);
    ns_unary(L, in, 4, "GroupNorm", "0_0", fid, d, "X_norm = GroupNorm(X)", 1);
    fid++;
    str_fmt(d, sizeof d, "SpatialTransformer-Proj_in%lld", (long long)fid);
    ns_einsum(L, SH(B, N, ch), 3, SH(ch, dq), 2, "BSN;NC->BSC", "0_0_0", fid, d, "einsum", 1, -1);
    fid++;
    transformer_block(g, N, dq, dh, fid);
    fid = last(g) + 1;
    str_fmt(d, sizeof d, "SpatialTransformer-Proj_out%lld", (long long)fid);
    ns_einsum(L, SH(B, N, dq), 3, SH(dq, ch), 2, "BSN;NC->BSC", "0_0_0", fid, d, "einsum", 1, -1);
}

static bool has_attn(const nsg_model_t *m, int64_t ds)
{
    for (int64_t i = 0; i < m->nattn; i++)
        if (m->attention_resolutions[i] == ds)
            return true;
    return false;
}

/* the blocks of one UNet pass, as NeuSim assembles them */
enum { K_CONV_IN, K_RES, K_ST, K_DOWN, K_UP };
typedef struct {
    int kind;
    int64_t dout;
} mod_t;

bool nsg_ops(const nsg_model_t *m, double ici_bw_GBps, double ici_latency_ns, ns_oplist_t *L)
{
    if (!ns_oplist_init(L, ici_bw_GBps, ici_latency_ns, 0, 0))
        return false;
    gg_t g = {m, L, m->batch, 4 * m->model_channels};
    int64_t C = m->model_channels;
    /* down branch: groups of modules; the residual shape is taken after each group */
    mod_t down[64][3];
    int ndown[64] = {0}, nd = 0;
    down[nd][0] = (mod_t){K_CONV_IN, C};
    ndown[nd++] = 1;
    int64_t ch = C, ds = 1;
    for (int64_t lv = 0; lv < m->nlevels; lv++) {
        for (int64_t r = 0; r < m->num_res_blocks; r++) {
            ch = m->channel_mult[lv] * C;
            down[nd][0] = (mod_t){K_RES, ch};
            ndown[nd] = 1;
            if (has_attn(m, ds))
                down[nd][ndown[nd]++] = (mod_t){K_ST, ch};
            nd++;
        }
        if (lv != m->nlevels - 1) {
            down[nd][0] = (mod_t){K_DOWN, ch};
            ndown[nd++] = 1;
            ds *= 2;
        }
    }
    mod_t up[64][3];
    int nup[64] = {0}, nu = 0;
    for (int64_t lv = m->nlevels - 1; lv >= 0; lv--)
        for (int64_t i = 0; i <= m->num_res_blocks; i++) {
            ch = C * m->channel_mult[lv];
            up[nu][0] = (mod_t){K_RES, ch};
            nup[nu] = 1;
            if (has_attn(m, ds))
                up[nu][nup[nu]++] = (mod_t){K_ST, ch};
            if (lv && i == m->num_res_blocks) {
                up[nu][nup[nu]++] = (mod_t){K_UP, ch};
                ds /= 2;
            }
            nu++;
        }
    /* time embedding (once) */
    /* tensor parallelism splits the inner dimensions (the first weight counted whole, as NeuSim does) */
    int64_t Ct = cdiv(C, m->tp), TEt = cdiv(g.TE, m->tp);
    ns_einsum(L, SH(g.B, Ct), 2, SH(Ct, g.TE), 2, "BT;TD->BD", "0_0_0", 2, "Time-Embed-MLP-FFi2", "einsum", 1,
              2.0 * (double)(C * g.TE));
    ns_einsum(L, SH(g.B, TEt), 2, SH(TEt, g.TE), 2, "BT;TD->BD", "0_0_0", 3, "Time-Embed-MLP-FFo2", "einsum", 1, -1);
    int64_t fid = 5; /* NeuSim skips one id (its pipeline-transfer slot) */
    int64_t x[4] = {g.B, m->image_num_channels, m->latent_h, m->latent_w};
    char d[96];
    for (int64_t step = 0; step < m->num_diffusion_steps; step++) {
        int64_t res[64][4];
        int nres = 0;
        for (int q = 0; q < nd; q++) {
            for (int k = 0; k < ndown[q]; k++) {
                int64_t o[4];
                const mod_t *md = &down[q][k];
                if (md->kind == K_CONV_IN) {
                    str_fmt(d, sizeof d, "Conv2d%lldConv2d", (long long)fid);
                    conv(&g, x, md->dout, 3, 1, 1, fid, d, o);
                } else if (md->kind == K_RES) {
                    resnet(&g, x, md->dout, fid, o);
                } else if (md->kind == K_ST) {
                    spatial_transformer(&g, x, fid);
                    memcpy(o, x, sizeof o);
                } else {
                    str_fmt(d, sizeof d, "Downsample-Conv2d%lldConv2d", (long long)fid);
                    conv(&g, x, md->dout, 3, 2, 1, fid, d, o);
                    o[2] = x[2] / 2 > 1 ? x[2] / 2 : 1;
                    o[3] = x[3] / 2 > 1 ? x[3] / 2 : 1;
                }
                memcpy(x, o, sizeof x);
                fid = last(&g) + 1;
            }
            memcpy(res[nres++], x, sizeof x);
        }
        /* middle: ResNet, spatial transformer, ResNet */
        int64_t o[4];
        resnet(&g, x, x[1], fid, o);
        memcpy(x, o, sizeof x);
        fid = last(&g) + 1;
        spatial_transformer(&g, x, fid);
        fid = last(&g) + 1;
        resnet(&g, x, x[1], fid, o);
        memcpy(x, o, sizeof x);
        fid = last(&g) + 1;
        for (int q = 0; q < nu; q++) {
            const int64_t *r = res[--nres];
            x[1] += r[1];
            x[2] = x[2] > r[2] ? x[2] : r[2];
            x[3] = x[3] > r[3] ? x[3] : r[3];
            for (int k = 0; k < nup[q]; k++) {
                const mod_t *md = &up[q][k];
                if (md->kind == K_RES) {
                    resnet(&g, x, md->dout, fid, o);
                } else if (md->kind == K_ST) {
                    spatial_transformer(&g, x, fid);
                    memcpy(o, x, sizeof o);
                } else {
                    str_fmt(d, sizeof d, "Upsample%lld", (long long)fid);
                    ns_upsample(L, x, 2, fid, d, 1);
                    str_fmt(d, sizeof d, "Upsample-Conv2d%lldConv2d", (long long)fid);
                    conv(&g, x, md->dout, 3, 1, 1, fid, d, o);
                    o[2] = x[2] * 2;
                    o[3] = x[3] * 2;
                }
                memcpy(x, o, sizeof x);
                fid = last(&g) + 1;
            }
        }
        str_fmt(d, sizeof d, "Out%lld-GroupNorm", (long long)fid);
        ns_unary(L, x, 4, "GroupNorm", "0_0", fid, d, "X_norm = GroupNorm(X)", 1);
        fid++;
        str_fmt(d, sizeof d, "Out%lld-Conv2d", (long long)fid);
        int64_t xin[4] = {g.B, C, x[2], x[3]};
        conv(&g, xin, m->image_num_channels, 3, 1, 1, fid, d, o);
        memcpy(x, o, sizeof x);
        fid = last(&g) + 1;
    }
    return !L->failed;
}

static bool ilist(json_t *o, const char *key, int64_t *out, int64_t *n, int max)
{
    json_t *a = json_object_get(o, key);
    if (!a)
        return true;
    if (!json_is_array(a) || (int)json_array_size(a) > max || json_array_size(a) == 0)
        return false;
    *n = 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return false;
        out[(*n)++] = (int64_t)json_integer_value(v);
    }
    return true;
}

static bool ival(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return true;
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return false;
    *out = (int64_t)json_integer_value(v);
    return true;
}

const char *nsg_model_read(nsg_model_t *m, const char *unet_json, const char *grounding_json, char *buf, size_t len)
{
    /* GLIGENConfig's defaults (spec §1.4) */
    m->latent_h = m->latent_w = 64;
    m->model_channels = 320;
    m->num_res_blocks = 2;
    m->num_heads = 8;
    m->context_dim = 768;
    static const int64_t mult[4] = {1, 2, 4, 4}, attn[3] = {4, 2, 1};
    memcpy(m->channel_mult, mult, sizeof mult);
    m->nlevels = 4;
    memcpy(m->attention_resolutions, attn, sizeof attn);
    m->nattn = 3;
    m->context_seqlen = 512;
    m->num_objects = 8;
    json_error_t e;
    json_t *u = json_loads(unet_json, 0, &e), *gr = json_loads(grounding_json, 0, &e);
    int64_t res[2], nr = 0;
    bool ok = u && json_is_object(u) && gr && json_is_object(gr) && ilist(u, "noisy_latent_resolution", res, &nr, 2) &&
              ival(u, "model_channels", &m->model_channels) && ival(u, "num_res_blocks", &m->num_res_blocks) &&
              ival(u, "num_heads", &m->num_heads) && ival(u, "context_dim", &m->context_dim) &&
              ilist(u, "channel_mult", m->channel_mult, &m->nlevels, NSG_MAX_LEVELS) &&
              ilist(u, "attention_resolutions", m->attention_resolutions, &m->nattn, NSG_MAX_LEVELS);
    if (ok && nr == 2) {
        m->latent_h = res[0];
        m->latent_w = res[1];
    }
    ok = ok && nr != 1;
    json_t *t = gr ? json_object_get(gr, "text") : NULL, *bb = gr ? json_object_get(gr, "bbox") : NULL;
    if (ok && t)
        ok = json_is_object(t) && ival(t, "input_seqlen", &m->context_seqlen);
    if (ok && bb)
        ok = json_is_object(bb) && ival(bb, "input_seqlen", &m->num_objects);
    json_decref(u);
    json_decref(gr);
    if (!ok) {
        str_fmt(buf, len, "unet_config / grounding_input_config: expected NeuSim's records (positive integers, "
                           "noisy_latent_resolution [H, W], channel_mult and attention_resolutions lists)");
        return buf;
    }
    if (m->num_res_blocks > 8 || m->model_channels % m->num_heads != 0) {
        str_fmt(buf, len, "unet_config: at most 8 res blocks per level, model_channels divisible by num_heads");
        return buf;
    }
    return NULL;
}

/*
 * v2_pass.c -- the micro-batch pass of perf_model v2 (replaces perf.c's
 * perf_micro_batch_reference for systems with `perf_model: v2`).
 *
 * One layer on one chip of a t-chip stage, for each partitioning layout
 * (v2_layout.c); the pass keeps the fastest layout:
 *   attention: QKV projection sized by K/V heads (GQA/MQA/MLA), the two
 *     attention matmuls reading the KV cache in its format (sharded over
 *     heads, or over the batch when K/V heads are fewer than chips), the
 *     output projection;
 *   FFN: dense, or MoE experts spread over the chips (expert parallelism)
 *     plus shared experts;
 *   memory-bound operators, the layout's communication, a fixed per-layer
 *   overhead.
 * Dense and MoE layers are averaged by their counts.  Energy, bottleneck
 * and breakdown reuse the reference's helpers (perf.c).
 *
 * Sources: K/V sharded over the batch for MQA/GQA in decode and the two
 * all-to-alls it costs are Pope et al. section 3.3; the all-to-all cost is
 * that of a full-bisection switch (NVSwitch): each of p chips sends
 * (p - 1) / p of its 1/p share, bytes / p in all, against 2 bytes of a
 * ring all-reduce of the same tensor (on a torus it is dearer: not
 * modelled); prefill attention skips the causally masked half as
 * FlashAttention-2 does (Dao 2023, section 3.1); decode attention packs
 * the query heads of a K/V group into one matmul's rows as GQA kernels do
 * (Ainslie et al. 2023 for GQA; TensorRT-LLM's XQA kernels).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "perf/system.h"
#include "perf/v2_model.h"

/* The slot of chip count p in v2_links_t.ring_slot. */
static inline unsigned v2_ring_slot(double p)
{
    uint64_t bits;
    memcpy(&bits, &p, sizeof bits);
    unsigned pow2 = bits << 12 == 0;   /* no mantissa bits */
    return ((unsigned)(bits >> 52) & 31) | pow2 << 5;
}

/* An all-reduce on the pass's links (v2_links_t, v2_model.h).  (A memo of
 * the last all-reduces cost more to scan than the few repeated all-reduces
 * it saved: most miss.) */
static double v2_allreduce(const void *ctx, double p, double bytes)
{
    const v2_links_t *l = ctx;
    if (!(p > 1))
        return 0;
    if (l->lib_latency_s)
        return v2_lib_allreduce_s(l->lib_latency_s(p), p, bytes, l->link.bytes_per_s);
    if (l->n_rings) {
        /* 2d_ring from its prepared parts: allreduce_time's bits */
        int i = l->ring_slot[v2_ring_slot(p)];
        if (!(i >= 0 && l->ring_p[i] == p))
            for (i = 0; i < l->n_rings && l->ring_p[i] != p; i++)
                ;   /* a count sharing its slot (none in a stage's counts) */
        if (i < l->n_rings)
            return allreduce_2d_ring_div(l->ring_scale[i], l->ring_fixed, l->link.beta_s_per_byte,
                                         bytes, l->ring_side[i]);
    }
    return allreduce_time(l->algo, p, bytes, &l->link);
}

/* Prepare the links' 2d_ring all-reduce over p chips (v2_allreduce), once
 * per count. */
static void v2_links_ring(v2_links_t *l, double p)
{
    if (!(p > 1) || l->lib_latency_s || !allreduce_is_2d_ring(l->algo) || l->n_rings == V2_RINGS_MAX)
        return;
    for (int i = 0; i < l->n_rings; i++)
        if (l->ring_p[i] == p)
            return;
    int i = l->n_rings++;
    l->ring_p[i] = p;
    allreduce_2d_ring_parts(p, l->link.alpha_s, &l->ring_scale[i], &l->ring_fixed, &l->ring_side[i]);
    unsigned slot = v2_ring_slot(p);
    if (l->ring_slot[slot] < 0)
        l->ring_slot[slot] = (signed char)i;
}

/* All-to-all of `bytes` spread over p chips: each chip exchanges its
 * (p-1)/p share, a 1/(2p) of an all-reduce of the same bytes. */
static double v2_all_to_all(const v2_links_t *l, double p, double bytes)
{
    return p > 1 ? v2_allreduce(l, p, bytes) / (2 * p) : 0;
}

typedef struct {
    matmul_lat_t qkv, score, value, out, fc1, fc2;
    double nonmatmul, attn_comm, kv_comm, ffn_comm;
    double coll_fixed;   /* the layout's collectives' dispatch cost (v2_layout_collective_fixed_s) */
    int kv_batch_sharded;
} v2_layer_t;

static double v2_layer_time(const v2_layer_t *y, double overhead)
{
    return y->qkv.time + y->score.time + y->value.time + y->out.time + y->fc1.time +
           y->fc2.time + y->nonmatmul + y->attn_comm + y->kv_comm + y->ffn_comm + y->coll_fixed +
           overhead;
}

/* The parts of a layer no layout changes: the two attention matmuls over
 * the KV cache and the K/V-sharding all-to-alls (computed once per pass). */
typedef struct {
    matmul_lat_t score, value;
    double kv_comm;
    int kv_batch_sharded;
} v2_attn_core_t;

typedef struct {
    const system_t *sys;
    perf_stage_t stage;
    double t, b, n, q_len, ctx;
    const v2_links_t *links;
    v2_attn_core_t core;
    double eff_d;   /* v2_gemm_efficiency at k = d (QKV, FC1, experts): once per stage size */
    double kv_reread;   /* v2_stage_t.kv_reread */
} v2_ctx_t;

/* The attention matmuls over the KV cache and the K/V sharding's
 * communication: the same under every layout. */
static void v2_attention_core(const v2_ctx_t *c, v2_attn_core_t *y)
{
    const system_t *sys = c->sys;
    const v2_t *v = &sys->v2;
    const model_t *m = &sys->model;
    double ab = v->act_fmt->bytes, kb = v->kv_fmt->bytes;
    double eff = sys->compute_perf_efficiency, bw = sys->weight_bw_per_chip;
    double t = c->t, n = c->n;

    /* K/V: split over heads; with fewer K/V heads than chips, over the
     * batch instead when the batch allows it (Pope et al. section 3.3) */
    double kv_share = v->kv_heads >= t ? 1 / t : 1 / v->kv_heads;
    y->kv_batch_sharded = 0;
    y->kv_comm = 0;
    if (v->kv_heads < t && c->b * v->kv_heads >= t && !(v->off & V2_OFF_KV_BATCH)) {
        kv_share = 1 / t;
        y->kv_batch_sharded = 1;
        /* queries in and attention outputs back: two all-to-alls */
        y->kv_comm = 2 * v2_all_to_all(c->links, t, n * v->q_width * ab);
    }
    double kv_bytes = c->b * c->ctx * v2_kv_numbers_per_layer(v, m->d_head) * kb * kv_share;
    kv_bytes *= c->kv_reread;   /* 1, or a kernel without GQA support's re-reads per query head */
    double q_bytes = n * v->q_width / t * ab;
    double group = m->num_heads / v->kv_heads;          /* queries sharing a K/V head */
    double stacks = c->b * v->kv_heads / t;
    double causal = c->stage == STAGE_PREFILL ? 0.5 : 1; /* masked half skipped */
    /* the query rows and the attended context are dimensions of both */
    v2_dim_t rows = v2_dim(v, c->q_len * group), ctx = v2_dim(v, c->ctx * causal);
    y->score = v2_matmul_dims(v, v->peak_flops, eff, stacks, &rows, &v->dim_qk, &ctx,
                              kv_bytes * v->qk_width / (v->qk_width + v->v_width) + q_bytes, bw);
    y->value = v2_matmul_dims(v, v->peak_flops, eff, stacks, &rows, &ctx, &v->dim_v,
                              kv_bytes * v->v_width / (v->qk_width + v->v_width) + q_bytes, bw);
}

/* Attention of one layer under layout id; sl holds what its split fixes on
 * the stage (the projections' widths and their dims), s is that split with
 * the pass's rows (whose v2_dim is rows).  The 2D layout never comes here:
 * its layer is the 1D layer's with 2D's communication (v2_2d_from_1d), the
 * only layout whose attention split differs from its FFN split. */
static void v2_attention(const v2_ctx_t *c, v2_layout_id_t id, const v2_stage_layout_t *sl,
                         const v2_split_t *s, const v2_dim_t *rows, v2_layer_t *y)
{
    const system_t *sys = c->sys;
    const v2_t *v = &sys->v2;
    const model_t *m = &sys->model;
    double wb = v->weight_fmt->bytes, ab = v->act_fmt->bytes;
    double ob = v2_elementwise_bytes(v);   /* GEMM outputs: the 16-bit stream */
    double bw = sys->weight_bw_per_chip;
    double d = m->d;
    double qkv_cols = sl->dim_qkv.x;       /* (attn - o params) / d x the weight share */
    y->qkv = v2_matmul_dims(v, v->peak_flops, c->eff_d, 1, rows, &v->dim_d, &sl->dim_qkv,
                            (v->attn_params - v->o_params) * s->weight_share * wb +
                                s->rows * (d * ab + qkv_cols * ob), bw);
    y->score = c->core.score;
    y->value = c->core.value;
    y->kv_comm = c->core.kv_comm;
    y->kv_batch_sharded = c->core.kv_batch_sharded;
    double o_rows_k = sl->dim_o.x;         /* o params / d x the weight share */
    y->out = v2_matmul_dims(v, v->peak_flops, sl->o_eff, 1, rows, &sl->dim_o, &v->dim_d,
                            v->o_params * s->weight_share * wb + s->rows * (o_rows_k * ab + d * ob), bw);
    y->attn_comm = v2_layout_comm(id, s, c->n, d, v->q_width, ob, v->attn_params * wb,
                                  v2_allreduce, c->links);
}

/* Dense FFN of one layer under layout id (sl: its split on the stage,
 * sf: that split with the pass's rows); returns the FFN columns a chip holds. */
static double v2_dense_ffn(const v2_ctx_t *c, v2_layout_id_t id, const v2_stage_layout_t *sl,
                           const v2_split_t *sf, const v2_dim_t *rows, v2_layer_t *y)
{
    const system_t *sys = c->sys;
    const v2_t *v = &sys->v2;
    const model_t *m = &sys->model;
    double wb = v->weight_fmt->bytes, ab = v->act_fmt->bytes, ob = v2_elementwise_bytes(v);
    double bw = sys->weight_bw_per_chip;
    double d = m->d, f = m->d_ff;
    const v2_split_t s = *sf;
    double cols = sl->dim_ffn_cols.x, up = v->ffn_matrices - 1;   /* f x the weight share */
    y->fc1 = v2_matmul_dims(v, v->peak_flops, c->eff_d, up, rows, &v->dim_d, &sl->dim_ffn_cols,
                       up * d * cols * wb + s.rows * (d * ab + up * cols * ob), bw);
    y->fc2 = v2_matmul_dims(v, v->peak_flops, sl->fc2_eff, 1, rows, &sl->dim_ffn_cols, &v->dim_d,
                       cols * d * wb + s.rows * (cols * ab + d * ob), bw);
    /* 1D all-reduces the n x d output of either block (v2_layout_comm): the
     * attention's all-reduce again, the same bits */
    y->ffn_comm = id == V2_LAYOUT_1D_WS
                      ? y->attn_comm
                      : v2_layout_comm(id, &s, c->n, d, f, ob, v->dense_ffn_params * wb,
                                       v2_allreduce, c->links);
    return cols;
}

/* MoE FFN of one layer: experts spread over the t chips (expert
 * parallelism), tokens routed top_k; shared experts split like a dense FFN.
 * fc1 holds the routed experts, fc2 the shared ones. */
static double v2_moe_ffn(const v2_ctx_t *c, v2_layout_id_t id, v2_layer_t *y)
{
    const system_t *sys = c->sys;
    const v2_t *v = &sys->v2;
    double wb = v->weight_fmt->bytes, ab = v->act_fmt->bytes;
    double bw = sys->weight_bw_per_chip;
    double d = sys->model.d, t = c->t, n = c->n;
    double expert_cols = v->ffn_matrices * v->moe_d_ff;
    double touched = v2_experts_touched(v->experts, v->top_k, n);
    double tokens_per_expert = touched > 0 ? n * v->top_k / touched : 0;
    double experts_chip = touched / t;
    y->fc1 = v2_matmul(v, c->eff_d, experts_chip, tokens_per_expert, d,
                       expert_cols,
                       experts_chip * (v->expert_params * wb +
                                       tokens_per_expert * (d + expert_cols) * ab), bw);
    double shared_cols = v->shared_experts * expert_cols / t;
    y->fc2 = v2_matmul(v, c->eff_d, 1, n, d, shared_cols,
                       v->shared_experts * v->expert_params / t * wb + n * (d + shared_cols) * ab,
                       bw);
    const v2_links_t *l = c->links;
    if (id == V2_LAYOUT_1D_WS || id == V2_LAYOUT_2D_WS)
        y->ffn_comm = v2_allreduce(l, t, n * d * v2_elementwise_bytes(v)); /* tokens replicated: combine */
    else
        y->ffn_comm = 2 * v2_all_to_all(l, t, n * v->top_k * d * ab); /* dispatch + combine */
    return (v->top_k + v->shared_experts) * v->moe_d_ff / t;
}

/* Width of the activations norms and residual adds see on one chip: 1D
 * weight-stationary (Megatron) all-reduces and keeps them whole on every
 * chip; Pope et al.'s 2D and weight-gathered layouts keep them sharded. */
static double v2_norm_width(v2_layout_id_t id, const v2_split_t *s, double d, double t)
{
    return id == V2_LAYOUT_1D_WS ? d : d * s->gather / t;
}

static void v2_layer(const v2_ctx_t *c, v2_layout_id_t id, const v2_stage_layout_t *sl,
                     const v2_split_t *sf, bool moe, v2_layer_t *y)
{
    const v2_t *v = &c->sys->v2;
    const model_t *m = &c->sys->model;
    v2_dim_t rows = v2_dim(v, sf->rows);   /* shared by the layout's four weight GEMMs */
    v2_attention(c, id, sl, sf, &rows, y);
    double cols = moe ? v2_moe_ffn(c, id, y) : v2_dense_ffn(c, id, sl, sf, &rows, y);
    const v2_split_t s = *sf;
    double scores = c->b * m->num_heads / c->t * c->q_len * c->ctx;
    double rope_cols = (v->q_width + v->kv_heads * v->qk_width) / c->t;
    v2_nonmatmul_t nb = v2_nonmatmul_bytes(v, s.rows, v2_norm_width(id, &s, m->d, c->t), cols,
                                           m->gated, rope_cols, scores);
    y->nonmatmul = v->off & V2_OFF_NONMATMUL ? 0 : v2_nonmatmul_time(v, &nb, c->sys->weight_bw_per_chip);
}

static matmul_lat_t v2_mix(matmul_lat_t a, matmul_lat_t b, double wa)
{
    matmul_lat_t r = {a.block_comp_time * wa + b.block_comp_time * (1 - wa),
                      a.block_ldst_time * wa + b.block_ldst_time * (1 - wa),
                      a.time * wa + b.time * (1 - wa)};
    return r;
}

/* The average layer of the model (dense and MoE layers by count). */
static void v2_avg_layer(const v2_ctx_t *c, v2_layout_id_t id, const v2_stage_layout_t *sl,
                         const v2_split_t *sf, v2_layer_t *avg)
{
    const v2_t *v = &c->sys->v2;
    double L = c->sys->model.num_layers;
    double w_dense = v->moe ? v->dense_layers / L : 1;
    if (w_dense >= 1) {
        v2_layer(c, id, sl, sf, false, avg);
        return;
    }
    v2_layer_t dense, moe;
    v2_layer(c, id, sl, sf, false, &dense);
    v2_layer(c, id, sl, sf, true, &moe);
    *avg = moe;
    if (w_dense <= 0)
        return;
    avg->fc1 = v2_mix(dense.fc1, moe.fc1, w_dense);
    avg->fc2 = v2_mix(dense.fc2, moe.fc2, w_dense);
    avg->nonmatmul = dense.nonmatmul * w_dense + moe.nonmatmul * (1 - w_dense);
    avg->ffn_comm = dense.ffn_comm * w_dense + moe.ffn_comm * (1 - w_dense);
}

/* The 2D weight-stationary layer: the 1D layer's matmuls and operators
 * (same rows, same weight share per chip) with the 2D communication. */
static void v2_2d_from_1d(const v2_ctx_t *c, const v2_stage_t *st, const v2_layer_t *one_d,
                          const v2_split_t *sf, v2_layer_t *y)
{
    const v2_t *v = &c->sys->v2;
    const model_t *m = &c->sys->model;
    double ob = v2_elementwise_bytes(v), wb = v->weight_fmt->bytes;   /* reduced: GEMM outputs */
    const void *links = c->links;
    *y = *one_d;
    if (!(v->off & V2_OFF_NONMATMUL)) {
        /* norms, adds and quantize passes on a 1/t shard instead of the whole activation */
        v2_nonmatmul_t full = v2_nonmatmul_bytes(v, c->n, m->d, 0, false, 0, 0);
        double whole = full.norms + full.residuals + full.quant;
        y->nonmatmul -= whole * (1 - 1 / c->t) / c->sys->weight_bw_per_chip;
    }
    v2_split_t sa = st->attn_2d;   /* v2_layout_split(2D, t, n, d, q_width): rows n */
    sa.rows = c->n;
    y->attn_comm = v2_layout_comm(V2_LAYOUT_2D_WS, &sa, c->n, m->d, v->q_width, ob,
                                  v->attn_params * wb, v2_allreduce, links);
    double dense = v2_layout_comm(V2_LAYOUT_2D_WS, sf, c->n, m->d, m->d_ff, ob,
                                  v->dense_ffn_params * wb, v2_allreduce, links);
    if (!v->moe) {
        y->ffn_comm = dense;
        return;
    }
    /* MoE layers combine like 1D; only the dense layers change */
    double w = v->dense_layers / m->num_layers;
    double dense_1d = v2_allreduce(links, c->t, c->n * m->d * ob);
    y->ffn_comm = one_d->ffn_comm + w * (dense - dense_1d);
}

/* The LM head's parts on t chips that its rows do not change. */
static v2_lm_head_part_t v2_lm_head_part(const v2_t *v, double compute_efficiency, double d,
                                         double t)
{
    v2_lm_head_part_t h = {false, 0, {0, 0, 0, 0}, 0, 0};
    if (!(v->vocab > 0))
        return h;
    h.on = true;
    h.cols = v->vocab / t;
    h.dim_cols = v2_dim(v, h.cols);
    h.eff = v2_gemm_efficiency(v, compute_efficiency, d);
    h.weight_bytes = d * h.cols * v->lm_head_fmt->bytes;
    return h;
}

/* The LM head of `rows` token rows from its parts (dim_d: v2_dim of d). */
static matmul_lat_t v2_lm_head_rows(const v2_t *v, const v2_lm_head_part_t *h, double rows,
                                    double d, const v2_dim_t *dim_d, double bw)
{
    matmul_lat_t none = {0, 0, 0};
    if (!h->on)
        return none;
    v2_dim_t dim_rows = v2_dim(v, rows);
    /* in its own format */
    return v2_matmul_dims(v, v->lm_head_peak_flops, h->eff, 1, &dim_rows, dim_d, &h->dim_cols,
                          h->weight_bytes + rows * (d + h->cols) * v->act_fmt->bytes, bw);
}

matmul_lat_t v2_lm_head(const v2_t *v, double compute_efficiency, double rows, double d,
                        double t, double bw)
{
    v2_lm_head_part_t h = v2_lm_head_part(v, compute_efficiency, d, t);
    v2_dim_t dim_d = v2_dim(v, d);
    return v2_lm_head_rows(v, &h, rows, d, &dim_d, bw);
}

/* A lower bound of a weight GEMM's time (v2_matmul_dims) from the bytes of
 * its weights alone, as its traffic's first term writes them: the
 * start-up time plus at least their streaming; 0 without weights (a GEMM
 * with neither FLOPs nor bytes takes 0). */
static double v2_weight_gemm_bound(const v2_t *v, double weight_bytes, double bw)
{
    return weight_bytes > 0 ? v->op_latency_s + weight_bytes / bw : 0;
}

/* A lower bound of a weight-gathered layout's layer time before its layer
 * is built: v2_layer_time of the terms the pass already knows (the
 * attention core, its K/V all-to-alls and the layout's dispatch cost), of
 * its weight GEMMs' v2_weight_gemm_bound and of the weight all-gathers
 * alone for the attention and FFN communication, every other term 0.  Each true term is at least its stand-in (all are
 * >= 0; a block's communication is its gather plus an all-reduce) and a
 * rounded sum cannot decrease when a term grows, so the bound is never
 * above the layer's time: a layout whose bound is not below the best time
 * cannot win (prunes them in prefill, whose gathers are of whole weights). */
static double v2_gathered_layer_bound(const v2_ctx_t *c, const v2_stage_layout_t *sl,
                                      double overhead)
{
    v2_layer_t lb = {0};
    lb.qkv.time = sl->gemm_lb_s[0];
    lb.out.time = sl->gemm_lb_s[1];
    lb.fc1.time = sl->gemm_lb_s[2];
    lb.fc2.time = sl->gemm_lb_s[3];
    lb.score = c->core.score;
    lb.value = c->core.value;
    lb.kv_comm = c->core.kv_comm;
    lb.attn_comm = sl->gather_attn_s;
    lb.ffn_comm = sl->gather_ffn_s;
    lb.coll_fixed = sl->coll_fixed_s[c->core.kv_batch_sharded != 0];
    return v2_layer_time(&lb, overhead);
}

/* Time to read `share` of every layer's weights on one chip: a lower bound
 * of a layout's layer time (prunes weight-gathered layouts in decode). */
static double v2_weight_read_bound(const system_t *sys, double share)
{
    const v2_t *v = &sys->v2;
    double L = sys->model.num_layers;
    double per_layer = v->params / L * v->weight_fmt->bytes;
    return per_layer * share / sys->weight_bw_per_chip;
}

void v2_stage_init(const system_t *sys, double t, double p, void *stage)
{
    v2_stage_t *st = stage;
    const v2_t *v = &sys->v2;
    const model_t *m = &sys->model;
    double eff = sys->compute_perf_efficiency;
    st->t = t;
    st->p = p;
    v2_links_t *l = &st->links;
    l->algo = sys->allreduce;
    l->links = perf_stage_links(sys, p);
    l->eff = sys->io_bandwidth_efficiency;
    l->link = allreduce_link(l->links.links, l->links.nlinks, l->eff);
    l->lib_latency_s = v->allreduce_latency_s;   /* its ring runs at the slowest link too */
    l->n_rings = 0;   /* the chip counts v2_allreduce meets: t, the layouts' splits' */
    memset(l->ring_slot, -1, sizeof l->ring_slot);
    v2_links_ring(l, t);
    st->eff_d = v2_gemm_efficiency(v, eff, m->d);
    st->kv_reread = v->off & V2_OFF_GQA_ATTENTION
                        ? v2_kv_reread_factor(m->num_heads / v->kv_heads, sys->weight_bw_per_chip,
                                              v->l2_read_bytes_per_s)
                        : 1;
    for (int i = 0; i < V2_LAYOUT_COUNT; i++) {
        v2_layout_id_t id = v2_layouts[i].id;
        v2_stage_layout_t *sl = &st->layout[i];
        /* rows n = 1: the split's other fields do not depend on n */
        sl->split = v2_layout_split(id, t, 1, m->d, m->d_ff);
        sl->usable = !(sl->split.x > t || sl->split.yz < 1);
        v2_links_ring(l, sl->split.x);
        v2_links_ring(l, sl->split.yz);
        v2_links_ring(l, sl->split.gather);
        sl->dim_ffn_cols = v2_dim(v, m->d_ff * sl->split.weight_share);
        sl->fc2_eff = v2_gemm_efficiency(v, eff, sl->dim_ffn_cols.x);
        sl->dim_qkv = v2_dim(v, (v->attn_params - v->o_params) / m->d * sl->split.weight_share);
        sl->dim_o = v2_dim(v, v->o_params / m->d * sl->split.weight_share);
        sl->o_eff = v2_gemm_efficiency(v, eff, sl->dim_o.x);
        sl->weight_read_s = v2_weight_read_bound(sys, sl->split.weight_share);
        sl->gather_attn_s = sl->gather_ffn_s = 0;
        for (int k = 0; k < 4; k++)
            sl->gemm_lb_s[k] = 0;
        if (sl->split.gather > 1) {
            double wb = v->weight_fmt->bytes, bw = sys->weight_bw_per_chip, ws = sl->split.weight_share;
            double cols = sl->dim_ffn_cols.x, up = v->ffn_matrices - 1;
            /* the weight terms of v2_attention's and v2_dense_ffn's traffic, as written there */
            sl->gemm_lb_s[0] = v2_weight_gemm_bound(v, (v->attn_params - v->o_params) * ws * wb, bw);
            sl->gemm_lb_s[1] = v2_weight_gemm_bound(v, v->o_params * ws * wb, bw);
            if (!v->moe) {
                sl->gemm_lb_s[2] = v2_weight_gemm_bound(v, up * m->d * cols * wb, bw);
                sl->gemm_lb_s[3] = v2_weight_gemm_bound(v, cols * m->d * wb, bw);
            }
            sl->gather_attn_s = v2_layout_weight_gather(&sl->split, v->attn_params * wb,
                                                        v2_allreduce, l);
            if (!v->moe)
                sl->gather_ffn_s = v2_layout_weight_gather(&sl->split, v->dense_ffn_params * wb,
                                                           v2_allreduce, l);
        }
        for (int k = 0; k < 2; k++)
            sl->coll_fixed_s[k] = v2_layout_collective_fixed_s(id, k, t, v->collective_fixed_s);
    }

    st->attn_2d = v2_layout_split(V2_LAYOUT_2D_WS, t, 1, m->d, v->q_width);
    v2_links_ring(l, st->attn_2d.x);
    v2_links_ring(l, st->attn_2d.yz);
    st->lm_head = v2_lm_head_part(v, eff, m->d, t);
    st->layers_per_stage = ceil(m->num_layers / p);
    st->stage2stage_bw = l->links.stage2stage_bw * l->eff;
}

void v2_micro_batch_at(const system_t *sys, const void *stage_ctx, perf_stage_t stage,
                       double micro_batch, micro_batch_t *o)
{
    const v2_stage_t *st = stage_ctx;
    const v2_t *v = &sys->v2;
    double t = st->t, p = st->p;
    v2_ctx_t c = {sys, stage, t, micro_batch, 0, 0, 0, &st->links, {{0, 0, 0}, {0, 0, 0}, 0, 0},
                  st->eff_d, st->kv_reread};
    c.q_len = stage == STAGE_PREFILL ? sys->prefill_len : 1;
    c.n = micro_batch * c.q_len;
    c.ctx = stage == STAGE_PREFILL ? sys->prefill_len : sys->prefill_len + sys->generate_len / 2;
    v2_attention_core(&c, &c.core);

    /* each layout's layer in its own slot: the winner and the 1D layer are
     * pointed to, not copied */
    static const v2_layer_t none = {0};
    v2_layer_t ys[V2_LAYOUT_COUNT];
    const v2_layer_t *best_y = &none, *layer_1d = NULL;
    double best_time = INFINITY;
    int best_id = 0;
    int n_layouts = v->off & V2_OFF_LAYOUTS ? 1 : V2_LAYOUT_COUNT;
    for (int i = 0; i < n_layouts; i++) {
        const v2_stage_layout_t *sl = &st->layout[i];
        v2_split_t s = sl->split;   /* v2_layout_split(id, t, n, d, d_ff): rows n / gather */
        s.rows = s.gather == 1 ? c.n : c.n / s.gather;
        if (i > 0 && (s.rows < 1 || !sl->usable))
            continue;                       /* fewer rows than chips to split them over */
        if (s.gather > 1 && (sl->weight_read_s >= best_time ||
                             v2_gathered_layer_bound(&c, sl, v->layer_overhead_s) >= best_time))
            continue;                       /* reading or gathering its weights alone is slower */
        v2_layer_t *y = &ys[i];
        if (v2_layouts[i].id == V2_LAYOUT_2D_WS)   /* after 1D: v2_layouts[0], never skipped */
            v2_2d_from_1d(&c, st, layer_1d, &s, y);
        else
            v2_avg_layer(&c, v2_layouts[i].id, sl, &s, y);
        if (v2_layouts[i].id == V2_LAYOUT_1D_WS)
            layer_1d = y;
        y->coll_fixed = sl->coll_fixed_s[y->kv_batch_sharded != 0];
        double time = v2_layer_time(y, v->layer_overhead_s);
        if (time < best_time) {
            best_time = time;
            best_y = y;
            best_id = i;
        }
    }
    const v2_layer_t *best = best_y;
    o->atten_qkv = best->qkv;
    o->atten_matmul1 = best->score;
    o->atten_matmul2 = best->value;
    o->atten_fc = best->out;
    o->fc1 = best->fc1;
    o->fc2 = best->fc2;
    o->atten_communication1 = best->kv_comm;
    o->atten_communication2 = best->attn_comm;
    o->fc_communication = best->ffn_comm;
    o->nonmatmul = best->nonmatmul;
    o->overhead = v->layer_overhead_s;
    o->layout = best_id;
    o->kv_batch_sharded = best->kv_batch_sharded;

    double activation_bytes = c.n * sys->model.d * v2_elementwise_bytes(v);   /* the 16-bit stream */
    o->stage2stage = p > 1 ? activation_bytes / st->stage2stage_bw + sys->srv->io.init_time_s : 0;
    double layer_compute = best->qkv.time + best->score.time + best->value.time + best->out.time +
                           best->fc1.time + best->fc2.time + best->nonmatmul + o->overhead;
    double layers_per_stage = st->layers_per_stage;
    o->lm_head = v2_lm_head_rows(v, &st->lm_head, micro_batch, sys->model.d, &v->dim_d,
                                 sys->weight_bw_per_chip).time;
    /* the LM head sits in the last stage, which sets the pipeline's pace */
    o->pipeline_stage = best_time * layers_per_stage + o->stage2stage + o->lm_head;
    o->total = o->pipeline_stage * p;
    o->compute = (layer_compute * layers_per_stage + o->lm_head) * p;
    o->communication = o->total - o->compute;
    perf_micro_batch_energy(sys, stage, t, micro_batch, o);
}

void v2_micro_batch(const system_t *sys, perf_stage_t stage, double t, double p,
                    double micro_batch, micro_batch_t *o)
{
    v2_stage_t st;
    v2_stage_init(sys, t, p, &st);
    v2_micro_batch_at(sys, &st, stage, micro_batch, o);
}

/*
 * hf_ops.c -- the HuggingFace operator-list frontend (see hf_ops.h): the
 * settings, the per-operator constructors and their cost formulas (one
 * place each), and the dispatch to the architecture files hf_ops_llama.c
 * and hf_ops_classic.c.
 *
 * Cost conventions (docs/hf-models.md): FLOPs = 2 x MACs for matmuls plus
 * one per bias element; elementwise ops use the per-element FLOP counts
 * below; act_bytes = activations read + written at the config's dtype
 * (KV ops: cache traffic only; attention scores only when materialised,
 * i.e. causal mode full); weight_bytes = parameters read (embeddings: the
 * rows looked up; a tied lm_head reads the table it shares).
 */
#include "ops/hf_ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/named.h"
#include "ops/hf_ops_build.h"

/* FLOPs per element of the elementwise operators (spec §4.1 notes). */
#define FLOPS_PER_RMSNORM_ELEM 4.0
#define FLOPS_PER_LAYERNORM_ELEM 8.0
#define FLOPS_PER_ROPE_ELEM 3.0
#define FLOPS_PER_SOFTMAX_ELEM 5.0
#define FLOPS_PER_ROTARY_TABLE_ELEM 2.0 /* cos and sin of one angle */

static const struct {
    const char *name;
    double flops_per_elem;
} activations[] = {
    {"silu", 4}, {"swish", 4}, {"gelu", 10}, {"gelu_new", 10}, {"gelu_pytorch_tanh", 10},
    {"gelu_fast", 10}, {"quick_gelu", 4}, {"relu", 1}, {"tanh", 6},
};

double hb_act_flops(const char *act)
{
    for (size_t i = 0; i < sizeof activations / sizeof activations[0]; i++)
        if (strcmp(activations[i].name, act) == 0)
            return activations[i].flops_per_elem;
    return -1;
}

/* ---- settings ------------------------------------------------------------ */

static const struct {
    const char *name;
} mode_names[HF__MODES] = {{"prefill"}, {"decode"}}, causal_names[HF__CAUSALS] = {{"full"}, {"flash"}},
  mla_names[HF__MLAS] = {{"naive"}, {"absorbed"}};

const char *hf_mla_name(hf_mla_t m)
{
    return (unsigned)m < HF__MLAS ? mla_names[m].name : "?";
}

int hf_mla_parse(const char *s, char *err, size_t errlen)
{
    return (int)named_find(mla_names, HF__MLAS, sizeof mla_names[0], s, "MLA variant", err, errlen);
}

const char *hf_mode_name(hf_mode_t m)
{
    return (unsigned)m < HF__MODES ? mode_names[m].name : "?";
}

const char *hf_causal_name(hf_causal_t c)
{
    return (unsigned)c < HF__CAUSALS ? causal_names[c].name : "?";
}

int hf_mode_parse(const char *s, char *err, size_t errlen)
{
    return (int)named_find(mode_names, HF__MODES, sizeof mode_names[0], s, "mode", err, errlen);
}

int hf_causal_parse(const char *s, char *err, size_t errlen)
{
    return (int)named_find(causal_names, HF__CAUSALS, sizeof causal_names[0], s, "causal mode", err, errlen);
}

hf_setting_t hf_setting(hf_mode_t mode, int64_t batch, int64_t context, hf_causal_t causal)
{
    hf_setting_t s = {.batch = batch, .mode = mode, .causal = causal};
    if (mode == HF_DECODE) {
        s.seq = 1;
        s.past = context;
    } else {
        s.seq = context;
        s.past = 0;
    }
    return s;
}

size_t hf_multi_settings(const hf_config_t *c, hf_causal_t causal, hf_setting_t out[8])
{
    static const int64_t batches[2] = {1, 16}, contexts[2] = {1, 128};
    size_t n = 0;
    for (int bi = 0; bi < 2; bi++)
        for (int ci = 0; ci < 2; ci++)
            for (int m = 0; m < HF__MODES; m++)
                if (m == HF_PREFILL || c->decoder)
                    out[n++] = hf_setting((hf_mode_t)m, batches[bi], contexts[ci], causal);
    return n;
}

const char *hf_block_name(hf_block_t b)
{
    static const char *const names[HF__BLOCKS] = {
        [HF_BLK_EMBEDDING] = "embedding", [HF_BLK_NORM] = "norm", [HF_BLK_ATTN_PROJ] = "attn_proj",
        [HF_BLK_ATTENTION] = "attention", [HF_BLK_MLP] = "mlp", [HF_BLK_ROUTER] = "router",
        [HF_BLK_EXPERT] = "expert", [HF_BLK_RESIDUAL] = "residual", [HF_BLK_HEAD] = "head",
    };
    return (unsigned)b < HF__BLOCKS ? names[b] : "?";
}

double hf_attn_pairs(int64_t s, int64_t p, int64_t window, hf_causal_t causal)
{
    int64_t t = p + s;
    if (causal == HF_CAUSAL_FULL || s == 1)
        return (double)s * (double)(window > 0 && window < t ? window : t);
    /* query i (0-based) sees keys 1..P+i+1, at most W of them */
    double a = (double)p + 1; /* keys of the first query */
    if (window <= 0)
        return (double)s * (double)p + (double)s * (double)(s + 1) / 2;
    double n1 = (double)window - a + 1; /* queries whose key count is below W */
    if (n1 < 0)
        n1 = 0;
    if (n1 > (double)s)
        n1 = (double)s;
    return n1 * a + n1 * (n1 - 1) / 2 + ((double)s - n1) * (double)window;
}

double hf_op_macs(const op_t *op)
{
    if (op->kind != OPK_MATMUL && op->kind != OPK_ATTENTION)
        return 0;
    /* attention matmuls: the pairs computed (flash skips masked ones), not the gemm rectangle */
    if (strcmp(op->opcode, "BatchMatMul") == 0)
        return op->flops / 2;
    return (double)op->gemm_batch * (double)op->gemm_m * (double)op->gemm_n * (double)op->gemm_k;
}

bool hf_op_is_module(const op_t *op)
{
    /* the opcodes the builder gives its functional operators */
    static const char *const functional[] = {"RoPE", "KVWrite", "KVRead", "BatchMatMul", "Softmax", "Mul",
                                             "Add", "TopK", "IndexAdd"};
    for (size_t i = 0; i < sizeof functional / sizeof functional[0]; i++)
        if (strcmp(op->opcode, functional[i]) == 0)
            return false;
    return true;
}

/* ---- names ----------------------------------------------------------------- */

static size_t put_int(char *dst, int64_t v)
{
    char tmp[24];
    size_t n = 0;
    if (v == 0)
        tmp[n++] = '0';
    while (v > 0) {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = tmp[n - 1 - i];
    return n;
}

static void pre_append(hb_t *b, const char *a, int64_t i, const char *c)
{
    size_t la = strlen(a), lc = strlen(c);
    if (b->pre_len + la + lc + 24 >= HB_NAME_MAX)
        return;
    memcpy(b->pre + b->pre_len, a, la);
    b->pre_len += la;
    if (i >= 0)
        b->pre_len += put_int(b->pre + b->pre_len, i);
    memcpy(b->pre + b->pre_len, c, lc);
    b->pre_len += lc;
    b->pre[b->pre_len] = '\0';
}

void hb_prefix(hb_t *b, const char *a, int64_t i, const char *c)
{
    b->pre_len = b->model_len;
    b->pre[b->pre_len] = '\0';
    pre_append(b, a, i, c);
}

void hb_prefix_push(hb_t *b, const char *a, int64_t i, const char *c)
{
    pre_append(b, a, i, c);
}

/* ---- tensors and the graph --------------------------------------------------- */

op_tensor_t hb_t2(op_dtype_t dt, int64_t a, int64_t b)
{
    op_tensor_t t = {.rank = 2, .dtype = dt};
    t.dim[0] = a;
    t.dim[1] = b;
    return t;
}

op_tensor_t hb_t3(op_dtype_t dt, int64_t a, int64_t b, int64_t c)
{
    op_tensor_t t = {.rank = 3, .dtype = dt};
    t.dim[0] = a;
    t.dim[1] = b;
    t.dim[2] = c;
    return t;
}

op_tensor_t hb_t4(op_dtype_t dt, int64_t a, int64_t b, int64_t c, int64_t d)
{
    op_tensor_t t = {.rank = 4, .dtype = dt};
    t.dim[0] = a;
    t.dim[1] = b;
    t.dim[2] = c;
    t.dim[3] = d;
    return t;
}

static bool annot_reserve(hf_ops_t *o, size_t n)
{
    if (n <= o->cap)
        return true;
    size_t cap = o->cap ? 2 * o->cap : 1024;
    while (cap < n)
        cap *= 2;
    uint8_t *bl = realloc(o->block, cap * sizeof *bl);
    if (!bl)
        return false;
    o->block = bl;
    int32_t *ly = realloc(o->layer, cap * sizeof *ly);
    if (!ly)
        return false;
    o->layer = ly;
    o->cap = cap;
    return true;
}

long hb_add(hb_t *b, const char *suffix, op_t *op, hf_block_t blk, const long *deps, size_t ndeps)
{
    if (b->failed)
        return -1;
    char name[HB_NAME_MAX + 64];
    size_t ls = strlen(suffix);
    memcpy(name, b->pre, b->pre_len);
    memcpy(name + b->pre_len, suffix, ls + 1);
    op->name = name;
    op->count = 1;
    uint32_t small[8];
    uint32_t *d = small;
    if (ndeps > 8) {
        if (ndeps > b->scratch_cap) {
            uint32_t *p = realloc(b->scratch, ndeps * sizeof *p);
            if (!p) {
                b->failed = true;
                return -1;
            }
            b->scratch = p;
            b->scratch_cap = ndeps;
        }
        d = b->scratch;
    }
    size_t nd = 0;
    for (size_t i = 0; i < ndeps; i++) {
        if (deps[i] < 0)
            continue;
        bool dup = false;
        for (size_t j = 0; ndeps <= 8 && j < nd; j++)
            dup |= d[j] == (uint32_t)deps[i];
        if (!dup)
            d[nd++] = (uint32_t)deps[i];
    }
    op->deps = d;
    op->n_deps = nd;
    /* hand the graph its own interned opcode: op_graph_strdup then finds it by pointer */
    const char *src = op->opcode;
    unsigned k = 0;
    while (k < b->n_opc && b->opc_src[k] != src)
        k++;
    if (k < b->n_opc)
        op->opcode = b->opc_int[k];
    size_t idx = op_graph_len(b->o->g);
    if (!annot_reserve(b->o, idx + 1) || op_graph_add(b->o->g, op) < 0) {
        b->failed = true;
        snprintf(b->err, b->errlen, "out of memory");
        return -1;
    }
    if (k < 16) { /* remember (or refresh) the graph's copy */
        b->opc_src[k] = src;
        b->opc_int[k] = op_graph_get(b->o->g, idx)->opcode;
        if (k == b->n_opc)
            b->n_opc++;
    }
    b->o->block[idx] = (uint8_t)blk;
    b->o->layer[idx] = b->layer;
    return (long)idx;
}

/* A zeroed record, field by field: one 544-byte memset per operator (a
 * rep stos) cost a sixth of building DeepSeek-V3's lists. */
static void op_begin(op_t *op, const char *opcode, op_kind_t kind)
{
    static const op_tensor_t none;
    op->name = NULL;
    op->einsum = NULL;
    op->n_in = 0;
    for (int i = 0; i < OP_MAX_INPUTS; i++)
        op->in[i] = none;
    op->out = none;
    op->gemm_batch = op->gemm_m = op->gemm_n = op->gemm_k = 0;
    op->flops = op->weight_bytes = op->act_bytes = 0;
    op->params = 0;
    op->coll = COLL_NONE;
    op->coll_bytes = 0;
    op->coll_group = 0;
    op->count = 0;
    op->n_deps = 0;
    op->deps = NULL;
    op->opcode = opcode;
    op->kind = kind;
}

/* ---- constructors --------------------------------------------------------------- */

long hb_linear(hb_t *b, const char *suffix, const char *opcode, hf_block_t blk, const long *deps, size_t ndeps,
               int rank, int64_t rows, int64_t in, int64_t out, int bias, bool quantized, bool tied)
{
    const hf_config_t *c = b->c;
    op_t op;
    op_begin(&op, opcode, OPK_MATMUL);
    op_dtype_t wdt = quantized ? c->weight_dtype : c->dtype;
    op.n_in = 1;
    if (rank == 3) {
        op.in[0] = hb_t3(b->adt, b->B, rows / b->B, in);
        op.out = hb_t3(b->adt, b->B, rows / b->B, out);
    } else {
        op.in[0] = hb_t2(b->adt, rows, in);
        op.out = hb_t2(b->adt, rows, out);
    }
    op.gemm_batch = 1;
    op.gemm_m = rows;
    op.gemm_k = in;
    op.gemm_n = out;
    op.flops = 2.0 * (double)rows * (double)in * (double)out + (bias ? (double)rows * (double)out : 0);
    op.params = tied ? (bias ? out : 0) : in * out + (bias ? out : 0);
    op.weight_bytes = (double)in * (double)out * op_dtype_bytes(wdt) + (bias ? (double)out * b->ab : 0);
    if (quantized && c->quant_block_out > 0 && c->weight_dtype != c->dtype)
        op.weight_bytes += (double)((out + c->quant_block_out - 1) / c->quant_block_out) *
                           (double)((in + c->quant_block_in - 1) / c->quant_block_in) * op_dtype_bytes(DT_FP32);
    op.act_bytes = (double)rows * (double)(in + out) * b->ab;
    return hb_add(b, suffix, &op, blk, deps, ndeps);
}

long hb_norm(hb_t *b, const char *suffix, bool layernorm, long in, op_tensor_t x, int64_t dim)
{
    op_t op;
    op_begin(&op, layernorm ? "LayerNorm" : "RMSNorm", OPK_NORM);
    op.n_in = 1;
    op.in[0] = x;
    op.out = x;
    double e = (double)op_tensor_elems(&x);
    op.flops = e * (layernorm ? FLOPS_PER_LAYERNORM_ELEM : FLOPS_PER_RMSNORM_ELEM);
    op.params = layernorm ? 2 * dim : dim;
    op.weight_bytes = (double)op.params * b->ab;
    op.act_bytes = 2 * e * b->ab;
    return hb_add(b, suffix, &op, HF_BLK_NORM, &in, 1);
}

long hb_elementwise(hb_t *b, const char *suffix, const char *opcode, hf_block_t blk, const long *deps,
                    size_t ndeps, op_tensor_t x, int nin, double flops_per_elem)
{
    op_t op;
    op_begin(&op, opcode, OPK_ELEMENTWISE);
    op.n_in = nin > OP_MAX_INPUTS ? OP_MAX_INPUTS : nin;
    for (int i = 0; i < op.n_in; i++)
        op.in[i] = x;
    op.out = x;
    double e = (double)op_tensor_elems(&x);
    op.flops = e * flops_per_elem;
    op.act_bytes = (double)(nin + 1) * e * b->ab;
    return hb_add(b, suffix, &op, blk, deps, ndeps);
}

long hb_dropout(hb_t *b, const char *suffix, long in, op_tensor_t x)
{
    op_t op;
    op_begin(&op, "Dropout", OPK_ELEMENTWISE);
    op.n_in = 1;
    op.in[0] = x;
    op.out = x;
    return hb_add(b, suffix, &op, b->layer >= 0 ? HF_BLK_RESIDUAL : HF_BLK_EMBEDDING, &in, 1);
}

long hb_embedding(hb_t *b, const char *suffix, op_tensor_t ids, int64_t rows, int64_t dim)
{
    op_t op;
    op_begin(&op, "Embedding", OPK_EMBEDDING);
    op.n_in = 1;
    op.in[0] = ids;
    op.out = ids;
    op.out.rank = ids.rank + 1;
    op.out.dim[ids.rank] = dim;
    op.out.dtype = b->adt;
    double lookups = (double)op_tensor_elems(&ids);
    /* a frozen (sinusoidal) position table is still a parameter tensor */
    op.params = rows * dim;
    op.weight_bytes = lookups * (double)dim * b->ab;
    op.act_bytes = op_tensor_bytes(&ids) + lookups * (double)dim * b->ab;
    return hb_add(b, suffix, &op, HF_BLK_EMBEDDING, NULL, 0);
}

static long bmm(hb_t *b, const char *suffix, const long *deps, size_t ndeps, op_tensor_t x, op_tensor_t y,
                op_tensor_t out, int64_t heads, int64_t m, int64_t n, int64_t k, double macs, double act_bytes)
{
    op_t op;
    op_begin(&op, "BatchMatMul", OPK_MATMUL);
    op.n_in = 2;
    op.in[0] = x;
    op.in[1] = y;
    op.out = out;
    op.gemm_batch = b->B * heads;
    op.gemm_m = m;
    op.gemm_n = n;
    op.gemm_k = k;
    op.flops = 2 * macs;
    op.act_bytes = act_bytes;
    return hb_add(b, suffix, &op, HF_BLK_ATTENTION, deps, ndeps);
}

static void attn_name(char *dst, const hb_attn_t *a, const char *what)
{
    snprintf(dst, 96, "%s%s", a->attn, what);
}

long hb_attention(hb_t *b, const hb_attn_t *a, long q, long k, long v, long rot)
{
    char nm[96];
    int64_t B = b->B, S = b->S, T = b->T;
    double ab = b->ab, pairs = b->pairs;
    bool scores_in_memory = b->s->causal == HF_CAUSAL_FULL;
    long kv_k = k, kv_v = v, kv = -1;
    if (a->rope_dim > 0) {
        op_t op;
        op_begin(&op, "RoPE", OPK_ELEMENTWISE);
        op.n_in = 2;
        op.in[0] = hb_t4(b->adt, B, a->rope_q_heads, S, a->rope_dim);
        op.in[1] = hb_t4(b->adt, B, a->rope_k_heads, S, a->rope_dim);
        op.out = op.in[0];
        double e = (double)B * (double)S * (double)(a->rope_q_heads + a->rope_k_heads) * (double)a->rope_dim;
        op.flops = e * FLOPS_PER_ROPE_ELEM;
        op.act_bytes = 2 * e * ab;
        long deps[3] = {q, k, rot};
        attn_name(nm, a, "rope");
        long r = hb_add(b, nm, &op, HF_BLK_ATTENTION, deps, 3);
        q = r;
        kv_k = r;
    }
    if (a->cache) {
        double per_tok = (double)a->cache_k_heads * (double)(a->cache_k_dim + a->cache_v_dim);
        op_t op;
        op_begin(&op, "KVWrite", OPK_MEMORY);
        op.n_in = a->cache_v_dim ? 2 : 1;
        op.in[0] = hb_t4(b->adt, B, a->cache_k_heads, S, a->cache_k_dim);
        if (a->cache_v_dim)
            op.in[1] = hb_t4(b->adt, B, a->cache_k_heads, S, a->cache_v_dim);
        op.out = hb_t4(b->adt, B, a->cache_k_heads, T, a->cache_k_dim);
        op.act_bytes = (double)B * (double)S * per_tok * ab;
        long deps[2] = {kv_k, kv_v};
        attn_name(nm, a, "kv_write");
        long w = hb_add(b, nm, &op, HF_BLK_ATTENTION, deps, 2);
        op_begin(&op, "KVRead", OPK_MEMORY);
        op.n_in = a->cache_v_dim ? 2 : 1;
        op.in[0] = hb_t4(b->adt, B, a->cache_k_heads, T, a->cache_k_dim);
        if (a->cache_v_dim)
            op.in[1] = hb_t4(b->adt, B, a->cache_k_heads, T, a->cache_v_dim);
        op.out = op.in[0];
        op.act_bytes = (double)B * (double)T * per_tok * ab;
        attn_name(nm, a, "kv_read");
        kv = hb_add(b, nm, &op, HF_BLK_ATTENTION, &w, 1);
    }
    op_tensor_t qt = hb_t4(b->adt, B, a->nq, S, a->d_qk);
    op_tensor_t kt = hb_t4(b->adt, B, a->cache ? a->cache_k_heads : a->nkv, T, a->d_qk);
    op_tensor_t vt = hb_t4(b->adt, B, a->cache ? a->cache_k_heads : a->nkv, T, a->d_v);
    op_tensor_t st = hb_t4(b->adt, B, a->nq, S, T);
    double score_elems = (double)B * (double)a->nq * pairs;
    double score_bytes = scores_in_memory ? score_elems * ab : 0;
    /* without a cache op the scores read K and V themselves */
    double k_bytes = a->cache ? 0 : op_tensor_bytes(&kt), v_bytes = a->cache ? 0 : op_tensor_bytes(&vt);

    long dqk[3] = {q, a->cache ? kv : k, a->q_extra > 0 ? a->q_extra : -1};
    attn_name(nm, a, "attn_qk");
    long qk = bmm(b, nm, dqk, 3, qt, kt, st, a->nq, S, T, a->d_qk, score_elems * (double)a->d_qk,
                  op_tensor_bytes(&qt) + k_bytes + score_bytes);
    op_t op;
    op_begin(&op, "Softmax", OPK_SOFTMAX);
    op.n_in = 1;
    op.in[0] = st;
    op.out = st;
    op.flops = score_elems * FLOPS_PER_SOFTMAX_ELEM;
    op.act_bytes = 2 * score_bytes;
    attn_name(nm, a, "softmax");
    long sm = hb_add(b, nm, &op, HF_BLK_ATTENTION, &qk, 1);
    long dpv[2] = {sm, a->cache ? kv : v};
    op_tensor_t ot = hb_t3(b->adt, B, S, a->nq * a->d_v);
    attn_name(nm, a, "attn_pv");
    return bmm(b, nm, dpv, 2, st, vt, ot, a->nq, S, a->d_v, T, score_elems * (double)a->d_v,
               score_bytes + v_bytes + op_tensor_bytes(&ot));
}

/* ---- dispatch ------------------------------------------------------------------------ */

void hf_ops_free(hf_ops_t *o)
{
    op_graph_free(o->g);
    free(o->block);
    free(o->layer);
    memset(o, 0, sizeof *o);
}

bool hf_ops_build(const hf_config_t *c, const hf_setting_t *s, hf_ops_t *out, char *err, size_t errlen)
{
    if (s->batch < 1 || s->seq < 1 || s->past < 0) {
        snprintf(err, errlen, "batch and new tokens must be at least 1 and past tokens at least 0");
        return false;
    }
    if (s->batch > (1LL << 31) || s->seq + s->past > (1LL << 31) || s->batch * (s->seq + s->past) > (1LL << 40)) {
        snprintf(err, errlen, "batch x (seq + past) = %lld x %lld is too large (at most 2^40 token positions)",
                 (long long)s->batch, (long long)(s->seq + s->past));
        return false;
    }
    const char *bad = c->ffn <= 0 ? "intermediate size" : c->experts && c->moe_ffn <= 0 ? "expert intermediate size"
                    : c->kv_lora_rank < 0 || c->q_lora_rank < 0 || c->qk_rope_head_dim < 0 || c->v_head_dim < 0 ||
                              c->qk_nope_head_dim < 0 || (c->arch == HF_DEEPSEEK_V3 && (c->kv_lora_rank == 0 ||
                              c->v_head_dim == 0 || c->qk_nope_head_dim + c->qk_rope_head_dim <= 0))
                          ? "MLA dimension"
                    : c->shared_experts < 0 || c->first_dense < 0 || c->moe_layer_freq < 0 ? "MoE layout"
                    : (c->arch == HF_GPT2 || !c->decoder) && c->max_positions <= 0 ? "position table size"
                    : c->arch == HF_BERT && c->type_vocab <= 0 ? "type_vocab_size" : NULL;
    if (bad) {
        snprintf(err, errlen, "%s: %s must be positive", c->model_type, bad);
        return false;
    }
    /* operators this model makes per forward: refuse what cannot be listed */
    double layer_ops = 40.0 + 6.0 * (double)(c->experts < s->batch * s->seq * (c->experts_per_tok > 0 ? c->experts_per_tok : 1)
                                                 ? c->experts : s->batch * s->seq * c->experts_per_tok);
    if ((double)c->layers * layer_ops > 5e7) {
        snprintf(err, errlen, "%lld layers%s make more than 50 million operators", (long long)c->layers,
                 c->experts ? " with their experts" : "");
        return false;
    }
    if (!c->decoder && (s->mode == HF_DECODE || s->past > 0)) {
        snprintf(err, errlen, "%s is encoder-only: no KV cache, no decode (use --mode prefill, no --past)",
                 c->model_type);
        return false;
    }
    if (s->mode == HF_DECODE && s->seq != 1) {
        snprintf(err, errlen, "decode processes one new token per sequence (seq must be 1)");
        return false;
    }
    double act = hb_act_flops(c->act);
    if (act < 0) {
        char names[512] = "";
        for (size_t i = 0; i < sizeof activations / sizeof activations[0]; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                     activations[i].name);
        snprintf(err, errlen, "activation \"%s\" is not supported (supported: %s)", c->act, names);
        return false;
    }
    if (!out->g && !(out->g = op_graph_new())) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    op_graph_clear(out->g);
    /* about the operators this setting makes: room for them up front */
    int64_t hit = c->experts ? s->batch * s->seq * c->experts_per_tok : 0;
    if (hit > c->experts)
        hit = c->experts;
    size_t estimate = (size_t)(32 + c->layers * (32 + 5 * hit));
    if (op_graph_reserve(out->g, estimate) || !annot_reserve(out, estimate)) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    hb_t b;
    memset(&b, 0, sizeof b);
    b.c = c;
    b.s = s;
    b.o = out;
    b.adt = c->dtype;
    b.ab = op_dtype_bytes(c->dtype);
    b.B = s->batch;
    b.S = s->seq;
    b.P = s->past;
    b.T = s->past + s->seq;
    b.pairs = c->decoder ? hf_attn_pairs(b.S, b.P, c->sliding_window, s->causal) : (double)b.S * (double)b.T;
    b.act_flops = act;
    b.layer = -1;
    b.err = err;
    b.errlen = errlen;
    err[0] = '\0';
    bool ok;
    switch (c->arch) {
    case HF_GPT2: ok = hb_build_gpt2(&b); break;
    case HF_BERT: case HF_DISTILBERT: ok = hb_build_bert(&b); break;
    default: ok = hb_build_llama(&b); break;
    }
    free(b.scratch);
    if (ok && b.failed) {
        ok = false;
        if (!err[0])
            snprintf(err, errlen, "out of memory");
    }
    return ok;
}

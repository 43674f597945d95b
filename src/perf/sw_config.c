/*
 * sw_config.c -- schemas of the model and system YAML with the reference's
 * defaults (see sw_config.h).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/named.h"
#include "config/schema.h"
#include "perf/allreduce.h"
#include "perf/perf_model.h"
#include "perf/sw_config.h"
#include "perf/v2_model.h"
#include "perf/v2_model.h"

#define NUM(s, k, fl) {.key = #k, .type = F_NUM, .off = offsetof(s, k), .flags = (fl)}
#define NUMD(s, k, fl, d) {.key = #k, .type = F_NUM, .off = offsetof(s, k), .flags = (fl), .def = (d), .has_def = 1}
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

enum { R = FF_REQUIRED, P = FF_POSITIVE, N = FF_NONNEG, I = FF_INTEGER };

/* ---- model ----------------------------------------------------------- */

static int bind_attn_comm(const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    static const char *const names[] = {"default", "allreduce", "palm", "llama"};
    model_cfg_t *m = obj;
    (void)f;
    for (int i = 0; v->kind == NODE_SCALAR && i < 4; i++)
        if (strcmp(v->scalar, names[i]) == 0) {
            m->attn_comm = (attn_comm_t)i;
            return 0;
        }
    cfg_node_errorf(err, v, "Model.attn_comm: expected one of default, allreduce, palm, llama");
    return -1;
}

/* weight_format, act_format, kv_format: a name of v2_formats */
static int bind_format(const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    char msg[200];
    if (v->kind != NODE_SCALAR || !v2_format_find(v->scalar, msg, sizeof msg)) {
        cfg_node_errorf(err, v, "Model.%s: %s", f->key, v->kind == NODE_SCALAR ? msg : "expected a name");
        return -1;
    }
    snprintf((char *)obj + f->off, 8, "%s", v->scalar);
    return 0;
}

#define FMT(k) {.key = #k, .type = F_CUSTOM, .off = offsetof(model_cfg_t, k), .bind = bind_format}

static const field_t model_fields[] = {
    {.key = "name", .type = F_STR, .off = offsetof(model_cfg_t, name), .size = PERF_NAME_MAX, .flags = R},
    NUM(model_cfg_t, num_layers, R | P | I), NUM(model_cfg_t, d, R | P | I), NUM(model_cfg_t, num_heads, R | P | I),
    NUM(model_cfg_t, d_head, P | I), NUM(model_cfg_t, d_ff, P | I),
    {.key = "act", .type = F_STR, .off = offsetof(model_cfg_t, act), .size = 32},
    NUMD(model_cfg_t, heads_per_kv_cache, P | I, 1), NUMD(model_cfg_t, bytes_per_number, P, 2),
    {.key = "attn_comm", .type = F_CUSTOM, .bind = bind_attn_comm},
    /* perf_model v2 only */
    FMT(weight_format), FMT(act_format), FMT(kv_format), FMT(lm_head_format),
    NUM(model_cfg_t, num_experts, P | I), NUM(model_cfg_t, experts_per_token, P | I),
    NUM(model_cfg_t, num_shared_experts, N | I), NUM(model_cfg_t, moe_d_ff, P | I),
    NUM(model_cfg_t, first_dense_layers, N | I), NUM(model_cfg_t, kv_lora_rank, P | I),
    NUM(model_cfg_t, q_lora_rank, P | I), NUM(model_cfg_t, qk_rope_head_dim, P | I),
    NUM(model_cfg_t, qk_nope_head_dim, P | I), NUM(model_cfg_t, v_head_dim, P | I),
    NUM(model_cfg_t, vocab_size, P | I),
    {.key = "tied_embeddings", .type = F_BOOL, .off = offsetof(model_cfg_t, tied_embeddings)},
};
static const schema_t model_schema = {"Model", model_fields, NCOLS(model_fields), -1};

/* The activations a model may name; gated ones stack FC1 twice (model.c
 * reads 'glu' in the name). */
typedef struct {
    const char *name;
    int gated;
} activation_t;
static const activation_t activations[] = {
    {"gelu", 0}, {"gelu_new", 0}, {"gelu_fast", 0}, {"gelu_pytorch_tanh", 0}, {"quick_gelu", 0},
    {"relu", 0}, {"silu", 0}, {"swish", 0},
    {"swiglu", 1}, {"geglu", 1}, {"reglu", 1},
};

/* What the schema cannot say alone: values that make sense together. */
static int model_check(const node_t *m, const model_cfg_t *c, cfg_err_t *err)
{
    char why[256];
    if (named_find(activations, NCOLS(activations), sizeof activations[0], c->act, "activation", why,
                   sizeof why) < 0) {
        cfg_node_errorf(err, cfg_get(m, "act"), "Model.act: %s", why);
        return -1;
    }
    if (c->d_head == 0 && fmod(c->d, c->num_heads) != 0) {
        cfg_node_errorf(err, cfg_get(m, "num_heads"), "Model.num_heads: %.17g does not divide d = %.17g "
                        "(or give d_head)", c->num_heads, c->d);
        return -1;
    }
    if (c->heads_per_kv_cache > c->num_heads) {
        const node_t *at = cfg_get(m, "heads_per_kv_cache");
        cfg_node_errorf(err, at ? at : m, "Model.heads_per_kv_cache: %.17g is above num_heads = %.17g",
                        c->heads_per_kv_cache, c->num_heads);
        return -1;
    }
    return 0;
}

/* The v2 keys that only make sense together (MoE, MLA). */
static int sw_model_check_v2(const node_t *m, const model_cfg_t *c, cfg_err_t *err)
{
    if (c->num_experts > 0 && !(c->experts_per_token >= 1 && c->experts_per_token <= c->num_experts)) {
        const node_t *at = cfg_get(m, "experts_per_token");
        cfg_node_errorf(err, at ? at : cfg_get(m, "num_experts"),
                        "Model.experts_per_token: give 1..num_experts (%g) with num_experts", c->num_experts);
        return -1;
    }
    if (c->num_experts == 0 && (c->experts_per_token > 0 || c->num_shared_experts > 0 || c->moe_d_ff > 0)) {
        const node_t *at = cfg_get(m, "experts_per_token");
        at = at ? at : cfg_get(m, "num_shared_experts");
        cfg_node_errorf(err, at ? at : cfg_get(m, "moe_d_ff"), "Model: MoE keys need num_experts");
        return -1;
    }
    if (c->kv_lora_rank > 0 && !(c->qk_rope_head_dim > 0 && c->qk_nope_head_dim > 0 && c->v_head_dim > 0)) {
        cfg_node_errorf(err, cfg_get(m, "kv_lora_rank"),
                        "Model.kv_lora_rank (MLA) needs qk_rope_head_dim, qk_nope_head_dim and v_head_dim");
        return -1;
    }
    return 0;
}

int sw_model_bind(const node_t *root, model_cfg_t *out, cfg_err_t *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->act, sizeof out->act, "gelu");
    const node_t *m = cfg_get(root, "Model");
    if (!m || root->n != 1) {
        cfg_node_errorf(err, root, "a model file has one top-level key, Model");
        return -1;
    }
    if (schema_bind(&model_schema, m, out, err))
        return -1;
    const char *why = named_path_name_problem(out->name);
    if (why) {
        cfg_node_errorf(err, cfg_get(m, "name"), "Model.name: '%s' %s (it names the model's CSV)", out->name, why);
        return -1;
    }
    if (strpbrk(out->name, "/\\ \t") || !out->name[0]) {
        cfg_node_errorf(err, cfg_get(m, "name"), "Model.name: a short name without '/' or spaces (it names the CSV)");
        return -1;
    }
    if (out->act[0] == '\0')
        snprintf(out->act, sizeof out->act, "gelu");
    if (model_check(m, out, err))
        return -1;
    return sw_model_check_v2(m, out, err);
}

int sw_model_load(const char *path, model_cfg_t *out, cfg_err_t *err)
{
    cfg_doc_t *doc = cfg_load_file(path, err);
    if (!doc)
        return -1;
    int rc = sw_model_bind(cfg_doc_root(doc), out, err);
    cfg_doc_free(doc);
    return rc;
}

/* ---- system ---------------------------------------------------------- */

static int bind_algo(const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    system_cfg_t *s = obj;
    char msg[256];
    (void)f;
    if (v->kind != NODE_SCALAR || !allreduce_find(v->scalar, msg, sizeof msg)) {
        cfg_node_errorf(err, v, "allreduce_algo: %s", v->kind == NODE_SCALAR ? msg : "expected a name");
        return -1;
    }
    snprintf(s->allreduce_algo, sizeof s->allreduce_algo, "%s", v->scalar);
    return 0;
}

static int refuse_true(const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    bool b = false;
    (void)obj;
    if (v->kind == NODE_SCALAR && cfg_scalar_bool(v, &b) && !b)
        return 0;
    cfg_node_errorf(err, v, "%s: only false is supported (the reference's ASPLOS-version quirks are not ported)",
                    f->key);
    return -1;
}

static int bind_perf_model(const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    system_cfg_t *s = obj;
    char msg[256];
    (void)f;
    if (v->kind != NODE_SCALAR || !perf_model_find(v->scalar, msg, sizeof msg) || !v->scalar[0]) {
        cfg_node_errorf(err, v, "perf_model: %s", v->kind == NODE_SCALAR && v->scalar[0] ? msg : "expected a name");
        return -1;
    }
    snprintf(s->perf_model, sizeof s->perf_model, "%s", v->scalar);
    return 0;
}

/* v2_off: "layouts, nonmatmul" (a comma-separated string, not a sweep list) */
static int bind_v2_off(const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    system_cfg_t *s = obj;
    char msg[256];
    (void)f;
    if (v->kind != NODE_SCALAR || !v2_off_parse(v->scalar, &s->v2_off, msg, sizeof msg)) {
        cfg_node_errorf(err, v, "v2_off: %s", v->kind == NODE_SCALAR ? msg : "expected a comma-separated list of names");
        return -1;
    }
    return 0;
}

/* A scalar naming an entry of a {name, ...} table: copied into dst
 * (dstlen bytes) when known(name) finds it, else a located error with
 * known's message (which lists the valid names). */
static int bind_table_name(const node_t *v, const char *key, bool (*known)(const char *, char *, size_t),
                           char *dst, size_t dstlen, cfg_err_t *err)
{
    char msg[256];
    if (v->kind != NODE_SCALAR || !v->scalar[0] || !known(v->scalar, msg, sizeof msg)) {
        cfg_node_errorf(err, v, "%s: %s", key, v->kind == NODE_SCALAR && v->scalar[0] ? msg : "expected a name");
        return -1;
    }
    snprintf(dst, dstlen, "%s", v->scalar);
    return 0;
}

static bool launch_stack_known(const char *name, char *msg, size_t msglen)
{
    return v2_launch_stack_find(name, msg, msglen) != NULL;
}

static bool collective_lib_known(const char *name, char *msg, size_t msglen)
{
    return v2_collective_lib_find(name, msg, msglen) != NULL;
}

/* launch_stack: a name of v2_launch_stacks (v2_stack.c) */
static int bind_launch_stack(const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    system_cfg_t *s = obj;
    (void)f;
    return bind_table_name(v, "launch_stack", launch_stack_known, s->launch_stack, sizeof s->launch_stack, err);
}

/* collective_library: a name of v2_collective_libs (v2_nccl.c) */
static int bind_collective_library(const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    system_cfg_t *s = obj;
    (void)f;
    return bind_table_name(v, "collective_library", collective_lib_known, s->collective_library,
                           sizeof s->collective_library, err);
}

static const field_t mapping_fields[] = {
    NUMD(mapping_cfg_t, t, P | I, 1), NUMD(mapping_cfg_t, p, P | I, 1), NUMD(mapping_cfg_t, c, P | I, 1),
    NUMD(mapping_cfg_t, micro_batch, N | I, 1), NUMD(mapping_cfg_t, prefill_micro_batch, N | I, 1),
};
static const schema_t mapping_schema = {"default_mapping", mapping_fields, NCOLS(mapping_fields), -1};

static const field_t system_fields[] = {
    {.key = "allreduce_algo", .type = F_CUSTOM, .bind = bind_algo},
    NUM(system_cfg_t, sub_sys_num_servers, P | I), NUM(system_cfg_t, num_servers, P | I),
    NUM(system_cfg_t, kv_cache_ratio, FF_UNIT_OPEN), NUM(system_cfg_t, max_ctx_len_batch_1, P | I),
    NUM(system_cfg_t, max_tco, P), NUMD(system_cfg_t, max_batch, P | I, 1024),
    {.key = "eval_len", .type = F_PAIR, .off = offsetof(system_cfg_t, prefill_len),
     .off2 = offsetof(system_cfg_t, generate_len), .flags = P | I},
    {.key = "energy_model", .type = F_BOOL, .off = offsetof(system_cfg_t, energy_model), .def = 1, .has_def = 1},
    NUMD(system_cfg_t, compute_perf_efficiency, FF_UNIT, 1.0), NUMD(system_cfg_t, io_bandwidth_efficiency, FF_UNIT, 1.0),
    NUMD(system_cfg_t, weight_bandwidth_efficiency, FF_UNIT, 1.0),
    {.key = "default_mapping", .type = F_SUB, .off = offsetof(system_cfg_t, default_mapping), .sub = &mapping_schema},
    {.key = "asplos_version", .type = F_CUSTOM, .bind = refuse_true},
    {.key = "perf_model", .type = F_CUSTOM, .bind = bind_perf_model},
    /* perf_model v2 only: per-hardware constants */
    NUM(system_cfg_t, layer_overhead_s, N), NUM(system_cfg_t, op_latency_s, N),
    NUMD(system_cfg_t, matmul_tile, P | I, 128), NUM(system_cfg_t, matmul_units, N | I),
    NUM(system_cfg_t, matmul_k_overhead, N), NUM(system_cfg_t, collective_fixed_s, N),
    {.key = "launch_stack", .type = F_CUSTOM, .bind = bind_launch_stack},
    {.key = "collective_library", .type = F_CUSTOM, .bind = bind_collective_library},
    {.key = "fused_attention", .type = F_BOOL, .off = offsetof(system_cfg_t, fused_attention), .def = 1, .has_def = 1},
    {.key = "v2_off", .type = F_CUSTOM, .bind = bind_v2_off},
};
static const schema_t system_schema = {"system", system_fields, NCOLS(system_fields), -1};

/* The reference moves workload.max_batch, then workload.eval_len, to the
 * top level: an existing key keeps its place, a new one goes last. */
static const node_t *move_workload(cfg_doc_t *doc, const node_t *root, cfg_err_t *err)
{
    int wi = cfg_key_index(root, "workload");
    if (wi < 0)
        return root;
    const node_t *w = root->items[wi];
    if (w->kind != NODE_MAP) {
        cfg_node_errorf(err, w, "workload: expected a mapping with max_batch and eval_len");
        return NULL;
    }
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->keys[i], "max_batch") && strcmp(w->keys[i], "eval_len")) {
            cfg_errorf(err, w->file, w->key_line[i], w->key_col[i],
                       "unknown key '%s' in workload (valid: max_batch, eval_len)", w->keys[i]);
            return NULL;
        }
    node_t *m = cfg_new_map(doc, root, root->n + 2);
    if (!m) {
        cfg_node_errorf(err, root, "out of memory");
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < root->n; i++) {
        if ((int)i == wi)
            continue;
        m->keys[k] = root->keys[i];
        m->key_line[k] = root->key_line[i];
        m->key_col[k] = root->key_col[i];
        m->items[k++] = root->items[i];
    }
    static const char *const moved[] = {"max_batch", "eval_len"};
    for (int j = 0; j < 2; j++) {
        int src = cfg_key_index(w, moved[j]);
        if (src < 0)
            continue;
        int dst = -1;
        for (size_t i = 0; i < k; i++)
            if (strcmp(m->keys[i], moved[j]) == 0)
                dst = (int)i;
        if (dst < 0)
            dst = (int)k++;
        m->keys[dst] = w->keys[src];
        m->key_line[dst] = w->key_line[src];
        m->key_col[dst] = w->key_col[src];
        m->items[dst] = w->items[src];
    }
    m->n = k;
    return m;
}

static int system_check(const system_cfg_t *s, const node_t *at, cfg_err_t *err)
{
    if (!s->num_servers && !s->kv_cache_ratio && !s->max_ctx_len_batch_1 && !s->max_tco) {
        cfg_node_errorf(err, at, "system: give one of num_servers, kv_cache_ratio, max_ctx_len_batch_1 or max_tco");
        return -1;
    }
    if (s->launch_stack[0] && s->op_latency_s != 0) {
        const node_t *k = cfg_get(at, "op_latency_s");
        cfg_node_errorf(err, k ? k : at,
                        "op_latency_s: give either op_latency_s or launch_stack '%s' (which names it), not both",
                        s->launch_stack);
        return -1;
    }
    return 0;
}

int sw_system_bind(cfg_doc_t *doc, const node_t *root, system_cfg_t **out, size_t *n, cfg_err_t *err)
{
    const node_t *top = move_workload(doc, root, err);
    if (!top)
        return -1;
    cfg_points_t pts = {0, NULL};
    if (!cfg_expand(doc, top, 10000000u, &pts, err))
        return -1;
    system_cfg_t *arr = calloc(pts.n ? pts.n : 1, sizeof *arr);
    int rc = arr ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < pts.n; i++) {
        system_cfg_t *s = &arr[i];
        snprintf(s->allreduce_algo, sizeof s->allreduce_algo, "ring");
        snprintf(s->perf_model, sizeof s->perf_model, "reference");
        s->prefill_len = 128;   /* eval_len default [128, 129] */
        s->generate_len = 129;
        rc = schema_bind(&system_schema, pts.points[i], s, err);
        s->has_default_mapping = cfg_get(pts.points[i], "default_mapping") != NULL;
        if (rc == 0)
            rc = system_check(s, pts.points[i], err);
    }
    size_t count = pts.n;
    cfg_points_free(&pts);
    if (rc) {
        if (!arr)
            cfg_node_errorf(err, root, "out of memory");
        free(arr);
        return -1;
    }
    *out = arr;
    *n = count;
    return 0;
}

int sw_system_load(const char *path, system_cfg_t **out, size_t *n, cfg_err_t *err)
{
    cfg_doc_t *doc = cfg_load_file(path, err);
    if (!doc)
        return -1;
    int rc = sw_system_bind(doc, cfg_doc_root(doc), out, n, err);
    cfg_doc_free(doc);
    return rc;
}

/*
 * cmd_hf.c -- `hwsweep hf CONFIG.json|MODEL_ID [...]`: the operators of a
 * HuggingFace model's forward (hf_ops) as a summary, an operator table,
 * data-flow dependencies or a topological order, in text, CSV or JSON,
 * optionally stored in SQLite (the hf_ops table).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/jobs.h"
#include "ops/hf_config.h"
#include "ops/hf_ops.h"
#include "ops/hf_params.h"
#include "store/hf_store.h"

enum { FMT_TEXT = 0, FMT_CSV, FMT_JSON };

typedef struct {
    int ops, deps, summary, topo, multi, fmt, quiet, tree;
    long long batch, seq, past;
    int past_given;
    hf_mode_t mode;
    hf_causal_t causal;
    hf_mla_t mla;
    int logits_last;
    const char *db;
} hf_opts_t;

static void hf_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep hf CONFIG.json|MODEL_ID [--ops] [--deps] [--summary] [--topological] [--tree]\n"
            "                  [--multi-config] [--batch B] [--seq S] [--past P] [--mode prefill|decode]\n"
            "                  [--causal full|flash] [--mla naive|absorbed] [--logits all|last]\n"
            "                  [--csv|--json] [--db OUT.db] [-q]\n\n"
            "The operators of one forward of a HuggingFace model, from its config.json alone:\n"
            "transformers' module names, the functional ops hooks cannot see (RoPE, KV cache,\n"
            "scores, softmax, P.V, SwiGLU multiply, residuals, MoE routing), shapes, parameters,\n"
            "MACs/FLOPs, weight and activation bytes, and data-flow dependencies.\n\n"
            "  MODEL_ID            an id under " HF_MODELS_DIR "/ (meta-llama/Llama-3.1-8B, or Llama-3.1-8B)\n"
            "  --summary           counts, parameters, FLOPs and bytes (the default view)\n"
            "  --ops               one row per operator, in call order\n"
            "  --deps              each operator with the operators whose outputs it reads\n"
            "  --topological       the operators in a dependency order (Kahn, ties by call order)\n"
            "                      with their level: operators of one level are independent\n"
            "  --tree              the module hierarchy: containers with the parameters and FLOPs\n"
            "                      below them (text output)\n"
            "  --multi-config      batch {1,16} x context {1,128} x {prefill, decode}\n"
            "  --batch B           sequences (default 1)\n"
            "  --seq S             prefill: new tokens per sequence; decode: the context when\n"
            "                      --past is not given (default 128)\n"
            "  --past P            tokens already in the KV cache (prefill default 0)\n"
            "  --mode M            prefill (default) or decode (one new token, attends P+1 keys)\n"
            "  --causal C          full: the whole S x T score rectangle (HF eager/sdpa, default);\n"
            "                      flash: only unmasked pairs, scores not written to memory\n"
            "  --mla V             DeepSeek's latent attention as transformers runs it (naive: K/V\n"
            "                      decompressed into the cache, default) or absorbed (latent cache)\n"
            "  --logits L          lm_head on all S positions (a plain forward, default) or the last\n"
            "                      only (generate()'s logits_to_keep=1)\n"
            "  --csv, --json       operators (with --ops/--deps) or summaries as CSV or JSON\n"
            "  --db OUT.db         also store every operator of every setting in the hf_ops table\n"
            "  -q, --quiet         print nothing (with --db)\n\n"
            "Exit status: 0 done, 2 bad input (nothing written), 1 other failure.\n");
}

static int parse_count(const char *opt, const char *s, long long min, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < min || v > (1LL << 40)) {
        fprintf(stderr, "hwsweep hf: %s takes an integer >= %lld (got '%s')\n", opt, min, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- text output ----------------------------------------------------------------- */

static void shapes(const op_t *op, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < op->n_in && o + 2 < len; i++) {
        if (i)
            buf[o++] = ' ';
        op_tensor_str(&op->in[i], buf + o, len - o);
        o += strlen(buf + o);
    }
}

static void print_header(const char *model, const hf_config_t *c, const hf_setting_t *s)
{
    printf("# %s (%s, %s): %s, batch %lld, seq %lld, past %lld, causal %s%s%s\n", model, c->model_type,
           c->architecture[0] ? c->architecture : "base model", hf_mode_name(s->mode), (long long)s->batch,
           (long long)s->seq, (long long)s->past, hf_causal_name(s->causal), c->kv_lora_rank ? ", MLA " : "",
           c->kv_lora_rank ? hf_mla_name(s->mla) : "");
    if (s->logits_last)
        printf("# lm_head on the last position only\n");
}

static void print_ops_text(const hf_ops_t *o)
{
    char in[256], out[96];
    int wn = 4, wi = 6, wo = 6;
    for (size_t i = 0; i < op_graph_len(o->g); i++) {
        const op_t *op = op_graph_get(o->g, i);
        shapes(op, in, sizeof in);
        op_tensor_str(&op->out, out, sizeof out);
        wn = (int)strlen(op->name) > wn ? (int)strlen(op->name) : wn;
        wi = (int)strlen(in) > wi ? (int)strlen(in) : wi;
        wo = (int)strlen(out) > wo ? (int)strlen(out) : wo;
    }
    printf("%5s  %-*s %-15s %-9s %-*s %-*s %12s %15s %15s %13s %13s\n", "#", wn, "name", "opcode", "block", wi,
           "inputs", wo, "output", "params", "MACs", "FLOPs", "weight_bytes", "act_bytes");
    for (size_t i = 0; i < op_graph_len(o->g); i++) {
        const op_t *op = op_graph_get(o->g, i);
        shapes(op, in, sizeof in);
        op_tensor_str(&op->out, out, sizeof out);
        printf("%5zu  %-*s %-15s %-9s %-*s %-*s %12lld %15.0f %15.0f %13.0f %13.0f\n", i, wn, op->name, op->opcode,
               hf_block_name((hf_block_t)o->block[i]), wi, in, wo, out, (long long)op->params, hf_op_macs(op),
               op->flops, op->weight_bytes, op->act_bytes);
    }
}

static void print_deps_text(const hf_ops_t *o)
{
    for (size_t i = 0; i < op_graph_len(o->g); i++) {
        const op_t *op = op_graph_get(o->g, i);
        printf("%s <-", op->name);
        if (op->n_deps == 0)
            printf(" (input)");
        for (size_t k = 0; k < op->n_deps; k++)
            printf("%s %s", k ? "," : "", op_graph_get(o->g, op->deps[k])->name);
        printf("\n");
    }
}

/* The dependency order with each operator's level (1 + the deepest level
 * of its inputs): operators of one level do not depend on each other. */
static int print_topo(const hf_ops_t *o, int fmt)
{
    size_t n = op_graph_len(o->g);
    uint32_t *order = op_graph_topo_order(o->g);
    uint32_t *level = calloc(n ? n : 1, sizeof *level);
    if (!order || !level) {
        fprintf(stderr, "hwsweep hf: %s\n", order ? "out of memory" : "the operator graph has a cycle");
        free(order);
        free(level);
        return EXIT_FAIL;
    }
    if (fmt == FMT_TEXT)
        printf("%6s %5s %5s  %s\n", "step", "op", "level", "name");
    for (size_t i = 0; i < n; i++) {
        const op_t *op = op_graph_get(o->g, order[i]);
        uint32_t lv = 0;
        for (size_t k = 0; k < op->n_deps; k++)
            if (level[op->deps[k]] + 1 > lv)
                lv = level[op->deps[k]] + 1;
        level[order[i]] = lv;
        printf(fmt == FMT_CSV ? "%zu,%u,%u,%s\n" : "%6zu %5u %5u  %s\n", i, order[i], lv, op->name);
    }
    free(order);
    free(level);
    return EXIT_OK;
}

/* The module hierarchy (parent = name prefix), as named_modules() has it:
 * each container with the parameters and FLOPs of everything below it,
 * then its operators ("(f)": functional).  Containers are found from the
 * names in call order; each stays open while its operators follow. */
static void print_tree(const hf_ops_t *o)
{
    size_t n = op_graph_len(o->g);
    /* pass 1: the containers in order of appearance with their totals */
    typedef struct {
        char name[256];
        int depth;
        int64_t params;
        double flops;
    } cont_t;
    cont_t *conts = NULL;
    size_t nc = 0, cap = 0;
    size_t *open_at = calloc(n ? n : 1, sizeof *open_at);  /* containers opened before op i */
    size_t *open_n = calloc(n ? n : 1, sizeof *open_n);
    size_t stack[32], depth = 0;
    for (size_t i = 0; i < n && open_at && open_n; i++) {
        const char *nm = op_graph_get(o->g, i)->name;
        /* close the frames this name is not under */
        while (depth > 0) {
            const char *cn = conts[stack[depth - 1]].name;
            size_t l = strlen(cn);
            if (strncmp(nm, cn, l) == 0 && nm[l] == '.')
                break;
            depth--;
        }
        open_at[i] = nc;
        for (const char *dot = strchr(nm + (depth ? strlen(conts[stack[depth - 1]].name) + 1 : 0), '.'); dot && depth < 32;
             dot = strchr(dot + 1, '.')) {
            if (nc == cap) {
                cap = cap ? 2 * cap : 256;
                cont_t *p = realloc(conts, cap * sizeof *p);
                if (!p)
                    break;
                conts = p;
            }
            cont_t *c = &conts[nc];
            snprintf(c->name, sizeof c->name, "%.*s", (int)(dot - nm), nm);
            c->depth = (int)depth;
            c->params = 0;
            c->flops = 0;
            stack[depth++] = nc++;
        }
        open_n[i] = nc - open_at[i];
        const op_t *op = op_graph_get(o->g, i);
        for (size_t k = 0; k < depth; k++) {
            conts[stack[k]].params += op->params;
            conts[stack[k]].flops += op->flops;
        }
    }
    /* pass 2: print, containers where they open */
    printf("%-64s %-15s %14s %18s\n", "module", "opcode", "params", "FLOPs");
    depth = 0;
    for (size_t i = 0; i < n && open_at && open_n; i++) {
        const op_t *op = op_graph_get(o->g, i);
        for (size_t k = open_at[i]; k < open_at[i] + open_n[i]; k++) {
            const cont_t *c = &conts[k];
            const char *last = strrchr(c->name, '.');
            printf("%*s%-*s %-15s %14lld %18.0f\n", 2 * c->depth, "", 64 - 2 * c->depth, last ? last + 1 : c->name,
                   "", (long long)c->params, c->flops);
        }
        int d = 0;
        for (const char *p = op->name; *p; p++)
            d += *p == '.';
        const char *last = strrchr(op->name, '.');
        char leaf[128];
        snprintf(leaf, sizeof leaf, "%s%s", last ? last + 1 : op->name, hf_op_is_module(op) ? "" : " (f)");
        printf("%*s%-*s %-15s %14lld %18.0f\n", 2 * d, "", 64 - 2 * d > 0 ? 64 - 2 * d : 1, leaf, op->opcode,
               (long long)op->params, op->flops);
    }
    free(conts);
    free(open_at);
    free(open_n);
}

/* ---- summary ------------------------------------------------------------------------ */

typedef struct {
    size_t ops, module_ops;
    double macs, flops, weight_bytes, act_bytes, attn_flops;
    int64_t params;
} totals_t;

static totals_t totals(const hf_ops_t *o)
{
    totals_t t = {0};
    for (size_t i = 0; i < op_graph_len(o->g); i++) {
        const op_t *op = op_graph_get(o->g, i);
        t.ops++;
        t.module_ops += (size_t)hf_op_is_module(op);
        t.macs += hf_op_macs(op);
        t.flops += op->flops;
        t.weight_bytes += op->weight_bytes;
        t.act_bytes += op->act_bytes;
        t.params += op->params;
        if (o->block[i] == HF_BLK_ATTENTION)
            t.attn_flops += op->flops;
    }
    return t;
}

/* "Linear 7, RMSNorm 2, ..." over ops with layer == layer (any layer when -2). */
static void opcode_counts(const hf_ops_t *o, int layer, char *buf, size_t len)
{
    const char *names[64];
    size_t counts[64], n = 0;
    for (size_t i = 0; i < op_graph_len(o->g); i++) {
        if (layer != -2 && o->layer[i] != layer)
            continue;
        const char *oc = op_graph_get(o->g, i)->opcode;
        size_t k = 0;
        while (k < n && strcmp(names[k], oc) != 0)
            k++;
        if (k == n && n < 64) {
            names[n] = oc;
            counts[n++] = 0;
        }
        if (k < n)
            counts[k]++;
    }
    size_t off = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n && off < len; k++)
        off += (size_t)snprintf(buf + off, len - off, "%s%s %zu", k ? ", " : "", names[k], counts[k]);
}

static void print_summary_text(const hf_config_t *c, const hf_setting_t *s, const hf_ops_t *o)
{
    totals_t t = totals(o);
    hf_params_t p = hf_params(c);
    char buf[2048];
    printf("operators: %zu (%zu modules, %zu functional)\n", t.ops, t.module_ops, t.ops - t.module_ops);
    opcode_counts(o, -2, buf, sizeof buf);
    printf("by opcode: %s\n", buf);
    opcode_counts(o, 0, buf, sizeof buf);
    printf("layer 0: %s\n", buf);
    int64_t moe_layer = -1;
    for (int64_t i = 0; i < c->layers && moe_layer < 0; i++)
        if (hf_layer_is_moe(c, i))
            moe_layer = i;
    if (moe_layer > 0) {
        opcode_counts(o, (int)moe_layer, buf, sizeof buf);
        printf("layer %lld (MoE): %s\n", (long long)moe_layer, buf);
    }
    printf("parameters: %lld total (base model %lld, head %lld; embeddings %lld)", (long long)p.total,
           (long long)p.base, (long long)p.head, (long long)p.embedding);
    if (c->experts)
        printf(", %lld active per token", (long long)p.active);
    printf("; %lld in the operators run\n", (long long)t.params);
    printf("MACs: %.0f  FLOPs: %.0f (attention core %.2f%%)\n", t.macs, t.flops,
           t.flops > 0 ? 100 * t.attn_flops / t.flops : 0);
    printf("weight bytes read: %.0f  activation bytes: %.0f\n", t.weight_bytes, t.act_bytes);
    if (c->decoder) {
        int64_t kv = hf_kv_elems_per_token(c, c->kv_lora_rank && s->mla == HF_MLA_ABSORBED);
        printf("KV cache: %lld elements/token (%.0f bytes/token)", (long long)kv,
               (double)kv * op_dtype_bytes(c->dtype));
        if (c->arch == HF_DEEPSEEK_V3 && s->mla == HF_MLA_NAIVE)
            printf("; the MLA latent (--mla absorbed) holds %lld", (long long)hf_kv_elems_per_token(c, 1));
        printf("; this step reads %lld tokens x %lld sequences\n", (long long)(s->past + s->seq),
               (long long)s->batch);
    }
}

/* ---- CSV and JSON -------------------------------------------------------------------------- */

static const char *csv_ops_head =
    "model,mode,batch,seq,past,causal,mla,logits,op_index,name,opcode,kind,block,layer,inputs,output,params,macs,flops,"
    "weight_bytes,act_bytes,deps\n";

static void print_ops_csv(const char *model, const hf_setting_t *s, const hf_ops_t *o)
{
    char in[256], out[96];
    for (size_t i = 0; i < op_graph_len(o->g); i++) {
        const op_t *op = op_graph_get(o->g, i);
        shapes(op, in, sizeof in);
        op_tensor_str(&op->out, out, sizeof out);
        printf("%s,%s,%lld,%lld,%lld,%s,%s,%s,%zu,%s,%s,%s,%s,", model, hf_mode_name(s->mode), (long long)s->batch,
               (long long)s->seq, (long long)s->past, hf_causal_name(s->causal), hf_mla_name(s->mla),
               s->logits_last ? "last" : "all", i, op->name, op->opcode,
               op_kind_name(op->kind), hf_block_name((hf_block_t)o->block[i]));
        if (o->layer[i] >= 0)
            printf("%d", o->layer[i]);
        printf(",\"%s\",\"%s\",%lld,%.0f,%.0f,%.0f,%.0f,\"", in, out, (long long)op->params, hf_op_macs(op),
               op->flops, op->weight_bytes, op->act_bytes);
        for (size_t k = 0; k < op->n_deps; k++)
            printf("%s%u", k ? " " : "", op->deps[k]);
        printf("\"\n");
    }
}

static const char *csv_summary_head =
    "model,mode,batch,seq,past,causal,mla,logits,ops,params_total,params_active,params_in_ops,macs,flops,"
    "attention_flops_share,weight_bytes,act_bytes\n";

static void print_summary_csv(const char *model, const hf_config_t *c, const hf_setting_t *s, const hf_ops_t *o)
{
    totals_t t = totals(o);
    hf_params_t p = hf_params(c);
    printf("%s,%s,%lld,%lld,%lld,%s,%s,%s,%zu,%lld,%lld,%lld,%.0f,%.0f,%.9g,%.0f,%.0f\n", model,
           hf_mode_name(s->mode), (long long)s->batch, (long long)s->seq, (long long)s->past, hf_causal_name(s->causal),
           hf_mla_name(s->mla), s->logits_last ? "last" : "all", t.ops,
           (long long)p.total, (long long)p.active, (long long)t.params, t.macs, t.flops,
           t.flops > 0 ? t.attn_flops / t.flops : 0, t.weight_bytes, t.act_bytes);
}

static json_t *shape_json(const op_tensor_t *t)
{
    json_t *a = json_array();
    for (int i = 0; i < t->rank; i++)
        json_array_append_new(a, json_integer(t->dim[i]));
    return a;
}

static json_t *setting_json(const hf_config_t *c, const hf_setting_t *s, const hf_ops_t *o, const hf_opts_t *opt)
{
    totals_t t = totals(o);
    hf_params_t p = hf_params(c);
    json_t *j = json_pack("{s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f,s:f}", "mode", hf_mode_name(s->mode),
                          "batch", (json_int_t)s->batch, "seq", (json_int_t)s->seq, "past", (json_int_t)s->past,
                          "causal", hf_causal_name(s->causal), "mla", hf_mla_name(s->mla), "logits", s->logits_last ? "last" : "all", "ops", (json_int_t)t.ops, "params_total",
                          (json_int_t)p.total, "params_active", (json_int_t)p.active, "params_in_ops",
                          (json_int_t)t.params, "macs", t.macs, "flops", t.flops, "attention_flops_share",
                          t.flops > 0 ? t.attn_flops / t.flops : 0, "weight_bytes", t.weight_bytes, "act_bytes",
                          t.act_bytes);
    if (opt->ops || opt->deps) {
        json_t *arr = json_array();
        for (size_t i = 0; i < op_graph_len(o->g); i++) {
            const op_t *op = op_graph_get(o->g, i);
            json_t *ins = json_array(), *deps = json_array();
            for (int k = 0; k < op->n_in; k++)
                json_array_append_new(ins, shape_json(&op->in[k]));
            for (size_t k = 0; k < op->n_deps; k++)
                json_array_append_new(deps, json_integer(op->deps[k]));
            json_t *e = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:I,s:f,s:f,s:f,s:f,s:o}", "name", op->name, "opcode",
                                  op->opcode, "kind", op_kind_name(op->kind), "block",
                                  hf_block_name((hf_block_t)o->block[i]), "inputs", ins, "output",
                                  shape_json(&op->out), "params", (json_int_t)op->params, "macs", hf_op_macs(op),
                                  "flops", op->flops, "weight_bytes", op->weight_bytes, "act_bytes", op->act_bytes,
                                  "deps", deps);
            if (o->layer[i] >= 0)
                json_object_set_new(e, "layer", json_integer(o->layer[i]));
            json_array_append_new(arr, e);
        }
        json_object_set_new(j, "operators", arr);
    }
    if (opt->topo) {
        uint32_t *order = op_graph_topo_order(o->g);
        json_t *arr = json_array();
        for (size_t i = 0; order && i < op_graph_len(o->g); i++)
            json_array_append_new(arr, json_integer(order[i]));
        free(order);
        json_object_set_new(j, "topological", arr);
    }
    return j;
}

/* ---- the command ------------------------------------------------------------------------------ */

int cmd_hf(int argc, char **argv)
{
    enum { O_OPS = 256, O_DEPS, O_SUMMARY, O_TOPO, O_MULTI, O_BATCH, O_SEQ, O_PAST, O_MODE, O_CAUSAL, O_CSV,
           O_JSON, O_DB, O_MLA, O_LOGITS, O_TREE };
    static const struct option longopts[] = {
        {"ops", no_argument, NULL, O_OPS}, {"deps", no_argument, NULL, O_DEPS},
        {"summary", no_argument, NULL, O_SUMMARY}, {"topological", no_argument, NULL, O_TOPO},
        {"multi-config", no_argument, NULL, O_MULTI}, {"batch", required_argument, NULL, O_BATCH},
        {"seq", required_argument, NULL, O_SEQ}, {"past", required_argument, NULL, O_PAST},
        {"mode", required_argument, NULL, O_MODE}, {"causal", required_argument, NULL, O_CAUSAL},
        {"csv", no_argument, NULL, O_CSV}, {"json", no_argument, NULL, O_JSON},
        {"db", required_argument, NULL, O_DB}, {"mla", required_argument, NULL, O_MLA},
        {"logits", required_argument, NULL, O_LOGITS}, {"tree", no_argument, NULL, O_TREE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    hf_opts_t o = {.batch = 1, .seq = 128, .mode = HF_PREFILL, .causal = HF_CAUSAL_FULL};
    char msg[512];
    int c, v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case O_OPS: o.ops = 1; break;
        case O_DEPS: o.deps = 1; break;
        case O_SUMMARY: o.summary = 1; break;
        case O_TOPO: o.topo = 1; break;
        case O_TREE: o.tree = 1; break;
        case O_MULTI: o.multi = 1; break;
        case O_CSV: o.fmt = FMT_CSV; break;
        case O_JSON: o.fmt = FMT_JSON; break;
        case O_DB: o.db = optarg; break;
        case 'q': o.quiet = 1; break;
        case O_BATCH:
            if (parse_count("--batch", optarg, 1, &o.batch))
                return EXIT_BADINPUT;
            break;
        case O_SEQ:
            if (parse_count("--seq", optarg, 1, &o.seq))
                return EXIT_BADINPUT;
            break;
        case O_PAST:
            if (parse_count("--past", optarg, 0, &o.past))
                return EXIT_BADINPUT;
            o.past_given = 1;
            break;
        case O_MODE:
            if ((v = hf_mode_parse(optarg, msg, sizeof msg)) < 0) {
                fprintf(stderr, "hwsweep hf: --mode: %s\n", msg);
                return EXIT_BADINPUT;
            }
            o.mode = (hf_mode_t)v;
            break;
        case O_CAUSAL:
            if ((v = hf_causal_parse(optarg, msg, sizeof msg)) < 0) {
                fprintf(stderr, "hwsweep hf: --causal: %s\n", msg);
                return EXIT_BADINPUT;
            }
            o.causal = (hf_causal_t)v;
            break;
        case O_MLA:
            if ((v = hf_mla_parse(optarg, msg, sizeof msg)) < 0) {
                fprintf(stderr, "hwsweep hf: --mla: %s\n", msg);
                return EXIT_BADINPUT;
            }
            o.mla = (hf_mla_t)v;
            break;
        case O_LOGITS:
            if (strcmp(optarg, "all") && strcmp(optarg, "last")) {
                fprintf(stderr, "hwsweep hf: --logits: unknown value '%s' (valid: all, last)\n", optarg);
                return EXIT_BADINPUT;
            }
            o.logits_last = strcmp(optarg, "last") == 0;
            break;
        case 'h': hf_usage(stdout); return EXIT_OK;
        default: hf_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 1) {
        hf_usage(stderr);
        return EXIT_BADINPUT;
    }
    if (!o.ops && !o.deps && !o.topo && !o.tree)
        o.summary = 1;

    cfg_err_t err;
    char path[4096], model[256];
    hf_config_t cfg;
    if (!hf_resolve(argv[optind], path, sizeof path, &err) || !hf_config_load(path, &cfg, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_BADINPUT;
    }
    if (strncmp(path, HF_MODELS_DIR "/", strlen(HF_MODELS_DIR) + 1) == 0 && strlen(path) > 12 &&
        strcmp(path + strlen(path) - 12, "/config.json") == 0)
        snprintf(model, sizeof model, "%.*s", (int)(strlen(path) - strlen(HF_MODELS_DIR) - 13),
                 path + strlen(HF_MODELS_DIR) + 1);
    else
        hf_model_name(path, model, sizeof model);

    hf_setting_t settings[8];
    size_t ns;
    if (o.multi) {
        ns = hf_multi_settings(&cfg, o.causal, settings);
        for (size_t i = 0; i < ns; i++) {
            settings[i].mla = o.mla;
            settings[i].logits_last = o.logits_last;
        }
    } else {
        ns = 1;
        settings[0] = hf_setting(o.mode, o.batch, o.seq, o.causal);
        settings[0].mla = o.mla;
        settings[0].logits_last = o.logits_last;
        if (o.past_given) {
            settings[0].past = o.past;
            if (o.mode == HF_PREFILL)
                settings[0].seq = o.seq;
        }
    }

    hf_ops_t ops = {0};
    hf_store_t *st = NULL;
    json_t *jroot = o.fmt == FMT_JSON ? json_pack("{s:s,s:s,s:s,s:[]}", "model", model, "model_type",
                                                  cfg.model_type, "config", path, "settings")
                                      : NULL;
    int rc = EXIT_OK;
    int printing = !o.quiet;
    if (printing && o.fmt == FMT_CSV)
        fputs(o.ops || o.deps ? csv_ops_head : o.topo ? "step,op,level,name\n" : csv_summary_head, stdout);
    for (size_t i = 0; i < ns && rc == EXIT_OK; i++) {
        const hf_setting_t *s = &settings[i];
        if (!hf_ops_build(&cfg, s, &ops, msg, sizeof msg)) {
            fprintf(stderr, "%s: %s\n", path, msg);
            rc = EXIT_BADINPUT;
            break;
        }
        if (o.db) {
            if (!st && !(st = hf_store_open(o.db, msg, sizeof msg))) {
                fprintf(stderr, "hwsweep hf: %s\n", msg);
                rc = EXIT_FAIL;
                break;
            }
            if (hf_store_add(st, model, cfg.model_type, s, &ops, msg, sizeof msg)) {
                fprintf(stderr, "hwsweep hf: %s\n", msg);
                rc = EXIT_FAIL;
                break;
            }
        }
        if (!printing)
            continue;
        if (o.fmt == FMT_JSON) {
            json_array_append_new(json_object_get(jroot, "settings"), setting_json(&cfg, s, &ops, &o));
            continue;
        }
        if (o.fmt == FMT_CSV) {
            if (o.ops || o.deps)
                print_ops_csv(model, s, &ops);
            else if (o.topo)
                rc = print_topo(&ops, FMT_CSV);
            else
                print_summary_csv(model, &cfg, s, &ops);
            continue;
        }
        if (i)
            printf("\n");
        print_header(model, &cfg, s);
        if (o.summary)
            print_summary_text(&cfg, s, &ops);
        if (o.ops)
            print_ops_text(&ops);
        if (o.deps)
            print_deps_text(&ops);
        if (o.topo)
            rc = print_topo(&ops, FMT_TEXT);
        if (o.tree)
            print_tree(&ops);
    }
    hf_ops_free(&ops);
    if (st) {
        if (rc == EXIT_OK) {
            if (hf_store_commit(st, msg, sizeof msg)) {
                fprintf(stderr, "hwsweep hf: %s\n", msg);
                rc = EXIT_FAIL;
            } else if (printing && o.fmt == FMT_TEXT) {
                printf("wrote %zu settings to %s (table hf_ops)\n", ns, o.db);
            }
        } else {
            hf_store_abort(st);
        }
    }
    if (jroot) {
        if (rc == EXIT_OK)
            json_dumpf(jroot, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        if (rc == EXIT_OK)
            printf("\n");
        json_decref(jroot);
    }
    return rc;
}

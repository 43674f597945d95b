/*
 * npu_config.c -- the merged NPU simulation configuration (see
 * npu_config.h): NeuSim's keys with types and defaults, our YAML and
 * NeuSim's JSON files, --set overrides, the chip record, the JSON dump.
 */
#include "npu/npu_config.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/json.h"
#include "config/numfmt.h"
#include "config/paths.h"
#include "config/strfmt.h"

/* SystemConfig, ChipConfig, ModelConfig, LLMConfig: NeuSim's field order,
 * types and defaults (sim_config of the golden runs). */
const npu_cfg_key_t npu_cfg_keys[] = {
    {"PUE", NCT_FLOAT, "1.1"},
    {"carbon_intensity_kgCO2_per_kWh", NCT_FLOAT, "0.5"},
    {"name", NCT_STR, "5p"},
    {"num_sa", NCT_INT, "8"},
    {"num_vu", NCT_INT, "6"},
    {"num_vu_ports", NCT_INT, "6"},
    {"hbm_bw_GBps", NCT_FLOAT, "2765"},
    {"hbm_latency_ns", NCT_INT, "500"},
    {"vmem_size_MB", NCT_INT, "128"},
    {"freq_GHz", NCT_FLOAT, "1.75"},
    {"sa_dim", NCT_INT, "128"},
    {"hbm_size_GB", NCT_INT, "95"},
    {"ici_bw_GBps", NCT_FLOAT, "200"},
    {"dcn_bw_GBps", NCT_FLOAT, "25"},
    {"pcie_bw_GBps", NCT_INT, "32"},
    {"ici_latency_ns", NCT_INT, "3330"},
    {"dcn_latency_ns", NCT_INT, "3700"},
    {"pcie_latency_ns", NCT_INT, "400"},
    {"TDP_W", NCT_FLOAT, "350"},
    {"min_power_W", NCT_FLOAT, "1"},
    {"avg_power_W", NCT_FLOAT, "1"},
    {"max_power_W", NCT_FLOAT, "331"},
    {"HBM_GBps_per_W", NCT_FLOAT, "123.5"},
    {"ICI_GBps_per_W", NCT_FLOAT, "56.583"},
    {"ICI_topology", NCT_STR, "TORUS_3D"},
    {"embodied_carbon_kgCO2", NCT_FLOAT, "585"},
    {"use_vu_for_small_matmul", NCT_BOOL, "true"},
    {"static_power_W_per_sa", NCT_FLOAT, "1.35868996"},
    {"static_power_W_per_vu", NCT_FLOAT, "0.475076728"},
    {"static_power_vmem_W", NCT_FLOAT, "24.21353615"},
    {"static_power_ici_W", NCT_FLOAT, "6.114104803"},
    {"static_power_hbm_mc_W", NCT_FLOAT, "10.264041296"},
    {"static_power_hbm_phy_W", NCT_FLOAT, "15.396061944"},
    {"static_power_other_W", NCT_FLOAT, "44.82811018"},
    {"dynamic_power_W_per_SA", NCT_FLOAT, "28.19413333"},
    {"dynamic_power_W_per_VU", NCT_FLOAT, "2.65216"},
    {"dynamic_power_vmem_W", NCT_FLOAT, "50.18368"},
    {"dynamic_power_ici_W_per_GBps", NCT_FLOAT, "0.01767315271"},
    {"dynamic_power_hbm_W_per_GBps", NCT_FLOAT, "0.01261538462"},
    {"dynamic_power_other_W", NCT_FLOAT, "0"},
    {"pg_config", NCT_STR, "NoPG"},
    {"enable_dvfs", NCT_BOOL, "false"},
    {"model_name", NCT_STR, "model"},
    {"model_type", NCT_STR, "llm"},
    {"global_batch_size", NCT_INT, "1"},
    {"num_chips", NCT_INT, "1"},
    {"data_parallelism_degree", NCT_INT, "1"},
    {"tensor_parallelism_degree", NCT_INT, "1"},
    {"pipeline_parallelism_degree", NCT_INT, "1"},
    {"num_data_parallel_axes", NCT_INT, "1"},
    {"num_tensor_parallel_axes", NCT_INT, "1"},
    {"num_pipeline_parallel_axes", NCT_INT, "1"},
    {"data_parallel_degree_dcn", NCT_INT, "1"},
    {"tensor_parallel_degree_dcn", NCT_INT, "1"},
    {"pipeline_parallel_degree_dcn", NCT_INT, "1"},
    {"microbatch_size_dcn", NCT_INT, "1"},
    {"microbatch_size_ici", NCT_INT, "1"},
    {"output_file_path", NCT_STR, "./output.csv"},
    {"input_seqlen", NCT_INT, "4096"},
    {"output_seqlen", NCT_INT, "512"},
    {"d_model", NCT_INT, "4096"},
    {"num_heads", NCT_INT, "64"},
    {"num_kv_heads", NCT_INT, "-1"},
    {"d_head", NCT_INT, "64"},
    {"d_ff", NCT_INT, "11008"},
    {"num_layers", NCT_INT, "80"},
    {"ffn_type", NCT_STR, "llama"},
    {"decode_width", NCT_INT, "1"},
    {"use_flash_attention", NCT_BOOL, "true"},
    {"enable_swap_kv_cache", NCT_BOOL, "false"},
    {"max_swap_kv_cache_times_prefill", NCT_INT, "2"},
    {"max_swap_kv_cache_times_decode", NCT_INT, "16"},
    /* MoELLMConfig + DeepSeekConfig (spec §1.4); moe_d_ff -1 means d_ff */
    {"router_type", NCT_STR, "topk"},
    {"num_shared_experts", NCT_INT, "1"},
    {"num_routed_experts", NCT_INT, "256"},
    {"num_activated_routed_experts_per_token", NCT_INT, "8"},
    {"num_limited_groups", NCT_INT, "4"},
    {"moe_d_ff", NCT_INT, "-1"},
    {"expert_parallelism_degree", NCT_INT, "1"},
    {"num_expert_parallel_axes", NCT_INT, "1"},
    {"expert_parallel_degree_dcn", NCT_INT, "1"},
    {"num_dense_layers", NCT_INT, "1"},
    {"kv_lora_rank", NCT_INT, "512"},
    {"q_lora_rank", NCT_INT, "1536"},
    {"qk_rope_head_dim", NCT_INT, "64"},
    {"qk_nope_head_dim", NCT_INT, "128"},
    {"v_head_dim", NCT_INT, "128"},
    /* DiTConfig (spec §1.4) */
    {"image_width", NCT_INT, "512"},
    {"num_channels", NCT_INT, "3"},
    {"patch_size", NCT_INT, "2"},
    {"num_diffusion_steps", NCT_INT, "1"},
    /* DLRMConfig (spec §1.4); MLP layers are {in_features, out_features, bias, activation} */
    {"embedding_dim", NCT_INT, "64"},
    {"num_indices_per_lookup", NCT_LIST, "[]"},
    {"embedding_table_sizes", NCT_LIST, "[]"},
    {"num_dense_features", NCT_INT, "1"},
    {"bottom_mlp_config", NCT_LIST, "[]"},
    {"top_mlp_config", NCT_LIST, "[]"},
    {"interaction", NCT_STR, "dot"},
    /* GLIGENConfig (spec §1.4): the nested records as JSON text, {} = NeuSim's defaults */
    {"total_num_diffusion_steps", NCT_INT, "40"},
    {"image_num_channels", NCT_INT, "3"},
    {"unet_config", NCT_LIST, "{}"},
    {"grounding_input_config", NCT_LIST, "{}"},
    /* GLIGENConfig fields the op list does not read (the grounding encoders are
     * not modelled); kept so that the JSON's sim_config carries them */
    {"image_resolution", NCT_LIST, "[512, 512]"},
    {"fourier_embedder_config", NCT_LIST, "{\"num_freqs\": 64}"},
    {"text_embedder_config", NCT_LIST,
     "{\"d_model\": 512, \"num_heads\": 8, \"d_head\": 64, \"d_ff\": 2048, \"num_layers\": 12, \"ffn_type\": \"default\"}"},
    {"image_embedder_config", NCT_LIST,
     "{\"model_type\": \"vit\", \"patch_size\": 2, \"d_model\": 1024, \"num_heads\": 16, \"d_head\": 64, "
     "\"d_ff\": 4096, \"num_layers\": 24, \"ffn_type\": \"default\"}"},
    {"spatial_condition_embedder_config", NCT_LIST,
     "{\"model_type\": \"convnext\", \"stem\": {\"in_channels\": 3, \"out_channels\": 96, \"kernel_size\": 4, "
     "\"stride\": 4}, \"depths\": [3, 3, 9, 3], \"dims\": [96, 192, 384, 768]}"},
    {"output_dir", NCT_STR, "./llava_ops"},
};
const size_t npu_cfg_nkeys = sizeof npu_cfg_keys / sizeof npu_cfg_keys[0];

/* Keys NeuSim's files carry that are not fields (the properties win). */
static const char *const ignored_keys[] = {"idle_power_W", "static_power_hbm_W"};

/* Key -> index: an open-addressing table of the key names, built once
 * (pthread_once) and only read afterwards; a simulation reads about 60
 * keys by name, and the linear search compared each with 100 names. */
#define KEY_SLOTS 512
static short key_slot[KEY_SLOTS]; /* index + 1; 0: empty */
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static unsigned key_hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void key_table_build(void)
{
    for (size_t i = 0; i < npu_cfg_nkeys; i++) {
        unsigned j = key_hash(npu_cfg_keys[i].key) & (KEY_SLOTS - 1);
        while (key_slot[j])
            j = (j + 1) & (KEY_SLOTS - 1);
        key_slot[j] = (short)(i + 1);
    }
}

int npu_config_index(const char *key)
{
    _Static_assert(sizeof npu_cfg_keys / sizeof npu_cfg_keys[0] < KEY_SLOTS / 2, "KEY_SLOTS too small");
    pthread_once(&key_once, key_table_build);
    for (unsigned j = key_hash(key) & (KEY_SLOTS - 1); key_slot[j]; j = (j + 1) & (KEY_SLOTS - 1))
        if (strcmp(npu_cfg_keys[key_slot[j] - 1].key, key) == 0)
            return key_slot[j] - 1;
    return -1;
}

static bool is_ignored(const char *key)
{
    for (size_t i = 0; i < sizeof ignored_keys / sizeof ignored_keys[0]; i++)
        if (strcmp(ignored_keys[i], key) == 0)
            return true;
    return false;
}

/* Parse text as a YAML scalar of the key's type into *v. */
static bool parse_text(const npu_cfg_key_t *k, const char *text, bool quoted, npu_cfg_val_t *v, char *why,
                       size_t wlen)
{
    node_t n = {0};
    n.kind = NODE_SCALAR;
    n.scalar = text;
    n.quoted = quoted;
    switch (k->type) {
    case NCT_LIST: {
        json_error_t je;
        json_t *j = json_loads(text, 0, &je);
        char *t = j && (json_is_array(j) || json_is_object(j)) ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        bool ok = t && strlen(t) < NPU_CFG_STR_MAX;
        if (ok)
            snprintf(v->s, sizeof v->s, "%s", t);
        else
            snprintf(why, wlen, "'%s': expected a list like [1, 2] of at most %d characters, got '%s'", k->key,
                     NPU_CFG_STR_MAX - 1, text);
        free(t);
        return ok;
    }
    case NCT_STR:
        if (strlen(text) >= NPU_CFG_STR_MAX) {
            snprintf(why, wlen, "'%s': string longer than %d characters", k->key, NPU_CFG_STR_MAX - 1);
            return false;
        }
        snprintf(v->s, sizeof v->s, "%s", text);
        return true;
    case NCT_BOOL:
        if (!cfg_scalar_bool(&n, &v->b)) {
            snprintf(why, wlen, "'%s': expected true or false, got '%s'", k->key, text);
            return false;
        }
        return true;
    case NCT_INT: {
        double d;
        if (!cfg_scalar_double(&n, &d) || !isfinite(d) || d != floor(d) || fabs(d) > 9.0e15) {
            snprintf(why, wlen, "'%s': expected an integer, got '%s'", k->key, text);
            return false;
        }
        v->i = (int64_t)d;
        return true;
    }
    case NCT_FLOAT:
        if (!cfg_scalar_double(&n, &v->f) || !isfinite(v->f)) {
            snprintf(why, wlen, "'%s': expected a number, got '%s'", k->key, text);
            return false;
        }
        return true;
    }
    return false;
}

void npu_config_defaults(npu_config_t *c)
{
    memset(c, 0, sizeof *c);
    char why[256];
    for (size_t i = 0; i < npu_cfg_nkeys; i++)
        parse_text(&npu_cfg_keys[i], npu_cfg_keys[i].dflt, false, &c->v[i], why, sizeof why);
}

static void unknown_key_msg(const char *key, char *buf, size_t len)
{
    const char *names[sizeof npu_cfg_keys / sizeof npu_cfg_keys[0]];
    for (size_t i = 0; i < npu_cfg_nkeys; i++)
        names[i] = npu_cfg_keys[i].key;
    const char *near = cfg_nearest(key, names, npu_cfg_nkeys);
    if (near)
        snprintf(buf, len, "unknown key '%s' (did you mean '%s'?)", key, near);
    else
        snprintf(buf, len, "unknown key '%s'", key);
}

static bool merge_json(npu_config_t *c, const char *path, cfg_err_t *err, double *idle_power_W)
{
    json_t *root = json_load_located(path, err);
    if (!root)
        return false;
    if (idle_power_W) { /* as npu_chip_file_idle_power_W reads it */
        json_t *x = json_object_get(root, "idle_power_W");
        *idle_power_W = json_is_number(x) ? json_number_value(x) : 0;
    }
    const char *key;
    json_t *val;
    bool ok = true;
    json_object_foreach(root, key, val)
    {
        int i = npu_config_index(key);
        if (i < 0 || json_is_null(val))
            continue; /* NeuSim (pydantic) ignores keys that are not fields */
        const npu_cfg_key_t *k = &npu_cfg_keys[i];
        npu_cfg_val_t v = c->v[i];
        bool good = false;
        switch (k->type) {
        case NCT_LIST: {
            char *t = json_is_array(val) || json_is_object(val) ? json_dumps(val, JSON_COMPACT) : NULL;
            good = t && strlen(t) < NPU_CFG_STR_MAX;
            if (good)
                snprintf(v.s, sizeof v.s, "%s", t);
            free(t);
            break;
        }
        case NCT_STR:
            good = json_is_string(val) && strlen(json_string_value(val)) < NPU_CFG_STR_MAX;
            if (good)
                snprintf(v.s, sizeof v.s, "%s", json_string_value(val));
            break;
        case NCT_BOOL:
            good = json_is_boolean(val);
            v.b = json_is_true(val);
            break;
        case NCT_INT:
            if (json_is_integer(val)) {
                v.i = (int64_t)json_integer_value(val);
                good = true;
            } else if (json_is_real(val) && json_real_value(val) == floor(json_real_value(val))) {
                v.i = (int64_t)json_real_value(val);
                good = true;
            }
            break;
        case NCT_FLOAT:
            good = json_is_number(val);
            v.f = json_number_value(val);
            break;
        }
        if (!good) {
            static const char *const tn[] = {"an integer", "a number", "a string", "true or false", "a list"};
            snprintf(err->msg, sizeof err->msg, "%s: key \"%s\": expected %s", path, key, tn[k->type]);
            ok = false;
            break;
        }
        v.set = true;
        c->v[i] = v;
    }
    json_decref(root);
    return ok;
}

/* A YAML list of scalars or of flat mappings as JSON text (numbers and
 * true/false as they are, other scalars quoted). */
static bool yaml_to_json(const node_t *n, char *buf, size_t len, size_t *o)
{
#define PUT(...) (*o += (size_t)snprintf(buf + *o, *o < len ? len - *o : 0, __VA_ARGS__), *o < len)
    if (n->kind == NODE_SCALAR) {
        double d;
        bool b;
        if (!n->quoted && cfg_scalar_double(n, &d))
            return PUT("%s", n->scalar);
        if (!n->quoted && cfg_scalar_bool(n, &b))
            return PUT("%s", b ? "true" : "false");
        for (const char *p = n->scalar; *p; p++)
            if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
                return false;
        return PUT("\"%s\"", n->scalar);
    }
    if (!PUT("%s", n->kind == NODE_SEQ ? "[" : "{"))
        return false;
    for (size_t i = 0; i < n->n; i++) {
        if (i && !PUT(","))
            return false;
        if (n->kind == NODE_MAP && !PUT("\"%s\":", n->keys[i]))
            return false;
        if (!yaml_to_json(n->items[i], buf, len, o))
            return false;
    }
    return PUT("%s", n->kind == NODE_SEQ ? "]" : "}");
#undef PUT
}

/* The staged value of key i (a copy of its current one the first time). */
static npu_cfg_val_t *stage(const npu_config_t *c, int *idx, npu_cfg_val_t *val_of, size_t *ns, int i)
{
    for (size_t k = 0; k < *ns; k++)
        if (idx[k] == i)
            return &val_of[k];
    idx[*ns] = i;
    val_of[*ns] = c->v[i];
    return &val_of[(*ns)++];
}

static bool merge_yaml(npu_config_t *c, const char *path, cfg_err_t *err, double *idle_power_W)
{
    cfg_doc_t *doc = cfg_load_file(path, err);
    if (!doc)
        return false;
    const node_t *root = cfg_doc_root(doc);
    if (idle_power_W) { /* as npu_chip_file_idle_power_W reads it */
        const node_t *x = cfg_get(root, "idle_power_W");
        if (!x || x->kind != NODE_SCALAR || !cfg_scalar_double(x, idle_power_W))
            *idle_power_W = 0;
    }
    /* the file's values are staged and applied only when all of them are
     * good (nothing changes on an error); staging the keys the file sets
     * instead of copying the whole 106 KB configuration twice per file */
    int *idx = malloc((root->n ? root->n : 1) * sizeof *idx);
    npu_cfg_val_t *val_of = malloc((root->n ? root->n : 1) * sizeof *val_of);
    size_t ns = 0;
    bool ok = idx && val_of;
    if (!ok)
        cfg_errorf(err, path, 1, 1, "out of memory");
    for (size_t j = 0; j < root->n && ok; j++) {
        const char *key = root->keys[j];
        const node_t *val = root->items[j];
        int i = npu_config_index(key);
        if (i < 0) {
            if (is_ignored(key))
                continue;
            char msg[512];
            unknown_key_msg(key, msg, sizeof msg);
            cfg_errorf(err, path, root->key_line[j], root->key_col[j], "%s", msg);
            ok = false;
            break;
        }
        if (npu_cfg_keys[i].type == NCT_LIST && val->kind != NODE_SCALAR) {
            char text[NPU_CFG_STR_MAX];
            size_t o = 0;
            if (!yaml_to_json(val, text, sizeof text, &o)) {
                cfg_node_errorf(err, val, "'%s': expected a list of numbers or of {key: value} records of at most %d characters", key, NPU_CFG_STR_MAX - 1);
                ok = false;
                break;
            }
            char why[768];
            npu_cfg_val_t *v = stage(c, idx, val_of, &ns, i);
            if (!parse_text(&npu_cfg_keys[i], text, false, v, why, sizeof why)) {
                cfg_node_errorf(err, val, "%s", why);
                ok = false;
                break;
            }
            v->set = true;
            continue;
        }
        if (val->kind != NODE_SCALAR) {
            cfg_node_errorf(err, val, "'%s': expected a single value", key);
            ok = false;
            break;
        }
        char why[512];
        npu_cfg_val_t *v = stage(c, idx, val_of, &ns, i);
        if (!parse_text(&npu_cfg_keys[i], val->scalar, val->quoted, v, why, sizeof why)) {
            cfg_node_errorf(err, val, "%s", why);
            ok = false;
            break;
        }
        v->set = true;
    }
    cfg_doc_free(doc);
    for (size_t k = 0; ok && k < ns; k++)
        c->v[idx[k]] = val_of[k];
    free(idx);
    free(val_of);
    return ok;
}

bool npu_config_merge_file(npu_config_t *c, const char *path, cfg_err_t *err)
{
    return npu_config_merge_file_idle(c, path, err, NULL);
}

bool npu_config_merge_file_idle(npu_config_t *c, const char *path, cfg_err_t *err, double *idle_power_W)
{
    size_t n = strlen(path);
    if (n > 5 && strcmp(path + n - 5, ".json") == 0)
        return merge_json(c, path, err, idle_power_W);
    return merge_yaml(c, path, err, idle_power_W);
}

bool npu_config_set(npu_config_t *c, const char *assignment, cfg_err_t *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        snprintf(err->msg, sizeof err->msg, "--set %s: expected KEY=VALUE", assignment);
        return false;
    }
    char key[128];
    size_t kl = (size_t)(eq - assignment);
    if (kl >= sizeof key)
        kl = sizeof key - 1;
    memcpy(key, assignment, kl);
    key[kl] = 0;
    int i = npu_config_index(key);
    if (i < 0) {
        char msg[512];
        unknown_key_msg(key, msg, sizeof msg);
        snprintf(err->msg, sizeof err->msg, "--set %s: %s", assignment, msg);
        return false;
    }
    /* the value is a YAML scalar: load "v: VALUE" so quoting and YAML
     * spellings (1e9, True) mean what they mean in a file */
    char text[512];
    snprintf(text, sizeof text, "v: %s\n", eq + 1);
    cfg_err_t e2;
    cfg_doc_t *doc = cfg_load_buffer("--set", text, strlen(text), &e2);
    const node_t *v = doc ? cfg_get(cfg_doc_root(doc), "v") : NULL;
    if (v && v->kind == NODE_SEQ && npu_cfg_keys[i].type == NCT_LIST) {
        char js[NPU_CFG_STR_MAX], why[768];
        size_t o = 0;
        npu_cfg_val_t nv = c->v[i];
        bool ok = yaml_to_json(v, js, sizeof js, &o) && parse_text(&npu_cfg_keys[i], js, false, &nv, why, sizeof why);
        cfg_doc_free(doc);
        if (!ok) {
            snprintf(err->msg, sizeof err->msg, "--set %s: expected a list of numbers or of {key: value} records",
                     assignment);
            return false;
        }
        nv.set = true;
        c->v[i] = nv;
        return true;
    }
    if (!v || v->kind != NODE_SCALAR) {
        snprintf(err->msg, sizeof err->msg, "--set %s: expected a single value", assignment);
        cfg_doc_free(doc);
        return false;
    }
    char why[512];
    npu_cfg_val_t nv = c->v[i];
    bool ok = parse_text(&npu_cfg_keys[i], v->scalar, v->quoted, &nv, why, sizeof why);
    cfg_doc_free(doc);
    if (!ok) {
        snprintf(err->msg, sizeof err->msg, "--set %s: %s", assignment, why);
        return false;
    }
    nv.set = true;
    c->v[i] = nv;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool npu_config_resolve(const char *kind, const char *name, char *out, size_t len, cfg_err_t *err)
{
    struct stat st;
    if (strchr(name, '/') || (stat(name, &st) == 0 && S_ISREG(st.st_mode))) {
        if (stat(name, &st) != 0 || !S_ISREG(st.st_mode)) {
            snprintf(err->msg, sizeof err->msg, "%s: cannot open file: %s", name, strerror(errno));
            return false;
        }
        snprintf(out, len, "%s", name);
        return true;
    }
    char rel[256], dir[4096];
    snprintf(rel, sizeof rel, "inputs/npu/%s", kind);
    paths_shipped(rel, dir, sizeof dir); /* here, else the shipped inputs: any directory works */
    snprintf(out, len, "%s/%s.yaml", dir, name);
    if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
        return true;
    /* list what there is */
    char *names[256];
    size_t n = 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) && n < 256) {
            size_t l = strlen(de->d_name);
            if (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0) {
                names[n] = strdup(de->d_name);
                if (names[n])
                    names[n++][l - 5] = 0;
            }
        }
        closedir(d);
    }
    qsort(names, n, sizeof names[0], cmp_str);
    char list[2048] = "";
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", names[i]);
    }
    /* a name that starts with what was typed is the likeliest meaning (tpuv5 -> tpuv5e) */
    const char *near = NULL;
    for (size_t i = 0; i < n && !near; i++)
        if (strncmp(names[i], name, strlen(name)) == 0)
            near = names[i];
    if (!near)
        near = cfg_nearest(name, (const char *const *)names, n);
    char sing[32];
    snprintf(sing, sizeof sing, "%s", kind);
    size_t sl = strlen(sing);
    if (sl > 1 && sing[sl - 1] == 's')
        sing[sl - 1] = 0;
    if (near)
        snprintf(err->msg, sizeof err->msg, "unknown %s '%s' (did you mean '%s'?; available: %s)", sing, name, near,
                 list);
    else
        snprintf(err->msg, sizeof err->msg, "unknown %s '%s' (available in %s: %s)", sing, name, rel,
                 n ? list : "none");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return false;
}

static const npu_cfg_val_t *val(const npu_config_t *c, const char *key)
{
    int i = npu_config_index(key);
    if (i < 0) {
        fprintf(stderr, "npu_config: internal error: no key %s\n", key);
        abort();
    }
    return &c->v[i];
}

int64_t npu_config_int(const npu_config_t *c, const char *key) { return val(c, key)->i; }
double npu_config_num(const npu_config_t *c, const char *key)
{
    int i = npu_config_index(key);
    return npu_cfg_keys[i].type == NCT_INT ? (double)c->v[i].i : c->v[i].f;
}
const char *npu_config_str(const npu_config_t *c, const char *key) { return val(c, key)->s; }
bool npu_config_bool(const npu_config_t *c, const char *key) { return val(c, key)->b; }
void npu_config_set_int(npu_config_t *c, const char *key, int64_t v)
{
    int i = npu_config_index(key);
    c->v[i].i = v;
    c->v[i].set = true;
}

void npu_config_chip(const npu_config_t *c, npu_chip_t *ch)
{
    npu_chip_defaults(ch);
    snprintf(ch->name, sizeof ch->name, "%s", npu_config_str(c, "name"));
    ch->num_sa = (int)npu_config_int(c, "num_sa");
    ch->num_vu = (int)npu_config_int(c, "num_vu");
    ch->num_vu_ports = (int)npu_config_int(c, "num_vu_ports");
    ch->sa_dim = (int)npu_config_int(c, "sa_dim");
    ch->hbm_bw_GBps = npu_config_num(c, "hbm_bw_GBps");
    ch->hbm_latency_ns = npu_config_num(c, "hbm_latency_ns");
    ch->vmem_size_MB = npu_config_num(c, "vmem_size_MB");
    ch->freq_GHz = npu_config_num(c, "freq_GHz");
    ch->hbm_size_GB = npu_config_num(c, "hbm_size_GB");
    ch->ici_bw_GBps = npu_config_num(c, "ici_bw_GBps");
    ch->dcn_bw_GBps = npu_config_num(c, "dcn_bw_GBps");
    ch->pcie_bw_GBps = npu_config_num(c, "pcie_bw_GBps");
    ch->ici_latency_ns = npu_config_num(c, "ici_latency_ns");
    ch->dcn_latency_ns = npu_config_num(c, "dcn_latency_ns");
    ch->pcie_latency_ns = npu_config_num(c, "pcie_latency_ns");
    ch->TDP_W = npu_config_num(c, "TDP_W");
    ch->min_power_W = npu_config_num(c, "min_power_W");
    ch->avg_power_W = npu_config_num(c, "avg_power_W");
    ch->max_power_W = npu_config_num(c, "max_power_W");
    ch->HBM_GBps_per_W = npu_config_num(c, "HBM_GBps_per_W");
    ch->ICI_GBps_per_W = npu_config_num(c, "ICI_GBps_per_W");
    snprintf(ch->ici_topology, sizeof ch->ici_topology, "%s", npu_config_str(c, "ICI_topology"));
    ch->ici_axes = strstr(ch->ici_topology, "2D") ? 2 : 3;
    ch->embodied_carbon_kgCO2 = npu_config_num(c, "embodied_carbon_kgCO2");
    ch->use_vu_for_small_matmul = npu_config_bool(c, "use_vu_for_small_matmul");
    ch->static_power_W_per_sa = npu_config_num(c, "static_power_W_per_sa");
    ch->static_power_W_per_vu = npu_config_num(c, "static_power_W_per_vu");
    ch->static_power_vmem_W = npu_config_num(c, "static_power_vmem_W");
    ch->static_power_ici_W = npu_config_num(c, "static_power_ici_W");
    ch->static_power_hbm_mc_W = npu_config_num(c, "static_power_hbm_mc_W");
    ch->static_power_hbm_phy_W = npu_config_num(c, "static_power_hbm_phy_W");
    ch->static_power_other_W = npu_config_num(c, "static_power_other_W");
    ch->dynamic_power_W_per_SA = npu_config_num(c, "dynamic_power_W_per_SA");
    ch->dynamic_power_W_per_VU = npu_config_num(c, "dynamic_power_W_per_VU");
    ch->dynamic_power_vmem_W = npu_config_num(c, "dynamic_power_vmem_W");
    ch->dynamic_power_ici_W_per_GBps = npu_config_num(c, "dynamic_power_ici_W_per_GBps");
    ch->dynamic_power_hbm_W_per_GBps = npu_config_num(c, "dynamic_power_hbm_W_per_GBps");
    ch->dynamic_power_other_W = npu_config_num(c, "dynamic_power_other_W");
    snprintf(ch->pg_config, sizeof ch->pg_config, "%s", npu_config_str(c, "pg_config"));
    ch->enable_dvfs = npu_config_bool(c, "enable_dvfs");
    npu_chip_derive(ch);
}

/* The dump is built in memory and written once (a text builder that
 * grows; stdio's per-call locking was most of its cost). */
typedef struct {
    char *p;
    size_t n, cap;
    bool bad;
} dump_buf_t;

static void db_put(dump_buf_t *b, const char *s, size_t n)
{
    if (b->n + n > b->cap) {
        size_t nc = b->cap ? b->cap : 8192;
        while (nc < b->n + n)
            nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            b->bad = true;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void db_str(dump_buf_t *b, const char *s) { db_put(b, s, strlen(s)); }

static void json_str(dump_buf_t *b, const char *s)
{
    db_put(b, "\"", 1);
    for (const char *run = s;; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x20 && ch < 0x80 && ch != '"' && ch != '\\')
            continue;
        db_put(b, run, (size_t)(s - run));
        if (!ch)
            break;
        char esc[8];
        if (ch == '"' || ch == '\\')
            snprintf(esc, sizeof esc, "\\%c", ch);
        else /* control characters; above ASCII: json.dump's ensure_ascii (bytes above ASCII are rare) */
            snprintf(esc, sizeof esc, "\\u%04x", ch);
        db_str(b, esc);
        run = s + 1;
    }
    db_put(b, "\"", 1);
}

/* one "key": value entry, entries separated by ",\n" */
static void dump_entry(dump_buf_t *b, int indent, const char *key, bool *first)
{
    static const char spaces[] = "                                ";
    if (!*first)
        db_put(b, ",\n", 2);
    *first = false;
    for (int n = indent; n > 0; n -= (int)sizeof spaces - 1)
        db_put(b, spaces, n < (int)sizeof spaces - 1 ? (size_t)n : sizeof spaces - 1);
    json_str(b, key);
    db_put(b, ": ", 2);
}

static void dump_value(dump_buf_t *b, const npu_cfg_key_t *k, const npu_cfg_val_t *v)
{
    char num[64];
    switch (k->type) {
    case NCT_INT: db_put(b, num, str_i64(num, v->i)); break;
    case NCT_FLOAT: num_repr(num, sizeof num, v->f); db_str(b, num); break;
    case NCT_STR: json_str(b, v->s); break;
    case NCT_BOOL: db_str(b, v->b ? "true" : "false"); break;
    case NCT_LIST: db_str(b, v->s); break;
    }
}

static int find_key(const char *const *keys, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i][0] == key[0] && strcmp(keys[i], key) == 0)
            return (int)i;
    return -1;
}

void npu_config_dump_json_as(const npu_config_t *c, FILE *f, int indent, const char *const *omit, size_t nomit,
                             const char *const *extra_keys, const char *const *extra_json, size_t n_extra)
{
    size_t fam = (size_t)npu_config_index("router_type");
    bool first = true;
    dump_buf_t b = {0};
    for (size_t i = 0; i < npu_cfg_nkeys; i++) {
        const char *key = npu_cfg_keys[i].key;
        int e = find_key(extra_keys, n_extra, key);
        if (find_key(omit, nomit, key) >= 0 || (i >= fam && !c->v[i].set && e < 0))
            continue;
        dump_entry(&b, indent, key, &first);
        if (e >= 0)
            db_str(&b, extra_json[e]);
        else
            dump_value(&b, &npu_cfg_keys[i], &c->v[i]);
    }
    for (size_t e = 0; e < n_extra; e++)
        if (npu_config_index(extra_keys[e]) < 0) {
            dump_entry(&b, indent, extra_keys[e], &first);
            db_str(&b, extra_json[e]);
        }
    db_put(&b, "\n", 1);
    if (!b.bad) /* (out of memory for a few KB: nothing is written) */
        fwrite(b.p, 1, b.n, f);
    free(b.p);
}

void npu_config_dump_json(const npu_config_t *c, FILE *f, int indent, const char *const *extra_keys,
                          const int64_t *extra_vals, size_t n_extra)
{
    char text[8][24];
    const char *json[8];
    n_extra = n_extra > 8 ? 8 : n_extra;
    for (size_t i = 0; i < n_extra; i++) {
        snprintf(text[i], sizeof text[i], "%lld", (long long)extra_vals[i]);
        json[i] = text[i];
    }
    npu_config_dump_json_as(c, f, indent, NULL, 0, extra_keys, json, n_extra);
}

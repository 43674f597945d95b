/*
 * hf_config.c -- HuggingFace config.json into hf_config_t (see hf_config.h):
 * the keys each architecture uses and transformers' defaults for the rest.
 */
#include "ops/hf_config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/json.h"
#include "config/paths.h"

static const char *const type_names[HF__COUNT] = {
    [HF_LLAMA] = "llama",   [HF_MISTRAL] = "mistral", [HF_QWEN2] = "qwen2",
    [HF_QWEN3] = "qwen3",   [HF_MIXTRAL] = "mixtral", [HF_GPT2] = "gpt2",
    [HF_BERT] = "bert",     [HF_DISTILBERT] = "distilbert", [HF_DEEPSEEK_V3] = "deepseek_v3",
};

const char *hf_supported_types(void)
{
    return "llama, mistral, qwen2, qwen3, mixtral, gpt2, bert, distilbert, deepseek_v3";
}

bool hf_is_config_path(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && strcmp(path + n - 5, ".json") == 0;
}

#define REQ(key, dst)                                                                                  \
    do {                                                                                               \
        if (!json_req_int(file, root, key, &(dst), err))                                               \
            return false;                                                                              \
    } while (0)
#define OPT(key, dflt, dst)                                                                            \
    do {                                                                                               \
        if (!json_opt_int(file, root, key, dflt, &(dst), err))                                         \
            return false;                                                                              \
    } while (0)

static bool positive(const char *file, const char *what, int64_t v, cfg_err_t *err)
{
    if (v > 0)
        return true;
    snprintf(err->msg, sizeof err->msg, "%s: %s must be positive (got %lld)", file, what, (long long)v);
    return false;
}

static bool parse(const char *file, json_t *root, hf_config_t *c, cfg_err_t *err)
{
    memset(c, 0, sizeof *c);
    const char *mt, *s;
    if (!json_req_str(file, root, "model_type", &mt, err))
        return false;
    int arch = -1;
    for (int i = 0; i < HF__COUNT; i++)
        if (strcmp(mt, type_names[i]) == 0)
            arch = i;
    if (arch < 0) {
        const char *near = cfg_nearest(mt, type_names, HF__COUNT);
        snprintf(err->msg, sizeof err->msg, "%s: model_type \"%s\" is not supported%s%s%s (supported: %s)", file,
                 mt, near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "",
                 hf_supported_types());
        return false;
    }
    c->arch = (hf_arch_t)arch;
    snprintf(c->model_type, sizeof c->model_type, "%s", mt);
    const json_t *archs = json_object_get(root, "architectures");
    if (json_is_array(archs) && json_array_size(archs) > 0 && json_is_string(json_array_get(archs, 0)))
        snprintf(c->architecture, sizeof c->architecture, "%s", json_string_value(json_array_get(archs, 0)));
    const char *a = c->architecture;
    c->has_lm_head = strstr(a, "ForCausalLM") || strstr(a, "LMHeadModel") || strstr(a, "ForMaskedLM");

    const char *dt = NULL;
    if (!json_opt_str(file, root, "torch_dtype", NULL, &dt, err))
        return false;
    if (!dt && !json_opt_str(file, root, "dtype", NULL, &dt, err))
        return false;
    int d = dt ? op_dtype_parse(dt) : DT_BF16;
    c->dtype = d < 0 ? DT_BF16 : (op_dtype_t)d;
    bool b;

    switch (c->arch) {
    case HF_GPT2:
        REQ("n_embd", c->hidden);
        REQ("n_layer", c->layers);
        REQ("n_head", c->heads);
        REQ("vocab_size", c->vocab);
        REQ("n_positions", c->max_positions);
        OPT("n_inner", 4 * c->hidden, c->ffn);
        c->kv_heads = c->heads;
        c->tie_embeddings = true;
        c->attention_bias = c->mlp_bias = true;
        c->decoder = true;
        if (!json_opt_str(file, root, "activation_function", "gelu_new", &s, err))
            return false;
        snprintf(c->act, sizeof c->act, "%s", s);
        break;
    case HF_DISTILBERT:
        REQ("dim", c->hidden);
        REQ("n_layers", c->layers);
        REQ("n_heads", c->heads);
        REQ("hidden_dim", c->ffn);
        REQ("vocab_size", c->vocab);
        REQ("max_position_embeddings", c->max_positions);
        if (!json_opt_bool(file, root, "sinusoidal_pos_embds", false, &b, err))
            return false;
        c->sinusoidal_pos = b;
        c->kv_heads = c->heads;
        c->attention_bias = c->mlp_bias = true;
        c->tie_embeddings = true;
        if (!json_opt_str(file, root, "activation", "gelu", &s, err))
            return false;
        snprintf(c->act, sizeof c->act, "%s", s);
        break;
    default:
        REQ("hidden_size", c->hidden);
        REQ("num_hidden_layers", c->layers);
        REQ("num_attention_heads", c->heads);
        REQ("intermediate_size", c->ffn);
        REQ("vocab_size", c->vocab);
        OPT("max_position_embeddings", 0, c->max_positions);
        if (c->arch == HF_BERT) {
            REQ("max_position_embeddings", c->max_positions);
            REQ("type_vocab_size", c->type_vocab);
            c->has_pooler = !c->has_lm_head;
            c->kv_heads = c->heads;
            c->attention_bias = c->mlp_bias = true;
            c->tie_embeddings = true;
            if (!json_opt_str(file, root, "hidden_act", "gelu", &s, err))
                return false;
        } else {
            OPT("num_key_value_heads", c->heads, c->kv_heads);
            c->decoder = true;
            if (!json_opt_bool(file, root, "tie_word_embeddings", false, &b, err))
                return false;
            c->tie_embeddings = b;
            if (!json_opt_bool(file, root, "attention_bias", c->arch == HF_QWEN2, &b, err))
                return false;
            c->attention_bias = b || c->arch == HF_QWEN2;
            if (!json_opt_bool(file, root, "mlp_bias", false, &b, err))
                return false;
            c->mlp_bias = b;
            OPT("sliding_window", 0, c->sliding_window);
            if (c->arch == HF_QWEN2) {
                bool use_sw;
                if (!json_opt_bool(file, root, "use_sliding_window", false, &use_sw, err))
                    return false;
                if (!use_sw)
                    c->sliding_window = 0;
            }
            if (!json_opt_str(file, root, "hidden_act", "silu", &s, err))
                return false;
        }
        snprintf(c->act, sizeof c->act, "%s", s);
        break;
    }
    if (!positive(file, "hidden size", c->hidden, err) || !positive(file, "layers", c->layers, err) ||
        !positive(file, "attention heads", c->heads, err) || !positive(file, "vocab_size", c->vocab, err) ||
        !positive(file, "key-value heads", c->kv_heads, err))
        return false;
    if (c->arch == HF_QWEN3)
        REQ("head_dim", c->head_dim);
    else
        OPT("head_dim", c->hidden / c->heads, c->head_dim);
    if (c->head_dim <= 0 || (c->arch != HF_QWEN3 && json_object_get(root, "head_dim") == NULL &&
                             c->hidden % c->heads != 0)) {
        snprintf(err->msg, sizeof err->msg, "%s: hidden size %lld is not divisible by %lld heads", file,
                 (long long)c->hidden, (long long)c->heads);
        return false;
    }
    if (c->heads % c->kv_heads != 0) {
        snprintf(err->msg, sizeof err->msg, "%s: %lld attention heads are not a multiple of %lld key-value heads",
                 file, (long long)c->heads, (long long)c->kv_heads);
        return false;
    }

    if (c->arch == HF_MIXTRAL) {
        REQ("num_local_experts", c->experts);
        REQ("num_experts_per_tok", c->experts_per_tok);
        c->moe_ffn = c->ffn;
        c->moe_layer_freq = 1;
    }
    if (c->arch == HF_DEEPSEEK_V3) {
        REQ("moe_intermediate_size", c->moe_ffn);
        REQ("n_routed_experts", c->experts);
        REQ("n_shared_experts", c->shared_experts);
        REQ("num_experts_per_tok", c->experts_per_tok);
        REQ("first_k_dense_replace", c->first_dense);
        OPT("moe_layer_freq", 1, c->moe_layer_freq);
        OPT("q_lora_rank", 0, c->q_lora_rank);
        REQ("kv_lora_rank", c->kv_lora_rank);
        REQ("qk_nope_head_dim", c->qk_nope_head_dim);
        REQ("qk_rope_head_dim", c->qk_rope_head_dim);
        REQ("v_head_dim", c->v_head_dim);
        c->head_dim = c->qk_nope_head_dim + c->qk_rope_head_dim;
    }
    /* bounds that keep every product of dimensions inside 64 bits */
    const struct {
        const char *what;
        int64_t v;
    } dims[] = {{"hidden size", c->hidden}, {"layers", c->layers}, {"attention heads", c->heads},
                {"head_dim", c->head_dim}, {"intermediate size", c->ffn}, {"vocab_size", c->vocab},
                {"max positions", c->max_positions}, {"type_vocab_size", c->type_vocab}, {"experts", c->experts},
                {"expert intermediate size", c->moe_ffn}, {"q_lora_rank", c->q_lora_rank},
                {"kv_lora_rank", c->kv_lora_rank}, {"qk_nope_head_dim", c->qk_nope_head_dim},
                {"qk_rope_head_dim", c->qk_rope_head_dim}, {"v_head_dim", c->v_head_dim},
                {"n_shared_experts", c->shared_experts}, {"sliding_window", c->sliding_window}};
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
        if (dims[i].v < 0 || dims[i].v > (1LL << 24) * (i == 6 || i == 16 ? 256 : 1)) {
            snprintf(err->msg, sizeof err->msg, "%s: %s %lld is out of range (0 .. %lld)", file, dims[i].what,
                     (long long)dims[i].v, (1LL << 24) * (i == 6 || i == 16 ? 256 : 1));
            return false;
        }
    double widest = (double)(c->ffn > c->moe_ffn ? c->ffn : c->moe_ffn), h = (double)c->hidden;
    double width = (double)c->heads * (double)(c->head_dim > c->v_head_dim ? c->head_dim : c->v_head_dim) +
                   (double)c->kv_lora_rank + (double)c->q_lora_rank;
    double estimate = (double)c->layers * ((double)(c->experts + c->shared_experts + 1) * 3 * h * widest + 4 * h * width) +
                      2 * (double)(c->vocab + c->max_positions) * h;
    if (estimate > 1e18) {
        snprintf(err->msg, sizeof err->msg, "%s: about %.3g parameters: too large a model (at most 1e18)", file,
                 estimate);
        return false;
    }
    c->weight_dtype = c->dtype;
    const json_t *q = json_object_get(root, "quantization_config");
    if (json_is_object(q)) {
        const char *method = NULL, *fmt = NULL;
        if (!json_opt_str(file, q, "quant_method", "", &method, err) || !json_opt_str(file, q, "fmt", "", &fmt, err))
            return false;
        if (strcmp(method, "fp8") == 0) {
            c->weight_dtype = DT_FP8;
            const json_t *blk = json_object_get(q, "weight_block_size");
            if (json_is_array(blk) && json_array_size(blk) == 2 && json_is_integer(json_array_get(blk, 0)) &&
                json_is_integer(json_array_get(blk, 1))) {
                c->quant_block_out = json_integer_value(json_array_get(blk, 0));
                c->quant_block_in = json_integer_value(json_array_get(blk, 1));
            }
            if (c->quant_block_out <= 0 || c->quant_block_in <= 0)
                c->quant_block_out = c->quant_block_in = 0;
        }
    }
    if (c->experts && (c->experts_per_tok <= 0 || c->experts_per_tok > c->experts)) {
        snprintf(err->msg, sizeof err->msg, "%s: num_experts_per_tok %lld must be between 1 and %lld experts",
                 file, (long long)c->experts_per_tok, (long long)c->experts);
        return false;
    }
    return true;
}

bool hf_config_load(const char *path, hf_config_t *c, cfg_err_t *err)
{
    json_t *root = json_load_located(path, err);
    if (!root)
        return false;
    bool ok = parse(path, root, c, err);
    json_decref(root);
    return ok;
}

bool hf_config_load_text(const char *name, const char *text, size_t len, hf_config_t *c, cfg_err_t *err)
{
    json_t *root = json_load_text_located(name, text, len, err);
    if (!root)
        return false;
    bool ok = parse(name, root, c, err);
    json_decref(root);
    return ok;
}

/* ---- model ids under HF_MODELS_DIR ------------------------------------ */

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The known ids ("org/name"), sorted; *n of them.  Free with free_ids. */
/* HF_MODELS_DIR here, else the shipped one (paths.h): ids work from any directory */
static const char *models_dir(char *buf, size_t len)
{
    return paths_shipped(HF_MODELS_DIR, buf, len);
}

static char **known_ids(size_t *n)
{
    char **ids = NULL;
    size_t cnt = 0, cap = 0;
    char dir[4096];
    models_dir(dir, sizeof dir);
    DIR *top = opendir(dir);
    struct dirent *e, *f;
    while (top && (e = readdir(top)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4400];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        DIR *org = opendir(sub);
        while (org && (f = readdir(org)) != NULL) {
            char cfg[4800];
            snprintf(cfg, sizeof cfg, "%s/%s/config.json", sub, f->d_name);
            if (f->d_name[0] == '.' || !is_file(cfg))
                continue;
            if (cnt == cap) {
                cap = cap ? 2 * cap : 16;
                char **p = realloc(ids, cap * sizeof *p);
                if (!p)
                    break;
                ids = p;
            }
            char id[600];
            snprintf(id, sizeof id, "%s/%s", e->d_name, f->d_name);
            ids[cnt++] = strdup(id);
        }
        if (org)
            closedir(org);
    }
    if (top)
        closedir(top);
    for (size_t i = 1; i < cnt; i++)
        for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
            char *t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    *n = cnt;
    return ids;
}

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

bool hf_resolve(const char *arg, char *path, size_t len, cfg_err_t *err)
{
    struct stat st;
    if (stat(arg, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            snprintf(path, len, "%s/config.json", arg);
        else
            snprintf(path, len, "%s", arg);
        return true;
    }
    if (hf_is_config_path(arg)) {
        snprintf(err->msg, sizeof err->msg, "%s: cannot open (no such file)", arg);
        return false;
    }
    size_t n;
    char **ids = known_ids(&n);
    const char *hit = NULL;
    for (size_t i = 0; i < n && !hit; i++) {
        const char *slash = strchr(ids[i], '/');
        if (strcmp(ids[i], arg) == 0 || (!strchr(arg, '/') && slash && strcmp(slash + 1, arg) == 0))
            hit = ids[i];
    }
    if (hit) {
        char dir[4096];
        snprintf(path, len, "%s/%s/config.json", models_dir(dir, sizeof dir), hit);
        free_ids(ids, n);
        return true;
    }
    const char *near = n ? cfg_nearest(arg, (const char *const *)ids, n) : NULL;
    int o = snprintf(err->msg, sizeof err->msg, "unknown model id \"%s\"", arg);
    if (near)
        o += snprintf(err->msg + o, sizeof err->msg - (size_t)o, " (did you mean \"%s\"?)", near);
    o += snprintf(err->msg + o, sizeof err->msg - (size_t)o, "; known ids (in %s/):", HF_MODELS_DIR);
    for (size_t i = 0; i < n && o < (int)sizeof err->msg; i++)
        o += snprintf(err->msg + o, sizeof err->msg - (size_t)o, "%s %s", i ? "," : "", ids[i]);
    if (n == 0)
        snprintf(err->msg + o, sizeof err->msg - (size_t)o, " none (run from the repository root)");
    free_ids(ids, n);
    return false;
}

void hf_model_name(const char *path, char *out, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(base, "config.json") == 0 && base > path + 1) {
        const char *end = base - 1, *start = end;
        while (start > path && start[-1] != '/')
            start--;
        snprintf(out, len, "%.*s", (int)(end - start), start);
        return;
    }
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    snprintf(out, len, "%.*s", (int)n, base);
}

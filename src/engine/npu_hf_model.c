/*
 * npu_hf_model.c -- a HuggingFace config.json as the NPU simulator's model
 * record (see npu_hf_model.h): which argument is one, and the mapping of
 * hf_config_t onto NeuSim's LLMConfig / DeepSeekConfig keys.
 */
#include "engine/npu_hf_model.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config/paths.h"
#include "config/json.h"
#include "ops/hf_config.h"

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A JSON file of NeuSim's (a model_type of its own or its d_model key). */
static bool neusim_json(const char *path)
{
    cfg_err_t e;
    json_t *root = json_load_located(path, &e);
    if (!root)
        return false;   /* malformed: hf_config_load says where */
    const json_t *t = json_object_get(root, "model_type");
    const char *type = json_is_string(t) ? json_string_value(t) : "";
    bool neusim = json_object_get(root, "d_model") != NULL || !strcmp(type, "llm") || !strcmp(type, "dit") ||
                  !strcmp(type, "dlrm") || !strcmp(type, "gligen");
    json_decref(root);
    return neusim;
}

int npu_hf_model_path(const char *arg, char *path, size_t len, cfg_err_t *err)
{
    size_t n = strlen(arg);
    if (is_file(arg)) {
        if (n > 5 && strcmp(arg + n - 5, ".json") == 0 && !neusim_json(arg)) {
            snprintf(path, len, "%s", arg);
            return 1;
        }
        return 0;
    }
    char p[4096];
    snprintf(p, sizeof p, "%s/config.json", arg);
    if (is_dir(arg) && is_file(p)) {
        snprintf(path, len, "%s", p);
        return 1;
    }
    char rel[4096];
    snprintf(rel, sizeof rel, "inputs/npu/models/%.4000s.yaml", arg);
    if (!strchr(arg, '/') && is_file(paths_shipped(rel, p, sizeof p)))
        return 0;
    cfg_err_t e;
    if (hf_resolve(arg, path, len, &e))
        return 1;
    if (strchr(arg, '/')) {
        snprintf(err->msg, sizeof err->msg, "--model %.200s: not a file, and %.700s", arg, e.msg);
        return -1;
    }
    return 0;   /* the NPU models' unknown-name message lists them */
}

static void set_str(npu_config_t *c, const char *key, const char *v)
{
    int i = npu_config_index(key);
    snprintf(c->v[i].s, sizeof c->v[i].s, "%s", v);
    c->v[i].set = true;
}

static void set_bool(npu_config_t *c, const char *key, bool v)
{
    int i = npu_config_index(key);
    c->v[i].b = v;
    c->v[i].set = true;
}

static void note_add(char *note, size_t len, const char *what)
{
    size_t u = strlen(note);
    snprintf(note + u, len - u, "%s%s", u ? "; " : "", what);
}

/* The run keys every shipped model file carries (inputs/npu/models/llama3-8b.yaml):
 * one chip, batch 1, 4096 + 512 tokens, no parallelism, no parallel axes. */
static void run_keys(npu_config_t *c)
{
    static const struct { const char *key; int64_t v; } keys[] = {
        {"global_batch_size", 1}, {"input_seqlen", 4096}, {"output_seqlen", 512}, {"decode_width", 1},
        {"data_parallelism_degree", 1}, {"tensor_parallelism_degree", 1}, {"pipeline_parallelism_degree", 1},
        {"num_data_parallel_axes", 0}, {"num_tensor_parallel_axes", 0}, {"num_pipeline_parallel_axes", 0},
        {"data_parallel_degree_dcn", 1}, {"tensor_parallel_degree_dcn", 1}, {"pipeline_parallel_degree_dcn", 1},
        {"microbatch_size_dcn", 1}, {"microbatch_size_ici", 1}, {"num_chips", 1}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        npu_config_set_int(c, keys[i].key, keys[i].v);
}

bool npu_hf_model_apply(npu_config_t *c, const char *path, char *note, size_t notelen, cfg_err_t *err)
{
    hf_config_t h;
    note[0] = '\0';
    if (!hf_config_load(path, &h, err))
        return false;
    bool dense = h.arch == HF_LLAMA || h.arch == HF_MISTRAL || h.arch == HF_QWEN2 || h.arch == HF_QWEN3;
    if (!dense && h.arch != HF_DEEPSEEK_V3) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: model_type \"%s\" has no NPU model generator (llama, mistral, qwen2, qwen3: the Llama "
                 "generator; deepseek_v3: the DeepSeek MLA + MoE generator)%s", path, h.model_type,
                 h.arch == HF_MIXTRAL ? "; Mixtral's experts sit behind grouped-query attention, which the "
                                        "DeepSeek generator (MLA, shared experts) does not describe"
                                      : "; encoders and GPT-2 are not LLMs of NeuSim's kind");
        return false;
    }
    if (h.arch == HF_DEEPSEEK_V3 && h.moe_layer_freq != 1) {
        snprintf(err->msg, sizeof err->msg, "%s: moe_layer_freq %lld: the DeepSeek generator makes every layer "
                 "after the dense ones MoE (moe_layer_freq 1)", path, (long long)h.moe_layer_freq);
        return false;
    }
    char name[256];
    hf_model_name(path, name, sizeof name);
    set_str(c, "model_name", name);
    set_str(c, "model_type", "llm");
    run_keys(c);
    npu_config_set_int(c, "d_model", h.hidden);
    npu_config_set_int(c, "num_heads", h.heads);
    npu_config_set_int(c, "num_kv_heads", h.kv_heads);
    npu_config_set_int(c, "d_ff", h.ffn);
    npu_config_set_int(c, "num_layers", h.layers);
    note_add(note, notelen, "vocabulary, embedding and lm_head are not NPU operators (as in NeuSim's models)");
    if (dense) {
        set_str(c, "ffn_type", "llama");
        npu_config_set_int(c, "d_head", h.head_dim);
        if (h.attention_bias)
            note_add(note, notelen, "q/k/v biases not modelled");
        if (h.arch == HF_QWEN3)
            note_add(note, notelen, "Qwen3's q/k RMSNorms not modelled");
        if (h.sliding_window > 0)
            note_add(note, notelen, "sliding-window attention not modelled (full attention)");
        return true;
    }
    /* DeepSeek-V3: as inputs/npu/models/deepseekv3-671b.yaml */
    json_t *root = json_load_located(path, err);
    if (!root)
        return false;
    int64_t topk_group = 0;
    bool ok = json_opt_int(path, root, "topk_group", 1, &topk_group, err);
    json_decref(root);
    if (!ok)
        return false;
    set_str(c, "ffn_type", "deepseek_moe");
    set_str(c, "router_type", "topk");
    npu_config_set_int(c, "d_head", h.v_head_dim);
    npu_config_set_int(c, "moe_d_ff", h.moe_ffn);
    npu_config_set_int(c, "num_dense_layers", h.first_dense);
    npu_config_set_int(c, "num_shared_experts", h.shared_experts);
    npu_config_set_int(c, "num_routed_experts", h.experts);
    npu_config_set_int(c, "num_activated_routed_experts_per_token", h.experts_per_tok);
    npu_config_set_int(c, "num_limited_groups", topk_group);
    npu_config_set_int(c, "q_lora_rank", h.q_lora_rank);
    npu_config_set_int(c, "kv_lora_rank", h.kv_lora_rank);
    npu_config_set_int(c, "qk_nope_head_dim", h.qk_nope_head_dim);
    npu_config_set_int(c, "qk_rope_head_dim", h.qk_rope_head_dim);
    npu_config_set_int(c, "v_head_dim", h.v_head_dim);
    npu_config_set_int(c, "expert_parallelism_degree", 1);
    npu_config_set_int(c, "num_expert_parallel_axes", 0);
    npu_config_set_int(c, "expert_parallel_degree_dcn", 1);
    set_bool(c, "use_flash_attention", false);
    note_add(note, notelen, "d_head = v_head_dim; the router's sigmoid scoring and n_group are not modelled "
             "(topk_group -> num_limited_groups); the multi-token-prediction layer is not modelled");
    return true;
}

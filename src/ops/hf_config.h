/*
 * hf_config.h -- a HuggingFace config.json read into one record that every
 * consumer uses: the operator-list frontend (hf_ops), the kernel roofline
 * (src/kernels), ASTRA-sim's model GEMMs (src/astra), the NPU simulator and
 * the ReaLLM model's conversion.  Keys per architecture follow
 * transformers' names; absent optional keys take transformers' defaults.
 */
#ifndef OPS_HF_CONFIG_H
#define OPS_HF_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "config/node.h"
#include "ops/op.h"

typedef enum {
    HF_LLAMA = 0, HF_MISTRAL, HF_QWEN2, HF_QWEN3, HF_MIXTRAL,
    HF_GPT2, HF_BERT, HF_DISTILBERT, HF_DEEPSEEK_V3, HF__COUNT
} hf_arch_t;

typedef struct {
    hf_arch_t arch;
    char model_type[32];        /* as in the file ("llama", "deepseek_v3", ...) */
    char architecture[64];      /* architectures[0] ("LlamaForCausalLM"), "" when absent */
    bool has_lm_head;           /* a *ForCausalLM / *LMHeadModel / *ForMaskedLM class */
    bool decoder;               /* causal LM with a KV cache (false: BERT, DistilBERT) */

    int64_t hidden;             /* d_model: hidden_size / n_embd / dim */
    int64_t layers;             /* num_hidden_layers / n_layer / n_layers */
    int64_t heads;              /* num_attention_heads / n_head / n_heads */
    int64_t kv_heads;           /* num_key_value_heads (= heads when absent) */
    int64_t head_dim;           /* explicit head_dim, else hidden / heads */
    int64_t ffn;                /* intermediate_size / n_inner (4*d) / hidden_dim */
    int64_t vocab;
    int64_t max_positions;      /* max_position_embeddings / n_positions (0 when absent) */
    int64_t type_vocab;         /* BERT's type_vocab_size (0 otherwise) */
    int64_t sliding_window;     /* 0 = none */
    bool tie_embeddings;        /* lm_head shares the embedding table */
    bool attention_bias;        /* q/k/v(/o) carry a bias */
    bool mlp_bias;
    char act[32];               /* hidden_act / activation_function / activation */
    op_dtype_t dtype;           /* torch_dtype (bf16 when absent) */

    /* mixture of experts (Mixtral, DeepSeek); experts == 0 means dense */
    int64_t experts;            /* num_local_experts / n_routed_experts */
    int64_t experts_per_tok;    /* num_experts_per_tok */
    int64_t shared_experts;     /* n_shared_experts */
    int64_t moe_ffn;            /* moe_intermediate_size (Mixtral: intermediate_size) */
    int64_t first_dense;        /* first_k_dense_replace: leading dense layers */
    int64_t moe_layer_freq;     /* every n-th layer after first_dense is MoE (1) */

    /* multi-head latent attention (DeepSeek); kv_lora_rank == 0 means none */
    int64_t q_lora_rank;        /* 0 = plain q_proj */
    int64_t kv_lora_rank;
    int64_t qk_nope_head_dim;
    int64_t qk_rope_head_dim;
    int64_t v_head_dim;

    /* heads, position tables and weight storage (added for hf_ops) */
    bool has_pooler;            /* BERT: BertModel's pooler (not in *ForMaskedLM) */
    bool sinusoidal_pos;        /* DistilBERT sinusoidal_pos_embds: a frozen position table */
    op_dtype_t weight_dtype;    /* Linear weights: fp8 with quantization_config fp8, else dtype */
    int64_t quant_block_out;    /* weight_block_size [out, in]: one fp32 scale per block; 0 = none */
    int64_t quant_block_in;
} hf_config_t;

/* Read path into *c.  Returns false and fills err ("file:line:col: ..." for
 * malformed JSON, "file: missing key \"k\"" for incomplete configs,
 * "file: model_type \"x\" is not supported (supported: ...)" otherwise). */
bool hf_config_load(const char *path, hf_config_t *c, cfg_err_t *err);
/* The same for a config held in memory; name stands in for the file. */
bool hf_config_load_text(const char *name, const char *text, size_t len, hf_config_t *c, cfg_err_t *err);

/* "llama, mistral, ...": the supported model_type values. */
const char *hf_supported_types(void);

/* True when path looks like a HuggingFace config (ends in .json). */
bool hf_is_config_path(const char *path);

/* The folder that holds the shipped configs as ORG/NAME/config.json. */
#define HF_MODELS_DIR "inputs/hf"

/* A config path from what a user typed: an existing file, a folder holding
 * config.json, or a model id ("meta-llama/Llama-3.1-8B", or just
 * "Llama-3.1-8B" when one organisation has it) under HF_MODELS_DIR.
 * False with "unknown model id \"x\" (did you mean ...?) (known: ...)" in err. */
bool hf_resolve(const char *arg, char *path, size_t len, cfg_err_t *err);

/* A short name for the model of a config path: the folder of a
 * ".../NAME/config.json", else the file name without ".json". */
void hf_model_name(const char *path, char *out, size_t len);

#endif

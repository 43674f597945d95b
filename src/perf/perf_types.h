/*
 * perf_types.h -- inputs of the software evaluation: the LLM (model YAML)
 * and one expanded system configuration (system YAML), as the config layer
 * fills them.  The perf module derives everything else.
 */
#ifndef PERF_PERF_TYPES_H
#define PERF_PERF_TYPES_H

#include <stdbool.h>

#define PERF_NAME_MAX 64

/* How attention output communication is modelled (the reference keys it on
 * d: 18432 -> PaLM, 8192 -> Llama, else one all-reduce). */
typedef enum {
    ATTN_COMM_DEFAULT = 0,   /* follow the reference's rule on d */
    ATTN_COMM_ALLREDUCE,     /* one all-reduce */
    ATTN_COMM_PALM,          /* two all-to-alls */
    ATTN_COMM_LLAMA          /* one all-reduce plus two all-to-alls */
} attn_comm_t;

typedef struct {
    char name[PERF_NAME_MAX];
    double num_layers;
    double d;
    double num_heads;
    double d_head;               /* 0 = d // num_heads */
    double d_ff;                 /* 0 = 4 d */
    char act[32];                /* gelu, swiglu, ... ('glu' in it = gated) */
    double heads_per_kv_cache;   /* default 1 */
    double bytes_per_number;     /* default 2 */
    attn_comm_t attn_comm;
    /* perf_model v2 only (see perf/v2_model.h); 0 / "" = not given */
    char weight_format[8], act_format[8], kv_format[8]; /* bf16 fp16 fp8 int8 fp4 */
    char lm_head_format[8];         /* "" = weight_format (quantizers often keep it bf16) */
    double num_experts, experts_per_token, num_shared_experts, moe_d_ff;
    double first_dense_layers;      /* leading layers with a dense FFN */
    double kv_lora_rank, q_lora_rank, qk_rope_head_dim, qk_nope_head_dim, v_head_dim; /* MLA */
    double vocab_size;              /* embedding + LM head, 0 = not counted */
    bool tied_embeddings;           /* the LM head reuses the embedding table */
} model_cfg_t;

typedef struct {
    double t, p, c, micro_batch, prefill_micro_batch; /* 0 = batch */
} mapping_cfg_t;

typedef struct {
    char allreduce_algo[32];       /* default "ring" */
    double sub_sys_num_servers;    /* 0 = not given */
    /* sizing: at least one of the four (0 = not given) */
    double num_servers;
    double kv_cache_ratio;
    double max_ctx_len_batch_1;
    double max_tco;
    double max_batch;              /* default 1024 */
    double prefill_len, generate_len; /* eval_len, default [128, 129] */
    bool energy_model;             /* default true */
    double compute_perf_efficiency;   /* default 1 */
    double io_bandwidth_efficiency;   /* default 1 */
    double weight_bandwidth_efficiency; /* default 1 */
    bool has_default_mapping;
    mapping_cfg_t default_mapping;
    /* performance model (perf/perf_model.h): "" = reference */
    char perf_model[16];
    /* perf_model v2 only: per-hardware constants (see docs/perf-model-v2.md) */
    double layer_overhead_s;        /* fixed time per layer and pass (kernel launches) */
    double op_latency_s;            /* fixed start-up time of every operator (kernel) */
    bool fused_attention;           /* softmax fused into the attention matmuls (default) */
    unsigned v2_off;                /* corrections turned off (V2_OFF_* bits), for ablations */
    double matmul_tile;             /* tile edge of the matmul units, default 128 */
    double matmul_units;            /* parallel matmul units (GPU SMs) for wave quantization; 0 = off */
    double matmul_k_overhead;       /* per-output-tile fixed cost of a GEMM, in K elements; 0 = off */
    char launch_stack[24];          /* software stack naming op_latency_s ("" = op_latency_s as given) */
    double collective_fixed_s;      /* fixed dispatch cost of each collective beyond its ICI hops; 0 = off */
    char collective_library[16];    /* library whose all-reduce latency v2 charges ("" = the links' init_time) */
} system_cfg_t;

#endif

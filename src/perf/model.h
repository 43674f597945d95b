/*
 * model.h -- derived sizes of a transformer LLM (ReaLLM v1 Model.py):
 * parameter counts per block, model size, KV cache per token, FLOPs of the
 * prefill and generate stages, and how attention-output communication is
 * modelled (attn_comm).
 *
 * All counts are doubles holding integers where the reference holds Python
 * ints; k_size, v_size and everything built on them are true floats in the
 * reference as well (they divide by heads_per_kv_cache).
 */
#ifndef PERF_MODEL_H
#define PERF_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "perf/perf_types.h"

typedef struct {
    char name[PERF_NAME_MAX];
    /* inputs, defaults resolved */
    double num_layers, d, num_heads, d_head, d_ff;
    double heads_per_kv_cache, bytes_per_number;
    bool gated;             /* 'glu' appears in act: FC1 has a second weight */
    attn_comm_t attn_comm;  /* never ATTN_COMM_DEFAULT after model_derive */
    /* parameters per layer */
    double q_size, k_size, v_size, o_size, atten_size;
    double fc1_size, fc2_size, ffn_size, glu_size;
    /* whole model */
    double model_size;                   /* parameters */
    double model_size_byte;
    double kv_cache_size_per_token;      /* numbers per token, all layers */
    double kv_cache_size_per_token_byte;
} model_t;

/* Resolve defaults and derive sizes.  False (with a message) when a
 * dimension is missing or not positive. */
bool model_derive(const model_cfg_t *cfg, model_t *m, char *err, size_t errlen);

/* The attention-output communication a model of width d gets by default:
 * d = 18432 -> PaLM (two all-to-alls), d = 8192 -> Llama (all-reduce plus
 * two all-to-alls), otherwise one all-reduce. */
attn_comm_t model_default_attn_comm(double d);

/* FLOPs of one sequence: prefill of ctx_len tokens, or one generated token
 * attending to ctx_len tokens (ctx_len may be fractional). */
double model_prefill_flops(const model_t *m, double ctx_len);
double model_generate_flops(const model_t *m, double ctx_len);

#endif

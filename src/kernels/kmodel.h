/*
 * kmodel.h -- the decoder dimensions the kernel model needs, read from a
 * HuggingFace config.json (hf_config_load) or from this project's model
 * YAML (sw_model_load), and refused with a reason for what the kernel
 * model cannot represent (MoE, MLA, encoder-only models).
 */
#ifndef KERNELS_KMODEL_H
#define KERNELS_KMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "config/node.h"

typedef struct {
    char name[64];
    int64_t hidden;          /* H */
    int64_t ffn;             /* I */
    int64_t heads;           /* nq */
    int64_t kv_heads;        /* nkv */
    int64_t layers;          /* L */
    int64_t head_dim;        /* explicit head_dim, else H / nq */
    int64_t head_dim_floor;  /* H // nq: the notebook's sub_dmodel */
    int64_t vocab;           /* 0 = unknown (model YAML): no lm_head row */
    bool gated;              /* SwiGLU-style FFN: up, gate and down */
    double bytes_per_value;  /* element size of weights, activations and KV */
} kern_model_t;

/* Load CONFIG.json (ends in .json) or MODEL.yaml.  -1 + err on bad input
 * or on a model the kernel model does not represent. */
int kern_model_load(const char *path, kern_model_t *m, cfg_err_t *err);

#endif

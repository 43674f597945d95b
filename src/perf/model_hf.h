/*
 * model_hf.h -- a HuggingFace config.json as the ReaLLM model record
 * (model_cfg_t), so `hwsweep sw -m CONFIG.json` and sweep files' model
 * lists accept one.  The conversion is exact for dense GQA/MHA decoders;
 * where the reference model cannot represent a field (MoE, MLA, fp8
 * weights, the parameters outside the decoder layers) it says so in notes
 * and applies the rule docs/hf-models.md describes.
 */
#ifndef PERF_MODEL_HF_H
#define PERF_MODEL_HF_H

#include <stddef.h>

#include "config/node.h"
#include "ops/hf_config.h"
#include "perf/perf_types.h"

/* Fill *out from c (name: the model's name; '/' and spaces become '_').
 * notes receives one line per approximation ("" when exact).  -1 with the
 * reason in notes when the model cannot be converted (encoder-only). */
int model_from_hf(const hf_config_t *c, const char *name, model_cfg_t *out, char *notes, size_t len);

/* A model file of either kind: YAML (Model: ...) or a config.json, or a
 * model id under HF_MODELS_DIR ("meta-llama/Llama-3.1-8B").  notes as
 * above (always "" for YAML).  -1 with err filled on bad input. */
int model_load_any(const char *path, model_cfg_t *out, cfg_err_t *err, char *notes, size_t len);

#endif

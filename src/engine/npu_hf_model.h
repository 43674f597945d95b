/*
 * npu_hf_model.h -- a HuggingFace config.json as the model of the NPU
 * simulator (`hwsweep npu --model CONFIG.json|ORG/NAME`): llama, mistral,
 * qwen2 and qwen3 onto the Llama generator's keys, deepseek_v3 onto the
 * DeepSeek (MLA + MoE) generator's; other architectures are refused.  The
 * mapping is documented in docs/npu-model.md and docs/hf-models.md.
 */
#ifndef ENGINE_NPU_HF_MODEL_H
#define ENGINE_NPU_HF_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "config/node.h"
#include "npu/npu_config.h"

/* Whether a --model argument names a HuggingFace config: 1 (path gets the
 * config.json) for a .json file without NeuSim's model keys, a folder
 * holding config.json, or a model id under inputs/hf/ that is not a name in
 * inputs/npu/models/; 0 for NeuSim's model names and files; -1 with err for
 * an id-like argument ("ORG/NAME") that is neither a file nor a known id. */
int npu_hf_model_path(const char *arg, char *path, size_t len, cfg_err_t *err);

/* Set the model keys of c from the config at path (the run keys -- batch,
 * sequence lengths, parallelism -- as in the shipped model files).  note
 * gets what the NPU model cannot represent ("" when nothing).  False with
 * err for unreadable configs and unsupported architectures. */
bool npu_hf_model_apply(npu_config_t *c, const char *path, char *note, size_t notelen, cfg_err_t *err);

#endif

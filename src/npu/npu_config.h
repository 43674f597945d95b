/*
 * npu_config.h -- the merged configuration of one NPU simulation: NeuSim's
 * SystemConfig + ChipConfig + ModelConfig + LLMConfig keys, each with its
 * type and default, in the order NeuSim dumps them (`sim_config`).
 *
 * A configuration is built by merging files (later wins, like NeuSim's
 * dict merge): our YAML (inputs/npu/{chips,models,systems}/NAME.yaml) or
 * NeuSim's own JSON files, then `--set KEY=VALUE` overrides whose value is
 * a YAML scalar.  Every key is typed; a wrong type or an unknown key is
 * refused with "file:line:col: ..." and the nearest valid key.
 *
 * The chip fields go to an npu_chip_t (npu_config_chip); the model
 * fields are read by the frontends with npu_config_int / _num / _str.
 */
#ifndef NPU_NPU_CONFIG_H
#define NPU_NPU_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/node.h"
#include "npu/npu.h"

/* NCT_LIST: a list (of numbers, or of {key: value} records) or a record,
 * kept as its compact JSON text in .s (DLRM's table sizes and MLP layers,
 * GLIGEN's unet_config) */
typedef enum { NCT_INT = 0, NCT_FLOAT, NCT_STR, NCT_BOOL, NCT_LIST } npu_cfg_type_t;

typedef struct {
    const char *key;
    npu_cfg_type_t type;
    const char *dflt;      /* default as text (parsed like a YAML scalar) */
} npu_cfg_key_t;

#define NPU_CFG_STR_MAX 640

typedef struct {
    int64_t i;
    double f;
    bool b;
    char s[NPU_CFG_STR_MAX];
    bool set;              /* given by a file or --set (not the default) */
} npu_cfg_val_t;

/* The schema: every key in sim_config order.  The keys from
 * "router_type" on belong to one model family (MoE, diffusion) and are
 * dumped only when a file or --set gave them. */
extern const npu_cfg_key_t npu_cfg_keys[];
extern const size_t npu_cfg_nkeys;

typedef struct {
    npu_cfg_val_t v[160];
} npu_config_t;

/* All keys at NeuSim's defaults. */
void npu_config_defaults(npu_config_t *c);
/* Index of key, or -1. */
int npu_config_index(const char *key);

/* Merge a file: .json is NeuSim's JSON (unknown keys ignored, as NeuSim
 * does); anything else is our YAML (unknown keys refused). */
bool npu_config_merge_file(npu_config_t *c, const char *path, cfg_err_t *err);
/* The same, and the file's idle_power_W (0 when it has none), which is not
 * a key: npu_chip_file_idle_power_W's value without reading the file twice. */
bool npu_config_merge_file_idle(npu_config_t *c, const char *path, cfg_err_t *err, double *idle_power_W);
/* Apply "KEY=VALUE" (VALUE parsed as a YAML scalar). */
bool npu_config_set(npu_config_t *c, const char *assignment, cfg_err_t *err);
/* Resolve CHIP / MODEL / SYSTEM: an existing path, else
 * inputs/npu/<kind>/<name>.yaml; on failure err lists the names there. */
bool npu_config_resolve(const char *kind, const char *name_or_path, char *out, size_t len, cfg_err_t *err);

int64_t npu_config_int(const npu_config_t *c, const char *key);
double npu_config_num(const npu_config_t *c, const char *key);
const char *npu_config_str(const npu_config_t *c, const char *key);
bool npu_config_bool(const npu_config_t *c, const char *key);
void npu_config_set_int(npu_config_t *c, const char *key, int64_t v);

/* The chip fields (then npu_chip_derive). */
void npu_config_chip(const npu_config_t *c, npu_chip_t *chip);

/* Python's json.dump(indent=4) of every key, at nesting `indent` spaces,
 * without the braces; extra_* (may be NULL) appends integer keys. */
void npu_config_dump_json(const npu_config_t *c, FILE *f, int indent, const char *const *extra_keys,
                          const int64_t *extra_vals, size_t n_extra);
/* The same for one NeuSim config class (its pydantic model_dump): the keys
 * in omit are left out; an extra whose key is a schema key replaces that
 * key's value in place (JSON text, dumped even for an unset family key),
 * the other extras are appended in order. */
void npu_config_dump_json_as(const npu_config_t *c, FILE *f, int indent, const char *const *omit, size_t nomit,
                             const char *const *extra_keys, const char *const *extra_json, size_t n_extra);

#endif

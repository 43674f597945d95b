/*
 * sw_config.h -- reading the model YAML (Model: ...) and the system YAML
 * (sizing, all-reduce algorithm, efficiencies, default_mapping, workload)
 * into model_cfg_t and the list of expanded system_cfg_t.
 */
#ifndef PERF_SW_CONFIG_H
#define PERF_SW_CONFIG_H

#include <stddef.h>

#include "config/node.h"
#include "perf/perf_types.h"

int sw_model_load(const char *path, model_cfg_t *out, cfg_err_t *err);
int sw_model_bind(const node_t *root, model_cfg_t *out, cfg_err_t *err);

/* Every system configuration of the file, in the reference's order
 * (workload keys moved to the top level first).  Free *out with free(). */
int sw_system_load(const char *path, system_cfg_t **out, size_t *n, cfg_err_t *err);
int sw_system_bind(cfg_doc_t *doc, const node_t *root, system_cfg_t **out, size_t *n, cfg_err_t *err);

#endif

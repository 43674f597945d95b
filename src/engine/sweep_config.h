/*
 * sweep_config.h -- sweep files (sweeps/NAME.yaml): which hardware configs,
 * constants, models and system configs a sweep covers, with inline
 * overrides, loaded and validated completely before any work starts.
 *
 *   hardware:  FILE or [FILE, ...]
 *   constants: FILE or [FILE, ...]           (default the 7nm constants)
 *   models:    FILE or [FILE, ...]
 *   systems:   FILE or [FILE, ...]           one for all hardware, or
 *              {HW_NAME: FILE or [...], default: FILE or [...]}
 *   overrides: {Chip.area: [100, 200], Model.d: 8192, system.kv_cache_ratio: 0.2,
 *               constants.TCO.PUE: 1.2, ...}
 */
#ifndef ENGINE_SWEEP_CONFIG_H
#define ENGINE_SWEEP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "config/node.h"
#include "hw/hw_config.h"
#include "perf/perf_types.h"

#define SWEEP_PATH_MAX 1024

typedef struct {
    char role[16];                 /* sweep, hardware, constants, model, system */
    char path[SWEEP_PATH_MAX];
    char sha256[65];
} sweep_input_t;

typedef struct {
    char name[PERF_NAME_MAX];      /* file name without .yaml */
    system_cfg_t *cfgs;
    size_t n_cfgs;
} sweep_system_t;

typedef struct {
    char name[HW_NAME_MAX + 64];   /* Name, or Name.CONSTANTS when several constants */
    hw_constants_t hc;
    hw_config_t cfg;
    size_t *systems;               /* indices into sweep_t.systems */
    size_t n_systems;
    size_t combos;                 /* models x system configurations */
} sweep_unit_t;

typedef struct {
    char name[256];                /* the sweep file's name without .yaml */
    char path[SWEEP_PATH_MAX];
    sweep_unit_t *units;           /* hardware x constants, in order */
    size_t n_units;
    model_cfg_t *models;
    size_t n_models;
    sweep_system_t *systems;
    size_t n_systems;
    sweep_input_t *inputs;         /* every file read, sweep file first */
    size_t n_inputs;
    char fingerprint[65];          /* SHA-256 over the inputs' hashes */
    size_t max_combos;             /* largest units[].combos */
} sweep_t;

/* Does this YAML look like a sweep file (top-level hardware/models keys)?
 * 1 yes, 0 no, -1 when it cannot be read as YAML (err filled). */
int sweep_is_sweep_file(const char *path, cfg_err_t *err);
int sweep_load(const char *path, sweep_t *out, cfg_err_t *err);
/* Sizing: before a hardware file is expanded, its configurations are
 * counted and the memory they need estimated (printed on stderr unless
 * quiet); above max_bytes (all hardware files together) the sweep is
 * refused at the override (or part) that makes it large, unless yes. */
typedef struct {
    double max_bytes;
    bool yes, quiet;
} sweep_limits_t;
int sweep_load_sized(const char *path, const sweep_limits_t *lim, sweep_t *out, cfg_err_t *err);
void sweep_free(sweep_t *s);

#endif

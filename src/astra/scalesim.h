/*
 * scalesim.h -- SCALE-Sim v2's view of one GEMM on an R x C systolic array:
 * its .cfg file (INI, case-insensitive keys) and the closed-form compute
 * cycle count of specs/astrasim.md §2.3 (SCALE-Sim v2 @c28fd1b, CALC
 * bandwidth mode), so that no SCALE-Sim run is needed.
 */
#ifndef ASTRA_SCALESIM_H
#define ASTRA_SCALESIM_H

#include <stdbool.h>
#include <stdint.h>

#include "config/node.h"

#define SCALESIM_MAX_ARRAY 65536 /* ArrayHeight / ArrayWidth upper bound */

typedef struct {
    char run_name[128];     /* [general] run_name, quotes stripped ("" when absent) */
    uint64_t rows;          /* R = [architecture_presets] ArrayHeight */
    uint64_t cols;          /* C = ArrayWidth */
    int dataflow;           /* index into the dataflow table: scalesim_dataflow_name() */
    bool user_bandwidth;    /* [run_presets] InterfaceBandwidth = USER: stalls are not modelled */
} scalesim_cfg_t;

/* Parse a SCALE-Sim config as Python's configparser does: `[section]`,
 * `key = value` or `key : value`, keys case-insensitive, `#` / `;` comment
 * lines, duplicate sections or keys refused.  ArrayHeight, ArrayWidth
 * (integers in [1, 65536]) and Dataflow (os, ws, is) are required.  -1 with
 * "file:line:col: what is wrong" in err. */
int scalesim_cfg_load(const char *path, scalesim_cfg_t *cfg, cfg_err_t *err);
int scalesim_cfg_load_text(const char *name, const char *text, size_t len, scalesim_cfg_t *cfg, cfg_err_t *err);
/* An array of rows x cols with a named dataflow; -1 when the name is unknown
 * (err gets the valid names). */
int scalesim_cfg_make(scalesim_cfg_t *cfg, uint64_t rows, uint64_t cols, const char *dataflow, char *err,
                      size_t errlen);
const char *scalesim_dataflow_name(int dataflow);

/* The folds and per-fold cycles of GEMM (M x K) . (K x N) under the config's
 * dataflow (§2.2 mapping, §2.3 formula). */
typedef struct {
    uint64_t sr, sc, t;             /* rows mapped, columns mapped, streamed */
    uint64_t row_folds, col_folds;
    uint64_t per_fold_cycles;
} scalesim_fold_t;
void scalesim_gemm_folds(const scalesim_cfg_t *cfg, uint64_t m, uint64_t k, uint64_t n, scalesim_fold_t *out);
/* SCALE-Sim's "Total Cycles": row_folds x col_folds x per_fold - 1.  M, K,
 * N >= 1.  UINT64_MAX when the count overflows 64 bits. */
uint64_t scalesim_gemm_cycles(const scalesim_cfg_t *cfg, uint64_t m, uint64_t k, uint64_t n);

#endif

/*
 * npu_energy_run.h -- the energy and carbon stages of one NPU simulation
 * (hwsweep npu): the inline NoPG pass of NeuSim's generate(), and the
 * batch pipeline's per-strategy analysis of the performance-only records
 * (energy_stats[PG], per-op energy rows) with fleet carbon on top.
 *
 * Works on an npu_run_t from npu_run(); writes nothing.
 */
#ifndef ENGINE_NPU_ENERGY_RUN_H
#define ENGINE_NPU_ENERGY_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "config/node.h"
#include "engine/npu_run.h"
#include "npu/npu_carbon.h"
#include "npu/npu_energy.h"
#include "npu/npu_pg.h"

#define NPU_ENERGY_MAX_PG 16

typedef struct {
    bool enabled;
    double ci_kg_per_kWh;        /* < 0: the system's carbon_intensity_kgCO2_per_kWh (NeuSim's -1) */
    double utilization;          /* duty cycle, 0..1 */
    double lifetime_years;
    double chip_idle_power_W;    /* the chip file's idle_power_W, <= 0 when it has none */
} npu_carbon_opts_t;

typedef struct {
    size_t n;
    npu_energy_op_t *ops[NPU_ENERGY_MAX_PG];   /* per strategy: the ops after the energy pass */
    npu_energy_stats_t stats[NPU_ENERGY_MAX_PG];
    npu_carbon_t carbon[NPU_ENERGY_MAX_PG];
} npu_phase_energy_t;

typedef struct {
    int npg;                                   /* strategies asked for, in the order given */
    char pg_name[NPU_ENERGY_MAX_PG][64];       /* as given: the keys of energy_stats */
    npu_pg_t pg[NPU_ENERGY_MAX_PG];
    bool has_carbon;
    int nphase;
    npu_phase_energy_t phase[2];
} npu_energy_run_t;

/* NeuSim's generate(analyze_energy=True): the chip's default strategy
 * (pg_config, NoPG) on every op of every phase, in place.  keep_quirks:
 * the NPU_EQ_* quirks kept without compat. */
int npu_run_energy_inline(npu_run_t *r, unsigned keep_quirks, char *err, size_t errlen);

/* The energy pipeline on r's performance-only records (call it before
 * npu_run_energy_inline): every phase under each strategy, slowdown
 * relative to NoPG (analysed as the baseline even when not asked for),
 * and the carbon stage when co->enabled.  Returns 0, or -1 with err
 * (unknown strategy, too many). */
int npu_run_energy(const npu_run_t *r, const char *const *pg_names, int npg, const npu_carbon_opts_t *co,
                   unsigned keep_quirks, npu_energy_run_t *e, char *err, size_t errlen);
/* The same under a DVFS policy (npu_dvfs_policy_t; npu_run_energy: None). */
int npu_run_energy_dvfs(const npu_run_t *r, const char *const *pg_names, int npg, const npu_carbon_opts_t *co,
                        unsigned keep_quirks, int dvfs, npu_energy_run_t *e, char *err, size_t errlen);
void npu_energy_run_free(npu_energy_run_t *e);

/* Work per second of a phase, NeuSim's carbon goodput: tokens per second
 * for inference (unit "tkn"), iterations per second for training
 * ("iteration"). */
double npu_phase_goodput(const npu_phase_t *ph, const char **unit);

/* The energy model's view of op i of a phase. */
void npu_phase_energy_op(const npu_phase_t *ph, size_t i, npu_energy_op_t *o);

#endif

/* ---- sweeps: the energy side of an npu: section ---------------------------------- */

/* power_gating: [PG, ...] and carbon: [CI, UTIL, YEARS] of a sweep. */
typedef struct {
    int npg;
    char pg[NPU_ENERGY_MAX_PG][64];
    npu_carbon_opts_t carbon;
} npu_energy_sweep_t;

/* Parse the value of npu.power_gating or npu.carbon into es (file:line:col
 * errors).  Returns false with err. */
bool npu_energy_sweep_parse(const node_t *v, const char *key, npu_energy_sweep_t *es, cfg_err_t *err);

/* One strategy's numbers of a phase. */
typedef struct {
    double total_energy_J, avg_power_W, peak_power_W, energy_per_unit_J, slowdown;
    bool has_carbon;
    double idle_power_W, fleet_avg_power_W, total_energy_kWh, carbon_kgCO2e, carbon_zero_embodied_kgCO2e;
    double work_per_kgCO2e;    /* tokens (iterations in training) per kgCO2e */
} npu_energy_pg_row_t;

/* The energy numbers of one phase of a sweep point. */
typedef struct {
    bool done;
    double energy_per_unit_J, avg_power_W;     /* the chip's default strategy (pg_config, NoPG) */
    npu_energy_pg_row_t pg[NPU_ENERGY_MAX_PG]; /* es->pg order */
} npu_energy_point_t;

/* Energy of every phase of r: the default strategy, and each of es's
 * strategies (with carbon when asked).  chip_idle_W: the chip file's
 * idle_power_W (Q23), <= 0 when absent.  Returns 0, or -1 with err. */
int npu_energy_point(const npu_run_t *r, const npu_energy_sweep_t *es, unsigned keep_quirks, double chip_idle_W,
                     npu_energy_point_t out[2], char *err, size_t errlen);

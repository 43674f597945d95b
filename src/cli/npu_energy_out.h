/*
 * npu_energy_out.h -- the energy and carbon side of `hwsweep npu`: its
 * options (--no-energy, --power-gating, --carbon), the per-strategy energy
 * CSVs OUT_<phase>_<PG>.csv (the per-op columns plus NeuSim's ten
 * dvfs_extra_* slack columns), energy_stats and carbon_stats in
 * OUT_<phase>.json, and the energy lines of the summary.
 */
#ifndef CLI_NPU_ENERGY_OUT_H
#define CLI_NPU_ENERGY_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/npu_energy_run.h"
#include "engine/npu_run.h"

typedef struct {
    bool no_energy;                      /* skip the inline NoPG pass */
    int npg;
    const char *pg[NPU_ENERGY_MAX_PG];   /* point into buf */
    char buf[1024];
    npu_carbon_opts_t carbon;
    unsigned keep_quirks;                /* NPU_EQ_* kept without --compat (--keep-quirk) */
    int dvfs;                            /* --dvfs: npu_dvfs_policy_t of the strategies' energy */
} npu_energy_cli_t;

/* Parse the options (pg and carbon may be NULL).  --carbon without
 * --power-gating analyses NoPG.  false with err on bad values. */
bool npu_energy_cli_parse(npu_energy_cli_t *a, const char *pg, const char *carbon, bool no_energy, char *err,
                          size_t errlen);

/* --dvfs POLICY (after npu_energy_cli_parse): a policy other than None
 * without --power-gating analyses NoPG.  false with err naming the valid
 * policies. */
bool npu_energy_cli_dvfs(npu_energy_cli_t *a, const char *policy, char *err, size_t errlen);

/* The energy pipeline when strategies were asked for, then the inline
 * pass unless --no-energy.  0, or -1 with err. */
int npu_energy_cli_run(const npu_energy_cli_t *a, npu_run_t *r, npu_energy_run_t *e, char *err, size_t errlen);

/* OUT_<phase>.json: the statistics JSON (sim_config as config_text, from
 * npu_json_config_text) plus energy_stats (and carbon_stats) when
 * strategies were analysed. */
bool npu_energy_json_write(FILE *f, const npu_run_t *r, int phase, const npu_energy_run_t *e,
                           const char *config_text);
/* OUT_<phase>_<PG>.csv for strategy k. */
bool npu_energy_csv_write(FILE *f, const npu_run_t *r, int phase, const npu_energy_run_t *e, int k);
/* The summary's energy lines. */
void npu_energy_summary(FILE *f, const npu_energy_cli_t *a, const npu_run_t *r, const npu_energy_run_t *e);

#endif

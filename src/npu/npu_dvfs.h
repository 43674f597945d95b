/*
 * npu_dvfs.h -- dynamic voltage and frequency scaling of the NPU energy
 * model (spec neusim.md 8.5; NeuSim 45dbdc1 dvfs_policy_lib.py and
 * dvfs_power_getter.py): the named DVFS policies, each operator's plan
 * (a voltage, clock and regulator scaling time per component), the
 * per-unit power at a voltage and clock, and the regulator efficiency at
 * a scaling time, activity and voltage.  The tables are NeuSim's (TPUv5p,
 * 7 nm), used for every chip as NeuSim does.
 *
 * Component order everywhere: SA, VU, SRAM (vmem), HBM, ICI (the order of
 * npu_op_perf_t's dvfs_* arrays).  Units: V, GHz, ns, W, %.
 */
#ifndef NPU_NPU_DVFS_H
#define NPU_NPU_DVFS_H

#include <stddef.h>

#include "npu/npu.h"

enum { NPU_DVFS_SA = 0, NPU_DVFS_VU, NPU_DVFS_SRAM, NPU_DVFS_HBM, NPU_DVFS_ICI, NPU_DVFS__COUNT };

/* The policies hwsweep implements: None (NeuSim's default: every
 * component at 0.7 V, the fixed regulator table) and Ideal (every
 * component slowed into its slack, no scaling overhead). */
typedef enum { NPU_DVFS_NONE = 0, NPU_DVFS_IDEAL } npu_dvfs_policy_t;

/* One operator's plan. */
typedef struct {
    npu_dvfs_policy_t policy;
    double voltage_V[NPU_DVFS__COUNT], freq_GHz[NPU_DVFS__COUNT], scaling_time_ns[NPU_DVFS__COUNT];
} npu_dvfs_plan_t;

/* "None" -> NPU_DVFS_NONE, "Ideal" -> NPU_DVFS_IDEAL; -1 with err naming
 * the valid policies otherwise (NeuSim's DVFSC, Custom and PerfDegrad are
 * declared there but raise "Unsupported" in 45dbdc1: refused the same). */
int npu_dvfs_policy_find(const char *name, char *err, size_t errlen);
/* "None", "Ideal" (the CSV's "DVFS X Policy" cells). */
const char *npu_dvfs_policy_name(npu_dvfs_policy_t p);
/* "None, Ideal" */
const char *npu_dvfs_policy_names(void);

/* The plan of an operator from its performance-only times (its slack):
 * None: (0.7 V, none_GHz, 0 ns) everywhere; Ideal: spec 8.5 at the chip's
 * clock chip_GHz. */
void npu_dvfs_plan(npu_dvfs_policy_t policy, const npu_op_perf_t *op, double chip_GHz, double none_GHz,
                   npu_dvfs_plan_t *plan);

/* Dynamic and static power of one unit of component comp (one SA, one VU,
 * the whole SRAM, HBM controller, ICI) at the plan's voltage and clock
 * (NeuSim's get_power_from_dvfs: the nearest table point of the voltage
 * band, dynamic power scaled linearly with the clock or bandwidth). */
void npu_dvfs_power(const npu_dvfs_plan_t *plan, int comp, double *dynamic_W, double *static_W);

/* Regulator efficiency (%) at a scaling time (2, 20 or 200 ns), activity
 * in [0, 1] and voltage: the smallest table voltage >= V, then the row
 * with the smallest activity >= a.  100 when the table has no such row. */
double npu_dvfs_regulator_efficiency_pct(double scaling_time_ns, double activity, double voltage_V);

#endif

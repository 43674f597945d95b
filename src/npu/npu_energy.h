/*
 * npu_energy.h -- the NPU energy model: per-operator static and dynamic
 * energy of the SA, VU, SRAM (vmem), HBM, ICI and the rest of the chip
 * under a power-gating strategy, the voltage-regulator losses, the DVFS
 * slack of each component, and the per-phase aggregation NeuSim writes as
 * energy_stats[PG] (spec neusim.md section 8.2-8.3).
 *
 * Two modes.  compat reproduces NeuSim 45dbdc1 exactly, quirks included.
 * The default fixes the quirks that are bugs (docs/npu-model.md, "Energy
 * fixes"): SA/VU powers counted once (Q2), no 1.7 GHz rescaling of the
 * times (Q3), one OpType rule: the unit that ran the op (Q26), an idle VU
 * is gated under hardware idle detection (Q20), and the einsum M/N/K
 * averages are time-weighted like B.
 *
 * Units: times ns, energies J per operator instance, powers W.
 */
#ifndef NPU_NPU_ENERGY_H
#define NPU_NPU_ENERGY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "npu/npu.h"
#include "npu/npu_pg.h"

/* NeuSim's energy quirks the default mode fixes (docs/npu-model.md). */
enum {
    NPU_EQ_Q2 = 1u << 0,         /* SA and VU powers multiplied by num_sa / num_vu twice */
    NPU_EQ_Q3 = 1u << 1,         /* times rescaled by freq/1.7, utilisations at 1.7 GHz */
    NPU_EQ_Q20 = 1u << 2,        /* a VU without work is never gated by idle detection */
    NPU_EQ_Q23 = 1u << 3,        /* ungated idle power = sum of static powers (carbon) */
    NPU_EQ_Q26 = 1u << 4,        /* OpType: generator's inline, re-derived in the pipeline */
    NPU_EQ_EINSUM_AVG = 1u << 5, /* avg_einsum_M/N/K divided by the einsum record count */
    NPU_EQ_ALL = (1u << 6) - 1
};
/* "Q2", "Q3", "Q20", "Q23", "Q26", "einsum-avg" -> its bit; 0 when unknown. */
unsigned npu_energy_quirk_parse(const char *name);

typedef struct {
    bool compat;           /* --compat neusim: every NPU_EQ_* quirk */
    bool from_csv;         /* the batch pipeline's path (energy from the perf CSV): with Q26
                              OpType is re-derived from the times there, not inline */
    unsigned keep_quirks;  /* without compat: the NPU_EQ_* quirks kept anyway */
    int dvfs;              /* npu_dvfs_policy_t (npu_dvfs.h): 0 = None, NeuSim's default */
} npu_energy_opts_t;

/* The quirks in force: all with compat, else keep_quirks. */
unsigned npu_energy_kept(const npu_energy_opts_t *o);

/* The component clock of the energy pass: NeuSim's no-DVFS plan runs every
 * component at 1.7 GHz (Q3), the default at the chip's clock. */
double npu_energy_clock_GHz(const npu_chip_t *c, bool q3);

/* Voltage-regulator conversion efficiency (%) at a fixed 0.7 V for an
 * activity in [0, 1]: the row with the smallest activity >= a. */
double npu_regulator_efficiency_pct(double activity);

/* Energy of one operator instance (steps 1-8 of spec 8.2).  Mutates the
 * component times, execution time and bound as NeuSim does (gating
 * wake-ups can slow an op down), fills every energy, power, setpm and
 * DVFS field and sets energy_done. */
void npu_energy_op(npu_op_perf_t *op, const npu_chip_t *c, const npu_pg_t *pg, const npu_energy_opts_t *o);

/* DVFS slack of a component: max(0, exe - t) and its ratio to t (0 when
 * the component is unused).  Index order is NeuSim's column order. */
enum { NPU_X_SA = 0, NPU_X_VU, NPU_X_HBM, NPU_X_ICI, NPU_X_VMEM, NPU_X__COUNT };
extern const char *const npu_dvfs_extra_names[NPU_X__COUNT]; /* "sa", "vu", "hbm", "ici", "vmem" */
void npu_dvfs_extra(const npu_op_perf_t *op, double extra_ns[NPU_X__COUNT], double ratio[NPU_X__COUNT]);

/* One operator as the aggregation sees it. */
typedef struct {
    npu_op_perf_t perf;     /* the per-operator model's record; completed by the energy pass */
    double count;           /* executions (layers x steps) */
    bool mxu_stats;         /* an Einsum, Conv2D or FlashAttention record (einsum sizes, vmem demand) */
    double einsum_B, einsum_M, einsum_N, einsum_K;
} npu_energy_op_t;

/* Run the energy pass on every op. */
void npu_energy_ops(npu_energy_op_t *ops, size_t n, const npu_chip_t *c, const npu_pg_t *pg,
                    const npu_energy_opts_t *o);

/* Components in the order of NeuSim's energy keys. */
enum { NPU_E_SA = 0, NPU_E_VU, NPU_E_SRAM, NPU_E_ICI, NPU_E_HBM, NPU_E_OTHER, NPU_E__COUNT };
extern const char *const npu_energy_comp_names[NPU_E__COUNT]; /* "sa", "vu", "sram", "ici", "hbm", "other" */

/* energy_stats[PG] of one phase: every key NeuSim writes. */
typedef struct {
    double total_energy_J, comp_energy_J[NPU_E__COUNT];
    double total_static_energy_J, static_energy_J[NPU_E__COUNT];
    double total_dynamic_energy_J, dynamic_energy_J[NPU_E__COUNT];
    double peak_power_W, avg_power_W;
    double avg_static_power_W, avg_static_power_comp_W[NPU_E__COUNT];
    double avg_dynamic_power_W, avg_dynamic_power_comp_W[NPU_E__COUNT];
    struct {
        double total_exe_time_ns, sa_time_ns, vu_time_ns, vmem_time_ns, hbm_time_ns, ici_time_ns;
        double sa_temp_util, vu_temp_util, vmem_temp_util, hbm_temp_util, ici_temp_util;
        double sa_spatial_util;
        double flop_count, hbm_bytes_accessed, ici_bytes_accessed;
        double tflops_per_sec, flop_per_byte_hbm, flop_per_byte_ici;
        double model_flops_util, hbm_bw_util;
        double avg_einsum_B, avg_einsum_K, avg_einsum_N, avg_einsum_M, avg_vmem_demand_MB;
        double dvfs_extra_time_ns[NPU_X__COUNT], dvfs_extra_ratio[NPU_X__COUNT];
        double slowdown;    /* total_exe_time_ns / NoPG's */
        double num_setpm_vu, num_setpm_sram;
    } comp;
} npu_energy_stats_t;

/* Aggregate ops that went through the energy pass (spec 8.3).  slowdown
 * is left at 1; npu_energy_set_slowdown sets it from NoPG's stats. */
void npu_energy_aggregate(const npu_energy_op_t *ops, size_t n, const npu_chip_t *c, bool compat,
                          npu_energy_stats_t *s);
/* The same with the NPU_EQ_* quirks in force (compat = NPU_EQ_ALL). */
void npu_energy_aggregate_q(const npu_energy_op_t *ops, size_t n, const npu_chip_t *c, unsigned quirks,
                            npu_energy_stats_t *s);
void npu_energy_set_slowdown(npu_energy_stats_t *s, const npu_energy_stats_t *nopg);

/* The stats as NeuSim's JSON object (keys in NeuSim's order, counters as
 * integers, "component_stats" nested).  New reference. */
json_t *npu_energy_stats_json(const npu_energy_stats_t *s);

/* Energy per generated token, J: the phase's average power of one chip x
 * chips / tokens per second, the throughput slowed down by the strategy
 * (the carbon model's goodput).  0 when no tokens are produced. */
double npu_energy_per_token_J(const npu_energy_stats_t *s, int num_chips, double tokens_per_s);

#endif

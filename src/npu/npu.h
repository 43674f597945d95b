/*
 * npu.h -- the NPU simulator backend's shared records: the chip (NeuSim's
 * ChipConfig with its derived values), the per-operator performance and
 * energy record that the per-operator model (npu_perf) fills and the
 * energy model (npu_energy) reads and completes, and the power-gating
 * strategy.  Nothing here knows which frontend made the operator list.
 *
 * Units: times in ns, traffic in bytes, energies in J per operator
 * instance, powers in W, bandwidths in GB/s (= bytes/ns) unless a field
 * says GiB.
 */
#ifndef NPU_NPU_H
#define NPU_NPU_H

#include <stdbool.h>
#include <stdint.h>

/* The chip (NeuSim ChipConfig; defaults are TPUv5p-like). */
typedef struct {
    char name[16];                     /* version string: "5p" */
    int num_sa, num_vu, num_vu_ports, sa_dim;
    double hbm_bw_GBps;                /* used as GiB/s in memory times (x 2^30/1e9 bytes/ns) */
    double hbm_latency_ns;
    double vmem_size_MB;               /* MiB */
    double freq_GHz;
    double hbm_size_GB;                /* GiB */
    double ici_bw_GBps, dcn_bw_GBps, pcie_bw_GBps;
    double ici_latency_ns, dcn_latency_ns, pcie_latency_ns;
    double TDP_W, min_power_W, avg_power_W, max_power_W;
    double HBM_GBps_per_W, ICI_GBps_per_W;
    int ici_axes;                      /* ICI_topology: TORUS_2D -> 2, otherwise 3 */
    char ici_topology[16];
    double embodied_carbon_kgCO2;
    bool use_vu_for_small_matmul;
    double static_power_W_per_sa, static_power_W_per_vu, static_power_vmem_W, static_power_ici_W;
    double static_power_hbm_mc_W, static_power_hbm_phy_W, static_power_other_W;
    double dynamic_power_W_per_SA, dynamic_power_W_per_VU, dynamic_power_vmem_W;
    double dynamic_power_ici_W_per_GBps, dynamic_power_hbm_W_per_GBps, dynamic_power_other_W;
    char pg_config[48];                /* default power-gating strategy name */
    bool enable_dvfs;

    /* derived (npu_chip_derive) */
    double vmem_bw_GBps, peak_SA_tflops, peak_VU_tflops, peak_tflops;
    double static_power_sa_W, static_power_vu_W, static_power_hbm_W, static_power_W;
    double dynamic_power_sa_W, dynamic_power_vu_W, dynamic_power_hbm_W, dynamic_power_ici_W;
    double dynamic_power_peak_W, total_power_peak_W;
} npu_chip_t;

/* TPUv5p-like defaults of every field, then derived values. */
void npu_chip_defaults(npu_chip_t *c);
/* Recompute the derived fields after any field changed. */
void npu_chip_derive(npu_chip_t *c);

/* NeuSim's OpType: which unit the generator assigned. */
typedef enum { NPU_OP_MXU = 0, NPU_OP_VPU, NPU_OP_ICI, NPU_OP_OTHER } npu_op_type_t;

/* Bounded-by. */
typedef enum { NPU_BOUND_COMPUTE = 0, NPU_BOUND_MEMORY, NPU_BOUND_ICI } npu_bound_t;

/* Per-operator performance (filled by the per-operator model) and energy
 * (filled by the energy model) of one instance of an operator. */
typedef struct {
    npu_op_type_t op_type;
    double flops;                      /* FLOP Count */
    double bytes;                      /* Bytes accessed (HBM) */
    double ici_in_bytes, ici_out_bytes;
    double num_mxu_ops;
    double max_vmem_demand_bytes;      /* 0 when not applicable */

    /* times, ns (NeuSim stores them as integers) */
    double mxu_time_ns, vpu_time_ns, compute_time_ns, memory_time_ns, vmem_time_ns;
    double ici_time_ns, pcie_time_ns, exe_time_ns;
    npu_bound_t bound;
    double tflops_per_sec, hbm_bw_GBps, flops_util, hbm_bw_util;

    /* energy, J per instance (npu_energy) */
    double static_energy_sa_J, static_energy_vu_J, static_energy_sram_J;
    double static_energy_hbm_J, static_energy_ici_J, static_energy_other_J;
    double dynamic_energy_sa_J, dynamic_energy_vu_J, dynamic_energy_sram_J;
    double dynamic_energy_hbm_J, dynamic_energy_ici_J, dynamic_energy_other_J;
    double static_energy_J, dynamic_energy_J, total_energy_J;
    double static_power_W, dynamic_power_W, total_power_W;
    double num_setpm_sa, num_setpm_vu, num_setpm_sram, num_setpm_hbm, num_setpm_ici;
    /* voltage regulator: per component {sa, vu, sram, hbm, ici} */
    double dvfs_voltage_V[5], dvfs_freq_GHz[5], dvfs_scaling_time_ns[5], dvfs_efficiency_pct[5];
    bool energy_done;                  /* the DVFS columns hold the energy pass's values */
    int dvfs_policy;                   /* npu_dvfs_policy_t of those values (0: None) */
} npu_op_perf_t;

#endif

/*
 * npu_pg.h -- power-gating strategies of the NPU energy model (NeuSim's
 * PowerGatingConfig and get_power_gating_config): per component whether
 * it is gated, by whom (hardware idle detection or compiler-inserted
 * setpm), at what temporal and spatial granularity, the gated power as a
 * fraction of full static power, and the wake-up delays in core cycles.
 *
 * Named strategies: NoPG (= disabled), ideal_inst_component,
 * ideal_op_component, Ideal (= ideal_inst_PE_ALU) by exact name; Base*,
 * HW*, Full* by prefix.  Modifiers on the prefix-matched ones:
 * NAME_vary_Vth_A_B sets the gated power fraction of SA, VU, ICI, HBM and
 * other to A and of the SRAM to B; NAME_vary_PG_delay_R multiplies the SA,
 * VU, SRAM-partition and ICI wake-up delays by R (rounded up).
 */
#ifndef NPU_NPU_PG_H
#define NPU_NPU_PG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { NPU_PG_HW = 0, NPU_PG_SW } npu_pg_policy_t;
typedef enum { NPU_PG_INSTRUCTION = 0, NPU_PG_OPERATOR, NPU_PG_APPLICATION } npu_pg_temporal_t;
/* Spatial granularity: SA {PE, PARTITION, COMPONENT}, VU {ALU, PARTITION,
 * COMPONENT}, SRAM {REGISTER_SIZE, PARTITION}, ICI {LINK, COMPONENT}. */
typedef enum {
    NPU_PG_PE = 0, NPU_PG_ALU, NPU_PG_PARTITION, NPU_PG_COMPONENT, NPU_PG_REGISTER_SIZE, NPU_PG_LINK
} npu_pg_spatial_t;
typedef enum { NPU_PG_TWO_LEVEL = 0, NPU_PG_MULTI_LEVEL } npu_pg_voltage_t;

/* One gated component.  gated_factor is the power of the gated level as a
 * fraction of full static power (the last of NeuSim's power level
 * factors); delays are in core cycles (ns = cycles / freq_GHz). */
typedef struct {
    bool enabled;
    npu_pg_policy_t policy;
    npu_pg_temporal_t temporal;
    npu_pg_spatial_t spatial;
    double gated_factor;
    int delay_cycles;          /* SA, VU, ICI, HBM: component wake-up; SRAM: one partition */
} npu_pg_unit_t;

typedef struct {
    char name[64];
    npu_pg_unit_t sa, vu, vmem, ici, hbm, other;
    int sa_pe_delay_cycles;          /* one SA PE */
    npu_pg_voltage_t vmem_voltage;
    double vmem_partition_bytes;     /* PARTITION granularity */
    int vmem_drowsy_period_cycles;   /* HW policy: all partitions sleep this often */
    double hbm_refresh_interval_ns, hbm_refresh_delay_ns; /* carried, unused by the model */
} npu_pg_t;

/* Build the strategy called name.  Returns 0, or -1 with "unknown
 * power-gating strategy 'x' (valid: ...)" or the malformed modifier in err. */
int npu_pg_get(const char *name, npu_pg_t *pg, char *err, size_t errlen);

/* The valid base names, comma separated (for --help and messages). */
const char *npu_pg_names(void);

#endif

/*
 * npu_carbon.h -- fleet energy and carbon of an NPU deployment (NeuSim's
 * carbon_analysis_main / energy_carbon_analysis_lib, spec neusim.md 8.4):
 * idle, active and average power over a duty cycle, lifetime energy with
 * PUE, operational and embodied carbon, carbon and power efficiency, and
 * the active energy split by component.
 *
 * Units: W, kWh, kgCO2e, years; goodput in the workload's unit per second
 * (tokens, iterations or requests).
 */
#ifndef NPU_NPU_CARBON_H
#define NPU_NPU_CARBON_H

#include <jansson.h>
#include <stdbool.h>

#include "npu/npu.h"
#include "npu/npu_energy.h"

typedef struct {
    const char *pg_name;          /* the strategy of the energy stats ("NoPG" idles without gating) */
    double carbon_intensity_kg_per_kWh;
    double utilization;           /* duty cycle: fraction of the lifetime spent active */
    double lifetime_years;        /* compat: truncated to whole years as NeuSim's int() */
    double pue;
    int num_chips;
    double goodput_per_s;         /* before the strategy's slowdown */
    const char *unit;             /* "tkn", "iteration" or "req": names the efficiency keys */
    double chip_idle_power_W;     /* the chip file's idle_power_W, <= 0 when absent (default mode, Q23) */
    bool compat;
} npu_carbon_in_t;

/* One lifetime's energy and carbon. */
typedef struct {
    double total_carbon_efficiency;   /* units per kgCO2e */
    double total_energy_kWh, idle_energy_kWh, active_energy_kWh;
    double static_energy_kWh, dynamic_energy_kWh;
    double static_comp_kWh[NPU_E__COUNT], dynamic_comp_kWh[NPU_E__COUNT];
    double power_efficiency;          /* units per joule */
    double embodied_carbon_percentage;
    double total_carbon_kgCO2e, embodied_carbon_kgCO2e;
} npu_carbon_life_t;

typedef struct {
    double idle_power_W, avg_active_power_W, avg_power_W, peak_power_W;
    double idle_ratio, active_ratio;
    double static_ratio[NPU_E__COUNT], dynamic_ratio[NPU_E__COUNT];
    double lifetime_years;
    npu_carbon_life_t with_embodied, zero_embodied;
    char unit[16];
} npu_carbon_t;

/* Idle power of the fleet, W.  compat: N x (gated ? HBM static x 0.0897 +
 * other static : sum of static powers).  Default: an ungated idle chip
 * draws the chip file's idle_power_W when it gives one (Q23). */
double npu_carbon_idle_power_W(const npu_chip_t *c, const npu_carbon_in_t *in);

/* The idle_power_W a chip file states (NeuSim's JSON or our YAML; not a
 * ChipConfig field), or 0 when it has none or cannot be read. */
double npu_chip_file_idle_power_W(const char *path);

void npu_carbon(const npu_chip_t *c, const npu_energy_stats_t *e, const npu_carbon_in_t *in, npu_carbon_t *out);

/* Add NeuSim's carbon keys (idle_power_W ... carbon_and_energy_stats,
 * carbon_and_energy_stats_zero_embodied) to obj. */
void npu_carbon_json_add(json_t *obj, const npu_carbon_t *r);

#endif

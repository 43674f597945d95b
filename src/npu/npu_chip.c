/*
 * npu_chip.c -- the NPU chip record (npu.h): NeuSim ChipConfig's defaults
 * (TPUv5p-like) and the derived peak rates and powers (spec §1.1).
 */
#include <stdio.h>
#include <string.h>

#include "npu/npu.h"

void npu_chip_defaults(npu_chip_t *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "5p");
    c->num_sa = 8;
    c->num_vu = 6;
    c->num_vu_ports = 6;
    c->sa_dim = 128;
    c->hbm_bw_GBps = 2765;
    c->hbm_latency_ns = 500;
    c->vmem_size_MB = 128;
    c->freq_GHz = 1.75;
    c->hbm_size_GB = 95;
    c->ici_bw_GBps = 200;
    c->dcn_bw_GBps = 25;
    c->pcie_bw_GBps = 32;
    c->ici_latency_ns = 3330;
    c->dcn_latency_ns = 3700;
    c->pcie_latency_ns = 400;
    c->TDP_W = 350;
    c->min_power_W = 1;
    c->avg_power_W = 1;
    c->max_power_W = 331;
    c->HBM_GBps_per_W = 123.5;
    c->ICI_GBps_per_W = 56.583;
    snprintf(c->ici_topology, sizeof c->ici_topology, "TORUS_3D");
    c->ici_axes = 3;
    c->embodied_carbon_kgCO2 = 585;
    c->use_vu_for_small_matmul = true;
    c->static_power_W_per_sa = 1.35868996;
    c->static_power_W_per_vu = 0.475076728;
    c->static_power_vmem_W = 24.21353615;
    c->static_power_ici_W = 6.114104803;
    c->static_power_hbm_mc_W = 10.264041296;
    c->static_power_hbm_phy_W = 15.396061944;
    c->static_power_other_W = 44.82811018;
    c->dynamic_power_W_per_SA = 28.19413333;
    c->dynamic_power_W_per_VU = 2.65216;
    c->dynamic_power_vmem_W = 50.18368;
    c->dynamic_power_ici_W_per_GBps = 0.01767315271;
    c->dynamic_power_hbm_W_per_GBps = 0.01261538462;
    c->dynamic_power_other_W = 0;
    snprintf(c->pg_config, sizeof c->pg_config, "NoPG");
    c->enable_dvfs = false;
    npu_chip_derive(c);
}

void npu_chip_derive(npu_chip_t *c)
{
    c->ici_axes = strstr(c->ici_topology, "2D") ? 2 : 3;
    c->vmem_bw_GBps = c->num_vu_ports * c->freq_GHz * 8 * 128 * 4;
    c->peak_SA_tflops = (double)(c->num_sa * c->sa_dim * c->sa_dim * 2) * c->freq_GHz * 1e9 / 1e12;
    c->peak_VU_tflops = (double)(c->num_vu * 8 * 128) * c->freq_GHz * 1e9 / 1e12;
    c->peak_tflops = c->peak_SA_tflops + c->peak_VU_tflops;
    c->static_power_sa_W = c->static_power_W_per_sa * c->num_sa;
    c->static_power_vu_W = c->static_power_W_per_vu * c->num_vu;
    c->static_power_hbm_W = c->static_power_hbm_mc_W + c->static_power_hbm_phy_W;
    c->static_power_W = c->static_power_sa_W + c->static_power_vu_W + c->static_power_vmem_W +
                        c->static_power_ici_W + c->static_power_hbm_W + c->static_power_other_W;
    c->dynamic_power_sa_W = c->dynamic_power_W_per_SA * c->num_sa;
    c->dynamic_power_vu_W = c->dynamic_power_W_per_VU * c->num_vu;
    c->dynamic_power_hbm_W = c->hbm_bw_GBps * c->dynamic_power_hbm_W_per_GBps;
    c->dynamic_power_ici_W = c->ici_bw_GBps * c->dynamic_power_ici_W_per_GBps;
    c->dynamic_power_peak_W = c->dynamic_power_sa_W + c->dynamic_power_vu_W + c->dynamic_power_vmem_W +
                              c->dynamic_power_ici_W + c->dynamic_power_hbm_W + c->dynamic_power_other_W;
    c->total_power_peak_W = c->static_power_W + c->dynamic_power_peak_W;
}

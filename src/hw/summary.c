/*
 * summary.c -- one row of the hardware summary (see summary.h).
 */
#include <stdlib.h>

#include "hw/summary.h"

const char *const hw_summary_columns[HW_SUMMARY_NCOLS] = {
    "chip_area", "chip_sram_mb", "chip_tops", "chip_sram_bw_TB_per_sec", "chip_sram_area",
    "chip_mac_area", "chip_tdp", "chip_cost",
    "pkg_num_chips", "pkg_tops", "pkg_sram_mb", "pkg_tdp", "pkg_dram_gb", "pkg_dram_bw_TB_per_sec",
    "srv_num_packages", "srv_sram_mb", "srv_tdp", "srv_tops", "srv_cost",
    "tco_total", "tco_dc_amortization", "tco_dc_interest", "tco_dc_opex", "tco_srv_amortization",
    "tco_srv_interest", "tco_srv_opex", "tco_srv_power", "tco_pue_overhead",
    "cost_per_tops", "watts_per_tops", "tco_per_tops", "sram_density", "die_yield", "sparse_weight", "chip_id",
};

void hw_summary_row(const server_t *s, summary_cell_t out[HW_SUMMARY_NCOLS])
{
    const package_t *p = s->package;
    const chip_t *ch = p->chip;
    double tops = s->perf / 1e12;
    const double v[HW_SUMMARY_NCOLS - 2] = {
        ch->area, ch->sram_mb, ch->tops, ch->sram_bw_TB_per_sec, ch->sram_area, ch->mac_area, ch->tdp, ch->cost,
        p->num_chips, p->tops, p->sram_mb, p->tdp, p->dram_gb, p->dram_bw_TB_per_sec,
        s->num_packages, s->sram_mb, s->tdp, s->tops, s->cost,
        s->tco.total, s->tco.dc_amortization, s->tco.dc_interest, s->tco.dc_opex, s->tco.srv_amortization,
        s->tco.srv_interest, s->tco.srv_opex, s->tco.srv_power, s->tco.pue_overhead,
        s->cost / tops, s->tdp / tops, s->tco.total / tops, ch->sram_mb / ch->sram_area, ch->die_yield,
    };
    for (int i = 0; i < HW_SUMMARY_NCOLS - 2; i++)
        out[i] = (summary_cell_t){v[i], NULL};
    out[33] = (summary_cell_t){0, "False"};
    out[34] = (summary_cell_t){0, ch->chip_id_given ? ch->chip_id : NULL};
    if (!ch->chip_id_given)
        out[34].v = strtod(ch->chip_id, NULL);
}

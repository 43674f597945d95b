/*
 * chip.c -- one chip (ReaLLM v1 Chip.py): area from perf/SRAM or perf/SRAM
 * from area and mac_ratio (linear area model), TDP, power density, die
 * yield, dies per wafer and die cost.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/numfmt.h"
#include "hw/hw_eval.h"

static void chip_invalid(chip_t *chip, const char *fmt, double v)
{
    char num[40];
    num_repr(num, sizeof num, v);
    chip->valid = false;
    snprintf(chip->invalid_reason, sizeof chip->invalid_reason, fmt, num);
}

static void chip_other_area(chip_t *chip, const chip_constants_t *c)
{
    chip->other_area += chip->hbm_channels * c->hbm_phy_ctrl_area_per_channel;
    if (chip->mem_3d_vault_tsvs != 0)
        chip->other_area += chip->mem_3d_vaults * (chip->mem_3d_vault_tsvs * c->mem_3d_area_per_tsv
                                                   + c->mem_3d_ctrl_area_per_vault);
    else
        chip->other_area += chip->mem_3d_vaults * c->mem_3d_tsv_ctrl_area_per_vault;
    if (chip->mem_3d_vaults > 0)
        chip->other_area += chip->mem_3d_vaults * c->mem_3d_test_area_per_vault;
}

/* perf, sram and sram_bw given: the die grows to fit them. */
static void chip_from_perf_sram(chip_t *chip, const chip_constants_t *c)
{
    chip->sram_mb = chip->sram / 1e6;
    chip->sram_area = chip->sram_mb * c->sram_density;
    chip->mac_area = chip->perf / 1e12 * chip->macs_density;
    double mac_sram_area = chip->sram_area + chip->mac_area;
    chip->mac_ratio = chip->mac_area / mac_sram_area;
    double core_area = (mac_sram_area + chip->io_area + chip->other_area) / chip->core_area_ratio;
    double side = sqrt(core_area) + c->padring_width;
    chip->area = side * side;
}

/* area and mac_ratio given: split what is left of the die. */
static void chip_from_area_ratio(chip_t *chip, const chip_constants_t *c)
{
    double core_side = sqrt(chip->area) - c->padring_width;
    double core_area = core_side * core_side;
    double mac_sram_area = core_area * chip->core_area_ratio - chip->io_area - chip->other_area;
    if (mac_sram_area < 0.1) {
        chip_invalid(chip, "Die size %s mm2 too small! Not enough area for MACs and SRAM", chip->area);
        return;
    }
    chip->sram_area = mac_sram_area * (1 - chip->mac_ratio);
    chip->mac_area = mac_sram_area - chip->sram_area;
    chip->perf = chip->mac_area / chip->macs_density * 1e12;
    /* operational_intensity: MACs per weight; 2 FLOPs per MAC */
    chip->sram_bw = chip->perf / 2 / chip->operational_intensity * chip->bytes_per_word;
    chip->sram_mb = chip->sram_area / c->sram_density;
    if (chip->sram_mb != 0)
        chip->sram = chip->sram_mb * 1e6;
    else
        chip_invalid(chip, "Can not find a valid SRAM design for %s mm2", chip->sram_area);
}

static double chip_cost(chip_t *chip, const chip_constants_t *c)
{
    chip->die_yield = hw_die_yield(chip->area, c->D0, c->alpha);
    chip->dpw = hw_dies_per_wafer(chip->area, c->wafer_diameter, c->wafer_dicing_gap);
    double die_cost = (c->wafer_cost * 1.0 / chip->dpw) / chip->die_yield;
    return die_cost + die_cost * c->testing_cost_overhead;
}

static void chip_finish(chip_t *chip, const chip_constants_t *c)
{
    if (!(chip->area <= c->max_die_area)) {
        chip_invalid(chip, "Chip area %s mm2 is too large", chip->area);
        return;
    }
    chip->core_tdp = chip->perf / 1e12 * chip->w_per_tops;
    /* quirk: chip TDP includes the pkg2pkg links' TDP */
    chip->tdp = chip->core_tdp + chip->pkg2pkg_io.tdp;
    chip->power_density = chip->tdp / chip->area;
    bool cool = chip->power_density <= c->max_power_density;
    if (!cool)
        chip_invalid(chip, "Chip power density %s W/mm2 is too high", chip->power_density);
    /* quirk: with thermal_eval false a too-hot chip keeps its reason but stays valid */
    if (!cool && chip->thermal_eval)
        return;
    chip->valid = true;
    chip->cost = chip_cost(chip, c);
    chip->tops = chip->perf / 1e12;
    chip->sram_bw_TB_per_sec = chip->sram_bw / 1e12;
    chip->x = sqrt(chip->area);
    chip->y = chip->x;
    double total_fma = floor(chip->perf / chip->freq / 2);
    chip->sa_width = floor(sqrt(total_fma / chip->num_sa));
}

void hw_chip_eval(chip_t *chip, const chip_constants_t *c)
{
    chip->valid = false;
    chip->invalid_reason[0] = '\0';
    if (chip->sram_tech[0] == '\0')
        snprintf(chip->sram_tech, sizeof chip->sram_tech, "%s", chip->tech);
    if (chip->macs_density == 0)
        chip->macs_density = c->macs_density;
    if (chip->w_per_tops == 0)
        chip->w_per_tops = c->w_per_tops;
    hw_io_eval(&chip->pkg2pkg_io);
    chip->io_area = chip->pkg2pkg_io.area;
    if (chip->chip2chip_io.present) {
        hw_io_eval(&chip->chip2chip_io);
        chip->io_area = chip->pkg2pkg_io.area + chip->chip2chip_io.area;
    }
    chip_other_area(chip, c);
    if (chip->perf != 0 && chip->sram != 0) {
        chip_from_perf_sram(chip, c);
    } else if (chip->area != 0 && chip->mac_ratio != 0) {
        chip_from_area_ratio(chip, c);
    } else {
        snprintf(chip->invalid_reason, sizeof chip->invalid_reason, "Wrong chip input configuration");
        return;
    }
    if (chip->sram != 0)
        chip_finish(chip, c);
}

/*
 * package.c -- one package (ReaLLM v1 Package.py): chips plus HBM stacks or
 * 3D memory vaults, silicon interposer or organic substrate, heat-source
 * size, power density, and the Chiplet Actuary package cost model.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/numfmt.h"
#include "hw/hw_eval.h"

static bool pkg_fail(package_t *p, const char *msg)
{
    snprintf(p->invalid_reason, sizeof p->invalid_reason, "%s", msg);
    return false;
}

static bool mem3d_is(const mem3d_t *m, const char *lower, const char *upper)
{
    return strstr(m->mem_type, lower) || strstr(m->mem_type, upper);
}

/* Memory, compute and power totals.  False when a memory is missing. */
static bool pkg_totals(package_t *p)
{
    const chip_t *chip = p->chip;
    double nc = p->num_chips;
    if (chip->hbm_channels > 0) {
        p->si = true;   /* HBM needs a silicon interposer */
        if (!p->hbm.present)
            return pkg_fail(p, "HBM is required (the chip has hbm_channels) but the package has no hbm");
        /* quirk: stacks = num_chips x (hbm_channels // stack channels) */
        p->num_hbm_stacks = nc * floor(chip->hbm_channels / p->hbm.num_channels);
    } else if (nc == 1) {
        p->si = false;
    }
    if (chip->mem_3d_vaults > 0 && !p->mem_3d.present)
        return pkg_fail(p, "3D memory vaults are required (the chip has mem_3d_vaults) but the package has no mem_3d");
    p->io = chip->pkg2pkg_io;
    p->io.num = nc * chip->pkg2pkg_io.num;
    hw_io_eval(&p->io);
    p->perf = nc * chip->perf;
    p->tdp = nc * chip->tdp;
    p->sram = nc * chip->sram;
    if (chip->mem_3d_vaults > 0) {
        p->tdp += nc * chip->mem_3d_vaults * p->mem_3d.tdp;
        if (mem3d_is(&p->mem_3d, "sram", "SRAM")) {
            p->sram += nc * chip->mem_3d_vaults * p->mem_3d.cap;
            p->dram = 0;
            p->dram_bw_per_chip = 0;
        } else {
            p->dram = nc * chip->mem_3d_vaults * p->mem_3d.cap;
            p->dram_bw_per_chip = p->mem_3d.bandwidth * chip->mem_3d_vaults;
        }
    } else if (p->num_hbm_stacks > 0) {
        p->tdp += p->num_hbm_stacks * p->hbm.tdp;
        p->dram = p->num_hbm_stacks * p->hbm.cap;
        p->dram_bw_per_chip = p->hbm.bandwidth * p->num_hbm_stacks / nc;
    } else {
        p->dram = 0;
        p->dram_bw_per_chip = 0;
    }
    p->total_mem = p->sram + p->dram;
    p->tops = nc * chip->tops;
    p->sram_mb = nc * chip->sram_mb;
    p->dram_gb = p->dram / 1e9;
    p->dram_bw_TB_per_sec = p->dram_bw_per_chip * nc / 1e12;
    return true;
}

static void pkg_dimension(package_t *p, const package_constants_t *c)
{
    p->total_die_area = p->num_chips * p->chip->area;
    if (p->hbm.present)
        p->total_die_area += p->num_hbm_stacks * p->hbm.area;
    double scale = p->si ? c->si_area_scale_factor : c->os_area_scale_factor;
    p->area = p->total_die_area * scale;
    p->length = sqrt(p->area);
    p->width = p->length;
}

/* HBM placement along the chips' long sides; sets the heat-source size. */
static bool pkg_hbm_area(package_t *p)
{
    const chip_t *chip = p->chip;
    char msg[HW_REASON_MAX], a[40];
    double chip_long = fmax(chip->x, chip->y);
    double chip_short = fmin(chip->x, chip->y);
    double hbm_long = fmax(p->hbm.x, p->hbm.y);
    double hbm_short = fmin(p->hbm.x, p->hbm.y);
    double max_stacks = 2 * ceil(chip_long / hbm_long) * p->num_chips;
    double long_side, short_side;
    if (p->num_hbm_stacks > max_stacks) {
        num_repr(a, sizeof a, p->num_chips * chip->area);
        snprintf(msg, sizeof msg, "Not enough space to place %.17g HBM stacks in total chip area of %s mm2",
                 p->num_hbm_stacks, a);
        return pkg_fail(p, msg);
    } else if (p->num_hbm_stacks > max_stacks / 2) {
        double per_side = ceil(p->num_hbm_stacks / p->num_chips / 2);   /* both sides */
        long_side = fmax(chip_long, per_side * hbm_long);
        short_side = chip_short + 2 * hbm_short;
    } else {
        double per_side = ceil(p->num_hbm_stacks / p->num_chips);       /* one side */
        long_side = fmax(chip_long, per_side * hbm_long);
        short_side = chip_short + hbm_short;
    }
    /* quirk: 1.2 margin and floor(sqrt(num_chips)) as the reference has it */
    p->heatsource_length = fmax(long_side, short_side) * floor(sqrt(p->num_chips)) * 1.2;
    return true;
}

static bool pkg_check_area(package_t *p, const package_constants_t *c)
{
    const chip_t *chip = p->chip;
    char msg[HW_REASON_MAX], a[40], b[40];
    if (chip->mem_3d_vaults > 0) {
        if (chip->mem_3d_vaults * p->mem_3d.area > chip->area) {
            snprintf(msg, sizeof msg, "Not enough space to place %.17g 3D memory vaults", chip->mem_3d_vaults);
            return pkg_fail(p, msg);
        }
        if (chip->mem_3d_vault_tsvs != 0 && chip->mem_3d_vault_tsvs != p->mem_3d.tsvs) {
            snprintf(msg, sizeof msg, "Chip has %.17g TSVs per 3D memory vault, but the memory has %.17g TSVs per vault",
                     chip->mem_3d_vault_tsvs, p->mem_3d.tsvs);
            return pkg_fail(p, msg);
        }
        p->heatsource_length = fmax(chip->x, chip->y) * ceil(sqrt(p->num_chips));
    }
    if (p->num_hbm_stacks > 0) {
        if (!pkg_hbm_area(p))
            return false;
    } else {
        if (p->total_die_area > c->max_die_area) {
            num_repr(a, sizeof a, p->total_die_area);
            num_repr(b, sizeof b, c->max_die_area);
            snprintf(msg, sizeof msg, "Not enough space to place %.17g chips, the area is %s mm2, but the max area is %s mm2",
                     p->num_chips, a, b);
            return pkg_fail(p, msg);
        }
        p->heatsource_length = fmax(chip->x, chip->y) * ceil(sqrt(p->num_chips)) * 1.2;
    }
    p->heatsource_width = p->heatsource_length;
    return true;
}

static bool pkg_check_thermal(package_t *p, const package_constants_t *c)
{
    char msg[HW_REASON_MAX], a[40], b[40];
    p->power_density = p->tdp / (p->heatsource_length * p->heatsource_width);
    bool custom = p->custom_max_power_density != 0;
    double limit = custom ? p->custom_max_power_density : c->max_power_density;
    if (p->power_density <= limit)
        return true;
    num_repr(a, sizeof a, p->power_density);
    num_repr(b, sizeof b, limit);
    snprintf(msg, sizeof msg, "Power density %s W/mm2 is higher than the %smax power density %s W/mm2",
             a, custom ? "custom " : "", b);
    return pkg_fail(p, msg);
}

/* Chiplet Actuary (DAC'22): packaging cost plus chips lost in bonding. */
static double pkg_packaging_cost(const package_t *p, const package_constants_t *c)
{
    double chip_cost = p->num_chips * p->chip->cost;
    if (p->si) {   /* silicon interposer, chip-last */
        double cost_os = c->os_cost_per_mm2 * p->area;
        double si_per_wafer = hw_dies_per_wafer(p->area, 300.0, 0.1);
        double cost_si = c->si_wafer_cost / si_per_wafer;
        double cost_c4 = c->c4_bump_cost_per_mm2 * p->area;
        double si_yield = hw_die_yield(p->area, c->si_D0, c->si_alpha);
        double bond = pow(c->si_bonding_yield, p->num_chips);
        double cost_pkg = (cost_si + cost_c4) / si_yield / bond / c->os_bonding_yield
                          + cost_os / c->os_bonding_yield;
        return cost_pkg + chip_cost * (1 / bond / c->os_bonding_yield - 1);
    }
    /* organic substrate; quirk: several chips without HBM land here too */
    double factor = 1;
    if (p->num_chips != 1) {
        /* quirk: the first {threshold: factor} in YAML order that the area exceeds */
        for (int i = 0; i < c->os_layer_n; i++)
            if (p->area > c->os_layer_threshold_mm2[i]) {
                factor = c->os_layer_factor[i];
                break;
            }
    }
    double bond = pow(c->os_bonding_yield, p->num_chips);
    double cost_pkg = p->area * c->os_cost_per_mm2 * factor / bond;
    return cost_pkg + chip_cost * (1 / bond - 1);
}

static double pkg_cost(const package_t *p, const package_constants_t *c)
{
    double total = p->num_chips * p->chip->cost;
    if (p->hbm.present)
        total += p->num_hbm_stacks * p->hbm.cost;
    if (p->mem_3d.present)
        total += p->num_chips * p->mem_3d.cost * p->chip->mem_3d_vaults;
    return total + pkg_packaging_cost(p, c);
}

void hw_package_eval(package_t *p, const package_constants_t *c)
{
    p->valid = false;
    p->invalid_reason[0] = '\0';
    if (p->hbm.present)
        hw_hbm_eval(&p->hbm);
    if (p->mem_3d.present)
        hw_mem3d_eval(&p->mem_3d);
    if (!pkg_totals(p))
        return;
    pkg_dimension(p, c);
    if (!pkg_check_area(p, c))
        return;
    /* quirk: thermal_eval false keeps a too-hot package valid, with its reason */
    if (pkg_check_thermal(p, c) || !p->thermal_eval) {
        p->valid = true;
        p->cost = pkg_cost(p, c);
    }
}

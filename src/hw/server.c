/*
 * server.c -- one server (ReaLLM v1 Server.py): lanes of packages, lane
 * silicon area limits, package cooling by the heat sink, server power
 * limit, TDP after DC-DC and PSU losses, itemized cost and TCO.
 */
#include <stdio.h>

#include "config/numfmt.h"
#include "hw/hw_eval.h"
#include "hw/tco.h"

static bool srv_fail(server_t *s, const char *fmt, double a, double b)
{
    char x[40], y[40];
    num_repr(x, sizeof x, a);
    num_repr(y, sizeof y, b);
    snprintf(s->invalid_reason, sizeof s->invalid_reason, fmt, x, y);
    return false;
}

bool hw_server_lane_ok(server_t *s, const server_constants_t *c)
{
    const package_t *p = s->package;
    s->valid = false;
    s->invalid_reason[0] = '\0';
    hw_io_eval(&s->io);
    double lane_mm2 = (p->heatsource_length * p->heatsource_width) * s->packages_per_lane;
    if (lane_mm2 > c->LaneAreaMax)
        return srv_fail(s, "Lane silicon area %s mm2 too large (max %s mm2)", lane_mm2, c->LaneAreaMax);
    if (lane_mm2 < c->LaneAreaMin)
        return srv_fail(s, "Lane silicon area %s mm2 too small (min %s mm2)", lane_mm2, c->LaneAreaMin);
    return true;
}

static bool srv_check_thermal(server_t *s, const server_constants_t *c)
{
    const package_t *p = s->package;
    if (!s->hs.valid) {
        snprintf(s->invalid_reason, sizeof s->invalid_reason, "Can't find valid heatsink configuration");
        return false;
    }
    if (s->hs.max_power * s->package_max_power_factor < p->tdp)
        return srv_fail(s, "Heat sink %s W cannot cool package TDP %s W", s->hs.max_power, p->tdp);
    /* quirk: the limit applies to the core TDP before DC-DC/PSU losses */
    double limit = s->custom_max_power != 0 ? s->custom_max_power : c->SrvMaxPower;
    if (limit < s->core_tdp)
        return srv_fail(s, "Server core power %s W is too large, max power is %s W", s->core_tdp, limit);
    return true;
}

static double srv_cost(server_t *s, const server_constants_t *c)
{
    const package_t *p = s->package;
    const chip_t *chip = p->chip;
    double amps = c->APPPower / 1.0;
    amps += (chip->core_tdp / chip->vdd) * s->num_chips;
    if (p->mem_3d.present)
        amps += (chip->mem_3d_vaults * p->mem_3d.tdp / p->mem_3d.vdd) * s->num_chips;
    else if (p->hbm.present)
        amps += (p->num_hbm_stacks * p->hbm.tdp / p->hbm.vdd) * s->num_packages;
    s->cost_dcdc = c->DCDCCostPerAmp * amps;
    /* quirk: the PSU is sized on the TDP after losses */
    s->cost_psu = s->tdp * c->PSUCostPerW;
    if (s->cost_dcdc > c->MaxDCDCCost)
        s->cost_dcdc = c->MaxDCDCCost;
    if (s->cost_psu > c->MaxPSUCost)
        s->cost_psu = c->MaxPSUCost;
    s->cost_all_fans = c->FanCost * s->num_lanes;
    s->cost_all_ethernet = c->EthernetCost;
    s->cost_system = c->PCBCost * 2 + c->PCBPartsCost + c->ChassisCost;
    hw_server_cost_sum(s);
    return s->cost;
}

static void srv_counts(server_t *s)
{
    s->num_packages = s->num_lanes * s->packages_per_lane;
    s->num_chips = s->num_packages * s->package->num_chips;
}

void hw_server_sizes(server_t *s)
{
    const package_t *p = s->package;
    srv_counts(s);
    s->perf = p->perf * s->num_packages;
    s->sram = p->sram * s->num_packages;
    s->dram = p->dram * s->num_packages;
    s->tdp = s->core_tdp + s->other_tdp;
    s->tops = s->perf / 1e12;
    s->sram_mb = s->sram / 1e6;
    s->total_mem = s->sram + s->dram;
}

void hw_server_cost_sum(server_t *s)
{
    s->cost_all_package = s->package->cost * s->num_packages;
    s->cost_all_heatsinks = s->hs.cost * s->num_packages;
    s->cost = s->cost_all_package + s->cost_all_heatsinks + s->cost_all_fans + s->cost_all_ethernet +
              s->cost_dcdc + s->cost_psu + s->cost_system;
}

void hw_server_eval(server_t *s, const hw_constants_t *hc, heatsink_t hs)
{
    const server_constants_t *c = &hc->server;
    const package_t *p = s->package;
    srv_counts(s);
    s->core_tdp = s->num_packages * p->tdp;
    s->hs = hs;
    /* quirk: thermal_eval false keeps an uncoolable server valid, with its reason */
    if (!srv_check_thermal(s, c) && s->thermal_eval)
        return;
    s->valid = true;
    s->other_tdp = (c->FanPower * s->num_lanes + c->APPPower) / c->DCDCEfficiency / c->PSUEfficiency;
    s->core_tdp = s->core_tdp / c->DCDCEfficiency / c->PSUEfficiency;
    hw_server_sizes(s);
    s->cost = srv_cost(s, c);
    s->tco = hw_tco_eval(&hc->tco, s->tdp, s->cost, c->SrvLife);
}

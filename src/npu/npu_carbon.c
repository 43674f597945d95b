/*
 * npu_carbon.c -- fleet energy and carbon (spec neusim.md 8.4): the
 * duty-cycle power model, lifetime energy with PUE, carbon with and
 * without the chips' embodied carbon, and efficiencies.
 */
#include "npu/npu_carbon.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/json.h"
#include "config/node.h"

#define HBM_IDLE_GATED_FRACTION 0.0897  /* NeuSim: gated HBM keeps refresh and PHY leakage */

/* Energy drawn at power_W for years, kWh at the wall (x PUE). */
static double lifetime_energy_kWh(double pue, double years, double power_W)
{
    return power_W / 1000 * (years * 365 * 24) * pue;
}

double npu_carbon_idle_power_W(const npu_chip_t *c, const npu_carbon_in_t *in)
{
    bool gated = strcmp(in->pg_name, "NoPG") != 0 && strcmp(in->pg_name, "disabled") != 0;
    if (in->compat)
        gated = strcmp(in->pg_name, "NoPG") != 0;
    double chip_W;
    if (gated)
        chip_W = c->static_power_hbm_W * HBM_IDLE_GATED_FRACTION + c->static_power_other_W;
    else if (!in->compat && in->chip_idle_power_W > 0)
        chip_W = in->chip_idle_power_W;
    else
        chip_W = c->static_power_W;
    return chip_W * in->num_chips;
}

static void one_lifetime(const npu_chip_t *c, const npu_carbon_in_t *in, const npu_carbon_t *r, double goodput,
                         bool embodied, npu_carbon_life_t *L)
{
    double years = r->lifetime_years, u = in->utilization;
    double embodied_kg = embodied ? c->embodied_carbon_kgCO2 * in->num_chips : 0;
    double active_goodput = goodput * u;
    L->total_energy_kWh = lifetime_energy_kWh(in->pue, years, r->avg_power_W);
    L->total_carbon_kgCO2e = L->total_energy_kWh * in->carbon_intensity_kg_per_kWh + embodied_kg;
    double work = active_goodput * (years * 365 * 24 * 3600);
    /* NeuSim inverts carbon per unit of work. */
    L->total_carbon_efficiency = 1 / (L->total_carbon_kgCO2e / work);
    L->power_efficiency = active_goodput / (in->pue * r->avg_power_W);
    L->idle_energy_kWh = lifetime_energy_kWh(in->pue, years * r->idle_ratio, r->idle_power_W);
    L->active_energy_kWh = lifetime_energy_kWh(in->pue, years * u, r->avg_active_power_W);
    L->static_energy_kWh = L->dynamic_energy_kWh = 0;
    for (int e = 0; e < NPU_E__COUNT; e++) {
        L->static_comp_kWh[e] = L->active_energy_kWh * r->static_ratio[e];
        L->dynamic_comp_kWh[e] = L->active_energy_kWh * r->dynamic_ratio[e];
        L->static_energy_kWh += L->static_comp_kWh[e];
        L->dynamic_energy_kWh += L->dynamic_comp_kWh[e];
    }
    L->embodied_carbon_percentage = embodied_kg / L->total_carbon_kgCO2e;
    L->embodied_carbon_kgCO2e = embodied_kg;
}

void npu_carbon(const npu_chip_t *c, const npu_energy_stats_t *e, const npu_carbon_in_t *in, npu_carbon_t *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->unit, sizeof r->unit, "%s", in->unit);
    r->lifetime_years = in->compat ? trunc(in->lifetime_years) : in->lifetime_years;
    r->idle_ratio = 1 - in->utilization;
    r->active_ratio = in->utilization;
    r->idle_power_W = npu_carbon_idle_power_W(c, in);
    r->avg_active_power_W = e->avg_power_W * in->num_chips;
    r->avg_power_W = r->idle_ratio * r->idle_power_W + in->utilization * r->avg_active_power_W;
    r->peak_power_W = e->peak_power_W * in->num_chips;
    for (int k = 0; k < NPU_E__COUNT; k++) {
        r->static_ratio[k] = e->total_energy_J != 0 ? e->static_energy_J[k] / e->total_energy_J : 0;
        r->dynamic_ratio[k] = e->total_energy_J != 0 ? e->dynamic_energy_J[k] / e->total_energy_J : 0;
    }
    double goodput = e->comp.slowdown > 0 ? in->goodput_per_s / e->comp.slowdown : 0;
    one_lifetime(c, in, r, goodput, true, &r->with_embodied);
    one_lifetime(c, in, r, goodput, false, &r->zero_embodied);
}

static json_t *life_json(const npu_carbon_life_t *L, const char *unit)
{
    json_t *o = json_object();
    char key[96];
    snprintf(key, sizeof key, "avg_total_carbon_efficiency_%s_per_kgCO2e", unit);
    json_object_set_new(o, key, json_real(L->total_carbon_efficiency));
    json_object_set_new(o, "avg_total_energy_consumption_kWh", json_real(L->total_energy_kWh));
    json_object_set_new(o, "avg_idle_energy_consumption_kWh", json_real(L->idle_energy_kWh));
    json_object_set_new(o, "avg_active_energy_consumption_kWh", json_real(L->active_energy_kWh));
    json_object_set_new(o, "avg_static_energy_consumption_kWh", json_real(L->static_energy_kWh));
    json_object_set_new(o, "avg_dynamic_energy_consumption_kWh", json_real(L->dynamic_energy_kWh));
    for (int e = 0; e < NPU_E__COUNT; e++) {
        snprintf(key, sizeof key, "avg_static_%s_energy_consumption_kWh", npu_energy_comp_names[e]);
        json_object_set_new(o, key, json_real(L->static_comp_kWh[e]));
    }
    for (int e = 0; e < NPU_E__COUNT; e++) {
        snprintf(key, sizeof key, "avg_dynamic_%s_energy_consumption_kWh", npu_energy_comp_names[e]);
        json_object_set_new(o, key, json_real(L->dynamic_comp_kWh[e]));
    }
    snprintf(key, sizeof key, "avg_power_efficiency_%s_per_joule", unit);
    json_object_set_new(o, key, json_real(L->power_efficiency));
    json_object_set_new(o, "avg_embodied_carbon_percentage", json_real(L->embodied_carbon_percentage));
    json_object_set_new(o, "avg_total_carbon_kgCO2e", json_real(L->total_carbon_kgCO2e));
    /* NeuSim: the chips' embodied carbon, or the integer 0 without it */
    json_object_set_new(o, "embodied_carbon_kgCO2e",
                        L->embodied_carbon_kgCO2e == 0 ? json_integer(0) : json_real(L->embodied_carbon_kgCO2e));
    return o;
}

void npu_carbon_json_add(json_t *obj, const npu_carbon_t *r)
{
    char key[64];
    json_object_set_new(obj, "idle_power_W", json_real(r->idle_power_W));
    json_object_set_new(obj, "avg_active_power_W", json_real(r->avg_active_power_W));
    json_object_set_new(obj, "avg_power_W", json_real(r->avg_power_W));
    json_object_set_new(obj, "peak_power_W", json_real(r->peak_power_W));
    json_object_set_new(obj, "idle_ratio", json_real(r->idle_ratio));
    json_object_set_new(obj, "active_ratio", json_real(r->active_ratio));
    for (int e = 0; e < NPU_E__COUNT; e++) {
        snprintf(key, sizeof key, "static_%s_ratio", npu_energy_comp_names[e]);
        json_object_set_new(obj, key, json_real(r->static_ratio[e]));
    }
    for (int e = 0; e < NPU_E__COUNT; e++) {
        snprintf(key, sizeof key, "dynamic_%s_ratio", npu_energy_comp_names[e]);
        json_object_set_new(obj, key, json_real(r->dynamic_ratio[e]));
    }
    /* The lifetime is the key: "1" for one year (NeuSim's int). */
    char years[32];
    if (r->lifetime_years == trunc(r->lifetime_years))
        snprintf(years, sizeof years, "%.0f", r->lifetime_years);
    else
        snprintf(years, sizeof years, "%g", r->lifetime_years);
    json_t *a = json_object(), *b = json_object();
    json_object_set_new(a, years, life_json(&r->with_embodied, r->unit));
    json_object_set_new(b, years, life_json(&r->zero_embodied, r->unit));
    json_object_set_new(obj, "carbon_and_energy_stats", a);
    json_object_set_new(obj, "carbon_and_energy_stats_zero_embodied", b);
}

double npu_chip_file_idle_power_W(const char *path)
{
    size_t n = strlen(path);
    cfg_err_t err;
    double v = 0;
    if (n > 5 && strcmp(path + n - 5, ".json") == 0) {
        json_t *root = json_load_located(path, &err);
        if (root) {
            json_t *x = json_object_get(root, "idle_power_W");
            if (json_is_number(x))
                v = json_number_value(x);
            json_decref(root);
        }
        return v;
    }
    cfg_doc_t *doc = cfg_load_file(path, &err);
    if (!doc)
        return 0;
    const node_t *x = cfg_get(cfg_doc_root(doc), "idle_power_W");
    if (x && x->kind == NODE_SCALAR && !cfg_scalar_double(x, &v))
        v = 0;
    cfg_doc_free(doc);
    return v;
}

/*
 * npu_energy_run.c -- the energy and carbon stages of hwsweep npu (see
 * npu_energy_run.h): NeuSim's inline NoPG pass and its batch pipeline
 * (energy_operator_analysis_main + carbon_analysis_main) on one run.
 */
#include "engine/npu_energy_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void npu_phase_energy_op(const npu_phase_t *ph, size_t i, npu_energy_op_t *o)
{
    const op_t *op = op_graph_get(ph->ops.g, i);
    const npu_op_detail_t *d = &ph->detail[i];
    memset(o, 0, sizeof *o);
    o->perf = ph->perf[i];
    o->count = (double)op->count;
    o->mxu_stats = d->has_einsum_sizes;
    o->einsum_B = (double)d->einsum_B;
    o->einsum_M = (double)d->einsum_M;
    o->einsum_N = (double)d->einsum_N;
    o->einsum_K = (double)d->einsum_K;
}

int npu_run_energy_inline(npu_run_t *r, unsigned keep_quirks, char *err, size_t errlen)
{
    npu_pg_t pg;
    if (npu_pg_get(r->chip.pg_config, &pg, err, errlen) < 0)
        return -1;
    npu_energy_opts_t o = {.compat = r->compat, .from_csv = false, .keep_quirks = keep_quirks};
    for (int k = 0; k < r->nphase; k++) {
        npu_phase_t *ph = &r->phase[k];
        for (size_t i = 0; i < ns_oplist_len(&ph->ops); i++)
            npu_energy_op(&ph->perf[i], &r->chip, &pg, &o);
    }
    return 0;
}

double npu_phase_goodput(const npu_phase_t *ph, const char **unit)
{
    if (ph->kind == NPU_PHASE_TRAINING) {
        if (unit)
            *unit = "iteration";
        return ph->stats.total_execution_time_ns > 0 ? 1 / (ph->stats.total_execution_time_ns / 1e9) : 0;
    }
    if (unit)
        *unit = "tkn";
    return ph->stats.throughput_tokens_per_sec;
}

/* One phase under one strategy: a fresh copy of the performance records. */
static npu_energy_op_t *phase_pass(const npu_run_t *r, const npu_phase_t *ph, const npu_pg_t *pg,
                                   unsigned keep_quirks, int dvfs, npu_energy_stats_t *st)
{
    size_t n = ns_oplist_len(&ph->ops);
    npu_energy_op_t *ops = calloc(n ? n : 1, sizeof *ops);
    if (!ops)
        return NULL;
    for (size_t i = 0; i < n; i++)
        npu_phase_energy_op(ph, i, &ops[i]);
    npu_energy_opts_t o = {.compat = r->compat, .from_csv = true, .keep_quirks = keep_quirks, .dvfs = dvfs};
    npu_energy_ops(ops, n, &r->chip, pg, &o);
    npu_energy_aggregate_q(ops, n, &r->chip, npu_energy_kept(&o), st);
    return ops;
}

int npu_run_energy(const npu_run_t *r, const char *const *pg_names, int npg, const npu_carbon_opts_t *co,
                   unsigned keep_quirks, npu_energy_run_t *e, char *err, size_t errlen)
{
    return npu_run_energy_dvfs(r, pg_names, npg, co, keep_quirks, 0, e, err, errlen);
}

int npu_run_energy_dvfs(const npu_run_t *r, const char *const *pg_names, int npg, const npu_carbon_opts_t *co,
                        unsigned keep_quirks, int dvfs, npu_energy_run_t *e, char *err, size_t errlen)
{
    npu_energy_opts_t eo = {.compat = r->compat, .keep_quirks = keep_quirks};
    unsigned kept = npu_energy_kept(&eo);
    memset(e, 0, sizeof *e);
    if (npg > NPU_ENERGY_MAX_PG) {
        snprintf(err, errlen, "--power-gating: at most %d strategies", NPU_ENERGY_MAX_PG);
        return -1;
    }
    for (int k = 0; k < npg; k++) {
        if (npu_pg_get(pg_names[k], &e->pg[k], err, errlen) < 0)
            return -1;
        snprintf(e->pg_name[k], sizeof e->pg_name[k], "%s", pg_names[k]);
    }
    e->npg = npg;
    e->nphase = r->nphase;
    e->has_carbon = co && co->enabled;
    npu_pg_t nopg;
    npu_pg_get("NoPG", &nopg, err, errlen);
    for (int p = 0; p < r->nphase; p++) {
        const npu_phase_t *ph = &r->phase[p];
        npu_phase_energy_t *pe = &e->phase[p];
        pe->n = ns_oplist_len(&ph->ops);
        npu_energy_stats_t base;
        npu_energy_op_t *tmp = phase_pass(r, ph, &nopg, keep_quirks, dvfs, &base);
        if (!tmp)
            goto oom;
        free(tmp);
        for (int k = 0; k < npg; k++) {
            pe->ops[k] = phase_pass(r, ph, &e->pg[k], keep_quirks, dvfs, &pe->stats[k]);
            if (!pe->ops[k])
                goto oom;
            npu_energy_set_slowdown(&pe->stats[k], &base);
            if (e->has_carbon) {
                const char *unit;
                double ci = co->ci_kg_per_kWh < 0 ? npu_config_num(&r->cfg, "carbon_intensity_kgCO2_per_kWh")
                                                  : co->ci_kg_per_kWh;
                npu_carbon_in_t in = {
                    .pg_name = pg_names[k],
                    .carbon_intensity_kg_per_kWh = ci,
                    .utilization = co->utilization,
                    .lifetime_years = co->lifetime_years,
                    .pue = npu_config_num(&r->cfg, "PUE"),
                    .num_chips = (int)npu_config_int(&r->cfg, "num_chips"),
                    .goodput_per_s = npu_phase_goodput(ph, &unit),
                    .unit = unit,
                    .chip_idle_power_W = co->chip_idle_power_W,
                    .compat = (kept & NPU_EQ_Q23) != 0, /* NeuSim's idle power (and whole years) */
                };
                npu_carbon(&r->chip, &pe->stats[k], &in, &pe->carbon[k]);
            }
        }
    }
    return 0;
oom:
    npu_energy_run_free(e);
    snprintf(err, errlen, "out of memory");
    return -1;
}

void npu_energy_run_free(npu_energy_run_t *e)
{
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < NPU_ENERGY_MAX_PG; k++) {
            free(e->phase[p].ops[k]);
            e->phase[p].ops[k] = NULL;
        }
}

/* ---- sweeps ------------------------------------------------------------------------ */

bool npu_energy_sweep_parse(const node_t *v, const char *key, npu_energy_sweep_t *es, cfg_err_t *err)
{
    if (!strcmp(key, "power_gating")) {
        size_t n = v->kind == NODE_SEQ ? v->n : 1;
        if (v->kind == NODE_MAP || n == 0 || n >= NPU_ENERGY_MAX_PG) {
            cfg_node_errorf(err, v, "npu.power_gating: expected a strategy or a list of at most %d (%s)",
                            NPU_ENERGY_MAX_PG - 1, npu_pg_names());
            return false;
        }
        es->npg = 0;
        for (size_t i = 0; i < n; i++) {
            const node_t *x = v->kind == NODE_SEQ ? v->items[i] : v;
            npu_pg_t pg;
            char why[512];
            if (x->kind != NODE_SCALAR || npu_pg_get(x->scalar, &pg, why, sizeof why) < 0) {
                cfg_node_errorf(err, x, "npu.power_gating: %s",
                                x->kind == NODE_SCALAR ? why : "expected a strategy name");
                return false;
            }
            for (int k = 0; k < es->npg; k++)
                if (!strcmp(es->pg[k], x->scalar)) {
                    cfg_node_errorf(err, x, "npu.power_gating: '%s' given twice", x->scalar);
                    return false;
                }
            snprintf(es->pg[es->npg++], sizeof es->pg[0], "%s", x->scalar);
        }
        return true;
    }
    /* carbon: [CI, UTIL, YEARS] */
    double f[3];
    if (v->kind != NODE_SEQ || v->n != 3) {
        cfg_node_errorf(err, v, "npu.carbon: expected [CI, UTIL, YEARS] (kgCO2e/kWh or -1 for the system's, "
                                "duty cycle, lifetime in years)");
        return false;
    }
    for (int i = 0; i < 3; i++)
        if (v->items[i]->kind != NODE_SCALAR || !cfg_scalar_double(v->items[i], &f[i])) {
            cfg_node_errorf(err, v->items[i], "npu.carbon: expected a number");
            return false;
        }
    if ((f[0] < 0 && f[0] != -1) || f[1] <= 0 || f[1] > 1 || f[2] <= 0) {
        cfg_node_errorf(err, v, "npu.carbon: need CI >= 0 (or -1), 0 < UTIL <= 1, YEARS > 0");
        return false;
    }
    es->carbon = (npu_carbon_opts_t){.enabled = true, .ci_kg_per_kWh = f[0], .utilization = f[1],
                                     .lifetime_years = f[2]};
    return true;
}

int npu_energy_point(const npu_run_t *r, const npu_energy_sweep_t *es, unsigned keep_quirks, double chip_idle_W,
                     npu_energy_point_t out[2], char *err, size_t errlen)
{
    memset(out, 0, 2 * sizeof *out);
    /* the default strategy first, then the sweep's */
    const char *names[NPU_ENERGY_MAX_PG + 1];
    int n = 0;
    names[n++] = r->chip.pg_config;
    for (int k = 0; k < es->npg; k++)
        names[n++] = es->pg[k];
    npu_carbon_opts_t co = es->carbon;
    co.chip_idle_power_W = chip_idle_W;
    npu_energy_run_t e;
    if (npu_run_energy(r, names, n, &co, keep_quirks, &e, err, errlen) < 0)
        return -1;
    int chips = (int)npu_config_int(&r->cfg, "num_chips");
    for (int p = 0; p < r->nphase && p < 2; p++) {
        double goodput = npu_phase_goodput(&r->phase[p], NULL);
        const npu_phase_energy_t *pe = &e.phase[p];
        out[p].done = true;
        out[p].energy_per_unit_J = npu_energy_per_token_J(&pe->stats[0], chips, goodput);
        out[p].avg_power_W = pe->stats[0].avg_power_W;
        for (int k = 1; k < e.npg; k++) {
            const npu_energy_stats_t *s = &pe->stats[k];
            npu_energy_pg_row_t *row = &out[p].pg[k - 1];
            row->total_energy_J = s->total_energy_J;
            row->avg_power_W = s->avg_power_W;
            row->peak_power_W = s->peak_power_W;
            row->energy_per_unit_J = npu_energy_per_token_J(s, chips, goodput);
            row->slowdown = s->comp.slowdown;
            if (e.has_carbon) {
                const npu_carbon_t *c = &pe->carbon[k];
                row->has_carbon = true;
                row->idle_power_W = c->idle_power_W;
                row->fleet_avg_power_W = c->avg_power_W;
                row->total_energy_kWh = c->with_embodied.total_energy_kWh;
                row->carbon_kgCO2e = c->with_embodied.total_carbon_kgCO2e;
                row->carbon_zero_embodied_kgCO2e = c->zero_embodied.total_carbon_kgCO2e;
                row->work_per_kgCO2e = c->with_embodied.total_carbon_efficiency;
            }
        }
    }
    npu_energy_run_free(&e);
    return 0;
}

/*
 * npu_energy_out.c -- the energy and carbon side of `hwsweep npu` (see
 * npu_energy_out.h).  The per-op rows and the statistics JSON come from
 * the performance writer (npu_out.c); this file adds the strategies'
 * energy rows, their slack columns and the energy_stats / carbon_stats
 * objects in Python's json.dump(indent=4) layout, as NeuSim writes them.
 */
#include "cli/npu_energy_out.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/npu_out.h"
#include "config/numfmt.h"
#include "npu/npu_dvfs.h"

/* A finite number from the whole of s. */
static bool parse_num(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *s && !errno && *end == '\0' && isfinite(*v);
}

bool npu_energy_cli_parse(npu_energy_cli_t *a, const char *pg, const char *carbon, bool no_energy, char *err,
                          size_t errlen)
{
    memset(a, 0, sizeof *a);
    a->no_energy = no_energy;
    if (pg) {
        if (strlen(pg) >= sizeof a->buf) {
            snprintf(err, errlen, "--power-gating: list too long");
            return false;
        }
        snprintf(a->buf, sizeof a->buf, "%s", pg);
        for (char *save = NULL, *t = strtok_r(a->buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (a->npg == NPU_ENERGY_MAX_PG) {
                snprintf(err, errlen, "--power-gating: at most %d strategies", NPU_ENERGY_MAX_PG);
                return false;
            }
            for (int k = 0; k < a->npg; k++)
                if (strcmp(a->pg[k], t) == 0) {
                    snprintf(err, errlen, "--power-gating: '%s' given twice", t);
                    return false;
                }
            npu_pg_t tmp;
            char why[512];
            if (npu_pg_get(t, &tmp, why, sizeof why) < 0) {
                snprintf(err, errlen, "--power-gating: %s", why);
                return false;
            }
            a->pg[a->npg++] = t;
        }
        if (a->npg == 0) {
            snprintf(err, errlen, "--power-gating: expected PG[,PG...] (valid: %s)", npu_pg_names());
            return false;
        }
    }
    if (carbon) {
        char buf[256], *f[4] = {0};
        int nf = 0;
        snprintf(buf, sizeof buf, "%s", carbon);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t && nf < 4; t = strtok_r(NULL, ",", &save))
            f[nf++] = t;
        double ci, u, y;
        if (nf != 3 || !parse_num(f[0], &ci) || !parse_num(f[1], &u) || !parse_num(f[2], &y)) {
            snprintf(err, errlen, "--carbon %s: expected CI,UTIL,YEARS (kgCO2e/kWh or -1 for the system's, "
                                  "duty cycle 0..1, years), e.g. 0.5,0.6,1", carbon);
            return false;
        }
        if ((ci < 0 && ci != -1) || u <= 0 || u > 1 || y <= 0) {
            snprintf(err, errlen, "--carbon %s: need CI >= 0 (or -1), 0 < UTIL <= 1, YEARS > 0", carbon);
            return false;
        }
        a->carbon = (npu_carbon_opts_t){.enabled = true, .ci_kg_per_kWh = ci, .utilization = u, .lifetime_years = y};
        if (a->npg == 0)
            a->pg[a->npg++] = "NoPG";
    }
    return true;
}

bool npu_energy_cli_dvfs(npu_energy_cli_t *a, const char *policy, char *err, size_t errlen)
{
    char why[512];
    int p = npu_dvfs_policy_find(policy, why, sizeof why);
    if (p < 0) {
        snprintf(err, errlen, "--dvfs: %s", why);
        return false;
    }
    a->dvfs = p;
    if (p != NPU_DVFS_NONE && a->npg == 0)
        a->pg[a->npg++] = "NoPG";
    return true;
}

int npu_energy_cli_run(const npu_energy_cli_t *a, npu_run_t *r, npu_energy_run_t *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    if (a->npg > 0 &&
        npu_run_energy_dvfs(r, a->pg, a->npg, &a->carbon, a->keep_quirks, a->dvfs, e, err, errlen) < 0)
        return -1;
    if (!a->no_energy && npu_run_energy_inline(r, a->keep_quirks, err, errlen) < 0)
        return -1;
    return 0;
}

/* Python's json.dump(indent=4) of a value at nesting depth. */
static void py_dump(FILE *f, const json_t *v, int depth)
{
    char b[40];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (json_object_size(v) == 0) {
            fputs("{}", f);
            return;
        }
        fputs("{\n", f);
        const char *key;
        json_t *x;
        size_t i = 0, n = json_object_size(v);
        json_object_foreach((json_t *)v, key, x)
        {
            fprintf(f, "%*s\"%s\": ", 4 * (depth + 1), "", key);
            py_dump(f, x, depth + 1);
            fputs(++i < n ? ",\n" : "\n", f);
        }
        fprintf(f, "%*s}", 4 * depth, "");
        return;
    }
    case JSON_INTEGER:
        fprintf(f, "%lld", (long long)json_integer_value(v));
        return;
    case JSON_REAL:
        num_repr(b, sizeof b, json_real_value(v));
        fputs(b, f);
        return;
    case JSON_TRUE: fputs("true", f); return;
    case JSON_FALSE: fputs("false", f); return;
    case JSON_STRING: fprintf(f, "\"%s\"", json_string_value(v)); return;
    default: fputs("null", f); return;
    }
}

/* json_object_foreach visits keys in insertion order (jansson >= 2.8),
 * which is NeuSim's key order. */
bool npu_energy_json_write(FILE *f, const npu_run_t *r, int phase, const npu_energy_run_t *e,
                           const char *config_text)
{
    if (!e || e->npg == 0)
        return npu_json_write_with(f, r, &r->phase[phase], config_text);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return false;
    bool ok = npu_json_write_with(m, r, &r->phase[phase], config_text);
    ok = fclose(m) == 0 && ok;
    /* the statistics object ends with "\n}": continue it */
    if (!ok || len < 2 || strcmp(text + len - 2, "\n}") != 0) {
        free(text);
        return false;
    }
    fwrite(text, 1, len - 2, f);
    free(text);
    const npu_phase_energy_t *pe = &e->phase[phase];
    json_t *es = json_object();
    for (int k = 0; k < e->npg; k++)
        json_object_set_new(es, e->pg_name[k], npu_energy_stats_json(&pe->stats[k]));
    fputs(",\n    \"energy_stats\": ", f);
    py_dump(f, es, 1);
    json_decref(es);
    if (e->has_carbon) {
        json_t *cs = json_object();
        for (int k = 0; k < e->npg; k++) {
            json_t *one = json_object();
            npu_carbon_json_add(one, &pe->carbon[k]);
            json_object_set_new(cs, e->pg_name[k], one);
        }
        fputs(",\n    \"carbon_stats\": ", f);
        py_dump(f, cs, 1);
        json_decref(cs);
    }
    fputs("\n}", f);
    return !ferror(f);
}

/* The ten slack columns NeuSim's energy stage appends. */
static void extra_header(FILE *f)
{
    for (int k = 0; k < NPU_X__COUNT; k++)
        fprintf(f, ",dvfs_extra_%s_time_ns", npu_dvfs_extra_names[k]);
    for (int k = 0; k < NPU_X__COUNT; k++)
        fprintf(f, ",dvfs_extra_%s_ratio", npu_dvfs_extra_names[k]);
}

static void extra_row(FILE *f, const npu_op_perf_t *p)
{
    double x[NPU_X__COUNT], q[NPU_X__COUNT];
    char b[40];
    npu_dvfs_extra(p, x, q);
    for (int k = 0; k < NPU_X__COUNT; k++)
        fprintf(f, ",%lld", (long long)x[k]);
    for (int k = 0; k < NPU_X__COUNT; k++) {
        num_repr(b, sizeof b, q[k]);
        fprintf(f, ",%s", b);
    }
}

bool npu_energy_csv_write(FILE *f, const npu_run_t *r, int phase, const npu_energy_run_t *e, int k)
{
    const npu_phase_t *ph = &r->phase[phase];
    const npu_phase_energy_t *pe = &e->phase[phase];
    size_t n = pe->n;
    /* the phase as the strategy left it: its records, and the OpType the
     * energy pass charged (NeuSim's pipeline re-derives it, Q26) */
    npu_phase_t tmp = *ph;
    npu_op_perf_t *perf = calloc(n ? n : 1, sizeof *perf);
    ns_label_t *lab = calloc(n ? n : 1, sizeof *lab);
    char *text = NULL;
    size_t len = 0;
    FILE *m = perf && lab ? open_memstream(&text, &len) : NULL;
    bool ok = m != NULL;
    if (ok) {
        for (size_t i = 0; i < n; i++) {
            perf[i] = pe->ops[k][i].perf;
            lab[i] = ph->ops.lab[i];
            lab[i].op_type = (ns_optype_t)perf[i].op_type;
        }
        tmp.perf = perf;
        tmp.ops.lab = lab;
        const npu_phase_t *one[1] = {&tmp};
        ok = npu_csv_write(m, one, 1);
        ok = fclose(m) == 0 && ok;
    }
    /* every line ends with \r\n and no cell holds one: append the slack */
    size_t row = 0;
    for (char *line = text; ok && line && line < text + len;) {
        char *eol = strstr(line, "\r\n");
        if (!eol) {
            ok = false;
            break;
        }
        fwrite(line, 1, (size_t)(eol - line), f);
        if (line == text)
            extra_header(f);
        else if (row < n)
            extra_row(f, &perf[row++]);
        fputs("\r\n", f);
        line = eol + 2;
    }
    ok = ok && row == n;
    free(text);
    free(perf);
    free(lab);
    return ok && !ferror(f);
}

/* Energy per token (per iteration in training) of a phase's stats. */
static double per_unit_J(const npu_run_t *r, int phase, const npu_energy_stats_t *s)
{
    return npu_energy_per_token_J(s, (int)npu_config_int(&r->cfg, "num_chips"),
                                  npu_phase_goodput(&r->phase[phase], NULL));
}

static const char *unit_name(const npu_run_t *r)
{
    return r->nphase > 0 && r->phase[0].kind == NPU_PHASE_TRAINING ? "iteration" : "token";
}

void npu_energy_summary(FILE *f, const npu_energy_cli_t *a, const npu_run_t *r, const npu_energy_run_t *e)
{
    if (!a->no_energy) {
        /* the inline pass (the chip's pg_config) over the ops as written */
        fprintf(f, "  energy per %s (%s):", unit_name(r), r->chip.pg_config);
        for (int p = 0; p < r->nphase; p++) {
            const npu_phase_t *ph = &r->phase[p];
            size_t n = ns_oplist_len(&ph->ops);
            npu_energy_op_t *ops = calloc(n ? n : 1, sizeof *ops);
            if (!ops)
                return;
            for (size_t i = 0; i < n; i++)
                npu_phase_energy_op(ph, i, &ops[i]);
            npu_energy_stats_t s;
            npu_energy_aggregate_q(ops, n, &r->chip, r->compat ? NPU_EQ_ALL : a->keep_quirks, &s);
            fprintf(f, "%s %s %.4g J (%.4g J, %.4g W per chip)", p ? "," : "", npu_phase_name(ph->kind),
                    per_unit_J(r, p, &s), s.total_energy_J, s.avg_power_W);
            free(ops);
        }
        fputc('\n', f);
    } else if (e->npg == 0) {
        fprintf(f, "  energy per %s: not computed (--no-energy)\n", unit_name(r));
    }
    if (e->npg > 0 && a->dvfs != NPU_DVFS_NONE)
        fprintf(f, "  strategies below with DVFS %s (each component slowed into its slack)\n",
                npu_dvfs_policy_name((npu_dvfs_policy_t)a->dvfs));
    for (int k = 0; k < e->npg; k++) {
        fprintf(f, "  %-6s", e->pg_name[k]);
        for (int p = 0; p < e->nphase; p++) {
            const npu_energy_stats_t *s = &e->phase[p].stats[k];
            fprintf(f, "%s %s %.4g J/%s, slowdown %.4g", p ? ";" : "", npu_phase_name(r->phase[p].kind),
                    per_unit_J(r, p, s), unit_name(r), s->comp.slowdown);
            if (e->has_carbon) {
                const npu_carbon_t *c = &e->phase[p].carbon[k];
                fprintf(f, ", %.4g kgCO2e over %g y (%.4g%% embodied)", c->with_embodied.total_carbon_kgCO2e,
                        c->lifetime_years, 100 * c->with_embodied.embodied_carbon_percentage);
            }
        }
        fputc('\n', f);
    }
}

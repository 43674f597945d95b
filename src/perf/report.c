/*
 * report.c -- selection of the model CSV rows (performance_dump.py):
 * grouping by eval_len, the system best at the target batch
 * (get_batch_opt_sys), and one row per batch of that system's best
 * mappings.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf/report.h"

typedef struct {
    const char *name;
    perf_objective_t obj;   /* the per-batch best the goal reads */
} report_goal_t;

static const report_goal_t report_goals[] = {
    {"prefill_lat", OBJ_PREFILL_LATENCY},
    {"decoding_lat", OBJ_GENERATE_LATENCY},
    {"tco", OBJ_GENERATE_TCO},
};

static double goal_value(const perf_t *p, perf_objective_t obj)
{
    switch (obj) {
    case OBJ_PREFILL_LATENCY: return p->prefill_latency;
    case OBJ_GENERATE_LATENCY: return p->generate_latency;
    default: return p->generate_tco_per_token;
    }
}

/* Batch index of 1 << b == batch, or -1. */
static int batch_index(double batch)
{
    int e;
    double m = frexp(batch, &e);
    return m == 0.5 ? e - 1 : -1;
}

/* Results sharing one eval_len: the valid results whose group[i] == id. */
typedef struct {
    size_t id;
    size_t first;                 /* its first result */
    double prefill_len, generate_len;
    const size_t *group;          /* group id of every result (SIZE_MAX: invalid) */
} eval_group_t;

/* Group ids by eval_len in order of first appearance; returns the count of
 * groups and fills group[0..n) and first[0..count). */
static size_t group_by_eval_len(const system_result_t *r, size_t n, size_t *group,
                                size_t *first)
{
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        group[i] = SIZE_MAX;
        if (!r[i].valid)
            continue;
        size_t k = 0;
        while (k < ng && !(r[first[k]].sys.prefill_len == r[i].sys.prefill_len &&
                           r[first[k]].sys.generate_len == r[i].sys.generate_len))
            k++;
        if (k == ng)
            first[ng++] = i;
        group[i] = k;
    }
    return ng;
}

/* The group's system best for obj at the target batch (first on ties);
 * -1 when none has one within max_batch. */
static long best_system_at_target(const system_result_t *r, size_t n, const eval_group_t *g,
                                  double max_batch, perf_objective_t obj)
{
    if (REPORT_TARGET_BATCH > max_batch)
        return -1;
    int b = batch_index(REPORT_TARGET_BATCH);
    double best = INFINITY;
    long pick = -1;
    for (size_t i = g->first; i < n; i++) {
        if (g->group[i] != g->id)
            continue;
        const perf_t *p = perf_system_best(&r[i], b, obj);
        if (p && goal_value(p, obj) < best) {
            best = goal_value(p, obj);
            pick = (long)i;
        }
    }
    return pick;
}

static report_row_t make_row(const char *goal, const eval_group_t *g, double batch,
                             const perf_t *p, size_t system_index)
{
    report_row_t w;
    w.opt_goal = goal;
    w.input_len = g->prefill_len;
    w.output_len = g->generate_len;
    w.batch = batch;
    w.prefill_sec = p->prefill_latency;
    w.decoding_sec = p->generate_latency;
    w.tco_per_Mtoken = p->tco_per_Mtoken;
    w.prefill_io_sec = p->prefill_io_sec;
    w.prefill_compute_sec = p->prefill_compute_sec;
    w.prefill_mem_sec = p->prefill_mem_sec;
    w.decoding_io_sec = p->generate_io_sec;
    w.decoding_compute_sec = p->generate_compute_sec;
    w.decoding_mem_sec = p->generate_mem_sec;
    w.capex = p->capex;
    w.opex = p->opex;
    w.system_index = system_index;
    return w;
}

static bool push_row(report_t *out, size_t *cap, report_row_t row)
{
    if (out->n_rows == *cap) {
        size_t ncap = *cap ? 2 * *cap : 64;
        report_row_t *rows = realloc(out->rows, ncap * sizeof *rows);
        if (!rows)
            return false;
        out->rows = rows;
        *cap = ncap;
    }
    out->rows[out->n_rows++] = row;
    return true;
}

static bool push_warning(report_t *out, const char *goal, const eval_group_t *g)
{
    char line[256];
    int len = snprintf(line, sizeof line,
                       "opt_goal %s, eval_len [%g, %g]: no system reaches batch %d; skipped\n",
                       goal, g->prefill_len, g->generate_len, REPORT_TARGET_BATCH);
    size_t old = out->warnings ? strlen(out->warnings) : 0;
    char *w = realloc(out->warnings, old + (size_t)len + 1);
    if (!w)
        return false;
    memcpy(w + old, line, (size_t)len + 1);
    out->warnings = w;
    out->n_warnings++;
    return true;
}

/* Rows of one (goal, group): the chosen system's best at each batch. */
static bool goal_group_rows(const system_result_t *r, size_t n, const report_goal_t *goal,
                            const eval_group_t *g, report_t *out, size_t *cap)
{
    double max_batch = r[g->first].sys.max_batch;
    long s = best_system_at_target(r, n, g, max_batch, goal->obj);
    if (s < 0) /* quirk: the reference crashes here; warn and skip instead */
        return push_warning(out, goal->name, g);
    for (int b = 0; perf_system_batch(b) <= max_batch; b++) {
        const perf_t *p = perf_system_best(&r[s], b, goal->obj);
        if (p && !push_row(out, cap, make_row(goal->name, g, perf_system_batch(b), p, (size_t)s)))
            return false;
    }
    return true;
}

bool report_model_rows(const system_result_t *results, size_t n, report_t *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    size_t *group = malloc((n ? n : 1) * sizeof *group);
    size_t *first = malloc((n ? n : 1) * sizeof *first);
    bool ok = group && first;
    size_t n_groups = ok ? group_by_eval_len(results, n, group, first) : 0, cap = 0;
    for (size_t k = 0; ok && k < sizeof report_goals / sizeof report_goals[0]; k++)
        for (size_t gi = 0; ok && gi < n_groups; gi++) {
            const system_result_t *r0 = &results[first[gi]];
            eval_group_t g = {gi, first[gi], r0->sys.prefill_len, r0->sys.generate_len, group};
            ok = goal_group_rows(results, n, &report_goals[k], &g, out, &cap);
        }
    free(group);
    free(first);
    if (!ok) {
        report_free(out);
        snprintf(err, errlen, "out of memory");
    }
    return ok;
}

void report_free(report_t *r)
{
    free(r->rows);
    free(r->warnings);
    memset(r, 0, sizeof *r);
}

/*
 * bench_perf_v2.c -- time per system point of the reference model and of
 * perf_model v2 (the goal: v2 at most 2x the reference).  Evaluates every
 * system configuration of inputs/software/system/cc_sweep.yaml on the valid
 * servers of inputs/hardware/config/cc_sweep.yaml for gpt3 and llama3-70B,
 * with each model, one thread.  The two models alternate (A/B in the same
 * run) REPEATS times and each side keeps its best CPU time (the process's
 * CPU clock, so time the shared machine gives other processes is not
 * counted); the median of the paired ratios is printed beside the ratio of
 * the bests.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/hw_engine.h"
#include "hw/hw_config.h"
#include "perf/sw_config.h"
#include "perf/system.h"

#ifndef REPEATS
#define REPEATS 21
#endif

/* CPU seconds of this process (one thread runs the models). */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Seconds for every (valid server, system configuration) of model m. */
static double run(const hw_points_t *pts, const hw_constants_t *hc, const model_cfg_t *m,
                  system_cfg_t *cfgs, size_t ncfg, const char *pm, size_t *points)
{
    double t0 = now_s();
    *points = 0;
    for (size_t s = 0; s < pts->n_servers; s++) {
        if (!pts->servers[s].valid)
            continue;
        for (size_t c = 0; c < ncfg; c++) {
            system_cfg_t cfg = cfgs[c];
            snprintf(cfg.perf_model, sizeof cfg.perf_model, "%s", pm);
            system_result_t r;
            char err[256];
            if (!perf_system_eval(&pts->servers[s], hc, m, &cfg, &r, err, sizeof err)) {
                fprintf(stderr, "%s\n", err);
                exit(1);
            }
            perf_system_result_free(&r);
            (*points)++;
        }
    }
    return now_s() - t0;
}

int main(void)
{
    cfg_err_t err;
    hw_constants_t hc;
    hw_config_t hw;
    if (hw_constants_load("inputs/hardware/constant/7nm_default.yaml", &hc, &err) ||
        hw_config_load("inputs/hardware/config/cc_sweep.yaml", &hw, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    hw_points_t pts;
    hw_stats_t st;
    if (hw_engine_eval(&hw, &hc, 1, &pts, &st))
        return 1;
    system_cfg_t *cfgs;
    size_t ncfg;
    if (sw_system_load("inputs/software/system/cc_sweep.yaml", &cfgs, &ncfg, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    const char *models[] = {"inputs/software/model/gpt3.yaml", "inputs/software/model/llama3-70B.yaml"};
    printf("perf model speed, cc_sweep servers x cc_sweep system file, one thread, CPU time (best of %d, A/B alternating):\n",
           REPEATS);
    for (int i = 0; i < 2; i++) {
        model_cfg_t m;
        if (sw_model_load(models[i], &m, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        double best[2] = {INFINITY, INFINITY}, ratio[REPEATS];
        size_t points = 0;
        const char *pm[2] = {"reference", "v2"};
        for (int r = 0; r < REPEATS; r++) {
            double t[2];
            for (int k = 0; k < 2; k++) {
                t[k] = run(&pts, &hc, &m, cfgs, ncfg, pm[k], &points);
                best[k] = t[k] < best[k] ? t[k] : best[k];
            }
            ratio[r] = t[1] / t[0];
        }
        qsort(ratio, REPEATS, sizeof ratio[0], cmp_double);
        printf("  %-11s %zu system points: reference %7.1f us/point, v2 %7.1f us/point (%.2fx; "
               "median of %d paired runs %.2fx)\n",
               m.name, points, best[0] / points * 1e6, best[1] / points * 1e6, best[1] / best[0],
               REPEATS, ratio[REPEATS / 2]);
    }
    free(cfgs);
    hw_points_free(&pts);
    hw_config_free(&hw);
    return 0;
}

/*
 * bench_npu_energy.c -- speed of the NPU energy model (BENCHMARKS.md):
 * on one llama3-8b / TPUv5p inference run, the energy pipeline of five
 * power-gating strategies (NoPG baseline, per-op pass, energy_stats) on
 * both phases, the same with carbon, and the inline NoPG pass.  Best of
 * many in process.  Run from the repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/npu_energy_run.h"
#include "engine/npu_run.h"
#include "npu/npu_config.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
    npu_config_t c;
    npu_config_defaults(&c);
    cfg_err_t cerr;
    char p[512], err[512];
    const char *k[3] = {"systems", "chips", "models"}, *n[3] = {"system_config", "tpuv5p", "llama3-8b"};
    for (int i = 0; i < 3; i++)
        if (!npu_config_resolve(k[i], n[i], p, sizeof p, &cerr) || !npu_config_merge_file(&c, p, &cerr)) {
            fprintf(stderr, "%s\n", cerr.msg);
            return 1;
        }
    npu_run_t r;
    if (npu_run(&c, true, 0, false, NULL, &r, err, sizeof err) != 0) {
        fprintf(stderr, "bench_npu_energy: %s\n", err);
        return 1;
    }
    const char *pgs[5] = {"NoPG", "Base", "HW", "Full", "Ideal"};
    npu_carbon_opts_t none = {0}, carbon = {.enabled = true, .ci_kg_per_kWh = 0.5, .utilization = 0.6,
                                            .lifetime_years = 1, .chip_idle_power_W = 90};
    const int reps = 300;
    double best[3] = {1e9, 1e9, 1e9};
    for (int i = 0; i < reps; i++) {
        npu_energy_run_t e;
        double t0 = now();
        if (npu_run_energy(&r, pgs, 5, &none, 0, &e, err, sizeof err) < 0)
            return 1;
        double t1 = now();
        npu_energy_run_free(&e);
        double t2 = now();
        if (npu_run_energy(&r, pgs, 5, &carbon, 0, &e, err, sizeof err) < 0)
            return 1;
        double t3 = now();
        npu_energy_run_free(&e);
        best[0] = t1 - t0 < best[0] ? t1 - t0 : best[0];
        best[1] = t3 - t2 < best[1] ? t3 - t2 : best[1];
    }
    for (int i = 0; i < reps; i++) {
        npu_run_t q;
        if (npu_run(&c, true, 0, false, NULL, &q, err, sizeof err) != 0)
            return 1;
        double t0 = now();
        npu_run_energy_inline(&q, 0, err, sizeof err);
        double t = now() - t0;
        npu_run_free(&q);
        best[2] = t < best[2] ? t : best[2];
    }
    npu_run_free(&r);
    printf("npu energy, llama3-8b/v5p, prefill + decode (28 ops), best of %d:\n", reps);
    printf("  5 strategies (NoPG baseline + 5 passes, energy_stats)  %8.1f us\n", best[0] * 1e6);
    printf("  the same with carbon                                   %8.1f us\n", best[1] * 1e6);
    printf("  inline NoPG pass (generate(analyze_energy=True))       %8.1f us\n", best[2] * 1e6);
    return 0;
}

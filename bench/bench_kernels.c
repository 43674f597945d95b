/*
 * bench_kernels.c -- times the kernel model (src/kernels): one evaluation
 * of Llama-3.1-8B on NVL-AX (read config.json and the hardware YAML, build
 * prefill, decode and chunked prefill, time them with the simple roofline
 * and the theoretical tiler), in the default and the notebook mode, and a
 * sweep of 1,024 (input, output, batch) points with the inputs read once.
 * Each figure is the best of 5 repetitions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kernels/kern_eval.h"

#define CONFIG "tests/golden/kernels/llama-3.1-8b.json"
#define HW "inputs/kernels/hw/nvl-ax.yaml"
#define REPEATS 5

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Seconds for n whole evaluations, inputs read each time. */
static double whole(kern_mode_t mode, int n)
{
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        kern_model_t m;
        kern_hw_t hw;
        cfg_err_t err;
        kern_result_t res;
        char msg[256];
        kern_run_t r = {.mode = mode, .input_len = 8192, .output_len = 512, .batch = 256, .prefill_batch = 1,
                        .chunk = 256};
        if (kern_model_load(CONFIG, &m, &err) || kern_hw_load(HW, &hw, &err) ||
            kern_evaluate(&m, &hw, &r, &res, msg, sizeof msg)) {
            fprintf(stderr, "bench_kernels: %s %s\n", err.msg, msg);
            exit(1);
        }
        kern_result_free(&res);
    }
    return now_s() - t0;
}

/* Seconds for the 1,024-point sweep: inputs 2^7..2^14, outputs 2^6..2^13,
 * decode batch 2^0..2^15, chunk 512 (at most the input). */
static double sweep(int *points)
{
    kern_model_t m;
    kern_hw_t hw;
    cfg_err_t err;
    if (kern_model_load(CONFIG, &m, &err) || kern_hw_load(HW, &hw, &err)) {
        fprintf(stderr, "bench_kernels: %s\n", err.msg);
        exit(1);
    }
    double sink = 0, t0 = now_s();
    *points = 0;
    for (int a = 7; a <= 14; a++)
        for (int b = 6; b <= 13; b++)
            for (int c = 0; c < 16; c++) {
                kern_result_t res;
                char msg[256];
                kern_run_t r = {.mode = KM_DEFAULT, .input_len = 1 << a, .output_len = 1 << b,
                                .batch = (int64_t)1 << c, .prefill_batch = 1,
                                .chunk = a < 9 ? 1 << a : 512};
                if (kern_evaluate(&m, &hw, &r, &res, msg, sizeof msg) == 0) {
                    sink += res.prof[1].rows[0].exec_cycle;
                    kern_result_free(&res);
                    ++*points;
                }
            }
    double t = now_s() - t0;
    if (sink < 0)
        printf("%g\n", sink);
    return t;
}

int main(void)
{
    const int n = 200;
    double best_d = 1e30, best_n = 1e30, best_s = 1e30;
    int points = 0;
    for (int rep = 0; rep < REPEATS; rep++) {
        double d = whole(KM_DEFAULT, n), nb = whole(KM_NOTEBOOK, n), s = sweep(&points);
        best_d = d < best_d ? d : best_d;
        best_n = nb < best_n ? nb : best_n;
        best_s = s < best_s ? s : best_s;
    }
    printf("kernels: Llama-3.1-8B on NVL-AX, 3 profiles, both estimators, inputs read each time: "
           "%.1f us (default), %.1f us (notebook mode)\n",
           best_d / n * 1e6, best_n / n * 1e6);
    printf("kernels: sweep of %d (input, output, batch) points, inputs read once: %.4f s, %.1f us per point\n", points,
           best_s, best_s / points * 1e6);
    return 0;
}

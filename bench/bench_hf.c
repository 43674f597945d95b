/*
 * bench_hf.c -- times `hwsweep hf`'s frontend on the largest shipped
 * model: parse DeepSeek-V3's config.json and list all its operators (61
 * layers, 256 routed experts) for 16 settings, batch {1, 16} x context
 * {1, 128, 1024, 8192} x {prefill, decode}.  The settings are shared out
 * over the OpenMP threads (OMP_NUM_THREADS; each thread reuses one graph);
 * the 1-thread time is printed too.  Prints the best of a few repetitions
 * (goal: under 50 ms) and the operators listed.
 *
 *   make build/bench/bench_hf && build/bench/bench_hf [CONFIG.json]
 */
#include <omp.h>
#include <stdio.h>
#include <time.h>

#include "ops/hf_config.h"
#include "ops/hf_ops.h"

#define REPEATS 5
#define DEFAULT_CONFIG "inputs/hf/deepseek-ai/DeepSeek-V3/config.json"

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Parse the config and build the 16 settings on `threads` threads; the
 * operators listed, or 0 on error. */
static size_t run(const char *path, int threads)
{
    static const int64_t batches[2] = {1, 16}, contexts[4] = {1, 128, 1024, 8192};
    hf_config_t c;
    cfg_err_t err;
    if (!hf_config_load(path, &c, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 0;
    }
    size_t total = 0;
    int failed = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total) reduction(| : failed)
    {
        hf_ops_t ops = {0};
        char msg[512];
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < 16; i++) {
            hf_setting_t s = hf_setting((hf_mode_t)(i % 2), batches[i / 8], contexts[(i / 2) % 4], HF_CAUSAL_FULL);
            if (!hf_ops_build(&c, &s, &ops, msg, sizeof msg)) {
                fprintf(stderr, "%s\n", msg);
                failed = 1;
            } else {
                total += op_graph_len(ops.g);
            }
        }
        hf_ops_free(&ops);
    }
    return failed ? 0 : total;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : DEFAULT_CONFIG;
    int threads = omp_get_max_threads();
    size_t total_ops = 0;
    for (int pass = 0; pass < 2; pass++) {
        int t = pass == 0 ? 1 : threads;
        if (pass == 1 && threads == 1)
            break;
        double best = 1e30, best_cpu = 1e30;
        for (int r = 0; r < REPEATS; r++) {
            double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
            total_ops = run(path, t);
            if (!total_ops)
                return 1;
            double w = clock_s(CLOCK_MONOTONIC) - t0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
            best = w < best ? w : best;
            best_cpu = cpu < best_cpu ? cpu : best_cpu;
        }
        printf("hf ops: %s, 16 settings, %zu operators, %d thread%s: %.1f ms wall, %.1f ms CPU (best of %d; "
               "goal < 50 ms)\n",
               path, total_ops, t, t > 1 ? "s" : "", best * 1e3, best_cpu * 1e3, REPEATS);
    }
    return 0;
}

/*
 * bench_heatsink.c -- times the heat-sink search (src/hw/heatsink.c): the
 * exhaustive reference walk and the fast search over the same distinct
 * inputs (square heat sources 5 .. 62 mm, 1 .. 16 packages per lane), and
 * prints microseconds per call for each and the speed-up.  Each timing is
 * the best of a few repetitions; the results of both are compared too.
 *
 *   gcc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Isrc src/hw/heatsink.c \
 *       bench/bench_heatsink.c -lm -o /tmp/bench_heatsink && /tmp/bench_heatsink [N]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hw/heatsink.h"

#define DEFAULT_INPUTS 300
#define REPEATS 3

typedef heatsink_t (*design_fn)(double, double, double);

typedef struct {
    double side, packages;
} input_t;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Distinct inputs spread over sides and lane sizes. */
static void make_inputs(input_t *in, int n)
{
    static const double lanes[] = {1, 2, 4, 8, 16};
    for (int i = 0; i < n; i++) {
        in[i].side = 5.0 + 57.0 * (i + 0.5) / n;
        in[i].packages = lanes[i % 5];
    }
}

/* Best-of-REPEATS seconds per call; results land in out. */
static double time_per_call(design_fn f, const input_t *in, int n, heatsink_t *out)
{
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        double t0 = now_s();
        for (int i = 0; i < n; i++)
            out[i] = f(in[i].side, in[i].side, in[i].packages);
        double dt = (now_s() - t0) / n;
        best = dt < best ? dt : best;
    }
    return best;
}

static int count_differences(const heatsink_t *a, const heatsink_t *b, int n)
{
    int diff = 0;
    for (int i = 0; i < n; i++)
        diff += a[i].valid != b[i].valid || a[i].cost != b[i].cost
                || a[i].max_power != b[i].max_power;
    return diff;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : DEFAULT_INPUTS;
    if (n <= 0)
        return EXIT_FAILURE;
    input_t *in = malloc(sizeof *in * (size_t)n);
    heatsink_t *fast = malloc(sizeof *fast * (size_t)n);
    heatsink_t *slow = malloc(sizeof *slow * (size_t)n);
    if (!in || !fast || !slow)
        return EXIT_FAILURE;
    make_inputs(in, n);

    double t_slow = time_per_call(hw_heatsink_design_exhaustive, in, n, slow);
    double t_fast = time_per_call(hw_heatsink_design, in, n, fast);
    printf("heat-sink search over %d inputs (best of %d):\n", n, REPEATS);
    printf("  exhaustive: %9.1f us/call\n", t_slow * 1e6);
    printf("  fast:       %9.1f us/call  (%.1fx)\n", t_fast * 1e6, t_slow / t_fast);
    printf("  results differing: %d\n", count_differences(fast, slow, n));

    free(in);
    free(fast);
    free(slow);
    return EXIT_SUCCESS;
}

/*
 * test_heatsink.c -- unit tests of the heat-sink model (src/hw/heatsink.c):
 * results of the reference (ReaLLM v1 Heatsink.py, values printed by it),
 * invalid heat sources, the fast search against the exhaustive one on a
 * grid of heat sources and lane sizes, and calls from OpenMP threads.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hw/heatsink.h"

#define REL_TOL 1e-9

typedef struct {
    double length, width, packages;   /* mm, mm, per lane */
    bool valid;
    double cost, max_power;           /* USD, W */
} hs_case_t;

/* cost and max_power as the reference prints them (repr). */
static const hs_case_t reference_cases[] = {
    {20.0, 20.0, 4, true, 1.4290163875000004, 85.64331935202671},
    {20.0, 20.0, 2, true, 1.3898509275000004, 129.90100835473714},
    {29.976, 29.976, 2, true, 1.3280498929600002, 161.53378348518513},
    {60.0, 60.0, 1, true, 1.183046992, 355.23349544227085},
    {45.971, 45.971, 1, true, 1.2402697904000002, 292.7164995452849},
    {24.1, 59.23, 1, true, 1.2733336840000002, 263.797408732126},
    {25.2, 27.98, 3, true, 1.5758868625000004, 117.49302605241567},
    {10.0, 10.0, 8, true, 1.1918530364800002, 38.874058948356236},
    {29.1, 29.1, 12, true, 1.09808267988, 38.91368160130337},
    {27.0, 27.0, 16, true, 1.07422473072, 29.872131226368236},
    {5.0, 5.0, 16, true, 1.08172800832, 16.492793505416245},
    {450.0, 20.0, 1, true, 2.8904549140000007, 427.2402162972312},
    /* wider than the 60 mm base */
    {61.0, 61.0, 2, false, INFINITY, 0.0},
    {60.6, 60.6, 4, false, INFINITY, 0.0},
    /* longer than a 450 mm lane's share */
    {56.25, 10.0, 8, false, INFINITY, 0.0},
    {44.1, 44.1, 16, false, INFINITY, 0.0},
};

static bool rel_close(double got, double want)
{
    if (isinf(want))
        return isinf(got) && (got > 0) == (want > 0);
    return fabs(got - want) <= REL_TOL * fabs(want);
}

static void check_heatsink(heatsink_t got, bool valid, double cost, double max_power,
                           const char *what, double l, double w, double p)
{
    ck_assert_msg(got.valid == valid, "%s(%g, %g, %g): valid %d, want %d", what, l, w, p,
                  got.valid, valid);
    ck_assert_msg(rel_close(got.cost, cost), "%s(%g, %g, %g): cost %.17g, want %.17g", what,
                  l, w, p, got.cost, cost);
    ck_assert_msg(rel_close(got.max_power, max_power),
                  "%s(%g, %g, %g): max_power %.17g, want %.17g", what, l, w, p,
                  got.max_power, max_power);
}

START_TEST(exhaustive_matches_reference)
{
    const hs_case_t *c = &reference_cases[_i];
    heatsink_t hs = hw_heatsink_design_exhaustive(c->length, c->width, c->packages);
    check_heatsink(hs, c->valid, c->cost, c->max_power, "exhaustive", c->length, c->width,
                   c->packages);
}
END_TEST

START_TEST(fast_matches_reference)
{
    const hs_case_t *c = &reference_cases[_i];
    heatsink_t hs = hw_heatsink_design(c->length, c->width, c->packages);
    check_heatsink(hs, c->valid, c->cost, c->max_power, "fast", c->length, c->width,
                   c->packages);
}
END_TEST

START_TEST(unusable_inputs_are_invalid)
{
    const double bad[][3] = {
        {0, 10, 1}, {10, 0, 1}, {-5, 10, 1}, {10, 10, 0}, {10, 10, 0.5},
        {NAN, 10, 1}, {10, INFINITY, 1}, {10, 10, NAN},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_heatsink(hw_heatsink_design(bad[i][0], bad[i][1], bad[i][2]), false, INFINITY,
                       0.0, "fast", bad[i][0], bad[i][1], bad[i][2]);
        check_heatsink(hw_heatsink_design_exhaustive(bad[i][0], bad[i][1], bad[i][2]), false,
                       INFINITY, 0.0, "exhaustive", bad[i][0], bad[i][1], bad[i][2]);
    }
}
END_TEST

static void check_fast_equals_exhaustive(double l, double w, double p)
{
    heatsink_t ex = hw_heatsink_design_exhaustive(l, w, p);
    check_heatsink(hw_heatsink_design(l, w, p), ex.valid, ex.cost, ex.max_power,
                   "fast vs exhaustive", l, w, p);
}

static const double lane_sizes[] = {1, 2, 4, 8, 16};

/* Square heat sources, 5 .. 62 mm (past the 60 mm base), every lane size. */
START_TEST(fast_equals_exhaustive_square_grid)
{
    double p = lane_sizes[_i];
    for (double side = 5.0; side <= 62.0; side += 1.9)
        check_fast_equals_exhaustive(side, side, p);
}
END_TEST

/* Rectangular heat sources and odd lane sizes. */
START_TEST(fast_equals_exhaustive_rectangles)
{
    const double shapes[][2] = {{7.3, 41.0}, {33.3, 12.1}, {58.7, 59.99}, {120.0, 30.0},
                                {14.2, 60.0}, {60.0, 14.2}};
    const double lanes[] = {1, 3, 5, 6};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        for (size_t j = 0; j < sizeof lanes / sizeof lanes[0]; j++)
            check_fast_equals_exhaustive(shapes[i][0], shapes[i][1], lanes[j]);
}
END_TEST

/* Concurrent calls give the same results as serial ones. */
START_TEST(thread_safe)
{
    enum { N = 24 };
    heatsink_t serial[N], parallel[N];
    for (int i = 0; i < N; i++)
        serial[i] = hw_heatsink_design(8.0 + 2.1 * i, 8.0 + 2.1 * i, lane_sizes[i % 5]);
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < N; i++)
        parallel[i] = hw_heatsink_design(8.0 + 2.1 * i, 8.0 + 2.1 * i, lane_sizes[i % 5]);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(serial[i].valid, parallel[i].valid);
        ck_assert(serial[i].cost == parallel[i].cost);
        ck_assert(serial[i].max_power == parallel[i].max_power);
    }
}
END_TEST

static Suite *heatsink_suite(void)
{
    Suite *s = suite_create("heatsink");
    int n_ref = (int)(sizeof reference_cases / sizeof reference_cases[0]);
    int n_lanes = (int)(sizeof lane_sizes / sizeof lane_sizes[0]);

    TCase *tc = tcase_create("reference");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, exhaustive_matches_reference, 0, n_ref);
    tcase_add_loop_test(tc, fast_matches_reference, 0, n_ref);
    tcase_add_test(tc, unusable_inputs_are_invalid);
    suite_add_tcase(s, tc);

    tc = tcase_create("fast_vs_exhaustive");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, fast_equals_exhaustive_square_grid, 0, n_lanes);
    tcase_add_test(tc, fast_equals_exhaustive_rectangles);
    tcase_add_test(tc, thread_safe);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(heatsink_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

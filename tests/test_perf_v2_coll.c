/*
 * test_perf_v2_coll.c -- perf_model v2's per-collective dispatch cost
 * (v2_layout_collectives, v2_layout_collective_fixed_s in
 * src/perf/v2_layout.c; system key collective_fixed_s): the collectives one
 * decoder layer issues under each layout of Pope et al.'s implementation
 * (google-research scaling_transformer_inference_efficiency), each paying a
 * fixed cost beyond its ICI hops.  Numbers: the counts read in that code
 * (docs/perf-model-v2.md, "Seventh pass"); 5 us per collective from the
 * scaling book's measured latency-bound AllGather (8 us for 3 hops of 1 us).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hw/hw_config.h"
#include "perf/v2_model.h"
#include "validate/validate.h"
#include "v2_ablation.h"

START_TEST(collective_counts_per_layout)
{
    /* 1D (x, y, z axes): pmean, all-gather matmul, K/V psum, matmul
     * reduce-scatter, psum over yz; batch-sharded K/V: psum_scatter and
     * four all-to-alls instead of the psum */
    ck_assert_int_eq(v2_layout_collectives(V2_LAYOUT_1D_WS, 0), 5);
    ck_assert_int_eq(v2_layout_collectives(V2_LAYOUT_1D_WS, 1), 9);
    /* 2D: all-gathers over y and z, pmean over x, matmul reduce-scatter,
     * K/V psum + all-gather over z (or psum_scatter + two all-to-alls),
     * matmul all-gather, reduce-scatters over y and z */
    ck_assert_int_eq(v2_layout_collectives(V2_LAYOUT_2D_WS, 0), 9);
    ck_assert_int_eq(v2_layout_collectives(V2_LAYOUT_2D_WS, 1), 10);
    /* weight-gathered: the two weight-gathering collective matmuls */
    ck_assert_int_eq(v2_layout_collectives(V2_LAYOUT_WG_XY, 0), 2);
    ck_assert_int_eq(v2_layout_collectives(V2_LAYOUT_WG_XYZ, 1), 2);
    /* 5 us each: 50 us per 2D decode layer with batch-sharded K/V, 5.9 ms
     * over PaLM's 118 layers; nothing on one chip or with the key unset */
    ck_assert_double_eq_tol(v2_layout_collective_fixed_s(V2_LAYOUT_2D_WS, 1, 64, 5e-6), 50e-6, 1e-18);
    ck_assert_double_eq_tol(118 * v2_layout_collective_fixed_s(V2_LAYOUT_2D_WS, 1, 64, 5e-6),
                            5.9e-3, 1e-15);
    ck_assert_double_eq(v2_layout_collective_fixed_s(V2_LAYOUT_2D_WS, 1, 1, 5e-6), 0);
    ck_assert_double_eq(v2_layout_collective_fixed_s(V2_LAYOUT_1D_WS, 0, 8, 0), 0);
    unsigned bits = 0;
    char err[256];
    ck_assert(v2_off_parse("collective_fixed", &bits, err, sizeof err));
    ck_assert_uint_eq(bits, V2_OFF_COLLECTIVE_FIXED);
}
END_TEST

/* PaLM 540B decode on 64 TPU v4 (2D weight-stationary, batch-sharded K/V):
 * 64 steps x 118 layers x 10 collectives x 5 us = 0.3776 s more; the GPU
 * systems set no collective_fixed_s, so their rows do not move by a bit. */
START_TEST(collective_fixed_moves_tpu_rows_only)
{
    val_row_t *rows;
    size_t n;
    hw_constants_t hc;
    v2_ablation_load(&rows, &n, &hc);
    double on, off;
    const char *moved[] = {"pope-540b-lowlat-decode", "pope-540b-tput-decode"};
    const double on_s[] = {1.59755, 4.68520}, off_s[] = {1.21995, 4.30760};
    for (int i = 0; i < 2; i++) {
        v2_row_on_off(rows, n, moved[i], V2_OFF_COLLECTIVE_FIXED, &hc, &on, &off);
        ck_assert_msg(fabs(on - off - 64 * 118 * 10 * 5e-6) < 1e-9, "%s: %.9g - %.9g", moved[i], on, off);
        ck_assert_msg(fabs(on - on_s[i]) < 1e-5 && fabs(off - off_s[i]) < 1e-5, "%s: %.9g %.9g",
                      moved[i], on, off);
    }
    const char *same[] = {"trt06-70b-a100-128-2048", "trt05-ttft-70b-h100-128", "llmcompass-decode"};
    v2_rows_unmoved(rows, n, same, 3, V2_OFF_COLLECTIVE_FIXED, &hc);
    free(rows);
}
END_TEST

static Suite *coll_suite(void)
{
    Suite *s = suite_create("perf_v2_coll");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, collective_counts_per_layout);
    tcase_add_test(tc, collective_fixed_moves_tpu_rows_only);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(coll_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

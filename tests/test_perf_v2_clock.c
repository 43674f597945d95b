/*
 * test_perf_v2_clock.c -- perf_model v2's sustained SM clock
 * (v2_sustained_clock_ratio, src/perf/v2_format.c; chip keys max_clock_mhz
 * and sustained_clock_mhz): a power-capped chip's tensor-core rate under
 * the sustained load of an inference run, as a share of its rate at the
 * unthrottled clock the GEMM microbenchmarks ran at.  Numbers from the
 * cited clocks (docs/perf-model-v2.md, "Sustained SM clock"): Hopper SXM
 * 1980 -> 1575 MHz (deepseek-ai/DeepGEMM issue 120), H200 1980 -> 1500 MHz
 * (tile-ai/TileOPs issue 1587); A100 SXM holds 1410 MHz under load (Chips
 * and Cheese, "Nvidia's H100: Funny L2, and Tons of Bandwidth").
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/hw_config.h"
#include "perf/v2_model.h"
#include "validate/validate.h"
#include "v2_ablation.h"

START_TEST(clock_ratio_numbers)
{
    ck_assert_double_eq_tol(v2_sustained_clock_ratio(1980, 1575), 0.7954545454545454, 1e-15);
    ck_assert_double_eq_tol(v2_sustained_clock_ratio(1980, 1500), 0.7575757575757576, 1e-15);
    ck_assert_double_eq(v2_sustained_clock_ratio(1410, 1410), 1);
    /* not given: the chip's peak as it is */
    ck_assert_double_eq(v2_sustained_clock_ratio(0, 0), 1);
    ck_assert_double_eq(v2_sustained_clock_ratio(1980, 0), 1);
    unsigned bits = 0;
    char err[256];
    ck_assert(v2_off_parse("sustained_clock", &bits, err, sizeof err));
    ck_assert_uint_eq(bits, V2_OFF_CLOCK);
}
END_TEST

/* The hardware files carry both clocks; a chip with one of them, or a
 * sustained clock above the max, is refused at its position. */
START_TEST(clock_keys_checked)
{
    hw_config_t cfg;
    cfg_err_t err;
    ck_assert_msg(hw_config_load("validation/hw/h200.yaml", &cfg, &err) == 0, "%s", err.msg);
    ck_assert_double_eq(cfg.chips[0].max_clock_mhz, 1980);
    ck_assert_double_eq(cfg.chips[0].sustained_clock_mhz, 1500);
    hw_config_free(&cfg);

    FILE *in = fopen("validation/hw/h200.yaml", "r");
    ck_assert(in != NULL);
    char path[] = "/tmp/test_perf_v2_clock_XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    FILE *out = fdopen(fd, "w");
    char line[512];
    while (fgets(line, sizeof line, in))
        if (!strstr(line, "sustained_clock_mhz:"))
            fputs(line, out);
    fclose(in);
    fclose(out);
    ck_assert(hw_config_load(path, &cfg, &err) != 0);
    remove(path);
    ck_assert_msg(strstr(err.msg, "Chip: give max_clock_mhz and sustained_clock_mhz together") != NULL &&
                      strstr(err.msg, ":5:3: ") != NULL,
                  "%s", err.msg);
}
END_TEST

/* The H200 compute-bound row (Llama 3.3 70B FP8, 2048/128): its prefill
 * GEMMs run at 1500 / 1980 of the microbenchmark rate, output tokens/s
 * 560.62 -> 449.97 (measured 442); the TPU v4 rows' hardware gives no
 * clock, so they do not move by a bit. */
START_TEST(clock_moves_hopper_rows_only)
{
    val_row_t *rows;
    size_t n;
    hw_constants_t hc;
    v2_ablation_load(&rows, &n, &hc);
    double on, off;
    v2_row_on_off(rows, n, "trt-70b-h200-2048-128", V2_OFF_CLOCK, &hc, &on, &off);
    ck_assert_msg(fabs(off - 560.62) < 0.01, "off %g", off);
    ck_assert_msg(fabs(on - 449.97) < 0.01, "on %g", on);
    const char *same[] = {"pope-540b-lowlat-decode", "trt06-7b-a100-128-128"};
    v2_rows_unmoved(rows, n, same, 2, V2_OFF_CLOCK, &hc);
    free(rows);
}
END_TEST

static Suite *clock_suite(void)
{
    Suite *s = suite_create("perf_v2_clock");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, clock_ratio_numbers);
    tcase_add_test(tc, clock_moves_hopper_rows_only);
    tcase_add_test(tc, clock_keys_checked);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(clock_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

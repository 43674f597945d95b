/*
 * test_hw_model.c -- unit tests of the hardware model with real numbers:
 * die yield, dies per wafer, interest and TCO, package cost, chip modes,
 * and the binding of sweeps and bad values in hardware YAML.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/hw_engine.h"
#include "hw/hw_config.h"
#include "hw/hw_eval.h"
#include "hw/tco.h"

#define CONSTANTS "tests/golden/inputs/hardware/constant/7nm_default.yaml"
#define CONFIGS "tests/golden/inputs/hardware/config/"

static void close_to(double got, double want)
{
    ck_assert_msg(fabs(got - want) <= 1e-12 * fabs(want), "got %.17g, want %.17g", got, want);
}

START_TEST(die_yield_negative_binomial)
{
    close_to(hw_die_yield(623.9736515334182, 0.001, 10.0), 0.5459214399424875);
    close_to(hw_die_yield(0, 0.001, 10.0), 1.0);
}
END_TEST

START_TEST(dies_per_wafer_row_fitting)
{
    /* values from the reference's dies_per_wafer */
    ck_assert_double_eq(hw_dies_per_wafer(623.9736515334182, 300, 0.1), 96);
    ck_assert_double_eq(hw_dies_per_wafer(40.0, 300, 0.1), 1652);
    ck_assert_double_eq(hw_dies_per_wafer(100.0, 300, 0.1), 651);
    ck_assert_double_eq(hw_dies_per_wafer(800.0, 300, 0.1), 72);
}
END_TEST

START_TEST(interest_and_tco)
{
    close_to(hw_total_interest_usd(3239.2138069747807, 0.08, 1.5), 209.01148419971423);
    close_to(hw_total_interest_usd(10.0, 0.08, 12.0), 5.587317201010229);
    hw_constants_t hc;
    cfg_err_t err;
    ck_assert_int_eq(hw_constants_load(CONSTANTS, &hc, &err), 0);
    /* the tpuv4 server of the golden set */
    tco_t t = hw_tco_eval(&hc.tco, 1824.443213296399, 3239.2138069747807, 1.5);
    close_to(t.total, 10854.857776661102);
    close_to(t.dc_amortization, 2280.5540166204987);
    close_to(t.dc_interest, 1274.2178684896683);
    close_to(t.dc_opex, 1313.599113573407);
    close_to(t.srv_power, 1584.2005309695296);
    close_to(t.pue_overhead, 792.1002654847648);
}
END_TEST

static void explore(const char *name, hw_constants_t *hc, hw_config_t *cfg, hw_points_t *pts)
{
    char path[256];
    cfg_err_t err;
    hw_stats_t st;
    snprintf(path, sizeof path, CONFIGS "%s.yaml", name);
    ck_assert_int_eq(hw_constants_load(CONSTANTS, hc, &err), 0);
    ck_assert_msg(hw_config_load(path, cfg, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(hw_engine_eval(cfg, hc, 1, pts, &st), 0);
}

START_TEST(package_cost_interposer_and_organic)
{
    hw_constants_t hc;
    hw_config_t cfg;
    hw_points_t pts;
    explore("tpuv4", &hc, &cfg, &pts);
    /* HBM forces a silicon interposer */
    ck_assert(pts.packages[0].si);
    close_to(pts.packages[0].area, 1091.13801668676);
    close_to(pts.packages[0].cost, 543.6084489796951);
    close_to(pts.chips[0].cost, 192.71698386569497);
    hw_points_free(&pts);
    hw_config_free(&cfg);
    /* four SRAM-only chips take the organic-substrate path */
    explore("cc_sweep", &hc, &cfg, &pts);
    ck_assert_int_eq(cfg.n_chips, 36);
    ck_assert_int_eq(cfg.n_packages, 2);
    ck_assert_int_eq(cfg.n_servers, 4);
    ck_assert(!pts.packages[1].si);
    ck_assert_double_eq(pts.packages[1].num_chips, 4);
    close_to(pts.packages[1].area, 640.0);
    close_to(pts.packages[1].cost, 32.32494264554748);
    hw_points_free(&pts);
    hw_config_free(&cfg);
}
END_TEST

START_TEST(sweep_order_and_associated_explore)
{
    hw_constants_t hc;
    hw_config_t cfg;
    hw_points_t pts;
    explore("cc_sweep", &hc, &cfg, &pts);
    /* first key slowest: area, then mac_ratio, then operational_intensity */
    close_to(cfg.chips[0].area, 40.0);
    close_to(cfg.chips[1].operational_intensity, 256);
    close_to(cfg.chips[2].mac_ratio, 0.4);
    close_to(cfg.chips[6].area, 80.0);
    close_to(cfg.servers[1].num_lanes, 8);
    close_to(cfg.servers[2].packages_per_lane, 8);
    ck_assert_int_eq(pts.n_servers, 288);
    hw_points_free(&pts);
    hw_config_free(&cfg);
    explore("hbm_explore", &hc, &cfg, &pts);
    ck_assert_int_eq(cfg.n_packages, 3);
    ck_assert_str_eq(cfg.packages[2].hbm.config, "HBM3E");
    close_to(cfg.packages[2].hbm.num_channels, 12);
    close_to(cfg.packages[0].hbm.pj_per_byte, 31);
    close_to(cfg.packages[1].hbm.bit_rate, 6871947673);
    hw_points_free(&pts);
    hw_config_free(&cfg);
}
END_TEST

static const char *bind_error(const char *yaml)
{
    static cfg_err_t err;
    char dir[] = "/tmp/hwsweep-test-XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(yaml, f);
    fclose(f);
    hw_config_t cfg;
    int rc = hw_config_load(path, &cfg, &err);
    unlink(path);
    rmdir(dir);
    if (rc == 0) {
        hw_config_free(&cfg);
        return "";
    }
    const char *msg = strstr(err.msg, ".yaml:");
    return msg ? msg + 6 : err.msg;
}

#define HW_HEAD "Name: t\nChip:\n  tech: '7nm'\n  dataflow: roofline\n"
#define HW_IO "  pkg2pkg_io: {io_type: p2p, num: 2, bandwidth_per_io: 1.0e+9}\n"
#define HW_TAIL "Package:\n  num_chips: 1\nServer:\n  packages_per_lane: 2\n  io: {io_type: s2s, num: 2, bandwidth_per_io: 1.0e+9}\n"

START_TEST(yaml_value_errors)
{
    ck_assert_str_eq(bind_error(HW_HEAD HW_IO "  area: 100\n  mac_ratio: 1.5\n  operational_intensity: 4\n" HW_TAIL),
                     "7:14: Chip.mac_ratio: 1.5 must be in (0, 1)");
    ck_assert_str_eq(bind_error(HW_HEAD HW_IO "  area: -3\n  mac_ratio: 0.5\n  operational_intensity: 4\n" HW_TAIL),
                     "6:9: Chip.area: -3 must be > 0");
    ck_assert_str_eq(bind_error(HW_HEAD HW_IO "  area: 100\n  mac_ratio: 0.5\n" HW_TAIL),
                     "3:3: Chip: area and mac_ratio are given, so operational_intensity is required");
    ck_assert_str_eq(bind_error(HW_HEAD HW_IO "  perf: 1.0e+12\n" HW_TAIL),
                     "3:3: Chip: give either perf, sram and sram_bw, or area, mac_ratio and operational_intensity");
    ck_assert_str_eq(bind_error(HW_HEAD HW_IO "  area: [100, 200]\n  mac_ratio: 0.5\n  operational_intensity: 4\n"
                                "  num_sa: 2.5\n" HW_TAIL),
                     "9:11: Chip.num_sa: 2.5 must be a whole number");
    ck_assert_str_eq(bind_error(HW_HEAD HW_IO "  area: 100\n  mac_ratio: 0.5\n  operational_intensity: 4\n"
                                "Package:\n  num_chips: 1\n  hbm:\n    associated_explore: config\n"
                                "    config: [A, B]\n    channel_bytes: 1\n    channel_width: 128\n"
                                "    bit_rate: 1\n    num_channels: {A: 8}\n"
                                "Server:\n  packages_per_lane: 2\n  io: {io_type: s2s, num: 2, bandwidth_per_io: 1}\n"),
                     "17:19: num_channels has no value for 'B' (associated_explore: config)");
    ck_assert_str_eq(bind_error("Name: t\nChips: {}\n"),
                     "2:1: unknown key 'Chips' at top level (did you mean 'Chip'?) (valid: Name, Chip, Package, Server)");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_model");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, die_yield_negative_binomial);
    tcase_add_test(tc, dies_per_wafer_row_fitting);
    tcase_add_test(tc, interest_and_tco);
    tcase_add_test(tc, package_cost_interposer_and_organic);
    tcase_add_test(tc, sweep_order_and_associated_explore);
    tcase_add_test(tc, yaml_value_errors);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

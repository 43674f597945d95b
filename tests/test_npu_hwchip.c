/*
 * test_npu_hwchip.c -- `hwsweep npu --chip` with a chip of a hardware
 * exploration: a hardware YAML explored in memory gives the same record,
 * the same npu_chip_t and the same CSVs as DB.db:CHIP_ID of that hardware
 * explored with `hwsweep hw`; a YAML with several chips, and a YAML that
 * is neither a hardware nor a NeuSim chip file, are refused; an `npu:`
 * sweep takes both forms in its chips list beside NeuSim chips.
 */
#include <check.h>
#include <sqlite3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/npu_hwchip_map.h"
#include "engine/npu_hwchip_src.h"
#include "npu/npu_config.h"

#define CONSTANTS "inputs/hardware/constant/7nm_default.yaml"
#define TPUV4 "inputs/hardware/config/tpuv4.yaml"

static char dir[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_npu_hwchip_%d", (int)getpid());
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s && bin/hwsweep hw -q -o %s/hw " TPUV4, dir, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* TPUv5p's file with the hardware chip mapped onto it, as hwsweep npu does */
static void mapped_chip(const npu_hwchip_t *h, npu_config_t *c, npu_chip_t *chip)
{
    npu_config_defaults(c);
    cfg_err_t err;
    char p[512], e[512];
    ck_assert_msg(npu_config_resolve("chips", NPU_HWCHIP_BASE, p, sizeof p, &err), "%s", err.msg);
    ck_assert_msg(npu_config_merge_file(c, p, &err), "%s", err.msg);
    ck_assert_msg(npu_hwchip_apply(c, h, e, sizeof e), "%s", e);
    memset(chip, 0, sizeof *chip);
    npu_config_chip(c, chip);
}

START_TEST(test_yaml_equals_db)
{
    cfg_err_t err;
    npu_hwchip_t y, d;
    ck_assert_msg(npu_hwchip_resolve(TPUV4, CONSTANTS, &y, &err) == 1, "%s", err.msg);
    char spec[256];
    snprintf(spec, sizeof spec, "%s/hw/tpuv4/tpuv4.db:tpuv4", dir);
    ck_assert_msg(npu_hwchip_resolve(spec, CONSTANTS, &d, &err) == 1, "%s", err.msg);
    /* the record, field by field, exactly */
    ck_assert_str_eq(y.chip_id, "tpuv4");
    ck_assert_str_eq(d.chip_id, y.chip_id);
    const double *a[] = {&y.perf_flops, &y.freq_hz, &y.sram_bytes, &y.sram_bw_bytes_per_s, &y.link_bw_bytes_per_s,
                         &y.hbm_bw_bytes_per_s, &y.hbm_cap_bytes, &y.tdp_w},
                 *b[] = {&d.perf_flops, &d.freq_hz, &d.sram_bytes, &d.sram_bw_bytes_per_s, &d.link_bw_bytes_per_s,
                         &d.hbm_bw_bytes_per_s, &d.hbm_cap_bytes, &d.tdp_w};
    for (int i = 0; i < 8; i++)
        ck_assert_msg(*a[i] == *b[i], "field %d: %.17g vs %.17g", i, *a[i], *b[i]);
    /* tpuv4.yaml: 275 TFLOP/s at 1.05 GHz, 300e6 B SRAM, 135 GB/s links, 8 HBM2 channels of 1 GiB at
     * 128 bits x 2.34375 Gb/s = 300e9 B/s */
    ck_assert(y.perf_flops == 275e12 && y.freq_hz == 1.05e9 && y.sram_bytes == 300e6);
    ck_assert(y.link_bw_bytes_per_s == 135e9);
    ck_assert_msg(fabs(y.hbm_bw_bytes_per_s - 300e9) <= 1e-9 * 300e9, "%.17g", y.hbm_bw_bytes_per_s);
    ck_assert(y.hbm_cap_bytes == 8.0 * 1073741824);
    ck_assert(y.tdp_w > 0);
    /* the same npu_chip_t */
    npu_config_t cy, cd;
    npu_chip_t ky, kd;
    mapped_chip(&y, &cy, &ky);
    mapped_chip(&d, &cd, &kd);
    ck_assert(memcmp(&ky, &kd, sizeof ky) == 0);
    /* 275e12 / (2 x 128 x 128 x 1.05e9) = 7.99 -> 8 MXUs; floor(300e6 / 2^20) = 286 MiB VMEM;
     * 300e9 / 2^30 GB/s of HBM (NeuSim's GB/s are GiB/s); 8 GiB; 135 GB/s ICI */
    ck_assert_int_eq(ky.num_sa, 8);
    ck_assert_int_eq(npu_config_int(&cy, "vmem_size_MB"), 286);
    ck_assert(fabs(npu_config_num(&cy, "hbm_bw_GBps") - 300e9 / 1073741824.0) < 1e-9);
    ck_assert_int_eq(npu_config_int(&cy, "hbm_size_GB"), 8);
    ck_assert(fabs(npu_config_num(&cy, "ici_bw_GBps") - 135) < 1e-12);
    ck_assert(fabs(npu_config_num(&cy, "freq_GHz") - 1.05) < 1e-12);
    /* a chip id that is not there: the nearest valid one */
    snprintf(spec, sizeof spec, "%s/hw/tpuv4/tpuv4.db:tpuv3", dir);
    ck_assert_int_eq(npu_hwchip_resolve(spec, CONSTANTS, &d, &err), -1);
    ck_assert_msg(strstr(err.msg, "did you mean 'tpuv4'"), "%s", err.msg);
}
END_TEST

static int run(const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bin/hwsweep npu -q --model llama3-8b --allow-oom --no-energy %s 2>%s/err", args, dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static bool same_file(const char *a, const char *b)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cmp -s %s/%s %s/%s", dir, a, dir, b);
    return system(cmd) == 0;
}

static bool err_has(const char *what)
{
    char path[256], buf[4096] = "";
    snprintf(path, sizeof path, "%s/err", dir);
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = 0;
        fclose(f);
    }
    return strstr(buf, what) != NULL;
}

START_TEST(test_cli_same_csv)
{
    char args[512];
    snprintf(args, sizeof args, "--chip " TPUV4 " -o %s/y.csv", dir);
    ck_assert_int_eq(run(args), 0);
    snprintf(args, sizeof args, "--chip %s/hw/tpuv4/tpuv4.db:tpuv4 -o %s/d.csv", dir, dir);
    ck_assert_int_eq(run(args), 0);
    ck_assert(same_file("y.csv", "d.csv"));
    ck_assert(same_file("y_prefill.csv", "d_prefill.csv"));
    ck_assert(same_file("y_decode.csv", "d_decode.csv"));
}
END_TEST

/* several chips: refused, located, how to pick one; nothing written */
START_TEST(test_multi_chip_refused)
{
    char args[512], cmd[512];
    snprintf(args, sizeof args, "--chip inputs/hardware/config/cc_sweep_small.yaml -o %s/out/m.csv", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/out", dir);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(run(args), 2);
    ck_assert(err_has("cc_sweep_small.yaml:3:1: --chip: this hardware yields 4 chips, 4 of them valid"));
    ck_assert(err_has("hwsweep hw inputs/hardware/config/cc_sweep_small.yaml"));
    ck_assert(err_has("outputs/cc_sweep_small/cc_sweep_small.db:CHIP_ID (valid chip ids: 0, 1, 2, 3)"));
    snprintf(cmd, sizeof cmd, "[ -z \"$(ls -A %s/out)\" ]", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* a YAML that is neither kind; a NeuSim chip name or file is not a hardware chip */
START_TEST(test_neither)
{
    char path[256];
    snprintf(path, sizeof path, "%s/bad.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("# a typo\nChp: 1\n", f);
    fclose(f);
    cfg_err_t err;
    npu_hwchip_t h;
    ck_assert_int_eq(npu_hwchip_resolve(path, CONSTANTS, &h, &err), -1);
    ck_assert_msg(strstr(err.msg, "bad.yaml:2:1: --chip: 'Chp' is neither a NeuSim chip key") &&
                      strstr(err.msg, "(did you mean 'Chip'?)"),
                  "%s", err.msg);
    ck_assert_int_eq(npu_hwchip_resolve("tpuv5p", CONSTANTS, &h, &err), 0);
    ck_assert_int_eq(npu_hwchip_resolve("inputs/npu/chips/tpuv4.yaml", CONSTANTS, &h, &err), 0);
    char args[512];
    snprintf(args, sizeof args, "--chip %s -o %s/n.csv", path, dir);
    ck_assert_int_eq(run(args), 2);
    snprintf(path, sizeof path, "%s/n.csv", dir);
    ck_assert(access(path, F_OK) != 0);
}
END_TEST

/* write a sweep file naming chips, run it; exit status */
static int sweep(const char *chips)
{
    char path[256], cmd[1024];
    snprintf(path, sizeof path, "%s/hwchips.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "npu:\n  models: [llama3-8b, gligen]\n  chips: %s\n  num_chips: [1, 2]\n  batch: [1]\n"
               "  parallelism: auto\n",
            chips);
    fclose(f);
    snprintf(cmd, sizeof cmd, "bin/hwsweep run -q -o %s/sw %s 2>%s/err", dir, path, dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* one text cell of the sweep database */
static void cell(const char *sql, char *out, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/sw/sweeps/hwchips.db", dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    snprintf(out, len, "%s", t ? (const char *)t : "NULL");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* an npu: sweep's chips: a NeuSim chip, DB.db:CHIP_ID and the hardware YAML, the two hardware forms
 * giving the numbers of hwsweep npu --chip (llama3-8b on one mapped TPUv4: TTFT 0.305064864 s, out of
 * its 8 GiB HBM) */
START_TEST(test_sweep_chips)
{
    char chips[512], v[256];
    snprintf(chips, sizeof chips, "[tpuv5p, %s/hw/tpuv4/tpuv4.db:tpuv4, " TPUV4 "]", dir);
    ck_assert_int_eq(sweep(chips), 0);
    cell("SELECT group_concat(DISTINCT chip) FROM npu_points", v, sizeof v);
    ck_assert_msg(strstr(v, "tpuv5p") && strstr(v, "tpuv4.db:tpuv4") && strstr(v, TPUV4), "%s", v);
    cell("SELECT group_concat(TTFT_sec || ' ' || status, ', ') FROM npu_points WHERE model = 'llama3-8b' AND "
         "num_chips = 1 AND phase = 'prefill' AND chip != 'tpuv5p'",
         v, sizeof v);
    ck_assert_str_eq(v, "0.305064864 out_of_memory, 0.305064864 out_of_memory");
    /* the two forms agree on every row; GLIGEN on the mapped chip with tp 2 too */
    cell("SELECT count(*) FROM npu_points a JOIN npu_points b USING (model, num_chips, dp, tp, pp, phase) WHERE "
         "a.chip LIKE '%.db:tpuv4' AND b.chip = '" TPUV4 "' AND a.status = b.status AND "
         "coalesce(a.TTFT_sec, a.TPOT_ms_request, a.latency_sec, -1) = coalesce(b.TTFT_sec, b.TPOT_ms_request, "
         "b.latency_sec, -1)",
         v, sizeof v);
    char all[64];
    cell("SELECT count(*) FROM npu_points WHERE chip = '" TPUV4 "'", all, sizeof all);
    ck_assert_str_eq(v, all);
    cell("SELECT count(*) FROM npu_points WHERE chip = '" TPUV4 "' AND model = 'gligen' AND tp = 2 AND status = 'ok'",
         v, sizeof v);
    ck_assert_str_eq(v, "1");
    /* the database and the YAML are recorded as the sweep's chip inputs (checked on --resume) */
    cell("SELECT group_concat(path, ' ') FROM npu_inputs WHERE role = 'chip'", v, sizeof v);
    ck_assert_msg(strstr(v, "tpuv4/tpuv4.db") && strstr(v, TPUV4) && strstr(v, "inputs/npu/chips/tpuv5p.yaml"), "%s",
                  v);
    /* bad chips: located in the sweep file, nothing written */
    snprintf(chips, sizeof chips, "[tpuv5p, %s/hw/tpuv4/tpuv4.db:tpuv9]", dir);
    ck_assert_int_eq(sweep(chips), 2);
    ck_assert(err_has("hwchips.yaml:3:") && err_has("npu.chips:") && err_has("did you mean 'tpuv4'"));
    ck_assert_int_eq(sweep("[inputs/hardware/config/cc_sweep_small.yaml]"), 2);
    ck_assert(err_has("npu.chips:") && err_has("this hardware yields 4 chips"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("npu_hwchip");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_yaml_equals_db);
    tcase_add_test(t, test_cli_same_csv);
    tcase_add_test(t, test_multi_chip_refused);
    tcase_add_test(t, test_neither);
    tcase_add_test(t, test_sweep_chips);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

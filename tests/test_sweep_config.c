/*
 * test_sweep_config.c -- sweep files: overrides replace or add values at
 * dotted paths without touching the original tree, every input is loaded
 * and hashed, system files are shared, and mistakes are reported with
 * their position in the sweep file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/node.h"
#include "engine/sweep_config.h"

static char dir[64];

static const char *write_file(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

START_TEST(override_replaces_and_adds)
{
    cfg_err_t err;
    cfg_doc_t *doc = cfg_load_file(write_file("a.yaml", "Chip:\n  area: 1\n  io: {num: 2}\n"), &err);
    ck_assert_ptr_nonnull(doc);
    cfg_doc_t *vals = cfg_load_file(write_file("v.yaml", "x: [3, 4]\ny: 7\n"), &err);
    const node_t *root = cfg_doc_root(doc), *v = cfg_doc_root(vals);
    const char *area[] = {"Chip", "area"}, *num[] = {"Chip", "io", "num"}, *fresh[] = {"Chip", "vdd"};
    const node_t *r1 = cfg_override(doc, root, area, 2, cfg_get(v, "x"), v, &err);
    ck_assert_ptr_nonnull(r1);
    ck_assert_int_eq(cfg_get(cfg_get(r1, "Chip"), "area")->kind, NODE_SEQ);
    ck_assert_str_eq(cfg_get(cfg_get(root, "Chip"), "area")->scalar, "1");   /* original untouched */
    const node_t *r2 = cfg_override(doc, r1, num, 3, cfg_get(v, "y"), v, &err);
    ck_assert_str_eq(cfg_get(cfg_get(cfg_get(r2, "Chip"), "io"), "num")->scalar, "7");
    const node_t *r3 = cfg_override(doc, r2, fresh, 2, cfg_get(v, "y"), v, &err);
    ck_assert_int_eq((int)cfg_get(r3, "Chip")->n, 3);
    const char *bad[] = {"Chip", "nothere", "num"};
    ck_assert_ptr_null(cfg_override(doc, r3, bad, 3, cfg_get(v, "y"), v, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "has no mapping 'nothere'"));
    cfg_doc_free(vals);
    cfg_doc_free(doc);
}
END_TEST

START_TEST(sweep_loads_every_input)
{
    cfg_err_t err;
    sweep_t s;
    int rc = sweep_load("tests/sweeps/tiny.yaml", &s, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
    ck_assert_str_eq(s.name, "tiny");
    ck_assert_uint_eq(s.n_units, 1);
    ck_assert_str_eq(s.units[0].name, "cc_sweep_small");
    ck_assert_uint_eq(s.units[0].cfg.n_chips, 6);   /* Chip.area overridden: 3 values x 2 mac_ratio */
    ck_assert_uint_eq(s.n_models, 2);
    ck_assert_uint_eq(s.n_systems, 1);
    ck_assert_uint_eq(s.units[0].combos, 2);        /* 2 models x 1 configuration */
    ck_assert_uint_eq(s.n_inputs, 6);
    ck_assert_str_eq(s.inputs[0].role, "sweep");
    ck_assert_uint_eq(strlen(s.fingerprint), 64);
    sweep_free(&s);
}
END_TEST

static const char *load_error(const char *text)
{
    static cfg_err_t err;
    sweep_t s;
    const char *path = write_file("s.yaml", text);
    if (sweep_load(path, &s, &err) == 0) {
        sweep_free(&s);
        return "";
    }
    return strstr(err.msg, "s.yaml:") ? strstr(err.msg, "s.yaml:") + 7 : err.msg;
}

#define HEAD "hardware: inputs/hardware/config/cc_sweep_small.yaml\nmodels: inputs/software/model/gpt3.yaml\n"

START_TEST(sweep_errors_point_into_the_sweep)
{
    ck_assert_str_eq(load_error(HEAD "systems: inputs/software/system/cc_sweep_small.yaml\nhardwar: x\n"),
                     "4:1: unknown key 'hardwar' in sweep (did you mean 'hardware'?) (valid: hardware, "
                     "constants, models, systems, overrides)");
    ck_assert_str_eq(load_error(HEAD "systems: inputs/software/system/cc_sweep_small.yaml\n"
                                "overrides:\n  Chip.area: -5\n"),
                     "5:14: Chip.area: -5 must be > 0");
    ck_assert_str_eq(load_error(HEAD "systems: {other: inputs/software/system/cc_sweep_small.yaml}\n"),
                     "3:10: systems: no entry for hardware 'cc_sweep_small' and no default");
    ck_assert_str_eq(load_error(HEAD "models: inputs/software/model/gpt3.yaml\n"),
                     "3:1: duplicate key 'models' (first defined at line 2)");
    ck_assert_str_eq(load_error(HEAD "systems: inputs/software/system/cc_sweep_small.yaml\n"), "");
}
END_TEST

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hwsweep-sweepcfg-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    Suite *s = suite_create("sweep_config");
    TCase *tc = tcase_create("sweep");
    tcase_add_test(tc, override_replaces_and_adds);
    tcase_add_test(tc, sweep_loads_every_input);
    tcase_add_test(tc, sweep_errors_point_into_the_sweep);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return failed ? 1 : 0;
}

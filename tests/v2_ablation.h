/*
 * v2_ablation.h -- shared by the tests of single v2 corrections
 * (tests/test_perf_v2_*.c): a validation row's v2 prediction with the
 * correction and without it (its `v2_off` flag), and the check that the rows
 * a correction must leave alone do not move by a bit.  Header-only, since
 * every test file is a program of its own.
 */
#ifndef TESTS_V2_ABLATION_H
#define TESTS_V2_ABLATION_H

#include <check.h>
#include <string.h>

#include "hw/hw_config.h"
#include "validate/validate.h"

/* The validation table (validation/measurements.csv) and the 7 nm constants its rows are
 * predicted with. */
static void v2_ablation_load(val_row_t **rows, size_t *n, hw_constants_t *hc)
{
    cfg_err_t err;
    ck_assert_int_eq(val_table_load("validation/measurements.csv", rows, n, &err), 0);
    ck_assert_int_eq(hw_constants_load("inputs/hardware/constant/7nm_default.yaml", hc, &err), 0);
}

/* Row `id`'s v2 value with every correction (*on) and without off_flag's (*off). */
static void v2_row_on_off(const val_row_t *rows, size_t n, const char *id, unsigned off_flag,
                          const hw_constants_t *hc, double *on, double *off)
{
    const val_row_t *r = val_row_find(rows, n, id);
    ck_assert_msg(r != NULL, "no row %s", id);
    char why[512];
    ck_assert_msg(val_predict(r, "v2", 0, hc, on, why, sizeof why), "%s", why);
    ck_assert_msg(val_predict(r, "v2", off_flag, hc, off, why, sizeof why), "%s", why);
}

/* Rows ids[0..count) give the same bits with and without off_flag's correction. */
static void v2_rows_unmoved(const val_row_t *rows, size_t n, const char *const *ids, int count,
                            unsigned off_flag, const hw_constants_t *hc)
{
    for (int i = 0; i < count; i++) {
        double on, off;
        v2_row_on_off(rows, n, ids[i], off_flag, hc, &on, &off);
        ck_assert_msg(memcmp(&on, &off, sizeof on) == 0, "%s: %.17g vs %.17g", ids[i], on, off);
    }
}

#endif

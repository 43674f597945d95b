/*
 * test_numfmt.c -- num_repr, the one home of Python's float repr, against
 * a table of Python 3's own outputs (tests/golden/numfmt/python_repr.txt:
 * edge cases around 1e15/1e16 and 1e-4/1e-5, subnormals, the extremes,
 * the reasons' numbers, 200 random bit patterns and 100 rounded decimals).
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config/numfmt.h"

START_TEST(num_repr_agrees_with_python)
{
    FILE *f = fopen("tests/golden/numfmt/python_repr.txt", "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    int n = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        uint64_t bits;
        char want[64], got[64];
        ck_assert_int_eq(sscanf(line, "%" SCNx64 " %63s", &bits, want), 2);
        double v;
        memcpy(&v, &bits, sizeof v);
        num_repr(got, sizeof got, v);
        if (strcmp(got, want)) {
            fprintf(stderr, "num_repr(%016" PRIx64 ") = %s, Python: %s\n", bits, got, want);
            bad++;
        }
        n++;
    }
    fclose(f);
    ck_assert_int_ge(n, 350);
    ck_assert_int_eq(bad, 0);
    char b[64];
    num_repr(b, sizeof b, 1e15);
    ck_assert_str_eq(b, "1000000000000000.0");
    num_repr(b, sizeof b, 1e16);
    ck_assert_str_eq(b, "1e+16");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("numfmt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, num_repr_agrees_with_python);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

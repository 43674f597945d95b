/*
 * test_numfmt.c -- num_repr, the one home of Python's float repr, against
 * a table of Python 3's own outputs (tests/golden/numfmt/python_repr.txt:
 * edge cases around 1e15/1e16 and 1e-4/1e-5, subnormals, the extremes,
 * the reasons' numbers, 200 random bit patterns and 100 rounded decimals)
 * and a larger randomized one (python_repr_random.txt, 5,308 values).
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config/numfmt.h"

/* Every line of a table "BITS REPR" equal; returns the lines checked. */
static int check_table(const char *path)
{
    FILE *f = fopen(path, "r");
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
    ck_assert_int_eq(bad, 0);
    return n;
}

START_TEST(num_repr_agrees_with_python)
{
    ck_assert_int_ge(check_table("tests/golden/numfmt/python_repr.txt"), 350);
    char b[64];
    num_repr(b, sizeof b, 1e15);
    ck_assert_str_eq(b, "1000000000000000.0");
    num_repr(b, sizeof b, 1e16);
    ck_assert_str_eq(b, "1e+16");
}
END_TEST

START_TEST(num_repr_random_against_python)
{
    /* 5,308 values: random bit patterns, simulation-like values, powers of
     * two and their lower neighbours, ties, subnormals
     * (tests/golden/numfmt/make_python_repr_random.py) */
    ck_assert_int_ge(check_table("tests/golden/numfmt/python_repr_random.txt"), 5000);
    char b[64];
    /* just below a power of two the gap under the value is half the one
     * above: the shortest digits are 16 (printf-and-read-back found 17) */
    double v;
    uint64_t bits = UINT64_C(0x0060000000000000);
    memcpy(&v, &bits, sizeof v);
    num_repr(b, sizeof b, v);
    ck_assert_str_eq(b, "7.120236347223045e-307");
    /* two shortest candidates equally near: Python takes the even digit */
    num_repr(b, sizeof b, 562949953421312.25);
    ck_assert_str_eq(b, "562949953421312.2");
    num_repr(b, sizeof b, 562949953421312.75);
    ck_assert_str_eq(b, "562949953421312.8");
    num_repr(b, sizeof b, -5e-324);
    ck_assert_str_eq(b, "-5e-324");
    num_repr(b, sizeof b, 1.7976931348623157e308);
    ck_assert_str_eq(b, "1.7976931348623157e+308");
    num_repr(b, sizeof b, 0.1 + 0.2);
    ck_assert_str_eq(b, "0.30000000000000004");
    num_repr(b, sizeof b, 1e-5);
    ck_assert_str_eq(b, "1e-05");
    num_repr(b, sizeof b, 123456.789e-9);
    ck_assert_str_eq(b, "0.000123456789");
    /* a short buffer gets the first len - 1 characters, as snprintf */
    char s[5];
    num_repr(s, sizeof s, 0.30000000000000004);
    ck_assert_str_eq(s, "0.30");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("numfmt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, num_repr_agrees_with_python);
    tcase_add_test(tc, num_repr_random_against_python);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

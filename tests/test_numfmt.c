/*
 * test_numfmt.c -- num_repr, the one home of Python's float repr, against
 * a table of Python 3's own outputs (tests/golden/numfmt/python_repr.txt:
 * edge cases around 1e15/1e16 and 1e-4/1e-5, subnormals, the extremes,
 * the reasons' numbers, 200 random bit patterns and 100 rounded decimals)
 * and a larger randomized one (python_repr_random.txt, 5,308 values);
 * num_shortest (the CSV numbers, from the same shortest digits) against
 * its definition, printf %.15g/%.16g/%.17g read back, on 400,000 numbers.
 */
#include <check.h>
#include <inttypes.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
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

/* num_shortest's definition: the first of %.15g, %.16g, %.17g that reads back. */
static void shortest_by_definition(char *buf, size_t len, double v)
{
    if (isnan(v) || isinf(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static int shortest_differs(double v)
{
    char got[64], want[64];
    num_shortest(got, sizeof got, v);
    shortest_by_definition(want, sizeof want, v);
    if (strcmp(got, want) == 0)
        return 0;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    fprintf(stderr, "num_shortest(%016" PRIx64 ") = %s, printf: %s\n", bits, got, want);
    return 1;
}

START_TEST(num_shortest_matches_printf)
{
    uint64_t x = 88172645463325252ull;
    int bad = 0;
    /* random bit patterns (every exponent, subnormals, nan, inf) */
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = rng_next(&x);
        double v;
        memcpy(&v, &bits, sizeof v);
        bad += shortest_differs(v);
    }
    /* simulation-like values: quotients and products of modest numbers,
     * short decimals, integers, powers of two and their neighbours */
    for (int i = 0; i < 100000; i++) {
        double a = (double)(rng_next(&x) % 1000000) + 1, b = (double)(rng_next(&x) % 9999) + 1;
        int e = (int)(rng_next(&x) % 60) - 30;
        bad += shortest_differs(a / b * pow(10, e));
        bad += shortest_differs(-a * b * 1e-9);
        bad += shortest_differs(a / pow(10, (int)(rng_next(&x) % 12)));
    }
    for (int e = -1074; e <= 1023; e++) {
        double p = ldexp(1, e);
        bad += shortest_differs(p) + shortest_differs(nextafter(p, 0)) + shortest_differs(nextafter(p, INFINITY));
    }
    const double edge[] = {0.0, -0.0, 1e15, 1e16, 1e17, 999999999999999.9, 9999999999999998.0, 1e-4, 1e-5,
                           0.0001, 0.00009999999999999999, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 123456789012345.6,
                           DBL_MAX, DBL_MIN, 5e-324, NAN, INFINITY, -INFINITY, 562949953421312.25};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        bad += shortest_differs(edge[i]);
    ck_assert_int_eq(bad, 0);
    /* a short buffer gets the first len - 1 characters, as snprintf */
    char s[5];
    num_shortest(s, sizeof s, 0.30000000000000004);
    ck_assert_str_eq(s, "0.30");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("numfmt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, num_repr_agrees_with_python);
    tcase_add_test(tc, num_repr_random_against_python);
    tcase_add_test(tc, num_shortest_matches_printf);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

/*
 * test_npu_tile.c -- the fast tile search (npu_best_matmul_tile: K walk,
 * per-row pruning by memory time) against NeuSim's full divisor-triple
 * enumeration (npu_best_matmul_tile_bruteforce) on 400 pseudo-random
 * matmuls: dimensions built from small primes (many divisors) or
 * arbitrary, element sizes 1-4 bytes, VMEM from 0.25 to 128 MiB and
 * systolic arrays of 64, 128 and 256 (0.3 s).  test_npu checks the llama
 * shapes; this one the search's corners (a threshold off by one fails 14).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "npu/npu_config.h"
#include "npu/npu_perf.h"

static uint64_t rng = 1234567;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int64_t dim(void)
{
    static const int64_t primes[] = {2, 2, 2, 2, 3, 5, 7};
    if (next() % 5 == 0)
        return 1 + (int64_t)(next() % 50000);
    int64_t v = 1;
    for (int i = (int)(next() % 16); i > 0; i--) {
        int64_t f = primes[next() % 7];
        if (v * f > 300000)
            break;
        v *= f;
    }
    return v;
}

START_TEST(fast_search_equals_full_enumeration)
{
    npu_config_t *c = malloc(sizeof *c);
    ck_assert_ptr_nonnull(c);
    npu_config_defaults(c);
    npu_chip_t ch;
    npu_config_chip(c, &ch);
    free(c);
    const double vmem_MB[] = {0.25, 1, 16, 32, 128, 64};
    const int sa[] = {64, 128, 256};
    int bad = 0, found = 0;
    for (int it = 0; it < 400; it++) {
        ch.vmem_size_MB = vmem_MB[next() % 6];
        ch.sa_dim = sa[next() % 3];
        int64_t b = 1 + (int64_t)(next() % 4), m = dim(), n = dim(), k = dim();
        int l = (int)(1 + next() % 4), r = (int)(1 + next() % 4), o = (int)(1 + next() % 4);
        int64_t M1 = -1, N1 = -1, K1 = -1, M2 = -1, N2 = -1, K2 = -1;
        bool a = npu_best_matmul_tile(&ch, b, m, n, k, l, r, o, NULL, &M1, &N1, &K1);
        bool z = npu_best_matmul_tile_bruteforce(&ch, b, m, n, k, l, r, o, &M2, &N2, &K2);
        if (a != z || (a && (M1 != M2 || N1 != N2 || K1 != K2))) {
            fprintf(stderr, "%lldx[%lld,%lld]x[%lld] l%d r%d o%d vmem %g sa %d: fast %lld %lld %lld, full %lld %lld %lld\n",
                    (long long)b, (long long)m, (long long)k, (long long)n, l, r, o, ch.vmem_size_MB, ch.sa_dim,
                    (long long)M1, (long long)N1, (long long)K1, (long long)M2, (long long)N2, (long long)K2);
            bad++;
        }
        found += a;
    }
    ck_assert_int_eq(bad, 0);
    ck_assert_int_gt(found, 300);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("npu_tile");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, fast_search_equals_full_enumeration);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

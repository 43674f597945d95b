/*
 * test_strfmt.c -- str_fmt and the str_buf builder (config/strfmt.h) write
 * exactly what snprintf writes: the same text, the same cut at every
 * buffer length from 0 up, the same return value, and formats with
 * conversions of snprintf's own (%.3f, %5d) handed to it.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "config/strfmt.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

static int bad;

#define SAME(len, ...)                                                                                         \
    do {                                                                                                       \
        char a_[160], b_[160];                                                                                 \
        memset(a_, '#', sizeof a_);                                                                            \
        memset(b_, '#', sizeof b_);                                                                            \
        int ra_ = str_fmt(a_, (len), __VA_ARGS__), rb_ = snprintf(b_, (len), __VA_ARGS__);                     \
        if (ra_ != rb_ || memcmp(a_, b_, sizeof a_)) {                                                         \
            fprintf(stderr, "line %d len %zu: str_fmt %d [%.60s], snprintf %d [%.60s]\n", __LINE__, (size_t)(len), \
                    ra_, a_, rb_, b_);                                                                         \
            bad++;                                                                                             \
        }                                                                                                      \
    } while (0)

START_TEST(str_fmt_equals_snprintf)
{
    bad = 0;
    for (size_t len = 0; len < 100; len++) {
        SAME(len, "%s%lld", "x", -1234567890123LL);
        SAME(len, "XlaEinsum(a=%s,b=%s,eq=%s,memory_placements=%s,type=%s)", "1x4096x4096", "4096x14336",
             "BLM;MH->BLH", "0_0_0", "DT_BFLOAT16");
        SAME(len, "receiveInput_ICITransfer[%lld]", 9223372036854775807LL);
        SAME(len, "%lld|%d", -9223372036854775807LL - 1, -2147483647 - 1);
        SAME(len, "%d %u %zu %c %% %ld %lu %llu", -5, 4000000000u, (size_t)77, 'q', -9L, 9UL, 18446744073709551615ULL);
        SAME(len, "-FlashAttention-%d", 4);
        SAME(len, "%5d|%.3f|%s", 3, 1.5, "tail"); /* snprintf's own conversions */
        SAME(len, "plain text");
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(str_buf_cuts_like_snprintf)
{
    const int64_t d[] = {1, 4096, -14336, 0};
    for (size_t len = 1; len < 40; len++) {
        char a[64], b[64];
        memset(a, '#', sizeof a);
        memset(b, '#', sizeof b);
        str_buf_t s = str_buf(a, len);
        str_put(&s, "[");
        for (int i = 0; i < 4; i++) {
            if (i)
                str_put_n(&s, ", ", 2);
            str_put_i64(&s, d[i]);
        }
        str_put(&s, "]");
        int r = snprintf(b, len, "[%d, %d, %d, %d]", 1, 4096, -14336, 0);
        ck_assert_int_eq((int)s.o, r);
        ck_assert_mem_eq(a, b, sizeof a);
    }
    char t[24];
    ck_assert_int_eq((int)str_i64(t, -9223372036854775807LL - 1), 20);
    ck_assert_mem_eq(t, "-9223372036854775808", 20);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("strfmt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, str_fmt_equals_snprintf);
    tcase_add_test(tc, str_buf_cuts_like_snprintf);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}

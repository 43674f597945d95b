/*
 * test_csv.c -- store/csv.c's own buffer (64 KiB growing to 1 MiB, then
 * written out): the bytes of a file written through every path (quoted
 * cells, rows past 1 MiB so the buffer grows and is flushed, a cell larger
 * than the buffer) equal the same text built in memory; the temporary file
 * is renamed on commit and removed on abort; a stream (csv_t.f) gets the
 * same bytes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/numfmt.h"
#include "store/csv.h"

/* RFC 4180 as csv.c writes it, built independently. */
static void want_cell(char **w, size_t *n, int first, const char *s)
{
    if (!first)
        (*w)[(*n)++] = ',';
    if (!strpbrk(s, ",\"\r\n")) {
        memcpy(*w + *n, s, strlen(s));
        *n += strlen(s);
        return;
    }
    (*w)[(*n)++] = '"';
    for (; *s; s++) {
        if (*s == '"')
            (*w)[(*n)++] = '"';
        (*w)[(*n)++] = *s;
    }
    (*w)[(*n)++] = '"';
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*len + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

START_TEST(csv_bytes_through_growth_and_flush)
{
    char dir[] = "/tmp/hwsweep-test-csv-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    const size_t big_cell = (size_t)3 << 20; /* larger than the buffer's 1 MiB */
    char *big = malloc(big_cell + 1);
    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < big_cell; i++)
        big[i] = (char)('a' + i % 26);
    big[big_cell] = '\0';
    size_t cap = (size_t)8 << 20, n = 0;
    char *want = malloc(cap);
    ck_assert_ptr_nonnull(want);

    csv_t c;
    ck_assert_int_eq(csv_open(&c, path), 0);
    const char *cells[] = {"plain", "with,comma", "say \"hi\"", "line\r\nbreak", "", "1.5e-07"};
    for (int row = 0; row < 30000; row++) { /* about 2 MiB: the buffer grows, then is written */
        for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) {
            csv_text(&c, cells[k]);
            want_cell(&want, &n, k == 0, cells[k]);
        }
        csv_num(&c, row * 0.25);
        char num[32];
        num_shortest(num, sizeof num, row * 0.25);
        want_cell(&want, &n, 0, num);
        csv_end_row(&c);
        memcpy(want + n, "\r\n", 2);
        n += 2;
        if (row == 20000) {
            csv_text(&c, big);
            want_cell(&want, &n, 1, big);
            csv_end_row(&c);
            memcpy(want + n, "\r\n", 2);
            n += 2;
        }
    }
    ck_assert_int_eq(access(path, F_OK), -1); /* only the temporary file until the commit */
    ck_assert_int_eq(csv_commit(&c), 0);
    size_t len;
    char *got = slurp(path, &len);
    for (size_t i = 0; i < n && i < len; i++)
        if (got[i] != want[i]) {
            fprintf(stderr, "first difference at byte %zu of %zu: got '%.40s' want '%.40s'\n", i, n, got + i, want + i);
            break;
        }
    ck_assert_uint_eq(len, n);
    ck_assert_int_eq(memcmp(got, want, n), 0);
    free(got);

    /* abort: the temporary file goes, the committed file stays */
    ck_assert_int_eq(csv_open(&c, path), 0);
    csv_text(&c, "replaced");
    csv_end_row(&c);
    char tmp[sizeof c.tmp];
    snprintf(tmp, sizeof tmp, "%s", c.tmp);
    csv_abort(&c);
    ck_assert_int_eq(access(tmp, F_OK), -1);
    got = slurp(path, &len);
    ck_assert_uint_eq(len, n);
    free(got);

    /* a stream gets the same bytes as a file */
    char spath[300];
    snprintf(spath, sizeof spath, "%s/stream.csv", dir);
    FILE *f = fopen(spath, "wb");
    ck_assert_ptr_nonnull(f);
    csv_t s;
    memset(&s, 0, sizeof s);
    s.f = f;
    csv_text(&s, "say \"hi\"");
    csv_num(&s, 0.1);
    csv_end_row(&s);
    fclose(f);
    got = slurp(spath, &len);
    ck_assert_uint_eq(len, strlen("\"say \"\"hi\"\"\",0.1\r\n"));
    ck_assert_int_eq(memcmp(got, "\"say \"\"hi\"\"\",0.1\r\n", len), 0);
    free(got);

    unlink(spath);
    unlink(path);
    rmdir(dir);
    free(want);
    free(big);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, csv_bytes_through_growth_and_flush);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

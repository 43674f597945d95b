/*
 * test_store.c -- the store's building blocks: the columns table and its
 * descriptions, SHA-256 (FIPS 180-2 / NIST example vectors), the CSV
 * writer (RFC 4180 quoting, CRLF rows, atomic commit) and the table
 * descriptors (CREATE column list, INSERT binding, reading back).
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/columns.h"
#include "store/csv.h"
#include "store/sha256.h"
#include "store/table.h"

static long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static const char *unit_of(sqlite3 *db, const char *table, const char *column, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT unit FROM columns WHERE table_name = ?1 AND column_name = ?2", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
        else
            snprintf(buf, len, "(no row)");
    }
    sqlite3_finalize(st);
    return buf;
}

START_TEST(columns_cover_every_column)
{
    char err[512] = "";
    sqlite3 *db = columns_blank_db(err, sizeof err);
    ck_assert_msg(db != NULL, "%s", err);
    long all = count(db, "SELECT count(*) FROM sqlite_master m, pragma_table_info(m.name) c "
                         "WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%'");
    ck_assert_int_gt(all, 400);
    /* every column of every table and view (the columns table's own included) */
    ck_assert_int_eq(count(db, "SELECT count(*) FROM columns"), all);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM columns WHERE meaning IS NULL OR meaning = ''"), 0);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM columns WHERE table_name = 'columns'"), 5);
    char u[64];
    ck_assert_str_eq(unit_of(db, "perf", "generate_latency_s", u, sizeof u), "s");
    ck_assert_str_eq(unit_of(db, "perf_costs", "generate_power_w", u, sizeof u), "W");
    ck_assert_str_eq(unit_of(db, "perf_costs", "tco_per_mtoken_usd", u, sizeof u), "USD per 1e6 tokens");
    ck_assert_str_eq(unit_of(db, "perf", "generate_io_s", u, sizeof u), "s");
    ck_assert_str_eq(unit_of(db, "perf_results", "io_s", u, sizeof u), "s");
    ck_assert_str_eq(unit_of(db, "perf_results", "latency_s", u, sizeof u), "s");
    ck_assert_str_eq(unit_of(db, "perf_choices", "generate_tco_per_token_usd", u, sizeof u), "USD/token");
    ck_assert_str_eq(unit_of(db, "systems", "kv_bw_per_chip_bytes_per_s", u, sizeof u), "bytes/s");
    ck_assert_str_eq(unit_of(db, "best_per_batch", "generate_latency", u, sizeof u), "s");
    /* one name for the generate phase, no as-given copies of the sized values */
    ck_assert_int_eq(count(db, "SELECT count(*) FROM columns WHERE table_name IN ('systems', 'perf', "
                               "'perf_mappings', 'perf_choices') AND (column_name LIKE 'decoding%' OR "
                               "column_name LIKE 'cfg\\_%' ESCAPE '\\' OR column_name LIKE '%\\_sec' ESCAPE '\\' OR "
                               "column_name GLOB '*Mtoken*')"), 0);
    ck_assert_str_eq(unit_of(db, "points", "generate_power", u, sizeof u), "W");
    ck_assert_str_eq(unit_of(db, "perf", "generate_throughput_tokens_per_s", u, sizeof u), "tokens/s");
    ck_assert_str_eq(unit_of(db, "servers", "chip_cost_usd", u, sizeof u), "USD");
    ck_assert_str_eq(unit_of(db, "servers", "tco_total_usd", u, sizeof u), "USD");
    ck_assert_str_eq(unit_of(db, "servers", "chip_area_mm2", u, sizeof u), "mm2");
    ck_assert_str_eq(unit_of(db, "hw_summary", "tco_total", u, sizeof u), "USD");
    ck_assert_str_eq(unit_of(db, "chips", "area_mm2", u, sizeof u), "mm2");
    ck_assert_str_eq(unit_of(db, "perf", "prefill_fc1_us", u, sizeof u), "us");
    ck_assert_str_eq(unit_of(db, "packages", "hbm_bandwidth_bytes_per_s", u, sizeof u), "bytes/s");
    ck_assert_str_eq(unit_of(db, "chips", "pkg2pkg_io_tdp_w", u, sizeof u), "W");
    sqlite3_close(db);
}
END_TEST

START_TEST(columns_describe_rules)
{
    char buf[256];
    col_doc_t d = columns_describe("chips", "pkg2pkg_io_bandwidth_per_io_bytes_per_s", buf, sizeof buf);
    ck_assert_str_eq(d.unit, "bytes/s");
    ck_assert_str_eq(d.meaning, "package-to-package link: bandwidth per link");
    d = columns_describe("packages", "area_mm2", buf, sizeof buf);
    ck_assert_str_eq(d.meaning, "package area");
    d = columns_describe("chips", "area_mm2", buf, sizeof buf);
    ck_assert_str_eq(d.meaning, "die area");
    /* a name no entry knows: its unit from its ending, its words */
    d = columns_describe("other", "odd_thing_usd", buf, sizeof buf);
    ck_assert_str_eq(d.unit, "USD");
    ck_assert_str_eq(d.meaning, "odd thing usd");
}
END_TEST

START_TEST(sha256_known_vectors)
{
    char hex[65];
    sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(m448, strlen(m448), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                       "mnopqrstnopqrstu";
    sha256_hex(m896, strlen(m896), hex);
    ck_assert_str_eq(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    size_t n = 1000000;
    char *a = malloc(n);
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', n);
    sha256_hex(a, n, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* the file form agrees with the memory form */
    char path[] = "/tmp/hwsweep-test-store-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, a, n), (ssize_t)n);
    close(fd);
    char fhex[65];
    ck_assert_int_eq(sha256_file_hex(path, fhex), 0);
    ck_assert_str_eq(fhex, hex);
    unlink(path);
    ck_assert_int_eq(sha256_file_hex(path, fhex), -1);
    free(a);
}
END_TEST

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(csv_writer)
{
    char dir[] = "/tmp/hwsweep-test-csv-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    csv_t c;
    ck_assert_int_eq(csv_open(&c, path), 0);
    csv_text(&c, "plain");
    csv_text(&c, "a,b");
    csv_text(&c, "say \"hi\"");
    csv_text(&c, "two\nlines");
    csv_text(&c, "");
    csv_end_row(&c);
    csv_num(&c, 0.1);
    csv_num(&c, 256.0);
    csv_num(&c, 1e16);
    csv_num(&c, -2.5e-7);
    csv_end_row(&c);
    /* nothing at the final path until the commit */
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_eq(csv_commit(&c), 0);
    ck_assert_str_eq(slurp(path), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
                                  "0.1,256,1e+16,-2.5e-07\r\n");
    /* an aborted rewrite leaves the committed file and no temporary */
    ck_assert_int_eq(csv_open(&c, path), 0);
    csv_text(&c, "new");
    csv_abort(&c);
    ck_assert_str_eq(slurp(path), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
                                  "0.1,256,1e+16,-2.5e-07\r\n");
    unlink(path);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

typedef struct {
    double x;
    bool flag;
    char name[8];
    int n;
} rec_t;

static const col_t rec_cols[] = {
    {"x_s", COL_REAL, offsetof(rec_t, x), 0},
    {"flag", COL_BOOL, offsetof(rec_t, flag), 0},
    {"name", COL_TEXT, offsetof(rec_t, name), sizeof(((rec_t *)0)->name)},
    {"n", COL_INT, offsetof(rec_t, n), 0},
};

START_TEST(table_descriptors)
{
    char sql[512] = "CREATE TABLE r(id INTEGER PRIMARY KEY";
    cols_sql_defs(rec_cols, 4, sql, sizeof sql);
    ck_assert_str_eq(sql, "CREATE TABLE r(id INTEGER PRIMARY KEY, x_s REAL, flag INTEGER, name TEXT, n INTEGER");
    char names[256] = "";
    cols_sql_names(rec_cols, 4, "r.", names, sizeof names);
    ck_assert_str_eq(names, ", r.x_s, r.flag, r.name, r.n");
    strcat(sql, ")");
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *ins = cols_prepare_insert(db, "r", "id", 1, rec_cols, 4, NULL, 0, "", 0);
    ck_assert_ptr_nonnull(ins);
    rec_t in = {0.1 + 0.2, true, "gpt3", 256};
    sqlite3_bind_int(ins, 1, 7);
    ck_assert_int_eq(cols_bind(ins, 2, rec_cols, 4, &in), 0);
    ck_assert_int_eq(cols_step_reset(ins), 0);
    sqlite3_finalize(ins);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM r WHERE typeof(n) = 'integer' AND typeof(x_s) = 'real'"), 1);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT id, x_s, flag, name, n FROM r", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    rec_t out;
    memset(&out, 0, sizeof out);
    cols_read(st, 1, rec_cols, 4, &out);
    ck_assert(out.x == in.x);   /* bit-identical */
    ck_assert(out.flag);
    ck_assert_str_eq(out.name, "gpt3");
    ck_assert_int_eq(out.n, 256);
    sqlite3_finalize(st);
    sqlite3_close(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, columns_cover_every_column);
    tcase_add_test(tc, columns_describe_rules);
    tcase_add_test(tc, sha256_known_vectors);
    tcase_add_test(tc, csv_writer);
    tcase_add_test(tc, table_descriptors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

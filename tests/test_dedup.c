/*
 * test_dedup.c -- the content tables' helper (src/store/dedup.c) on an
 * in-memory database: a tuple is stored once under the key its first user
 * proposes; NaN and -0.0 are the tuple SQLite reads back (NULL, 0); a
 * writer opened later finds the stored tuples (dd_load) and checks them
 * against the rows; a stored row whose values differ from the tuple with
 * its hash is refused (what a hash collision looks like); two equal rows,
 * a text too long and a taken key are refused; the tuple under key 0 is
 * found by a writer opened later (its empty cache slot once read as key 0
 * with other bytes: a false collision); the cache grows with the tuples
 * and still finds every one.  dd_put's two halves (dd_serialize + dd_hash
 * on an evaluator thread, dd_put_bytes on the writer's) give the keys and
 * rows dd_put gives.
 */
#include <check.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/dedup.h"

static const dd_col_t cols[] = {{"name", DD_TEXT}, {"x_s", DD_REAL}, {"n", DD_COUNT}, {"ref_id", DD_KEY}};
static const dd_spec_t spec = {"things", "thing_id", cols, 4, 4};

static sqlite3 *db_new(void)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    char sql[512] = "";
    dd_sql_create(&spec, sql, sizeof sql);
    ck_assert_str_eq(sql, "CREATE TABLE IF NOT EXISTS things(thing_id INTEGER PRIMARY KEY, name TEXT, x_s REAL, "
                          "n INTEGER, ref_id INTEGER);\n");
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    return db;
}

static long long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void tuple(dd_val_t *v, const char *name, double x, double n, int64_t ref)
{
    memset(v, 0, 4 * sizeof *v);
    v[0].s = name;
    v[1].d = x;
    v[2].d = n;
    v[3].i = ref;
}

START_TEST(stored_once_under_the_first_key)
{
    sqlite3 *db = db_new();
    dd_table_t *t = dd_open(db, &spec);
    ck_assert_ptr_nonnull(t);
    dd_val_t a[4], b[4];
    int64_t key;
    tuple(a, "compute", 0.25, 3, 7);
    tuple(b, "memory", 0.25, 3, 7);
    ck_assert_int_eq(dd_put(t, a, 10, &key), 0);
    ck_assert_int_eq(key, 10);
    ck_assert_int_eq(dd_put(t, b, 20, &key), 0);
    ck_assert_int_eq(key, 20);
    ck_assert_int_eq(dd_put(t, a, 30, &key), 0);
    ck_assert_int_eq(key, 10);
    /* NaN is stored as NULL and -0.0 as 0: the tuple they read back as */
    tuple(a, "", NAN, -0.0, 0);
    ck_assert_int_eq(dd_put(t, a, 40, &key), 0);
    ck_assert_int_eq(key, 40);
    tuple(b, "", NAN, 0.0, 0);
    ck_assert_int_eq(dd_put(t, b, 50, &key), 0);
    ck_assert_int_eq(key, 40);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM things"), 3);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM things WHERE thing_id = 40 AND x_s IS NULL AND n = 0"), 1);
    /* a text longer than 31 bytes, a key another tuple holds */
    tuple(a, "a bottleneck name of forty characters...", 1, 1, 1);
    ck_assert_int_eq(dd_put(t, a, 60, &key), -1);
    tuple(a, "io", 1, 1, 1);
    ck_assert_int_eq(dd_put(t, a, 20, &key), -1);
    dd_close(t);

    /* a writer opened later finds them (and checks them against the rows) */
    t = dd_open(db, &spec);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(dd_load(t), 0);
    tuple(a, "compute", 0.25, 3, 7);
    ck_assert_int_eq(dd_put(t, a, 70, &key), 0);
    ck_assert_int_eq(key, 10);
    /* a stored row that holds other values than the tuple with its hash: refused */
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE things SET x_s = 0.5 WHERE thing_id = 20", NULL, NULL, NULL), SQLITE_OK);
    tuple(b, "memory", 0.25, 3, 7);
    ck_assert_int_eq(dd_put(t, b, 80, &key), -1);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM things"), 3);
    dd_close(t);

    /* two rows with the same values: not a content table */
    ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO things VALUES(90, 'compute', 0.25, 3, 7)", NULL, NULL, NULL),
                     SQLITE_OK);
    t = dd_open(db, &spec);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(dd_load(t), -1);
    dd_close(t);
    sqlite3_close(db);
}
END_TEST

START_TEST(key_zero_found_after_reopening)
{
    sqlite3 *db = db_new();
    dd_table_t *t = dd_open(db, &spec);
    ck_assert_ptr_nonnull(t);
    dd_val_t a[4];
    int64_t key = -1;
    tuple(a, "compute", 1.5, 2, 3);
    ck_assert_int_eq(dd_put(t, a, 0, &key), 0);
    ck_assert_int_eq(key, 0);
    dd_close(t);
    t = dd_open(db, &spec);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(dd_load(t), 0);
    key = -1;
    ck_assert_int_eq(dd_put(t, a, 5, &key), 0);
    ck_assert_int_eq(key, 0);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM things"), 1);
    dd_close(t);
    sqlite3_close(db);
}
END_TEST

START_TEST(cache_grows_with_the_tuples)
{
    static const dd_spec_t wide = {"things", "thing_id", cols, 4, 12};
    sqlite3 *db = db_new();
    dd_table_t *t = dd_open(db, &wide);
    ck_assert_ptr_nonnull(t);
    size_t first = dd_cache_slots(t);
    ck_assert_uint_lt(first, 4096);
    dd_val_t a[4];
    int64_t key;
    for (int i = 0; i < 3000; i++) {   /* keys 7 apart, as mapping keys are sparse */
        tuple(a, "x", i * 0.5, i, i % 5);
        ck_assert_int_eq(dd_put(t, a, 7 * (int64_t)i, &key), 0);
        ck_assert_int_eq(key, 7 * (int64_t)i);
    }
    ck_assert_uint_eq(dd_cache_slots(t), 4096);
    for (int i = 2999; i >= 0; i--) {
        tuple(a, "x", i * 0.5, i, i % 5);
        ck_assert_int_eq(dd_put(t, a, 1000000 + i, &key), 0);
        ck_assert_int_eq(key, 7 * (int64_t)i);
    }
    ck_assert_int_eq(count(db, "SELECT count(*) FROM things"), 3000);
    dd_close(t);
    sqlite3_close(db);
}
END_TEST

START_TEST(put_bytes_is_put)
{
    sqlite3 *db = db_new();
    dd_table_t *t = dd_open(db, &spec);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(dd_max_bytes(&spec), 32 + 3 * 8);
    dd_val_t a[4];
    unsigned char bytes[64];
    int64_t key;
    /* "io", 0.5, 4, 9: 3 + 24 bytes, padded to 32 */
    tuple(a, "io", 0.5, 4, 9);
    size_t n = dd_serialize(&spec, a, bytes);
    ck_assert_uint_eq(n, 32);
    ck_assert_int_eq(dd_put_bytes(t, bytes, n, dd_hash(bytes, n), 10, &key), 0);
    ck_assert_int_eq(key, 10);
    ck_assert_int_eq(dd_put(t, a, 20, &key), 0);   /* found: the same hash and bytes */
    ck_assert_int_eq(key, 10);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM things WHERE thing_id = 10 AND name = 'io' AND x_s = 0.5 AND "
                               "n = 4 AND ref_id = 9"), 1);
    /* NaN and -0.0 bound from the bytes as dd_put binds them: NULL and 0 */
    tuple(a, "", NAN, -0.0, -3);
    n = dd_serialize(&spec, a, bytes);
    ck_assert_int_eq(dd_put_bytes(t, bytes, n, dd_hash(bytes, n), 30, &key), 0);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM things WHERE thing_id = 30 AND name = '' AND x_s IS NULL AND "
                               "n = 0 AND typeof(n) = 'integer' AND ref_id = -3"), 1);
    tuple(a, "", NAN, 0.0, -3);
    ck_assert_int_eq(dd_put(t, a, 40, &key), 0);
    ck_assert_int_eq(key, 30);
    /* not a tuple's bytes: refused */
    ck_assert_int_eq(dd_put_bytes(t, bytes, 5, dd_hash(bytes, 5), 50, &key), -1);
    tuple(a, "a bottleneck name of forty characters...", 1, 1, 1);
    ck_assert_uint_eq(dd_serialize(&spec, a, bytes), 0);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM things"), 2);
    dd_close(t);
    sqlite3_close(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dedup");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, stored_once_under_the_first_key);
    tcase_add_test(tc, key_zero_found_after_reopening);
    tcase_add_test(tc, cache_grows_with_the_tuples);
    tcase_add_test(tc, put_bytes_is_put);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

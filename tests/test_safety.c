/*
 * test_safety.c -- the pieces that keep results safe (issue 7): a sweep is
 * counted before it is expanded and the count equals the expansion's; names
 * that become paths are checked; runs.inputs is JSON that survives any path
 * text and is read back by SQLite; every input file is kept with its
 * SHA-256; the writer lock refuses a second holder and names the first.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/named.h"
#include "config/node.h"
#include "engine/lock.h"
#include "store/db.h"
#include "store/sha256.h"

static double count_of(const char *yaml, size_t *expanded)
{
    cfg_err_t err;
    cfg_doc_t *doc = cfg_load_buffer("t.yaml", yaml, strlen(yaml), &err);
    ck_assert_msg(doc != NULL, "%s", err.msg);
    const node_t *m = cfg_get(cfg_doc_root(doc), "Chip");
    double n = cfg_expand_count(m);
    cfg_points_t pts;
    ck_assert_msg(cfg_expand(doc, m, 1000000, &pts, &err), "%s", err.msg);
    *expanded = pts.n;
    cfg_points_free(&pts);
    cfg_doc_free(doc);
    return n;
}

START_TEST(count_equals_expansion)
{
    static const char *const cases[] = {
        "Chip: {a: 1}\n",
        "Chip: {a: [1, 2, 3], b: [4, 5], c: 6}\n",
        "Chip: {a: [1, 2], io: {num: [1, 2, 4], bw: [1, 2]}}\n",
        "Chip: {a: [{x: [1, 2]}, {y: 3}], b: [1, 2]}\n",
        "Chip: {associated_explore: cfg, cfg: [A, B], n: {A: [1, 2], B: 3}, k: [7, 8]}\n",
    };
    static const size_t want[] = {1, 6, 12, 6, 6};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        double c = count_of(cases[i], &n);
        ck_assert_uint_eq(n, want[i]);
        ck_assert_double_eq(c, (double)n);
    }
}
END_TEST

START_TEST(count_is_cheap_for_huge_sweeps)
{
    /* 1000 x 1000 x 36: counted without building 36 million maps */
    char *yaml = malloc(40000);
    size_t k = (size_t)sprintf(yaml, "Chip:\n  area: [");
    for (int i = 0; i < 1000; i++)
        k += (size_t)sprintf(yaml + k, "%s%d", i ? ", " : "", i + 1);
    k += (size_t)sprintf(yaml + k, "]\n  mac_ratio: [");
    for (int i = 0; i < 1000; i++)
        k += (size_t)sprintf(yaml + k, "%s0.%03d", i ? ", " : "", i + 1);
    sprintf(yaml + k, "]\n  x: [1, 2, 3, 4, 5, 6]\n  y: [1, 2, 3, 4, 5, 6]\n");
    cfg_err_t err;
    cfg_doc_t *doc = cfg_load_buffer("t.yaml", yaml, strlen(yaml), &err);
    ck_assert_ptr_nonnull(doc);
    ck_assert_double_eq(cfg_expand_count(cfg_get(cfg_doc_root(doc), "Chip")), 36e6);
    cfg_doc_free(doc);
    free(yaml);
}
END_TEST

START_TEST(path_names)
{
    ck_assert_ptr_null(named_path_name_problem("cc_sweep"));
    ck_assert_ptr_null(named_path_name_problem("llama3-70B"));
    ck_assert_ptr_null(named_path_name_problem("a.b"));
    ck_assert_str_eq(named_path_name_problem(".."), "cannot be '.' or '..'");
    ck_assert_str_eq(named_path_name_problem("."), "cannot be '.' or '..'");
    ck_assert_str_eq(named_path_name_problem(""), "is empty");
    ck_assert_str_eq(named_path_name_problem("a/b"), "cannot contain '/' or '\\'");
    ck_assert_str_eq(named_path_name_problem("a\tb"), "cannot contain control characters");
    ck_assert_str_eq(named_path_name_problem("-rf"), "cannot start with '-'");
}
END_TEST

static char dir[64];

static int count_inputs(void *ctx, const char *role, const char *path, const char *sha, const char *content,
                        size_t len)
{
    char hex[65];
    (void)role;
    (void)path;
    sha256_hex(content, len, hex);
    ck_assert_str_eq(hex, sha);
    ++*(int *)ctx;
    return 0;
}

START_TEST(inputs_json_and_text)
{
    char path[256], weird[256], err[DB_ERR_MAX];
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(weird, sizeof weird, "%s/a \"quoted\" \\ name.yaml", dir);
    FILE *f = fopen(weird, "w");
    ck_assert_ptr_nonnull(f);
    fputs("Model: {name: x}\n", f);
    fclose(f);
    sqlite3 *db = db_open(path, err, sizeof err);
    ck_assert_msg(db != NULL, "%s", err);
    run_input_t in[] = {{"sweep", weird}, {"model", "tests/sweeps/tiny.yaml"}};
    run_info_t run = {.kind = "run", .command = "x", .threads = 1, .inputs = in, .n_inputs = 2,
                      .started_at = 0, .sweep = "t", .fingerprint = "f", .shard = "1/1"};
    ck_assert_int_eq(db_record_run(db, &run, err, sizeof err), 0);
    ck_assert_int_eq(db_save_inputs(db, in, 2, err, sizeof err), 0);
    char sha[65], want[65];
    ck_assert_int_eq(db_run_input_sha(db, weird, sha), 0);
    ck_assert_int_eq(sha256_file_hex(weird, want), 0);
    ck_assert_str_eq(sha, want);
    db_run_input_sha(db, "not/read.yaml", sha);
    ck_assert_str_eq(sha, "");
    int n = 0;
    ck_assert_int_eq(db_inputs_each(db, count_inputs, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(db_query_int(db, "SELECT json_valid(inputs) FROM runs", 0), 1);
    ck_assert_int_eq(db_finish_journal(db, err, sizeof err), 0);
    db_close(db);
    /* read-only: no file appears next to the database */
    db = db_open_readonly(path, err, sizeof err);
    ck_assert_msg(db != NULL, "%s", err);
    ck_assert_int_eq(db_query_int(db, "SELECT count(*) FROM inputs", 0), 2);
    db_close(db);
    char side[300];
    snprintf(side, sizeof side, "%s-journal", path);
    ck_assert_int_ne(access(side, F_OK), 0);
    snprintf(side, sizeof side, "%s-wal", path);
    ck_assert_int_ne(access(side, F_OK), 0);
    ck_assert_ptr_null(db_open_readonly("/nonexistent/x.db", err, sizeof err));
}
END_TEST

START_TEST(writer_lock)
{
    char path[256], err[512];
    int bad;
    snprintf(path, sizeof path, "%s/w.db", dir);
    int a = out_lock_take(path, &bad, err, sizeof err);
    ck_assert_int_ge(a, 0);
    /* a second open file description is refused, naming this process */
    ck_assert_int_lt(out_lock_take(path, &bad, err, sizeof err), 0);
    ck_assert_int_eq(bad, 0);
    char want[64];
    snprintf(want, sizeof want, "another hwsweep (pid %ld) is writing", (long)getpid());
    ck_assert_ptr_nonnull(strstr(err, want));
    out_lock_release(a);
    int b = out_lock_take(path, &bad, err, sizeof err);
    ck_assert_int_ge(b, 0);
    out_lock_release(b);
    ck_assert_int_lt(out_lock_take("/nonexistent/dir/x.db", &bad, err, sizeof err), 0);
    ck_assert_int_eq(bad, 1);
}
END_TEST

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hwsweep-test-safety-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    Suite *s = suite_create("safety");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, count_equals_expansion);
    tcase_add_test(tc, count_is_cheap_for_huge_sweeps);
    tcase_add_test(tc, path_names);
    tcase_add_test(tc, inputs_json_and_text);
    tcase_add_test(tc, writer_lock);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        failed++;
    return failed ? 1 : 0;
}

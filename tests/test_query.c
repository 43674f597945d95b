/*
 * test_query.c -- the query surface: best_per_batch holds each group's
 * minimum, pareto holds exactly the non-dominated points, the keyed and
 * join forms of the views give the same rows, and `hwsweep query` filters,
 * prints CSV, leaves the database untouched and exits 2 on bad usage.
 * (Query times on a large database are bench/bench_query.sh's, on the real
 * bench/big.yaml database.)  Runs bin/hwsweep from the repository root.
 */
#include <check.h>
#include <stdlib.h>
#include <unistd.h>

#include "golden_util.h"
#include "store/views.h"

static char tmpdir[256];

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sqlite: %s\n  in: %.200s\n", msg ? msg : "?", sql);
    sqlite3_free(msg);
    ck_assert_int_eq(rc, SQLITE_OK);
}

static sqlite3 *open_rw(const char *path)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    return db;
}

/* The first column of the first row as a number (NULL: -1). */
static double q1(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fprintf(stderr, "sqlite: %s\n  in: %.300s\n", sqlite3_errmsg(db), sql);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    double v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void path_in(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* The keyed form needs perf_choices as a table with its key columns, as
 * schema version 4 stored it (version 5 has the view): materialize it. */
static void add_keys(sqlite3 *db)
{
    if (views_keyed(db))
        return;
    exec_ok(db, "CREATE TEMP TABLE pc AS SELECT * FROM perf_choices; DROP VIEW perf_choices; "
                "CREATE TABLE perf_choices AS SELECT * FROM temp.pc; DROP TABLE temp.pc");
    if (!views_keyed(db))
        ck_abort_msg("perf_choices lacks its key columns");
}

/* A copy of the real database with one form of the views (keyed: with
 * perf's key columns filled in). */
static void make_form(const char *name, int keyed)
{
    char src[512], dst[512], sql[1200], err[512];
    path_in(src, sizeof src, "out/cc_sweep/cc_sweep.db");
    path_in(dst, sizeof dst, name);
    sqlite3 *db = open_rw(src);
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", dst);
    exec_ok(db, sql);
    sqlite3_close(db);
    db = open_rw(dst);
    if (keyed < 0) {   /* the rank form, as hwsweep wrote it */
        ck_assert(views_rank_form(db) && views_indexed(db, 1));
        sqlite3_close(db);
        return;
    }
    if (keyed)
        add_keys(db);
    exec_ok(db, "DROP VIEW IF EXISTS best_per_batch; DROP VIEW IF EXISTS pareto");
    ck_assert_int_eq(views_create_in(db, 0, keyed, err, sizeof err), 0);
    ck_assert(!views_rank_form(db));
    sqlite3_close(db);
}

static const char *const forms[] = {"join.db", "keyed.db", "rank.db"};

static sqlite3 *open_form(int i)
{
    char p[512];
    path_in(p, sizeof p, forms[i]);
    return open_rw(p);
}

START_TEST(best_is_each_groups_minimum)
{
    sqlite3 *db = open_form(_i);
    double groups = q1(db, "SELECT count(*) FROM (SELECT DISTINCT s.model, s.prefill_len, s.generate_len, f.batch, "
                           "f.objective_index FROM perf f JOIN systems s ON s.system_id = f.system_id "
                           "WHERE s.valid AND f.metric IS NOT NULL)");
    ck_assert(groups >= 4 * 4 * 7);
    ck_assert(q1(db, "SELECT count(*) FROM best_per_batch") == groups);
    /* every row: the group's min(metric), and the smallest system_id reaching it */
    ck_assert(q1(db, "SELECT count(*) FROM best_per_batch b WHERE b.metric <> (SELECT min(f.metric) FROM perf f "
                     "JOIN systems s ON s.system_id = f.system_id WHERE s.valid AND s.model = b.model AND "
                     "s.prefill_len = b.prefill_len AND s.generate_len = b.generate_len AND f.batch = b.batch AND "
                     "f.objective_index = b.objective_index) OR b.system_id <> (SELECT min(f.system_id) FROM perf f "
                     "JOIN systems s ON s.system_id = f.system_id WHERE s.model = b.model AND s.prefill_len = "
                     "b.prefill_len AND s.generate_len = b.generate_len AND f.batch = b.batch AND "
                     "f.objective_index = b.objective_index AND f.metric = b.metric)") == 0);
    /* metric is the column its objective minimizes */
    ck_assert(q1(db, "SELECT count(*) FROM best_per_batch WHERE metric <> CASE objective WHEN 'prefill_latency' "
                     "THEN prefill_latency WHEN 'prefill_tco' THEN prefill_tco_per_token WHEN 'generate_latency' "
                     "THEN generate_latency ELSE generate_tco_per_token END") == 0);
    /* two groups by hand */
    ck_assert(q1(db, "SELECT generate_tco_per_token FROM best_per_batch WHERE model = 'gpt3' AND prefill_len = 256 "
                     "AND generate_len = 64 AND batch = 8 AND objective = 'generate_tco'") ==
              q1(db, "SELECT min(generate_tco_per_token) FROM points WHERE model = 'gpt3' AND prefill_len = 256 "
                     "AND generate_len = 64 AND batch = 8"));
    ck_assert(q1(db, "SELECT generate_latency FROM best_per_batch WHERE model = 'llama3-70B' AND "
                     "prefill_len = 1024 AND batch = 1 AND objective = 'generate_latency'") ==
              q1(db, "SELECT min(generate_latency) FROM points WHERE model = 'llama3-70B' AND prefill_len = 1024 "
                     "AND batch = 1"));
    sqlite3_close(db);
}
END_TEST

START_TEST(pareto_is_the_frontier)
{
    sqlite3 *db = open_form(_i);
    exec_ok(db, "CREATE TEMP TABLE front AS SELECT * FROM pareto;"
                "CREATE TEMP TABLE cand AS SELECT s.model, s.prefill_len, s.generate_len, f.batch, f.system_id, "
                "f.generate_latency_s AS generate_latency, f.generate_tco_per_token_usd AS generate_tco_per_token "
                "FROM perf f JOIN systems s "
                "ON s.system_id = f.system_id WHERE s.valid AND f.objective_index IN (2, 3)");
    double n = q1(db, "SELECT count(*) FROM front");
    printf("pareto (%s): %.0f frontier rows of %.0f candidates\n", forms[_i], n, q1(db, "SELECT count(*) FROM cand"));
    ck_assert(n > 0);
#define SAME \
    "a.model = b.model AND a.prefill_len = b.prefill_len AND a.generate_len = b.generate_len AND a.batch = b.batch"
    /* no frontier row dominates or duplicates another */
    ck_assert(q1(db, "SELECT count(*) FROM front a JOIN front b ON " SAME " AND a.generate_latency <= "
                     "b.generate_latency AND a.generate_tco_per_token <= b.generate_tco_per_token AND NOT "
                     "(a.system_id = b.system_id AND a.generate_latency = b.generate_latency AND "
                     "a.generate_tco_per_token = b.generate_tco_per_token)") == 0);
    /* every candidate is dominated by or equal to a frontier row */
    ck_assert(q1(db, "SELECT count(*) FROM cand b WHERE NOT EXISTS (SELECT 1 FROM front a WHERE " SAME " AND "
                     "a.generate_latency <= b.generate_latency AND a.generate_tco_per_token <= "
                     "b.generate_tco_per_token)") == 0);
    /* identical points keep the smallest system_id */
    ck_assert(q1(db, "SELECT count(*) FROM front a JOIN cand b ON " SAME " AND a.generate_latency = "
                     "b.generate_latency AND a.generate_tco_per_token = b.generate_tco_per_token AND "
                     "b.system_id < a.system_id") == 0);
    ck_assert(q1(db, "SELECT count(*) FROM (SELECT DISTINCT model, prefill_len, generate_len, batch FROM cand)") ==
              q1(db, "SELECT count(*) FROM (SELECT DISTINCT model, prefill_len, generate_len, batch FROM front)"));
#undef SAME
    sqlite3_close(db);
}
END_TEST

/* keyed (1) and rank (2, the ranking tables the writer keeps) against join */
START_TEST(keyed_and_join_forms_agree)
{
    char p[512], sql[1024];
    sqlite3 *db = open_form(_i);
    path_in(p, sizeof p, forms[0]);
    snprintf(sql, sizeof sql, "ATTACH '%s' AS j", p);
    exec_ok(db, sql);
    exec_ok(db, "CREATE TEMP VIEW jb AS SELECT * FROM j.best_per_batch; "
                "CREATE TEMP VIEW jp AS SELECT * FROM j.pareto");
    ck_assert(q1(db, "SELECT count(*) FROM main.best_per_batch") == q1(db, "SELECT count(*) FROM jb"));
    ck_assert(q1(db, "SELECT count(*) FROM (SELECT * FROM main.best_per_batch EXCEPT SELECT * FROM jb)") == 0);
    ck_assert(q1(db, "SELECT count(*) FROM main.pareto") == q1(db, "SELECT count(*) FROM jp"));
    ck_assert(q1(db, "SELECT count(*) FROM (SELECT * FROM main.pareto EXCEPT SELECT * FROM jp)") == 0);
    sqlite3_close(db);
}
END_TEST

/* hwsweep query DB ARGS > out; the exit status. */
static int query(const char *db, const char *args)
{
    return run_cmd("bin/hwsweep query %s %s > %s/q.out 2> %s/q.err", db, args, tmpdir, tmpdir);
}

static int file_has(const char *name, const char *needle)
{
    char p[512];
    path_in(p, sizeof p, name);
    FILE *f = fopen(p, "r");
    char buf[1 << 16];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return strstr(buf, needle) != NULL;
}

/* The columns `hwsweep query` prints and their order. */
static const char *const cli_sql[] = {
    "SELECT model, prefill_len, generate_len, batch, objective, hardware, system_id, server_id, num_servers, "
    "num_chips, t, p, micro_batch, prefill_micro_batch, prefill_latency, generate_latency, prefill_tco_per_token, "
    "generate_tco_per_token, tco_per_Mtoken, generate_throughput FROM best_per_batch WHERE model = '%s' OR '%s' = '' "
    "ORDER BY model, prefill_len, generate_len, batch, objective_index",
    "SELECT model, prefill_len, generate_len, batch, hardware, system_id, server_id, t, p, micro_batch, "
    "prefill_micro_batch, generate_latency, generate_tco_per_token, tco_per_Mtoken, generate_throughput "
    "FROM pareto WHERE model = '%s' OR '%s' = '' ORDER BY model, prefill_len, generate_len, batch, "
    "generate_latency, generate_tco_per_token"};

/* `hwsweep query DB ARGS` (CSV) equals the view's rows exactly. */
static void check_csv(const char *db, const char *args, int view, const char *model)
{
    char p[512], sql[1024];
    ck_assert_int_eq(query(db, args), 0);
    table_t got, want;
    path_in(p, sizeof p, "q.out");
    ck_assert_int_eq(table_read_csv(p, &got), 0);
    snprintf(sql, sizeof sql, cli_sql[view], model, model);
    ck_assert_int_eq(table_from_query(db, sql, &want), 0);
    ck_assert_uint_gt(want.rows, 1);
    double worst;
    ck_assert_uint_eq(table_compare(&want, &got, 0, &worst, args), 0);
    for (size_t r = 1; *model && r < got.rows; r++)
        ck_assert_str_eq(got.cell[r][0], model);
    table_free(&got);
    table_free(&want);
}

START_TEST(cli_filters_and_csv)
{
    char db[512];
    path_in(db, sizeof db, "keyed.db");
    check_csv(db, "best --csv", 0, "");
    check_csv(db, "--csv best --model gpt3", 0, "gpt3");
    check_csv(db, "pareto --csv", 1, "");
    check_csv(db, "pareto --csv -m llama3-70B", 1, "llama3-70B");
    ck_assert_int_eq(query(db, "best"), 0);   /* text: header, dashed rule, rows */
    ck_assert(file_has("q.out", "model       prefill_len  generate_len  batch  objective  ") &&
              file_has("q.out", "\n----------  -----------  ------------  -----  ----------------  ---"));
    ck_assert_int_eq(query(db, "summary"), 0);
    ck_assert(file_has("q.out", "best_tco_per_Mtoken") && file_has("q.out", "llama3-70B") &&
              file_has("q.out", "cc_sweep      288"));
    ck_assert_int_eq(query(db, "summary --csv -m gpt3"), 0);
    ck_assert(file_has("q.out", "hardware,servers,valid_servers\r\ncc_sweep,288,58\r\n") &&
              !file_has("q.out", "llama3-70B"));
}
END_TEST

START_TEST(cli_reads_only)
{
    /* a database without the views (older, or before views_create): temporary views, nothing written */
    char db[512], copy[512];
    path_in(db, sizeof db, "noviews.db");
    path_in(copy, sizeof copy, "noviews.copy");
    sqlite3 *d = open_form(0);
    char sql[1200];
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", db);
    exec_ok(d, sql);
    sqlite3_close(d);
    d = open_rw(db);
    exec_ok(d, "DROP VIEW best_per_batch; DROP VIEW pareto; PRAGMA journal_mode=WAL");
    sqlite3_close(d);
    ck_assert_int_eq(run_cmd("cp %s %s", db, copy), 0);
    ck_assert_int_eq(query(db, "pareto -m gpt3"), 0);
    ck_assert_int_eq(query(db, "summary"), 0);
    ck_assert(files_equal(db, copy));
    ck_assert(file_has("q.out", "gpt3"));
}
END_TEST

START_TEST(cli_without_the_indexes)
{
    /* keyed views whose indexes were dropped (a sweep under way): the join form answers, same rows */
    char db[512], sql[1200], err[512], keyed_out[512];
    path_in(db, sizeof db, "noindex.db");
    path_in(keyed_out, sizeof keyed_out, "keyed.out");
    sqlite3 *d = open_form(1);
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", db);
    exec_ok(d, sql);
    sqlite3_close(d);
    ck_assert_int_eq(run_cmd("bin/hwsweep query %s/keyed.db pareto --csv > %s", tmpdir, keyed_out), 0);
    d = open_rw(db);
    ck_assert(views_indexed(d, 1));
    ck_assert_int_eq(views_drop_indexes(d, err, sizeof err), 0);
    ck_assert(!views_indexed(d, 1));
    sqlite3_close(d);
    ck_assert_int_eq(query(db, "pareto --csv"), 0);
    ck_assert(file_has("q.err", "not built yet"));
    path_in(sql, sizeof sql, "q.out");
    ck_assert(files_equal(sql, keyed_out));
    d = open_rw(db);
    ck_assert_int_eq(views_create(d, err, sizeof err), 0);   /* builds them again */
    ck_assert(views_indexed(d, 1));
    sqlite3_close(d);
    ck_assert_int_eq(query(db, "pareto --csv"), 0);
    ck_assert(!file_has("q.err", "not built yet") && files_equal(sql, keyed_out));
}
END_TEST

START_TEST(cli_bad_usage_exits_2)
{
    char db[512], args[1024];
    path_in(db, sizeof db, "keyed.db");
    ck_assert_int_eq(query(db, "best --model gpt4"), 2);
    ck_assert(file_has("q.err", "unknown model 'gpt4'") && file_has("q.err", "gpt3, llama3-70B"));
    ck_assert_int_eq(query(db, "worst"), 2);
    ck_assert_int_eq(query(db, ""), 2);
    ck_assert_int_eq(query(db, "best extra"), 2);
    ck_assert_int_eq(query(db, "best --bogus"), 2);
    ck_assert_int_eq(query(db, "best --model"), 2);
    ck_assert_int_eq(run_cmd("bin/hwsweep query > /dev/null 2>&1"), 2);
    snprintf(args, sizeof args, "%s/none.db", tmpdir);
    ck_assert_int_eq(query(args, "summary"), 2);
    ck_assert_int_eq(query("inputs/hardware/config/cc_sweep.yaml", "summary"), 2);
    ck_assert(file_has("q.err", "not a hwsweep database"));
    snprintf(args, sizeof args, "%s/empty.db", tmpdir);
    ck_assert_int_eq(run_cmd("sqlite3 %s 'CREATE TABLE x(a)'", args), 0);
    ck_assert_int_eq(query(args, "best"), 2);
    ck_assert_int_eq(run_cmd("bin/hwsweep query --help > %s/q.out", tmpdir), 0);
    ck_assert(file_has("q.out", "pareto") && file_has("q.out", "--csv"));
}
END_TEST

/* The real database (cc_sweep x gpt3, llama3-70B) and its two view forms. */
static void setup(void)
{
    ck_assert_int_eq(run_cmd("bin/hwsweep hw -q -o %s/out inputs/hardware/config/cc_sweep.yaml && for m in gpt3 "
                             "llama3-70B; do bin/hwsweep sw -q -o %s/out -m inputs/software/model/$m.yaml -s "
                             "inputs/software/system/cc_sweep.yaml cc_sweep || exit 1; done", tmpdir, tmpdir), 0);
    make_form(forms[0], 0);
    make_form(forms[1], 1);
    make_form(forms[2], -1);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hwsweep-query-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("query");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, setup, NULL);
    tcase_add_loop_test(tc, best_is_each_groups_minimum, 0, 3);
    tcase_add_loop_test(tc, pareto_is_the_frontier, 0, 3);
    tcase_add_loop_test(tc, keyed_and_join_forms_agree, 1, 3);
    tcase_add_test(tc, cli_filters_and_csv);
    tcase_add_test(tc, cli_reads_only);
    tcase_add_test(tc, cli_without_the_indexes);
    tcase_add_test(tc, cli_bad_usage_exits_2);
    suite_add_tcase(s, tc);
    return run_suite_and_clean(s, tmpdir);
}

/*
 * test_plot.c -- `hwsweep plot` and `hwsweep report` on databases built
 * here with bin/hwsweep from the golden inputs (cc_sweep_small with gpt3 and
 * llama3-70B; the cc_sweep hardware for its invalid points): every kind
 * renders a real PNG (signature, 1200x800, size) and a well-formed SVG whose
 * series and points match the SQL counts computed here independently; the
 * frontier's ends equal the reference's golden points; the TCO parts add up;
 * npu-energy and the report read real NPU sweep databases built with
 * bin/hwsweep run (tests/sweeps/npu_energy.yaml, plot_npu_nopg.yaml) and
 * refuse the wrong kind of database; bad input exits 2 and writes nothing; the
 * report is one self-contained page.  Runs bin/hwsweep from the repository
 * root.
 */
#include <check.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "golden_util.h"
#include "plot/plot.h"
#include "store/plot_queries.h"

static char tmpdir[256];
static char small_db[512], sweep_db[512], npu_db[512], npu_nopg_db[512];

#define IN "tests/golden/inputs/"
#define EVAL "s.model = 'gpt3' AND s.prefill_len = 256 AND s.generate_len = 64"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    if (buf)
        buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

static void path_in(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* ---- what the command printed: "series N: TITLE: K points" ---------- */

typedef struct {
    size_t n;
    char title[PLOT_MAX_SERIES][200];
    size_t points[PLOT_MAX_SERIES];
} printed_t;

static void read_printed(const char *path, printed_t *p)
{
    char *text = slurp(path, NULL);
    ck_assert_ptr_nonnull(text);
    memset(p, 0, sizeof *p);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "series ", 7) != 0)
            continue;
        char *title = strchr(line, ':');
        size_t len = strlen(line);
        ck_assert_ptr_nonnull(title);
        ck_assert(len > 7 && strcmp(line + len - 7, " points") == 0);
        line[len - 7] = '\0';
        char *colon = strrchr(line, ':');
        *colon = '\0';
        ck_assert_uint_lt(p->n, PLOT_MAX_SERIES);
        snprintf(p->title[p->n], sizeof p->title[0], "%s", title + 2);
        p->points[p->n++] = (size_t)atol(colon + 2);
    }
    free(text);
}

/* ---- files ------------------------------------------------------------ */

static void check_png(const char *path)
{
    size_t len = 0;
    unsigned char *b = (unsigned char *)slurp(path, &len);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_gt(len, 10000);   /* a picture, not an empty canvas */
    ck_assert_int_eq(memcmp(b, "\x89PNG\r\n\x1a\n", 8), 0);
    ck_assert_int_eq(memcmp(b + 12, "IHDR", 4), 0);
    unsigned w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    unsigned h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
    ck_assert_uint_eq(w, 1200);
    ck_assert_uint_eq(h, 800);
    free(b);
}

/* Minimal XML well-formedness: every element closed in order, attributes
 * quoted, nothing after the root.  Returns the number of elements. */
static long xml_elements(const char *s)
{
    char stack[64][64];
    int depth = 0, root_done = 0;
    long elements = 0;
    const char *p = s;
    while ((p = strchr(p, '<')) != NULL) {
        if (strncmp(p, "<?", 2) == 0) {
            p = strstr(p, "?>");
            if (!p)
                return -1;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            p = strstr(p, "-->");
            if (!p)
                return -1;
            continue;
        }
        int closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t nl = strcspn(name, " \t\r\n/>");
        if (nl == 0 || nl >= 64)
            return -1;
        /* the tag's end, skipping quoted attribute values */
        const char *q = name + nl;
        char quote = 0;
        for (; *q && (quote || *q != '>'); q++)
            if (quote ? *q == quote : (*q == '"' || *q == '\''))
                quote = quote ? 0 : *q;
        if (!*q)
            return -1;
        int self = q[-1] == '/';
        if (closing) {
            if (depth == 0 || strncmp(stack[depth - 1], name, nl) != 0 || stack[depth - 1][nl] != '\0')
                return -1;
            if (--depth == 0)
                root_done = 1;
        } else {
            if (root_done)
                return -1;
            elements++;
            if (!self) {
                if (depth == 64)
                    return -1;
                memcpy(stack[depth], name, nl);
                stack[depth++][nl] = '\0';
            } else if (depth == 0) {
                root_done = 1;
            }
        }
        p = q + 1;
    }
    return depth == 0 && root_done ? elements : -1;
}

/* The distinct series groups of a gnuplot SVG (gnuplot_plot_K). */
static size_t svg_series(const char *svg)
{
    size_t max = 0;
    for (const char *p = svg; (p = strstr(p, "id=\"gnuplot_plot_")) != NULL; p++) {
        size_t k = (size_t)atol(p + 17);
        max = k > max ? k : max;
    }
    return max;
}

/* Point symbols (<use>) drawn in the groups of series k (with its key sample). */
static size_t svg_uses(const char *svg, size_t k)
{
    char id[64];
    size_t n = 0;
    snprintf(id, sizeof id, "id=\"gnuplot_plot_%zu\"", k);
    for (const char *p = svg; (p = strstr(p, id)) != NULL; p++) {
        const char *end = strstr(p + 1, "id=\"gnuplot_plot_");
        for (const char *u = p; (u = strstr(u, "<use")) != NULL && (!end || u < end); u++)
            n++;
    }
    return n;
}

/* Plot kind of db into out (name in tmpdir) with extra options; the exit status. */
static int plot(const char *db, const char *kind, const char *opts, const char *out, printed_t *printed)
{
    char o[512], txt[512];
    path_in(o, sizeof o, out);
    path_in(txt, sizeof txt, "printed.txt");
    int rc = run_cmd("bin/hwsweep plot %s %s %s -o %s > %s 2> %s.err", db, kind, opts, o, txt, txt);
    if (printed && rc == 0)
        read_printed(txt, printed);
    return rc;
}

/* ---- tests ------------------------------------------------------------ */

START_TEST(test_reason_class)
{
    static const char *const cases[][2] = {
        {"Heatsink 45.75889021256518 can't cool the package tdp 102.73776774654222",
         "Heatsink # can't cool the package tdp #"},
        {"Chip power density 1.5 W/mm2 is too high", "Chip power density # W/mm2 is too high"},
        {"Lane silicon area 1.2e+03 too large (max 800)", "Lane silicon area # too large (max #)"},
        {"Die size 3e-05 mm2 too small! HBM3 x", "Die size # mm2 too small! HBM3 x"},
        {"-3.5 below", "# below"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[PQ_REASON_MAX];
        pq_reason_class(cases[i][0], out, sizeof out);
        ck_assert_str_eq(out, cases[i][1]);
    }
}
END_TEST

/* The generate candidates of gpt3 256/64, counted here another way: the
 * generate_latency rows plus the generate_tco rows that differ from them. */
static double candidates_sql(const char *extra)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM perf a JOIN systems s ON s.system_id = a.system_id WHERE s.valid AND " EVAL
             " %s AND (a.objective_index = 2 OR (a.objective_index = 3 AND NOT EXISTS (SELECT 1 FROM perf b "
             "WHERE b.system_id = a.system_id AND b.batch = a.batch AND b.objective_index = 2 AND b.t = a.t AND "
             "b.p = a.p AND b.micro_batch = a.micro_batch AND b.generate_latency_s = a.generate_latency_s AND "
             "b.tco_per_mtoken_usd = a.tco_per_mtoken_usd)))", extra);
    return db_query_one(small_db, sql);
}

/* Non-dominated points of (x, tco) by brute force, identical ones once;
 * x is the latency (minimized) or minus the throughput. */
static size_t front_brute_x(const char *extra, const char *x)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT DISTINCT %s, a.tco_per_mtoken_usd FROM perf a JOIN systems s ON "
             "s.system_id = a.system_id WHERE s.valid AND " EVAL " %s AND a.objective_index IN (2, 3)", x, extra);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_open_v2(small_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    double lat[4096], tco[4096];
    size_t n = 0, front = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < 4096) {
        lat[n] = sqlite3_column_double(st, 0);
        tco[n++] = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    for (size_t i = 0; i < n; i++) {
        int dominated = 0;
        for (size_t j = 0; j < n && !dominated; j++)
            dominated = j != i && lat[j] <= lat[i] && tco[j] <= tco[i] && (lat[j] < lat[i] || tco[j] < tco[i]);
        front += !dominated;
    }
    return front;
}

static size_t front_brute(const char *extra)
{
    return front_brute_x(extra, "a.generate_latency_s");
}

START_TEST(test_pareto)
{
    printed_t p;
    char png[512], svgp[512];
    ck_assert_int_eq(plot(small_db, "pareto", "--model gpt3", "pareto.png", &p), 0);
    path_in(png, sizeof png, "pareto.png");
    check_png(png);
    ck_assert_uint_eq(p.n, 4);   /* points, frontier, two labels */
    ck_assert_uint_eq(p.points[0], (size_t)candidates_sql(""));
    ck_assert_uint_eq(p.points[0], 50);
    ck_assert_uint_eq(p.points[1], front_brute(""));
    ck_assert_uint_eq(p.points[2], 1);
    ck_assert_uint_eq(p.points[3], 1);
    /* the same as SVG: well-formed, one group per series, one symbol per point (+ its key sample) */
    ck_assert_int_eq(plot(small_db, "pareto", "--model gpt3 --eval-len 256,64", "pareto.svg", NULL), 0);
    path_in(svgp, sizeof svgp, "pareto.svg");
    char *svg = slurp(svgp, NULL);
    ck_assert_ptr_nonnull(svg);
    ck_assert_int_gt(xml_elements(svg), 100);
    ck_assert_uint_eq(svg_series(svg), p.n);
    ck_assert_uint_eq(svg_uses(svg, 1), p.points[0] + 1);
    ck_assert_uint_eq(svg_uses(svg, 2), p.points[1] + 1);
    free(svg);
    /* throughput on x: its own frontier */
    ck_assert_int_eq(plot(small_db, "pareto", "--model gpt3 --x throughput", "pareto_thr.png", &p), 0);
    ck_assert_uint_eq(p.points[0], 50);
    ck_assert_uint_eq(p.points[1], front_brute_x("", "-a.generate_throughput_tokens_per_s"));
    ck_assert_str_eq(p.title[2], "label: highest throughput");
    /* --where narrows the rows */
    ck_assert_int_eq(plot(small_db, "pareto", "--model gpt3 --where 'f.batch <= 8'", "pareto8.png", &p), 0);
    ck_assert_uint_eq(p.points[0], (size_t)candidates_sql("AND a.batch <= 8"));
    ck_assert_uint_eq(p.points[1], front_brute("AND a.batch <= 8"));
    ck_assert_uint_lt(p.points[0], 50);
}
END_TEST

/* The frontier's ends are the reference's fastest and cheapest generate
 * points (golden points CSV of cc_sweep_small / llama3-70B). */
START_TEST(test_pareto_golden_ends)
{
    table_t t;
    ck_assert_int_eq(table_read_csv("tests/golden/expected/cc_sweep_small/llama3-70B__cc_sweep_small_points.csv", &t),
                     0);
    size_t c_obj = 0, c_lat = 0, c_tco = 0;
    for (size_t c = 0; c < t.cols; c++) {
        if (strcmp(t.cell[0][c], "objective") == 0)
            c_obj = c;
        if (strcmp(t.cell[0][c], "generate_latency") == 0)
            c_lat = c;
        if (strcmp(t.cell[0][c], "generate_tco_per_token") == 0)
            c_tco = c;
    }
    double fastest = 1e300, cheapest = 1e300;
    for (size_t r = 1; r < t.rows; r++) {
        double lat = atof(t.cell[r][c_lat]), tco = atof(t.cell[r][c_tco]) * 1e6;
        if (strcmp(t.cell[r][c_obj], "generate_latency") == 0 && lat < fastest)
            fastest = lat;
        if (strcmp(t.cell[r][c_obj], "generate_tco") == 0 && tco < cheapest)
            cheapest = tco;
    }
    table_free(&t);
    int bad = 0;
    char err[512];
    sqlite3 *db = pq_open(small_db, &bad, err, sizeof err);
    ck_assert_ptr_nonnull(db);
    pq_sel_t sel = {.model = "llama3-70B", .has_eval = 1, .prefill_len = 256, .generate_len = 64};
    pq_point_t *pts = NULL;
    size_t n = 0, first = 0, last = 0, front = 0;
    ck_assert_int_eq(pq_pareto_points(db, &sel, &pts, &n, err, sizeof err), 0);
    for (size_t i = 0; i < n; i++)
        if (pts[i].on_front) {
            if (front++ == 0)
                first = i;
            last = i;
        }
    ck_assert_uint_gt(front, 1);
    ck_assert_double_eq_tol(pts[first].generate_latency_s, fastest, 1e-9 * fastest);
    ck_assert_double_eq_tol(pts[last].tco_per_Mtoken_usd, cheapest, 1e-9 * cheapest);
    free(pts);
    pq_close(db);
}
END_TEST

START_TEST(test_latency_batch)
{
    printed_t p;
    char png[512];
    ck_assert_int_eq(plot(small_db, "latency-batch", "-m llama3-70B", "lb.png", &p), 0);
    path_in(png, sizeof png, "lb.png");
    check_png(png);
    /* cc_sweep_small has 4 valid systems per model: all four, latency and throughput panels */
    ck_assert_uint_eq(p.n, 8);
    for (size_t i = 0; i < p.n; i++) {
        const char *sys = strstr(p.title[i], "(system ");
        ck_assert_ptr_nonnull(sys);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM perf WHERE system_id = %ld AND objective_index = 2",
                 atol(sys + 8));
        ck_assert_uint_eq(p.points[i], (size_t)db_query_one(small_db, sql));
        ck_assert_uint_eq(p.points[i], 7);   /* batches 1 .. 64 */
    }
    ck_assert_int_eq(plot(small_db, "latency-batch", "-m llama3-70B", "lb.svg", NULL), 0);
    path_in(png, sizeof png, "lb.svg");
    char *svg = slurp(png, NULL);
    ck_assert_int_gt(xml_elements(svg), 100);
    ck_assert_uint_eq(svg_series(svg), 4);   /* numbered per panel */
    free(svg);
}
END_TEST

START_TEST(test_tco_breakdown)
{
    printed_t p;
    char png[512];
    ck_assert_int_eq(plot(small_db, "tco-breakdown", "--model gpt3", "tco.png", &p), 0);
    path_in(png, sizeof png, "tco.png");
    check_png(png);
    ck_assert_uint_eq(p.n, TCO_NPARTS);
    double designs = db_query_one(small_db, "SELECT min(10, count(*)) FROM perf f JOIN systems s ON s.system_id = f.system_id "
                                  "WHERE s.valid AND " EVAL " AND f.batch = 8 AND f.objective_index = 3");
    for (size_t i = 0; i < p.n; i++)
        ck_assert_uint_eq(p.points[i], (size_t)designs);
    /* the parts add up to the TCO per million output tokens, none negative */
    int bad = 0;
    char err[512];
    sqlite3 *db = pq_open(small_db, &bad, err, sizeof err);
    ck_assert_ptr_nonnull(db);
    pq_sel_t sel = {.model = "gpt3", .has_eval = 1, .prefill_len = 256, .generate_len = 64};
    ck_assert_int_eq(pq_summary_batch(db, &sel), 8);
    pq_design_t *d = NULL;
    size_t n = 0;
    ck_assert_int_eq(pq_best_designs(db, &sel, 8, 10, &d, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, (size_t)designs);
    for (size_t i = 0; i < n; i++) {
        double parts[TCO_NPARTS], sum = 0;
        plot_tco_parts_per_Mtoken(&d[i], parts);
        for (int k = 0; k < TCO_NPARTS; k++) {
            ck_assert_double_ge(parts[k], 0);
            sum += parts[k];
        }
        ck_assert_double_eq_tol(sum, d[i].tco_per_Mtoken_usd, 1e-12 * d[i].tco_per_Mtoken_usd);
        /* the chips' share of capex is their share of the server price */
        double chips = d[i].chip_cost_usd * d[i].pkg_num_chips * d[i].srv_num_packages;
        double expect = d[i].tco_per_Mtoken_usd * d[i].capex_usd / (d[i].capex_usd + d[i].opex_usd) * chips /
                        d[i].srv_cost_usd;
        ck_assert_double_eq_tol(parts[TCO_CHIPS], expect, 1e-12 * expect);
    }
    ck_assert_double_le(d[0].tco_per_Mtoken_usd, d[n - 1].tco_per_Mtoken_usd);
    free(d);
    pq_close(db);
}
END_TEST

START_TEST(test_area_power_and_invalid)
{
    printed_t p;
    char png[512];
    ck_assert_int_eq(plot(sweep_db, "area-power", "", "ap.png", &p), 0);
    path_in(png, sizeof png, "ap.png");
    check_png(png);
    size_t total = 0;
    for (size_t i = 0; i < p.n; i++)
        total += p.points[i];
    double expect = db_query_one(sweep_db, "SELECT (SELECT count(*) FROM servers) + (SELECT count(*) FROM packages WHERE NOT "
                                 "valid) + (SELECT count(*) FROM chips WHERE NOT valid)");
    ck_assert_uint_eq(total, (size_t)expect);
    ck_assert_uint_eq(total, 288);
    ck_assert_str_eq(p.title[0], "valid servers (58)");
    ck_assert_uint_eq(p.points[0], (size_t)db_query_one(sweep_db, "SELECT count(*) FROM servers WHERE valid"));
    /* the README's three server reasons: heat sink, lane area, server power */
    ck_assert_uint_eq(p.n, 4);
    ck_assert_uint_eq(p.points[1], 196);
    ck_assert_uint_eq(p.points[2], 24);
    ck_assert_uint_eq(p.points[3], 10);
    ck_assert_int_eq(plot(sweep_db, "area-power", "", "ap.svg", NULL), 0);
    path_in(png, sizeof png, "ap.svg");
    char *svg = slurp(png, NULL);
    ck_assert_int_gt(xml_elements(svg), 288);
    ck_assert_uint_eq(svg_series(svg), 4);
    for (size_t k = 1; k <= 4; k++)
        ck_assert_uint_eq(svg_uses(svg, k), p.points[k - 1] + 1);
    free(svg);

    ck_assert_int_eq(plot(sweep_db, "invalid", "", "inv.png", &p), 0);
    path_in(png, sizeof png, "inv.png");
    check_png(png);
    ck_assert_uint_eq(p.n, 2);   /* servers' bars and their count labels */
    ck_assert_str_eq(p.title[0], "invalid servers (230)");
    ck_assert_uint_eq(p.points[0], 3);
    ck_assert_uint_eq(p.points[0], (size_t)db_query_one(sweep_db, "SELECT count(DISTINCT substr(invalid_reason, 1, 8)) FROM "
                                                        "servers WHERE NOT valid"));
    ck_assert_int_eq(plot(sweep_db, "invalid", "--where \"v.num_lanes = 8\"", "inv.svg", &p), 0);
    double lanes8 = db_query_one(sweep_db, "SELECT count(*) FROM servers WHERE NOT valid AND num_lanes = 8");
    char want[64];
    snprintf(want, sizeof want, "invalid servers (%.0f)", lanes8);
    ck_assert_str_eq(p.title[0], want);
    path_in(png, sizeof png, "inv.svg");
    svg = slurp(png, NULL);
    ck_assert_int_gt(xml_elements(svg), 10);
    ck_assert_uint_eq(svg_series(svg), p.n);
    free(svg);
}
END_TEST

/* The npu-energy picture and the report of real NPU sweep databases
 * (tests/sweeps/npu_energy.yaml: NoPG and Full in npu_energy;
 * tests/sweeps/plot_npu_nopg.yaml: no strategies, npu_points' own energy). */
#define NPU_OK_E(strategy)                                                                                     \
    "SELECT count(*) FROM npu_points n JOIN npu_energy e ON e.point_id = n.point_id AND e.phase = n.phase " \
    "WHERE n.status = 'ok' AND e.energy_per_token_J > 0 AND e.strategy = '" strategy "'"
START_TEST(test_npu_energy)
{
    char db[512];
    printed_t p;
    double n_nopg = db_query_one(npu_db, NPU_OK_E("NoPG")), n_full = db_query_one(npu_db, NPU_OK_E("Full"));
    ck_assert_double_eq(n_nopg, 36);   /* 18 evaluated configurations x 2 phases */
    ck_assert_double_eq(n_full, n_nopg);
    ck_assert_int_eq(plot(npu_db, "npu-energy", "", "npu.png", &p), 0);
    path_in(db, sizeof db, "npu.png");
    check_png(db);
    ck_assert_uint_eq(p.n, 2);
    ck_assert_str_eq(p.title[0], "NoPG");
    ck_assert_uint_eq(p.points[0], (size_t)n_nopg);
    ck_assert_str_eq(p.title[1], "Full");
    ck_assert_uint_eq(p.points[1], (size_t)n_full);

    /* --where over n (npu_points) and e (npu_energy), --model */
    ck_assert_int_eq(plot(npu_db, "npu-energy", "--model llama3-8b --where \"n.chip = 'tpuv5p' AND n.phase = "
                          "'decode'\"", "npu.svg", &p), 0);
    double v5p = db_query_one(npu_db, NPU_OK_E("NoPG") " AND n.chip = 'tpuv5p' AND n.phase = 'decode'");
    ck_assert_double_eq(v5p, 9);
    ck_assert_uint_eq(p.n, 2);
    ck_assert_uint_eq(p.points[0], (size_t)v5p);
    ck_assert_uint_eq(p.points[1], (size_t)v5p);
    path_in(db, sizeof db, "npu.svg");
    char *svg = slurp(db, NULL);
    ck_assert_int_gt(xml_elements(svg), 10);
    ck_assert_uint_eq(svg_series(svg), 2);
    ck_assert_uint_eq(svg_uses(svg, 1), (size_t)v5p + 1);   /* the points and the key's symbol */
    free(svg);
    ck_assert_int_eq(plot(npu_db, "npu-energy", "--where \"e.strategy = 'Full'\"", "npu.svg", &p), 0);
    ck_assert_uint_eq(p.n, 1);
    ck_assert_str_eq(p.title[0], "Full");
    ck_assert_uint_eq(p.points[0], (size_t)n_full);

    /* without npu_energy: npu_points' own energy per token */
    double own = db_query_one(npu_nopg_db, "SELECT count(*) FROM npu_points WHERE status = 'ok' AND energy_per_token_J > 0");
    ck_assert_double_eq(own, 4);   /* batch 1 and 8, prefill and decode */
    ck_assert_int_eq(plot(npu_nopg_db, "npu-energy", "", "npun.png", &p), 0);
    ck_assert_uint_eq(p.n, 1);
    ck_assert_str_eq(p.title[0], "default");
    ck_assert_uint_eq(p.points[0], (size_t)own);

    /* the report of an NPU sweep: counts per status and reason, the picture, the best tables */
    path_in(db, sizeof db, "npu_report.html");
    ck_assert_int_eq(run_cmd("bin/hwsweep report %s -o %s > /dev/null", npu_db, db), 0);
    char *page = slurp(db, NULL);
    ck_assert_ptr_nonnull(strstr(page, "<h2 id=\"npu\">NPU energy</h2>\n<figure>"));
    char row[256];
    snprintf(row, sizeof row, "<tr><td class=\"t\">ok</td><td class=\"t\"></td><td>%.0f</td><td>%.0f</td></tr>",
             db_query_one(npu_db, "SELECT count(DISTINCT point_id) FROM npu_points WHERE status = 'ok'"),
             db_query_one(npu_db, "SELECT count(*) FROM npu_points WHERE status = 'ok'"));
    ck_assert_ptr_nonnull(strstr(page, row));
    snprintf(row, sizeof row, "<tr><td class=\"t\">skipped</td><td class=\"t\">dp x pp x DCN pods = # &gt; global "
             "batch #</td><td>%.0f</td>", db_query_one(npu_db, "SELECT count(DISTINCT point_id) FROM npu_points WHERE "
                                             "status = 'skipped'"));
    ck_assert_ptr_nonnull(strstr(page, row));
    const char *best = strstr(page, "<h3>By throughput per chip</h3>");
    ck_assert_ptr_nonnull(best);
    snprintf(row, sizeof row, "<tr><td>%.0f</td><td class=\"t\">prefill</td>",
             db_query_one(npu_db, "SELECT point_id FROM npu_points WHERE status = 'ok' AND phase = 'prefill' ORDER BY "
                        "throughput_tokens_per_sec / num_chips DESC, point_id LIMIT 1"));
    ck_assert_ptr_eq(strstr(best, "<tr><td>"), strstr(best, row));
    best = strstr(page, "<h3>By energy per token</h3>");
    ck_assert_ptr_nonnull(best);
    snprintf(row, sizeof row, "<tr><td>%.0f</td><td class=\"t\">prefill</td>",
             db_query_one(npu_db, "SELECT point_id FROM npu_points WHERE status = 'ok' AND phase = 'prefill' AND "
                        "energy_per_token_J > 0 ORDER BY energy_per_token_J, point_id LIMIT 1"));
    ck_assert_ptr_eq(strstr(best, "<tr><td>"), strstr(best, row));
    ck_assert_ptr_null(strstr(page, "id=\"model-0\""));   /* no ReaLLM sections */
    free(page);

    /* the wrong kind of database for the picture: exit 2, a clear message, nothing written */
    char out[512], err_txt[600];
    path_in(out, sizeof out, "none.png");
    path_in(err_txt, sizeof err_txt, "printed.txt.err");
    ck_assert_int_eq(plot(small_db, "npu-energy", "", "none.png", NULL), 2);
    char *msg = slurp(err_txt, NULL);
    ck_assert_ptr_nonnull(strstr(msg, "no npu_points table: this is a hardware/software sweep database"));
    free(msg);
    ck_assert_int_eq(plot(npu_db, "pareto", "", "none.png", NULL), 2);
    msg = slurp(err_txt, NULL);
    ck_assert_ptr_nonnull(strstr(msg, "this is an NPU sweep database (npu_points): the pareto plot needs a "
                                      "hardware/software sweep"));
    free(msg);
    ck_assert_int_eq(plot(npu_db, "npu-energy", "--model llama3-70b", "none.png", NULL), 2);
    msg = slurp(err_txt, NULL);
    ck_assert_ptr_nonnull(strstr(msg, "unknown model 'llama3-70b'; models present: llama3-8b"));
    free(msg);
    ck_assert_int_eq(plot(npu_db, "npu-energy", "--where \"n.chipp = 'tpuv5p'\"", "none.png", NULL), 2);
    msg = slurp(err_txt, NULL);
    ck_assert_ptr_nonnull(strstr(msg, "--where: no such column: n.chipp (did you mean n.chip?)"));
    free(msg);
    ck_assert_int_ne(access(out, F_OK), 0);
}
END_TEST

static void expect_refusal(const char *db, const char *kind, const char *opts, const char *out, const char *text)
{
    char o[512], e[600];
    path_in(o, sizeof o, out);
    path_in(e, sizeof e, "printed.txt.err");
    ck_assert_int_eq(plot(db, kind, opts, out, NULL), 2);
    char *msg = slurp(e, NULL);
    ck_assert_ptr_nonnull(msg);
    if (!strstr(msg, text))
        fprintf(stderr, "expected '%s' in: %s\n", text, msg);
    ck_assert_ptr_nonnull(strstr(msg, text));
    free(msg);
}

START_TEST(test_refusals)
{
    char keep[512], txt[512];
    path_in(keep, sizeof keep, "keep.png");
    FILE *f = fopen(keep, "w");
    fputs("earlier picture", f);
    fclose(f);
    expect_refusal(small_db, "paretoo", "", "keep.png",
                   "unknown plot 'paretoo' (valid: pareto, latency-batch, tco-breakdown, area-power, invalid, "
                   "npu-energy)");
    expect_refusal(small_db, "pareto", "--model gpt4", "keep.png", "unknown model 'gpt4'; models present: gpt3, "
                                                                   "llama3-70B");
    expect_refusal(small_db, "pareto", "--eval-len 256", "keep.png", "--eval-len takes P,G");
    expect_refusal(small_db, "pareto", "--model gpt3 --eval-len 1024,256", "keep.png",
                   "eval length 1024,256 not evaluated for model gpt3; present: 256,64");
    expect_refusal(small_db, "pareto", "--where 'no_such_column > 1'", "keep.png", "--where: no such column");
    expect_refusal(small_db, "pareto", "--where 'v.chip_aera_mm2 > 100'", "keep.png",
                   "--where: no such column: v.chip_aera_mm2 (did you mean v.chip_area_mm2?)");
    expect_refusal(small_db, "pareto", "--where '1; DROP TABLE perf'", "keep.png", "--where: near \";\": syntax error");
    expect_refusal(small_db, "pareto", "--where 'f.batch > 100000'", "keep.png", "nothing to plot");
    expect_refusal(small_db, "pareto", "", "keep.jpg", "must end in .png or .svg");
    expect_refusal(small_db, "pareto", "--x speed", "keep.png", "unknown --x 'speed' (valid: latency, throughput)");
    expect_refusal(small_db, "invalid", "--x throughput", "keep.png", "--x applies to the pareto plot only");
    path_in(txt, sizeof txt, "not-a-db.db");
    f = fopen(txt, "w");
    fputs("hello\n", f);
    fclose(f);
    expect_refusal(txt, "pareto", "", "keep.png", "not a hwsweep database");
    path_in(txt, sizeof txt, "missing.db");
    expect_refusal(txt, "pareto", "", "keep.png", "cannot open");
    ck_assert_int_ne(access(txt, F_OK), 0);   /* read-only: not created */
    /* the earlier picture is untouched and no temporary file is left */
    char *kept = slurp(keep, NULL);
    ck_assert_str_eq(kept, "earlier picture");
    free(kept);
    ck_assert_int_eq(run_cmd("ls %s | grep -q tmp", tmpdir), 1);
    /* several models without --model: the first, with a note */
    ck_assert_int_eq(plot(small_db, "pareto", "", "first.png", NULL), 0);
    path_in(txt, sizeof txt, "printed.txt.err");
    char *note = slurp(txt, NULL);
    ck_assert_ptr_nonnull(strstr(note, "model gpt3 (present: gpt3, llama3-70B; choose with --model)"));
    free(note);
}
END_TEST

START_TEST(test_read_only)
{
    /* a database the user cannot write is read as it is, and stays identical */
    char ro[512], before[512], after[512];
    path_in(ro, sizeof ro, "ro.db");
    path_in(before, sizeof before, "ro.sum1");
    path_in(after, sizeof after, "ro.sum2");
    ck_assert_int_eq(run_cmd("sqlite3 %s .dump | sqlite3 %s && chmod 0444 %s && sha256sum %s > %s", small_db, ro, ro,
                             ro, before), 0);
    printed_t p;
    ck_assert_int_eq(plot(ro, "pareto", "--model gpt3", "ro.png", &p), 0);
    ck_assert_uint_eq(p.points[0], 50);
    ck_assert_int_eq(run_cmd("sha256sum %s > %s && cmp -s %s %s", ro, after, before, after), 0);
}
END_TEST

START_TEST(test_report)
{
    char html_path[512];
    path_in(html_path, sizeof html_path, "report.html");
    ck_assert_int_eq(run_cmd("bin/hwsweep report %s -o %s > /dev/null", small_db, html_path), 0);
    char *html = slurp(html_path, NULL);
    ck_assert_ptr_nonnull(html);
    ck_assert_int_eq(strncmp(html, "<!DOCTYPE html>", 15), 0);
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_null(strstr(html, "src="));
    ck_assert_ptr_nonnull(strstr(html, "</html>\n"));
    /* inputs and runs, counts, reasons */
    ck_assert_ptr_nonnull(strstr(html, "inputs/hardware/config/cc_sweep_small.yaml"));
    ck_assert_ptr_nonnull(strstr(html, "<td class=\"t\">servers</td><td>16</td><td>4</td><td>12</td>"));
    ck_assert_ptr_nonnull(strstr(html, "<td class=\"t\">server</td><td class=\"t\">Heat sink # W cannot cool "
                                       "package TDP # W</td><td>11</td>"));
    /* pictures: invalid, area-power, then pareto, tco-breakdown, latency-batch for each model */
    size_t svgs = 0;
    for (const char *p = html; (p = strstr(p, "<svg")) != NULL; p++) {
        const char *end = strstr(p, "</svg>");
        ck_assert_ptr_nonnull(end);
        size_t len = (size_t)(end - p) + 6;
        char *one = malloc(len + 1);
        memcpy(one, p, len);
        one[len] = '\0';
        ck_assert_int_gt(xml_elements(one), 10);
        free(one);
        svgs++;
    }
    ck_assert_uint_eq(svgs, 2 + 3 * 2);
    ck_assert_ptr_nonnull(strstr(html, "<h2 id=\"model-1\">Model llama3-70B</h2>"));
    /* frontier tables: as many rows as the frontier has points */
    char want[128];
    snprintf(want, sizeof want, "Pareto frontier: %zu of 50 points", front_brute(""));
    ck_assert_ptr_nonnull(strstr(html, want));
    /* ids are unique across the inline pictures */
    size_t ids = 0, dup = 0;
    char(*seen)[64] = calloc(20000, 64);
    for (const char *p = html; (p = strstr(p, " id=")) != NULL && ids < 20000; p += 4) {
        char q = p[4];
        const char *v = p + 5, *e = strchr(v, q);
        size_t l = (size_t)(e - v) < 63 ? (size_t)(e - v) : 63;
        for (size_t i = 0; i < ids && !dup; i++)
            dup = strncmp(seen[i], v, l) == 0 && seen[i][l] == '\0' ? i + 1 : 0;
        if (dup)
            fprintf(stderr, "duplicate id %s\n", seen[dup - 1]);
        memcpy(seen[ids], v, l);
        seen[ids++][l] = '\0';
    }
    free(seen);
    ck_assert_uint_eq(dup, 0);
    ck_assert_uint_gt(ids, 100);
    free(html);
    /* not a database: exit 2, nothing written */
    char bad[512];
    path_in(bad, sizeof bad, "report2.html");
    ck_assert_int_eq(run_cmd("bin/hwsweep report %s/printed.txt -o %s 2> /dev/null", tmpdir, bad), 2);
    ck_assert_int_ne(access(bad, F_OK), 0);
}
END_TEST

/* gnuplot's complaints come back as the error, with a failure status. */
START_TEST(test_gnuplot_failure)
{
    gp_buf_t script = {0}, out = {0};
    char err[512] = "";
    gp_terminal(&script, "svg", 400, 300);
    gp_printf(&script, "plot no_such_function(x)\n");
    ck_assert_int_eq(gp_run(&script, &out, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "undefined function: no_such_function"));
    gp_free(&script);
    gp_free(&out);
    /* and a good script gives its picture */
    gp_terminal(&script, "svg", 400, 300);
    gp_printf(&script, "$D << EOD\n1 2\n2 3\nEOD\nplot $D using 1:2 with points title 'd'\n");
    ck_assert_int_eq(gp_run(&script, &out, err, sizeof err), 0);
    ck_assert_int_gt(xml_elements(out.buf), 10);
    ck_assert_uint_eq(svg_uses(out.buf, 1), 3);
    gp_free(&script);
    gp_free(&out);
}
END_TEST

static Suite *plot_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("plot");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_reason_class);
    tcase_add_test(tc, test_gnuplot_failure);
    tcase_add_test(tc, test_pareto);
    tcase_add_test(tc, test_pareto_golden_ends);
    tcase_add_test(tc, test_latency_batch);
    tcase_add_test(tc, test_tco_breakdown);
    tcase_add_test(tc, test_area_power_and_invalid);
    tcase_add_test(tc, test_npu_energy);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_read_only);
    tcase_add_test(tc, test_report);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    (void)files_equal;   /* golden_util.h helpers this suite does not need */
    (void)table_from_query;
    (void)table_compare;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hwsweep_plot_XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    if (!gp_available()) {
        fprintf(stderr, "test_plot: gnuplot is missing (scripts/install-deps.sh installs gnuplot-nox)\n");
        return 1;
    }
    snprintf(small_db, sizeof small_db, "%s/cc_sweep_small/cc_sweep_small.db", tmpdir);
    snprintf(sweep_db, sizeof sweep_db, "%s/cc_sweep/cc_sweep.db", tmpdir);
    snprintf(npu_db, sizeof npu_db, "%s/sweeps/npu_energy.db", tmpdir);
    snprintf(npu_nopg_db, sizeof npu_nopg_db, "%s/sweeps/plot_npu_nopg.db", tmpdir);
    if (run_cmd("bin/hwsweep hw -q -o %s " IN "hardware/config/cc_sweep_small.yaml", tmpdir) ||
        run_cmd("bin/hwsweep sw -q -o %s -m " IN "software/model/gpt3.yaml -s " IN
                "software/system/cc_sweep_small.yaml cc_sweep_small", tmpdir) ||
        run_cmd("bin/hwsweep sw -q -o %s -m " IN "software/model/llama3-70B.yaml -s " IN
                "software/system/cc_sweep_small.yaml cc_sweep_small", tmpdir) ||
        run_cmd("bin/hwsweep hw -q -o %s " IN "hardware/config/cc_sweep.yaml", tmpdir) ||
        run_cmd("bin/hwsweep run -q -o %s tests/sweeps/npu_energy.yaml", tmpdir) ||
        run_cmd("bin/hwsweep run -q -o %s tests/sweeps/plot_npu_nopg.yaml", tmpdir)) {
        fprintf(stderr, "test_plot: building the databases failed\n");
        return 1;
    }
    return run_suite_and_clean(plot_suite(), tmpdir);
}

/*
 * cmd_query.c -- `hwsweep query DB.db {summary|best|pareto|points|invalid}
 * [--model M] [--batch B] [--objective O] [--where SQL] [--sort COLS]
 * [--limit N] [--csv|--json]`: the summary of a database, its best_per_batch,
 * pareto and points_hw views and its invalid points by reason, as aligned
 * text tables, RFC 4180 CSV or JSON.  The statements live in the store
 * (store/query_sql.c, store/invalid.c); the database is opened read-only.
 */
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/npu_query.h"
#include "store/db.h"
#include "config/node.h"
#include "engine/jobs.h"
#include "store/csv.h"
#include "store/npu_store.h"
#include "store/invalid.h"
#include "store/query_sql.h"
#include "store/schema_sql.h"
#include "store/views.h"

typedef struct {
    const char *db_path, *what, *model;
    int csv, json;
    query_spec_t q;   /* best, pareto, points: filters, order, limit */
} query_opts_t;

/* A result held for alignment: head[ncols], cell[rows * ncols]. */
typedef struct {
    int ncols;
    char **head, **cell;
    size_t rows, cap;
    unsigned char *text;   /* per column: a text cell was seen (left-aligned) */
} grid_t;

static void query_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep query DB.db {summary|best|pareto|points|invalid} [--model M] [--batch B]\n"
            "                     [--objective O] [--where SQL] [--sort COLS] [--limit N] [--csv|--json]\n\n"
            "Print what a database written by hw/sw (or a sweep) holds.  DB.db is opened\n"
            "read-only, so a query works while a run is still writing it.\n\n"
            "  summary  per hardware: servers and valid servers; per model and system file:\n"
            "           hardware count, systems, valid systems, eval lengths\n"
            "           (prefill/generate); per model and eval length: the batches, and at\n"
            "           batch 8 (or the largest batch when 8 is absent) the best TCO per\n"
            "           million output tokens and the best generate latency, each with the\n"
            "           hardware and system_id that achieve it\n"
            "  best     the best_per_batch view: per model, eval length, batch and objective\n"
            "           (prefill_latency, prefill_tco, generate_latency, generate_tco) the\n"
            "           system and mapping that minimize it (ties: smallest system_id)\n"
            "  pareto   the pareto view: per model, eval length and batch, the systems on\n"
            "           the frontier of generate latency vs TCO per output token, by latency\n"
            "  points   the points_hw view: every valid point with its mapping, metrics and\n"
            "           its chip, package and server parameters (hwsweep schema: units)\n"
            "  invalid  invalid points counted by level (chip, package, server, system) and\n"
            "           reason (numbers as #), with one example each, most frequent first\n\n"
            "  -m, --model M      only model M (summary, invalid: and the hardware it ran on)\n"
            "  -b, --batch B      only batch B (best, pareto, points)\n"
            "  -O, --objective O  only objective O: prefill_latency, prefill_tco,\n"
            "                     generate_latency or generate_tco (best, points)\n"
            "  -w, --where SQL    an SQL condition on the result's columns (best, pareto,\n"
            "                     points), e.g. --where 'chip_area_mm2 <= 200 AND p = 1'\n"
            "  -s, --sort COLS    order by these columns (comma-separated; -COL descending),\n"
            "                     e.g. --sort tco_per_Mtoken,-generate_throughput\n"
            "  -n, --limit N      at most N rows (best, pareto, points, invalid)\n"
            "      --csv          RFC 4180 CSV (a header row, then rows; summary: its three tables\n"
            "                     separated by an empty line) instead of aligned text\n"
            "      --json         a JSON array of objects, one per row (summary: an array of three)\n"
            "  -h, --help         this help\n\n"
            "Text tables print numbers with %%.6g, CSV and JSON in their shortest exact form.\n"
            "Exit status: 0 done, 2 bad usage, a bad --where/--sort, not a hwsweep database\n"
            "or unknown model, 1 other failure.\n");
}

/* a whole number > 0 from text, else -1 */
static long positive(const char *text)
{
    char *end;
    long v = strtol(text, &end, 10);
    return *text && !*end && v > 0 ? v : -1;
}

/* 0 parsed, else the exit status (help: EXIT_OK + done). */
static int parse(int argc, char **argv, query_opts_t *o, int *done)
{
    enum { OPT_CSV = 256, OPT_JSON };
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'm'},     {"batch", required_argument, NULL, 'b'},
        {"objective", required_argument, NULL, 'O'}, {"where", required_argument, NULL, 'w'},
        {"sort", required_argument, NULL, 's'},      {"limit", required_argument, NULL, 'n'},
        {"csv", no_argument, NULL, OPT_CSV},         {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    static const char *const objectives[] = {"prefill_latency", "prefill_tco", "generate_latency", "generate_tco"};
    static const char *const kinds[] = {"summary", "best", "pareto", "points", "invalid"};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:b:O:w:s:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': o->model = o->q.model = optarg; break;
        case 'b':
            if ((o->q.batch = positive(optarg)) < 0) {
                fprintf(stderr, "hwsweep query: --batch takes a whole number > 0, not '%s'\n", optarg);
                return EXIT_BADINPUT;
            }
            break;
        case 'O': {
            size_t k = 0;
            while (k < 4 && strcmp(optarg, objectives[k]))
                k++;
            if (k == 4) {
                const char *near = cfg_nearest(optarg, objectives, 4);
                fprintf(stderr, "hwsweep query: unknown objective '%s'%s%s%s (prefill_latency, prefill_tco, "
                        "generate_latency, generate_tco)\n", optarg, near ? " (did you mean '" : "",
                        near ? near : "", near ? "'?)" : "");
                return EXIT_BADINPUT;
            }
            o->q.objective = optarg;
            break;
        }
        case 'w': o->q.where = optarg; break;
        case 's': o->q.sort = optarg; break;
        case 'n':
            if ((o->q.limit = positive(optarg)) < 0) {
                fprintf(stderr, "hwsweep query: --limit takes a whole number > 0, not '%s'\n", optarg);
                return EXIT_BADINPUT;
            }
            break;
        case OPT_CSV: o->csv = 1; break;
        case OPT_JSON: o->json = 1; break;
        case 'h': query_usage(stdout); *done = 1; return EXIT_OK;
        default: query_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 2 || (o->csv && o->json)) {
        query_usage(stderr);
        return EXIT_BADINPUT;
    }
    o->db_path = argv[optind];
    o->what = o->q.what = argv[optind + 1];
    size_t k = 0;
    while (k < 5 && strcmp(o->what, kinds[k]))
        k++;
    if (k == 5) {
        const char *near = cfg_nearest(o->what, kinds, 5);
        fprintf(stderr, "hwsweep query: unknown query '%s'%s%s%s (summary, best, pareto, points or invalid)\n",
                o->what, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        return EXIT_BADINPUT;
    }
    return 0;
}

static int step_error(sqlite3 *db, int rc)
{
    if (rc == SQLITE_DONE)
        return 0;
    fprintf(stderr, "hwsweep query: sqlite: %s\n", sqlite3_errmsg(db));
    return -1;
}

static int print_csv(sqlite3 *db, sqlite3_stmt *st, FILE *out)
{
    csv_t c;
    memset(&c, 0, sizeof c);
    c.f = out;
    int n = sqlite3_column_count(st), rc;
    for (int i = 0; i < n; i++)
        csv_text(&c, sqlite3_column_name(st, i));
    csv_end_row(&c);
    char buf[1024];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++) {
            db_cell_text(st, i, 1, buf, sizeof buf);
            csv_text(&c, buf);
        }
        csv_end_row(&c);
    }
    return step_error(db, rc);
}

static void grid_free(grid_t *g)
{
    for (size_t i = 0; i < g->rows * (size_t)g->ncols; i++)
        free(g->cell[i]);
    for (int i = 0; g->head && i < g->ncols; i++)
        free(g->head[i]);
    free(g->cell);
    free(g->head);
    free(g->text);
}

static int grid_add_row(grid_t *g, sqlite3_stmt *st)
{
    if (g->rows == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        char **cell = realloc(g->cell, cap * (size_t)g->ncols * sizeof *cell);
        if (!cell)
            return -1;
        g->cell = cell;
        g->cap = cap;
    }
    char buf[1024];
    for (int i = 0; i < g->ncols; i++) {
        db_cell_text(st, i, 0, buf, sizeof buf);
        g->text[i] |= sqlite3_column_type(st, i) == SQLITE_TEXT;
        if (!(g->cell[g->rows * (size_t)g->ncols + i] = strdup(buf)))
            return -1;
    }
    g->rows++;
    return 0;
}

static int grid_read(sqlite3 *db, sqlite3_stmt *st, grid_t *g)
{
    memset(g, 0, sizeof *g);
    g->ncols = sqlite3_column_count(st);
    g->head = calloc((size_t)g->ncols, sizeof *g->head);
    g->text = calloc((size_t)g->ncols, 1);
    for (int i = 0; g->head && i < g->ncols; i++)
        g->head[i] = strdup(sqlite3_column_name(st, i));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (!g->head || !g->text || grid_add_row(g, st)) {
            fprintf(stderr, "hwsweep query: out of memory\n");
            return -1;
        }
    return step_error(db, rc);
}

static void print_row(FILE *out, char *const *cells, const size_t *width, const grid_t *g)
{
    for (int i = 0; i < g->ncols; i++) {
        int w = (int)width[i];
        const char *sep = i + 1 < g->ncols ? "  " : "\n";
        if (g->text[i])
            fprintf(out, "%-*s%s", i + 1 < g->ncols ? w : 0, cells[i], sep);
        else
            fprintf(out, "%*s%s", w, cells[i], sep);
    }
}

static int print_text(sqlite3 *db, sqlite3_stmt *st, FILE *out)
{
    grid_t g;
    int rc = grid_read(db, st, &g);
    size_t *width = calloc((size_t)g.ncols + 1, sizeof *width);
    if (rc == 0 && width) {
        for (int i = 0; i < g.ncols; i++) {
            width[i] = strlen(g.head[i]);
            for (size_t r = 0; r < g.rows; r++)
                if (strlen(g.cell[r * (size_t)g.ncols + i]) > width[i])
                    width[i] = strlen(g.cell[r * (size_t)g.ncols + i]);
        }
        print_row(out, g.head, width, &g);
        for (int i = 0; i < g.ncols; i++) {
            for (size_t k = 0; k < width[i]; k++)
                fputc('-', out);
            fputs(i + 1 < g.ncols ? "  " : "\n", out);
        }
        for (size_t r = 0; r < g.rows; r++)
            print_row(out, g.cell + r * (size_t)g.ncols, width, &g);
    }
    free(width);
    grid_free(&g);
    return rc;
}

static int print_json(sqlite3 *db, sqlite3_stmt *st, FILE *out)
{
    int n = sqlite3_column_count(st), rc, rows = 0;
    char buf[1024];
    fputc('[', out);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fputs(rows++ ? ",\n {" : "\n {", out);
        for (int i = 0; i < n; i++) {
            fprintf(out, "%s\"%s\": ", i ? ", " : "", sqlite3_column_name(st, i));
            int type = sqlite3_column_type(st, i);
            if (type == SQLITE_NULL) {
                fputs("null", out);
            } else if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
                double v = sqlite3_column_double(st, i);
                db_cell_text(st, i, 1, buf, sizeof buf);
                fputs(v == v && v - v == 0 ? buf : "null", out);   /* JSON has no inf or nan */
            } else {
                fputc('"', out);
                for (const unsigned char *t = sqlite3_column_text(st, i); t && *t; t++) {
                    if (*t == '"' || *t == '\\')
                        fprintf(out, "\\%c", *t);
                    else if (*t < 0x20)
                        fprintf(out, "\\u%04x", *t);
                    else
                        fputc(*t, out);
                }
                fputc('"', out);
            }
        }
        fputc('}', out);
    }
    fputs(rows ? "\n]\n" : "]\n", out);
    return step_error(db, rc);
}

static int print_stmt(sqlite3 *db, sqlite3_stmt *st, const query_opts_t *o)
{
    int rc = o->json ? print_json(db, st, stdout) : o->csv ? print_csv(db, st, stdout) : print_text(db, st, stdout);
    sqlite3_finalize(st);
    return rc;
}

static int print_summary(sqlite3 *db, const query_opts_t *o)
{
    char err[512] = "";
    if (o->json)
        fputs("[", stdout);
    for (int i = 0; i < QUERY_SUMMARY_PARTS; i++) {
        const char *title;
        sqlite3_stmt *st = query_summary_prepare(db, i, o->model, &title, err, sizeof err);
        if (!st) {
            fprintf(stderr, "hwsweep query: %s\n", err);
            return -1;
        }
        if (i)
            fputs(o->json ? "," : o->csv ? "\r\n" : "\n", stdout);
        if (!o->csv && !o->json)
            printf("%s\n\n", title);
        if (print_stmt(db, st, o))
            return -1;
    }
    if (o->json)
        fputs("]\n", stdout);
    return 0;
}

static int is_hwsweep_db(sqlite3 *db, const char *path)
{
    if (query_has_object(db, "table", "server_points") && query_has_object(db, "table", "systems") && query_has_object(db, "table", "perf_mappings"))
        return 1;
    int notadb = sqlite3_errcode(db) == SQLITE_NOTADB;
    if (!notadb && db_schema_outdated(path))
        fprintf(stderr, "hwsweep query: %s: written by an older hwsweep (another schema version): run it again "
                "to query it\n", path);
    else
        fprintf(stderr, "hwsweep query: %s: not a hwsweep database%s%s\n", path, notadb ? ": " : "",
                notadb ? sqlite3_errmsg(db) : "");
    return 0;
}

/* Temporary views when the database lacks its own (it predates them) or
 * when those are keyed but their indexes are not built yet (a sweep under
 * way may drop them until it ends): then the join form, slower but sound. */
static int temp_views(sqlite3 *db, const char *path)
{
    char err[512] = "";
    int keyed = views_keyed(db), indexed = views_indexed(db, keyed);
    int own = query_has_object(db, "view", "best_per_batch") && query_has_object(db, "view", "pareto");
    if (own && (indexed || !keyed || views_live_form(db)))
        return 0;
    if (keyed && !indexed)
        fprintf(stderr, "hwsweep query: %s: the indexes of the views are not built yet (a run under way?); "
                "this query may take a while\n", path);
    if (views_create_in(db, 1, keyed && indexed, err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "hwsweep query: %s: %s\n", path, err);
    return -1;
}

/* The views, then one read transaction so that every statement sees the
 * same snapshot. */
static int prepare_reads(sqlite3 *db, const char *path)
{
    if (temp_views(db, path))
        return -1;
    if (query_read_begin(db)) {
        fprintf(stderr, "hwsweep query: %s: %s\n", path, sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

/* The read-only connection to a hwsweep database, ready to query; NULL and
 * the exit status on failure. */
static sqlite3 *open_db(const char *path, int *status)
{
    sqlite3 *db = NULL;
    *status = EXIT_BADINPUT;
    char err[DB_ERR_MAX];
    /* mode=ro: nothing is created next to the database, nothing written */
    if (!(db = db_open_readonly(path, err, sizeof err))) {
        fprintf(stderr, "hwsweep query: %s\n", err);
    } else if (is_hwsweep_db(db, path)) {
        *status = EXIT_FAIL;
        if (prepare_reads(db, path) == 0)
            return db;
    }
    sqlite3_close(db);
    return NULL;
}

/* 0 when model is in the database; else the exit status (unknown: the
 * models present are printed). */
static int check_model(sqlite3 *db, const char *model)
{
    char list[2048] = "", err[512] = "";
    int found = 0, n = query_models(db, model, list, sizeof list, &found, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "hwsweep query: %s\n", err);
        return EXIT_FAIL;
    }
    if (!found)
        fprintf(stderr, "hwsweep query: unknown model '%s'; models present: %s\n", model,
                n ? list : "none (no sw run yet)");
    return found ? 0 : EXIT_BADINPUT;
}

int cmd_query(int argc, char **argv)
{
    query_opts_t o = {0};
    int done = 0, status = parse(argc, argv, &o, &done);
    if (status || done)
        return status;
    if (npu_store_is_npu_db(o.db_path)) /* an NPU sweep (cli/npu_query.c) */
        return npu_query(o.db_path, o.what, o.model, o.csv);
    sqlite3 *db = open_db(o.db_path, &status);
    if (!db)
        return status;
    if (o.model && (status = check_model(db, o.model)) != 0) {
        sqlite3_close(db);
        return status;
    }
    int rc;
    char err[DB_ERR_MAX] = "";
    if (strcmp(o.what, "summary") == 0) {
        rc = print_summary(db, &o);
    } else {
        sqlite3_stmt *st = strcmp(o.what, "invalid") == 0
                               ? invalid_prepare(db, o.model, (int)o.q.limit, err, sizeof err)
                               : query_prepare(db, &o.q, err, sizeof err);
        if (!st) {
            fprintf(stderr, "hwsweep query: %s\n", err);
            sqlite3_close(db);
            return EXIT_BADINPUT;
        }
        rc = print_stmt(db, st, &o);
    }
    query_read_end(db);
    sqlite3_close(db);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "hwsweep query: cannot write the output\n");
        return EXIT_FAIL;
    }
    return rc ? EXIT_FAIL : EXIT_OK;
}

/*
 * cmd_report.c -- `hwsweep report DB.db -o report.html`: the one-page HTML
 * report of a database (src/plot/report.c).  The database is opened
 * read-only; the page is written atomically.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/jobs.h"
#include "plot/plot.h"
#include "plot/plot_file.h"
#include "plot/report.h"

static void report_usage(FILE *f)
{
    fprintf(f, "usage: hwsweep report DB.db -o REPORT.html\n\n"
               "Write one self-contained HTML page (inline SVG pictures drawn by gnuplot, no\n"
               "script, no network) with the database's inputs and runs, its point counts and\n"
               "invalid reasons, and per model and eval length the Pareto frontier, the best\n"
               "designs with their parameters, their TCO breakdown and latency against batch.\n\n"
               "  -o FILE     the page (written atomically)\n"
               "  -h, --help  this help\n\n"
               "Exit status: 0 done, 2 bad usage or not a hwsweep database, 1 other failure.\n");
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'h': report_usage(stdout); return EXIT_OK;
        default: report_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 1 || !out) {
        report_usage(stderr);
        return EXIT_BADINPUT;
    }
    const char *path = argv[optind];
    char err[PLOT_ERR_MAX] = "";
    int bad = 0;
    sqlite3 *db = pq_open(path, &bad, err, sizeof err);
    if (!db) {
        fprintf(stderr, "hwsweep report: %s\n", err);
        return bad ? EXIT_BADINPUT : EXIT_FAIL;
    }
    gp_buf_t html = {0};
    int rc = report_html(db, path, &html, err, sizeof err);
    pq_close(db);
    if (rc == 0 && plot_write_file(out, html.buf, html.len, err, sizeof err))
        rc = -1;
    if (rc == 0)
        printf("wrote %s (%zu bytes)\n", out, html.len);
    else
        fprintf(stderr, "hwsweep report: %s\n", err);
    gp_free(&html);
    return rc ? EXIT_FAIL : EXIT_OK;
}

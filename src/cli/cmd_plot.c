/*
 * cmd_plot.c -- `hwsweep plot DB.db KIND [--model M] [--eval-len P,G]
 * [--where SQL] [--size WxH] -o FILE.png|FILE.svg`: one picture of a
 * database, drawn by gnuplot (src/plot/).  The database is opened
 * read-only; the picture is written atomically.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/jobs.h"
#include "plot/plot.h"
#include "plot/plot_file.h"

static void plot_usage(FILE *f)
{
    fprintf(f, "usage: hwsweep plot DB.db KIND [--model M] [--eval-len P,G] [--where SQL] [--size WxH]\n"
               "                    [--x latency|throughput] -o FILE.png|FILE.svg\n\nKIND:\n");
    for (size_t i = 0; i < plot_n_kinds; i++)
        fprintf(f, "  %-14s %s\n", plot_kinds[i].name, plot_kinds[i].summary);
    fprintf(f, "\n"
               "  -m, --model M       the model (pareto, latency-batch, tco-breakdown: default the\n"
               "                      first one; others: a filter)\n"
               "  -e, --eval-len P,G  prefill and generate lengths (default the first evaluated)\n"
               "  -w, --where SQL     an SQL condition on the rows behind the picture, under the\n"
               "                      aliases f (perf), s (systems), v (servers) for the first\n"
               "                      three kinds; c (chips), k (packages), v, s for area-power\n"
               "                      and invalid; n (npu_points) for npu-energy\n"
               "      --size WxH      pixels (default %dx%d)\n"
               "      --x throughput  pareto: generate throughput on x (maximized), not latency\n"
               "  -o FILE             the picture: .png or .svg\n"
               "  -h, --help          this help\n\n"
               "Prints each series drawn with its number of points.  Needs gnuplot (Debian\n"
               "gnuplot-nox).  Exit status: 0 done, 2 bad usage, not a hwsweep database,\n"
               "unknown model or nothing to plot, 1 other failure.\n",
            PLOT_WIDTH, PLOT_HEIGHT);
}

typedef struct {
    const char *db, *kind, *model, *eval_len, *where, *out;
    int width, height;
    unsigned flags;
} plot_args_t;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int parse(int argc, char **argv, plot_args_t *a, int *done)
{
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'm'}, {"eval-len", required_argument, NULL, 'e'},
        {"where", required_argument, NULL, 'w'}, {"size", required_argument, NULL, 'S'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {"x", required_argument, NULL, 'x'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:e:w:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': a->model = optarg; break;
        case 'e': a->eval_len = optarg; break;
        case 'w': a->where = optarg; break;
        case 'o': a->out = optarg; break;
        case 'S':
            if (sscanf(optarg, "%dx%d", &a->width, &a->height) != 2 || a->width < 200 || a->height < 150 ||
                a->width > 10000 || a->height > 10000) {
                fprintf(stderr, "hwsweep plot: --size takes WxH pixels, 200x150 to 10000x10000 (got '%s')\n",
                        optarg);
                return EXIT_BADINPUT;
            }
            break;
        case 'x':
            if (strcmp(optarg, "throughput") == 0) {
                a->flags |= PLOT_X_THROUGHPUT;
            } else if (strcmp(optarg, "latency") != 0) {
                fprintf(stderr, "hwsweep plot: unknown --x '%s' (valid: latency, throughput)\n", optarg);
                return EXIT_BADINPUT;
            }
            break;
        case 'h': plot_usage(stdout); *done = 1; return EXIT_OK;
        default: plot_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 2 || !a->out) {
        plot_usage(stderr);
        return EXIT_BADINPUT;
    }
    a->db = argv[optind];
    a->kind = argv[optind + 1];
    if ((a->flags & PLOT_X_THROUGHPUT) && strcmp(a->kind, "pareto") != 0) {
        fprintf(stderr, "hwsweep plot: --x applies to the pareto plot only\n");
        return EXIT_BADINPUT;
    }
    if (!ends_with(a->out, ".png") && !ends_with(a->out, ".svg")) {
        fprintf(stderr, "hwsweep plot: -o %s: the picture's name must end in .png or .svg\n", a->out);
        return EXIT_BADINPUT;
    }
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    plot_args_t a = {0};
    a.width = PLOT_WIDTH;
    a.height = PLOT_HEIGHT;
    int done = 0, status = parse(argc, argv, &a, &done);
    if (status || done)
        return status;
    char err[PLOT_ERR_MAX] = "", note[4096] = "";
    const plot_kind_t *kind = plot_kind_find(a.kind, err, sizeof err);
    if (!kind) {
        fprintf(stderr, "hwsweep plot: %s\n", err);
        return EXIT_BADINPUT;
    }
    int bad = 0;
    sqlite3 *db = pq_open(a.db, &bad, err, sizeof err);
    if (!db) {
        fprintf(stderr, "hwsweep plot: %s\n", err);
        return bad ? EXIT_BADINPUT : EXIT_FAIL;
    }
    pq_sel_t sel;
    status = plot_select(db, kind, a.model, a.eval_len, a.where, &sel, note, sizeof note, err, sizeof err);
    if (status) {
        fprintf(stderr, "hwsweep plot: %s\n", err);
        pq_close(db);
        return status;
    }
    if (*note)
        fprintf(stderr, "hwsweep plot: %s: %s\n", kind->name, note);
    gp_buf_t pic = {0};
    plot_summary_t sum;
    const char *format = ends_with(a.out, ".svg") ? "svg" : "png";
    status = plot_render(db, kind, &sel, format, a.width, a.height, a.flags, &pic, &sum, err, sizeof err);
    pq_close(db);
    if (status == 0 && plot_write_file(a.out, pic.buf, pic.len, err, sizeof err))
        status = EXIT_FAIL;
    if (status) {
        fprintf(stderr, "hwsweep plot: %s\n", err);
        gp_free(&pic);
        return status;
    }
    for (size_t i = 0; i < sum.n_series; i++)
        printf("series %zu: %s: %zu points\n", i + 1, sum.series[i].title, sum.series[i].points);
    printf("wrote %s (%s, %dx%d, %zu bytes)\n", a.out, format, a.width, a.height, pic.len);
    gp_free(&pic);
    return EXIT_OK;
}

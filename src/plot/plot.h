/*
 * plot.h -- the pictures of a database: a {name, fn} table of plot kinds
 * (pareto, latency-batch, tco-breakdown, area-power, invalid, npu-energy),
 * each writing gnuplot commands and inline data for its records, and the
 * renderer that runs gnuplot on them (PNG or SVG, 1200 x 800 by default).
 */
#ifndef PLOT_PLOT_H
#define PLOT_PLOT_H

#include <sqlite3.h>
#include <stddef.h>

#include "plot/gnuplot.h"
#include "store/plot_queries.h"

#define PLOT_WIDTH 1200
#define PLOT_HEIGHT 800
#define PLOT_MAX_SERIES 64
#define PLOT_ERR_MAX 1024

/* What a picture draws: one entry per plotted series (gnuplot plot
 * element), in drawing order, with the number of data points it got. */
typedef struct {
    char title[160];
    size_t points;
} plot_series_t;

typedef struct {
    plot_series_t series[PLOT_MAX_SERIES];
    size_t n_series;
} plot_summary_t;

/* The state of one picture being written. */
typedef struct {
    sqlite3 *db;
    pq_sel_t sel;
    const char *context;   /* "gpt3, prefill 256 / generate 64 tokens" or "" */
    gp_buf_t *gp;          /* the script */
    plot_summary_t *sum;
    char err[PLOT_ERR_MAX];
    int bad_input;         /* the failure is the user's (nothing to plot, bad --where) */
    unsigned flags;        /* PLOT_* below */
} plot_ctx_t;

/* pareto: generate throughput on x (maximized) instead of latency. */
#define PLOT_X_THROUGHPUT 1u

typedef int (*plot_fn)(plot_ctx_t *ctx);

typedef struct {
    const char *name;
    plot_fn fn;
    const char *summary;
    int per_eval;          /* 1: one model and eval length (perf pictures) */
    int family;            /* the rows --where applies to: PQ_PERF, PQ_HW, PQ_NPU */
} plot_kind_t;

extern const plot_kind_t plot_kinds[];
extern const size_t plot_n_kinds;

/* The kind named name; NULL with "unknown plot 'x' (valid: ...)" in err. */
const plot_kind_t *plot_kind_find(const char *name, char *err, size_t errlen);

/* Fill sel for kind from the user's choices (model and "P,G" may be NULL):
 * per_eval kinds take the only (or first, with a note in note) model and
 * eval length.  0, or 2 (bad input) with err. */
int plot_select(sqlite3 *db, const plot_kind_t *kind, const char *model, const char *eval_len, const char *where,
                pq_sel_t *sel, char *note, size_t notelen, char *err, size_t errlen);

/* Draw kind on sel as format ("png" or "svg") into picture.  0 done, 2 bad
 * input (nothing to plot, bad --where), 1 other failure; err says why. */
int plot_render(sqlite3 *db, const plot_kind_t *kind, const pq_sel_t *sel, const char *format, int width,
                int height, unsigned flags, gp_buf_t *picture, plot_summary_t *sum, char *err, size_t errlen);

/* ---- for the kinds (plot.c) ---- */
/* Record a series of n points drawn by the next plot element. */
void plot_series(plot_ctx_t *ctx, const char *title, size_t n);
/* Log scale on axis ("x", "y", "x2"...) when [min, max] spans a decade or more. */
void plot_axis_scale(plot_ctx_t *ctx, const char *axis, double min, double max);
/* The common look: title (what + context), grid, key. */
void plot_header(plot_ctx_t *ctx, const char *what);
/* A user error: "nothing to plot" and the like. */
int plot_fail(plot_ctx_t *ctx, int bad_input, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "hw #server" labels. */
void plot_design_label(char *buf, size_t len, const char *hardware, long long server_id);

/* The TCO per million output tokens of a design split into its parts
 * (they add up to tco_per_Mtoken_usd); see plot_tco.c. */
enum { TCO_CHIPS, TCO_PACKAGE, TCO_SERVER, TCO_COOLING, TCO_POWER, TCO_DATACENTER, TCO_NPARTS };
extern const char *const plot_tco_part_names[TCO_NPARTS];
void plot_tco_parts_per_Mtoken(const pq_design_t *d, double parts_usd[TCO_NPARTS]);
/* The designs tco-breakdown and the report show. */
#define PLOT_BEST_DESIGNS 10

int plot_pareto(plot_ctx_t *ctx);
int plot_latency_batch(plot_ctx_t *ctx);
int plot_tco_breakdown(plot_ctx_t *ctx);
int plot_area_power(plot_ctx_t *ctx);
int plot_invalid(plot_ctx_t *ctx);
int plot_npu_energy(plot_ctx_t *ctx);

#endif

/*
 * plot_latency_batch.c -- `plot latency-batch`: for the best systems at the
 * summary batch (8, else the largest: the cheapest per output token, then
 * the fastest), their generate latency (top) and generate throughput
 * (bottom) at every batch, with the mapping best for generate latency.
 */
#include <stdio.h>
#include <stdlib.h>

#include "plot/plot.h"

#define CURVES 5

int plot_latency_batch(plot_ctx_t *ctx)
{
    pq_curve_pt_t *c = NULL;
    size_t n = 0;
    if (pq_batch_curves(ctx->db, &ctx->sel, CURVES, &c, &n, ctx->err, sizeof ctx->err))
        return -1;
    if (n == 0) {
        free(c);
        return plot_fail(ctx, 1, "nothing to plot: no generate_latency points for this selection");
    }
    gp_buf_t *gp = ctx->gp;
    size_t start[CURVES + 1], count[CURVES + 1], k = 0;
    double bmin = c[0].batch, bmax = bmin, lmin = c[0].generate_latency_s, lmax = lmin,
           tmin = c[0].generate_throughput, tmax = tmin;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || c[i].system_id != c[i - 1].system_id) {
            if (k == CURVES + 1)
                break;
            if (k)
                gp_printf(gp, "EOD\n");
            start[k] = i;
            count[k] = 0;
            gp_printf(gp, "$S%zu << EOD\n", k++);
        }
        count[k - 1]++;
        gp_printf(gp, "%d ", c[i].batch);
        gp_num(gp, c[i].generate_latency_s);
        gp_printf(gp, " ");
        gp_num(gp, c[i].generate_throughput);
        gp_printf(gp, "\n");
        bmin = c[i].batch < bmin ? c[i].batch : bmin;
        bmax = c[i].batch > bmax ? c[i].batch : bmax;
        lmin = c[i].generate_latency_s < lmin ? c[i].generate_latency_s : lmin;
        lmax = c[i].generate_latency_s > lmax ? c[i].generate_latency_s : lmax;
        tmin = c[i].generate_throughput < tmin ? c[i].generate_throughput : tmin;
        tmax = c[i].generate_throughput > tmax ? c[i].generate_throughput : tmax;
    }
    gp_printf(gp, "EOD\n");
    char title[512];
    snprintf(title, sizeof title, "generate latency and throughput against batch -- %s", ctx->context);
    gp_printf(gp, "set multiplot layout 2,1 title ");
    gp_string(gp, title);
    gp_printf(gp, " font 'sans,15'\nset grid back lc rgb '#d0d0d0'\nset tics nomirror\n"
                  "set key outside right top box opaque samplen 2 spacing 1.2\n"
                  "set logscale x 2\nset format x '%%g'\n");
    if (bmax > bmin)
        gp_printf(gp, "set xrange [%g:%g]\n", bmin / 1.2, bmax * 1.2);
    else
        gp_printf(gp, "set xrange [%g:%g]\n", bmin / 2, bmax * 2);
    static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    for (int panel = 0; panel < 2; panel++) {
        if (panel == 0) {
            gp_printf(gp, "set xlabel 'batch (sequences)'\nset ylabel 'generate latency of one batch (s)'\n");
            plot_axis_scale(ctx, "y", lmin, lmax);
        } else {
            gp_printf(gp, "set ylabel 'generate throughput (tokens/s)'\n");
            plot_axis_scale(ctx, "y", tmin, tmax);
        }
        gp_printf(gp, "plot ");
        for (size_t s = 0; s < k; s++) {
            char name[200], hw[160];
            plot_design_label(hw, sizeof hw, c[start[s]].hardware, c[start[s]].server_id);
            snprintf(name, sizeof name, "%s (system %lld)", hw, c[start[s]].system_id);
            gp_printf(gp, "%s$S%zu using 1:%d with linespoints lw 2 pt %zu ps 1.1 lc rgb '%s' title ",
                      s ? ", \\\n     " : "", s, panel ? 3 : 2, 5 + 2 * (s % 4), colors[s % 6]);
            gp_string(gp, name);
            char series[256];
            snprintf(series, sizeof series, "%s: %s", panel ? "throughput" : "latency", name);
            plot_series(ctx, series, count[s]);
        }
        gp_printf(gp, "\n");
    }
    gp_printf(gp, "unset multiplot\n");
    free(c);
    return 0;
}

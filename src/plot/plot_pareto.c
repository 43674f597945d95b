/*
 * plot_pareto.c -- `plot pareto`: every generate candidate point (a valid
 * system at one batch, best mapping for generate latency or generate TCO)
 * as TCO per million output tokens against generate latency (or, with
 * PLOT_X_THROUGHPUT, generate throughput), the frontier over all batches
 * drawn as a line, and its two ends (fastest or highest throughput,
 * cheapest) labelled with their hardware and server.
 */
#include <stdio.h>
#include <stdlib.h>

#include "plot/plot.h"

static double x_of(const pq_point_t *p, int thr)
{
    return thr ? p->generate_throughput : p->generate_latency_s;
}

static void point_line(gp_buf_t *gp, const pq_point_t *p, int thr)
{
    gp_num(gp, x_of(p, thr));
    gp_printf(gp, " ");
    gp_num(gp, p->tco_per_Mtoken_usd);
    gp_printf(gp, " %d\n", p->batch);
}

/* The throughput frontier in (throughput descending, tco) order. */
static int by_throughput_desc(const void *a, const void *b)
{
    const pq_point_t *p = *(const pq_point_t *const *)a, *q = *(const pq_point_t *const *)b;
    if (p->generate_throughput != q->generate_throughput)
        return p->generate_throughput > q->generate_throughput ? -1 : 1;
    return (p->tco_per_Mtoken_usd > q->tco_per_Mtoken_usd) - (p->tco_per_Mtoken_usd < q->tco_per_Mtoken_usd);
}

int plot_pareto(plot_ctx_t *ctx)
{
    int thr = (ctx->flags & PLOT_X_THROUGHPUT) != 0;
    pq_point_t *pts = NULL;
    size_t n = 0, n_front = 0;
    if (pq_pareto_points(ctx->db, &ctx->sel, &pts, &n, ctx->err, sizeof ctx->err))
        return -1;
    const pq_point_t **front = n ? malloc(n * sizeof *front) : NULL;
    if (n == 0 || !front) {
        free(pts);
        return plot_fail(ctx, n == 0, n ? "out of memory" : "nothing to plot: no generate points for this selection");
    }
    gp_buf_t *gp = ctx->gp;
    double xmin = x_of(&pts[0], thr), xmax = xmin, ymin = pts[0].tco_per_Mtoken_usd, ymax = ymin;
    gp_printf(gp, "$POINTS << EOD\n");
    for (size_t i = 0; i < n; i++) {
        double x = x_of(&pts[i], thr), y = pts[i].tco_per_Mtoken_usd;
        point_line(gp, &pts[i], thr);
        xmin = x < xmin ? x : xmin;
        xmax = x > xmax ? x : xmax;
        ymin = y < ymin ? y : ymin;
        ymax = y > ymax ? y : ymax;
        if (thr ? pts[i].on_front_throughput : pts[i].on_front)
            front[n_front++] = &pts[i];
    }
    if (thr)
        qsort(front, n_front, sizeof *front, by_throughput_desc);
    gp_printf(gp, "EOD\n$FRONT << EOD\n");
    for (size_t i = 0; i < n_front; i++)
        point_line(gp, front[i], thr);
    /* the frontier descends in TCO: its first point is the fastest, its last the cheapest */
    const pq_point_t *ends[2] = {front[0], front[n_front - 1]};
    int n_labels = n_front > 1 ? 2 : 1;
    for (int e = 0; e < n_labels; e++) {
        const pq_point_t *p = ends[e];
        char label[512], hw[200];
        plot_design_label(hw, sizeof hw, p->hardware, p->server_id);
        snprintf(label, sizeof label, "%s%s, batch %d, t=%g p=%g",
                 e ? "cheapest: " : thr ? "highest throughput: " : "fastest: ", hw, p->batch, p->t, p->p);
        gp_printf(gp, "EOD\n$LABEL%d << EOD\n", e);
        gp_num(gp, x_of(p, thr));
        gp_printf(gp, " ");
        gp_num(gp, p->tco_per_Mtoken_usd);
        gp_printf(gp, " ");
        gp_field(gp, label);
        gp_printf(gp, "\n");
    }
    gp_printf(gp, "EOD\n");
    plot_header(ctx, thr ? "TCO against generate throughput" : "TCO against generate latency");
    gp_printf(gp, "set xlabel '%s'\nset ylabel 'TCO per million output tokens (USD)'\n",
              thr ? "generate throughput (output tokens/s)" : "generate latency of one batch (s)");
    plot_axis_scale(ctx, "x", xmin, xmax);
    plot_axis_scale(ctx, "y", ymin, ymax);
    gp_printf(gp, "set style textbox opaque noborder\nset offsets graph 0.02, graph 0.02, graph 0.04, graph 0.04\n");
    char all[96], fr[96];
    snprintf(all, sizeof all, "all points (%zu)", n);
    snprintf(fr, sizeof fr, "Pareto frontier (%zu)", n_front);
    /* the fast end sits left (latency) or right (throughput); the cheap end lower right of it */
    const char *first_align = thr ? "right offset -1,1" : "left offset 1,1";
    const char *last_align = "right offset -1,-1";
    gp_printf(gp, "plot $POINTS using 1:2 with points pt 7 ps 0.6 lc rgb '#9aa7b8' title '%s', \\\n"
                  "     $FRONT using 1:2 with linespoints lw 2.5 pt 7 ps 1.1 lc rgb '#c0392b' title '%s', \\\n"
                  "     $LABEL0 using 1:2:3 with labels %s boxed font 'sans,11' tc rgb '#222222' notitle",
              all, fr, first_align);
    if (n_labels > 1)
        gp_printf(gp, ", \\\n     $LABEL1 using 1:2:3 with labels %s boxed font 'sans,11' tc rgb '#222222' notitle",
                  last_align);
    gp_printf(gp, "\n");
    plot_series(ctx, all, n);
    plot_series(ctx, fr, n_front);
    for (int e = 0; e < n_labels; e++)
        plot_series(ctx, e ? "label: cheapest" : thr ? "label: highest throughput" : "label: fastest", 1);
    free(front);
    free(pts);
    return 0;
}

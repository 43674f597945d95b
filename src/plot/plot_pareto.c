/*
 * plot_pareto.c -- `plot pareto`: every generate candidate point (a valid
 * system at one batch, best mapping for generate latency or generate TCO)
 * as TCO per million output tokens against generate latency, the
 * frontier over all batches drawn as a line, and its two ends (cheapest,
 * fastest) labelled with their hardware and server.
 */
#include <stdio.h>
#include <stdlib.h>

#include "plot/plot.h"

static void point_line(gp_buf_t *gp, const pq_point_t *p)
{
    gp_num(gp, p->generate_latency_s);
    gp_printf(gp, " ");
    gp_num(gp, p->tco_per_Mtoken_usd);
    gp_printf(gp, " %d\n", p->batch);
}

int plot_pareto(plot_ctx_t *ctx)
{
    pq_point_t *pts = NULL;
    size_t n = 0, n_front = 0;
    if (pq_pareto_points(ctx->db, &ctx->sel, &pts, &n, ctx->err, sizeof ctx->err))
        return -1;
    if (n == 0) {
        free(pts);
        return plot_fail(ctx, 1, "nothing to plot: no generate points for this selection");
    }
    gp_buf_t *gp = ctx->gp;
    double xmin = pts[0].generate_latency_s, xmax = xmin, ymin = pts[0].tco_per_Mtoken_usd, ymax = ymin;
    size_t cheapest = 0, fastest = 0;
    gp_printf(gp, "$POINTS << EOD\n");
    for (size_t i = 0; i < n; i++) {
        point_line(gp, &pts[i]);
        xmin = pts[i].generate_latency_s < xmin ? pts[i].generate_latency_s : xmin;
        xmax = pts[i].generate_latency_s > xmax ? pts[i].generate_latency_s : xmax;
        ymin = pts[i].tco_per_Mtoken_usd < ymin ? pts[i].tco_per_Mtoken_usd : ymin;
        ymax = pts[i].tco_per_Mtoken_usd > ymax ? pts[i].tco_per_Mtoken_usd : ymax;
    }
    gp_printf(gp, "EOD\n$FRONT << EOD\n");
    for (size_t i = 0; i < n; i++)
        if (pts[i].on_front) {
            point_line(gp, &pts[i]);
            if (n_front++ == 0)
                fastest = i;
            cheapest = i;   /* the frontier descends in TCO: its last point is the cheapest */
        }
    size_t ends[2] = {fastest, cheapest};
    int n_labels = cheapest == fastest ? 1 : 2;
    for (int e = 0; e < n_labels; e++) {
        const pq_point_t *p = &pts[ends[e]];
        char label[256], hw[200];
        plot_design_label(hw, sizeof hw, p->hardware, p->server_id);
        snprintf(label, sizeof label, "%s%s, batch %d, t=%g p=%g", e ? "cheapest: " : "fastest: ", hw, p->batch,
                 p->t, p->p);
        gp_printf(gp, "EOD\n$LABEL%d << EOD\n", e);
        gp_num(gp, p->generate_latency_s);
        gp_printf(gp, " ");
        gp_num(gp, p->tco_per_Mtoken_usd);
        gp_printf(gp, " ");
        gp_field(gp, label);
        gp_printf(gp, "\n");
    }
    gp_printf(gp, "EOD\n");
    plot_header(ctx, "TCO against generate latency");
    gp_printf(gp, "set xlabel 'generate latency of one batch (s)'\nset ylabel 'TCO per million output tokens (USD)'\n");
    plot_axis_scale(ctx, "x", xmin, xmax);
    plot_axis_scale(ctx, "y", ymin, ymax);
    gp_printf(gp, "set style textbox opaque noborder\nset offsets graph 0.02, graph 0.02, graph 0.04, graph 0.04\n"
                  "set cbrange [0:*]\nunset colorbox\n");
    char all[96], front[96];
    snprintf(all, sizeof all, "all points (%zu)", n);
    snprintf(front, sizeof front, "Pareto frontier (%zu)", n_front);
    gp_printf(gp, "plot $POINTS using 1:2 with points pt 7 ps 0.6 lc rgb '#9aa7b8' title '%s', \\\n"
                  "     $FRONT using 1:2 with linespoints lw 2.5 pt 7 ps 1.1 lc rgb '#c0392b' title '%s', \\\n"
                  "     $LABEL0 using 1:2:3 with labels left offset 1,1 font 'sans,11' tc rgb '#222222' boxed notitle%s\n",
              all, front, n_labels > 1 ? ", \\\n     $LABEL1 using 1:2:3 with labels right offset -1,-1 boxed "
                                         "font 'sans,11' tc rgb '#222222' notitle" : "");
    plot_series(ctx, all, n);
    plot_series(ctx, front, n_front);
    for (int e = 0; e < n_labels; e++)
        plot_series(ctx, e ? "label: cheapest" : "label: fastest", 1);
    free(pts);
    return 0;
}

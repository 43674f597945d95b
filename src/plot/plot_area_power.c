/*
 * plot_area_power.c -- `plot area-power`: every hardware point where its
 * enumeration stopped (an invalid chip, an invalid package, or a server),
 * die area against power (chip TDP, package TDP or server core power),
 * one colour for the valid servers and one per invalid level and reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"

/* More reasons than this share one series. */
#define MAX_CLASSES 14

static const char *const colors[] = {"#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                     "#bcbd22", "#17becf", "#1f77b4", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2",
                                     "#dbdb8d", "#9edae5"};

static int same_class(const pq_hw_point_t *a, const pq_hw_point_t *b)
{
    return a->valid == b->valid && strcmp(a->level, b->level) == 0 && strcmp(a->reason, b->reason) == 0;
}

int plot_area_power(plot_ctx_t *ctx)
{
    pq_hw_point_t *h = NULL;
    size_t n = 0;
    if (pq_hw_points(ctx->db, &ctx->sel, &h, &n, ctx->err, sizeof ctx->err))
        return -1;
    if (n == 0) {
        free(h);
        return plot_fail(ctx, 1, "nothing to plot: no hardware points for this selection");
    }
    gp_buf_t *gp = ctx->gp;
    /* records come grouped by (level, valid, reason): one block per class */
    char titles[MAX_CLASSES + 1][PQ_REASON_MAX + 48];
    size_t counts[MAX_CLASSES + 1], k = 0;
    double amin = h[0].die_area_mm2, amax = amin, pmin = h[0].power_w, pmax = pmin;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || (!same_class(&h[i], &h[i - 1]) && k <= MAX_CLASSES - 1)) {
            if (k)
                gp_printf(gp, "EOD\n");
            if (k == MAX_CLASSES - 1 && i > 0)
                snprintf(titles[k], sizeof titles[k], "other invalid points");
            else if (h[i].valid)
                snprintf(titles[k], sizeof titles[k], "valid %ss", h[i].level);
            else
                snprintf(titles[k], sizeof titles[k], "%s: %s", h[i].level, h[i].reason);
            counts[k] = 0;
            gp_printf(gp, "$C%zu << EOD\n", k++);
        }
        counts[k - 1]++;
        gp_num(gp, h[i].die_area_mm2);
        gp_printf(gp, " ");
        gp_num(gp, h[i].power_w);
        gp_printf(gp, "\n");
        amin = h[i].die_area_mm2 < amin ? h[i].die_area_mm2 : amin;
        amax = h[i].die_area_mm2 > amax ? h[i].die_area_mm2 : amax;
        pmin = h[i].power_w < pmin ? h[i].power_w : pmin;
        pmax = h[i].power_w > pmax ? h[i].power_w : pmax;
    }
    gp_printf(gp, "EOD\n");
    plot_header(ctx, "die area against power of every hardware point");
    gp_printf(gp, "set xlabel 'chip die area (mm²)'\nset ylabel 'power (W): server core power; chip or package "
                  "TDP where the point stopped'\nset offsets graph 0.03, graph 0.03, graph 0.03, graph 0.03\n"
                  "set key outside top center vertical maxrows 4 box opaque font 'sans,11'\n");
    plot_axis_scale(ctx, "x", amin, amax);
    plot_axis_scale(ctx, "y", pmin, pmax);
    gp_printf(gp, "plot ");
    for (size_t s = 0; s < k; s++) {
        char title[PQ_REASON_MAX + 80];
        snprintf(title, sizeof title, "%.200s (%zu)", titles[s], counts[s]);
        int valid = strncmp(titles[s], "valid", 5) == 0;
        gp_printf(gp, "%s$C%zu using 1:2 with points pt %d ps %s lc rgb '%s' title ", s ? ", \\\n     " : "", s,
                  valid ? 7 : 5 + 2 * (int)(s % 5), valid ? "1.3" : "1.0", colors[valid ? 0 : 1 + (s % 15)]);
        gp_string(gp, title);
        plot_series(ctx, title, counts[s]);
    }
    gp_printf(gp, "\n");
    free(h);
    return 0;
}

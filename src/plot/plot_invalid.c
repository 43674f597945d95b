/*
 * plot_invalid.c -- `plot invalid`: the number of invalid points by level
 * (chip, package, server, system) and reason class (the reason with its
 * numbers as #), as horizontal bars, one colour per level.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"

int plot_invalid(plot_ctx_t *ctx)
{
    pq_reason_count_t *r = NULL;
    size_t n = 0;
    if (pq_invalid_counts(ctx->db, &ctx->sel, &r, &n, ctx->err, sizeof ctx->err))
        return -1;
    if (n == 0) {
        free(r);
        return plot_fail(ctx, 1, "nothing to plot: no invalid points for this selection");
    }
    gp_buf_t *gp = ctx->gp;
    /* bars top-down in record order: y = n - 1 - i */
    size_t start[8], count[8], k = 0;
    long long max = 0;
    for (size_t i = 0; i < n; i++) {
        if ((i == 0 || strcmp(r[i].level, r[i - 1].level) != 0) && k < 8) {
            if (k)
                gp_printf(gp, "EOD\n");
            start[k] = i;
            count[k] = 0;
            gp_printf(gp, "$L%zu << EOD\n", k++);
        }
        count[k - 1]++;
        gp_printf(gp, "%lld %zu %lld\n", r[i].count, n - 1 - i, r[i].count);
        max = r[i].count > max ? r[i].count : max;
    }
    gp_printf(gp, "EOD\n");
    long long min = r[0].count;
    for (size_t i = 0; i < n; i++)
        min = r[i].count < min ? r[i].count : min;
    /* counts spanning a decade or more: a log axis, bars from 0.5 */
    int log = max >= 10 * min;
    plot_header(ctx, "invalid points by reason");
    gp_printf(gp, "set xlabel 'invalid points (count)'\nunset ylabel\nset yrange [-0.7:%g]\n"
                  "set lmargin at screen 0.34\nset grid noytics\n"
                  "set style fill solid 0.85 border rgb '#404040'\nset ytics font 'sans,11' (",
              n - 0.3);
    for (size_t i = 0; i < n; i++) {
        /* long reasons on two lines */
        char label[PQ_REASON_MAX + 2];
        const char *reason = r[i].reason[0] ? r[i].reason : "(no reason given)";
        snprintf(label, sizeof label, "%s", reason);
        size_t len = strlen(label);
        if (len > 48) {
            char *cut = label + len / 2;
            while (cut > label && *cut != ' ')
                cut--;
            if (cut > label)
                *cut = '\n';
        }
        gp_printf(gp, "%s", i ? ", " : "");
        gp_string(gp, label);
        gp_printf(gp, " %zu", n - 1 - i);
    }
    gp_printf(gp, ")\n");
    if (log)
        gp_printf(gp, "set logscale x 10\nset format x '%%g'\nset xrange [0.5:%g]\n", (double)max * 3);
    else
        gp_printf(gp, "unset logscale x\nset xrange [0:%g]\n", (double)max * 1.15);
    static const char *const colors[] = {"#9467bd", "#1f77b4", "#d62728", "#ff7f0e", "#7f7f7f", "#7f7f7f",
                                         "#7f7f7f", "#7f7f7f"};
    gp_printf(gp, "plot ");
    for (size_t s = 0; s < k; s++) {
        char title[96];
        long long sum = 0;
        for (size_t i = start[s]; i < start[s] + count[s]; i++)
            sum += r[i].count;
        snprintf(title, sizeof title, "invalid %ss (%lld)", r[start[s]].level, sum);
        gp_printf(gp, "%s$L%zu using 1:2:(%s):1:($2-0.35):($2+0.35) with boxxyerror lc rgb '%s' title ",
                  s ? ", \\\n     " : "", s, log ? "0.5" : "0", colors[s]);
        gp_string(gp, title);
        plot_series(ctx, title, count[s]);
    }
    for (size_t s = 0; s < k; s++) {
        gp_printf(gp, ", \\\n     $L%zu using 1:2:(sprintf(' %%d', $3)) with labels left font 'sans,11' notitle", s);
        plot_series(ctx, "count labels", count[s]);
    }
    gp_printf(gp, "\n");
    free(r);
    return 0;
}

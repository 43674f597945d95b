/*
 * plot_npu_energy.c -- `plot npu-energy`: the energy per token of each
 * npu_points row (the NPU simulator's results) under each power-gating
 * strategy: one symbol per row and strategy, the strategies side by side
 * at each row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"

#define MAX_STRATEGIES 16

/* Index of s in names[0..*n), appended when new (-1 when full). */
static int index_of(char (*names)[PQ_NAME_MAX], size_t *n, size_t max, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    if (*n == max)
        return -1;
    snprintf(names[*n], PQ_NAME_MAX, "%s", s);
    return (int)(*n)++;
}

int plot_npu_energy(plot_ctx_t *ctx)
{
    pq_npu_energy_t *e = NULL;
    size_t n = 0;
    int rc = pq_npu_energy(ctx->db, &ctx->sel, &e, &n, ctx->err, sizeof ctx->err);
    if (rc) {
        ctx->bad_input = rc > 0;   /* the table or its columns are missing */
        return -1;
    }
    if (n == 0) {
        free(e);
        return plot_fail(ctx, 1, "nothing to plot: npu_points has no energy per token for this selection");
    }
    char strategies[MAX_STRATEGIES][PQ_NAME_MAX];
    size_t n_strat = 0, n_labels = 0, counts[MAX_STRATEGIES] = {0};
    char (*labels)[PQ_NAME_MAX] = calloc(n, PQ_NAME_MAX);
    int *xs = calloc(n, sizeof *xs), *ss = calloc(n, sizeof *ss);
    if (!labels || !xs || !ss) {
        free(labels);
        free(xs);
        free(ss);
        free(e);
        return plot_fail(ctx, 0, "out of memory");
    }
    double emin = e[0].energy_per_token_j, emax = emin;
    for (size_t i = 0; i < n; i++) {
        xs[i] = index_of(labels, &n_labels, n, e[i].label);
        ss[i] = index_of(strategies, &n_strat, MAX_STRATEGIES, e[i].strategy);
        emin = e[i].energy_per_token_j < emin ? e[i].energy_per_token_j : emin;
        emax = e[i].energy_per_token_j > emax ? e[i].energy_per_token_j : emax;
    }
    gp_buf_t *gp = ctx->gp;
    for (size_t s = 0; s < n_strat; s++) {
        gp_printf(gp, "$G%zu << EOD\n", s);
        for (size_t i = 0; i < n; i++)
            if (ss[i] == (int)s) {
                gp_printf(gp, "%d ", xs[i]);
                gp_num(gp, e[i].energy_per_token_j);
                gp_printf(gp, "\n");
                counts[s]++;
            }
        gp_printf(gp, "EOD\n");
    }
    plot_header(ctx, "NPU energy per token by power-gating strategy");
    gp_printf(gp, "set xlabel 'NPU configuration (npu_points row)'\nset ylabel 'energy per token (J)'\n"
                  "set xrange [-0.5:%g]\nset offsets 0, 0, graph 0.05, graph 0.05\n", n_labels - 0.5);
    plot_axis_scale(ctx, "y", emin, emax);
    if (n_labels <= 40) {
        gp_printf(gp, "set xtics rotate by -30 left font 'sans,11' (");
        for (size_t i = 0; i < n_labels; i++) {
            gp_printf(gp, "%s", i ? ", " : "");
            gp_string(gp, labels[i]);
            gp_printf(gp, " %zu", i);
        }
        gp_printf(gp, ")\n");
    }
    gp_printf(gp, "plot ");
    for (size_t s = 0; s < n_strat; s++) {
        /* categories side by side around each row's tic */
        double dx = 0.5 * ((double)s - (double)(n_strat - 1) / 2) / (double)n_strat;
        gp_printf(gp, "%s$G%zu using ($1%+.6f):2 with points pt %zu ps 1.8 title ", s ? ", \\\n     " : "", s, dx,
                  5 + 2 * (s % 4));
        gp_string(gp, strategies[s]);
        plot_series(ctx, strategies[s], counts[s]);
    }
    gp_printf(gp, "\n");
    free(labels);
    free(xs);
    free(ss);
    free(e);
    return 0;
}

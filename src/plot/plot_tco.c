/*
 * plot_tco.c -- `plot tco-breakdown`: the TCO per million output tokens of
 * the cheapest designs at the summary batch, stacked by part, and the
 * split itself (plot_tco_parts_per_Mtoken).
 *
 * The split: a design's TCO is capex (the servers' fixed part: price,
 * interest, server opex, all proportional to the server price) plus opex
 * (the power part: datacenter capex, interest and opex per watt,
 * electricity, PUE overhead, all proportional to the power).  The perf row
 * holds both for the system at its operating power; the server row holds
 * the price's parts and the power part's parts at the server's TDP.  Being
 * proportional, each part's share carries over:
 *   capex x (share of the server price), opex x (share of the power part),
 * then scaled to TCO per million output tokens.
 */
#include <stdio.h>
#include <stdlib.h>

#include "plot/plot.h"

const char *const plot_tco_part_names[TCO_NPARTS] = {
    "chips", "package (memory, substrate, assembly)", "server (board, PSU, network, chassis)",
    "cooling (heat sinks, fans, PUE overhead)", "power (electricity)", "datacenter (power provisioning)"};

void plot_tco_parts_per_Mtoken(const pq_design_t *d, double parts_usd[TCO_NPARTS])
{
    double chips = d->chip_cost_usd * d->pkg_num_chips * d->srv_num_packages;
    double cooling_hw = d->cost_all_heatsinks_usd + d->cost_all_fans_usd;
    double price = d->srv_cost_usd;
    double dc = d->tco_dc_amortization_usd + d->tco_dc_interest_usd + d->tco_dc_opex_usd;
    double power_part = dc + d->tco_srv_power_usd + d->tco_pue_overhead_usd;
    double total = d->capex_usd + d->opex_usd;
    double scale = total > 0 ? d->tco_per_Mtoken_usd / total : 0;
    double capex = price > 0 ? d->capex_usd * scale / price : 0;
    double opex = power_part > 0 ? d->opex_usd * scale / power_part : 0;
    parts_usd[TCO_CHIPS] = capex * chips;
    parts_usd[TCO_PACKAGE] = capex * (d->cost_all_package_usd - chips);
    parts_usd[TCO_SERVER] = capex * (price - d->cost_all_package_usd - cooling_hw);
    parts_usd[TCO_COOLING] = capex * cooling_hw + opex * d->tco_pue_overhead_usd;
    parts_usd[TCO_POWER] = opex * d->tco_srv_power_usd;
    parts_usd[TCO_DATACENTER] = opex * dc;
}

int plot_tco_breakdown(plot_ctx_t *ctx)
{
    int batch = pq_summary_batch(ctx->db, &ctx->sel);
    pq_design_t *d = NULL;
    size_t n = 0;
    if (pq_best_designs(ctx->db, &ctx->sel, batch, PLOT_BEST_DESIGNS, &d, &n, ctx->err, sizeof ctx->err))
        return -1;
    if (n == 0) {
        free(d);
        return plot_fail(ctx, 1, "nothing to plot: no generate_tco points for this selection");
    }
    gp_buf_t *gp = ctx->gp;
    gp_printf(gp, "$TCO << EOD\n");
    for (size_t i = 0; i < n; i++) {
        double parts[TCO_NPARTS];
        char label[256], hw[160];
        plot_tco_parts_per_Mtoken(&d[i], parts);
        plot_design_label(hw, sizeof hw, d[i].hardware, d[i].server_id);
        snprintf(label, sizeof label, "%s t=%g p=%g", hw, d[i].t, d[i].p);
        gp_field(gp, label);
        for (int p = 0; p < TCO_NPARTS; p++) {
            gp_printf(gp, " ");
            gp_num(gp, parts[p]);
        }
        gp_printf(gp, "\n");
    }
    gp_printf(gp, "EOD\n");
    char what[128];
    snprintf(what, sizeof what, "TCO breakdown of the %zu cheapest designs at batch %d", n, batch);
    plot_header(ctx, what);
    gp_printf(gp, "set ylabel 'TCO per million output tokens (USD)'\nset xlabel 'design (hardware #server, "
                  "mapping t, p)'\nset style data histograms\nset style histogram rowstacked\n"
                  "set style fill solid 0.85 border rgb '#404040'\nset boxwidth 0.7\nset yrange [0:*]\n"
                  "set xtics rotate by -30 left font 'sans,11'\n"
                  "set key outside top center horizontal maxrows 2 box opaque\n");
    static const char *const colors[TCO_NPARTS] = {"#1f77b4", "#aec7e8", "#7f7f7f", "#17becf", "#ff7f0e",
                                                   "#bcbd22"};
    gp_printf(gp, "plot ");
    for (int p = 0; p < TCO_NPARTS; p++) {
        gp_printf(gp, "%s$TCO using %d%s lc rgb '%s' title ", p ? ", \\\n     " : "", p + 2,
                  p ? "" : ":xtic(1)", colors[p]);
        gp_string(gp, plot_tco_part_names[p]);
        plot_series(ctx, plot_tco_part_names[p], n);
    }
    gp_printf(gp, "\n");
    free(d);
    return 0;
}

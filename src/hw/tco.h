/*
 * tco.h -- total cost of ownership of one server over its life: datacenter
 * capex amortization and interest, datacenter opex, server amortization,
 * interest and opex, electricity and PUE overhead.
 */
#ifndef HW_TCO_H
#define HW_TCO_H

#include "hw/hw.h"

/* Total interest paid on a loan repaid in equal monthly instalments. */
double hw_total_interest_usd(double borrowed_usd, double annual_rate, double years);

/* TCO of a server drawing server_tdp_w that cost server_cost_usd. */
tco_t hw_tco_eval(const tco_constants_t *c, double server_tdp_w,
                  double server_cost_usd, double server_life_years);

/* The parts of the TCO that depend only on the constants and the server
 * life (the annuity growth factors), for callers that evaluate many TCOs
 * of one server: hw_tco_eval_with() gives bit-identical results. */
typedef struct {
    double dc_interest_usd_per_usd;   /* interest on 1 USD of DC capex */
    double srv_growth;                /* (1 + r/12)^(life x 12) */
} tco_factors_t;

tco_factors_t hw_tco_factors(const tco_constants_t *c, double server_life_years);
tco_t hw_tco_eval_with(const tco_constants_t *c, const tco_factors_t *f, double server_tdp_w,
                       double server_cost_usd, double server_life_years);

/* hw_tco_eval_with in two steps, for a caller that evaluates one server at
 * many TDPs: the server's own part (amortization, opex, interest, fix_part),
 * then, on that result, the TDP's part (datacenter, electricity, PUE,
 * power_part, total).  The same values, bit for bit. */
tco_t hw_tco_server_part(const tco_constants_t *c, const tco_factors_t *f, double server_cost_usd,
                         double server_life_years);
void hw_tco_add_power(const tco_constants_t *c, const tco_factors_t *f, double server_tdp_w,
                      double server_life_years, tco_t *t);

/* The TCO's sums over its parts: the server's (fix_part), and the TDP's
 * (power_part) with the total.  Here once, for hw_tco_server_part and
 * hw_tco_add_power and for a TCO read back from its stored parts. */
static inline void hw_tco_fix_sum(tco_t *t)
{
    t->fix_part = t->srv_amortization + t->srv_interest + t->srv_opex;
}
static inline void hw_tco_power_sum(tco_t *t)
{
    t->power_part = t->dc_amortization + t->dc_interest + t->dc_opex + t->srv_power + t->pue_overhead;
    t->total = t->fix_part + t->power_part;
}

#endif

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

#endif

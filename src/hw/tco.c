/*
 * tco.c -- server TCO (ReaLLM v1 TCO.py).  Owns the annuity interest
 * formula and the split into a fixed part (server capex) and a power part.
 */
#include <math.h>

#include "hw/tco.h"

/* Monthly annuity: interest paid over years x 12 payments at rate/12,
 * given growth = (1 + rate/12)^(years x 12). */
static double interest_from_growth(double borrowed_usd, double annual_rate, double years, double growth)
{
    double n = years * 12;
    double r = annual_rate / 12;
    double monthly = r * borrowed_usd * growth / (growth - 1);
    return monthly * n - borrowed_usd;
}

static double annuity_growth(double annual_rate, double years)
{
    return pow(1 + annual_rate / 12, years * 12);
}

double hw_total_interest_usd(double borrowed_usd, double annual_rate, double years)
{
    return interest_from_growth(borrowed_usd, annual_rate, years, annuity_growth(annual_rate, years));
}

tco_factors_t hw_tco_factors(const tco_constants_t *c, double life)
{
    tco_factors_t f;
    f.dc_interest_usd_per_usd = hw_total_interest_usd(c->DCCapex, c->InterestRate, c->DCAmortPeriod);
    f.srv_growth = annuity_growth(c->InterestRate, life);
    return f;
}

tco_t hw_tco_eval(const tco_constants_t *c, double tdp, double cost, double life)
{
    tco_factors_t f = hw_tco_factors(c, life);
    return hw_tco_eval_with(c, &f, tdp, cost, life);
}

tco_t hw_tco_server_part(const tco_constants_t *c, const tco_factors_t *f, double cost, double life)
{
    tco_t t = {0};
    t.srv_amortization = cost;
    t.srv_opex = t.srv_amortization * c->SrvOpexRate;
    t.srv_interest = interest_from_growth(cost, c->InterestRate, life, f->srv_growth);
    hw_tco_fix_sum(&t);
    return t;
}

void hw_tco_add_power(const tco_constants_t *c, const tco_factors_t *f, double tdp, double life, tco_t *t)
{
    t->dc_amortization = c->DCCapex * tdp * life / c->DCAmortPeriod;
    t->dc_interest = f->dc_interest_usd_per_usd * tdp * life / c->DCAmortPeriod;
    /* quirk: DCOpex is $/kW/month but multiplies the TDP in watts */
    t->dc_opex = c->DCOpex * tdp * life * 12;
    /* quirk: electricity as the reference writes it ($/kWh / 1000 x hours) */
    t->srv_power = c->ElectricityCost * c->SrvAvgPwr / 1000 * 24 * 30 * tdp * life * 12;
    t->pue_overhead = t->srv_power * (c->PUE - 1.0);
    hw_tco_power_sum(t);
}

tco_t hw_tco_eval_with(const tco_constants_t *c, const tco_factors_t *f, double tdp, double cost, double life)
{
    tco_t t = hw_tco_server_part(c, f, cost, life);
    hw_tco_add_power(c, f, tdp, life, &t);
    return t;
}

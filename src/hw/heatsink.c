/*
 * heatsink.c -- the server heat-sink model of ReaLLM v1 (Heatsink.py).
 *
 * Owns the physics of a plate-fin heat sink (fin thermal resistance, fin
 * pressure drop, base spreading resistance, TIM and die resistance), the fan
 * curve of the 9GA0312P3K001, the per-package power budget, the heat-sink
 * cost, and the reference's design search:
 *
 *   for base length L = ceil(die) .. 450 mm / packages_per_lane, step 1 mm
 *     for base thickness t = 1 .. 34 mm, step 1 mm   (stop when q worsens)
 *       for fin count n = 2, 4, .. (then 2, 3, ..)   (stop when q worsens)
 *         air = the largest air volume the fan pushes through the fins
 *         q   = the power one package may dissipate
 *   stop at the first L whose q exceeds 95% of one 450 mm lane-long sink;
 *   the best L before it wins.
 *
 * Exactness.  Every number is computed in the reference's operation order
 * with the C library's pow() wherever Python writes x**y (glibc's pow(x, 2)
 * is not always x*x, nor pow(x, 0.5) sqrt(x), so py_pow keeps the compiler
 * from substituting them).  Loop variables advance by repeated addition and
 * each air-volume scan starts 5 steps below the previous scan's answer, as
 * in the reference, because those choices decide which discrete design wins.
 *
 * hw_heatsink_design_exhaustive() evaluates every step that way.
 * hw_heatsink_design() visits the same designs in the same order and takes
 * the same decisions, with three shortcuts:
 *   - filtered decisions: a comparison (pressure drop against fan pressure,
 *     q against q or the 95% limit) is first made on values computed in
 *     closed form with sqrt, exp, log and products.  Those differ from the
 *     exact values by less than 1e-13 relative (all sums involved are of
 *     positive terms; the fan polynomial's error is measured against the sum
 *     of its terms' magnitudes; measured: < 3e-15), so a decision whose
 *     sides are further apart than DECISION_MARGIN is the exact decision;
 *     closer calls are redone with the exact functions.  The chosen
 *     design's q and cost are exact.
 *   - air-volume search: the scan wants the first air volume at which the
 *     fins' pressure drop exceeds the fan's pressure.  The pressure drop
 *     grows with air volume and from FAN_DECREASING_FROM on the fan curve
 *     falls (by >= 0.3 Pa a step), so there that predicate is monotone and
 *     its first failing step is found by probing near the expected answer
 *     (5 steps up, or for 2 fins the previous thickness's or length's
 *     answer), galloping and bisecting.  The air volumes themselves still
 *     come from repeated addition, so the answer is the scan's, bit for bit.
 *   - the air-independent terms of each (thickness, fin count) channel are
 *     computed once per search instead of once per base length.
 * tests/test_heatsink.c checks that both agree on a grid of inputs.
 *
 * Inputs the reference cannot evaluate (sizes <= 0, fewer than one package
 * per lane, non-finite values) give an invalid heat sink.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "hw/heatsink.h"

/* ---- constants (SI units) ---------------------------------------------- */

#define BASE_WIDTH 0.06               /* m */
#define MAX_LENGTH (450.0 * 1e-3)     /* m, one lane */
#define FIN_THICKNESS 0.5e-3          /* m */
#define FIN_THERMAL_COND 200.0        /* W/(m K), aluminium */
#define BASE_THERMAL_COND 200.0       /* W/(m K), aluminium */
#define TIM_THERMAL_COND 4.0          /* W/(m K) */
#define TIM_THICKNESS 0.1e-3          /* m */
#define DIE_THERMAL_COND 149.0        /* W/(m K), silicon */
#define DIE_THICKNESS 0.70e-3         /* m */
#define AIR_SPECIFIC_HEAT 1004.9      /* J/(kg K) */
#define AIR_THERMAL_COND 0.02624      /* W/(m K) */
#define AIR_DENSITY 1.1644            /* kg/m^3 */
#define AIR_DYNAMIC_VISCOSITY 0.00001886 /* kg/(m s) */
#define BASE_LENGTH_PRECISION 1e-3    /* m */
#define BASE_THICK_PRECISION 1e-3     /* m */
#define HS_MAX_HEIGHT 35e-3           /* m, base plus fins */
#define AIR_VOLUME_PRECISION_CFM 0.1
#define MAX_DIE_TEMP 90.0             /* C */
#define AMBIENT 30.0                  /* C */
#define MIN_FIN_PITCH 1e-3            /* m */
#define AL_COST 4122.68               /* USD/m^3 */
#define HS_BASE_COST 1.0              /* USD each */
#define FAN_MAX_AIR 0.01              /* m^3/s, end of the fan curve */
#define PI 3.141592653589793          /* Python's math.pi */
#define LANE_SHARE 0.95               /* of the lane-long sink's q */
#define PRANDTL (AIR_DYNAMIC_VISCOSITY * AIR_SPECIFIC_HEAT / AIR_THERMAL_COND)

/* The fan polynomial peaks at 2.91e-4 m^3/s; from here to the end of its
 * range its slope is below -1850 Pa/(m^3/s). */
#define FAN_DECREASING_FROM 3e-4      /* m^3/s */
/* Sum of the fan polynomial's term magnitudes at FAN_MAX_AIR (their
 * largest), the scale of its rounding error. */
#define FAN_TERMS_MAX 109478.0        /* Pa */

/* Relative gap above which a filtered decision is certain. */
#define DECISION_MARGIN 1e-11

/* Thickness steps and fin counts the search can visit. */
#define THICK_STEPS 34
#define FINS_MAX 40
/* Most air-volume scans in the fin loop end 5 or 6 steps up. */
#define AIR_PROBE_RUNG 5
/* Air volumes remembered per search; beyond it the search walks. */
#define AIR_LADDER_MAX 1024

/* ---- records ------------------------------------------------------------ */

/* The heat source (die) and the resistances that depend on it alone. */
typedef struct {
    double length, width;   /* m */
    double r_si, r_tim;     /* K/W */
} die_t;

/* Air- and length-independent terms of one (thickness, fin count): the
 * reference's, then those of the filtered evaluations (re = air *
 * re_per_air / length; fin conductance per length and unit htc =
 * exposed_per_len + fins_per_len * fin efficiency). */
typedef struct {
    bool ready;
    double dh, flow_area, kc, ke, f_re_poly;
    double inv_flow_area, re_per_air, htc_per_nu, exposed_per_len, fins_per_len;
} channel_terms_t;

/* The fin channels at one base length, ready for pressure drops.  The
 * q2/q1/c1/p2 fields give the filtered pressure drop in closed form:
 * pd = v (q2 v + q1 sqrt(c1 v + p2)) with v the air velocity. */
typedef struct {
    channel_terms_t t;
    double base_length;     /* m, the length the air flows along */
    double l_over_dh;
    double q2, q1, c1, p2;
} fin_channel_t;

/* Base-plate terms of the spreading resistance at one (length, thickness),
 * then those of the filtered evaluation. */
typedef struct {
    double r2, lambda, th, psi_a, psi_b, denom;
    double inv_len, biot_per_conductance, inv_denom;
} spreading_terms_t;

/* One evaluated heat sink; q is exact when q_exact, else filtered. */
typedef struct {
    bool found, q_exact;
    double q;               /* W per package */
    double base_length, base_thickness, fin_height, n_fins, air;
} design_t;

typedef enum { SEARCH_EXHAUSTIVE, SEARCH_FAST } search_t;

/* What one design search holds fixed, and its per-search memo. */
typedef struct {
    const die_t *die;
    double packages;        /* per lane */
    search_t mode;
    double heat_per_air;    /* (packages - 1) / (c_p rho), fast only */
    channel_terms_t (*memo)[FINS_MAX + 1];  /* [THICK_STEPS], fast only */
} search_ctx_t;

/* ---- helpers -------------------------------------------------------------- */

/* Python's x**y: glibc's pow, never rewritten by the compiler. */
static double py_pow(double x, double y)
{
    volatile double exponent = y;
    return pow(x, exponent);
}

static double cfm_to_cms(double cfm)
{
    return cfm * py_pow(0.3048, 3) / 60;
}

static double air_volume_step(void)
{
    return cfm_to_cms(AIR_VOLUME_PRECISION_CFM);
}

static int max_fin_count(void)
{
    return (int)((BASE_WIDTH + MIN_FIN_PITCH) / (FIN_THICKNESS + MIN_FIN_PITCH));
}

static double fin_gap(double n_fins)
{
    return (BASE_WIDTH - n_fins * FIN_THICKNESS) / (n_fins - 1);
}

/* True when a and b are apart by more than the filtered values' error. */
static bool clearly_apart(double a, double b, double scale)
{
    return fabs(a - b) > DECISION_MARGIN * scale;
}

/* Two positive q values clearly apart (false for NaN). */
static bool q_clearly_apart(double a, double b)
{
    return clearly_apart(a, b, a > b ? a : b);
}

/* ==== the reference's physics (exact) ======================================== */

static bool on_fan_curve(double air)
{
    return air >= 0 && air <= FAN_MAX_AIR;
}

/* Static pressure (Pa) the 9GA0312P3K001 fan holds at an air volume (m^3/s);
 * 0 outside the curve's range. */
static double fan_9GA0312P3K001(double air)
{
    if (!on_fan_curve(air))
        return 0;
    return 1.49e14 * py_pow(air, 5) - 4.099e12 * py_pow(air, 4)
           + 3.833e10 * py_pow(air, 3) - 1.375e8 * py_pow(air, 2)
           + 70736.364 * air + 799.481;
}

static void channel_terms_init(channel_terms_t *t, double n_fins, double fin_height)
{
    double gap = fin_gap(n_fins);
    double lambda = gap / fin_height;
    double sigma = 1 - n_fins * FIN_THICKNESS / BASE_WIDTH;
    t->ready = true;
    t->dh = 2 * gap;
    t->flow_area = (n_fins - 1) * gap * fin_height;
    t->kc = 0.42 * (1 - py_pow(sigma, 2));
    t->ke = py_pow(1 - py_pow(sigma, 2), 2);
    t->f_re_poly = 24 - 32.527 * lambda + 46.721 * py_pow(lambda, 2)
                   - 40.829 * py_pow(lambda, 3) + 22.954 * py_pow(lambda, 4)
                   - 6.089 * py_pow(lambda, 5);
    t->inv_flow_area = 1 / t->flow_area;
    t->re_per_air = AIR_DENSITY * gap / ((n_fins - 1) * fin_height * AIR_DYNAMIC_VISCOSITY);
    t->htc_per_nu = AIR_THERMAL_COND / gap;
    t->exposed_per_len = (n_fins - 1) * gap;
    t->fins_per_len = n_fins * 2 * fin_height;
}

/* Pressure drop (Pa) of the fin channels at an air volume (m^3/s): entrance
 * and exit losses plus developing laminar flow between parallel plates. */
static double fin_pressure_drop(const fin_channel_t *c, double air)
{
    const channel_terms_t *t = &c->t;
    double velocity = air / t->flow_area;
    double re = AIR_DENSITY * velocity * t->dh / AIR_DYNAMIC_VISCOSITY;
    double l_star = c->l_over_dh / re;
    double f = t->f_re_poly / re;
    double fapp = py_pow(py_pow(3.44 / py_pow(l_star, 0.5), 2) + py_pow(f * re, 2), 0.5) / re;
    return (t->kc + 4 * fapp * c->base_length / t->dh + t->ke) * AIR_DENSITY
           * py_pow(velocity, 2) / 2;
}

/* True when the fan cannot push this air volume through the fins. */
static bool air_volume_infeasible(const fin_channel_t *c, double air)
{
    return fin_pressure_drop(c, air) > fan_9GA0312P3K001(air);
}

/* The reference's air-volume scan: step up from `initial` until the fan
 * gives out and return the air volume one step before. */
static double air_volume_scan(const fin_channel_t *c, double initial, double step)
{
    double air = initial;
    while (!air_volume_infeasible(c, air))
        air += step;
    return air - step;
}

/* Thermal resistance (K/W) of the fins and exposed base to the air flow;
 * also gives the equivalent heat transfer coefficient over the base. */
static double fin_thermal_resistance(double n_fins, double fin_height, double base_length,
                                     double air, double *base_htc)
{
    double gap = fin_gap(n_fins);
    double exposed_base = (n_fins - 1) * gap * base_length;
    double area_per_fin = 2 * fin_height * base_length;
    double velocity = air / ((n_fins - 1) * gap * fin_height);
    double prandtl = PRANDTL;
    double re = AIR_DENSITY * velocity * py_pow(gap, 2) / (AIR_DYNAMIC_VISCOSITY * base_length);
    double nu1 = py_pow(re * prandtl / 2, -3);
    double nu2 = py_pow(0.664 * py_pow(re, 0.5) * py_pow(prandtl, 1.0 / 3)
                        * py_pow(1 + 3.65 * py_pow(re, -0.5), 0.5), -3);
    double nusselt = py_pow(nu1 + nu2, -1.0 / 3);
    double htc = nusselt * AIR_THERMAL_COND / gap;
    double m = py_pow(2 * htc / (FIN_THERMAL_COND * FIN_THICKNESS), 0.5);
    double eta_fin = tanh(m * fin_height) / (m * fin_height);
    double r_fins = py_pow(htc * (exposed_base + n_fins * eta_fin * area_per_fin), -1);
    *base_htc = 1 / (r_fins * base_length * BASE_WIDTH);
    return r_fins;
}

static void spreading_terms_init(spreading_terms_t *s, const die_t *die, double base_length,
                                 double base_thickness)
{
    double sqrt_pi = py_pow(PI, 0.5);
    double r1 = py_pow(die->length * die->width / PI, 0.5);
    double r2 = py_pow(base_length * BASE_WIDTH / PI, 0.5);
    double epsilon = r1 / r2;
    double tau = base_thickness / r2;
    s->r2 = r2;
    s->lambda = PI + 1 / (epsilon * sqrt_pi);
    s->th = tanh(s->lambda * tau);
    s->psi_a = epsilon * tau / sqrt_pi;
    s->psi_b = 1 / sqrt_pi * (1 - epsilon);
    s->denom = BASE_THERMAL_COND * r1 * sqrt_pi;
    s->inv_len = 1 / base_length;
    s->biot_per_conductance = r2 / (base_length * BASE_WIDTH * BASE_THERMAL_COND);
    s->inv_denom = 1 / s->denom;
}

/* Spreading resistance (K/W) of the base plate from the die footprint. */
static double spreading_resistance(const spreading_terms_t *s, double base_htc)
{
    double biot = base_htc * s->r2 / BASE_THERMAL_COND;
    double phi = (s->th + s->lambda / biot) / (1 + s->lambda / biot * s->th);
    double psi_max = s->psi_a + s->psi_b * phi;
    return psi_max / s->denom;
}

/* Thermal resistance (K/W) of the interface material under the die. */
static double tim_resistance(double die_length, double die_width)
{
    return 1 / TIM_THERMAL_COND * TIM_THICKNESS / (die_width * die_length);
}

/* Thermal resistance (K/W) through the silicon die. */
static double die_resistance(double die_length, double die_width)
{
    return 1 / DIE_THERMAL_COND * DIE_THICKNESS / (die_width * die_length);
}

/* Power (W) one of `packages` packages in a lane may dissipate: the air
 * reaching the last package is warmed by the packages upstream. */
static double power_budget(double r_total, double packages, double air)
{
    return (MAX_DIE_TEMP - AMBIENT)
           / (r_total + (packages - 1) / (AIR_SPECIFIC_HEAT * AIR_DENSITY * air));
}

/* Exact power (W) per package of one fully specified heat sink. */
static double design_power(const die_t *die, const design_t *d, double packages)
{
    double base_htc;
    spreading_terms_t sp;
    spreading_terms_init(&sp, die, d->base_length, d->base_thickness);
    double r_fins = fin_thermal_resistance(d->n_fins, d->fin_height, d->base_length,
                                           d->air, &base_htc);
    double r_sp = spreading_resistance(&sp, base_htc);
    double r_total = die->r_si + die->r_tim + r_sp + r_fins;
    return power_budget(r_total, packages, d->air);
}

/* Cost (USD) of an all-aluminium heat sink. */
static double heatsink_cost(const design_t *d)
{
    double base_volume = BASE_WIDTH * d->base_length * d->base_thickness;
    double fin_volume = FIN_THICKNESS * d->fin_height * d->base_length * d->n_fins;
    double al_cost = 0.0;
    al_cost += AL_COST * base_volume;
    al_cost += AL_COST * fin_volume;
    return HS_BASE_COST + al_cost + 0.0;
}

/* ==== filtered evaluations (fast search) ====================================== */

/* The fan curve by Horner's rule; its error is below 1e-14 FAN_TERMS_MAX. */
static double fan_9GA0312P3K001_filtered(double air)
{
    if (!on_fan_curve(air))
        return 0;
    return ((((1.49e14 * air - 4.099e12) * air + 3.833e10) * air - 1.375e8) * air
            + 70736.364) * air + 799.481;
}

/* The closed-form coefficients of the filtered pressure drop. */
static void fin_channel_filter_init(fin_channel_t *c)
{
    double re_per_velocity = AIR_DENSITY * c->t.dh / AIR_DYNAMIC_VISCOSITY;
    c->q2 = (c->t.kc + c->t.ke) * (AIR_DENSITY / 2);
    c->q1 = 4 * c->l_over_dh * (AIR_DENSITY / 2) / re_per_velocity;
    c->c1 = 3.44 * 3.44 * re_per_velocity / c->l_over_dh;
    c->p2 = c->t.f_re_poly * c->t.f_re_poly;
}

/* fin_pressure_drop in closed form (a few ulps from it). */
static double fin_pressure_drop_filtered(const fin_channel_t *c, double air)
{
    double v = air * c->t.inv_flow_area;
    return v * (c->q2 * v + c->q1 * sqrt(c->c1 * v + c->p2));
}

/* air_volume_infeasible, decided on filtered values when they are clear. */
static bool air_volume_infeasible_fast(const fin_channel_t *c, double air)
{
    double pd = fin_pressure_drop_filtered(c, air);
    double fan = fan_9GA0312P3K001_filtered(air);
    if (clearly_apart(pd, fan, pd + FAN_TERMS_MAX))
        return pd > fan;
    return air_volume_infeasible(c, air);
}

/* The fin efficiency tanh(mh)/mh through exp where mh >= 0.25 (a few ulps
 * off there; below, tanh itself). */
static double fin_efficiency_filtered(double mh)
{
    if (mh < 0.25)
        return tanh(mh) / mh;
    double e = exp(-2 * mh);
    return (1 - e) / ((1 + e) * mh);
}

/* design_power in closed form from the channel's and the base plate's
 * terms: (x1^-3 + x2^-3)^(-1/3) = x1 x2 exp(-log(x1^3 + x2^3) / 3). */
static double design_power_filtered(const search_ctx_t *s, const channel_terms_t *ct,
                                    const spreading_terms_t *sp, const design_t *d)
{
    double re = d->air * ct->re_per_air * sp->inv_len;
    double x1 = re * (PRANDTL / 2);
    double x2 = 0.664 * cbrt(PRANDTL) * sqrt(re + 3.65 * sqrt(re));
    double cubes = x1 * x1 * x1 + x2 * x2 * x2;
    double htc = x1 * x2 * exp(log(cubes) * (-1.0 / 3)) * ct->htc_per_nu;
    double mh = sqrt(htc * (2 / (FIN_THERMAL_COND * FIN_THICKNESS))) * d->fin_height;
    double conductance = htc * d->base_length
                         * (ct->exposed_per_len + ct->fins_per_len * fin_efficiency_filtered(mh));
    double biot = conductance * sp->biot_per_conductance;
    double phi = (sp->th * biot + sp->lambda) / (biot + sp->lambda * sp->th);
    double r_sp = (sp->psi_a + sp->psi_b * phi) * sp->inv_denom;
    double r_total = s->die->r_si + s->die->r_tim + r_sp + 1 / conductance;
    return (MAX_DIE_TEMP - AMBIENT) / (r_total + s->heat_per_air / d->air);
}

/* ==== air-volume search ======================================================== */

/* The scan's air volumes initial, initial+step, ... by repeated addition. */
typedef struct {
    double air[AIR_LADDER_MAX];
    int n;
    double step;
} air_ladder_t;

static double ladder_at(air_ladder_t *l, int k)
{
    for (; l->n <= k; l->n++)
        l->air[l->n] = l->air[l->n - 1] + l->step;
    return l->air[k];
}

static bool ladder_fails(const fin_channel_t *c, air_ladder_t *l, int k)
{
    return air_volume_infeasible_fast(c, ladder_at(l, k));
}

/* First failing rung in (pass, fail] on a monotone stretch, knowing rung
 * `pass` passes (or lies below the stretch) and rung `fail` fails. */
static int ladder_bisect(const fin_channel_t *c, air_ladder_t *l, int pass, int fail)
{
    while (fail - pass > 1) {
        int mid = pass + (fail - pass) / 2;
        if (ladder_fails(c, l, mid))
            fail = mid;
        else
            pass = mid;
    }
    return fail;
}

/* From passing rung *pass gallop up to a failing rung and return it; -1
 * when the ladder ends first (*pass is then its last rung). */
static int ladder_gallop_up(const fin_channel_t *c, air_ladder_t *l, int *pass)
{
    for (int dist = 1;; dist *= 2) {
        int k = *pass + dist < AIR_LADDER_MAX ? *pass + dist : AIR_LADDER_MAX - 1;
        if (ladder_fails(c, l, k))
            return k;
        *pass = k;
        if (k == AIR_LADDER_MAX - 1)
            return -1;
    }
}

/* From failing rung *fail step down (1, 1, 2, 4, .. rungs) to a passing
 * rung above `floor` (a rung that passes or lies below the stretch) and
 * return it, or floor. */
static int ladder_gallop_down(const fin_channel_t *c, air_ladder_t *l, int *fail, int floor)
{
    for (int i = 0, dist = 1;; i++, dist = i < 2 ? 1 : dist * 2) {
        int k = *fail - dist;
        if (k <= floor)
            return floor;
        if (!ladder_fails(c, l, k))
            return k;
        *fail = k;
    }
}

/* The rung to probe first: the one above the expected answer `hint` (an
 * air volume; <= 0 for none). */
static int probe_rung(double initial, double step, double hint)
{
    if (!(hint > 0))
        return AIR_PROBE_RUNG;
    double rung = (hint - initial) / step + 1.5;
    return rung < 0 ? 0 : rung > AIR_LADDER_MAX - 1 ? AIR_LADDER_MAX - 1 : (int)rung;
}

/* Same answer as air_volume_scan: walks the rungs below the fan curve's
 * peak, then searches the monotone stretch above it, first probing next to
 * the expected answer `hint` (<= 0 for the usual 5 steps up). */
static double air_volume_search(const fin_channel_t *c, double initial, double step,
                                double hint)
{
    air_ladder_t l;     /* only rungs below l.n are ever read */
    l.air[0] = initial;
    l.n = 1;
    l.step = step;
    int k = 0;
    for (; k < AIR_LADDER_MAX && ladder_at(&l, k) < FAN_DECREASING_FROM; k++)
        if (ladder_fails(c, &l, k))
            return l.air[k] - step;
    if (k == AIR_LADDER_MAX)
        return air_volume_scan(c, l.air[k - 1] + step, step);
    int probe = probe_rung(initial, step, hint);
    int pass = k - 1, fail = k > probe ? k : probe;
    if (ladder_fails(c, &l, fail)) {
        pass = ladder_gallop_down(c, &l, &fail, pass);
    } else {
        pass = fail;
        fail = ladder_gallop_up(c, &l, &pass);
        if (fail < 0)
            return air_volume_scan(c, l.air[pass] + step, step);
    }
    fail = ladder_bisect(c, &l, pass, fail);
    return l.air[fail] - step;
}

/* ==== design search ============================================================= */

/* The fin channels of n fins under thickness step `ti` at an air length. */
static void fin_channel_init(const search_ctx_t *s, fin_channel_t *c, int ti, int n,
                             double fin_height, double air_length)
{
    bool memoized = s->memo && ti < THICK_STEPS && n <= FINS_MAX;
    channel_terms_t *memo = memoized ? &s->memo[ti][n] : NULL;
    if (memo && memo->ready)
        c->t = *memo;
    else
        channel_terms_init(&c->t, n, fin_height);
    if (memo)
        *memo = c->t;
    c->base_length = air_length;
    c->l_over_dh = air_length / c->t.dh;
    if (s->mode == SEARCH_FAST)
        fin_channel_filter_init(c);
}

static double search_air_volume(const search_ctx_t *s, const fin_channel_t *c,
                                double initial, double step, double hint)
{
    if (s->mode == SEARCH_FAST)
        return air_volume_search(c, initial, step, hint);
    return air_volume_scan(c, initial, step);
}

static void evaluate_power(const search_ctx_t *s, const fin_channel_t *c,
                           const spreading_terms_t *sp, design_t *d)
{
    d->q_exact = s->mode == SEARCH_EXHAUSTIVE;
    d->q = d->q_exact ? design_power(s->die, d, s->packages)
                      : design_power_filtered(s, &c->t, sp, d);
}

static void make_exact(const search_ctx_t *s, design_t *d)
{
    if (d->found && !d->q_exact) {
        d->q = design_power(s->die, d, s->packages);
        d->q_exact = true;
    }
}

/* a->q < b->q, as the exact values decide it. */
static bool q_less(const search_ctx_t *s, design_t *a, design_t *b)
{
    if (!(a->q_exact && b->q_exact) && !q_clearly_apart(a->q, b->q)) {
        make_exact(s, a);
        make_exact(s, b);
    }
    return a->q < b->q;
}

/* d->q <= limit (an exact value), as the exact q decides it. */
static bool q_within(const search_ctx_t *s, design_t *d, double limit)
{
    if (!d->q_exact && !q_clearly_apart(d->q, limit))
        make_exact(s, d);
    return d->q <= limit;
}

/* Best fin count at thickness step ti, continuing the air-volume warm
 * start in *initial.  *first_air: in, a guess of the 2-fin air volume (<= 0
 * for none); out, that air volume. */
static design_t best_fins(const search_ctx_t *s, double air_length, double thermal_length,
                          int ti, double thick, int fin_step, double *initial,
                          double *first_air)
{
    design_t best = {.found = false};
    double step = air_volume_step();
    double fin_height = HS_MAX_HEIGHT - thick;
    spreading_terms_t sp;
    if (s->mode == SEARCH_FAST)
        spreading_terms_init(&sp, s->die, thermal_length, thick);
    for (int n = 2; n <= max_fin_count(); n += fin_step) {
        fin_channel_t c;
        fin_channel_init(s, &c, ti, n, fin_height, air_length);
        double air = search_air_volume(s, &c, *initial, step, n == 2 ? *first_air : 0.0);
        *initial = air - 5 * step;
        if (n == 2)
            *first_air = air;
        if (air <= 0.0)
            break;
        design_t d = {true, false, 0.0, thermal_length, thick, fin_height, n, air};
        evaluate_power(s, &c, &sp, &d);
        if (best.found && !q_less(s, &best, &d))
            break;
        best = d;
    }
    return best;
}

/* Best (thickness, fin count) at one base length.  With full_lane the air
 * volume is found for a sink `packages` times as long (one per lane).
 * *first_air: in, a guess of the first air volume (<= 0 for none); out,
 * that air volume. */
static design_t best_thickness_and_fins(const search_ctx_t *s, double base_length,
                                        bool full_lane, double *first_air)
{
    design_t best = {.found = false};
    double initial = air_volume_step();
    double air_length = full_lane ? base_length * s->packages : base_length;
    double thermal_length = full_lane ? air_length / s->packages : base_length;
    int fin_step = 2, ti = 0;
    double thick_first_air = *first_air;

    for (double thick = BASE_THICK_PRECISION; thick < HS_MAX_HEIGHT;
         thick += BASE_THICK_PRECISION, fin_step = 1, ti++) {
        design_t d = best_fins(s, air_length, thermal_length, ti, thick, fin_step, &initial,
                               &thick_first_air);
        if (ti == 0)
            *first_air = thick_first_air;
        if (!d.found)
            continue;
        if (best.found && !q_less(s, &best, &d))
            break;
        best = d;
    }
    return best;
}

/* The reference's base-length loop: the first length at which q passes
 * LANE_SHARE of a lane-long sink ends it; the best length before wins. */
static design_t find_heatsink(const search_ctx_t *s)
{
    design_t chosen = {.found = false};
    double length = ceil(s->die->length / BASE_LENGTH_PRECISION) * BASE_LENGTH_PRECISION;
    if (!(length <= MAX_LENGTH / s->packages))
        return chosen;      /* no length to try: the lane-long sink is moot */
    double first_air = 0.0;
    design_t lane = best_thickness_and_fins(s, MAX_LENGTH, false, &first_air);
    make_exact(s, &lane);
    /* the reference fails on a second candidate without a lane-long sink */
    double limit = lane.found ? lane.q * LANE_SHARE : -INFINITY;

    for (; length <= MAX_LENGTH / s->packages; length += BASE_LENGTH_PRECISION) {
        design_t d = best_thickness_and_fins(s, length, true, &first_air);
        if (!d.found || (chosen.found && !q_less(s, &chosen, &d)))
            continue;
        if (chosen.found && !q_within(s, &d, limit))
            break;
        chosen = d;
    }
    make_exact(s, &chosen);
    return chosen;
}

static die_t make_die(double length_mm, double width_mm)
{
    die_t die;
    die.length = length_mm * 1e-3;
    die.width = width_mm * 1e-3;
    die.r_si = die_resistance(die.length, die.width);
    die.r_tim = tim_resistance(die.length, die.width);
    return die;
}

/* Inputs the reference evaluates without failing: positive finite sizes
 * and at least one package per lane. */
static bool inputs_usable(double length_mm, double width_mm, double packages)
{
    return length_mm > 0 && width_mm > 0 && packages >= 1 && isfinite(length_mm)
           && isfinite(width_mm) && isfinite(packages);
}

static heatsink_t design_heatsink(double length_mm, double width_mm, double packages,
                                  search_t mode)
{
    heatsink_t hs = {false, INFINITY, 0.0};
    channel_terms_t memo[THICK_STEPS][FINS_MAX + 1];
    if (!inputs_usable(length_mm, width_mm, packages))
        return hs;
    die_t die = make_die(length_mm, width_mm);
    if (die.width > BASE_WIDTH)
        return hs;
    search_ctx_t s = {&die, packages, mode,
                      (packages - 1) / (AIR_SPECIFIC_HEAT * AIR_DENSITY), NULL};
    if (mode == SEARCH_FAST) {
        for (int i = 0; i < THICK_STEPS; i++)
            for (int n = 0; n <= FINS_MAX; n++)
                memo[i][n].ready = false;
        s.memo = memo;
    }
    design_t d = find_heatsink(&s);
    if (d.found) {
        hs.valid = true;
        hs.cost = heatsink_cost(&d);
        hs.max_power = d.q;
    }
    return hs;
}

heatsink_t hw_heatsink_design_exhaustive(double heatsource_length_mm,
                                         double heatsource_width_mm,
                                         double packages_per_lane)
{
    return design_heatsink(heatsource_length_mm, heatsource_width_mm, packages_per_lane,
                           SEARCH_EXHAUSTIVE);
}

heatsink_t hw_heatsink_design(double heatsource_length_mm, double heatsource_width_mm,
                              double packages_per_lane)
{
    return design_heatsink(heatsource_length_mm, heatsource_width_mm, packages_per_lane,
                           SEARCH_FAST);
}

/*
 * npu_dvfs.c -- DVFS policies, per-operator plans, per-unit power and the
 * regulator efficiency of the NPU energy model (see npu_dvfs.h).
 */
#include "npu/npu_dvfs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/named.h"
#include "npu/npu_dvfs_tables.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DVFS_MIN_GHZ 0.05          /* the lowest clock a slowed component gets */
#define DVFS_IDLE_V 0.45           /* an unused component's voltage */
#define IDEAL_SCALING_TIME_NS 200  /* NeuSim: the most efficient regulator, its latency ignored */
#define NONE_VOLTAGE_V 0.7
#define HBM_ICI_REF_GHZ 1.7        /* the clock of the tables' highest bandwidth */

/* ---- policies: {name, plan} ------------------------------------------------------ */

static void plan_none(const npu_op_perf_t *op, double chip_GHz, double none_GHz, npu_dvfs_plan_t *p);
static void plan_ideal(const npu_op_perf_t *op, double chip_GHz, double none_GHz, npu_dvfs_plan_t *p);

static const struct {
    const char *name;
    void (*plan)(const npu_op_perf_t *, double, double, npu_dvfs_plan_t *);
} POLICIES[] = {{"None", plan_none}, {"Ideal", plan_ideal}};

int npu_dvfs_policy_find(const char *name, char *err, size_t errlen)
{
    static const char *const declared[] = {"DVFSC", "Custom", "PerfDegrad"};
    for (size_t i = 0; i < N(declared); i++)
        if (!strcmp(name, declared[i])) {
            snprintf(err, errlen, "DVFS policy '%s' is declared by NeuSim but not implemented there (it raises "
                     "\"Unsupported DVFSPolicy\"); valid: %s", name, npu_dvfs_policy_names());
            return -1;
        }
    long i = named_find(POLICIES, N(POLICIES), sizeof POLICIES[0], name, "DVFS policy", err, errlen);
    return (int)i;
}

const char *npu_dvfs_policy_name(npu_dvfs_policy_t p)
{
    return (size_t)p < N(POLICIES) ? POLICIES[p].name : "None";
}

const char *npu_dvfs_policy_names(void)
{
    return "None, Ideal";
}

void npu_dvfs_plan(npu_dvfs_policy_t policy, const npu_op_perf_t *op, double chip_GHz, double none_GHz,
                   npu_dvfs_plan_t *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->policy = (size_t)policy < N(POLICIES) ? policy : NPU_DVFS_NONE;
    POLICIES[plan->policy].plan(op, chip_GHz, none_GHz, plan);
}

static void plan_none(const npu_op_perf_t *op, double chip_GHz, double none_GHz, npu_dvfs_plan_t *p)
{
    (void)op;
    (void)chip_GHz;
    for (int c = 0; c < NPU_DVFS__COUNT; c++) {
        p->voltage_V[c] = NONE_VOLTAGE_V;
        p->freq_GHz[c] = none_GHz;
        p->scaling_time_ns[c] = 0;
    }
}

/* The clock that spends all of a component's slack: base / (1 + slack
 * ratio), within [0.05 GHz, base]. */
static double slowdown_GHz(double ratio, double base_GHz)
{
    if (ratio <= 0)
        return base_GHz;
    double f = base_GHz / (1.0 + ratio);
    if (f < DVFS_MIN_GHZ)
        f = DVFS_MIN_GHZ;
    if (f > base_GHz)
        f = base_GHz;
    return f;
}

/* The voltage of the lowest band whose top clock reaches f. */
static double band_voltage(double f_GHz, const npu_dvfs_vf_t *t, size_t n)
{
    if (f_GHz <= 0)
        return 0;
    if (f_GHz <= t[0].max_GHz)
        return t[0].voltage_V;
    for (size_t i = 0; i + 1 < n; i++)
        if (f_GHz > t[i].max_GHz && f_GHz <= t[i + 1].max_GHz)
            return t[i + 1].voltage_V;
    return t[n - 1].voltage_V;
}

static void plan_ideal(const npu_op_perf_t *op, double chip_GHz, double none_GHz, npu_dvfs_plan_t *p)
{
    (void)none_GHz;
    const double t[NPU_DVFS__COUNT] = {op->mxu_time_ns, op->vpu_time_ns, op->vmem_time_ns, op->memory_time_ns,
                                       op->ici_time_ns};
    static const npu_dvfs_vf_t *const vf[NPU_DVFS__COUNT] = {SA_VF_TABLE, VU_VF_TABLE, SRAM_VF_TABLE, HBM_VF_TABLE,
                                                             ICI_VF_TABLE};
    static const size_t nvf[NPU_DVFS__COUNT] = {N(SA_VF_TABLE), N(VU_VF_TABLE), N(SRAM_VF_TABLE), N(HBM_VF_TABLE),
                                                N(ICI_VF_TABLE)};
    for (int c = 0; c < NPU_DVFS__COUNT; c++) {
        p->scaling_time_ns[c] = IDEAL_SCALING_TIME_NS;
        if (t[c] > 0) {
            double extra = fmax(0, op->exe_time_ns - t[c]); /* the component's slack */
            p->freq_GHz[c] = slowdown_GHz(extra / t[c], chip_GHz);
            p->voltage_V[c] = band_voltage(p->freq_GHz[c], vf[c], nvf[c]);
        } else { /* unused: the lowest state (HBM and ICI: no clock) */
            p->freq_GHz[c] = c == NPU_DVFS_HBM || c == NPU_DVFS_ICI ? 0.0 : DVFS_MIN_GHZ;
            p->voltage_V[c] = DVFS_IDLE_V;
        }
    }
}

/* ---- power at a voltage and clock -------------------------------------------------- */

void npu_dvfs_power(const npu_dvfs_plan_t *plan, int comp, double *dynamic_W, double *static_W)
{
    static const npu_dvfs_point_t *const tab[NPU_DVFS__COUNT] = {SA_POINTS, VU_POINTS, SRAM_POINTS, HBM_POINTS,
                                                                 ICI_POINTS};
    static const size_t ntab[NPU_DVFS__COUNT] = {N(SA_POINTS), N(VU_POINTS), N(SRAM_POINTS), N(HBM_POINTS),
                                                 N(ICI_POINTS)};
    const npu_dvfs_point_t *t = tab[comp];
    size_t n = ntab[comp];
    double v = plan->voltage_V[comp], f = plan->freq_GHz[comp];
    double xmax = t[0].x;
    size_t imax = 0;
    for (size_t i = 1; i < n; i++)
        if (t[i].x > xmax) {
            xmax = t[i].x;
            imax = i;
        }
    /* no DVFS: the peak point */
    if (plan->policy == NPU_DVFS_NONE || (v <= 0 && f <= 0)) {
        *dynamic_W = t[imax].dynamic_W;
        *static_W = t[imax].static_W;
        return;
    }
    /* the target on the table's axis: the clock, or for HBM and ICI the
     * bandwidth in proportion to it */
    bool bw = comp == NPU_DVFS_HBM || comp == NPU_DVFS_ICI;
    double target = bw ? (f > 0 ? xmax * (f / HBM_ICI_REF_GHZ) : xmax) : (f > 0 ? f : xmax);
    /* the voltage band nearest the plan's voltage (the first on a tie) */
    double band = t[0].voltage_V;
    for (size_t i = 1; i < n; i++)
        if (fabs(t[i].voltage_V - v) < fabs(band - v))
            band = t[i].voltage_V;
    /* its point nearest the target (the first on a tie; points ascend) */
    const npu_dvfs_point_t *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (t[i].voltage_V == band && (!best || fabs(t[i].x - target) < fabs(best->x - target)))
            best = &t[i];
    *dynamic_W = best->x == 0 ? best->dynamic_W : best->dynamic_W * (target / best->x);
    *static_W = best->static_W;
}

/* ---- regulator efficiency ------------------------------------------------------------- */

double npu_dvfs_regulator_efficiency_pct(double scaling_time_ns, double activity, double voltage_V)
{
    /* the smallest table voltage >= V at this scaling time */
    double vsnap = INFINITY;
    for (size_t i = 0; i < N(DVFS_REGULATOR); i++)
        if (DVFS_REGULATOR[i].scaling_time_ns == scaling_time_ns && DVFS_REGULATOR[i].voltage_V >= voltage_V &&
            DVFS_REGULATOR[i].voltage_V < vsnap)
            vsnap = DVFS_REGULATOR[i].voltage_V;
    /* then the smallest activity >= a */
    const npu_dvfs_reg_t *best = NULL;
    for (size_t i = 0; i < N(DVFS_REGULATOR); i++) {
        const npu_dvfs_reg_t *r = &DVFS_REGULATOR[i];
        if (r->scaling_time_ns == scaling_time_ns && r->voltage_V == vsnap && r->activity >= activity &&
            (!best || r->activity < best->activity))
            best = r;
    }
    return best ? best->efficiency_pct : 100.0;
}

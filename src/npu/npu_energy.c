/*
 * npu_energy.c -- the per-operator energy model of the NPU simulator
 * (NeuSim power_analysis_lib.analyze_operator_energy without DVFS, spec
 * neusim.md 8.2), the regulator efficiency table, the DVFS slack columns
 * and the per-phase aggregation energy_stats[PG] (spec 8.3).  The compat
 * and default modes differ only in the quirks of docs/npu-model.md
 * ("Energy fixes"), each marked with its NPU_EQ_* name here; compat keeps
 * them all, the default those of --keep-quirk.
 */
#include "npu/npu_energy.h"
#include "npu/npu_dvfs.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define NEUSIM_DVFS_BASE_GHZ 1.7   /* NeuSim's no-DVFS plan: every component at 1.7 GHz, 0.7 V */
#define NEUSIM_DVFS_VOLTAGE_V 0.7
#define VU_ALUS 1024.0             /* 8 x 128 ALUs per VU */
#define MiB (1024.0 * 1024.0)
#define GiB (1024.0 * 1024.0 * 1024.0)

const char *const npu_dvfs_extra_names[NPU_X__COUNT] = {"sa", "vu", "hbm", "ici", "vmem"};
const char *const npu_energy_comp_names[NPU_E__COUNT] = {"sa", "vu", "sram", "ici", "hbm", "other"};

double npu_energy_clock_GHz(const npu_chip_t *c, bool q3)
{
    return q3 ? NEUSIM_DVFS_BASE_GHZ : c->freq_GHz;
}

unsigned npu_energy_kept(const npu_energy_opts_t *o)
{
    return o->compat ? NPU_EQ_ALL : o->keep_quirks;
}

/* {name, quirk} */
static const struct {
    const char *name;
    unsigned bit;
} EQ_NAMES[] = {{"Q2", NPU_EQ_Q2},   {"Q3", NPU_EQ_Q3},   {"Q20", NPU_EQ_Q20},
                {"Q23", NPU_EQ_Q23}, {"Q26", NPU_EQ_Q26}, {"einsum-avg", NPU_EQ_EINSUM_AVG}};

unsigned npu_energy_quirk_parse(const char *name)
{
    for (size_t i = 0; i < sizeof EQ_NAMES / sizeof EQ_NAMES[0]; i++)
        if (strcmp(EQ_NAMES[i].name, name) == 0)
            return EQ_NAMES[i].bit;
    return 0;
}

/* NeuSim's FIXED_VOLTAGE_REGULATOR_OVERHEAD_TABLE (scaling time 0, 0.7 V). */
static const double REG_ACTIVITY[] = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
static const double REG_EFF_PCT[] = {67.0, 85.0, 86.0, 86.5, 87.0, 87.5, 88.0, 88.5, 89.0, 89.5, 90.0};

double npu_regulator_efficiency_pct(double activity)
{
    for (size_t i = 0; i < sizeof REG_ACTIVITY / sizeof REG_ACTIVITY[0]; i++)
        if (REG_ACTIVITY[i] >= activity)
            return REG_EFF_PCT[i];
    return REG_EFF_PCT[sizeof REG_EFF_PCT / sizeof REG_EFF_PCT[0] - 1]; /* activity is capped at 1 */
}

static double cycles_to_ns(double cycles, double freq_GHz)
{
    return cycles / freq_GHz;
}

/* SA FLOP utilisation at component clock f_GHz (0 when the SA is unused). */
static double sa_flops_util(const npu_op_perf_t *op, const npu_chip_t *c, double f_GHz)
{
    if (op->mxu_time_ns <= 0)
        return 0;
    double peak = 2.0 * ((double)c->sa_dim * c->sa_dim) * (f_GHz * 1e9) * c->num_sa;
    return fmin(op->flops / op->mxu_time_ns * 1e9 / peak, 1.0);
}

/* VU FLOP utilisation: an MXU op's VU does the accumulation, 1/8 of its FLOPs. */
static double vu_flops_util(const npu_op_perf_t *op, npu_op_type_t type, const npu_chip_t *c, double f_GHz)
{
    double peak = VU_ALUS * (f_GHz * 1e9) * c->num_vu;
    if (op->vpu_time_ns <= 0 || peak <= 0)
        return 0;
    double flops = type == NPU_OP_MXU ? op->flops / 8 : op->flops;
    return fmin(flops / op->vpu_time_ns * 1e9 / peak, 1.0);
}

/* Execution time and bound from the component times: the first of SA, VU,
 * SRAM ("Compute"), HBM ("Memory"), ICI that equals the maximum. */
static void set_exe_and_bound(npu_op_perf_t *op)
{
    double t[5] = {op->mxu_time_ns, op->vpu_time_ns, op->vmem_time_ns, op->memory_time_ns, op->ici_time_ns};
    npu_bound_t label[5] = {NPU_BOUND_COMPUTE, NPU_BOUND_COMPUTE, NPU_BOUND_COMPUTE, NPU_BOUND_MEMORY,
                            NPU_BOUND_ICI};
    double exe = t[0];
    for (int i = 1; i < 5; i++)
        exe = fmax(exe, t[i]);
    op->exe_time_ns = exe;
    for (int i = 0; i < 5; i++)
        if (t[i] == exe) {
            op->bound = label[i];
            break;
        }
}

/* compat: NeuSim assumes the perf times were measured at 1.7 GHz and
 * rescales them to the component clock (Q3). */
static double rescale_time(double t_ns, double chip_GHz, double comp_GHz)
{
    if (t_ns <= 0)
        return trunc(t_ns);
    return ceil(t_ns * chip_GHz / comp_GHz);
}

/* P: the static power of all SAs (W); fc: their clock (utilisation). */
static double sa_static_J(npu_op_perf_t *op, npu_op_type_t type, const npu_chip_t *c, const npu_pg_t *pg,
                          double fc, double P)
{
    double Pg = P * pg->sa.gated_factor;
    double exe = op->exe_time_ns, f = c->freq_GHz;
    if (!pg->sa.enabled)
        return P * exe / 1e9;
    double idle = 0; /* worst-case idle interval: idle time spread evenly between SA passes */
    if (op->mxu_time_ns > 0) {
        idle = ceil((exe - 1) / (op->mxu_time_ns / c->sa_dim));
        if (idle == 0)
            return P * exe / 1e9; /* SA-bound: never idle */
    }
    double u = sa_flops_util(op, c, fc);
    double d = cycles_to_ns(pg->sa.delay_cycles, f);
    bool instr = pg->sa.temporal == NPU_PG_INSTRUCTION;
    if (op->mxu_time_ns > 0 && instr && pg->sa.spatial == NPU_PG_PE) {
        double dpe = cycles_to_ns(pg->sa_pe_delay_cycles, f);
        double o1 = ceil(op->mxu_time_ns / c->sa_dim * dpe);
        double o2 = ceil(op->num_mxu_ops * dpe);
        op->mxu_time_ns += fmin(o1, o2);
    } else if (op->mxu_time_ns > 0 && instr && pg->sa.spatial == NPU_PG_COMPONENT) {
        if (idle > 4 * d)
            op->mxu_time_ns += ceil(ceil(d) * (op->mxu_time_ns / c->sa_dim));
    }
    double t = op->mxu_time_ns;
    double exe2 = fmax(exe, t);
    if (instr && pg->sa.spatial == NPU_PG_COMPONENT) {
        if (t > 0 && idle < 2 * d)
            return P * exe2 / 1e9; /* idle intervals too short to gate */
        return Pg * (exe2 - t) / 1e9 + P * t / 1e9;
    }
    if (instr && pg->sa.spatial == NPU_PG_PE)
        return Pg * t / 1e9 * (1 - u) + Pg * (exe2 - t) / 1e9 + P * t / 1e9 * u;
    if (pg->sa.temporal == NPU_PG_OPERATOR && pg->sa.spatial == NPU_PG_COMPONENT)
        return type == NPU_OP_MXU ? P * exe2 / 1e9 : 0;
    if (pg->sa.temporal == NPU_PG_OPERATOR && pg->sa.spatial == NPU_PG_PE)
        return P * exe2 / 1e9 * u;
    return P * exe / 1e9; /* no built-in strategy reaches here */
}

static double vu_static_J(npu_op_perf_t *op, npu_op_type_t type, const npu_chip_t *c, const npu_pg_t *pg,
                          double fc, double P, bool q20)
{
    double Pg = P * pg->vu.gated_factor;
    double exe = op->exe_time_ns, f = c->freq_GHz;
    if (!pg->vu.enabled)
        return P * exe / 1e9;
    double idle = 0;
    if (op->vpu_time_ns > 0) {
        idle = ceil((exe - 1) / op->vpu_time_ns);
        if (idle == 0)
            return P * exe / 1e9;
    }
    double u = vu_flops_util(op, type, c, fc);
    double d = cycles_to_ns(pg->vu.delay_cycles, f);
    bool instr = pg->vu.temporal == NPU_PG_INSTRUCTION, hw = pg->vu.policy == NPU_PG_HW;
    if (instr && hw && idle > 4 * d)
        op->vpu_time_ns += ceil(d) * op->vpu_time_ns; /* a wake-up per VU instruction */
    double t = op->vpu_time_ns;
    double exe2 = fmax(exe, t);
    if (instr && pg->vu.spatial == NPU_PG_COMPONENT) {
        double E = Pg * (exe2 - t) / 1e9 + P * t / 1e9;
        /* Q20: a VU with no work is never gated under idle detection */
        if (hw && idle < 2 * d && (q20 || t > 0))
            E = P * exe2 / 1e9;
        if (pg->vu.policy == NPU_PG_SW) {
            if (exe2 == t)
                op->num_setpm_vu = 0;
            else if (t == 0)
                op->num_setpm_vu = 1;
            else /* one setpm per idle interval, at most one per 32-cycle break-even time */
                op->num_setpm_vu = fmin(nearbyint(exe2 / idle), floor((exe2 - t) / 32));
        }
        return E;
    }
    if (instr && pg->vu.spatial == NPU_PG_ALU)
        return Pg * t / 1e9 * (1 - u) + Pg * (exe2 - t) / 1e9 + P * t / 1e9 * u;
    if (pg->vu.temporal == NPU_PG_OPERATOR && pg->vu.spatial == NPU_PG_COMPONENT)
        return t > 0 ? P * exe2 / 1e9 : 0;
    if (pg->vu.temporal == NPU_PG_OPERATOR && pg->vu.spatial == NPU_PG_ALU)
        return P * exe2 / 1e9 * u;
    return P * exe / 1e9;
}

static double vmem_static_J(npu_op_perf_t *op, npu_op_type_t type, const npu_chip_t *c, const npu_pg_t *pg,
                            double P)
{
    double Pg = P * pg->vmem.gated_factor;
    double exe = op->exe_time_ns, f = c->freq_GHz;
    if (!pg->vmem.enabled)
        return P * exe / 1e9;
    double granule = pg->vmem.spatial == NPU_PG_REGISTER_SIZE ? 4096.0 : pg->vmem_partition_bytes;
    double vmem_bytes = c->vmem_size_MB * MiB;
    /* Capacity in use: an MXU op's tiles, else 2 MiB per core (4 MiB). */
    double cap = type == NPU_OP_MXU ? fmin(op->max_vmem_demand_bytes / vmem_bytes, 1.0) : 4 / c->vmem_size_MB;
    cap = ceil(cap * vmem_bytes / granule) * granule / vmem_bytes;
    double exe2 = exe;
    if (pg->vmem.policy == NPU_PG_HW) /* drowsy wake-ups, energy only */
        exe2 += ceil(exe / cycles_to_ns(pg->vmem_drowsy_period_cycles, f) * cycles_to_ns(pg->vmem.delay_cycles, f));
    if (pg->vmem_voltage != NPU_PG_TWO_LEVEL || pg->vmem.temporal == NPU_PG_APPLICATION)
        return P * exe / 1e9; /* not built by any strategy */
    double t = op->vmem_time_ns;
    if (pg->vmem.policy == NPU_PG_SW && pg->vmem.temporal == NPU_PG_INSTRUCTION &&
        pg->vmem.spatial == NPU_PG_REGISTER_SIZE)
        op->num_setpm_sram = 1; /* one per operator: fixed tile size */
    return Pg * t / 1e9 * (1 - cap) + Pg * (exe2 - t) / 1e9 + P * t / 1e9 * cap;
}

static double ici_static_J(npu_op_perf_t *op, const npu_chip_t *c, const npu_pg_t *pg, double P)
{
    double Pg = P * pg->ici.gated_factor;
    double exe = op->exe_time_ns;
    if (!pg->ici.enabled)
        return P * exe / 1e9;
    if (op->ici_time_ns > 0)
        op->ici_time_ns += ceil(2 * cycles_to_ns(pg->ici.delay_cycles, c->freq_GHz));
    double t = op->ici_time_ns, exe2 = fmax(exe, t);
    if (pg->ici.spatial != NPU_PG_COMPONENT)
        return P * exe / 1e9;
    if (pg->ici.temporal == NPU_PG_INSTRUCTION)
        return Pg * (exe2 - t) / 1e9 + P * t / 1e9;
    if (pg->ici.temporal == NPU_PG_OPERATOR)
        return t > 0 ? P * exe2 / 1e9 : Pg * exe2 / 1e9;
    return P * exe / 1e9;
}

static double hbm_static_J(npu_op_perf_t *op, const npu_chip_t *c, const npu_pg_t *pg, double P)
{
    double Pg = P * pg->hbm.gated_factor;
    double exe = op->exe_time_ns, t = op->memory_time_ns, f = c->freq_GHz;
    if (!pg->hbm.enabled)
        return P * exe / 1e9;
    /* DMA bursts of at most 4 MiB, idle gaps spread evenly between them. */
    double active = op->bytes < 4 * MiB ? t : 4 * MiB / (c->hbm_bw_GBps * GiB) * 1e9;
    double periods = 0, idle = exe;
    if (t > 0) { /* NeuSim divides by zero for an op without HBM traffic */
        periods = ceil(t / active);
        idle = ceil(exe / periods - active);
    }
    double bet = c->hbm_latency_ns * 2 + ceil(cycles_to_ns(pg->hbm.delay_cycles, f)) * 4; /* break-even time */
    double gated = Pg * (exe - t) / 1e9 + t / 1e9 * P;
    if (pg->hbm.policy == NPU_PG_SW)
        return idle >= bet ? gated : P * exe / 1e9;
    if (idle >= 4 * bet) { /* hardware idle-detect timeout */
        op->memory_time_ns += ceil(cycles_to_ns(pg->hbm.delay_cycles, f) * periods);
        return gated;
    }
    return P * exe / 1e9;
}

void npu_energy_op(npu_op_perf_t *op, const npu_chip_t *c, const npu_pg_t *pg, const npu_energy_opts_t *o)
{
    unsigned q = npu_energy_kept(o);
    bool q3 = q & NPU_EQ_Q3, q26 = q & NPU_EQ_Q26;
    double fc = npu_energy_clock_GHz(c, q3);

    /* Which unit the op is charged to.  compat: the generator's OpType
     * inline, re-derived from the times in the pipeline (Q26); default:
     * always the unit that ran it. */
    npu_op_type_t type = op->op_type;
    if (!q26 || o->from_csv) {
        if (op->mxu_time_ns > 0)
            type = NPU_OP_MXU;
        else if (op->vpu_time_ns > 0)
            type = NPU_OP_VPU;
        if (q26)
            op->op_type = type;
    }
    op->num_setpm_sa = op->num_setpm_vu = op->num_setpm_sram = op->num_setpm_hbm = op->num_setpm_ici = 0;

    /* Step 2: the DVFS plan, from the op's slack before anything moves. */
    npu_dvfs_plan_t plan;
    npu_dvfs_plan((npu_dvfs_policy_t)o->dvfs, op, c->freq_GHz, fc, &plan);
    bool dvfs = plan.policy != NPU_DVFS_NONE;

    /* Step 3: component clocks: the plan's under DVFS, else (Q3) x freq/1.7. */
    double *tc[5] = {&op->mxu_time_ns, &op->vpu_time_ns, &op->vmem_time_ns, &op->memory_time_ns, &op->ici_time_ns};
    if (dvfs) {
        for (int i = 0; i < 5; i++)
            *tc[i] = plan.freq_GHz[i] > 0 ? rescale_time(*tc[i], c->freq_GHz, plan.freq_GHz[i]) : trunc(*tc[i]);
    } else if (q3) {
        for (int i = 0; i < 5; i++)
            *tc[i] = rescale_time(*tc[i], c->freq_GHz, fc);
    }

    /* Step 4: regulator efficiency from each component's activity
     * (indices: sa, vu, sram, hbm, ici as in npu.h). */
    double exe0 = op->exe_time_ns;
    double act[5];
    act[0] = act[1] = fmin(1, op->flops_util);
    act[2] = exe0 > 0 ? fmin(1, op->vmem_time_ns / exe0) : 0;
    act[3] = exe0 > 0 ? fmin(1, op->memory_time_ns / exe0) : 0;
    act[4] = exe0 > 0 ? fmin(1, op->ici_time_ns / exe0) : 0;
    op->dvfs_policy = (int)plan.policy;
    for (int i = 0; i < 5; i++) {
        op->dvfs_voltage_V[i] = plan.voltage_V[i];
        op->dvfs_freq_GHz[i] = plan.freq_GHz[i];
        op->dvfs_scaling_time_ns[i] = plan.scaling_time_ns[i];
        op->dvfs_efficiency_pct[i] =
            dvfs ? npu_dvfs_regulator_efficiency_pct(plan.scaling_time_ns[i], act[i],
                                                     plan.voltage_V[i] != 0 ? plan.voltage_V[i] : NEUSIM_DVFS_VOLTAGE_V)
                 : npu_regulator_efficiency_pct(act[i]);
    }
    set_exe_and_bound(op);

    /* Per-unit powers: the chip's, or with DVFS (or enable_dvfs) the
     * tables' at the plan's voltage and clock, where the SA and VU powers
     * are per unit, so x num_sa / num_vu is right once (no Q2). */
    bool q2 = q & NPU_EQ_Q2;
    bool tables = dvfs || c->enable_dvfs;
    double dynW[5], statW[5];
    if (tables) {
        for (int i = 0; i < 5; i++)
            npu_dvfs_power(&plan, i, &dynW[i], &statW[i]);
    } else {
        dynW[0] = c->dynamic_power_sa_W;
        dynW[1] = c->dynamic_power_vu_W;
        dynW[2] = c->dynamic_power_vmem_W;
        dynW[3] = c->dynamic_power_hbm_W;
        dynW[4] = c->dynamic_power_ici_W;
        statW[0] = c->static_power_sa_W;
        statW[1] = c->static_power_vu_W;
        statW[2] = c->static_power_vmem_W;
        statW[3] = c->static_power_hbm_W;
        statW[4] = c->static_power_ici_W;
    }
    /* the utilisations at each unit's clock (the chip's when it has none) */
    double f_sa = plan.freq_GHz[0] > 0 ? plan.freq_GHz[0] : c->freq_GHz;
    double f_vu = plan.freq_GHz[1] > 0 ? plan.freq_GHz[1] : c->freq_GHz;

    /* Step 5: dynamic energy. */
    double exe = op->exe_time_ns;
    double n_sa = q2 || tables ? c->num_sa : 1, n_vu = q2 || tables ? c->num_vu : 1; /* Q2: num_sa^2, num_vu^2 */
    op->dynamic_energy_sa_J = dynW[0] * op->mxu_time_ns * n_sa / 1e9 * sa_flops_util(op, c, f_sa);
    op->dynamic_energy_vu_J = dynW[1] * op->vpu_time_ns * n_vu / 1e9 * vu_flops_util(op, type, c, f_vu);
    op->dynamic_energy_sram_J = dynW[2] * op->vmem_time_ns / 1e9;
    op->dynamic_energy_ici_J = dynW[4] * op->ici_time_ns / 1e9;
    op->dynamic_energy_hbm_J = dynW[3] * op->memory_time_ns / 1e9;
    op->dynamic_energy_other_J = c->dynamic_power_other_W * exe / 1e9;

    /* Step 6: static energy with power gating (may lengthen component times). */
    op->static_energy_sa_J = sa_static_J(op, type, c, pg, f_sa, statW[0] * n_sa);
    op->static_energy_vu_J = vu_static_J(op, type, c, pg, f_vu, statW[1] * n_vu, q & NPU_EQ_Q20);
    op->static_energy_sram_J = vmem_static_J(op, type, c, pg, statW[2]);
    op->static_energy_ici_J = ici_static_J(op, c, pg, statW[4]);
    op->static_energy_hbm_J = hbm_static_J(op, c, pg, statW[3]);
    op->static_energy_other_J = c->static_power_other_W * exe / 1e9;

    /* Step 7: regulator losses (not for "other"). */
    double *stat[5] = {&op->static_energy_sa_J, &op->static_energy_vu_J, &op->static_energy_sram_J,
                       &op->static_energy_hbm_J, &op->static_energy_ici_J};
    double *dyn[5] = {&op->dynamic_energy_sa_J, &op->dynamic_energy_vu_J, &op->dynamic_energy_sram_J,
                      &op->dynamic_energy_hbm_J, &op->dynamic_energy_ici_J};
    for (int i = 0; i < 5; i++) {
        *dyn[i] *= 100.0 / op->dvfs_efficiency_pct[i];
        *stat[i] *= 100.0 / op->dvfs_efficiency_pct[i];
    }

    /* Step 8: wake-up overheads can make a component the new bound. */
    double t8[5] = {op->mxu_time_ns, op->vpu_time_ns, op->vmem_time_ns, op->memory_time_ns, op->ici_time_ns};
    npu_bound_t l8[5] = {NPU_BOUND_COMPUTE, NPU_BOUND_COMPUTE, NPU_BOUND_COMPUTE, NPU_BOUND_MEMORY, NPU_BOUND_ICI};
    for (int i = 0; i < 5; i++)
        if (t8[i] > op->exe_time_ns) {
            op->exe_time_ns = t8[i];
            op->bound = l8[i];
        }

    op->compute_time_ns = fmax(op->mxu_time_ns, op->vpu_time_ns);
    op->static_energy_J = op->static_energy_sa_J + op->static_energy_vu_J + op->static_energy_sram_J +
                          op->static_energy_hbm_J + op->static_energy_ici_J + op->static_energy_other_J;
    op->dynamic_energy_J = op->dynamic_energy_sa_J + op->dynamic_energy_vu_J + op->dynamic_energy_sram_J +
                           op->dynamic_energy_hbm_J + op->dynamic_energy_ici_J + op->dynamic_energy_other_J;
    op->total_energy_J = op->static_energy_J + op->dynamic_energy_J;
    exe = op->exe_time_ns;
    op->static_power_W = exe == 0 ? -1 : op->static_energy_J / exe * 1e9;
    op->dynamic_power_W = exe == 0 ? -1 : op->dynamic_energy_J / exe * 1e9;
    op->total_power_W = exe == 0 ? -1 : op->total_energy_J / exe * 1e9;
    op->tflops_per_sec = exe == 0 ? 0 : op->flops * 1e9 / exe / 1e12;
    op->hbm_bw_GBps = exe == 0 ? 0 : op->bytes / 1024 / 1024 / 1024 * 1e9 / exe;
    op->energy_done = true;
}

void npu_dvfs_extra(const npu_op_perf_t *op, double extra_ns[NPU_X__COUNT], double ratio[NPU_X__COUNT])
{
    double t[NPU_X__COUNT] = {op->mxu_time_ns, op->vpu_time_ns, op->memory_time_ns, op->ici_time_ns,
                              op->vmem_time_ns};
    for (int k = 0; k < NPU_X__COUNT; k++) {
        if (t[k] <= 0) {
            extra_ns[k] = 0;
            ratio[k] = 0;
            continue;
        }
        double x = fmax(0, op->exe_time_ns - t[k]);
        extra_ns[k] = trunc(x);
        ratio[k] = x / t[k];
    }
}

void npu_energy_ops(npu_energy_op_t *ops, size_t n, const npu_chip_t *c, const npu_pg_t *pg,
                    const npu_energy_opts_t *o)
{
    for (size_t i = 0; i < n; i++)
        npu_energy_op(&ops[i].perf, c, pg, o);
}

/* Per-component static and dynamic energy of one op, in npu_energy_comp_names order. */
static void op_energies(const npu_op_perf_t *p, double st[NPU_E__COUNT], double dy[NPU_E__COUNT])
{
    st[NPU_E_SA] = p->static_energy_sa_J;
    st[NPU_E_VU] = p->static_energy_vu_J;
    st[NPU_E_SRAM] = p->static_energy_sram_J;
    st[NPU_E_ICI] = p->static_energy_ici_J;
    st[NPU_E_HBM] = p->static_energy_hbm_J;
    st[NPU_E_OTHER] = p->static_energy_other_J;
    dy[NPU_E_SA] = p->dynamic_energy_sa_J;
    dy[NPU_E_VU] = p->dynamic_energy_vu_J;
    dy[NPU_E_SRAM] = p->dynamic_energy_sram_J;
    dy[NPU_E_ICI] = p->dynamic_energy_ici_J;
    dy[NPU_E_HBM] = p->dynamic_energy_hbm_J;
    dy[NPU_E_OTHER] = p->dynamic_energy_other_J;
}

static double safe_div(double a, double b)
{
    return b != 0 ? a / b : 0;
}

void npu_energy_aggregate(const npu_energy_op_t *ops, size_t n, const npu_chip_t *c, bool compat,
                          npu_energy_stats_t *s)
{
    npu_energy_aggregate_q(ops, n, c, compat ? NPU_EQ_ALL : 0, s);
}

void npu_energy_aggregate_q(const npu_energy_op_t *ops, size_t n, const npu_chip_t *c, unsigned quirks,
                            npu_energy_stats_t *s)
{
    memset(s, 0, sizeof *s);
    double fc = npu_energy_clock_GHz(c, quirks & NPU_EQ_Q3);
    double total_ns = 0, peak_flops = 0, sa_flops = 0, peak_power = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const npu_op_perf_t *p = &ops[i].perf;
        double k = ops[i].count, st[NPU_E__COUNT], dy[NPU_E__COUNT];
        op_energies(p, st, dy);
        s->total_energy_J += p->total_energy_J * k;
        for (int e = 0; e < NPU_E__COUNT; e++) {
            s->comp_energy_J[e] += (st[e] + dy[e]) * k;
            s->static_energy_J[e] += st[e] * k;
            s->dynamic_energy_J[e] += dy[e] * k;
        }
        s->total_static_energy_J += p->static_energy_J * k;
        s->total_dynamic_energy_J += p->dynamic_energy_J * k;
        peak_power = fmax(peak_power, p->total_power_W);
        total_ns += p->exe_time_ns * k;
        if (p->mxu_time_ns > 0)
            sa_flops += p->flops * k;
        /* The component clocks of the energy pass (NeuSim: the DVFS
         * frequency, the chip's when the plan has none). */
        double f_sa = !p->energy_done ? fc : p->dvfs_freq_GHz[0] > 0 ? p->dvfs_freq_GHz[0] : c->freq_GHz;
        double f_vu = !p->energy_done ? fc : p->dvfs_freq_GHz[1] > 0 ? p->dvfs_freq_GHz[1] : c->freq_GHz;
        peak_flops += p->mxu_time_ns * f_sa * c->num_sa * ((double)c->sa_dim * c->sa_dim) * 2 * k +
                      p->vpu_time_ns * f_vu * c->num_vu * VU_ALUS * k;
        s->comp.sa_time_ns += p->mxu_time_ns * k;
        s->comp.vu_time_ns += p->vpu_time_ns * k;
        s->comp.vmem_time_ns += p->vmem_time_ns * k;
        s->comp.hbm_time_ns += p->memory_time_ns * k;
        s->comp.ici_time_ns += p->ici_time_ns * k;
        s->comp.flop_count += p->flops * k;
        s->comp.hbm_bytes_accessed += p->bytes * k;
        s->comp.ici_bytes_accessed += (p->ici_out_bytes + p->ici_in_bytes) * k;
        s->comp.num_setpm_vu += p->num_setpm_vu * k;
        s->comp.num_setpm_sram += p->num_setpm_sram * k;
        double x[NPU_X__COUNT], r[NPU_X__COUNT];
        npu_dvfs_extra(p, x, r);
        for (int j = 0; j < NPU_X__COUNT; j++)
            s->comp.dvfs_extra_time_ns[j] += x[j] * k;
    }
    s->peak_power_W = n ? peak_power : 0;
    double total_s = total_ns / 1e9;
    s->avg_power_W = safe_div(s->total_energy_J, total_s);
    s->avg_static_power_W = safe_div(s->total_static_energy_J, total_s);
    s->avg_dynamic_power_W = safe_div(s->total_dynamic_energy_J, total_s);
    for (int e = 0; e < NPU_E__COUNT; e++) {
        s->avg_static_power_comp_W[e] = safe_div(s->static_energy_J[e], total_s);
        s->avg_dynamic_power_comp_W[e] = safe_div(s->dynamic_energy_J[e], total_s);
    }

    s->comp.total_exe_time_ns = total_ns;
    s->comp.sa_temp_util = safe_div(s->comp.sa_time_ns, total_ns);
    s->comp.vu_temp_util = safe_div(s->comp.vu_time_ns, total_ns);
    s->comp.vmem_temp_util = safe_div(s->comp.vmem_time_ns, total_ns);
    s->comp.hbm_temp_util = safe_div(s->comp.hbm_time_ns, total_ns);
    s->comp.ici_temp_util = safe_div(s->comp.ici_time_ns, total_ns);
    s->comp.sa_spatial_util = s->comp.sa_time_ns > 0 ? sa_flops / peak_flops : 0;
    s->comp.tflops_per_sec = safe_div(s->comp.flop_count / 1e12, total_ns / 1e9);
    s->comp.flop_per_byte_hbm = safe_div(s->comp.flop_count, s->comp.hbm_bytes_accessed);
    s->comp.flop_per_byte_ici = safe_div(s->comp.flop_count, s->comp.ici_bytes_accessed);

    /* Time-weighted utilisations, einsum sizes weighted by SA time, and
     * the plain mean of the SRAM demand (4 MiB for ops without tiles). */
    double sumB = 0, sumK = 0, sumN = 0, sumM = 0, vmem_sum = 0;
    size_t n_mxu = 0;
    for (size_t i = 0; i < n; i++) {
        const npu_op_perf_t *p = &ops[i].perf;
        double k = ops[i].count;
        double w = safe_div(p->exe_time_ns * k, total_ns);
        s->comp.model_flops_util += p->flops_util * w;
        s->comp.hbm_bw_util += p->hbm_bw_util * w;
        if (ops[i].mxu_stats) {
            sumB += ops[i].einsum_B * p->mxu_time_ns * k;
            sumK += ops[i].einsum_K * p->mxu_time_ns * k;
            sumN += ops[i].einsum_N * p->mxu_time_ns * k;
            sumM += ops[i].einsum_M * p->mxu_time_ns * k;
            n_mxu++;
            vmem_sum += p->max_vmem_demand_bytes / 1024 / 1024;
        } else {
            vmem_sum += 4;
        }
    }
    double sa_ns = s->comp.sa_time_ns;
    /* einsum-avg quirk: M, K and N are the mean over einsum records of
     * size x time, divided by the total SA time: too small by the record
     * count. */
    double kmn_div = (quirks & NPU_EQ_EINSUM_AVG) && n_mxu ? (double)n_mxu : 1;
    s->comp.avg_einsum_B = sa_ns > 0 ? sumB / sa_ns : 0;
    s->comp.avg_einsum_K = sa_ns > 0 ? sumK / kmn_div / sa_ns : 0;
    s->comp.avg_einsum_N = sa_ns > 0 ? sumN / kmn_div / sa_ns : 0;
    s->comp.avg_einsum_M = sa_ns > 0 ? sumM / kmn_div / sa_ns : 0;
    s->comp.avg_vmem_demand_MB = n ? vmem_sum / (double)n : 0;

    double comp_ns[NPU_X__COUNT] = {s->comp.sa_time_ns, s->comp.vu_time_ns, s->comp.hbm_time_ns,
                                    s->comp.ici_time_ns, s->comp.vmem_time_ns};
    for (int j = 0; j < NPU_X__COUNT; j++)
        s->comp.dvfs_extra_ratio[j] = safe_div(s->comp.dvfs_extra_time_ns[j], comp_ns[j]);
    s->comp.slowdown = 1;
}

void npu_energy_set_slowdown(npu_energy_stats_t *s, const npu_energy_stats_t *nopg)
{
    s->comp.slowdown = safe_div(s->comp.total_exe_time_ns, nopg->comp.total_exe_time_ns);
}

double npu_energy_per_token_J(const npu_energy_stats_t *s, int num_chips, double tokens_per_s)
{
    return tokens_per_s > 0 ? s->avg_power_W * num_chips * s->comp.slowdown / tokens_per_s : 0;
}

static void put_num(json_t *o, const char *key, double v)
{
    json_object_set_new(o, key, json_real(v));
}

/* Counters NeuSim keeps as Python ints. */
static void put_int(json_t *o, const char *key, double v)
{
    json_object_set_new(o, key, json_integer((json_int_t)llround(v)));
}

/* A ratio NeuSim sets to the integer 0 when its denominator is empty. */
static void put_num_or_0(json_t *o, const char *key, double v, bool empty)
{
    if (empty)
        json_object_set_new(o, key, json_integer(0));
    else
        put_num(o, key, v);
}

json_t *npu_energy_stats_json(const npu_energy_stats_t *s)
{
    json_t *o = json_object();
    char key[64];
    put_num(o, "total_energy_J", s->total_energy_J);
    for (int e = 0; e < NPU_E__COUNT; e++) {
        snprintf(key, sizeof key, "%s_energy_J", npu_energy_comp_names[e]);
        put_num(o, key, s->comp_energy_J[e]);
    }
    put_num(o, "total_static_energy_J", s->total_static_energy_J);
    for (int e = 0; e < NPU_E__COUNT; e++) {
        snprintf(key, sizeof key, "static_%s_energy_J", npu_energy_comp_names[e]);
        put_num(o, key, s->static_energy_J[e]);
    }
    put_num(o, "total_dynamic_energy_J", s->total_dynamic_energy_J);
    for (int e = 0; e < NPU_E__COUNT; e++) {
        snprintf(key, sizeof key, "dynamic_%s_energy_J", npu_energy_comp_names[e]);
        put_num(o, key, s->dynamic_energy_J[e]);
    }
    put_num(o, "peak_power_W", s->peak_power_W);
    put_num(o, "avg_power_W", s->avg_power_W);
    put_num(o, "avg_static_power_W", s->avg_static_power_W);
    for (int e = 0; e < NPU_E__COUNT; e++) {
        snprintf(key, sizeof key, "avg_static_%s_power_W", npu_energy_comp_names[e]);
        put_num(o, key, s->avg_static_power_comp_W[e]);
    }
    put_num(o, "avg_dynamic_power_W", s->avg_dynamic_power_W);
    for (int e = 0; e < NPU_E__COUNT; e++) {
        snprintf(key, sizeof key, "avg_dynamic_%s_power_W", npu_energy_comp_names[e]);
        put_num(o, key, s->avg_dynamic_power_comp_W[e]);
    }

    json_t *cs = json_object();
    put_int(cs, "total_exe_time_ns", s->comp.total_exe_time_ns);
    put_int(cs, "sa_time_ns", s->comp.sa_time_ns);
    put_int(cs, "vu_time_ns", s->comp.vu_time_ns);
    put_int(cs, "vmem_time_ns", s->comp.vmem_time_ns);
    put_int(cs, "hbm_time_ns", s->comp.hbm_time_ns);
    put_int(cs, "ici_time_ns", s->comp.ici_time_ns);
    put_num(cs, "sa_temp_util", s->comp.sa_temp_util);
    put_num(cs, "vu_temp_util", s->comp.vu_temp_util);
    put_num(cs, "vmem_temp_util", s->comp.vmem_temp_util);
    put_num(cs, "hbm_temp_util", s->comp.hbm_temp_util);
    put_num(cs, "ici_temp_util", s->comp.ici_temp_util);
    bool no_sa = s->comp.sa_time_ns <= 0; /* NeuSim writes an integer 0 then */
    put_num_or_0(cs, "sa_spatial_util", s->comp.sa_spatial_util, no_sa);
    put_int(cs, "flop_count", s->comp.flop_count);
    put_int(cs, "hbm_bytes_accessed", s->comp.hbm_bytes_accessed);
    put_int(cs, "ici_bytes_accessed", s->comp.ici_bytes_accessed);
    put_num(cs, "tflops_per_sec", s->comp.tflops_per_sec);
    put_num(cs, "flop_per_byte_hbm", s->comp.flop_per_byte_hbm);
    put_num_or_0(cs, "flop_per_byte_ici", s->comp.flop_per_byte_ici, s->comp.ici_bytes_accessed <= 0);
    put_num(cs, "model_flops_util", s->comp.model_flops_util);
    put_num(cs, "hbm_bw_util", s->comp.hbm_bw_util);
    put_num_or_0(cs, "avg_einsum_B", s->comp.avg_einsum_B, no_sa);
    put_num_or_0(cs, "avg_einsum_K", s->comp.avg_einsum_K, no_sa);
    put_num_or_0(cs, "avg_einsum_N", s->comp.avg_einsum_N, no_sa);
    put_num_or_0(cs, "avg_einsum_M", s->comp.avg_einsum_M, no_sa);
    put_num(cs, "avg_vmem_demand_MB", s->comp.avg_vmem_demand_MB);
    for (int j = 0; j < NPU_X__COUNT; j++) {
        snprintf(key, sizeof key, "dvfs_extra_%s_time_ns", npu_dvfs_extra_names[j]);
        put_int(cs, key, s->comp.dvfs_extra_time_ns[j]);
    }
    for (int j = 0; j < NPU_X__COUNT; j++) {
        snprintf(key, sizeof key, "dvfs_extra_%s_ratio", npu_dvfs_extra_names[j]);
        put_num(cs, key, s->comp.dvfs_extra_ratio[j]);
    }
    put_num(cs, "slowdown", s->comp.slowdown);
    put_int(cs, "num_setpm_vu", s->comp.num_setpm_vu);
    put_int(cs, "num_setpm_sram", s->comp.num_setpm_sram);
    json_object_set_new(o, "component_stats", cs);
    return o;
}

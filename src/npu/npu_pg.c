/*
 * npu_pg.c -- the power-gating strategies of the NPU energy model: the
 * {name, fn} table of named strategies (exact names and Base/HW/Full
 * prefixes) and the _vary_Vth_A_B / _vary_PG_delay_R modifiers.  Values
 * are NeuSim's (power_analysis_lib.get_power_gating_config at 45dbdc1).
 */
#include "npu/npu_pg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/named.h"
#include "config/node.h"

/* NeuSim's PowerGatingConfig defaults: nothing gated. */
static void pg_defaults(npu_pg_t *p)
{
    memset(p, 0, sizeof *p);
    p->sa = (npu_pg_unit_t){false, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_COMPONENT, 0.0, 10};
    p->sa_pe_delay_cycles = 1;
    p->vu = (npu_pg_unit_t){false, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_COMPONENT, 0.0, 2};
    p->vmem = (npu_pg_unit_t){false, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_PARTITION, 0.0, 10};
    p->vmem_voltage = NPU_PG_TWO_LEVEL;
    p->vmem_partition_bytes = 2.0 * 1024 * 1024;
    p->vmem_drowsy_period_cycles = 2000;
    p->ici = (npu_pg_unit_t){false, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_COMPONENT, 0.0, 10};
    p->hbm = (npu_pg_unit_t){false, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_COMPONENT, 0.1, 60};
    p->hbm_refresh_interval_ns = 3900;
    p->hbm_refresh_delay_ns = 400;
    p->other = (npu_pg_unit_t){false, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_COMPONENT, 0.0, 0};
}

static void pg_nopg(npu_pg_t *p)
{
    snprintf(p->name, sizeof p->name, "NoPG");
}

/* Zero-overhead gating of whole components, per instruction or per operator. */
static void pg_ideal_component(npu_pg_t *p, npu_pg_temporal_t t)
{
    p->sa.enabled = p->vu.enabled = p->vmem.enabled = p->ici.enabled = true;
    p->sa.temporal = p->vu.temporal = p->vmem.temporal = p->ici.temporal = t;
    p->sa.spatial = p->vu.spatial = p->ici.spatial = NPU_PG_COMPONENT;
    p->vmem.spatial = NPU_PG_PARTITION;
    p->vmem.gated_factor = 0.0;
}

static void pg_ideal_inst_component(npu_pg_t *p)
{
    snprintf(p->name, sizeof p->name, "ideal_inst_component");
    pg_ideal_component(p, NPU_PG_INSTRUCTION);
}

static void pg_ideal_op_component(npu_pg_t *p)
{
    snprintf(p->name, sizeof p->name, "ideal_op_component");
    pg_ideal_component(p, NPU_PG_OPERATOR);
}

/* Instruction-level, PE/ALU-level gating with no wake-up cost and no
 * leakage when gated: the upper bound of the savings. */
static void pg_ideal(npu_pg_t *p)
{
    snprintf(p->name, sizeof p->name, "Ideal");
    p->sa = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_PE, 0.0, 0};
    p->sa_pe_delay_cycles = 0;
    p->vu = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_ALU, 0.0, 0};
    p->vmem = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_REGISTER_SIZE, 0.0, 0};
    p->ici = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_COMPONENT, 0.0, 0};
    p->hbm.enabled = true;
    p->hbm.policy = NPU_PG_SW;
    p->hbm.delay_cycles = 0;
}

/* What Base, HW and Full share: VU, SRAM, ICI and HBM gated per
 * instruction with realistic leakage and delays. */
static void pg_realistic(npu_pg_t *p)
{
    p->vu = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_COMPONENT, 0.03, 2};
    p->vmem = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_REGISTER_SIZE, 0.25, 4};
    p->vmem_drowsy_period_cycles = 2000;
    p->ici = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_COMPONENT, 0.03, 60};
    p->hbm.enabled = true;
    p->hbm.policy = NPU_PG_HW;
}

/* Hardware idle detection on whole components (the SA keeps its weight
 * registers powered: 5 % leakage when gated). */
static void pg_base(npu_pg_t *p)
{
    snprintf(p->name, sizeof p->name, "Base");
    pg_realistic(p);
    p->sa = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_COMPONENT, 0.05, 10};
    p->sa_pe_delay_cycles = 1;
}

/* Base with PE-level SA gating. */
static void pg_hw(npu_pg_t *p)
{
    snprintf(p->name, sizeof p->name, "HW");
    pg_realistic(p);
    p->sa = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_PE, 0.03, 10};
    p->sa_pe_delay_cycles = 1;
}

/* HW with compiler-managed (setpm) VU, SRAM and HBM gating. */
static void pg_full(npu_pg_t *p)
{
    snprintf(p->name, sizeof p->name, "Full");
    pg_realistic(p);
    p->sa = (npu_pg_unit_t){true, NPU_PG_HW, NPU_PG_INSTRUCTION, NPU_PG_PE, 0.03, 10};
    p->sa_pe_delay_cycles = 1;
    p->vu.policy = NPU_PG_SW;
    p->vmem.policy = NPU_PG_SW;
    p->vmem.gated_factor = 0.0002;
    p->vmem.delay_cycles = 10;
    p->hbm.policy = NPU_PG_SW;
}

typedef struct {
    const char *name;
    void (*fn)(npu_pg_t *);
    bool prefix;    /* matches every name that starts with it */
} pg_entry_t;

static const pg_entry_t PG_TABLE[] = {
    {"NoPG", pg_nopg, false},
    {"disabled", pg_nopg, false},
    {"ideal_inst_component", pg_ideal_inst_component, false},
    {"ideal_op_component", pg_ideal_op_component, false},
    {"Ideal", pg_ideal, false},
    {"ideal_inst_PE_ALU", pg_ideal, false},
    {"Base", pg_base, true},
    {"HW", pg_hw, true},
    {"Full", pg_full, true},
};
#define PG_COUNT (sizeof PG_TABLE / sizeof PG_TABLE[0])

const char *npu_pg_names(void)
{
    return "NoPG, disabled, ideal_inst_component, ideal_op_component, Ideal, ideal_inst_PE_ALU, "
           "Base*, HW*, Full* (+ _vary_Vth_A_B, _vary_PG_delay_R)";
}

/* Field k from the end (1 = last) of name split on '_', as NeuSim's
 * name.split("_")[-k], parsed as a finite number >= 0. */
static int field_from_end(const char *name, int k, double *out)
{
    const char *end = name + strlen(name), *p = end;
    for (int i = 0; i < k; i++) {
        if (i > 0) {
            if (p == name)
                return -1;
            end = p - 1; /* before the '_' */
            p = end;
        }
        while (p > name && p[-1] != '_')
            p--;
    }
    char buf[64];
    size_t len = (size_t)(end - p);
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *stop;
    errno = 0;
    double v = strtod(buf, &stop);
    if (errno || *stop != '\0' || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int scale_delay(int cycles, double r)
{
    return (int)ceil(cycles * r);
}

int npu_pg_get(const char *name, npu_pg_t *pg, char *err, size_t errlen)
{
    const pg_entry_t *hit = NULL;
    for (size_t i = 0; i < PG_COUNT && !hit; i++)
        if (!PG_TABLE[i].prefix && strcmp(name, PG_TABLE[i].name) == 0)
            hit = &PG_TABLE[i];
    for (size_t i = 0; i < PG_COUNT && !hit; i++)
        if (PG_TABLE[i].prefix && strncmp(name, PG_TABLE[i].name, strlen(PG_TABLE[i].name)) == 0)
            hit = &PG_TABLE[i];
    if (!hit) {
        /* named_find writes the "unknown ... (valid: ...)" message */
        named_find(PG_TABLE, PG_COUNT, sizeof PG_TABLE[0], name, "power-gating strategy", err, errlen);
        const char *names[PG_COUNT];
        for (size_t i = 0; i < PG_COUNT; i++)
            names[i] = PG_TABLE[i].name;
        const char *near = cfg_nearest(name, names, PG_COUNT);
        size_t len = strlen(err);
        if (near && len < errlen)
            snprintf(err + len, errlen - len, "; did you mean '%s'?", near);
        return -1;
    }
    pg_defaults(pg);
    hit->fn(pg);

    if (strstr(name, "vary_Vth")) {
        double vth, vth_sram;
        if (field_from_end(name, 2, &vth) < 0 || field_from_end(name, 1, &vth_sram) < 0) {
            snprintf(err, errlen, "power-gating strategy '%s': expected NAME_vary_Vth_A_B with numbers A, B >= 0",
                     name);
            return -1;
        }
        snprintf(pg->name, sizeof pg->name, "%s", name);
        pg->sa.gated_factor = pg->vu.gated_factor = pg->ici.gated_factor = vth;
        pg->hbm.gated_factor = pg->other.gated_factor = vth;
        pg->vmem.gated_factor = vth_sram;
    }
    if (strstr(name, "vary_PG_delay")) {
        double r;
        if (field_from_end(name, 1, &r) < 0) {
            snprintf(err, errlen, "power-gating strategy '%s': expected NAME_vary_PG_delay_R with a number R >= 0",
                     name);
            return -1;
        }
        snprintf(pg->name, sizeof pg->name, "%s", name);
        pg->sa.delay_cycles = scale_delay(pg->sa.delay_cycles, r);
        pg->vu.delay_cycles = scale_delay(pg->vu.delay_cycles, r);
        pg->vmem.delay_cycles = scale_delay(pg->vmem.delay_cycles, r);
        pg->ici.delay_cycles = scale_delay(pg->ici.delay_cycles, r);
    }
    return 0;
}

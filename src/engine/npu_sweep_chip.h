/*
 * npu_sweep_chip.h -- one entry of an `npu:` sweep's chips list: a NeuSim
 * chip (a name under inputs/npu/chips or a chip file), or a chip of a
 * hardware exploration, DB.db:CHIP_ID or a hardware YAML that yields one
 * valid chip (engine/npu_hwchip_src.c, as `hwsweep npu --chip` takes
 * them), mapped onto the base NPU chip by engine/npu_hwchip_map.c.
 */
#ifndef ENGINE_NPU_SWEEP_CHIP_H
#define ENGINE_NPU_SWEEP_CHIP_H
#include <stdbool.h>
#include <stddef.h>

#include "config/node.h"
#include "store/npu_hwchip.h"

/* The technology constants a hardware YAML is explored with (those of
 * `hwsweep npu --chip HW.yaml` and of hardware sweeps by default). */

typedef struct {
    char path[4096];   /* the NeuSim chip file merged (the base chip for a hardware chip) */
    char input[4096];  /* the file the sweep records and checks on resume (the database or YAML) */
    bool hw;           /* a hardware chip: hwc overwrites the chip keys after the merge */
    npu_hwchip_t hwc;
} npu_sweep_chip_t;

/* Resolve spec into out; false with err (located at the list item `at`). */
bool npu_sweep_chip_resolve(const char *spec, const node_t *at, npu_sweep_chip_t *out, cfg_err_t *err);

#endif

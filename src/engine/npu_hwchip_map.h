/*
 * npu_hwchip_map.h -- a chip of a hardware exploration as an NPU chip
 * (`hwsweep npu --chip DB.db:CHIP_ID`, or `--chip HW.yaml` explored in
 * memory by engine/npu_hwchip_src.c): its peak FLOP/s, SRAM, HBM bandwidth
 * and capacity, link bandwidth and clock replace the fields of a base NPU
 * chip (TPUv5p's file); everything the hardware model does not describe
 * (MXU edge, vector units, VMEM ports, latencies, power split) stays the
 * base chip's.  The mapping is documented in docs/npu-model.md.
 */
#ifndef ENGINE_NPU_HWCHIP_MAP_H
#define ENGINE_NPU_HWCHIP_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "npu/npu_config.h"
#include "store/npu_hwchip.h"

/* The base chip file a hardware chip is mapped onto. */
#define NPU_HWCHIP_BASE "tpuv5p"

/* "DB.db:CHIP_ID" -> path and id; false when spec is not of that form. */
bool npu_hwchip_spec(const char *spec, char *path, size_t plen, char *id, size_t ilen);
/* The one record the mapping takes, from a hardware chip and its package
 * (as the hardware engine evaluates them, or as the database holds them):
 * the link is a package-to-package link (else chip-to-chip); HBM and 3D
 * memory bandwidth and capacity are the package's divided by its chips. */
void npu_hwchip_of(const chip_t *c, const package_t *p, npu_hwchip_t *h);
/* Overwrite the chip keys of c (merged from the base chip) with h's; false + err
 * when h cannot be an NPU chip (no clock, no FLOP/s, no HBM). */
bool npu_hwchip_apply(npu_config_t *c, const npu_hwchip_t *h, char *err, size_t errlen);

#endif

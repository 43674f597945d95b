/*
 * npu_hwchip.h -- read one chip of a hardware-exploration database
 * (`hwsweep hw`'s chips and packages tables) for the NPU per-operator
 * model: `hwsweep npu --chip DB.db:CHIP_ID`.  The chip and its package are
 * read whole, as the hardware engine made them, so that a hardware YAML
 * explored in memory gives the same structs; the one record the mapper
 * takes (npu_hwchip_t) is made of them by engine/npu_hwchip_map.c's
 * npu_hwchip_of, and mapped onto the NPU chip fields there.  This file
 * only reads.
 */
#ifndef STORE_NPU_HWCHIP_H
#define STORE_NPU_HWCHIP_H

#include <stdbool.h>
#include <stddef.h>

#include "hw/hw.h"

/* What the NPU mapping takes of a hardware chip (engine/npu_hwchip_map.h). */
typedef struct {
    char chip_id[128];
    double perf_flops, freq_hz, sram_bytes, sram_bw_bytes_per_s;
    double link_bw_bytes_per_s;          /* one package-to-package link (else chip-to-chip) */
    double hbm_bw_bytes_per_s, hbm_cap_bytes;   /* the package's HBM + 3D memory, per chip */
    double tdp_w;
} npu_hwchip_t;

/* The first valid chip with chip_id in the database at path that has a
 * valid package, and that package (pkg->chip = chip); false with err ("no
 * valid chip 'x' (did you mean 'y'?)"). */
bool npu_hwchip_load(const char *path, const char *chip_id, chip_t *chip, package_t *pkg, char *err, size_t errlen);

#endif

/*
 * npu_hwchip.h -- read one chip of a hardware-exploration database
 * (`hwsweep hw`'s chips and packages tables) for the NPU per-operator
 * model: `hwsweep npu --chip DB.db:CHIP_ID`.  The mapping onto the NPU
 * chip fields is npu/npu_hwchip_map.c; this file only reads.
 */
#ifndef STORE_NPU_HWCHIP_H
#define STORE_NPU_HWCHIP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char chip_id[128];
    double perf_flops, freq_hz, sram_bytes, sram_bw_bytes_per_s;
    double link_bw_bytes_per_s;          /* one package-to-package link (else chip-to-chip) */
    double hbm_bw_bytes_per_s, hbm_cap_bytes;   /* the package's HBM + 3D memory, per chip */
    double tdp_w;
} npu_hwchip_t;

/* The first valid chip with chip_id in the database at path (its first
 * package); false with err ("no valid chip 'x' in DB (did you mean 'y'?)"). */
bool npu_hwchip_load(const char *path, const char *chip_id, npu_hwchip_t *out, char *err, size_t errlen);

#endif

/*
 * npu_hwchip_src.h -- where `hwsweep npu --chip SPEC` takes a hardware
 * chip from: DB.db:CHIP_ID (a chip of a hardware exploration), or a
 * ReaLLM hardware YAML (top-level Name, Chip, Package, Server) explored in
 * memory with the hardware engine, which must yield exactly one valid
 * chip.  Anything else is a NeuSim chip (a name under inputs/npu/chips or
 * a NeuSim chip file).  Both hardware forms give the same chip_t and
 * package_t, made into the mapper's record by npu_hwchip_of.
 */
#ifndef ENGINE_NPU_HWCHIP_SRC_H
#define ENGINE_NPU_HWCHIP_SRC_H

#include "config/node.h"
#include "store/npu_hwchip.h"

/* 1: spec is a hardware chip, its record in out; 0: spec is a NeuSim chip
 * (name or file), out untouched; -1: err says what is wrong ("file:line:col:
 * ..." for a YAML that is neither kind, or that yields no or several valid
 * chips).  constants_path: the technology constants for a hardware YAML. */
int npu_hwchip_resolve(const char *spec, const char *constants_path, npu_hwchip_t *out, cfg_err_t *err);

#endif

/*
 * npu_sweep_chip.c -- the chips of an `npu:` sweep: NeuSim chips or chips
 * of a hardware exploration (see npu_sweep_chip.h).
 */
#include "engine/npu_sweep_chip.h"

#include <stdio.h>
#include <string.h>

#include "config/paths.h"
#include "engine/npu_hwchip_map.h"
#include "engine/npu_hwchip_src.h"
#include "npu/npu_config.h"

bool npu_sweep_chip_resolve(const char *spec, const node_t *at, npu_sweep_chip_t *out, cfg_err_t *err)
{
    memset(out, 0, sizeof *out);
    char constants[4096];
    cfg_err_t e2;
    int hw = npu_hwchip_resolve(spec, paths_shipped(PATHS_DEFAULT_CONSTANTS, constants, sizeof constants), &out->hwc,
                                &e2);
    if (hw < 0) {
        cfg_node_errorf(err, at, "npu.chips: %s", e2.msg);
        return false;
    }
    out->hw = hw == 1;
    if (!npu_config_resolve("chips", out->hw ? NPU_HWCHIP_BASE : spec, out->path, sizeof out->path, &e2)) {
        cfg_node_errorf(err, at, "%s", e2.msg);
        return false;
    }
    /* DB.db:CHIP_ID records the database, a hardware YAML itself, a NeuSim chip its file */
    char db[4096], id[256];
    if (out->hw && npu_hwchip_spec(spec, db, sizeof db, id, sizeof id))
        snprintf(out->input, sizeof out->input, "%s", db);
    else
        snprintf(out->input, sizeof out->input, "%s", out->hw ? spec : out->path);
    if (out->hw) {
        /* the mapping's own checks (clock, FLOP/s, HBM), before any configuration runs */
        npu_config_t c;
        npu_config_defaults(&c);
        char why[512];
        if (!npu_config_merge_file(&c, out->path, &e2)) {
            cfg_node_errorf(err, at, "%s", e2.msg);
            return false;
        }
        if (!npu_hwchip_apply(&c, &out->hwc, why, sizeof why)) {
            cfg_node_errorf(err, at, "npu.chips: %s: %s", spec, why);
            return false;
        }
    }
    return true;
}

/*
 * npu_hwchip_src.c -- a hardware chip for `hwsweep npu --chip` from a
 * database or from a hardware YAML explored in memory (see
 * npu_hwchip_src.h).  Nothing is written.
 */
#include "engine/npu_hwchip_src.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/hw_engine.h"
#include "engine/npu_hwchip_map.h"
#include "hw/hw_config.h"
#include "npu/npu_config.h"

static const char *const hw_top[] = {"Name", "Chip", "Package", "Server"};

/* 1 hardware YAML, 0 NeuSim chip file, -1 neither (err at the first key) */
static int yaml_kind(const node_t *root, cfg_err_t *err)
{
    bool npu = false;
    for (size_t i = 0; i < root->n; i++) {
        for (size_t k = 0; k < 4; k++)
            if (strcmp(root->keys[i], hw_top[k]) == 0)
                return 1;
        npu |= npu_config_index(root->keys[i]) >= 0;
    }
    if (npu)
        return 0;
    const char *key = root->n ? root->keys[0] : "";
    const char *near = root->n ? cfg_nearest(key, hw_top, 4) : NULL;
    cfg_errorf(err, root->file, root->n ? root->key_line[0] : root->line, root->n ? root->key_col[0] : root->col,
               "--chip: '%s' is neither a NeuSim chip key (an NPU chip file, such as inputs/npu/chips/tpuv5p.yaml: "
               "num_sa, freq_GHz, hbm_bw_GBps, ...) nor a ReaLLM hardware key (a hardware file, such as "
               "inputs/hardware/config/tpuv4.yaml: Name, Chip, Package, Server)%s%s%s",
               key, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    return -1;
}

static int from_yaml(cfg_doc_t *doc, const char *path, const char *constants_path, npu_hwchip_t *out,
                     cfg_err_t *err)
{
    const node_t *root = cfg_doc_root(doc);
    int at = cfg_key_index(root, "Chip");
    int line = at >= 0 ? root->key_line[at] : root->line, col = at >= 0 ? root->key_col[at] : root->col;
    hw_constants_t hc;
    hw_config_t cfg;
    if (hw_constants_load(constants_path, &hc, err)) {
        cfg_doc_free(doc);
        return -1;
    }
    if (hw_config_bind(doc, root, &cfg, err)) {
        cfg_doc_free(doc);
        return -1;
    }
    hw_points_t pts;
    if (hw_engine_parts(&cfg, &hc, 1, &pts)) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory exploring the hardware", path);
        hw_config_free(&cfg);
        return -1;
    }
    size_t valid = 0, pick = 0;
    for (size_t i = 0; i < pts.n_chips; i++)
        if (pts.chips[i].valid && valid++ == 0)
            pick = i;
    const package_t *pkg = NULL;
    for (size_t i = 0; valid == 1 && i < pts.n_packages && !pkg; i++)
        if (pts.packages[i].valid && pts.packages[i].chip == &pts.chips[pick])
            pkg = &pts.packages[i];
    int rc = 1;
    if (valid != 1) {
        char ids[256] = "";
        for (size_t i = 0, k = 0; i < pts.n_chips && k < 8; i++)
            if (pts.chips[i].valid) {
                size_t l = strlen(ids);
                snprintf(ids + l, sizeof ids - l, "%s%s", k++ ? ", " : "", pts.chips[i].chip_id);
            }
        cfg_errorf(err, path, line, col,
                   "--chip: this hardware yields %zu chips, %zu of them valid; --chip takes a hardware file that "
                   "yields exactly one valid chip: explore it with `hwsweep hw %s` and pick a valid chip as "
                   "--chip outputs/%s/%s.db:CHIP_ID%s%s%s",
                   pts.n_chips, valid, path, cfg.name, cfg.name, valid ? " (valid chip ids: " : "", ids,
                   valid ? (valid > 8 ? ", ...)" : ")") : "");
        rc = -1;
    } else if (!pkg) {
        cfg_errorf(err, path, line, col,
                   "--chip: chip '%s' has no valid package (%zu package configurations): %s", pts.chips[pick].chip_id,
                   pts.n_packages, pts.n_packages ? pts.packages[0].invalid_reason : "none given");
        rc = -1;
    } else {
        npu_hwchip_of(&pts.chips[pick], pkg, out);
    }
    hw_points_free(&pts);
    hw_config_free(&cfg);
    return rc;
}

int npu_hwchip_resolve(const char *spec, const char *constants_path, npu_hwchip_t *out, cfg_err_t *err)
{
    char db[4096], id[128];
    if (npu_hwchip_spec(spec, db, sizeof db, id, sizeof id)) {
        chip_t chip;
        package_t pkg;
        char why[CFG_ERR_MAX - 16];
        if (!npu_hwchip_load(db, id, &chip, &pkg, why, sizeof why)) {
            snprintf(err->msg, sizeof err->msg, "--chip %s", why);
            return -1;
        }
        npu_hwchip_of(&chip, &pkg, out);
        return 1;
    }
    /* a file that is YAML (NeuSim's JSON chips are NeuSim chips; names are resolved by the NPU config) */
    struct stat st;
    size_t n = strlen(spec);
    if (stat(spec, &st) != 0 || !S_ISREG(st.st_mode) || (n > 5 && strcmp(spec + n - 5, ".json") == 0))
        return 0;
    cfg_doc_t *doc = cfg_load_file(spec, err);
    if (!doc)
        return -1;
    int kind = yaml_kind(cfg_doc_root(doc), err);
    if (kind != 1) {
        cfg_doc_free(doc);
        return kind;
    }
    return from_yaml(doc, spec, constants_path, out, err);
}

/*
 * hw_config.c -- schemas of the hardware YAML (Name, Chip, Package,
 * Server) and of the constants YAML (Chip, Package, Server, TCO, Energy),
 * with the defaults of ReaLLM v1, and the expansion of each part into its
 * list of configurations.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/schema.h"
#include "config/named.h"
#include "hw/hw_config.h"

#define NUM(s, k, fl) {.key = #k, .type = F_NUM, .off = offsetof(s, k), .flags = (fl)}
#define NUMD(s, k, fl, d) {.key = #k, .type = F_NUM, .off = offsetof(s, k), .flags = (fl), .def = (d), .has_def = 1}
#define BOOLD(s, k, d) {.key = #k, .type = F_BOOL, .off = offsetof(s, k), .def = (d), .has_def = 1}
#define STR(s, k, fl) {.key = #k, .type = F_STR, .off = offsetof(s, k), .size = sizeof(((s *)0)->k), .flags = (fl)}
#define SUB(s, k, sch, fl) {.key = #k, .type = F_SUB, .off = offsetof(s, k), .sub = &(sch), .flags = (fl)}
#define SUBK(s, key_, k, sch) {.key = key_, .type = F_SUB, .off = offsetof(s, k), .sub = &(sch), .flags = FF_REQUIRED}
#define IGNORE(k) {.key = k, .type = F_IGNORE}
#define SCHEMA(name, what, fields, present) \
    static const schema_t name = {what, fields, sizeof(fields) / sizeof((fields)[0]), present}

enum { R = FF_REQUIRED, P = FF_POSITIVE, N = FF_NONNEG, I = FF_INTEGER };

/* ---- constants ---------------------------------------------------------- */

static const field_t chip_const_fields[] = {
    NUM(chip_constants_t, sram_density, R | P), NUM(chip_constants_t, macs_density, R | P),
    NUM(chip_constants_t, w_per_tops, R | N), NUM(chip_constants_t, max_power_density, R | P),
    NUM(chip_constants_t, padring_width, R | N), NUM(chip_constants_t, max_die_area, R | P),
    NUM(chip_constants_t, D0, R | N), NUM(chip_constants_t, alpha, R | P),
    NUM(chip_constants_t, wafer_diameter, R | P), NUM(chip_constants_t, wafer_dicing_gap, R | N),
    NUM(chip_constants_t, wafer_cost, R | N), NUM(chip_constants_t, testing_cost_overhead, R | N),
    NUM(chip_constants_t, hbm_phy_ctrl_area_per_channel, R | N),
    NUM(chip_constants_t, mem_3d_tsv_ctrl_area_per_vault, N), NUM(chip_constants_t, mem_3d_ctrl_area_per_vault, N),
    NUM(chip_constants_t, mem_3d_area_per_tsv, N), NUM(chip_constants_t, mem_3d_test_area_per_vault, N),
};
SCHEMA(chip_const_schema, "Chip", chip_const_fields, -1);

static int bind_layer_factors(const field_t *f, const node_t *v, void *obj, cfg_err_t *err);

static const field_t pkg_const_fields[] = {
    NUM(package_constants_t, max_die_area, R | P), NUM(package_constants_t, max_power_density, R | P),
    NUM(package_constants_t, os_area_scale_factor, R | P), NUM(package_constants_t, os_cost_per_mm2, R | N),
    {.key = "os_layer_scale_factor", .type = F_CUSTOM, .bind = bind_layer_factors, .flags = R},
    NUM(package_constants_t, os_bonding_yield, R | FF_UNIT), NUM(package_constants_t, c4_bump_cost_per_mm2, R | N),
    NUM(package_constants_t, si_area_scale_factor, R | P), NUM(package_constants_t, si_wafer_cost, R | N),
    NUM(package_constants_t, si_bonding_yield, R | FF_UNIT), NUM(package_constants_t, si_D0, R | N),
    NUM(package_constants_t, si_alpha, R | P),
};
SCHEMA(pkg_const_schema, "Package", pkg_const_fields, -1);

static const field_t srv_const_fields[] = {
    NUM(server_constants_t, PCBCost, R | N), NUM(server_constants_t, PCBPartsCost, R | N),
    NUM(server_constants_t, DCDCCostPerAmp, R | N), NUM(server_constants_t, DCDCMaxCurrent, R | N),
    NUM(server_constants_t, DCDCEfficiency, R | FF_UNIT), NUM(server_constants_t, MaxDCDCCost, R | N),
    NUM(server_constants_t, FanPower, R | N), NUM(server_constants_t, FanCost, R | N),
    NUM(server_constants_t, APPPower, R | N), NUM(server_constants_t, APPCost, R | N),
    NUM(server_constants_t, PSUCostPerW, R | N), NUM(server_constants_t, PSUEfficiency, R | FF_UNIT),
    NUM(server_constants_t, PSUOutputVoltage, R | P), NUM(server_constants_t, MaxPSUCost, R | N),
    NUM(server_constants_t, ChassisCost, R | N), NUM(server_constants_t, EthernetCost, R | N),
    NUM(server_constants_t, SrvLife, R | P), NUM(server_constants_t, SrvMaxPower, R | P),
    NUM(server_constants_t, LaneAreaMin, R | N), NUM(server_constants_t, LaneAreaMax, R | P),
};
SCHEMA(srv_const_schema, "Server", srv_const_fields, -1);

static const field_t tco_const_fields[] = {
    NUM(tco_constants_t, ElectricityCost, R | N), NUM(tco_constants_t, InterestRate, R | P),
    NUM(tco_constants_t, DCCapex, R | N), NUM(tco_constants_t, DCAmortPeriod, R | P),
    NUM(tco_constants_t, DCOpex, R | N), NUM(tco_constants_t, PUE, R | P),
    NUM(tco_constants_t, SrvOpexRate, R | N), NUM(tco_constants_t, SrvAvgPwr, R | N),
};
SCHEMA(tco_const_schema, "TCO", tco_const_fields, -1);

static const field_t energy_const_fields[] = {
    NUM(energy_constants_t, sram_wgt, R | N), NUM(energy_constants_t, sram_act, R | N),
    NUM(energy_constants_t, dram, R | N), NUM(energy_constants_t, hbm2, R | N),
    NUM(energy_constants_t, stacked_dram, R | N), NUM(energy_constants_t, fma_fp16, R | N),
};
SCHEMA(energy_const_schema, "Energy", energy_const_fields, -1);

static const field_t const_fields[] = {
    SUBK(hw_constants_t, "Chip", chip, chip_const_schema), SUBK(hw_constants_t, "Package", package, pkg_const_schema),
    SUBK(hw_constants_t, "Server", server, srv_const_schema), SUBK(hw_constants_t, "TCO", tco, tco_const_schema),
    SUBK(hw_constants_t, "Energy", energy, energy_const_schema),
};
SCHEMA(const_schema, "constants", const_fields, -1);

/* {area_threshold_mm2: factor}, kept in YAML order. */
static int bind_layer_factors(const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    package_constants_t *c = obj;
    (void)f;
    if (v->kind != NODE_MAP || v->n == 0 || v->n > OS_LAYER_MAX) {
        cfg_node_errorf(err, v, "Package.os_layer_scale_factor: expected a mapping of 1 to %d "
                        "{area_threshold_mm2: factor} entries", OS_LAYER_MAX);
        return -1;
    }
    c->os_layer_n = (int)v->n;
    for (size_t i = 0; i < v->n; i++) {
        node_t key = *v;
        key.kind = NODE_SCALAR;
        key.scalar = v->keys[i];
        key.quoted = false;
        key.line = v->key_line[i];
        key.col = v->key_col[i];
        if (schema_number(&key, "Package", "os_layer_scale_factor", &c->os_layer_threshold_mm2[i], err) ||
            schema_number(v->items[i], "Package", "os_layer_scale_factor", &c->os_layer_factor[i], err))
            return -1;
    }
    return 0;
}

int hw_constants_bind(const node_t *root, hw_constants_t *out, cfg_err_t *err)
{
    memset(out, 0, sizeof *out);
    return schema_bind(&const_schema, root, out, err);
}

int hw_constants_load(const char *path, hw_constants_t *out, cfg_err_t *err)
{
    cfg_doc_t *doc = cfg_load_file(path, err);
    if (!doc)
        return -1;
    int rc = hw_constants_bind(cfg_doc_root(doc), out, err);
    cfg_doc_free(doc);
    return rc;
}

/* ---- links and memories ------------------------------------------------ */

static const field_t io_fields[] = {
    STR(io_link_t, io_type, R), NUM(io_link_t, num, R | N | I), NUM(io_link_t, bandwidth_per_io, R | P),
    NUMD(io_link_t, area_per_io, N, 0.0), NUMD(io_link_t, tdp_per_io, N, 0.0),
    NUMD(io_link_t, pj_per_byte, N, 0.0),
    {.key = "init_time", .type = F_NUM, .off = offsetof(io_link_t, init_time_s), .flags = N, .def = 1e-10, .has_def = 1},
};
static const schema_t io_schema_p2p = {"Chip.pkg2pkg_io", io_fields, 7, offsetof(io_link_t, present)};
static const schema_t io_schema_c2c = {"Chip.chip2chip_io", io_fields, 7, offsetof(io_link_t, present)};
static const schema_t io_schema_s2s = {"Server.io", io_fields, 7, offsetof(io_link_t, present)};

static const field_t hbm_fields[] = {
    STR(hbm_t, config, 0), BOOLD(hbm_t, simulator, 0),
    NUM(hbm_t, channel_bytes, R | P), NUM(hbm_t, channel_width, R | P), NUM(hbm_t, bit_rate, R | P),
    NUM(hbm_t, num_channels, R | P | I), NUMD(hbm_t, cost_per_gb, N, 7.5), NUMD(hbm_t, pj_per_byte, N, 31.2),
    NUMD(hbm_t, vdd, P, 1.2), NUMD(hbm_t, x, P, 7.75), NUMD(hbm_t, y, P, 11.87), NUM(hbm_t, stack_cost, N),
    IGNORE("bw_dict_path"),
};
SCHEMA(hbm_schema, "Package.hbm", hbm_fields, offsetof(hbm_t, present));

static const field_t mem3d_fields[] = {
    STR(mem3d_t, mem_type, R), STR(mem3d_t, config, 0), BOOLD(mem3d_t, simulator, 0),
    NUM(mem3d_t, tsvs, N | I), NUM(mem3d_t, layer_bytes, N), NUM(mem3d_t, layer_area, R | P),
    NUM(mem3d_t, layer_cost, R | N), NUM(mem3d_t, num_layers, R | P | I), NUM(mem3d_t, density, N),
    NUM(mem3d_t, tsv_area, N), NUMD(mem3d_t, bit_rate, N, 9.2e9), NUMD(mem3d_t, pj_per_bit, N, 3.0),
    NUMD(mem3d_t, vdd, P, 1.2), NUM(mem3d_t, bandwidth, N), NUM(mem3d_t, pj_per_byte, N),
};
SCHEMA(mem3d_schema, "Package.mem_3d", mem3d_fields, offsetof(mem3d_t, present));

/* ---- chip, package, server ---------------------------------------------- */

static const char *const dataflows[] = {"roofline", "WS", NULL};
static const refusal_t dataflow_refusals[] = {
    {"llmcompass", "it needs the external LLMCompass simulator, which hwsweep does not include; "
                   "use 'roofline' or 'WS'"},
    {NULL, NULL}};
static const char *const area_models[] = {"linear", NULL};
static const refusal_t area_model_refusals[] = {
    {"micro_arch", "it needs an SRAM macro table (micro_arch_sim's available_srams), which the "
                   "reference ships empty; use 'linear'"},
    {NULL, NULL}};

static const field_t chip_fields[] = {
    STR(chip_t, chip_id, 0), STR(chip_t, tech, R),
    {.key = "dataflow", .type = F_ENUM, .off = offsetof(chip_t, dataflow), .size = sizeof(((chip_t *)0)->dataflow),
     .flags = R, .choices = dataflows, .refusals = dataflow_refusals},
    SUB(chip_t, pkg2pkg_io, io_schema_p2p, R), SUB(chip_t, chip2chip_io, io_schema_c2c, 0),
    NUMD(chip_t, freq, P, 1e9), NUMD(chip_t, bytes_per_word, P, 2), STR(chip_t, sram_tech, 0),
    BOOLD(chip_t, thermal_eval, 1),
    {.key = "area_model", .type = F_ENUM, .off = offsetof(chip_t, area_model),
     .size = sizeof(((chip_t *)0)->area_model), .choices = area_models, .refusals = area_model_refusals},
    NUM(chip_t, perf, P), NUM(chip_t, sram, P), NUM(chip_t, sram_bw, P),
    NUM(chip_t, perf_fp8, P), NUM(chip_t, perf_int8, P), NUM(chip_t, perf_fp4, P),
    NUM(chip_t, max_clock_mhz, P), NUM(chip_t, sustained_clock_mhz, P),
    NUM(chip_t, l2_read_bytes_per_s, P),
    NUM(chip_t, area, P), NUM(chip_t, mac_ratio, FF_UNIT_OPEN), NUM(chip_t, operational_intensity, P),
    NUMD(chip_t, other_area, N, 0.0), NUMD(chip_t, core_area_ratio, FF_UNIT, 0.7),
    NUMD(chip_t, num_sa, P | I, 1), NUMD(chip_t, acc_depth, P, 1e100),
    NUMD(chip_t, hbm_channels, N | I, 0), NUMD(chip_t, mem_3d_vaults, N | I, 0),
    NUM(chip_t, mem_3d_vault_tsvs, P | I), NUM(chip_t, macs_density, P), NUM(chip_t, w_per_tops, P),
    NUMD(chip_t, vdd, P, 0.8), IGNORE("core"),
};
SCHEMA(chip_schema, "Chip", chip_fields, -1);

static const field_t pkg_fields[] = {
    NUM(package_t, num_chips, R | P | I), SUB(package_t, mem_3d, mem3d_schema, 0),
    SUB(package_t, hbm, hbm_schema, 0), BOOLD(package_t, thermal_eval, 1),
    NUM(package_t, custom_max_power_density, P),
};
SCHEMA(pkg_schema, "Package", pkg_fields, -1);

static const field_t srv_fields[] = {
    NUM(server_t, packages_per_lane, R | P | I), SUB(server_t, io, io_schema_s2s, R),
    NUMD(server_t, num_lanes, P | I, 8), BOOLD(server_t, thermal_eval, 1),
    NUM(server_t, custom_max_power, P), NUMD(server_t, package_max_power_factor, P, 1.0),
};
SCHEMA(srv_schema, "Server", srv_fields, -1);

/* Checks across fields of one chip configuration. */
static int chip_check(const chip_t *chip, const node_t *at, cfg_err_t *err)
{
    bool perf_mode = chip->perf != 0 && chip->sram != 0;
    bool area_mode = chip->area != 0 && chip->mac_ratio != 0;
    if (perf_mode && chip->sram_bw == 0) {
        cfg_node_errorf(err, at, "Chip: perf and sram are given, so sram_bw is required");
        return -1;
    }
    if (!perf_mode && area_mode && chip->operational_intensity == 0) {
        cfg_node_errorf(err, at, "Chip: area and mac_ratio are given, so operational_intensity is required");
        return -1;
    }
    if (!perf_mode && !area_mode) {
        cfg_node_errorf(err, at, "Chip: give either perf, sram and sram_bw, or area, mac_ratio and "
                        "operational_intensity");
        return -1;
    }
    /* perf_model v2's sustained SM clock: both or neither, sustained at most max */
    if ((chip->max_clock_mhz > 0) != (chip->sustained_clock_mhz > 0) ||
        chip->sustained_clock_mhz > chip->max_clock_mhz) {
        cfg_node_errorf(err, at, "Chip: give max_clock_mhz and sustained_clock_mhz together, "
                        "sustained_clock_mhz at most max_clock_mhz (got %g and %g)",
                        chip->max_clock_mhz, chip->sustained_clock_mhz);
        return -1;
    }
    return 0;
}

static int pkg_check(const package_t *p, const node_t *at, cfg_err_t *err)
{
    const node_t *hbm = cfg_get(at, "hbm");
    const node_t *m3d = cfg_get(at, "mem_3d");
    if (p->hbm.present && p->hbm.simulator) {
        cfg_node_errorf(err, hbm, "Package.hbm: simulator: true needs DRAMSim3 bandwidth tables, which "
                        "hwsweep does not include; use simulator: false");
        return -1;
    }
    if (p->mem_3d.present && !strstr(p->mem_3d.mem_type, "sram") && !strstr(p->mem_3d.mem_type, "SRAM") &&
        !strstr(p->mem_3d.mem_type, "dram") && !strstr(p->mem_3d.mem_type, "DRAM")) {
        cfg_node_errorf(err, cfg_get(m3d, "mem_type"), "Package.mem_3d.mem_type: '%s' names neither SRAM nor DRAM",
                        p->mem_3d.mem_type);
        return -1;
    }
    if (p->mem_3d.present && p->mem_3d.tsvs == 0 && p->mem_3d.bandwidth == 0) {
        cfg_node_errorf(err, m3d, "Package.mem_3d: give tsvs (with bit_rate) or bandwidth");
        return -1;
    }
    if (p->mem_3d.present && p->mem_3d.layer_bytes == 0 &&
        !(p->mem_3d.density != 0 && p->mem_3d.tsvs != 0 && p->mem_3d.tsv_area != 0)) {
        cfg_node_errorf(err, m3d, "Package.mem_3d: give layer_bytes, or density, tsvs and tsv_area");
        return -1;
    }
    return 0;
}

typedef int (*part_check_fn)(const void *obj, const node_t *at, cfg_err_t *err);

/* Expand one part (Chip, Package or Server) and bind every configuration. */
static int bind_part(cfg_doc_t *doc, const node_t *root, const char *key, const schema_t *s, size_t elem,
                     part_check_fn check, void **out, size_t *n_out, cfg_err_t *err)
{
    const node_t *map = cfg_get(root, key);
    if (!map) {
        cfg_node_errorf(err, root, "missing required key '%s'", key);
        return -1;
    }
    if (map->kind != NODE_MAP) {
        cfg_node_errorf(err, map, "%s: expected a mapping", key);
        return -1;
    }
    cfg_points_t pts = {0, NULL};
    if (!cfg_expand(doc, map, HW_MAX_POINTS, &pts, err))
        return -1;
    char *arr = calloc(pts.n ? pts.n : 1, elem);
    if (!arr) {
        cfg_points_free(&pts);
        cfg_node_errorf(err, map, "%s: out of memory for %zu configurations", key, pts.n);
        return -1;
    }
    for (size_t i = 0; i < pts.n; i++) {
        void *obj = arr + i * elem;
        if (schema_bind(s, pts.points[i], obj, err) || (check && check(obj, pts.points[i], err))) {
            free(arr);
            cfg_points_free(&pts);
            return -1;
        }
    }
    *out = arr;
    *n_out = pts.n;
    cfg_points_free(&pts);
    return 0;
}

static int chip_check_any(const void *o, const node_t *at, cfg_err_t *e) { return chip_check(o, at, e); }
static int pkg_check_any(const void *o, const node_t *at, cfg_err_t *e) { return pkg_check(o, at, e); }

int hw_config_bind(cfg_doc_t *doc, const node_t *root, hw_config_t *out, cfg_err_t *err)
{
    static const char *const top[] = {"Name", "Chip", "Package", "Server"};
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < root->n; i++) {
        bool known = false;
        for (size_t k = 0; k < 4; k++)
            known |= strcmp(root->keys[i], top[k]) == 0;
        if (!known) {
            const char *near = cfg_nearest(root->keys[i], top, 4);
            cfg_errorf(err, root->file, root->key_line[i], root->key_col[i],
                       "unknown key '%s' at top level%s%s%s (valid: Name, Chip, Package, Server)",
                       root->keys[i], near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
            return -1;
        }
    }
    const node_t *name = cfg_get(root, "Name");
    const char *why = name && name->kind == NODE_SCALAR ? named_path_name_problem(name->scalar) : NULL;
    if (why) {
        cfg_node_errorf(err, name, "Name: '%s' %s (it names the output folder)", name->scalar, why);
        return -1;
    }
    if (!name || name->kind != NODE_SCALAR || !name->scalar[0] || strlen(name->scalar) >= HW_NAME_MAX ||
        strpbrk(name->scalar, "/\\ \t")) {
        cfg_node_errorf(err, name ? name : root, "Name: required, a short name without '/' or spaces "
                        "(it names the output folder)");
        return -1;
    }
    snprintf(out->name, sizeof out->name, "%s", name->scalar);
    out->doc = doc;
    if (bind_part(doc, root, "Chip", &chip_schema, sizeof(chip_t), chip_check_any, (void **)&out->chips,
                  &out->n_chips, err) ||
        bind_part(doc, root, "Package", &pkg_schema, sizeof(package_t), pkg_check_any,
                  (void **)&out->packages, &out->n_packages, err) ||
        bind_part(doc, root, "Server", &srv_schema, sizeof(server_t), NULL, (void **)&out->servers,
                  &out->n_servers, err)) {
        out->doc = NULL;
        hw_config_free(out);
        return -1;
    }
    for (size_t i = 0; i < out->n_chips; i++)
        out->chips[i].chip_id_given = out->chips[i].chip_id[0] != '\0';
    return 0;
}

int hw_config_load(const char *path, hw_config_t *out, cfg_err_t *err)
{
    cfg_doc_t *doc = cfg_load_file(path, err);
    if (!doc)
        return -1;
    if (hw_config_bind(doc, cfg_doc_root(doc), out, err)) {
        cfg_doc_free(doc);
        return -1;
    }
    return 0;
}

void hw_config_free(hw_config_t *cfg)
{
    free(cfg->chips);
    free(cfg->packages);
    free(cfg->servers);
    if (cfg->doc)
        cfg_doc_free(cfg->doc);
    memset(cfg, 0, sizeof *cfg);
}

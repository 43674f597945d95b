/*
 * hw_store.c -- the hardware tables and the views over them.
 *
 * chips and packages hold every input and derived field of their struct.
 * A server is stored compactly (issue 13): server_shapes holds each server
 * configuration of the hardware file once (the inputs: lanes, packages per
 * lane, I/O, power factor); server_points one narrow row per server (its
 * package, its shape, how far it got, a key into reasons); server_costs
 * the power, cost and TCO parts of each valid server that no join can
 * give; reasons each distinct invalid reason once, keyed by a hash of its
 * text (the same key in every shard and resume); heat_sinks each heat sink
 * once, keyed by what it is a function of (the package's heat source and
 * the packages per lane: src/engine/hw_engine.c's hs_key).  The view
 * `servers` joins them back into one row per server with unit-bearing
 * names, computing what is a product or sum of stored values with the
 * same operations in the same order as src/hw/server.c and tco.c (so its
 * values are bit-identical to the evaluated struct); the view hw_summary
 * gives the valid servers under the reference's CSV names (a contract).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/hw_eval.h"
#include "hw/summary.h"
#include "hw/tco.h"
#include "store/hw_store.h"
#include "store/schema_sql.h"
#include "store/sha256.h"
#include "store/table.h"

#define N(s, name, field) {name, COL_COUNT, offsetof(s, field), 0}
#define R(s, name, field) {name, COL_REAL, offsetof(s, field), 0}
#define B(s, name, field) {name, COL_BOOL, offsetof(s, field), 0}
#define T(s, name, field) {name, COL_TEXT, offsetof(s, field), sizeof(((s *)0)->field)}
#define IO_COLS(s, p, f)                                                                              \
    B(s, p "present", f.present), T(s, p "io_type", f.io_type), N(s, p "num", f.num),                \
    R(s, p "bandwidth_per_io_bytes_per_s", f.bandwidth_per_io), R(s, p "area_per_io_mm2", f.area_per_io), \
    R(s, p "tdp_per_io_w", f.tdp_per_io), R(s, p "pj_per_byte", f.pj_per_byte),                      \
    R(s, p "init_time_s", f.init_time_s), R(s, p "bandwidth_bytes_per_s", f.bandwidth),              \
    R(s, p "area_mm2", f.area), R(s, p "tdp_w", f.tdp), R(s, p "joules_per_byte", f.joules_per_byte)
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

static const col_t chip_cols[] = {
    T(chip_t, "chip_id", chip_id), B(chip_t, "chip_id_given", chip_id_given), B(chip_t, "valid", valid),
    T(chip_t, "invalid_reason", invalid_reason), T(chip_t, "tech", tech), T(chip_t, "sram_tech", sram_tech),
    T(chip_t, "dataflow", dataflow), T(chip_t, "area_model", area_model),
    IO_COLS(chip_t, "pkg2pkg_io_", pkg2pkg_io), IO_COLS(chip_t, "chip2chip_io_", chip2chip_io),
    R(chip_t, "freq_hz", freq), R(chip_t, "bytes_per_word", bytes_per_word),
    B(chip_t, "thermal_eval", thermal_eval), R(chip_t, "perf_flops", perf), R(chip_t, "sram_bytes", sram),
    R(chip_t, "sram_bw_bytes_per_s", sram_bw), R(chip_t, "area_mm2", area), R(chip_t, "mac_ratio", mac_ratio),
    R(chip_t, "operational_intensity", operational_intensity), R(chip_t, "other_area_mm2", other_area),
    R(chip_t, "core_area_ratio", core_area_ratio), N(chip_t, "num_sa", num_sa), N(chip_t, "acc_depth", acc_depth),
    N(chip_t, "hbm_channels", hbm_channels), N(chip_t, "mem_3d_vaults", mem_3d_vaults),
    N(chip_t, "mem_3d_vault_tsvs", mem_3d_vault_tsvs), R(chip_t, "macs_density", macs_density),
    R(chip_t, "w_per_tops", w_per_tops), R(chip_t, "vdd", vdd), N(chip_t, "sa_width", sa_width),
    R(chip_t, "tdp_w", tdp), R(chip_t, "cost_usd", cost), R(chip_t, "power_density_w_per_mm2", power_density),
    R(chip_t, "io_area_mm2", io_area), R(chip_t, "sram_area_mm2", sram_area), R(chip_t, "mac_area_mm2", mac_area),
    R(chip_t, "die_yield", die_yield), R(chip_t, "dies_per_wafer", dpw), R(chip_t, "tops", tops),
    R(chip_t, "sram_mb", sram_mb), R(chip_t, "sram_bw_TB_per_sec", sram_bw_TB_per_sec),
    R(chip_t, "core_tdp_w", core_tdp), R(chip_t, "x_mm", x), R(chip_t, "y_mm", y),
};

static const col_t pkg_cols[] = {
    {"package_id", COL_INT, offsetof(package_t, package_id), 0}, B(package_t, "valid", valid),
    T(package_t, "invalid_reason", invalid_reason), N(package_t, "num_chips", num_chips),
    B(package_t, "thermal_eval", thermal_eval), R(package_t, "custom_max_power_density", custom_max_power_density),
    B(package_t, "hbm_present", hbm.present), T(package_t, "hbm_config", hbm.config),
    B(package_t, "hbm_simulator", hbm.simulator), R(package_t, "hbm_channel_bytes", hbm.channel_bytes),
    R(package_t, "hbm_channel_width", hbm.channel_width), R(package_t, "hbm_bit_rate", hbm.bit_rate),
    N(package_t, "hbm_num_channels", hbm.num_channels), R(package_t, "hbm_cost_per_gb", hbm.cost_per_gb),
    R(package_t, "hbm_pj_per_byte", hbm.pj_per_byte), R(package_t, "hbm_vdd", hbm.vdd),
    R(package_t, "hbm_x_mm", hbm.x), R(package_t, "hbm_y_mm", hbm.y), R(package_t, "hbm_stack_cost", hbm.stack_cost),
    R(package_t, "hbm_cap_bytes", hbm.cap), R(package_t, "hbm_bandwidth_bytes_per_s", hbm.bandwidth),
    R(package_t, "hbm_tdp_w", hbm.tdp), R(package_t, "hbm_area_mm2", hbm.area), R(package_t, "hbm_cost_usd", hbm.cost),
    B(package_t, "mem_3d_present", mem_3d.present), T(package_t, "mem_3d_mem_type", mem_3d.mem_type),
    T(package_t, "mem_3d_config", mem_3d.config), B(package_t, "mem_3d_simulator", mem_3d.simulator),
    N(package_t, "mem_3d_tsvs", mem_3d.tsvs), R(package_t, "mem_3d_layer_bytes", mem_3d.layer_bytes),
    R(package_t, "mem_3d_layer_area", mem_3d.layer_area), R(package_t, "mem_3d_layer_cost", mem_3d.layer_cost),
    N(package_t, "mem_3d_num_layers", mem_3d.num_layers), R(package_t, "mem_3d_density", mem_3d.density),
    R(package_t, "mem_3d_tsv_area", mem_3d.tsv_area), R(package_t, "mem_3d_bit_rate", mem_3d.bit_rate),
    R(package_t, "mem_3d_pj_per_bit", mem_3d.pj_per_bit), R(package_t, "mem_3d_vdd", mem_3d.vdd),
    R(package_t, "mem_3d_bandwidth_bytes_per_s", mem_3d.bandwidth), R(package_t, "mem_3d_pj_per_byte", mem_3d.pj_per_byte),
    R(package_t, "mem_3d_cap_bytes", mem_3d.cap), R(package_t, "mem_3d_tdp_w", mem_3d.tdp),
    R(package_t, "mem_3d_area_mm2", mem_3d.area), R(package_t, "mem_3d_cost_usd", mem_3d.cost),
    IO_COLS(package_t, "io_", io), B(package_t, "si", si), N(package_t, "num_hbm_stacks", num_hbm_stacks),
    R(package_t, "heatsource_length_mm", heatsource_length), R(package_t, "heatsource_width_mm", heatsource_width),
    R(package_t, "total_die_area_mm2", total_die_area), R(package_t, "area_mm2", area),
    R(package_t, "length_mm", length), R(package_t, "width_mm", width), R(package_t, "tdp_w", tdp),
    R(package_t, "cost_usd", cost), R(package_t, "perf_flops", perf), R(package_t, "sram_bytes", sram),
    R(package_t, "dram_bytes", dram), R(package_t, "total_mem_bytes", total_mem),
    R(package_t, "dram_bw_per_chip_bytes_per_s", dram_bw_per_chip), R(package_t, "tops", tops), R(package_t, "sram_mb", sram_mb),
    R(package_t, "dram_gb", dram_gb), R(package_t, "dram_bw_TB_per_sec", dram_bw_TB_per_sec),
    R(package_t, "power_density_w_per_mm2", power_density),
};

/* A server configuration: the inputs of one Server entry, with its I/O evaluated. */
static const col_t shape_cols[] = {
    N(server_t, "packages_per_lane", packages_per_lane), N(server_t, "num_lanes", num_lanes),
    IO_COLS(server_t, "io_", io), B(server_t, "thermal_eval", thermal_eval),
    R(server_t, "custom_max_power_w", custom_max_power), R(server_t, "package_max_power_factor", package_max_power_factor),
};

/* What a valid server adds that no join or product gives. */
static const col_t cost_cols[] = {
    R(server_t, "core_tdp_w", core_tdp), R(server_t, "other_tdp_w", other_tdp),
    R(server_t, "cost_all_fans_usd", cost_all_fans), R(server_t, "cost_ethernet_usd", cost_all_ethernet),
    R(server_t, "cost_dcdc_usd", cost_dcdc), R(server_t, "cost_psu_usd", cost_psu),
    R(server_t, "cost_system_usd", cost_system), R(server_t, "tco_dc_amortization_usd", tco.dc_amortization),
    R(server_t, "tco_dc_interest_usd", tco.dc_interest), R(server_t, "tco_dc_opex_usd", tco.dc_opex),
    R(server_t, "tco_srv_power_usd", tco.srv_power), R(server_t, "tco_pue_overhead_usd", tco.pue_overhead),
    R(server_t, "tco_srv_interest_usd", tco.srv_interest), R(server_t, "tco_srv_opex_usd", tco.srv_opex),
};

#define SQL_MAX 16384

/* server_points.status: how far the server got. */
enum { SRV_LANE_REFUSED = 0, SRV_REFUSED = 1, SRV_VALID = 2 };

/* The view `servers`.  v server_points, h server_shapes, k packages, c
 * chips, e server_costs (valid servers), r reasons, g heat_sinks.  NP, COST, FIX, POW:
 * server.c's num_packages, cost and tco.c's fix and power parts, as the
 * same operations in the same order. */
#define NP "(h.num_lanes * h.packages_per_lane)"
#define IFV(x) "CASE WHEN v.status = 2 THEN " x " END"
#define COST                                                                                                 \
    "(k.cost_usd * " NP " + g.hs_cost_usd * " NP " + e.cost_all_fans_usd + e.cost_ethernet_usd + "          \
    "e.cost_dcdc_usd + e.cost_psu_usd + e.cost_system_usd)"
#define FIX "(" COST " + e.tco_srv_interest_usd + e.tco_srv_opex_usd)"
#define POW                                                                                                  \
    "(e.tco_dc_amortization_usd + e.tco_dc_interest_usd + e.tco_dc_opex_usd + e.tco_srv_power_usd + "        \
    "e.tco_pue_overhead_usd)"
static const char *servers_view_head =
    "CREATE VIEW IF NOT EXISTS servers AS SELECT v.server_id AS server_id, k.hardware AS hardware, "
    "v.package_row AS package_row, k.chip_row AS chip_row, v.shape_row AS shape_row, h.shape_index AS shape_index, "
    "v.status = 2 AS valid, r.reason AS invalid_reason, c.area_mm2 AS chip_area_mm2, c.sram_mb AS chip_sram_mb, "
    "c.tops AS chip_tops, c.sram_bw_TB_per_sec AS chip_sram_bw_TB_per_sec, c.sram_area_mm2 AS chip_sram_area_mm2, "
    "c.mac_area_mm2 AS chip_mac_area_mm2, c.tdp_w AS chip_tdp_w, c.cost_usd AS chip_cost_usd, "
    "k.num_chips AS pkg_num_chips, k.tops AS pkg_tops, k.sram_mb AS pkg_sram_mb, k.tdp_w AS pkg_tdp_w, "
    "k.dram_gb AS pkg_dram_gb, k.dram_bw_TB_per_sec AS pkg_dram_bw_TB_per_sec";   /* then h.<shape_cols> */
static const char *servers_view_tail =
    ", " NP " AS num_packages, " NP " * k.num_chips AS num_chips, g.hs_valid AS hs_valid, "
    "g.hs_max_power_w AS hs_max_power_w, g.hs_cost_usd AS hs_cost_usd, "
    /* a server refused for its heat sink or power has its packages' power (server.c, before losses) */
    "CASE v.status WHEN 2 THEN e.core_tdp_w WHEN 1 THEN " NP " * k.tdp_w END AS core_tdp_w, "
    "e.other_tdp_w AS other_tdp_w, e.core_tdp_w + e.other_tdp_w AS tdp_w, "
    IFV("k.perf_flops * " NP) " AS perf_flops, " IFV("k.perf_flops * " NP " / 1e12") " AS tops, "
    IFV("k.sram_bytes * " NP) " AS sram_bytes, " IFV("k.sram_bytes * " NP " / 1e6") " AS sram_mb, "
    IFV("k.dram_bytes * " NP) " AS dram_bytes, " IFV("k.sram_bytes * " NP " + k.dram_bytes * " NP)
    " AS total_mem_bytes, " IFV("k.cost_usd * " NP) " AS cost_all_package_usd, "
    IFV("g.hs_cost_usd * " NP) " AS cost_all_heatsinks_usd, e.cost_all_fans_usd AS cost_all_fans_usd, "
    "e.cost_ethernet_usd AS cost_ethernet_usd, e.cost_dcdc_usd AS cost_dcdc_usd, e.cost_psu_usd AS cost_psu_usd, "
    "e.cost_system_usd AS cost_system_usd, " COST " AS cost_usd, "
    "e.tco_dc_amortization_usd AS tco_dc_amortization_usd, e.tco_dc_interest_usd AS tco_dc_interest_usd, "
    "e.tco_dc_opex_usd AS tco_dc_opex_usd, e.tco_srv_power_usd AS tco_srv_power_usd, "
    "e.tco_pue_overhead_usd AS tco_pue_overhead_usd, " COST " AS tco_srv_amortization_usd, "
    "e.tco_srv_interest_usd AS tco_srv_interest_usd, e.tco_srv_opex_usd AS tco_srv_opex_usd, "
    FIX " AS tco_fix_part_usd, " POW " AS tco_power_part_usd, " FIX " + " POW " AS tco_total_usd "
    "FROM server_points v JOIN server_shapes h ON h.shape_row = v.shape_row "
    "JOIN packages k ON k.package_row = v.package_row JOIN chips c ON c.chip_row = k.chip_row "
    "LEFT JOIN server_costs e ON e.server_id = v.server_id LEFT JOIN reasons r ON r.reason_id = v.reason_id "
    "LEFT JOIN heat_sinks g ON v.status > 0 AND g.heatsource_length_mm = k.heatsource_length_mm AND "
    "g.heatsource_width_mm = k.heatsource_width_mm AND g.packages_per_lane = h.packages_per_lane;\n";

/* The valid servers under the reference's hardware CSV names (summary.c's
 * columns, same formulas: per-TOPS ratios over the server's tops). */
static const char *hw_summary_view =
    "CREATE VIEW IF NOT EXISTS hw_summary AS SELECT s.hardware AS hardware, s.server_id AS server_id, "
    "s.chip_area_mm2 AS chip_area, s.chip_sram_mb AS chip_sram_mb, s.chip_tops AS chip_tops, "
    "s.chip_sram_bw_TB_per_sec AS chip_sram_bw_TB_per_sec, s.chip_sram_area_mm2 AS chip_sram_area, "
    "s.chip_mac_area_mm2 AS chip_mac_area, s.chip_tdp_w AS chip_tdp, s.chip_cost_usd AS chip_cost, "
    "s.pkg_num_chips AS pkg_num_chips, s.pkg_tops AS pkg_tops, s.pkg_sram_mb AS pkg_sram_mb, s.pkg_tdp_w AS pkg_tdp, "
    "s.pkg_dram_gb AS pkg_dram_gb, s.pkg_dram_bw_TB_per_sec AS pkg_dram_bw_TB_per_sec, "
    "s.num_packages AS srv_num_packages, s.sram_mb AS srv_sram_mb, s.tdp_w AS srv_tdp, s.tops AS srv_tops, "
    "s.cost_usd AS srv_cost, s.tco_total_usd AS tco_total, s.tco_dc_amortization_usd AS tco_dc_amortization, "
    "s.tco_dc_interest_usd AS tco_dc_interest, s.tco_dc_opex_usd AS tco_dc_opex, "
    "s.tco_srv_amortization_usd AS tco_srv_amortization, s.tco_srv_interest_usd AS tco_srv_interest, "
    "s.tco_srv_opex_usd AS tco_srv_opex, s.tco_srv_power_usd AS tco_srv_power, "
    "s.tco_pue_overhead_usd AS tco_pue_overhead, s.cost_usd / s.tops AS cost_per_tops, "
    "s.tdp_w / s.tops AS watts_per_tops, s.tco_total_usd / s.tops AS tco_per_tops, "
    "s.chip_sram_mb / s.chip_sram_area_mm2 AS sram_density, c.die_yield AS die_yield, 'False' AS sparse_weight, "
    "CASE WHEN c.chip_id_given THEN c.chip_id ELSE CAST(c.chip_id AS REAL) END AS chip_id "
    "FROM servers s JOIN chips c ON c.chip_row = s.chip_row WHERE s.valid;\n";

static void append(char *sql, size_t len, const char *s)
{
    size_t n = strlen(sql);
    if (n + 1 < len)
        snprintf(sql + n, len - n, "%s", s);
}

int hw_store_schema(sqlite3 *db, char *err, size_t errlen)
{
    size_t len = 4 * SQL_MAX;
    char *sql = malloc(len);
    if (!sql) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(sql, len, "CREATE TABLE IF NOT EXISTS chips(chip_row INTEGER PRIMARY KEY, hardware TEXT");
    cols_sql_defs(chip_cols, NCOLS(chip_cols), sql, len);
    append(sql, len, ");\nCREATE TABLE IF NOT EXISTS packages(package_row INTEGER PRIMARY KEY, "
                     "hardware TEXT, chip_row INTEGER REFERENCES chips");
    cols_sql_defs(pkg_cols, NCOLS(pkg_cols), sql, len);
    append(sql, len, ");\nCREATE TABLE IF NOT EXISTS server_shapes(shape_row INTEGER PRIMARY KEY, hardware TEXT, "
                     "shape_index INTEGER");
    cols_sql_defs(shape_cols, NCOLS(shape_cols), sql, len);
    append(sql, len, ");\nCREATE TABLE IF NOT EXISTS reasons(reason_id INTEGER PRIMARY KEY, reason TEXT NOT NULL);\n"
                     "CREATE TABLE IF NOT EXISTS heat_sinks(heatsource_length_mm REAL, heatsource_width_mm REAL, "
                     "packages_per_lane INTEGER, hs_valid INTEGER, hs_max_power_w REAL, hs_cost_usd REAL, "
                     "PRIMARY KEY(heatsource_length_mm, heatsource_width_mm, packages_per_lane)) WITHOUT ROWID;\n"
                     "CREATE TABLE IF NOT EXISTS server_points(server_id INTEGER PRIMARY KEY, "
                     "package_row INTEGER NOT NULL, shape_row INTEGER NOT NULL, status INTEGER NOT NULL, "
                     "reason_id INTEGER);\n"
                     "CREATE TABLE IF NOT EXISTS server_costs(server_id INTEGER PRIMARY KEY");
    cols_sql_defs(cost_cols, NCOLS(cost_cols), sql, len);
    append(sql, len, ");\n");
    append(sql, len, servers_view_head);
    cols_sql_names(shape_cols, NCOLS(shape_cols), "h.", sql, len);
    append(sql, len, servers_view_tail);
    append(sql, len, hw_summary_view);
    char *msg = NULL;
    int rc = strlen(sql) + 1 < len ? sqlite3_exec(db, sql, NULL, NULL, &msg) : SQLITE_TOOBIG;
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: creating hardware tables: %s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    free(sql);
    return rc == SQLITE_OK ? 0 : -1;
}

/* Recently written reasons and heat sinks, by a hash of their key: most
 * servers repeat those of a neighbour, so most need no INSERT. */
#define REASON_SLOTS 1024
#define HS_SLOTS 1024
typedef struct {
    uint64_t hash;
    int64_t id;
    char text[HW_REASON_MAX];
} reason_slot_t;

typedef struct {
    double key[3];   /* heat source length, width (mm), packages per lane */
    bool used;
} hs_slot_t;

struct hw_writer {
    sqlite3 *db;
    sqlite3_stmt *chip, *pkg, *shape, *point, *cost, *reason, *hs;
    reason_slot_t slots[REASON_SLOTS];
    hs_slot_t hs_slots[HS_SLOTS];
};

hw_writer_t *hw_writer_open(sqlite3 *db, char *err, size_t errlen)
{
    hw_writer_t *w = calloc(1, sizeof *w);
    if (w) {
        w->db = db;
        w->chip = cols_prepare_insert(db, "chips", "hardware, chip_row", 2, chip_cols, NCOLS(chip_cols), NULL, 0, "", 0);
        w->pkg = cols_prepare_insert(db, "packages", "hardware, package_row, chip_row", 3, pkg_cols, NCOLS(pkg_cols),
                                     NULL, 0, "", 0);
        w->shape = cols_prepare_insert(db, "server_shapes", "hardware, shape_row, shape_index", 3, shape_cols,
                                       NCOLS(shape_cols), NULL, 0, "", 0);
        w->point = cols_prepare_insert(db, "server_points", "server_id, package_row, shape_row, status, reason_id", 5,
                                       NULL, 0, NULL, 0, "", 0);
        if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO heat_sinks(heatsource_length_mm, heatsource_width_mm, "
                               "packages_per_lane, hs_valid, hs_max_power_w, hs_cost_usd) VALUES(?, ?, ?, ?, ?, ?)",
                               -1, &w->hs, NULL) != SQLITE_OK)
            w->hs = NULL;
        w->cost = cols_prepare_insert(db, "server_costs", "server_id", 1, cost_cols, NCOLS(cost_cols), NULL, 0, "", 0);
        if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO reasons(reason_id, reason) VALUES(?, ?)", -1, &w->reason,
                               NULL) != SQLITE_OK)
            w->reason = NULL;
    }
    if (!w || !w->chip || !w->pkg || !w->shape || !w->point || !w->cost || !w->reason || !w->hs) {
        snprintf(err, errlen, "sqlite: preparing hardware inserts: %s", sqlite3_errmsg(db));
        hw_writer_close(w);
        return NULL;
    }
    return w;
}

void hw_writer_close(hw_writer_t *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->chip);
    sqlite3_finalize(w->pkg);
    sqlite3_finalize(w->shape);
    sqlite3_finalize(w->point);
    sqlite3_finalize(w->cost);
    sqlite3_finalize(w->reason);
    sqlite3_finalize(w->hs);
    free(w);
}

int hw_write_chip(hw_writer_t *w, const char *hardware, int64_t chip_row, const chip_t *c)
{
    sqlite3_bind_text(w->chip, 1, hardware, -1, SQLITE_STATIC);
    sqlite3_bind_int64(w->chip, 2, chip_row);
    cols_bind(w->chip, 3, chip_cols, NCOLS(chip_cols), c);
    return cols_step_reset(w->chip);
}

int hw_write_package(hw_writer_t *w, const char *hardware, int64_t package_row, int64_t chip_row,
                     const package_t *p)
{
    sqlite3_bind_text(w->pkg, 1, hardware, -1, SQLITE_STATIC);
    sqlite3_bind_int64(w->pkg, 2, package_row);
    sqlite3_bind_int64(w->pkg, 3, chip_row);
    cols_bind(w->pkg, 4, pkg_cols, NCOLS(pkg_cols), p);
    return cols_step_reset(w->pkg);
}

int hw_write_shape(hw_writer_t *w, const char *hardware, int64_t shape_row, int shape_index, const server_t *shape)
{
    sqlite3_bind_text(w->shape, 1, hardware, -1, SQLITE_STATIC);
    sqlite3_bind_int64(w->shape, 2, shape_row);
    sqlite3_bind_int(w->shape, 3, shape_index);
    cols_bind(w->shape, 4, shape_cols, NCOLS(shape_cols), shape);
    return cols_step_reset(w->shape);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The key of a reason: the first 47 bits of the SHA-256 of its text (six
 * bytes in a record; the same in every shard, so merges need no remapping). */
static int64_t reason_key(const char *text)
{
    char hex[65];
    sha256_hex(text, strlen(text), hex);
    hex[12] = '\0';
    return (int64_t)(strtoull(hex, NULL, 16) & ((1ull << 47) - 1));
}

static int reason_id(hw_writer_t *w, const char *text, int64_t *id)
{
    uint64_t h = fnv1a(text);
    reason_slot_t *s = &w->slots[h % REASON_SLOTS];
    if (s->text[0] && s->hash == h && strcmp(s->text, text) == 0) {
        *id = s->id;
        return 0;
    }
    *id = reason_key(text);
    sqlite3_bind_int64(w->reason, 1, *id);
    sqlite3_bind_text(w->reason, 2, text, -1, SQLITE_STATIC);
    if (cols_step_reset(w->reason))
        return -1;
    s->hash = h;
    s->id = *id;
    snprintf(s->text, sizeof s->text, "%s", text);
    return 0;
}

/* The server's heat sink, stored once per (heat source, packages per lane). */
static int write_heat_sink(hw_writer_t *w, const server_t *s)
{
    const double key[3] = {s->package->heatsource_length, s->package->heatsource_width, s->packages_per_lane};
    uint64_t h = 14695981039346656037ull;
    const unsigned char *b = (const unsigned char *)key;
    for (size_t i = 0; i < sizeof key; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    hs_slot_t *slot = &w->hs_slots[h % HS_SLOTS];
    if (slot->used && memcmp(slot->key, key, sizeof key) == 0)
        return 0;
    for (int i = 0; i < 3; i++)
        sqlite3_bind_double(w->hs, i + 1, key[i]);
    sqlite3_bind_int(w->hs, 4, s->hs.valid ? 1 : 0);
    sqlite3_bind_double(w->hs, 5, s->hs.max_power);
    sqlite3_bind_double(w->hs, 6, s->hs.cost);
    if (cols_step_reset(w->hs))
        return -1;
    memcpy(slot->key, key, sizeof key);
    slot->used = true;
    return 0;
}

int hw_write_server(hw_writer_t *w, int64_t server_id, int64_t package_row, int64_t shape_row, const server_t *s)
{
    /* hw_server_eval ran when it set num_packages (its first step): the heat sink is known */
    int status = s->valid ? SRV_VALID : s->num_packages > 0 ? SRV_REFUSED : SRV_LANE_REFUSED;
    if (status != SRV_LANE_REFUSED && write_heat_sink(w, s))
        return -1;
    sqlite3_stmt *st = w->point;
    sqlite3_bind_int64(st, 1, server_id);
    sqlite3_bind_int64(st, 2, package_row);
    sqlite3_bind_int64(st, 3, shape_row);
    sqlite3_bind_int(st, 4, status);
    if (s->invalid_reason[0]) {
        int64_t id;
        if (reason_id(w, s->invalid_reason, &id))
            return -1;
        sqlite3_bind_int64(st, 5, id);
    }
    if (cols_step_reset(st))
        return -1;
    if (!s->valid)
        return 0;
    sqlite3_bind_int64(w->cost, 1, server_id);
    cols_bind(w->cost, 2, cost_cols, NCOLS(cost_cols), s);
    return cols_step_reset(w->cost);
}

int hw_store_replace(sqlite3 *db, const char *hardware, const hw_points_t *pts, char *err, size_t errlen)
{
    static const char *wipe = "DELETE FROM rank_best; DELETE FROM rank_front; DELETE FROM perf_mappings; "
                              "DELETE FROM perf_values; DELETE FROM perf_results; DELETE FROM perf_costs; "
                              "DELETE FROM perf_passes; DELETE FROM systems; "
                              "DELETE FROM server_costs; DELETE FROM server_points; DELETE FROM reasons; "
                              "DELETE FROM heat_sinks; DELETE FROM server_shapes; "
                              "DELETE FROM packages; DELETE FROM chips;";
    char *msg = NULL;
    if (sqlite3_exec(db, wipe, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    hw_writer_t *w = hw_writer_open(db, err, errlen);
    int rc = w ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < pts->n_chips; i++)
        rc = hw_write_chip(w, hardware, (int64_t)i, &pts->chips[i]);
    for (size_t i = 0; rc == 0 && i < pts->n_packages; i++)
        rc = hw_write_package(w, hardware, (int64_t)i, pts->packages[i].chip - pts->chips, &pts->packages[i]);
    /* the shapes: those of the first valid package's servers (every valid package has them all, in order) */
    for (size_t i = 0; rc == 0 && i < pts->n_servers && (i == 0 || pts->servers[i].package == pts->servers[0].package);
         i++)
        rc = hw_write_shape(w, hardware, pts->servers[i].shape_index, pts->servers[i].shape_index, &pts->servers[i]);
    for (size_t i = 0; rc == 0 && i < pts->n_servers; i++) {
        const server_t *s = &pts->servers[i];
        rc = hw_write_server(w, s->server_id, s->package - pts->packages, s->shape_index, s);
    }
    if (rc && w)
        snprintf(err, errlen, "sqlite: writing hardware points: %s", sqlite3_errmsg(db));
    hw_writer_close(w);
    return rc;
}

/* ---- loading --------------------------------------------------------- */

/* How a row's columns after its lead are read into an element. */
typedef void (*row_read_t)(sqlite3_stmt *st, int first, void *elem, const void *ctx);

typedef struct {
    const col_t *cols;
    size_t n;
} col_list_t;

static void read_cols(sqlite3_stmt *st, int first, void *elem, const void *ctx)
{
    const col_list_t *l = ctx;
    cols_read(st, first, l->cols, l->n, elem);
}

static int load_rows(sqlite3 *db, const char *sql, row_read_t read, const void *ctx, size_t elem, int n_lead,
                     void **out, size_t *count, sqlite3_int64 **lead_vals)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    size_t cap = 16, k = 0;
    char *arr = calloc(cap, elem);
    sqlite3_int64 *lead = calloc(cap * (size_t)n_lead, sizeof *lead);
    int rc;
    while (arr && lead && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap *= 2;
            char *a2 = realloc(arr, cap * elem);
            sqlite3_int64 *l2 = realloc(lead, cap * (size_t)n_lead * sizeof *lead);
            if (a2)
                arr = a2;
            if (l2)
                lead = l2;
            if (!a2 || !l2)
                break;
        }
        memset(arr + k * elem, 0, elem);
        for (int j = 0; j < n_lead; j++)
            lead[k * (size_t)n_lead + j] = sqlite3_column_int64(st, j);
        read(st, n_lead, arr + k * elem, ctx);
        k++;
    }
    rc = sqlite3_errcode(db);
    sqlite3_finalize(st);
    if (!arr || !lead || (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)) {
        free(arr);
        free(lead);
        return -1;
    }
    *out = arr;
    *count = k;
    *lead_vals = lead;
    return 0;
}

/* The valid servers from the base tables (not through the view `servers`,
 * whose 150 expressions SQLite parses and flattens on every prepare: about
 * 0.3 ms of a short `hwsweep sw`): a row's lead is server_id and
 * package_row, then the reason, the shape, the heat sink and the costs. */
#define SRV_BASE_FROM                                                                                          \
    " FROM server_points v JOIN server_shapes h ON h.shape_row = v.shape_row "                                 \
    "JOIN packages k ON k.package_row = v.package_row JOIN server_costs e ON e.server_id = v.server_id "      \
    "LEFT JOIN reasons r ON r.reason_id = v.reason_id "                                                       \
    "LEFT JOIN heat_sinks g ON g.heatsource_length_mm = k.heatsource_length_mm AND "                          \
    "g.heatsource_width_mm = k.heatsource_width_mm AND g.packages_per_lane = h.packages_per_lane "            \
    "WHERE v.status = 2 ORDER BY v.server_id"
static const col_t srv_reason_cols[] = {T(server_t, "reason", invalid_reason)};
static const col_t srv_hs_cols[] = {B(server_t, "hs_valid", hs.valid), R(server_t, "hs_max_power_w", hs.max_power),
                                    R(server_t, "hs_cost_usd", hs.cost)};

/* What a valid server's stored parts imply, formed where the evaluation
 * forms it (hw_server_sizes, hw_server_cost_sum, the TCO's sums): the same
 * bits as the evaluated server and as the view (test_hw_store). */
static void srv_base_derive(server_t *s)
{
    hw_server_sizes(s);
    hw_server_cost_sum(s);
    s->tco.srv_amortization = s->cost;
    hw_tco_fix_sum(&s->tco);
    hw_tco_power_sum(&s->tco);
}

/* The rows of SRV_BASE_FROM: load_rows' loop, the columns in four groups. */
static void read_server(sqlite3_stmt *st, int c, void *elem, const void *ctx)
{
    server_t *s = elem;
    (void)ctx;
    cols_read(st, c, srv_reason_cols, NCOLS(srv_reason_cols), s);
    cols_read(st, c += (int)NCOLS(srv_reason_cols), shape_cols, NCOLS(shape_cols), s);
    cols_read(st, c += (int)NCOLS(shape_cols), srv_hs_cols, NCOLS(srv_hs_cols), s);
    cols_read(st, c + (int)NCOLS(srv_hs_cols), cost_cols, NCOLS(cost_cols), s);
}

static void select_sql(char *sql, size_t len, const char *head, const col_t *a, size_t na, const col_t *b,
                       size_t nb, const char *tail)
{
    snprintf(sql, len, "SELECT %s", head);
    cols_sql_names(a, na, "", sql, len);
    cols_sql_names(b, nb, "", sql, len);
    size_t used = strlen(sql);
    snprintf(sql + used, len - used, " %s", tail);
}

/* Index of the row whose id (every stride-th value, ascending) is id, or -1. */
static long find_row(const sqlite3_int64 *ids, size_t stride, size_t n, sqlite3_int64 id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid * stride] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo * stride] == id ? (long)lo : -1;
}

int hw_store_load_valid(sqlite3 *db, hw_points_t *out, char *err, size_t errlen)
{
    char *sql = malloc(SQL_MAX);
    sqlite3_int64 *chip_rows = NULL, *pkg_rows = NULL, *srv_lead = NULL;
    memset(out, 0, sizeof *out);
    int rc = sql ? 0 : -1;
    if (rc == 0) {
        select_sql(sql, SQL_MAX, "chip_row", chip_cols, NCOLS(chip_cols), NULL, 0,
                   "FROM chips WHERE chip_row IN (SELECT k.chip_row FROM server_points v JOIN packages k USING (package_row) "
                   "WHERE v.status = 2) ORDER BY chip_row");
        rc = load_rows(db, sql, read_cols, &(col_list_t){chip_cols, NCOLS(chip_cols)}, sizeof(chip_t), 1,
                       (void **)&out->chips, &out->n_chips, &chip_rows);
    }
    if (rc == 0) {
        select_sql(sql, SQL_MAX, "package_row, chip_row", pkg_cols, NCOLS(pkg_cols), NULL, 0,
                   "FROM packages WHERE package_row IN (SELECT package_row FROM server_points WHERE status = 2) "
                   "ORDER BY package_row");
        rc = load_rows(db, sql, read_cols, &(col_list_t){pkg_cols, NCOLS(pkg_cols)}, sizeof(package_t), 2,
                       (void **)&out->packages, &out->n_packages, &pkg_rows);
    }
    if (rc == 0) {
        snprintf(sql, SQL_MAX, "SELECT v.server_id, v.package_row");
        cols_sql_names(srv_reason_cols, NCOLS(srv_reason_cols), "r.", sql, SQL_MAX);
        cols_sql_names(shape_cols, NCOLS(shape_cols), "h.", sql, SQL_MAX);
        cols_sql_names(srv_hs_cols, NCOLS(srv_hs_cols), "g.", sql, SQL_MAX);
        cols_sql_names(cost_cols, NCOLS(cost_cols), "e.", sql, SQL_MAX);
        append(sql, SQL_MAX, SRV_BASE_FROM);
        rc = load_rows(db, sql, read_server, NULL, sizeof(server_t), 2, (void **)&out->servers, &out->n_servers,
                       &srv_lead);
    }
    /* link parents: both row lists are sorted by id */
    for (size_t i = 0; rc == 0 && i < out->n_packages; i++) {
        long k = find_row(chip_rows, 1, out->n_chips, pkg_rows[2 * i + 1]);
        if (k < 0)
            rc = -1;
        else
            out->packages[i].chip = &out->chips[k];
    }
    for (size_t i = 0; rc == 0 && i < out->n_servers; i++) {
        long k = find_row(pkg_rows, 2, out->n_packages, srv_lead[2 * i + 1]);
        if (k < 0) {
            rc = -1;
        } else {
            out->servers[i].package = &out->packages[k];
            out->servers[i].server_id = (int)srv_lead[2 * i];
            out->servers[i].valid = true;
            srv_base_derive(&out->servers[i]);
        }
    }
    if (rc != 0) {
        snprintf(err, errlen, "sqlite: reading the servers: %s", sqlite3_errmsg(db));
        hw_points_free(out);
    }
    free(chip_rows);
    free(pkg_rows);
    free(srv_lead);
    free(sql);
    return rc;
}

/* The first valid chip named chip_id that has a valid package, and that
 * package (the first), read whole into chip and pkg (pkg->chip = chip). */
int hw_store_load_chip(sqlite3 *db, const char *chip_id, chip_t *chip, package_t *pkg)
{
    char *sql = malloc(SQL_MAX);
    if (!sql)
        return -1;
    snprintf(sql, SQL_MAX, "SELECT c.chip_row");
    cols_sql_names(chip_cols, NCOLS(chip_cols), "c.", sql, SQL_MAX);
    cols_sql_names(pkg_cols, NCOLS(pkg_cols), "p.", sql, SQL_MAX);
    size_t used = strlen(sql);
    snprintf(sql + used, SQL_MAX - used,
             " FROM chips c JOIN packages p ON p.chip_row = c.chip_row WHERE c.valid AND p.valid AND c.chip_id = ?1"
             " ORDER BY c.chip_row, p.package_row LIMIT 1");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ? 0 : -1;
    free(sql);
    if (rc)
        return -1;
    sqlite3_bind_text(st, 1, chip_id, -1, SQLITE_STATIC);
    memset(chip, 0, sizeof *chip);
    memset(pkg, 0, sizeof *pkg);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        cols_read(st, 1, chip_cols, NCOLS(chip_cols), chip);
        cols_read(st, 1 + (int)NCOLS(chip_cols), pkg_cols, NCOLS(pkg_cols), pkg);
        pkg->chip = chip;
    }
    sqlite3_finalize(st);
    return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
}

/*
 * hw_store.c -- the chips, packages and servers tables.
 *
 * chips and packages hold every input and derived field of their struct;
 * servers holds the hardware summary columns (the CSV's names, NULL for
 * invalid servers) and the server's own fields, so that `sw` rebuilds the
 * servers from the database alone.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/summary.h"
#include "store/hw_store.h"
#include "store/schema_sql.h"
#include "store/table.h"

#define N(s, name, field) {name, COL_COUNT, offsetof(s, field), 0}
#define R(s, name, field) {name, COL_REAL, offsetof(s, field), 0}
#define B(s, name, field) {name, COL_BOOL, offsetof(s, field), 0}
#define T(s, name, field) {name, COL_TEXT, offsetof(s, field), sizeof(((s *)0)->field)}
#define IO_COLS(s, p, f)                                                                              \
    B(s, p "present", f.present), T(s, p "io_type", f.io_type), R(s, p "num", f.num),                \
    R(s, p "bandwidth_per_io", f.bandwidth_per_io), R(s, p "area_per_io", f.area_per_io),             \
    R(s, p "tdp_per_io", f.tdp_per_io), R(s, p "pj_per_byte", f.pj_per_byte),                         \
    R(s, p "init_time_s", f.init_time_s), R(s, p "bandwidth", f.bandwidth), R(s, p "area", f.area),   \
    R(s, p "tdp", f.tdp), R(s, p "joules_per_byte", f.joules_per_byte)
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
    R(chip_t, "core_area_ratio", core_area_ratio), R(chip_t, "num_sa", num_sa), R(chip_t, "acc_depth", acc_depth),
    R(chip_t, "hbm_channels", hbm_channels), R(chip_t, "mem_3d_vaults", mem_3d_vaults),
    R(chip_t, "mem_3d_vault_tsvs", mem_3d_vault_tsvs), R(chip_t, "macs_density", macs_density),
    R(chip_t, "w_per_tops", w_per_tops), R(chip_t, "vdd", vdd), R(chip_t, "sa_width", sa_width),
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
    R(package_t, "hbm_num_channels", hbm.num_channels), R(package_t, "hbm_cost_per_gb", hbm.cost_per_gb),
    R(package_t, "hbm_pj_per_byte", hbm.pj_per_byte), R(package_t, "hbm_vdd", hbm.vdd),
    R(package_t, "hbm_x_mm", hbm.x), R(package_t, "hbm_y_mm", hbm.y), R(package_t, "hbm_stack_cost", hbm.stack_cost),
    R(package_t, "hbm_cap_bytes", hbm.cap), R(package_t, "hbm_bandwidth", hbm.bandwidth),
    R(package_t, "hbm_tdp_w", hbm.tdp), R(package_t, "hbm_area_mm2", hbm.area), R(package_t, "hbm_cost_usd", hbm.cost),
    B(package_t, "mem_3d_present", mem_3d.present), T(package_t, "mem_3d_mem_type", mem_3d.mem_type),
    T(package_t, "mem_3d_config", mem_3d.config), B(package_t, "mem_3d_simulator", mem_3d.simulator),
    R(package_t, "mem_3d_tsvs", mem_3d.tsvs), R(package_t, "mem_3d_layer_bytes", mem_3d.layer_bytes),
    R(package_t, "mem_3d_layer_area", mem_3d.layer_area), R(package_t, "mem_3d_layer_cost", mem_3d.layer_cost),
    R(package_t, "mem_3d_num_layers", mem_3d.num_layers), R(package_t, "mem_3d_density", mem_3d.density),
    R(package_t, "mem_3d_tsv_area", mem_3d.tsv_area), R(package_t, "mem_3d_bit_rate", mem_3d.bit_rate),
    R(package_t, "mem_3d_pj_per_bit", mem_3d.pj_per_bit), R(package_t, "mem_3d_vdd", mem_3d.vdd),
    R(package_t, "mem_3d_bandwidth", mem_3d.bandwidth), R(package_t, "mem_3d_pj_per_byte", mem_3d.pj_per_byte),
    R(package_t, "mem_3d_cap_bytes", mem_3d.cap), R(package_t, "mem_3d_tdp_w", mem_3d.tdp),
    R(package_t, "mem_3d_area_mm2", mem_3d.area), R(package_t, "mem_3d_cost_usd", mem_3d.cost),
    IO_COLS(package_t, "io_", io), B(package_t, "si", si), N(package_t, "num_hbm_stacks", num_hbm_stacks),
    R(package_t, "heatsource_length_mm", heatsource_length), R(package_t, "heatsource_width_mm", heatsource_width),
    R(package_t, "total_die_area_mm2", total_die_area), R(package_t, "area_mm2", area),
    R(package_t, "length_mm", length), R(package_t, "width_mm", width), R(package_t, "tdp_w", tdp),
    R(package_t, "cost_usd", cost), R(package_t, "perf_flops", perf), R(package_t, "sram_bytes", sram),
    R(package_t, "dram_bytes", dram), R(package_t, "total_mem_bytes", total_mem),
    R(package_t, "dram_bw_per_chip", dram_bw_per_chip), R(package_t, "tops", tops), R(package_t, "sram_mb", sram_mb),
    R(package_t, "dram_gb", dram_gb), R(package_t, "dram_bw_TB_per_sec", dram_bw_TB_per_sec),
    R(package_t, "power_density_w_per_mm2", power_density),
};

/* Server fields stored under the summary's names (read back only). */
static const col_t srv_summary_cols[] = {
    R(server_t, "srv_num_packages", num_packages), R(server_t, "srv_sram_mb", sram_mb),
    R(server_t, "srv_tdp", tdp), R(server_t, "srv_tops", tops), R(server_t, "srv_cost", cost),
    R(server_t, "tco_total", tco.total), R(server_t, "tco_dc_amortization", tco.dc_amortization),
    R(server_t, "tco_dc_interest", tco.dc_interest), R(server_t, "tco_dc_opex", tco.dc_opex),
    R(server_t, "tco_srv_amortization", tco.srv_amortization), R(server_t, "tco_srv_interest", tco.srv_interest),
    R(server_t, "tco_srv_opex", tco.srv_opex), R(server_t, "tco_srv_power", tco.srv_power),
    R(server_t, "tco_pue_overhead", tco.pue_overhead),
};

/* Server fields that the summary does not show. */
static const col_t srv_cols[] = {
    T(server_t, "invalid_reason", invalid_reason), N(server_t, "packages_per_lane", packages_per_lane),
    N(server_t, "num_lanes", num_lanes), IO_COLS(server_t, "io_", io), B(server_t, "thermal_eval", thermal_eval),
    R(server_t, "custom_max_power", custom_max_power), R(server_t, "package_max_power_factor", package_max_power_factor),
    N(server_t, "num_chips", num_chips), R(server_t, "core_tdp_w", core_tdp), R(server_t, "other_tdp_w", other_tdp),
    B(server_t, "hs_valid", hs.valid), R(server_t, "hs_cost_usd", hs.cost), R(server_t, "hs_max_power_w", hs.max_power),
    R(server_t, "perf_flops", perf), R(server_t, "sram_bytes", sram), R(server_t, "dram_bytes", dram),
    R(server_t, "total_mem_bytes", total_mem), R(server_t, "cost_all_package_usd", cost_all_package),
    R(server_t, "cost_all_heatsinks_usd", cost_all_heatsinks), R(server_t, "cost_all_fans_usd", cost_all_fans),
    R(server_t, "cost_ethernet_usd", cost_all_ethernet), R(server_t, "cost_dcdc_usd", cost_dcdc),
    R(server_t, "cost_psu_usd", cost_psu), R(server_t, "cost_system_usd", cost_system),
    R(server_t, "tco_fix_part", tco.fix_part), R(server_t, "tco_power_part", tco.power_part),
};

#define SQL_MAX 16384

int hw_store_schema(sqlite3 *db, char *err, size_t errlen)
{
    char *sql = malloc(3 * SQL_MAX);
    if (!sql) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int n = snprintf(sql, SQL_MAX, "CREATE TABLE IF NOT EXISTS chips(chip_row INTEGER PRIMARY KEY, hardware TEXT");
    cols_sql_defs(chip_cols, NCOLS(chip_cols), sql, SQL_MAX);
    n = (int)strlen(sql);
    snprintf(sql + n, 3 * SQL_MAX - n, ");\nCREATE TABLE IF NOT EXISTS packages(package_row INTEGER PRIMARY KEY, "
             "hardware TEXT, chip_row INTEGER REFERENCES chips");
    cols_sql_defs(pkg_cols, NCOLS(pkg_cols), sql, 2 * SQL_MAX);
    n = (int)strlen(sql);
    snprintf(sql + n, 3 * SQL_MAX - n, ");\nCREATE TABLE IF NOT EXISTS servers(server_id INTEGER PRIMARY KEY, "
             "hardware TEXT, package_row INTEGER REFERENCES packages, chip_row INTEGER REFERENCES chips, "
             "valid INTEGER");
    for (int i = 0; i < HW_SUMMARY_NCOLS; i++) {
        n = (int)strlen(sql);
        const char *type = i >= HW_SUMMARY_NCOLS - 2 ? "" : " REAL";
        snprintf(sql + n, 3 * SQL_MAX - n, ", %s%s", hw_summary_columns[i], type);
    }
    cols_sql_defs(srv_cols, NCOLS(srv_cols), sql, 3 * SQL_MAX);
    n = (int)strlen(sql);
    snprintf(sql + n, 3 * SQL_MAX - n, ");\nCREATE INDEX IF NOT EXISTS servers_valid ON servers(hardware, valid, server_id);");
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: creating hardware tables: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    free(sql);
    return rc == SQLITE_OK ? 0 : -1;
}

struct hw_writer {
    sqlite3 *db;
    sqlite3_stmt *chip, *pkg, *srv;
};

hw_writer_t *hw_writer_open(sqlite3 *db, char *err, size_t errlen)
{
    char head[4096] = "hardware, server_id, package_row, chip_row, valid";
    for (int i = 0; i < HW_SUMMARY_NCOLS; i++) {
        strcat(head, ", ");
        strcat(head, hw_summary_columns[i]);
    }
    hw_writer_t *w = calloc(1, sizeof *w);
    if (w) {
        w->db = db;
        w->chip = cols_prepare_insert(db, "chips", "hardware, chip_row", 2, chip_cols, NCOLS(chip_cols), NULL, 0, "", 0);
        w->pkg = cols_prepare_insert(db, "packages", "hardware, package_row, chip_row", 3, pkg_cols, NCOLS(pkg_cols),
                                     NULL, 0, "", 0);
        w->srv = cols_prepare_insert(db, "servers", head, 5 + HW_SUMMARY_NCOLS, srv_cols, NCOLS(srv_cols), NULL, 0,
                                     "", 0);
    }
    if (!w || !w->chip || !w->pkg || !w->srv) {
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
    sqlite3_finalize(w->srv);
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

static void bind_summary(sqlite3_stmt *st, int first, const server_t *s)
{
    if (!s->valid)
        return;   /* NULL summary for invalid servers */
    summary_cell_t cells[HW_SUMMARY_NCOLS];
    hw_summary_row(s, cells);
    for (int i = 0; i < HW_SUMMARY_NCOLS; i++) {
        if (cells[i].text)
            sqlite3_bind_text(st, first + i, cells[i].text, -1, SQLITE_TRANSIENT);
        else if (i == HW_SUMMARY_NCOLS - 1)
            sqlite3_bind_int64(st, first + i, (sqlite3_int64)cells[i].v);
        else
            sqlite3_bind_double(st, first + i, cells[i].v);
    }
}

int hw_write_server(hw_writer_t *w, const char *hardware, int64_t server_id, int64_t package_row,
                    int64_t chip_row, const server_t *s)
{
    sqlite3_bind_text(w->srv, 1, hardware, -1, SQLITE_STATIC);
    sqlite3_bind_int64(w->srv, 2, server_id);
    sqlite3_bind_int64(w->srv, 3, package_row);
    sqlite3_bind_int64(w->srv, 4, chip_row);
    sqlite3_bind_int(w->srv, 5, s->valid ? 1 : 0);
    bind_summary(w->srv, 6, s);
    cols_bind(w->srv, 6 + HW_SUMMARY_NCOLS, srv_cols, NCOLS(srv_cols), s);
    return cols_step_reset(w->srv);
}

int hw_store_replace(sqlite3 *db, const char *hardware, const hw_points_t *pts, char *err, size_t errlen)
{
    static const char *wipe = "DELETE FROM perf_choices; DELETE FROM perf_mappings; DELETE FROM perf_passes; DELETE FROM systems; "
                              "DELETE FROM servers; "
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
    for (size_t i = 0; rc == 0 && i < pts->n_servers; i++) {
        const server_t *s = &pts->servers[i];
        rc = hw_write_server(w, hardware, s->server_id, s->package - pts->packages, s->package->chip - pts->chips, s);
    }
    if (rc && w)
        snprintf(err, errlen, "sqlite: writing hardware points: %s", sqlite3_errmsg(db));
    hw_writer_close(w);
    return rc;
}

/* ---- loading --------------------------------------------------------- */

static int load_rows(sqlite3 *db, const char *sql, const col_t *cols, size_t n, size_t elem, int n_lead,
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
        cols_read(st, n_lead, cols, n, arr + k * elem);
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
                   "FROM chips WHERE chip_row IN (SELECT chip_row FROM servers WHERE valid) ORDER BY chip_row");
        rc = load_rows(db, sql, chip_cols, NCOLS(chip_cols), sizeof(chip_t), 1, (void **)&out->chips,
                       &out->n_chips, &chip_rows);
    }
    if (rc == 0) {
        select_sql(sql, SQL_MAX, "package_row, chip_row", pkg_cols, NCOLS(pkg_cols), NULL, 0,
                   "FROM packages WHERE package_row IN (SELECT package_row FROM servers WHERE valid) "
                   "ORDER BY package_row");
        rc = load_rows(db, sql, pkg_cols, NCOLS(pkg_cols), sizeof(package_t), 2, (void **)&out->packages,
                       &out->n_packages, &pkg_rows);
    }
    if (rc == 0) {
        col_t all[NCOLS(srv_summary_cols) + NCOLS(srv_cols)];
        memcpy(all, srv_summary_cols, sizeof srv_summary_cols);
        memcpy(all + NCOLS(srv_summary_cols), srv_cols, sizeof srv_cols);
        select_sql(sql, SQL_MAX, "server_id, package_row", all, NCOLS(all), NULL, 0,
                   "FROM servers WHERE valid ORDER BY server_id");
        rc = load_rows(db, sql, all, NCOLS(all), sizeof(server_t), 2, (void **)&out->servers, &out->n_servers,
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

/*
 * test_hw_store.c -- the compact server store (src/store/hw_store.c): every
 * golden hardware file evaluated, stored (server_shapes, server_points,
 * server_costs, reasons) and read back (hw_store_load_valid, from the base
 * tables) gives each valid server's fields bit for bit, and so does the
 * view `servers` for what it computes (the view's and the loader's sums
 * and products repeat server.c's and tco.c's operations in order); every
 * server's invalid reason comes back; reasons are stored once each.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/hw_engine.h"
#include "hw/hw_config.h"
#include "store/hw_store.h"
#include "store/schema_sql.h"

#define CONSTANTS "tests/golden/inputs/hardware/constant/7nm_default.yaml"
#define CONFIGS "tests/golden/inputs/hardware/config/"

static const char *const cases[] = {"cc_sweep", "tpuv4", "hbm_explore", "cc_3d_baseline", "hw_example", "b200"};

static long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Same bits (a NaN equals itself). */
static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

#define SAME(f) ck_assert_msg(same(a->f, b->f), "%s server %d: %s %.17g stored, %.17g evaluated", name, \
                              b->server_id, #f, b->f, a->f)

static void compare(const char *name, const server_t *a, const server_t *b)
{
    SAME(packages_per_lane);
    SAME(num_lanes);
    SAME(io.num);
    SAME(io.bandwidth_per_io);
    SAME(io.bandwidth);
    SAME(io.area);
    SAME(io.tdp);
    SAME(io.joules_per_byte);
    SAME(custom_max_power);
    SAME(package_max_power_factor);
    SAME(num_packages);
    SAME(num_chips);
    SAME(core_tdp);
    SAME(other_tdp);
    SAME(tdp);
    SAME(hs.max_power);
    SAME(hs.cost);
    SAME(cost);
    SAME(perf);
    SAME(sram);
    SAME(dram);
    SAME(tops);
    SAME(sram_mb);
    SAME(total_mem);
    SAME(cost_all_package);
    SAME(cost_all_heatsinks);
    SAME(cost_all_fans);
    SAME(cost_all_ethernet);
    SAME(cost_dcdc);
    SAME(cost_psu);
    SAME(cost_system);
    SAME(tco.dc_amortization);
    SAME(tco.dc_interest);
    SAME(tco.dc_opex);
    SAME(tco.srv_power);
    SAME(tco.pue_overhead);
    SAME(tco.srv_amortization);
    SAME(tco.srv_interest);
    SAME(tco.srv_opex);
    SAME(tco.total);
    SAME(tco.fix_part);
    SAME(tco.power_part);
    ck_assert(a->hs.valid == b->hs.valid && a->thermal_eval == b->thermal_eval && a->io.present == b->io.present);
    ck_assert_str_eq(a->invalid_reason, b->invalid_reason);
    ck_assert_str_eq(a->io.io_type, b->io.io_type);
    ck_assert_ptr_nonnull(a->package);
}

START_TEST(servers_round_trip_bit_identical)
{
    const char *name = cases[_i];
    char path[512], err[512] = "";
    cfg_err_t cerr;
    hw_constants_t hc;
    hw_config_t cfg;
    snprintf(path, sizeof path, CONFIGS "%s.yaml", name);
    ck_assert_int_eq(hw_constants_load(CONSTANTS, &hc, &cerr), 0);
    ck_assert_msg(hw_config_load(path, &cfg, &cerr) == 0, "%s", cerr.msg);
    hw_points_t pts, back;
    hw_stats_t stats;
    memset(&stats, 0, sizeof stats);
    ck_assert_int_eq(hw_engine_eval(&cfg, &hc, 1, &pts, &stats), 0);

    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_msg(db_schema_create(db, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(hw_store_replace(db, cfg.name, &pts, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM servers"), (long)pts.n_servers);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM server_shapes"), pts.n_servers ? (long)cfg.n_servers : 0);

    ck_assert_msg(hw_store_load_valid(db, &back, err, sizeof err) == 0, "%s", err);
    size_t k = 0, valid = 0;
    for (size_t i = 0; i < pts.n_servers; i++) {
        if (!pts.servers[i].valid)
            continue;
        valid++;
        ck_assert_uint_lt(k, back.n_servers);
        ck_assert_int_eq(back.servers[k].server_id, pts.servers[i].server_id);
        compare(name, &back.servers[k++], &pts.servers[i]);
    }
    ck_assert_uint_eq(back.n_servers, valid);

    /* what the view computes, against the same servers read back */
    static const char *const view_cols[] = {"num_packages", "num_chips", "tdp_w", "perf_flops", "tops", "sram_bytes",
                                            "sram_mb", "dram_bytes", "total_mem_bytes", "cost_all_package_usd",
                                            "cost_all_heatsinks_usd", "cost_usd", "tco_srv_amortization_usd",
                                            "tco_fix_part_usd", "tco_power_part_usd", "tco_total_usd"};
    sqlite3_stmt *vs = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT server_id, num_packages, num_chips, tdp_w, perf_flops, tops, "
                                        "sram_bytes, sram_mb, dram_bytes, total_mem_bytes, cost_all_package_usd, "
                                        "cost_all_heatsinks_usd, cost_usd, tco_srv_amortization_usd, tco_fix_part_usd, "
                                        "tco_power_part_usd, tco_total_usd FROM servers WHERE valid ORDER BY server_id",
                                        -1, &vs, NULL), SQLITE_OK);
    for (k = 0; sqlite3_step(vs) == SQLITE_ROW; k++) {
        const server_t *b = &back.servers[k];
        const double mine[] = {b->num_packages, b->num_chips, b->tdp, b->perf, b->tops, b->sram, b->sram_mb, b->dram,
                               b->total_mem, b->cost_all_package, b->cost_all_heatsinks, b->cost,
                               b->tco.srv_amortization, b->tco.fix_part, b->tco.power_part, b->tco.total};
        ck_assert_uint_lt(k, back.n_servers);
        ck_assert_int_eq(sqlite3_column_int64(vs, 0), b->server_id);
        for (int c = 0; c < 16; c++)
            ck_assert_msg(same(sqlite3_column_double(vs, c + 1), mine[c]), "%s server %d: view %s %.17g, read %.17g",
                          name, b->server_id, view_cols[c], sqlite3_column_double(vs, c + 1), mine[c]);
    }
    sqlite3_finalize(vs);
    ck_assert_uint_eq(k, back.n_servers);

    /* every server's reason, and each distinct reason stored once */
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT server_id, valid, invalid_reason FROM servers ORDER BY server_id",
                                        -1, &st, NULL), SQLITE_OK);
    size_t n = 0, with_reason = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const server_t *s = &pts.servers[n++];
        const char *r = (const char *)sqlite3_column_text(st, 2);
        ck_assert_int_eq(sqlite3_column_int64(st, 0), s->server_id);
        ck_assert_int_eq(sqlite3_column_int(st, 1), s->valid);
        ck_assert_str_eq(r ? r : "", s->invalid_reason);
        with_reason += s->invalid_reason[0] != '\0';
    }
    sqlite3_finalize(st);
    ck_assert_uint_eq(n, pts.n_servers);
    ck_assert_int_eq(count(db, "SELECT count(*) FROM reasons"),
                     count(db, "SELECT count(DISTINCT invalid_reason) FROM servers"));
    ck_assert_int_eq(count(db, "SELECT count(*) FROM server_points WHERE reason_id IS NOT NULL"), (long)with_reason);
    printf("hw_store %-15s %zu servers (%zu valid) read back bit-identical, %ld distinct reasons\n", name,
           pts.n_servers, valid, count(db, "SELECT count(*) FROM reasons"));
    hw_points_free(&back);
    hw_points_free(&pts);
    hw_config_free(&cfg);
    sqlite3_close(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hw_store");
    TCase *tc = tcase_create("round_trip");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, servers_round_trip_bit_identical, 0, (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

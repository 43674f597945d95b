/*
 * test_npu.c -- the NPU per-operator simulator (src/npu, src/ops/neusim_*,
 * src/engine/npu_run, hwsweep npu's writers): chip derivations and
 * per-formula numbers from the spec (../shared/specs/neusim.md), the fast
 * tile search against NeuSim's full enumeration, the compat golden
 * comparison (tests/golden/neusim, cell by cell within 1e-9), each
 * default-mode fix with the number it changes, and bad inputs.
 */
#include <check.h>
#include <jansson.h>
#include <sqlite3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/npu_out.h"
#include "engine/npu_run.h"
#include "engine/npu_sweep.h"
#include "store/npu_store.h"
#include "npu/npu_config.h"
#include "npu/npu_perf.h"
#include "ops/neusim_llm.h"

#define GOLD "tests/golden/neusim/A_llama3-8b_tpuv5p/"
#define RAW GOLD "pipeline/raw/llama3-8b/dp1-tp1-pp1-dpdcn1-tpdcn1-ppdcn1-bs1/"

static void close_to(double got, double want)
{
    ck_assert_msg(fabs(got - want) <= 1e-9 * fabs(want), "got %.17g, want %.17g", got, want);
}

static void load(npu_config_t *c, const char *chip, const char *model)
{
    npu_config_defaults(c);
    cfg_err_t err;
    char p[512];
    const char *k[3] = {"systems", "chips", "models"}, *n[3] = {"system_config", chip, model};
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(npu_config_resolve(k[i], n[i], p, sizeof p, &err), "%s", err.msg);
        ck_assert_msg(npu_config_merge_file(c, p, &err), "%s", err.msg);
    }
}

/* ---- chips (spec §1.2 derived table) ---------------------------------------- */

START_TEST(test_chip_derived)
{
    npu_config_t c;
    npu_chip_t ch;
    load(&c, "tpuv5p", "llama3-8b");
    npu_config_chip(&c, &ch);
    ck_assert_int_eq(ch.ici_axes, 3);
    ck_assert(fabs(ch.peak_SA_tflops - 445.64) < 0.01);
    ck_assert(fabs(ch.peak_VU_tflops - 10.445) < 0.001);
    ck_assert(fabs(ch.vmem_bw_GBps - 41779.2) < 1e-6);
    ck_assert(fabs(ch.static_power_W - 114.536) < 0.001);
    ck_assert(fabs(ch.dynamic_power_peak_W - 330.07) < 0.01);
    load(&c, "tpuv6e", "llama3-8b");
    npu_config_chip(&c, &ch);
    ck_assert_int_eq(ch.ici_axes, 2);
    ck_assert(fabs(ch.peak_SA_tflops - 917.50) < 0.01);
    ck_assert(fabs(ch.static_power_W - 106.843) < 0.001);
    ck_assert(fabs(ch.total_power_peak_W - 281.54) < 0.01);
}
END_TEST

/* ---- per-op formulas (spec §6) ------------------------------------------------- */

static void one_einsum(const npu_chip_t *ch, const int64_t *a, int ra, const int64_t *b, int rb, const char *e,
                       npu_op_perf_t *p, npu_op_detail_t *d)
{
    ns_oplist_t L;
    ck_assert(ns_oplist_init(&L, ch->ici_bw_GBps, ch->ici_latency_ns, ch->pcie_bw_GBps, ch->pcie_latency_ns));
    ns_einsum(&L, a, ra, b, rb, e, "0_0_0", 3, "d", "n", 1, -1);
    npu_op_comm_t comm = {NPU_OP_MXU, 0, 0, 0, 0, 0};
    npu_perf_op(ch, op_graph_get(L.g, 0), &comm, NULL, NULL, p, d);
    ns_oplist_free(&L);
}

START_TEST(test_einsum_times)
{
    npu_config_t c;
    npu_chip_t ch;
    load(&c, "tpuv5p", "llama3-8b");
    npu_config_chip(&c, &ch);
    npu_op_perf_t p;
    npu_op_detail_t d;
    /* Q projection: m = n = k = 4096 -> 32768 MXU ops, MXU 308,424 ns, VPU 51,401 ns, 96 MiB */
    one_einsum(&ch, (int64_t[]){1, 4096, 4096}, 3, (int64_t[]){4096, 32, 128}, 3, "BLM;MND->BLND", &p, &d);
    close_to(p.num_mxu_ops, 32768);
    close_to(p.mxu_time_ns, 308424);
    close_to(p.vpu_time_ns, 51401);
    close_to(p.bytes, 100663296);
    close_to(p.memory_time_ns, 33906);
    close_to(p.exe_time_ns, 308424);
    close_to(p.flops, 137438953472.0);
    /* FFN gate: does not fit in 128 MiB -> K tile 256, 256 MiB */
    one_einsum(&ch, (int64_t[]){1, 4096, 4096}, 3, (int64_t[]){4096, 14336}, 2, "BLM;MH->BLH", &p, &d);
    ck_assert_str_eq(d.tile_shapes, "[[1, 4096, 256], [256, 14336], [1, 4096, 14336]]");
    close_to(p.bytes, 268435456);
    close_to(p.mxu_time_ns, 1079436);
    /* decode Q: memory bound, MXU 9657 */
    one_einsum(&ch, (int64_t[]){1, 1, 4096}, 3, (int64_t[]){4096, 32, 128}, 3, "BLM;MND->BLND", &p, &d);
    close_to(p.mxu_time_ns, 9657);
    close_to(p.memory_time_ns, 11308);
    ck_assert_int_eq(p.bound, NPU_BOUND_MEMORY);
}
END_TEST

START_TEST(test_tile_search_exact)
{
    npu_chip_t ch;
    npu_chip_defaults(&ch);
    ch.freq_GHz = 1.7;
    npu_tile_cache_t *cache = npu_tile_cache_new();
    int64_t shapes[][4] = {{1, 4096, 14336, 4096}, {1, 4096, 4096, 14336}, {16, 4096, 4096, 4096},
                           {1, 65536, 8192, 1024}, {4, 2048, 5120, 13824}, {1, 12288, 28672, 8192},
                           {2, 1000, 3000, 7000},  {1, 8190, 4095, 6006}};
    double vm[] = {128, 32, 2};
    for (size_t v = 0; v < 3; v++) {
        ch.vmem_size_MB = vm[v];
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
            int64_t M1, N1, K1, M2, N2, K2;
            bool a = npu_best_matmul_tile(&ch, shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3], 2, 2, 2,
                                          cache, &M1, &N1, &K1);
            bool b = npu_best_matmul_tile_bruteforce(&ch, shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3], 2,
                                                     2, 2, &M2, &N2, &K2);
            ck_assert_int_eq(a, b);
            if (a)
                ck_assert_msg(M1 == M2 && N1 == N2 && K1 == K2, "shape %zu vmem %g: fast %lld,%lld,%lld brute %lld,%lld,%lld",
                              i, vm[v], (long long)M1, (long long)N1, (long long)K1, (long long)M2, (long long)N2,
                              (long long)K2);
        }
    }
    /* the cache answers a repeated shape */
    int64_t M, N, K;
    uint64_t look, hits;
    npu_best_matmul_tile(&ch, 1, 4096, 14336, 4096, 2, 2, 2, cache, &M, &N, &K);
    npu_tile_cache_stats(cache, &look, &hits);
    ck_assert(hits >= 1);
    npu_tile_cache_free(cache);
}
END_TEST

/* ---- collectives (spec §3.3) ----------------------------------------------------- */

START_TEST(test_collectives)
{
    ns_oplist_t L;
    ck_assert(ns_oplist_init(&L, 200, 3330, 32, 400));
    int64_t ax[3];
    ck_assert_int_eq(ns_split_parallelism(8, 3, ax), 3);
    ck_assert(ax[0] == 2 && ax[1] == 2 && ax[2] == 2);
    ck_assert_int_eq(ns_split_parallelism(12, 2, ax), 2);
    ck_assert(ax[0] == 6 && ax[1] == 2); /* the first smallest axis takes the rest (the spec example says [2,6]; the code gives [6,2]) */
    ck_assert_int_eq(ns_split_parallelism(4, 3, ax), 2);
    int64_t axes[1] = {2};
    /* all-gather [1,4096,2048] over [2]: AG_elems = 16,777,216 -> 33,554,432 bytes, 167,773 ns */
    ns_all_gather(&L, (int64_t[]){1, 4096, 2048}, 3, axes, 1, 2, 3, "d", "n", 1);
    close_to((double)L.lab[0].ici_in_bytes, 33554432);
    close_to((double)L.lab[0].ici_time_ns, 167773);
    /* reduce-scatter [1,4096,4096] over [2]: 8,388,608 elems per chip, 8,388,608 FLOPs */
    ns_reduce_scatter(&L, (int64_t[]){1, 4096, 4096}, 3, axes, 1, 2, 3, "d", "n", 1);
    close_to((double)L.lab[1].ici_in_bytes, 16777216);
    close_to(op_graph_get(L.g, 1)->flops, 8388608);
    ck_assert_str_eq(L.lab[1].config, "ReduceScatter(['1', '4096', '4096']->['1', '4096', '2048'])");
    /* a small all-reduce hits the latency floor 2 x 3330 x (p - 1) */
    ns_all_reduce(&L, (int64_t[]){1, 8}, 2, axes, 1, 0, 3, "d", "n", 1);
    close_to((double)L.lab[2].ici_time_ns, 6660);
    ns_oplist_free(&L);
}
END_TEST

/* ---- memory footprint (spec §5.8) ------------------------------------------------ */

START_TEST(test_memory_footprint)
{
    npu_config_t c;
    load(&c, "tpuv5p", "llama3-8b");
    nsl_model_t m;
    npu_run_model(&c, true, &m);
    close_to(nsl_inference_mem_bytes(&m, false) / 1024 / 1024 / 1024, 21.5);
    close_to(nsl_inference_mem_bytes(&m, true) / 1024 / 1024 / 1024, 22.5625);
}
END_TEST

/* ---- the golden comparison ----------------------------------------------------- */

typedef struct {
    size_t nrow, ncol;
    char ***cell; /* [row][col] */
} csv_t;

static char **parse_line(const char *s, size_t *n)
{
    char **f = NULL;
    size_t nf = 0;
    for (;;) {
        char buf[4096];
        size_t o = 0;
        if (*s == '"') {
            s++;
            while (*s && !(*s == '"' && s[1] != '"')) {
                if (*s == '"')
                    s++;
                buf[o++] = *s++;
            }
            if (*s == '"')
                s++;
        } else {
            while (*s && *s != ',' && *s != '\r' && *s != '\n')
                buf[o++] = *s++;
        }
        buf[o] = 0;
        f = realloc(f, (nf + 1) * sizeof *f);
        f[nf++] = strdup(buf);
        if (*s != ',')
            break;
        s++;
    }
    *n = nf;
    return f;
}

static bool csv_read(const char *path, csv_t *t)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    memset(t, 0, sizeof *t);
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        size_t n;
        char **r = parse_line(line, &n);
        t->cell = realloc(t->cell, (t->nrow + 1) * sizeof *t->cell);
        t->cell[t->nrow++] = r;
        if (t->nrow == 1)
            t->ncol = n;
        else
            ck_assert_uint_eq(n, t->ncol);
    }
    fclose(f);
    return true;
}

static void csv_free(csv_t *t)
{
    for (size_t i = 0; i < t->nrow; i++) {
        for (size_t j = 0; j < t->ncol; j++)
            free(t->cell[i][j]);
        free(t->cell[i]);
    }
    free(t->cell);
}

static bool skip_energy_col(const char *name)
{
    return strstr(name, "energy") || strstr(name, "power_W") || strstr(name, "DVFS") || strstr(name, "setpm");
}

/* cells compared, worst relative difference */
static size_t compare_csv(const char *got, const char *want, bool skip_energy, double *worst)
{
    csv_t a, b;
    ck_assert_msg(csv_read(got, &a), "%s", got);
    ck_assert_msg(csv_read(want, &b), "%s", want);
    ck_assert_uint_eq(a.nrow, b.nrow);
    ck_assert_uint_eq(a.ncol, b.ncol);
    size_t cells = 0;
    for (size_t j = 0; j < a.ncol; j++)
        ck_assert_str_eq(a.cell[0][j], b.cell[0][j]);
    for (size_t i = 1; i < a.nrow; i++)
        for (size_t j = 0; j < a.ncol; j++) {
            if (skip_energy && skip_energy_col(b.cell[0][j]))
                continue;
            cells++;
            const char *x = a.cell[i][j], *y = b.cell[i][j];
            char *ex, *ey;
            double dx = strtod(x, &ex), dy = strtod(y, &ey);
            if (*x && *y && !*ex && !*ey) {
                double rel = dy == 0 ? fabs(dx) : fabs(dx - dy) / fabs(dy);
                if (rel > *worst)
                    *worst = rel;
                ck_assert_msg(rel <= 1e-9, "%s row %zu col %s: %s vs %s", got, i, b.cell[0][j], x, y);
            } else {
                ck_assert_msg(strcmp(x, y) == 0, "%s row %zu col %s: '%s' vs '%s'", got, i, b.cell[0][j], x, y);
            }
        }
    csv_free(&a);
    csv_free(&b);
    return cells;
}

static void compare_json(json_t *got, json_t *want, const char *where, double *worst, size_t *n)
{
    const char *k;
    json_t *v;
    ck_assert_uint_eq(json_object_size(got), json_object_size(want));
    json_object_foreach(want, k, v)
    {
        json_t *g = json_object_get(got, k);
        ck_assert_msg(g != NULL, "%s: missing %s", where, k);
        if (!strcmp(k, "output_file_path"))
            continue;
        if (json_is_object(v)) {
            compare_json(g, v, k, worst, n);
            continue;
        }
        (*n)++;
        if (json_is_number(v)) {
            double a = json_number_value(g), b = json_number_value(v);
            double rel = b == 0 ? fabs(a) : fabs(a - b) / fabs(b);
            if (rel > *worst)
                *worst = rel;
            ck_assert_msg(rel <= 1e-9 && json_is_integer(g) == json_is_integer(v), "%s.%s", where, k);
        } else {
            ck_assert_msg(json_equal(g, v), "%s.%s differs", where, k);
        }
    }
}

static void write_run(const npu_run_t *r, const char *stem)
{
    char path[512];
    const npu_phase_t *all[2] = {&r->phase[0], &r->phase[1]};
    snprintf(path, sizeof path, "%s.csv", stem);
    FILE *f = fopen(path, "wb");
    ck_assert(f && npu_csv_write(f, all, 2));
    fclose(f);
    for (int i = 0; i < 2; i++) {
        const npu_phase_t *one[1] = {&r->phase[i]};
        snprintf(path, sizeof path, "%s_%s.csv", stem, npu_phase_name(r->phase[i].kind));
        f = fopen(path, "wb");
        ck_assert(f && npu_csv_write(f, one, 1));
        fclose(f);
        snprintf(path, sizeof path, "%s_%s.json", stem, npu_phase_name(r->phase[i].kind));
        f = fopen(path, "wb");
        ck_assert(f && npu_json_write(f, r, &r->phase[i]));
        fclose(f);
    }
}

START_TEST(test_golden_compat)
{
    /* our YAML inputs and NeuSim's merged JSON of the quick start give the same run */
    const char *sources[2] = {"yaml", GOLD "readme_generate/llama3-8b-inference-v5p_config.json"};
    for (int s = 0; s < 2; s++) {
        npu_config_t c;
        if (s == 0)
            load(&c, "tpuv5p", "llama3-8b");
        else {
            cfg_err_t err;
            npu_config_defaults(&c);
            ck_assert_msg(npu_config_merge_file(&c, sources[s], &err), "%s", err.msg);
        }
        npu_run_t r;
        char err[256];
        npu_tile_cache_t *cache = npu_tile_cache_new();
        ck_assert_int_eq(npu_run(&c, true, 0, false, cache, &r, err, sizeof err), 0);
        npu_tile_cache_free(cache);
        char stem[64];
        snprintf(stem, sizeof stem, "/tmp/test_npu_%d_%d", (int)getpid(), s);
        write_run(&r, stem);
        double worst = 0;
        size_t cells = 0;
        char p[128];
        const char *ph[2] = {"prefill", "decode"};
        for (int i = 0; i < 2; i++) {
            snprintf(p, sizeof p, "%s_%s.csv", stem, ph[i]);
            char w[256];
            snprintf(w, sizeof w, RAW "inference-v5p_%s.csv", ph[i]);
            cells += compare_csv(p, w, false, &worst);
            snprintf(w, sizeof w, GOLD "readme_generate/llama3-8b-inference-v5p_%s.csv", ph[i]);
            cells += compare_csv(p, w, true, &worst);
            snprintf(p, sizeof p, "%s_%s.json", stem, ph[i]);
            snprintf(w, sizeof w, RAW "inference-v5p_%s.json", ph[i]);
            json_error_t je;
            json_t *a = json_load_file(p, 0, &je), *b = json_load_file(w, 0, &je);
            ck_assert(a && b);
            compare_json(a, b, "json", &worst, &cells);
            json_decref(a);
            json_decref(b);
            unlink(p);
            snprintf(p, sizeof p, "%s_%s.csv", stem, ph[i]);
            unlink(p);
        }
        snprintf(p, sizeof p, "%s.csv", stem);
        cells += compare_csv(p, GOLD "readme_generate/llama3-8b-inference-v5p.csv", true, &worst);
        unlink(p);
        printf("golden neusim (%s inputs): %zu cells, worst relative difference %g\n", s ? "NeuSim JSON" : "YAML",
               cells, worst);
        close_to(r.phase[0].stats.TTFT_sec, 0.167544896);
        close_to(r.phase[1].stats.TPOT_ms_request, 6.162592);
        npu_run_free(&r);
    }
}
END_TEST

START_TEST(test_golden_extra)
{
    /* NeuSim run on this machine: tensor parallelism on 1 and 2 axes, pipeline over ICI and DCN,
     * non-flash attention, KV swap, three chips (tests/golden/neusim/README.md) */
    const char *cases[] = {"B_70b_v6e_tp8",      "C_70b_v6e_tp4pp2",         "D_8b_v5p_noflash_tp2",
                           "E_13b_v4_pp2dcn2",   "F_70b_v5p_swap",           "I_405b_v6p_tp16_w2",
                           "J_8b_v2_default_ffn_tp4pp2", "K_13b_v3_dp2tp2"};
    double worst = 0;
    size_t cells = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char p[512], stem[128], w[512];
        snprintf(p, sizeof p, "tests/golden/neusim/extra/%s_config.json", cases[k]);
        npu_config_t c;
        cfg_err_t e;
        npu_config_defaults(&c);
        ck_assert_msg(npu_config_merge_file(&c, p, &e), "%s", e.msg);
        npu_run_t r;
        char err[256];
        ck_assert_msg(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err) == 0, "%s: %s", cases[k], err);
        snprintf(stem, sizeof stem, "/tmp/test_npu_x%d", (int)getpid());
        write_run(&r, stem);
        const char *suf[3] = {"", "_prefill", "_decode"};
        for (int i = 0; i < 3; i++) {
            snprintf(p, sizeof p, "%s%s.csv", stem, suf[i]);
            snprintf(w, sizeof w, "tests/golden/neusim/extra/%s%s.csv", cases[k], suf[i]);
            cells += compare_csv(p, w, false, &worst);
            unlink(p);
        }
        for (int i = 0; i < 2; i++) {
            /* the batch driver's statistics, where NeuSim's run_sim made them (sim_config aside: NeuSim
             * stores the raw merged dict there) */
            snprintf(p, sizeof p, "%s%s.json", stem, suf[i + 1]);
            snprintf(w, sizeof w, "tests/golden/neusim/extra/%s%s.json", cases[k], suf[i + 1]);
            if (access(w, F_OK) == 0) {
                json_error_t je;
                json_t *a = json_load_file(p, 0, &je), *b = json_load_file(w, 0, &je);
                ck_assert(a && b);
                json_object_del(a, "sim_config");
                json_object_del(b, "sim_config");
                compare_json(a, b, w, &worst, &cells);
                json_decref(a);
                json_decref(b);
            }
            unlink(p);
        }
        npu_run_free(&r);
    }
    /* training: one CSV of forward, backward and weight update */
    const char *train[] = {"G_8b_v5p_train", "H_70b_v6e_train_dp2tp2pp2"};
    for (size_t k = 0; k < 2; k++) {
        char p[512], w[512];
        snprintf(p, sizeof p, "tests/golden/neusim/extra/%s_config.json", train[k]);
        npu_config_t c;
        cfg_err_t e;
        npu_config_defaults(&c);
        ck_assert_msg(npu_config_merge_file(&c, p, &e), "%s", e.msg);
        npu_run_t r;
        char err[256];
        ck_assert_msg(npu_run(&c, true, 0, true, NULL, &r, err, sizeof err) == 0, "%s: %s", train[k], err);
        snprintf(p, sizeof p, "/tmp/test_npu_t%d.csv", (int)getpid());
        FILE *f = fopen(p, "wb");
        const npu_phase_t *one[1] = {&r.phase[0]};
        ck_assert(f && npu_csv_write(f, one, 1));
        fclose(f);
        snprintf(w, sizeof w, "tests/golden/neusim/extra/%s.csv", train[k]);
        cells += compare_csv(p, w, false, &worst);
        unlink(p);
        snprintf(w, sizeof w, "tests/golden/neusim/extra/%s.json", train[k]);
        if (access(w, F_OK) == 0) {
            snprintf(p, sizeof p, "/tmp/test_npu_t%d.json", (int)getpid());
            f = fopen(p, "wb");
            ck_assert(f && npu_json_write(f, &r, &r.phase[0]));
            fclose(f);
            json_error_t je;
            json_t *a = json_load_file(p, 0, &je), *b = json_load_file(w, 0, &je);
            ck_assert(a && b);
            json_object_del(a, "sim_config");
            json_object_del(b, "sim_config");
            compare_json(a, b, w, &worst, &cells);
            json_decref(a);
            json_decref(b);
            unlink(p);
        }
        npu_run_free(&r);
    }
    printf("golden neusim extra: %zu cells, worst relative difference %g\n", cells, worst);
}
END_TEST

/* ---- default-mode fixes (docs/npu-model.md) -------------------------------------- */

static void run_8b(bool compat, const char *const *sets, int nsets, npu_run_t *r)
{
    npu_config_t c;
    load(&c, "tpuv5p", "llama3-8b");
    cfg_err_t e;
    for (int i = 0; i < nsets; i++)
        ck_assert_msg(npu_config_set(&c, sets[i], &e), "%s", e.msg);
    char err[256];
    ck_assert_msg(npu_run(&c, compat, 0, false, NULL, r, err, sizeof err) == 0, "%s", err);
}

static long find_op(const npu_phase_t *ph, const char *name_part)
{
    for (size_t i = 0; i < ns_oplist_len(&ph->ops); i++)
        if (strstr(op_graph_get(ph->ops.g, i)->name, name_part))
            return (long)i;
    return -1;
}

START_TEST(test_fix_q4_gqa)
{
    /* llama3-8b has 8 KV heads for 32 query heads: the decode K/V projection
     * and the KV-cache reads shrink 4x (prefix QK bytes 33,824,768 -> ...) */
    npu_run_t a, b;
    run_8b(true, NULL, 0, &a);
    run_8b(false, NULL, 0, &b);
    long ia = find_op(&a.phase[1], "QKprefix"), ib = find_op(&b.phase[1], "QKprefix");
    ck_assert(ia >= 0 && ib >= 0);
    close_to(a.phase[1].perf[ia].bytes, 33824768);
    /* K cache [1,4096,8,128] + Q [1,1,4,8,128] + scores [1,1,4096,8,4] in BF16 */
    close_to(b.phase[1].perf[ib].bytes, 2.0 * (4096 * 8 * 128 + 4 * 8 * 128 + 4096 * 8 * 4));
    long ka = find_op(&a.phase[1], "MatMulKV"), kb = find_op(&b.phase[1], "MatMulKV");
    close_to(op_graph_get(a.phase[1].ops.g, ka)->weight_bytes, 67108864);
    close_to(op_graph_get(b.phase[1].ops.g, kb)->weight_bytes, 67108864 / 4);
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_fix_q5_flash_flops)
{
    npu_run_t a, b;
    run_8b(true, NULL, 0, &a);
    run_8b(false, NULL, 0, &b);
    long ia = find_op(&a.phase[0], "FlashAttention"), ib = find_op(&b.phase[0], "FlashAttention");
    close_to(op_graph_get(a.phase[0].ops.g, ia)->flops, 70866960384.0);
    /* 2 x 2 x H x q x kv x d_head + 4 x H x q x kv = 2 x 137,438,953,472 + 2,147,483,648 */
    close_to(op_graph_get(b.phase[0].ops.g, ib)->flops, 4.0 * 32 * 4096 * 4096 * 128 + 4.0 * 32 * 4096 * 4096);
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_fix_q6_decode_context)
{
    /* every decode step attends to the mean context: suffix ceil(513/2) = 257, not 512 */
    npu_run_t b;
    run_8b(false, NULL, 0, &b);
    long i = find_op(&b.phase[1], "QKsuffix");
    ck_assert_int_eq(op_graph_get(b.phase[1].ops.g, i)->in[1].dim[1], 257);
    long s = find_op(&b.phase[1], "attnWeightsSoftmax");
    ck_assert_int_eq(op_graph_get(b.phase[1].ops.g, s)->in[0].dim[2], 4096 + 257);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_fix_q7_axes)
{
    /* tensor_parallelism_degree 2 with the model file's 0 axes: NeuSim models no
     * tensor parallelism (d_ff stays 14336); the fix shards over one axis */
    const char *sets[] = {"num_chips=2", "tensor_parallelism_degree=2"};
    npu_run_t a, b;
    run_8b(true, sets, 2, &a);
    run_8b(false, sets, 2, &b);
    long ia = find_op(&a.phase[0], "FFgate"), ib = find_op(&b.phase[0], "FFgate");
    ck_assert_int_eq(op_graph_get(a.phase[0].ops.g, ia)->in[1].dim[1], 14336);
    ck_assert_int_eq(op_graph_get(b.phase[0].ops.g, ib)->in[1].dim[1], 7168);
    ck_assert(find_op(&a.phase[0], "ReduceScatterMLP") < 0);
    ck_assert(find_op(&b.phase[0], "ReduceScatterMLP") >= 0);
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_fix_q15_q21_binary_norm)
{
    npu_run_t a, b;
    run_8b(true, NULL, 0, &a);
    run_8b(false, NULL, 0, &b);
    /* residual add [1,4096,4096]: 2 tensors (NeuSim) -> 3 tensors */
    long ia = find_op(&a.phase[0], "AttnPlusFFn"), ib = find_op(&b.phase[0], "AttnPlusFFn");
    close_to(a.phase[0].perf[ia].bytes, 67108864);
    close_to(b.phase[0].perf[ib].bytes, 100663296);
    /* input norm: LayerNorm 8 FLOP/elem -> RMSNorm 6 */
    long na = find_op(&a.phase[0], "Inputlayernorm"), nb = find_op(&b.phase[0], "Inputlayernorm");
    close_to(op_graph_get(a.phase[0].ops.g, na)->flops, 134217728);
    close_to(op_graph_get(b.phase[0].ops.g, nb)->flops, 100663296);
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_fix_q24_kvswap)
{
    /* 70B on one v5p with swapping: NeuSim moves 2x the excess bytes over PCIe */
    npu_config_t c;
    load(&c, "tpuv5p", "llama3-70b");
    cfg_err_t e;
    ck_assert(npu_config_set(&c, "enable_swap_kv_cache=true", &e));
    npu_run_t a, b;
    char err[256];
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &a, err, sizeof err), 0);
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &b, err, sizeof err), 0);
    long ia = find_op(&a.phase[0], "PCIeMemSwapIn"), ib = find_op(&b.phase[0], "PCIeMemSwapIn");
    ck_assert(ia >= 0 && ib >= 0);
    double cap = 95.0 * 1024 * 1024 * 1024;
    double swap_a = ceil((nsl_inference_mem_bytes(&a.model, false) - cap) / 2);
    double swap_b = ceil((nsl_inference_mem_bytes(&b.model, false) - cap) / 2);
    close_to(a.phase[0].perf[ia].ici_in_bytes, 2 * swap_a);
    close_to(b.phase[0].perf[ib].ici_in_bytes, swap_b);
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_keep_all_quirks_is_compat)
{
    /* the default mode with every quirk kept is NeuSim */
    npu_config_t c;
    load(&c, "tpuv5p", "llama3-8b");
    npu_run_t a, b;
    char err[256];
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &a, err, sizeof err), 0);
    ck_assert_int_eq(npu_run(&c, false, NSL_QALL, false, NULL, &b, err, sizeof err), 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(a.phase[i].stats.total_execution_time_chip_ns, b.phase[i].stats.total_execution_time_chip_ns);
        ck_assert_uint_eq(ns_oplist_len(&a.phase[i].ops), ns_oplist_len(&b.phase[i].ops));
    }
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_fix_q8_q27_tp_shapes)
{
    /* llama3-8b on 2 chips with TP 2 on one axis, decode (self-attention path):
     * Q8: the FFN all-gather moves [B, D] = [1, 4096] in NeuSim, [1, 1, 2048] -> [1, 1, 4096] fixed;
     * Q27: the post-attention norm after the reduce-scatter runs on 4096 (NeuSim) vs 2048 columns */
    const char *sets[] = {"num_chips=2", "tensor_parallelism_degree=2", "num_tensor_parallel_axes=1"};
    npu_run_t a, b;
    run_8b(true, sets, 3, &a);
    run_8b(false, sets, 3, &b);
    long ia = find_op(&a.phase[1], "AllGatherMLP"), ib = find_op(&b.phase[1], "AllGatherMLP");
    ck_assert(ia >= 0 && ib >= 0);
    const op_t *oa = op_graph_get(a.phase[1].ops.g, ia), *ob = op_graph_get(b.phase[1].ops.g, ib);
    ck_assert_int_eq(oa->in[0].rank, 2);
    ck_assert_int_eq(oa->in[0].dim[1], 4096);
    ck_assert_int_eq(ob->in[0].rank, 3);
    ck_assert_int_eq(ob->in[0].dim[2], 2048);
    long la = find_op(&a.phase[1], "AttentionlayernormYnorm"), lb = find_op(&b.phase[1], "AttentionlayernormYnorm");
    ck_assert_int_eq(op_graph_get(a.phase[1].ops.g, la)->in[0].dim[2], 4096);
    ck_assert_int_eq(op_graph_get(b.phase[1].ops.g, lb)->in[0].dim[2], 2048);
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_fix_q16_training)
{
    /* llama3-8b training on one chip: NeuSim's LayerNorm-backward group runs once per stage and both
     * gradients count the weights (weight update over P = 15,669,919,744 "parameters"); the fix runs
     * the group per layer (Count 32) and counts each weight once: P = 6,979,321,856, the 32 layers'
     * attention and FFN weights (no embeddings, which NeuSim does not model) */
    npu_config_t c;
    load(&c, "tpuv5p", "llama3-8b");
    npu_run_t a, b;
    char err[256];
    ck_assert_int_eq(npu_run(&c, true, 0, true, NULL, &a, err, sizeof err), 0);
    ck_assert_int_eq(npu_run(&c, false, 0, true, NULL, &b, err, sizeof err), 0);
    long ia = find_op(&a.phase[0], "softmaxbwddldy"), ib = find_op(&b.phase[0], "softmaxbwddldy");
    ck_assert(ia >= 0 && ib >= 0);
    ck_assert_int_eq(op_graph_get(a.phase[0].ops.g, ia)->count, 1);
    ck_assert_int_eq(op_graph_get(b.phase[0].ops.g, ib)->count, 32);
    long wa = find_op(&a.phase[0], "WeightUpdateWriteHBM"), wb = find_op(&b.phase[0], "WeightUpdateWriteHBM");
    ck_assert_int_eq(op_graph_get(a.phase[0].ops.g, wa)->in[0].dim[0], 15669919744LL);
    /* 32 x (q 4096x4096 + k, v 4096x1024 each + o 4096x4096 + 3 x 4096x14336) = 6,979,321,856 */
    ck_assert_int_eq(op_graph_get(b.phase[0].ops.g, wb)->in[0].dim[0], 6979321856LL);
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_fix_q10_dcn)
{
    /* llama2-13b on 4 TPUv4, 2 ICI stages x 2 DCN pods: 83,886,080 bytes between pods take
     * ceil(83886080 / 112) = 748,983 ns at ICI speed (NeuSim) and ceil(83886080 / 12.5) = 6,710,887 ns
     * over the 12.5 GB/s DCN */
    npu_config_t c;
    load(&c, "tpuv4", "llama2-13b");
    cfg_err_t e;
    const char *sets[] = {"num_chips=4", "pipeline_parallelism_degree=2", "pipeline_parallel_degree_dcn=2",
                          "microbatch_size_ici=2", "global_batch_size=8"};
    for (int i = 0; i < 5; i++)
        ck_assert(npu_config_set(&c, sets[i], &e));
    npu_run_t a, b;
    char err[256];
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &a, err, sizeof err), 0);
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &b, err, sizeof err), 0);
    long ia = find_op(&a.phase[0], "PrefillReceiveInputFromPipelineDCN"),
         ib = find_op(&b.phase[0], "PrefillReceiveInputFromPipelineDCN");
    ck_assert(ia >= 0 && ib >= 0);
    close_to(a.phase[0].perf[ia].ici_time_ns, 748983);
    close_to(b.phase[0].perf[ib].ici_time_ns, 6710887);
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

START_TEST(test_fix_q28_footprint)
{
    /* inference footprint: NeuSim keeps the Q and FFN activations of all 32 layers (21.5 GiB);
     * only the KV cache is per layer: 13 GiB weights + 0.5 GiB KV + 0.25 GiB transient = 13.75 GiB */
    npu_run_t a, b;
    run_8b(true, NULL, 0, &a);
    run_8b(false, NULL, 0, &b);
    close_to(a.phase[0].stats.mem_footprint_GB, 21.5);
    close_to(b.phase[0].stats.mem_footprint_GB, 13.75);
    npu_run_free(&a);
    npu_run_free(&b);
}
END_TEST

/* ---- sweeps ------------------------------------------------------------------------ */

static char *dump_table(const char *db_path, const char *sql)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            fprintf(m, "%s|", t ? (const char *)t : "NULL");
        }
        fputc('\n', m);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    fclose(m);
    return buf;
}

START_TEST(test_sweep_threads)
{
    /* the same rows with 1 and 2 threads; skips and per-op rows are stored */
    char out1[128], out2[128], db1[256], db2[256];
    snprintf(out1, sizeof out1, "/tmp/test_npu_sw1_%d", (int)getpid());
    snprintf(out2, sizeof out2, "/tmp/test_npu_sw2_%d", (int)getpid());
    sweep_opts_t o = {.sweep_path = "tests/sweeps/npu_small.yaml", .outdir = out1, .command = "test", .threads = 1,
                      .shard_i = 1, .shard_n = 1, .quiet = true};
    ck_assert_int_eq(npu_sweep_run(&o), 0);
    o.outdir = out2;
    o.threads = 2;
    ck_assert_int_eq(npu_sweep_run(&o), 0);
    snprintf(db1, sizeof db1, "%s/sweeps/npu_small.db", out1);
    snprintf(db2, sizeof db2, "%s/sweeps/npu_small.db", out2);
    const char *q[2] = {"SELECT * FROM npu_points ORDER BY point_id, phase",
                        "SELECT * FROM npu_ops ORDER BY point_id, phase, op_index"};
    for (int i = 0; i < 2; i++) {
        char *a = dump_table(db1, q[i]), *b = dump_table(db2, q[i]);
        ck_assert_msg(strcmp(a, b) == 0, "-j1 and -j2 differ: %s", q[i]);
        free(a);
        free(b);
    }
    /* 2 chips x (1 + 3 + 6 tp x pp x pp_dcn splits of 1, 2, 4 chips) x 2 batches x 2 seqlens x 2 widths */
    char *n = dump_table(db1, "SELECT count(DISTINCT point_id), sum(status = 'skipped') > 0 FROM npu_points");
    ck_assert_str_eq(n, "160|1|\n");
    free(n);
    /* the compat-free headline point equals a single run */
    char *t = dump_table(db1, "SELECT TTFT_sec FROM npu_points WHERE chip = 'tpuv5p' AND num_chips = 1 AND "
                              "global_batch_size = 1 AND input_seqlen = 4096 AND set_values = 'decode_width=1' "
                              "AND phase = 'prefill'");
    ck_assert_str_eq(t, "0.154368928|\n"); /* = hwsweep npu --chip tpuv5p --model llama3-8b */
    free(t);
    /* two shards merged equal the whole sweep; a missing shard is refused */
    char sh1[256], sh2[256], merged[256], e[1024];
    o.outdir = out2;
    o.shard_n = 2;
    for (int i = 1; i <= 2; i++) {
        o.shard_i = i;
        ck_assert_int_eq(npu_sweep_run(&o), 0);
    }
    snprintf(sh1, sizeof sh1, "%s/sweeps/npu_small.shard-1-of-2.db", out2);
    snprintf(sh2, sizeof sh2, "%s/sweeps/npu_small.shard-2-of-2.db", out2);
    snprintf(merged, sizeof merged, "%s/merged.db", out2);
    char *shards[2] = {sh2, sh1};
    ck_assert_int_eq(npu_store_merge(merged, shards, 1, "test", e, sizeof e), 2);
    ck_assert_msg(strstr(e, "missing"), "%s", e);
    ck_assert_int_eq(npu_store_merge(merged, shards, 2, "test", e, sizeof e), 0);
    for (int i = 0; i < 2; i++) {
        char *a = dump_table(db1, q[i]), *b = dump_table(merged, q[i]);
        ck_assert_msg(strcmp(a, b) == 0, "merged shards differ: %s", q[i]);
        free(a);
        free(b);
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", out1, out2);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- bad input --------------------------------------------------------------------- */

START_TEST(test_bad_input)
{
    char p[256];
    cfg_err_t e;
    ck_assert(!npu_config_resolve("chips", "tpuv5", p, sizeof p, &e));
    ck_assert_msg(strstr(e.msg, "tpuv5p") && strstr(e.msg, "tpuv6e"), "%s", e.msg);
    npu_config_t c;
    npu_config_defaults(&c);
    ck_assert(!npu_config_set(&c, "num_chip=4", &e));
    ck_assert_msg(strstr(e.msg, "did you mean 'num_chips'"), "%s", e.msg);
    ck_assert(!npu_config_set(&c, "num_chips=four", &e));
    ck_assert_msg(strstr(e.msg, "expected an integer"), "%s", e.msg);
    FILE *f = fopen("/tmp/test_npu_bad.yaml", "w");
    fputs("num_sa: 8\nfreq_GHz: fast\n", f);
    fclose(f);
    ck_assert(!npu_config_merge_file(&c, "/tmp/test_npu_bad.yaml", &e));
    ck_assert_msg(strstr(e.msg, "/tmp/test_npu_bad.yaml:2:11:"), "%s", e.msg);
    unlink("/tmp/test_npu_bad.yaml");
    /* parallelism that does not fit the chips, and layers over stages */
    npu_run_t r;
    char err[256];
    load(&c, "tpuv5p", "llama3-8b");
    ck_assert(npu_config_set(&c, "tensor_parallelism_degree=4", &e));
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "num_chips"), "%s", err);
    npu_run_free(&r);
    load(&c, "tpuv5p", "llama3-8b");
    ck_assert(npu_config_set(&c, "num_chips=3", &e) && npu_config_set(&c, "pipeline_parallelism_degree=3", &e));
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "divisible"), "%s", err);
    npu_run_free(&r);
}
END_TEST

START_TEST(test_cli_refusals)
{
    /* refused runs exit 2 and write nothing; earlier outputs stay */
    char dir[128], cmd[1024], f[256];
    snprintf(dir, sizeof dir, "/tmp/test_npu_cli_%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    const char *bad[] = {
        "--chip tpuv5 --model llama3-8b",                                       /* unknown chip */
        "--chip tpuv5p --model llama3-8b --set num_chip=2",                    /* unknown key */
        "--chip tpuv5p --model llama3-8b --set tensor_parallelism_degree=4",   /* more chips than num_chips */
        "--chip tpuv5p --model llama3-8b --set num_chips=3 --set pipeline_parallelism_degree=3", /* layers */
        "--chip tpuv6e --model llama3-70b",                                     /* does not fit in HBM */
        "--chip tpuv5p --model llama3-8b --compat nesim",                      /* unknown compat */
        "--chip tpuv5p --model llama3-8b --power-gating Fu",                   /* unknown strategy */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd, "bin/hwsweep npu -q %s -o %s/x.csv 2>/dev/null", bad[i], dir);
        int rc = system(cmd);
        ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "%s: status %d", bad[i], rc);
        snprintf(f, sizeof f, "%s/x.csv", dir);
        ck_assert_msg(access(f, F_OK) != 0, "%s wrote %s", bad[i], f);
    }
    /* a good run, then a refused one leaves its files as they were */
    snprintf(cmd, sizeof cmd, "bin/hwsweep npu -q --chip tpuv5p --model llama3-8b -o %s/x.csv", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "cp %s/x_prefill.json %s/keep.json && bin/hwsweep npu -q --chip tpuv5p --model llama3-8b "
             "--set d_head=-1 -o %s/x.csv 2>/dev/null; cmp -s %s/x_prefill.json %s/keep.json", dir, dir, dir, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("npu");
    TCase *t = tcase_create("npu");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_chip_derived);
    tcase_add_test(t, test_einsum_times);
    tcase_add_test(t, test_tile_search_exact);
    tcase_add_test(t, test_collectives);
    tcase_add_test(t, test_memory_footprint);
    tcase_add_test(t, test_golden_compat);
    tcase_add_test(t, test_golden_extra);
    tcase_add_test(t, test_fix_q4_gqa);
    tcase_add_test(t, test_fix_q5_flash_flops);
    tcase_add_test(t, test_fix_q6_decode_context);
    tcase_add_test(t, test_fix_q7_axes);
    tcase_add_test(t, test_fix_q15_q21_binary_norm);
    tcase_add_test(t, test_fix_q24_kvswap);
    tcase_add_test(t, test_fix_q8_q27_tp_shapes);
    tcase_add_test(t, test_fix_q16_training);
    tcase_add_test(t, test_fix_q10_dcn);
    tcase_add_test(t, test_fix_q28_footprint);
    tcase_add_test(t, test_keep_all_quirks_is_compat);
    tcase_add_test(t, test_sweep_threads);
    tcase_add_test(t, test_bad_input);
    tcase_add_test(t, test_cli_refusals);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

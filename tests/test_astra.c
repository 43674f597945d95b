/*
 * test_astra.c -- the ASTRA-sim backend against specs/astrasim.md: the
 * worked example of §1.8 byte for byte (corrected and --compat asis), the
 * other strategies' cycles and collectives of §1.8, SCALE-Sim's closed
 * form (§2.3) for os, ws and is, shard sizes per strategy (§1.3), the
 * Chakra trace decoded back with the same schema (§4), GEMMs of a training
 * step from a model, and bad inputs (file:line errors, exit 2, nothing
 * written).  Vendored inputs: tests/golden/astra/ (see its README.md).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "astra/astra.h"
#include "chakra_et.pb-c.h"
#include "ops/gemm_list.h"
#include "ops/train_gemms.h"

#define GOLDEN "tests/golden/astra/"
#define BIN "bin/hwsweep"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static scalesim_cfg_t google(void)
{
    scalesim_cfg_t c;
    cfg_err_t err;
    ck_assert_msg(scalesim_cfg_load(GOLDEN "google.cfg", &c, &err) == 0, "%s", err.msg);
    return c;
}

static scalesim_cfg_t array(uint64_t r, uint64_t c, const char *df)
{
    scalesim_cfg_t a;
    char err[256];
    ck_assert(scalesim_cfg_make(&a, r, c, df, err, sizeof err) == 0);
    return a;
}

/* the two-layer mnk of §1.8 with a strategy, P = 16, G = 2, d = 2 */
static void build(const char *mnk, astra_strategy_t s, gemm_list_t *l, astra_workload_t *w)
{
    cfg_err_t err;
    ck_assert_msg(gemm_list_load(mnk, 2, l, &err) == 0, "%s", err.msg);
    astra_opts_t o = {s, 16, 2, 2};
    scalesim_cfg_t a = google();
    ck_assert_msg(astra_workload_build(l, &o, &a, w, &err) == 0, "%s", err.msg);
}

/* ---- SCALE-Sim config and cycles ----------------------------------------- */

START_TEST(cfg_google)
{
    scalesim_cfg_t c = google();
    ck_assert_uint_eq(c.rows, 256);
    ck_assert_uint_eq(c.cols, 256);
    ck_assert_str_eq(scalesim_dataflow_name(c.dataflow), "ws");
    ck_assert_str_eq(c.run_name, "GoogleTPU_v1_ws");
    ck_assert(!c.user_bandwidth);
}
END_TEST

START_TEST(cfg_case_and_v1)
{
    /* keys are case-insensitive, '=' or ':' delimit, quotes stripped from run_name (v1 style) */
    const char *txt = "# v1-style config\n[general]\nrun_name = \"GoogleTPU_os\"\n\n[architecture_presets]\n"
                      "ARRAYHEIGHT = 32\narraywidth: 8\nIfmapSramSz: 8192\n; comment\nDATAFLOW = OS\n";
    scalesim_cfg_t c;
    cfg_err_t err;
    ck_assert_msg(scalesim_cfg_load_text("v1.cfg", txt, strlen(txt), &c, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(c.rows, 32);
    ck_assert_uint_eq(c.cols, 8);
    ck_assert_str_eq(scalesim_dataflow_name(c.dataflow), "os");
    ck_assert_str_eq(c.run_name, "GoogleTPU_os");
}
END_TEST

START_TEST(cfg_bad)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"[architecture_presets]\nArrayHeight: 256\nArrayWidth: 256\nDataflow: wx\n", "bad.cfg:4:11: unknown Dataflow 'wx'"},
        {"[architecture_presets]\nArrayHeight: 0\n", "bad.cfg:2:14: ArrayHeight: 0 must be in [1, 65536]"},
        {"[architecture_presets]\nArrayHeight: 25.6\n", "bad.cfg:2:14: ArrayHeight: '25.6' is not an integer"},
        {"[architecture_presets]\nArrayHeight: 256\nDataflow: ws\n", "bad.cfg:3:1: missing [architecture_presets] ArrayWidth"},
        {"ArrayHeight: 256\n", "bad.cfg:1:1: key outside any [section]"},
        {"[architecture_presets\n", "bad.cfg:1:1: malformed section header"},
        {"[architecture_presets]\narrayheight: 1\nArrayHeight: 2\n", "bad.cfg:3:1: key 'arrayheight' appears twice"},
        {"[architecture_presets]\nArrayHeight 256\n", "bad.cfg:2:1: expected 'key = value'"},
        {"[run_presets]\nInterfaceBandwidth: FAST\n", "bad.cfg:2:21: InterfaceBandwidth: unknown value 'FAST'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scalesim_cfg_t c;
        cfg_err_t err = {{0}};
        ck_assert_int_eq(scalesim_cfg_load_text("bad.cfg", cases[i].text, strlen(cases[i].text), &c, &err), -1);
        ck_assert_msg(strncmp(err.msg, cases[i].want, strlen(cases[i].want)) == 0, "case %zu: got '%s', want '%s'",
                      i, err.msg, cases[i].want);
    }
}
END_TEST

/* §1.8's table: ws on 256 x 256, per fold 2R + C + T - 2 = 766 + T */
START_TEST(cycles_ws_spec_table)
{
    scalesim_cfg_t a = google();
    ck_assert_uint_eq(scalesim_gemm_cycles(&a, 64, 512, 128), 1659);  /* L0 fwd: folds 2 x 1 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&a, 64, 128, 512), 1659);  /* L0 ig: 1 x 2 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&a, 512, 64, 128), 1277);  /* L0 wg: 1 x 1, T = 512 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&a, 64, 512, 512), 3319);  /* L1 fwd: 2 x 2 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&a, 512, 64, 512), 2555);  /* L1 wg: 1 x 2 */
    scalesim_fold_t f;
    scalesim_gemm_folds(&a, 64, 512, 128, &f);
    ck_assert_uint_eq(f.sr, 512);
    ck_assert_uint_eq(f.sc, 128);
    ck_assert_uint_eq(f.t, 64);
    ck_assert_uint_eq(f.row_folds, 2);
    ck_assert_uint_eq(f.col_folds, 1);
    ck_assert_uint_eq(f.per_fold_cycles, 830);
}
END_TEST

/* §2.2-2.3 for the other dataflows: os maps (M, N) with K streaming, per
 * fold R + C + T - 2; is maps (K, M) with N streaming, per fold 2R + C + T - 2 */
START_TEST(cycles_os_is)
{
    scalesim_cfg_t os = array(256, 256, "os"), is = array(256, 256, "is");
    /* os, (M, K, N) = (64, 512, 128): 1 x 1 folds of 256 + 256 + 512 - 2 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&os, 64, 512, 128), 1021);
    /* os, (512, 64, 512): 2 x 2 folds of 574 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&os, 512, 64, 512), 4 * 574 - 1);
    /* is, (64, 512, 128): Sr = K = 512 (2 folds), Sc = M = 64 (1), T = N = 128: 2 x 894 - 1 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&is, 64, 512, 128), 1787);
    /* is, (512, 64, 512): Sr = 64, Sc = 512 (2 folds), T = 512: 2 x 1278 - 1 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&is, 512, 64, 512), 2555);
    /* a partial fold costs the full R and C terms; a 1 x 1 GEMM on 8 x 4 */
    scalesim_cfg_t ws8 = array(8, 4, "ws"), os8 = array(8, 4, "os"), is8 = array(8, 4, "is");
    ck_assert_uint_eq(scalesim_gemm_cycles(&ws8, 1, 1, 1), 2 * 8 + 4 + 1 - 2 - 1);
    ck_assert_uint_eq(scalesim_gemm_cycles(&os8, 1, 1, 1), 8 + 4 + 1 - 2 - 1);
    /* (M, K, N) = (9, 17, 5): ws Sr = 17 (3 folds of 8), Sc = 5 (2 of 4), T = 9 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&ws8, 9, 17, 5), 3 * 2 * (16 + 4 + 9 - 2) - 1);
    /* os Sr = 9 (2), Sc = 5 (2), T = 17 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&os8, 9, 17, 5), 2 * 2 * (8 + 4 + 17 - 2) - 1);
    /* is Sr = 17 (3), Sc = 9 (3), T = 5 */
    ck_assert_uint_eq(scalesim_gemm_cycles(&is8, 9, 17, 5), 3 * 3 * (16 + 4 + 5 - 2) - 1);
}
END_TEST

/* SCALE-Sim v2 @c28fd1b itself (CALC mode, run unchanged on this machine):
 * 7 GEMMs x 4 array shapes x 3 dataflows, "Total Cycles" of COMPUTE_REPORT */
START_TEST(cycles_vs_scalesim_runs)
{
    size_t len;
    char *text = slurp(GOLDEN "scalesim_v2_cycles.csv", &len);
    int cases = 0, per_df[3] = {0};
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long r, c, m, k, n, total, stall;
        char df[8];
        if (sscanf(line, "%llu,%llu,%2[a-z],%llu,%llu,%llu,%llu,%llu", &r, &c, df, &m, &k, &n, &total, &stall) != 8)
            continue; /* header */
        scalesim_cfg_t a = array(r, c, df);
        ck_assert_uint_eq(stall, 0);
        ck_assert_msg(scalesim_gemm_cycles(&a, m, k, n) == total, "%llux%llu %s (M,K,N)=(%llu,%llu,%llu): %llu, "
                      "SCALE-Sim %llu", r, c, df, m, k, n, (unsigned long long)scalesim_gemm_cycles(&a, m, k, n),
                      total);
        per_df[a.dataflow]++;
        cases++;
    }
    ck_assert_int_eq(cases, 84);
    ck_assert(per_df[0] == 28 && per_df[1] == 28 && per_df[2] == 28);
    free(text);
}
END_TEST

/* ---- §1.8 worked example -------------------------------------------------- */

static void text_equals_file(const astra_workload_t *w, bool asis, const char *path)
{
    size_t len, want_len;
    char *got = astra_text_render(w, asis, &len);
    char *want = slurp(path, &want_len);
    ck_assert_msg(len == want_len && memcmp(got, want, len) == 0, "%s:\n--- got ---\n%s\n--- want ---\n%s", path,
                  got, want);
    free(got);
    free(want);
}

START_TEST(worked_example_bytes)
{
    gemm_list_t l;
    astra_workload_t w;
    build(GOLDEN "two_layer.csv", ASTRA_DATA, &l, &w);
    text_equals_file(&w, false, GOLDEN "two_layer_DATA.txt");
    text_equals_file(&w, true, GOLDEN "two_layer_DATA.asis.txt");
    astra_workload_free(&w);
    gemm_list_free(&l);
}
END_TEST

/* §1.8's second table: per-pass cycles and collectives of the other strategies */
START_TEST(worked_example_strategies)
{
    static const struct {
        astra_strategy_t s;
        uint64_t cycles[2][3];
        op_coll_t coll[3];
        uint64_t bytes[2][3];
    } want[] = {
        {ASTRA_MODEL, {{3579, 3579, 5111}, {3579, 3579, 5111}}, {COLL_ALL_GATHER, COLL_REDUCE_SCATTER, COLL_NONE},
         {{16384, 1048576, 0}, {65536, 1048576, 0}}},
        {ASTRA_HYBRID_DATA_MODEL, {{2555, 2555, 2555}, {2555, 2555, 2555}},
         {COLL_ALL_GATHER, COLL_REDUCE_SCATTER, COLL_ALL_REDUCE}, {{16384, 524288, 16384}, {65536, 524288, 65536}}},
        {ASTRA_HYBRID_MODEL_DATA, {{1787, 1787, 1277}, {1787, 1787, 1277}},
         {COLL_ALL_GATHER, COLL_REDUCE_SCATTER, COLL_ALL_REDUCE}, {{16384, 131072, 65536}, {65536, 131072, 262144}}},
        {ASTRA_DATA, {{1659, 1659, 1277}, {3319, 3319, 2555}}, {COLL_NONE, COLL_NONE, COLL_ALL_REDUCE},
         {{0, 0, 131072}, {0, 0, 524288}}},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        gemm_list_t l;
        astra_workload_t w;
        build(GOLDEN "two_layer.csv", want[i].s, &l, &w);
        ck_assert_uint_eq(w.n, 2);
        for (int ly = 0; ly < 2; ly++)
            for (int p = 0; p < 3; p++) {
                ck_assert_msg(w.layers[ly].cycles[p] == want[i].cycles[ly][p], "%s L%d pass %d: %llu cycles",
                              astra_strategy_name(want[i].s), ly, p, (unsigned long long)w.layers[ly].cycles[p]);
                ck_assert_int_eq(w.layers[ly].coll[p], want[i].coll[p]);
                ck_assert_uint_eq(w.layers[ly].comm_bytes[p], want[i].bytes[ly][p]);
            }
        astra_workload_free(&w);
        gemm_list_free(&l);
    }
}
END_TEST

/* §1.3: m' and n' for P = 16, G = 2, L = 8; the three GEMMs of §1.4; and
 * the network dimensions of each collective (§3) */
START_TEST(shards_per_strategy)
{
    static const struct {
        astra_strategy_t s;
        uint64_t ms, ns;
        astra_dims_t dims[3];
    } want[] = {
        {ASTRA_DATA, 1024 / 16, 512, {ASTRA_DIMS_NONE, ASTRA_DIMS_NONE, ASTRA_DIMS_ALL}},
        {ASTRA_MODEL, 1024, 512 / 16, {ASTRA_DIMS_ALL, ASTRA_DIMS_ALL, ASTRA_DIMS_NONE}},
        {ASTRA_HYBRID_DATA_MODEL, 1024 / 2, 512 / 8, {ASTRA_DIMS_INNER, ASTRA_DIMS_INNER, ASTRA_DIMS_OUTER}},
        {ASTRA_HYBRID_MODEL_DATA, 1024 / 8, 512 / 2, {ASTRA_DIMS_OUTER, ASTRA_DIMS_OUTER, ASTRA_DIMS_INNER}},
    };
    scalesim_cfg_t a = google();
    astra_opts_t o = {ASTRA_DATA, 16, 2, 2};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        astra_layer_t l;
        ck_assert_int_eq(astra_layer_plan(want[i].s, 1024, 512, 256, true, &o, &a, &l), 0);
        ck_assert_uint_eq(l.m_shard, want[i].ms);
        ck_assert_uint_eq(l.n_shard, want[i].ns);
        ck_assert_uint_eq(l.gemm[ASTRA_FWD].m, want[i].ms);
        ck_assert_uint_eq(l.gemm[ASTRA_FWD].k, 256);
        ck_assert_uint_eq(l.gemm[ASTRA_FWD].n, want[i].ns);
        ck_assert_uint_eq(l.gemm[ASTRA_IG].k, want[i].ns);
        ck_assert_uint_eq(l.gemm[ASTRA_IG].n, 256);
        ck_assert_uint_eq(l.gemm[ASTRA_WG].m, 256);
        ck_assert_uint_eq(l.gemm[ASTRA_WG].k, want[i].ms);
        for (int p = 0; p < 3; p++)
            ck_assert_int_eq(l.dims[p], want[i].dims[p]);
    }
    /* a layer without weights has no weight gradient to all-reduce */
    astra_layer_t l;
    ck_assert_int_eq(astra_layer_plan(ASTRA_DATA, 1024, 512, 256, false, &o, &a, &l), 0);
    ck_assert_int_eq(l.coll[ASTRA_WG], COLL_NONE);
    ck_assert_uint_eq(l.comm_bytes[ASTRA_WG], 0);
    /* zero shards are refused (SCALE-Sim aborts on them) */
    ck_assert_int_eq(astra_layer_plan(ASTRA_DATA, 8, 512, 256, true, &o, &a, &l), -1);
    ck_assert_int_eq(astra_layer_plan(ASTRA_MODEL, 1024, 15, 256, true, &o, &a, &l), -1);
}
END_TEST

/* The unchanged upstream generator + SCALE-Sim v2 on the shipped examples
 * (tests/golden/astra/reference/): --compat asis equals its output byte for
 * byte, and the corrected form equals its output with the per-pass cycles
 * SCALE-Sim reports for each pass's topology file. */
START_TEST(reference_outputs)
{
    static const struct {
        const char *base;
        astra_strategy_t s;
    } cases[] = {
        {"two_layer", ASTRA_DATA}, {"two_layer", ASTRA_MODEL}, {"two_layer", ASTRA_HYBRID_DATA_MODEL},
        {"two_layer", ASTRA_HYBRID_MODEL_DATA}, {"example", ASTRA_DATA}, {"example", ASTRA_MODEL},
        {"example", ASTRA_HYBRID_DATA_MODEL}, {"example", ASTRA_HYBRID_MODEL_DATA},
        {"example_customized", ASTRA_HYBRID_CUSTOMIZED}, {"example_customized", ASTRA_DATA},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char mnk[256], ref[256];
        snprintf(mnk, sizeof mnk, GOLDEN "%s.csv", cases[i].base);
        gemm_list_t l;
        astra_workload_t w;
        build(mnk, cases[i].s, &l, &w);
        snprintf(ref, sizeof ref, GOLDEN "reference/%s_%s.asis.txt", cases[i].base, astra_strategy_name(cases[i].s));
        text_equals_file(&w, true, ref);
        snprintf(ref, sizeof ref, GOLDEN "reference/%s_%s.txt", cases[i].base, astra_strategy_name(cases[i].s));
        text_equals_file(&w, false, ref);
        astra_workload_free(&w);
        gemm_list_free(&l);
    }
}
END_TEST

/* HYBRID_CUSTOMIZED: each layer's own strategy, a 13th field; README example */
START_TEST(customized_example)
{
    gemm_list_t l;
    astra_workload_t w;
    build(GOLDEN "example_customized.csv", ASTRA_HYBRID_CUSTOMIZED, &l, &w);
    ck_assert_uint_eq(w.n, 7);
    size_t len;
    char *txt = astra_text_render(&w, false, &len);
    static const char head[] = "HYBRID_CUSTOMIZED\n7\nMLP_Bottom_0\t-1\t1659\tNONE\t0\t1659\tNONE\t0\t1277\tALLREDUCE\t"
                               "131072\t100\tDATA\nMLP_Bottom_1\t-1\t3579\tALLGATHER\t65536\t3579\tREDUCESCATTER\t"
                               "1048576\t5111\tNONE\t0\t100\tMODEL\n";
    ck_assert_msg(strncmp(txt, head, sizeof head - 1) == 0, "%s", txt);
    ck_assert(txt[len - 1] == '\n');
    /* MLP_Bottom_3 (1024, 512, 16) HYBRID_DATA_MODEL: m' = 512, n' = 64 */
    const astra_layer_t *b3 = &w.layers[3];
    ck_assert_int_eq(b3->strategy, ASTRA_HYBRID_DATA_MODEL);
    ck_assert_uint_eq(b3->cycles[ASTRA_FWD], 1277);
    ck_assert_uint_eq(b3->cycles[ASTRA_WG], 2 * (766 + 16) - 1);
    ck_assert_uint_eq(b3->comm_bytes[ASTRA_FWD], 1024 * 512 * 2 / 16);
    ck_assert_uint_eq(b3->comm_bytes[ASTRA_IG], 1024 * 16 * 2 / 2);
    ck_assert_uint_eq(b3->comm_bytes[ASTRA_WG], 16 * 512 * 2 / 8);
    free(txt);
    astra_workload_free(&w);
    gemm_list_free(&l);
    /* the same file under DATA: column 5 is ignored, 12 fields */
    build(GOLDEN "example_customized.csv", ASTRA_DATA, &l, &w);
    txt = astra_text_render(&w, false, &len);
    ck_assert_ptr_null(strstr(txt, "MODEL"));
    free(txt);
    astra_workload_free(&w);
    gemm_list_free(&l);
}
END_TEST

/* ---- Chakra --------------------------------------------------------------- */

static uint64_t read_varint(const unsigned char *b, size_t len, size_t *pos)
{
    uint64_t v = 0;
    for (int shift = 0; *pos < len && shift < 64; shift += 7) {
        unsigned char c = b[(*pos)++];
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    ck_abort_msg("truncated varint");
    return 0;
}

static const ChakraProtoMsg__AttributeProto *attr(const ChakraProtoMsg__Node *n, const char *name)
{
    for (size_t i = 0; i < n->n_attr; i++)
        if (strcmp(n->attr[i]->name, name) == 0)
            return n->attr[i];
    return NULL;
}

typedef struct {
    ChakraProtoMsg__GlobalMetadata *meta;
    ChakraProtoMsg__Node *nodes[64];
    size_t n;
} trace_t;

static void decode(const unsigned char *b, size_t len, trace_t *t)
{
    size_t pos = 0;
    memset(t, 0, sizeof *t);
    uint64_t ml = read_varint(b, len, &pos);
    t->meta = chakra_proto_msg__global_metadata__unpack(NULL, ml, b + pos);
    ck_assert_ptr_nonnull(t->meta);
    pos += ml;
    while (pos < len) {
        uint64_t nl = read_varint(b, len, &pos);
        ck_assert(pos + nl <= len && t->n < 64);
        t->nodes[t->n] = chakra_proto_msg__node__unpack(NULL, nl, b + pos);
        ck_assert_ptr_nonnull(t->nodes[t->n]);
        t->n++;
        pos += nl;
    }
}

static void trace_free(trace_t *t)
{
    chakra_proto_msg__global_metadata__free_unpacked(t->meta, NULL);
    for (size_t i = 0; i < t->n; i++)
        chakra_proto_msg__node__free_unpacked(t->nodes[i], NULL);
}

static void deps_are(const ChakraProtoMsg__Node *n, size_t k, const uint64_t *want)
{
    ck_assert_msg(n->n_data_deps == k, "%s: %zu deps, want %zu", n->name, n->n_data_deps, k);
    for (size_t i = 0; i < k; i++)
        ck_assert_uint_eq(n->data_deps[i], want[i]);
}

START_TEST(chakra_round_trip_data)
{
    gemm_list_t l;
    astra_workload_t w;
    build(GOLDEN "two_layer.csv", ASTRA_DATA, &l, &w);
    astra_chakra_opts_t co = {1e9, 1};
    size_t len;
    unsigned char *b = astra_chakra_render(&w, &co, &len);
    trace_t t;
    decode(b, len, &t);
    ck_assert_str_eq(t.meta->version, "0.0.4");
    /* forward L0, L1; backward L1 wg, its all-reduce, L1 ig, L0 wg, its all-reduce */
    static const char *names[] = {"L0.fwd", "L1.fwd", "L1.wg", "L1.wg.ALLREDUCE", "L1.ig", "L0.wg",
                                  "L0.wg.ALLREDUCE"};
    static const uint64_t cycles[] = {1659, 3319, 2555, 0, 3319, 1277, 0};
    ck_assert_uint_eq(t.n, 7);
    for (size_t i = 0; i < t.n; i++) {
        const ChakraProtoMsg__Node *n = t.nodes[i];
        ck_assert_uint_eq(n->id, i);
        ck_assert_str_eq(n->name, names[i]);
        if (cycles[i]) {
            ck_assert_int_eq(n->type, CHAKRA_PROTO_MSG__NODE_TYPE__COMP_NODE);
            ck_assert_uint_eq(attr(n, "compute_cycles")->uint64_val, cycles[i]);
            /* microseconds at 1 GHz, rounded to nearest */
            ck_assert_uint_eq(n->duration_micros, (cycles[i] + 500) / 1000);
            ck_assert(attr(n, "is_cpu_op")->bool_val == 0);
        } else {
            ck_assert_int_eq(n->type, CHAKRA_PROTO_MSG__NODE_TYPE__COMM_COLL_NODE);
            ck_assert_int_eq(attr(n, "comm_type")->int64_val, CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_REDUCE);
            ck_assert_ptr_null(attr(n, "involved_dim")); /* all dimensions */
        }
    }
    ck_assert_int_eq(attr(t.nodes[3], "comm_size")->int64_val, 524288);
    ck_assert_int_eq(attr(t.nodes[6], "comm_size")->int64_val, 131072);
    /* L0 fwd: 2 M K N = 2 x 64 x 512 x 128; tensors (64x512 + 512x128 + 64x128) x 2 bytes */
    ck_assert_int_eq(attr(t.nodes[0], "num_ops")->int64_val, 2LL * 64 * 512 * 128);
    ck_assert_uint_eq(attr(t.nodes[0], "tensor_size")->uint64_val, (64 * 512 + 512 * 128 + 64 * 128) * 2);
    deps_are(t.nodes[0], 0, NULL);
    deps_are(t.nodes[1], 1, (uint64_t[]){0});
    deps_are(t.nodes[2], 1, (uint64_t[]){1});
    deps_are(t.nodes[3], 1, (uint64_t[]){2});
    deps_are(t.nodes[4], 1, (uint64_t[]){2});
    deps_are(t.nodes[5], 1, (uint64_t[]){4});
    deps_are(t.nodes[6], 1, (uint64_t[]){5});
    trace_free(&t);
    free(b);
    /* two iterations: the second forward of layer i waits for its all-reduce */
    co.passes = 2;
    b = astra_chakra_render(&w, &co, &len);
    decode(b, len, &t);
    ck_assert_uint_eq(t.n, 14);
    ck_assert_str_eq(t.nodes[7]->name, "L0.fwd.iter1");
    deps_are(t.nodes[7], 1, (uint64_t[]){6});
    deps_are(t.nodes[8], 2, (uint64_t[]){7, 3});
    trace_free(&t);
    free(b);
    astra_workload_free(&w);
    gemm_list_free(&l);
}
END_TEST

START_TEST(chakra_round_trip_hybrid)
{
    gemm_list_t l;
    astra_workload_t w;
    build(GOLDEN "two_layer.csv", ASTRA_HYBRID_DATA_MODEL, &l, &w);
    astra_chakra_opts_t co = {0.5e9, 1};
    size_t len;
    unsigned char *b = astra_chakra_render(&w, &co, &len);
    trace_t t;
    decode(b, len, &t);
    /* fwd L0, AG, fwd L1, AG; L1 wg, AR, L1 ig, RS; L0 wg, AR */
    static const char *names[] = {"L0.fwd", "L0.fwd.ALLGATHER", "L1.fwd", "L1.fwd.ALLGATHER", "L1.wg",
                                  "L1.wg.ALLREDUCE", "L1.ig", "L1.ig.REDUCESCATTER", "L0.wg", "L0.wg.ALLREDUCE"};
    ck_assert_uint_eq(t.n, 10);
    for (size_t i = 0; i < t.n; i++)
        ck_assert_str_eq(t.nodes[i]->name, names[i]);
    deps_are(t.nodes[2], 1, (uint64_t[]){1});
    deps_are(t.nodes[4], 1, (uint64_t[]){3});
    deps_are(t.nodes[8], 1, (uint64_t[]){7});
    ck_assert_int_eq(attr(t.nodes[1], "comm_type")->int64_val, CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_GATHER);
    ck_assert_int_eq(attr(t.nodes[7], "comm_type")->int64_val,
                     CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__REDUCE_SCATTER);
    ck_assert_int_eq(attr(t.nodes[7], "comm_size")->int64_val, 524288);
    /* all-gather inside the package (dim 0), weight all-reduce between packages */
    const ChakraProtoMsg__AttributeProto *d = attr(t.nodes[1], "involved_dim");
    ck_assert_uint_eq(d->bool_list->n_values, 2);
    ck_assert(d->bool_list->values[0] && !d->bool_list->values[1]);
    d = attr(t.nodes[5], "involved_dim");
    ck_assert(!d->bool_list->values[0] && d->bool_list->values[1]);
    /* 2555 cycles at 0.5 GHz = 5.11 us -> 5 */
    ck_assert_uint_eq(t.nodes[0]->duration_micros, 5);
    trace_free(&t);
    free(b);
    astra_workload_free(&w);
    gemm_list_free(&l);
    ck_assert_uint_eq(astra_cycles_to_us(1, 1e9), 1);
    ck_assert_uint_eq(astra_cycles_to_us(0, 1e9), 0);
    ck_assert_uint_eq(astra_cycles_to_us(1500, 1e9), 2);
}
END_TEST

/* ---- training-step GEMMs from a model -------------------------------------- */

START_TEST(train_gemms_llama_hf)
{
    train_model_t m;
    cfg_err_t err;
    ck_assert_msg(train_model_load(GOLDEN "llama-3.1-8b.json", &m, &err) == 0, "%s", err.msg);
    gemm_list_t l;
    gemm_list_init(&l, "llama");
    char msg[256];
    ck_assert_int_eq(train_gemms(&m, 2, 1024, 1, &l, msg, sizeof msg), 0);
    ck_assert_int_eq(m.elem_bytes, 2);
    /* d 4096, 32 heads of 128, 8 KV heads, SwiGLU 14336; 2048 tokens */
    static const struct {
        const char *name;
        int64_t m, n, k, params;
    } want[] = {
        {"L0.qkv", 2048, (32 + 16) * 128, 4096, (32 + 16) * 128 * 4096},
        {"L0.attn_score", 2048, 32 * 1024, 128, 0},
        {"L0.attn_context", 2048, 32 * 128, 1024, 0},
        {"L0.out_proj", 2048, 4096, 4096, 4096 * 4096},
        {"L0.mlp_up", 2048, 2 * 14336, 4096, 2 * 14336 * 4096},
        {"L0.mlp_down", 2048, 4096, 14336, 14336 * 4096},
    };
    ck_assert_uint_eq(l.n, 6);
    double params = 0;
    for (size_t i = 0; i < 6; i++) {
        const op_t *op = op_graph_get(l.g, i);
        ck_assert_str_eq(op->name, want[i].name);
        ck_assert_int_eq(op->gemm_m, want[i].m);
        ck_assert_int_eq(op->gemm_n, want[i].n);
        ck_assert_int_eq(op->gemm_k, want[i].k);
        ck_assert_int_eq(op->params, want[i].params);
        params += (double)op->params;
    }
    /* one Llama-3.1-8B layer's linear weights: 218,103,808 */
    ck_assert(params == 218103808.0);
    gemm_list_free(&l);
}
END_TEST

START_TEST(train_gemms_moe_and_yaml)
{
    train_model_t m;
    cfg_err_t err;
    ck_assert_msg(train_model_load(GOLDEN "mixtral-8x7b.json", &m, &err) == 0, "%s", err.msg);
    gemm_list_t l;
    gemm_list_init(&l, "mixtral");
    char msg[256];
    ck_assert_int_eq(train_gemms(&m, 1, 512, 1, &l, msg, sizeof msg), 0);
    /* qkv, score, context, out, router, experts up, experts down */
    ck_assert_uint_eq(l.n, 7);
    const op_t *up = op_graph_get(l.g, 5);
    ck_assert_str_eq(up->name, "L0.experts_up");
    ck_assert_int_eq(up->gemm_m, 512 * 2);        /* tokens x 2 experts per token */
    ck_assert_int_eq(up->gemm_n, 2 * 14336);
    ck_assert_int_eq(op_graph_get(l.g, 4)->gemm_n, 8); /* router over 8 experts */
    gemm_list_free(&l);
    /* model YAML: GPT-3 (d 12288, 96 heads, 4d MLP, not gated) */
    ck_assert_msg(train_model_load("inputs/software/model/gpt3.yaml", &m, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(m.layers, 96);
    gemm_list_init(&l, "gpt3");
    ck_assert_int_eq(train_gemms(&m, 1, 2048, 0, &l, msg, sizeof msg), 0);
    ck_assert_uint_eq(l.n, 96 * 6);
    ck_assert_int_eq(op_graph_get(l.g, 0)->gemm_n, 3 * 12288);
    ck_assert_int_eq(op_graph_get(l.g, 4)->gemm_n, 4 * 12288);
    gemm_list_free(&l);
    ck_assert_int_eq(train_gemms(&m, 1, 2048, 97, &l, msg, sizeof msg), -1);
    ck_assert_str_eq(msg, "--layers 97: the model has 96 layers");
}
END_TEST

/* ---- bad input --------------------------------------------------------------- */

static void mnk_error(const char *text, astra_strategy_t s, const char *want)
{
    gemm_list_t l;
    cfg_err_t err = {{0}};
    int rc = gemm_list_load_text("bad.csv", text, strlen(text), 2, &l, &err);
    if (rc == 0) {
        astra_workload_t w;
        astra_opts_t o = {s, 16, 2, 2};
        scalesim_cfg_t a = google();
        rc = astra_workload_build(&l, &o, &a, &w, &err);
        gemm_list_free(&l);
        if (rc == 0)
            astra_workload_free(&w);
    }
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "got '%s', want '%s'", err.msg, want);
}

START_TEST(bad_mnk_rows)
{
    mnk_error("Layer,m,n,k\nL0,1024,128,512\nL1,1024,1.5,512\n", ASTRA_DATA, "bad.csv:3:9: n '1.5' is not an integer");
    mnk_error("Layer,m,n,k\nL0,1024,128\n", ASTRA_DATA, "bad.csv:2:1: expected 4 fields (name,m,n,k) or 5");
    mnk_error("Layer,m,n,k\nL0,1024,128,512,DATA,x\n", ASTRA_DATA, "bad.csv:2:1: expected 4 fields");
    mnk_error("Layer,m,n,k\nL0, -4,128,512\n", ASTRA_DATA, "bad.csv:2:5: m '-4' is not an integer");
    mnk_error("Layer,m,n,k\nL0,0,128,512\n", ASTRA_DATA, "bad.csv:2:4: m 0 must be in [1, 2^40]");
    mnk_error("Layer,m,n,k\nL0,1024,128,\n", ASTRA_DATA, "bad.csv:2:13: k is empty");
    mnk_error("Layer,m,n,k\n,1024,128,512\n", ASTRA_DATA, "bad.csv:2:1: empty layer name");
    mnk_error("Layer,m,n,k\nmy layer,1024,128,512\n", ASTRA_DATA, "bad.csv:2:3: layer name 'my layer' contains");
    mnk_error("Layer,m,n,k\n", ASTRA_DATA, "bad.csv:1:1: no GEMM rows");
    mnk_error("", ASTRA_DATA, "bad.csv:1:1: no GEMM rows");
    /* HYBRID_CUSTOMIZED: a missing or unknown fifth field */
    mnk_error("Layer,m,n,k\nL0,1024,128,512\n", ASTRA_HYBRID_CUSTOMIZED,
              "bad.csv:2:1: layer 'L0': --parallel HYBRID_CUSTOMIZED needs a fifth field");
    mnk_error("Layer,m,n,k,P\nL0,1024,128,512,DATA\nL1,1024,128,512,HYBRD_DATA_MODEL\n", ASTRA_HYBRID_CUSTOMIZED,
              "bad.csv:3:17: layer 'L1': unknown strategy 'HYBRD_DATA_MODEL' (valid: DATA, MODEL, HYBRID_DATA_MODEL, "
              "HYBRID_MODEL_DATA) (did you mean 'HYBRID_DATA_MODEL'?)");
    mnk_error("Layer,m,n,k,P\nL0,1024,128,512,HYBRID_CUSTOMIZED\n", ASTRA_HYBRID_CUSTOMIZED,
              "bad.csv:2:17: layer 'L0': unknown strategy 'HYBRID_CUSTOMIZED'");
    /* a zero shard: m = 8 over 16 NPUs */
    mnk_error("Layer,m,n,k\nL0,8,128,512\n", ASTRA_DATA, "bad.csv:2:1: layer 'L0' (m=8, n=128) under DATA leaves 0 rows");
    /* CRLF rows and surrounding spaces are fine */
    gemm_list_t l;
    cfg_err_t err;
    const char *crlf = "Layer,m,n,k,P\r\nL0, 1024 ,128,512,MODEL\r\n\r\n";
    ck_assert_msg(gemm_list_load_text("ok.csv", crlf, strlen(crlf), 2, &l, &err) == 0, "%s", err.msg);
    ck_assert_str_eq(l.strategy[0], "MODEL");
    ck_assert_int_eq(op_graph_get(l.g, 0)->gemm_m, 1024);
    gemm_list_free(&l);
    /* P not divisible by G */
    astra_opts_t o = {ASTRA_DATA, 16, 3, 2};
    char msg[256];
    ck_assert_int_eq(astra_check_opts(&o, msg, sizeof msg), -1);
    ck_assert_str_eq(msg, "--num-npus 16 is not divisible by --num-packages 3 (NPUs per package must be a whole number)");
}
END_TEST

static int run(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* the command line: both spellings, exit 2 and nothing written on bad input */
START_TEST(cli)
{
    char dir[] = "/tmp/hwsweep-astra-XXXXXX", cmd[2048], path[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, BIN " astra -q --mnk=" GOLDEN "two_layer.csv --parallel=DATA --num_npus=16 "
             "--num_packages=2 --datatype_size=2 --scalesim_config=" GOLDEN "google.cfg --run_name=x "
             "--output_file=%s/w.txt --compat asis", dir);
    ck_assert_int_eq(run(cmd), 0);
    snprintf(path, sizeof path, "%s/w.txt", dir);
    size_t a, b;
    char *got = slurp(path, &a), *want = slurp(GOLDEN "two_layer_DATA.asis.txt", &b);
    ck_assert(a == b && memcmp(got, want, a) == 0);
    free(got);
    free(want);
    static const struct {
        const char *args, *err;
    } bad[] = {
        {"--mnk " GOLDEN "two_layer.csv --num-npus 16 --num-packages 3", "not divisible"},
        {"--mnk " GOLDEN "two_layer.csv --parallel DATAA", "unknown strategy 'DATAA'"},
        {"--mnk " GOLDEN "example.csv --parallel HYBRID_CUSTOMIZED", "example.csv:2:1: layer 'MLP_Bottom_0'"},
        {"--mnk " GOLDEN "two_layer.csv --scalesim-config " GOLDEN "two_layer.csv", "two_layer.csv:1:1: key outside"},
        {"--mnk " GOLDEN "google.cfg", "google.cfg:2:1: expected 4 fields"},
        {"--mnk " GOLDEN "two_layer.csv --num-npus 0", "--num-npus: '0' is not an integer"},
        {"--mnk " GOLDEN "two_layer.csv --format chakra --compat asis", "applies to --format text only"},
        {"--from-model " GOLDEN "llama-3.1-8b.json --batch 1", "needs --batch B and --seq S"},
        {"--from-db /nonexistent.db --system 0", "/nonexistent.db: cannot open database"},
        {"--mnk " GOLDEN "two_layer.csv --paralel DATA", "did you mean '--parallel'?"},
        {"--mnk " GOLDEN "two_layer.csv --parallel HYBRID_CUSTOMIZED", "two_layer.csv:2:1: layer 'L0': --parallel "
         "HYBRID_CUSTOMIZED needs a fifth field"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd, BIN " astra %s %s -o %s/w.txt 2>%s/err", bad[i].args,
                 strstr(bad[i].args, "scalesim") ? "" : "--scalesim-config " GOLDEN "google.cfg", dir, dir);
        ck_assert_msg(run(cmd) == 2, "%s: exit status not 2", bad[i].args);
        snprintf(path, sizeof path, "%s/err", dir);
        char *e = slurp(path, &a);
        ck_assert_msg(strstr(e, bad[i].err) != NULL, "%s: stderr '%s'", bad[i].args, e);
        free(e);
        /* the earlier output is untouched */
        snprintf(path, sizeof path, "%s/w.txt", dir);
        got = slurp(path, &a);
        want = slurp(GOLDEN "two_layer_DATA.asis.txt", &b);
        ck_assert(a == b && memcmp(got, want, a) == 0);
        free(got);
        free(want);
    }
    /* chakra: one file per NPU */
    snprintf(cmd, sizeof cmd, BIN " astra -q --mnk " GOLDEN "two_layer.csv --num-npus 4 --scalesim-config "
             GOLDEN "google.cfg --format chakra -o %s/tr", dir);
    ck_assert_int_eq(run(cmd), 0);
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/tr.%d.et", dir, i);
        ck_assert_msg(exists(path), "%s missing", path);
    }
    snprintf(path, sizeof path, "%s/tr.4.et", dir);
    ck_assert(!exists(path));
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(run(cmd), 0);
}
END_TEST

/* --from-db: a stored tpuv4 x GPT-3 point (t = 64, p = 1, batch 1, prompt
 * 20 tokens, one 361 x 361 array at 1.05 GHz) becomes a MODEL workload on
 * 64 NPUs */
START_TEST(cli_from_db)
{
    char dir[] = "/tmp/hwsweep-astradb-XXXXXX", cmd[2048], path[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, BIN " run -q -o %s -j 1 -m tests/golden/inputs/software/model/gpt3.yaml "
             "-s tests/golden/inputs/software/system/tpuv4.yaml tests/golden/inputs/hardware/config/tpuv4.yaml "
             ">/dev/null", dir);
    ck_assert_int_eq(run(cmd), 0);
    snprintf(cmd, sizeof cmd, BIN " astra -q --from-db %s/tpuv4/tpuv4.db --system 0 --layers 1 -o %s/w.txt", dir,
             dir);
    ck_assert_int_eq(run(cmd), 0);
    snprintf(path, sizeof path, "%s/w.txt", dir);
    size_t n;
    char *got = slurp(path, &n);
    /* qkv: m = 20 tokens, n = 3 x 12288 / 64 = 576, k = 12288; ws on 361 x 361:
     * 35 x 2 folds of 2 x 361 + 361 + 20 - 2 = 1101 cycles */
    char want[256];
    snprintf(want, sizeof want, "MODEL\n6\nL0.qkv\t-1\t%d\tALLGATHER\t%d\t", 35 * 2 * 1101 - 1, 20 * 36864 * 2 / 64);
    ck_assert_msg(strncmp(got, want, strlen(want)) == 0, "got:\n%s", got);
    free(got);
    snprintf(cmd, sizeof cmd, BIN " astra --from-db %s/tpuv4/tpuv4.db --system 99 -o %s/x.txt 2>/dev/null", dir, dir);
    ck_assert_int_eq(run(cmd), 2);
    snprintf(path, sizeof path, "%s/x.txt", dir);
    ck_assert(!exists(path));
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(run(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("astra");
    TCase *t = tcase_create("astra");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, cfg_google);
    tcase_add_test(t, cfg_case_and_v1);
    tcase_add_test(t, cfg_bad);
    tcase_add_test(t, cycles_ws_spec_table);
    tcase_add_test(t, cycles_os_is);
    tcase_add_test(t, cycles_vs_scalesim_runs);
    tcase_add_test(t, worked_example_bytes);
    tcase_add_test(t, worked_example_strategies);
    tcase_add_test(t, shards_per_strategy);
    tcase_add_test(t, customized_example);
    tcase_add_test(t, reference_outputs);
    tcase_add_test(t, chakra_round_trip_data);
    tcase_add_test(t, chakra_round_trip_hybrid);
    tcase_add_test(t, train_gemms_llama_hf);
    tcase_add_test(t, train_gemms_moe_and_yaml);
    tcase_add_test(t, bad_mnk_rows);
    tcase_add_test(t, cli);
    tcase_add_test(t, cli_from_db);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}

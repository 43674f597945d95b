/*
 * bench_npu.c -- speed of the NPU per-operator simulator (BENCHMARKS.md):
 * one llama3-8b / TPUv5p inference simulation (op lists, per-op model,
 * statistics; cold tile cache each time, as one `hwsweep npu` run), the
 * same with a warm cache (sweeps), the CSV writing, both together (the
 * figure compared with NeuSim's first generate() in BENCHMARKS.md), and the
 * tile search against NeuSim's full enumeration.  Run from the repository
 * root.
 */
#include <stdio.h>
#ifdef __GLIBC__ /* (defined by any glibc header) */
#include <malloc.h>
#endif
#include <stdlib.h>
#include <time.h>

#include "cli/npu_out.h"
#include "engine/npu_run.h"
#include "npu/npu_config.h"
#include "npu/npu_perf.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int load(npu_config_t *c, const char *chip, const char *model)
{
    npu_config_defaults(c);
    cfg_err_t err;
    char p[512];
    const char *k[3] = {"systems", "chips", "models"}, *n[3] = {"system_config", chip, model};
    for (int i = 0; i < 3; i++)
        if (!npu_config_resolve(k[i], n[i], p, sizeof p, &err) || !npu_config_merge_file(c, p, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return -1;
        }
    return 0;
}

/* One run as `hwsweep npu` makes it: the configuration is merged straight
 * into the run record (copied here before the clock starts), then
 * npu_run_in_place. */
static npu_run_t run_rec;
static char iobuf[NPU_OUT_BUF_BYTES]; /* the output stream's buffer, as hwsweep npu sets it */

static double best_run(const npu_config_t *c, bool compat, bool training, int warm, int reps)
{
    double best = 1e9;
    npu_tile_cache_t *cache = warm ? npu_tile_cache_new() : NULL;
    for (int i = 0; i < reps; i++) {
        npu_tile_cache_t *cold = warm ? NULL : npu_tile_cache_new();
        char err[256];
        run_rec.cfg = *c;
        double t0 = now();
        int rc = npu_run_in_place(&run_rec, compat, 0, training, warm ? cache : cold, err, sizeof err);
        double t = now() - t0;
        npu_run_free(&run_rec);
        npu_tile_cache_free(cold);
        if (rc != 0) {
            fprintf(stderr, "bench_npu: %s\n", err);
            exit(1);
        }
        if (t < best)
            best = t;
    }
    npu_tile_cache_free(cache);
    return best;
}

/* The files of one inference run, as hwsweep npu writes them (rows
 * formatted once, OUT.csv = header + prefill + decode rows, the per-phase
 * CSVs, the two JSONs), into f, flushed after each file: one write(2) per
 * file, as hwsweep npu's buffered files make (their open, close and rename
 * are not timed). */
static void write_files(FILE *f, const npu_run_t *r)
{
    size_t l0, l1;
    char *r0 = npu_csv_rows(&r->phase[0], &l0), *r1 = npu_csv_rows(&r->phase[1], &l1);
    npu_csv_header(f);
    fwrite(r0, 1, l0, f);
    fwrite(r1, 1, l1, f);
    fflush(f);
    npu_csv_header(f);
    fwrite(r0, 1, l0, f);
    fflush(f);
    npu_csv_header(f);
    fwrite(r1, 1, l1, f);
    fflush(f);
    char *cfg = npu_json_config_text(r);
    npu_json_write_with(f, r, &r->phase[0], cfg);
    fflush(f);
    npu_json_write_with(f, r, &r->phase[1], cfg);
    fflush(f);
    free(cfg);
    free(r0);
    free(r1);
}

/* simulation (cold tile cache) and files together, best of reps */
static double best_run_and_files(const npu_config_t *c, int reps)
{
    double best = 1e9;
    for (int i = 0; i < reps; i++) {
        npu_tile_cache_t *cold = npu_tile_cache_new();
        char err[256];
        FILE *f = fopen("/dev/null", "w");
        setvbuf(f, iobuf, _IOFBF, NPU_OUT_BUF_BYTES); /* as hwsweep npu's files */
        run_rec.cfg = *c;
        double t0 = now();
        int rc = npu_run_in_place(&run_rec, true, 0, false, cold, err, sizeof err);
        if (rc == 0)
            write_files(f, &run_rec);
        double t = now() - t0;
        fclose(f);
        npu_run_free(&run_rec);
        npu_tile_cache_free(cold);
        if (rc != 0) {
            fprintf(stderr, "bench_npu: %s\n", err);
            exit(1);
        }
        if (t < best)
            best = t;
    }
    return best;
}

int main(void)
{
    npu_config_t c8, c70;
    if (load(&c8, "tpuv5p", "llama3-8b") || load(&c70, "tpuv6e", "llama3-70b"))
        return 1;
    printf("NPU simulator (best of 200):\n");
    /* glibc's default gives the heap's top back after every run and takes
     * it again (page faults) in the next: what a fresh process pays once */
    printf("  llama3-8b v5p inference, compat, cold cache, heap trimmed between runs: %8.1f us\n",
           1e6 * best_run(&c8, true, false, 0, 200));
#ifdef __GLIBC__
    /* from here on the heap is kept, as `hwsweep run` keeps it for a sweep */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    printf("  llama3-8b v5p inference, compat, cold cache: %8.1f us\n", 1e6 * best_run(&c8, true, false, 0, 200));
    printf("  llama3-8b v5p inference, default, cold cache: %7.1f us\n", 1e6 * best_run(&c8, false, false, 0, 200));
    printf("  llama3-8b v5p inference, compat, warm cache: %8.1f us\n", 1e6 * best_run(&c8, true, false, 1, 200));
    printf("  llama3-70b v6e inference, compat, cold cache: %7.1f us\n", 1e6 * best_run(&c70, true, false, 0, 200));
    printf("  llama3-8b v5p training, compat, cold cache: %9.1f us\n", 1e6 * best_run(&c8, true, true, 0, 200));

    /* CSV writing of the three inference files as hwsweep npu does it (rows formatted once) */
    npu_run_t r;
    char err[256];
    npu_run(&c8, true, 0, false, NULL, &r, err, sizeof err);
    double best = 1e9;
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen("/dev/null", "w");
        setvbuf(f, iobuf, _IOFBF, NPU_OUT_BUF_BYTES); /* as hwsweep npu's files */
        double t0 = now();
        write_files(f, &r);
        double t = now() - t0;
        fclose(f);
        if (t < best)
            best = t;
    }
    npu_run_free(&r);
    printf("  writing OUT.csv, _prefill/_decode .csv and .json: %.1f us\n", 1e6 * best);
    printf("  llama3-8b v5p inference, compat, cold cache, simulation + files: %.1f us\n",
           1e6 * best_run_and_files(&c8, 200));

    /* tile search: the llama3-8b FFN matmuls and a 70B one */
    npu_chip_t ch;
    npu_config_chip(&c8, &ch);
    const int64_t shapes[][4] = {{1, 4096, 14336, 4096}, {1, 4096, 4096, 14336}, {16, 4096, 3584, 8192}};
    for (int s = 0; s < 3; s++) {
        int64_t M, N, K;
        double t0 = now();
        int reps = 20;
        for (int i = 0; i < reps; i++)
            npu_best_matmul_tile(&ch, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], 2, 2, 2, NULL, &M, &N, &K);
        double fast = (now() - t0) / reps;
        t0 = now();
        npu_best_matmul_tile_bruteforce(&ch, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], 2, 2, 2, &M, &N,
                                        &K);
        double brute = now() - t0;
        printf("  tile search %lldx[%lld,%lld]x[%lld,%lld]: %.1f us (full enumeration %.1f us, %.0fx)\n",
               (long long)shapes[s][0], (long long)shapes[s][1], (long long)shapes[s][3], (long long)shapes[s][3],
               (long long)shapes[s][2], 1e6 * fast, 1e6 * brute, brute / fast);
    }
    return 0;
}

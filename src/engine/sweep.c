/*
 * sweep.c -- the sweep engine (see sweep.h).
 *
 * Ids are deterministic within a sweep and independent of threads, shards
 * and resumes: chips, packages and servers are numbered in enumeration
 * order across the sweep's hardware (servers: valid package x server
 * configuration), and system_id = server_id x max_combos + the index of
 * (model, system file, configuration).  A shard takes every N-th valid
 * package with all of its servers, so heat sink searches are not repeated
 * across shards.  Workers (OpenMP) evaluate a chunk of servers and their
 * system points while the writer thread commits the previous chunk in one
 * transaction; a resumed run skips the servers already stored.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/invalid_report.h"
#include "engine/hw_engine.h"
#include "engine/interrupt.h"
#include "engine/jobs.h"
#include "engine/lock.h"
#include "engine/progress.h"
#include "engine/scratch.h"
#include "engine/sweep.h"
#include "engine/sweep_config.h"
#include "hw/hw_eval.h"
#include "perf/system.h"
#include "store/db.h"
#include "store/finalize.h"
#include "store/hw_store.h"
#include "store/status_store.h"
#include "store/sw_store.h"
#include "store/sweep_store.h"
#include "store/views.h"

#define CHUNK_SERVERS 4096
#define CHUNK_SYSTEMS 1024
/* chunks evaluated ahead of the writer: their sizes vary (a chunk's servers
 * may all be invalid), so a deeper queue keeps the writer busy (bench/big.yaml:
 * points phase 21.1 s -> 19.7 s, writer busy 88% -> 96%, peak RSS +65 MiB) */
#define QUEUE_CAP 8
#define EXIT_INTERRUPTED 130

typedef struct {
    const sweep_unit_t *su;
    hw_points_t hp;              /* chips and packages */
    size_t *valid_pkg, n_valid_pkg;
    int64_t chip_base, pkg_base, shape_base, srv_base, vpkg_base;
} unit_rt_t;

typedef struct {
    uint32_t unit, v;            /* unit, valid package ordinal */
} pkg_ref_t;

typedef struct {
    size_t n_srv;
    server_t *srv;
    int64_t *srv_id;
    uint32_t *unit;
    int64_t *srv_row;            /* the writer's server rows (-1: invalid server, or not numbered) */
    size_t n_sys;
    system_result_t *res;
    sw_point_t *pts;
    sw_prep_t **preps;           /* sw_prepare's, per point (NULL: the writer reads the result) */
    size_t valid_srv, valid_sys;
} chunk_t;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    chunk_t *queue[QUEUE_CAP];
    size_t head, count;
    bool closing, failed;
    bool dropped;                /* a stop left evaluated chunks unwritten (resume redoes them) */
    char err[512];
    sqlite3 *db;
    hw_writer_t *hw;             /* prepared once for the whole run */
    sw_writer_t *sw;
    const unit_rt_t *units;
    progress_t prog;
    size_t systems_written;
    double busy_s;               /* time spent writing and committing */
    scratch_t *scr;              /* periodic checkpoints (scratch.h) */
    /* server rows (systems.server_row: a valid server's rank among its
     * hardware's valid servers, by server_id) numbered as the servers are
     * written, in server_id order: row_counter[row_of_unit[u]] is the next
     * row of unit u's hardware (units of one name share it); NULL: left
     * NULL here, numbered by store_server_rows at the end */
    int64_t *row_counter;
    size_t *row_of_unit;
} writer_t;

typedef struct {
    const sweep_opts_t *o;
    sweep_t sw;
    unit_rt_t *units;
    pkg_ref_t *refs;             /* this shard's valid packages */
    size_t n_refs;
    unsigned char *done;         /* bitmap of stored server ids (resume) */
    int64_t n_servers_total;
    hs_table_t hs;
    hs_entry_t *hs_keys;
    sqlite3 *db;
    char db_path[4200];          /* the run's database: NAME.db.partial until finished */
    char final_path[4096];       /* NAME.db (or the shard's), replaced only when complete */
    int lock_fd;                 /* the writer lock (NAME.db.lock) */
    long long run_id;
    bool resumed;                /* the run goes on from a partial database */
    scratch_t scr;               /* --scratch: db_path lives there (scratch.h) */
} sweep_ctx_t;

void sweep_db_path(const char *outdir, const char *name, int shard_i, int shard_n, char *buf, unsigned len)
{
    if (shard_n > 1)
        snprintf(buf, len, "%s/sweeps/%s.shard-%d-of-%d.db", outdir, name, shard_i, shard_n);
    else
        snprintf(buf, len, "%s/sweeps/%s.db", outdir, name);
}

/* ---- hardware parts ------------------------------------------------------ */

static int eval_parts(sweep_ctx_t *c)
{
    int64_t chip = 0, pkg = 0, shape = 0, srv = 0, vpkg = 0;
    for (size_t u = 0; u < c->sw.n_units; u++) {
        unit_rt_t *rt = &c->units[u];
        rt->su = &c->sw.units[u];
        if (hw_engine_parts(&rt->su->cfg, &rt->su->hc, c->o->threads, &rt->hp))
            return -1;
        rt->valid_pkg = malloc((rt->hp.n_packages ? rt->hp.n_packages : 1) * sizeof *rt->valid_pkg);
        if (!rt->valid_pkg)
            return -1;
        for (size_t i = 0; i < rt->hp.n_packages; i++)
            if (rt->hp.packages[i].valid)
                rt->valid_pkg[rt->n_valid_pkg++] = i;
        rt->chip_base = chip;
        rt->pkg_base = pkg;
        rt->shape_base = shape;
        rt->srv_base = srv;
        rt->vpkg_base = vpkg;
        chip += (int64_t)rt->hp.n_chips;
        pkg += (int64_t)rt->hp.n_packages;
        shape += (int64_t)rt->su->cfg.n_servers;
        srv += (int64_t)(rt->n_valid_pkg * rt->su->cfg.n_servers);
        vpkg += (int64_t)rt->n_valid_pkg;
    }
    c->n_servers_total = srv;
    c->refs = malloc((size_t)(vpkg ? vpkg : 1) * sizeof *c->refs);
    if (!c->refs)
        return -1;
    for (size_t u = 0; u < c->sw.n_units; u++)
        for (size_t v = 0; v < c->units[u].n_valid_pkg; v++)
            if ((c->units[u].vpkg_base + (int64_t)v) % c->o->shard_n == c->o->shard_i - 1)
                c->refs[c->n_refs++] = (pkg_ref_t){(uint32_t)u, (uint32_t)v};
    return 0;
}

static int write_parts(sweep_ctx_t *c, char *err, size_t errlen)
{
    if (sweep_store_has_parts(c->db))
        return 0;   /* a resumed run: written by the first attempt */
    hw_writer_t *w = NULL;
    int rc = store_begin(c->db, err, errlen);
    if (rc == 0 && !(w = hw_writer_open(c->db, err, errlen)))
        rc = -1;
    for (size_t u = 0; rc == 0 && u < c->sw.n_units; u++) {
        const unit_rt_t *rt = &c->units[u];
        for (size_t i = 0; rc == 0 && i < rt->hp.n_chips; i++)
            rc = hw_write_chip(w, rt->su->name, rt->chip_base + (int64_t)i, &rt->hp.chips[i]);
        for (size_t i = 0; rc == 0 && i < rt->hp.n_packages; i++) {
            const package_t *p = &rt->hp.packages[i];
            rc = hw_write_package(w, rt->su->name, rt->pkg_base + (int64_t)i,
                                  rt->chip_base + (p->chip - rt->hp.chips), p);
        }
        for (size_t k = 0; rc == 0 && k < rt->su->cfg.n_servers; k++) {
            server_t shape = rt->su->cfg.servers[k];
            hw_io_eval(&shape.io);
            rc = hw_write_shape(w, rt->su->name, rt->shape_base + (int64_t)k, (int)k, &shape);
        }
    }
    hw_writer_close(w);
    if (rc == 0)
        rc = store_commit(c->db, err, errlen);
    else
        snprintf(err, errlen, "sqlite: writing chips and packages: %s", sqlite3_errmsg(c->db));
    return rc;
}

/* ---- heat sinks ----------------------------------------------------------- */

static void server_template(const unit_rt_t *rt, uint32_t v, size_t k, server_t *s)
{
    *s = rt->su->cfg.servers[k];
    s->package = &rt->hp.packages[rt->valid_pkg[v]];
    s->shape_index = (int)k;
}

/* The heat sink keys of the shard's servers.  A package's servers differ
 * in their key by packages per lane only, so each package adds each of
 * its distinct keys once: memory grows with packages x lane sizes, not
 * with servers (11 MiB instead of 514 MiB for bench/huge.yaml). */
static int build_heatsinks(sweep_ctx_t *c)
{
    size_t cap = 0, n = 0;
    c->hs_keys = NULL;
    for (size_t r = 0; r < c->n_refs; r++) {
        const unit_rt_t *rt = &c->units[c->refs[r].unit];
        size_t first = n;   /* this package's keys: hs_keys[first..n) */
        for (size_t k = 0; k < rt->su->cfg.n_servers; k++) {
            server_t s;
            server_template(rt, c->refs[r].v, k, &s);
            if (!hw_server_lane_ok(&s, &rt->su->hc.server))
                continue;
            hs_entry_t key = hs_key(&s);
            size_t j = first;
            while (j < n && !(c->hs_keys[j].length_mm == key.length_mm && c->hs_keys[j].width_mm == key.width_mm &&
                              c->hs_keys[j].ppl == key.ppl))
                j++;
            if (j < n)
                continue;
            if (n == cap) {
                size_t cap2 = cap ? 2 * cap : 1024;
                hs_entry_t *k2 = realloc(c->hs_keys, cap2 * sizeof *k2);
                if (!k2)
                    return -1;
                c->hs_keys = k2;
                cap = cap2;
            }
            c->hs_keys[n++] = key;
        }
    }
    if (!c->hs_keys && !(c->hs_keys = malloc(sizeof *c->hs_keys)))
        return -1;
    return hs_table_build(&c->hs, c->hs_keys, n, c->o->threads);
}

/* ---- chunks ----------------------------------------------------------------- */

static int64_t server_id(const unit_rt_t *rt, uint32_t v, size_t k)
{
    return rt->srv_base + (int64_t)v * (int64_t)rt->su->cfg.n_servers + (int64_t)k;
}

static bool is_done(const sweep_ctx_t *c, int64_t id)
{
    return c->done && (c->done[id >> 3] >> (id & 7) & 1);
}

static void chunk_free(chunk_t *ch)
{
    if (!ch)
        return;
    for (size_t i = 0; ch->res && i < ch->n_sys; i++)
        perf_system_result_free(&ch->res[i]);
    free(ch->srv);
    free(ch->srv_id);
    free(ch->unit);
    free(ch->srv_row);
    free(ch->res);
    for (size_t i = 0; ch->preps && i < ch->n_sys; i++)
        free(ch->preps[i]);
    free(ch->preps);
    free(ch->pts);
    free(ch);
}

/* Take the next servers of the shard (from package ref, server k on) into a new chunk. */
static chunk_t *chunk_next(const sweep_ctx_t *c, size_t *ref, size_t *k)
{
    chunk_t *ch = calloc(1, sizeof *ch);
    if (!ch)
        return NULL;
    ch->srv = malloc(CHUNK_SERVERS * sizeof *ch->srv);
    ch->srv_id = malloc(CHUNK_SERVERS * sizeof *ch->srv_id);
    ch->unit = malloc(CHUNK_SERVERS * sizeof *ch->unit);
    ch->srv_row = malloc(CHUNK_SERVERS * sizeof *ch->srv_row);
    if (!ch->srv || !ch->srv_id || !ch->unit || !ch->srv_row) {
        chunk_free(ch);
        return NULL;
    }
    size_t bound = 0;
    while (*ref < c->n_refs && ch->n_srv < CHUNK_SERVERS) {
        const pkg_ref_t *pr = &c->refs[*ref];
        const unit_rt_t *rt = &c->units[pr->unit];
        if (*k >= rt->su->cfg.n_servers) {
            (*ref)++;
            *k = 0;
            continue;
        }
        if (ch->n_srv > 0 && bound + rt->su->combos > CHUNK_SYSTEMS)
            break;
        int64_t id = server_id(rt, pr->v, *k);
        if (!is_done(c, id)) {
            server_template(rt, pr->v, *k, &ch->srv[ch->n_srv]);
            ch->srv_id[ch->n_srv] = id;
            ch->unit[ch->n_srv++] = pr->unit;
            bound += rt->su->combos;
        }
        (*k)++;
    }
    return ch;
}

static void eval_servers(const sweep_ctx_t *c, chunk_t *ch)
{
#pragma omp parallel for schedule(dynamic, 32) num_threads(c->o->threads)
    for (size_t i = 0; i < ch->n_srv; i++) {
        server_t *s = &ch->srv[i];
        const hw_constants_t *hc = &c->units[ch->unit[i]].su->hc;
        s->server_id = (int)ch->srv_id[i];
        if (hw_server_lane_ok(s, &hc->server))
            hw_server_eval(s, hc, hs_table_get(&c->hs, s));
    }
    for (size_t i = 0; i < ch->n_srv; i++)
        ch->valid_srv += ch->srv[i].valid;
}

/* The system points of the chunk's valid servers. */
static int list_systems(const sweep_ctx_t *c, chunk_t *ch)
{
    size_t n = 0;
    for (size_t i = 0; i < ch->n_srv; i++)
        if (ch->srv[i].valid)
            n += c->units[ch->unit[i]].su->combos;
    ch->pts = calloc(n ? n : 1, sizeof *ch->pts);
    ch->res = calloc(n ? n : 1, sizeof *ch->res);
    ch->preps = calloc(n ? n : 1, sizeof *ch->preps);
    if (!ch->pts || !ch->res || !ch->preps)
        return -1;
    const sweep_t *sw = &c->sw;
    for (size_t i = 0; i < ch->n_srv; i++) {
        if (!ch->srv[i].valid)
            continue;
        const sweep_unit_t *su = c->units[ch->unit[i]].su;
        int64_t j = 0;
        for (size_t m = 0; m < sw->n_models; m++)
            for (size_t f = 0; f < su->n_systems; f++) {
                const sweep_system_t *sys = &sw->systems[su->systems[f]];
                for (size_t k = 0; k < sys->n_cfgs; k++, j++)
                    ch->pts[ch->n_sys++] = (sw_point_t){su->name, ch->srv_id[i] * (int64_t)sw->max_combos + j,
                                                        ch->srv_id[i], -1, sw->models[m].name, sys->name,
                                                        (int64_t)k, &sys->cfgs[k], NULL, NULL};
            }
    }
    return 0;
}

/* Index of the server a system point belongs to (points follow servers). */
static const server_t *point_server(const chunk_t *ch, const sw_point_t *pt, size_t *hint)
{
    while (ch->srv_id[*hint] != pt->server_id)
        (*hint)++;
    return &ch->srv[*hint];
}

static int eval_systems(const sweep_ctx_t *c, const sw_writer_t *sw, chunk_t *ch, char *err, size_t errlen)
{
    size_t *srv_of = malloc((ch->n_sys ? ch->n_sys : 1) * sizeof *srv_of);
    size_t *model_of = malloc((ch->n_sys ? ch->n_sys : 1) * sizeof *model_of);
    if (!srv_of || !model_of) {
        free(srv_of);
        free(model_of);
        return -1;
    }
    size_t hint = 0;
    for (size_t p = 0; p < ch->n_sys; p++) {
        srv_of[p] = (size_t)(point_server(ch, &ch->pts[p], &hint) - ch->srv);
        for (model_of[p] = 0; strcmp(c->sw.models[model_of[p]].name, ch->pts[p].model); model_of[p]++)
            ;
    }
    long bad = -1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(c->o->threads)
    for (size_t p = 0; p < ch->n_sys; p++) {
        char e[256];
        const server_t *s = &ch->srv[srv_of[p]];
        if (!perf_system_eval(s, &c->units[ch->unit[srv_of[p]]].su->hc, &c->sw.models[model_of[p]],
                              ch->pts[p].cfg, &ch->res[p], e, sizeof e)) {
#pragma omp critical(sweep_err)
            if (bad < 0 || (long)p < bad) {
                bad = (long)p;
                snprintf(err, errlen, "%s", e);
            }
        } else if (sw && ch->res[p].valid) {
            /* what the writer needs of the best mappings (their distinct
             * ones, the content tuples' bytes and hashes), here beside the
             * evaluation rather than on the writer thread */
            ch->preps[p] = sw_prepare(sw, &ch->res[p]);
        }
    }
    for (size_t p = 0; p < ch->n_sys; p++) {
        ch->pts[p].result = &ch->res[p];
        ch->pts[p].prep = ch->preps[p];
        ch->valid_sys += ch->res[p].valid;
    }
    free(srv_of);
    free(model_of);
    return bad < 0 ? 0 : -1;
}

/* ---- the writer thread ---------------------------------------------------- */

/* The chunk's valid servers numbered on from the earlier chunks' (whose
 * servers come before its own in server_id order), and its system points
 * given their server's row.  A chunk that fails to be written ends the
 * writing (w->failed), so the counters never skip a row that is stored. */
static void number_rows(writer_t *w, chunk_t *ch)
{
    if (!w->row_counter)
        return;
    for (size_t i = 0; i < ch->n_srv; i++)
        ch->srv_row[i] = ch->srv[i].valid ? w->row_counter[w->row_of_unit[ch->unit[i]]]++ : -1;
    size_t hint = 0;
    for (size_t p = 0; p < ch->n_sys; p++) {
        while (ch->srv_id[hint] != ch->pts[p].server_id)
            hint++;
        ch->pts[p].server_row = ch->srv_row[hint];
    }
}

static int write_chunk(writer_t *w, chunk_t *ch, char *err, size_t errlen)
{
    number_rows(w, ch);
    int rc = store_begin(w->db, err, errlen);
    for (size_t i = 0; rc == 0 && i < ch->n_srv; i++) {
        const unit_rt_t *rt = &w->units[ch->unit[i]];
        const package_t *p = ch->srv[i].package;
        rc = hw_write_server(w->hw, ch->srv_id[i], rt->pkg_base + (p - rt->hp.packages),
                             rt->shape_base + ch->srv[i].shape_index, &ch->srv[i]);
    }
    for (size_t i = 0; rc == 0 && i < ch->n_sys; i++)
        rc = sw_write_system(w->sw, &ch->pts[i]);
    if (rc == 0)
        rc = sw_writer_flush(w->sw);
    if (rc == 0)
        rc = status_store_tick(w->db, (long long)ch->n_srv, (long long)ch->n_sys, err, errlen);
    if (rc && !err[0])
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(w->db));
    if (rc == 0)
        return store_commit(w->db, err, errlen);
    store_rollback(w->db);
    return -1;
}

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (w->count == 0 && !w->closing)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->count == 0) {
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        chunk_t *ch = w->queue[w->head];
        /* a stop (Ctrl-C, SIGTERM, a SIGUSR1 checkpoint) ends the run after the
         * chunk being written: the evaluated chunks still queued are dropped,
         * whatever the queue's depth, and --resume evaluates them again */
        if (!w->failed && interrupt_requested())
            w->dropped = true;
        bool skip = w->failed || w->dropped;
        pthread_mutex_unlock(&w->mu);
        char err[512] = "";
        double t0 = db_now();
        int rc = skip ? 0 : write_chunk(w, ch, err, sizeof err);
        w->busy_s += db_now() - t0;
        if (!skip && rc == 0) {
            progress_add(&w->prog, ch->n_srv, ch->valid_srv);
            w->systems_written += ch->n_sys;
            scratch_publish_live(w->scr, w->db);
        }
        chunk_free(ch);
        pthread_mutex_lock(&w->mu);
        w->head = (w->head + 1) % QUEUE_CAP;
        w->count--;
        if (rc && !w->failed) {
            w->failed = true;
            snprintf(w->err, sizeof w->err, "%s", err);
        }
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
    }
}

/* Queue a chunk (blocks while the queue is full).  False once the writer failed.
 * Without a database (dry run) the chunk is only counted. */
static bool writer_push(writer_t *w, chunk_t *ch)
{
    if (!w->db) {
        progress_add(&w->prog, ch->n_srv, ch->valid_srv);
        w->systems_written += ch->n_sys;
        chunk_free(ch);
        return true;
    }
    pthread_mutex_lock(&w->mu);
    while (w->count == QUEUE_CAP && !w->failed)
        pthread_cond_wait(&w->cv, &w->mu);
    bool ok = !w->failed;
    if (ok) {
        w->queue[(w->head + w->count) % QUEUE_CAP] = ch;
        w->count++;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    if (!ok)
        chunk_free(ch);
    return ok;
}

static bool writer_failed(writer_t *w)
{
    pthread_mutex_lock(&w->mu);
    bool f = w->failed;
    pthread_mutex_unlock(&w->mu);
    return f;
}

/* ---- the run ----------------------------------------------------------------- */

static size_t shard_servers(const sweep_ctx_t *c, size_t *already)
{
    size_t n = 0;
    *already = 0;
    for (size_t r = 0; r < c->n_refs; r++) {
        const unit_rt_t *rt = &c->units[c->refs[r].unit];
        for (size_t k = 0; k < rt->su->cfg.n_servers; k++) {
            n++;
            *already += is_done(c, server_id(rt, c->refs[r].v, k));
        }
    }
    return n;
}

/* Evaluate and queue every chunk; returns 0, 1 (failure) or 130 (interrupted).
 * *eval_s gets the time spent evaluating. */
static int produce(sweep_ctx_t *c, writer_t *w, double *eval_s)
{
    size_t ref = 0, k = 0;
    char err[512] = "";
    while (ref < c->n_refs) {
        if (interrupt_requested())
            return EXIT_INTERRUPTED;
        if (writer_failed(w))
            return EXIT_FAIL;
        chunk_t *ch = chunk_next(c, &ref, &k);
        if (!ch) {
            fprintf(stderr, "hwsweep: out of memory\n");
            return EXIT_FAIL;
        }
        double t0 = db_now();
        eval_servers(c, ch);
        if (list_systems(c, ch) || eval_systems(c, w->sw, ch, err, sizeof err)) {
            fprintf(stderr, "hwsweep: %s\n", err[0] ? err : "out of memory");
            chunk_free(ch);
            return EXIT_FAIL;
        }
        *eval_s += db_now() - t0;
        if (!writer_push(w, ch))
            return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* A fresh single run: the writer numbers the server rows, from 0 per
 * hardware name (the packages' `hardware`, the unit's name). */
static int rows_init(writer_t *w, const sweep_ctx_t *c)
{
    w->row_counter = calloc(c->sw.n_units ? c->sw.n_units : 1, sizeof *w->row_counter);
    w->row_of_unit = calloc(c->sw.n_units ? c->sw.n_units : 1, sizeof *w->row_of_unit);
    if (!w->row_counter || !w->row_of_unit)
        return -1;
    for (size_t u = 0; u < c->sw.n_units; u++) {
        size_t k = 0;
        while (strcmp(c->sw.units[k].name, c->sw.units[u].name))
            k++;
        w->row_of_unit[u] = k;   /* the first unit of that name counts for all */
    }
    return 0;
}

static int run_points(sweep_ctx_t *c)
{
    writer_t w;
    memset(&w, 0, sizeof w);
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    w.db = c->db;
    w.units = c->units;
    size_t already, total = shard_servers(c, &already);
    char err[DB_ERR_MAX];
    w.scr = &c->scr;
    if (w.db && status_store_begin(w.db, c->run_id, (long long)total, (long long)already,
                                   c->scr.on ? c->scr.publish_every_s : 0, err, sizeof err)) {
        fprintf(stderr, "hwsweep: %s: %s\n", c->db_path, err);
        return EXIT_FAIL;
    }
    progress_start(&w.prog, "servers and their systems", total, c->o->quiet);
    w.prog.done = already;
    pthread_t th;
    if (w.db && (!(w.hw = hw_writer_open(w.db, err, sizeof err)) || !(w.sw = sw_writer_open(w.db, err, sizeof err)))) {
        fprintf(stderr, "hwsweep: %s: %s\n", c->db_path, err);
        hw_writer_close(w.hw);
        return EXIT_FAIL;
    }
    if (w.db && c->o->shard_n == 1 && !c->resumed && rows_init(&w, c)) {
        fprintf(stderr, "hwsweep: out of memory\n");
        hw_writer_close(w.hw);
        sw_writer_close(w.sw);
        return EXIT_FAIL;
    }
    if (w.db && pthread_create(&th, NULL, writer_main, &w) != 0) {
        fprintf(stderr, "hwsweep: cannot start the writer thread\n");
        hw_writer_close(w.hw);
        sw_writer_close(w.sw);
        return EXIT_FAIL;
    }
#ifdef __GLIBC__
    /* each chunk allocates and frees its results, records and prepared
     * tuples (tens of MiB): without this glibc gives them back to the kernel
     * after each chunk and faults them in again for the next (bench/big.yaml:
     * about 35,000 of its 88,000 page faults, some 13 us each in a virtual
     * machine); blocks under 32 MiB come from the heaps, kept up to 64 MiB free */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    double eval_s = 0, t0 = db_now();
    int rc = produce(c, &w, &eval_s);
    pthread_mutex_lock(&w.mu);
    w.closing = true;
    pthread_cond_broadcast(&w.cv);
    pthread_mutex_unlock(&w.mu);
    if (w.db) {
        pthread_join(th, NULL);
        hw_writer_close(w.hw);
        sw_writer_close(w.sw);
    }
    free(w.row_counter);
    free(w.row_of_unit);
    if (w.failed) {
        fprintf(stderr, "\nhwsweep: %s: %s\n", c->db_path, w.err);
        rc = EXIT_FAIL;
    } else if (rc == EXIT_OK && w.dropped) {
        rc = EXIT_INTERRUPTED;
    }
    progress_end(&w.prog);
    double wall = db_now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (!c->o->quiet)
        fprintf(stderr, "%zu system points; evaluation %.2f s (%d threads), SQLite writing %.2f s "
                "(%.0f%% of %.2f s); peak RSS %.0f MiB\n", w.systems_written, eval_s, c->o->threads, w.busy_s,
                wall > 0 ? 100 * w.busy_s / wall : 0, wall, ru.ru_maxrss / 1024.0);
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    return rc;
}

/* ---- database: fresh start or resume ------------------------------------- */

/* The run recorded in db (shown as path) is this sweep's, shard and inputs
 * unchanged: EXIT_OK, else the refusal is printed. */
static int check_resume(const sweep_ctx_t *c, sqlite3 *db, const char *path, const char *shard)
{
    sweep_run_rec_t run;
    if (sweep_store_run(db, 1, &run)) {
        fprintf(stderr, "hwsweep: %s: not a database of this sweep (no sweep run recorded); run without "
                "--resume to start over\n", path);
        return EXIT_BADINPUT;
    }
    if (!run.has_sweep || strcmp(run.sweep, c->sw.name) || !run.has_shard || strcmp(run.shard, shard)) {
        fprintf(stderr, "hwsweep: %s belongs to sweep '%s' shard %s, not '%s' shard %s\n", path,
                run.has_sweep ? run.sweep : "?", run.has_shard ? run.shard : "?", c->sw.name, shard);
        return EXIT_BADINPUT;
    }
    if (run.has_fingerprint && strcmp(run.fingerprint, c->sw.fingerprint) == 0)
        return EXIT_OK;
    for (size_t i = 0; i < c->sw.n_inputs; i++) {
        char old[65];
        db_run_input_sha(db, c->sw.inputs[i].path, old);
        if (strcmp(old, c->sw.inputs[i].sha256) != 0) {
            fprintf(stderr, "hwsweep: cannot resume: %s %s %s since the interrupted run; run without "
                    "--resume to start over\n", c->sw.inputs[i].role, c->sw.inputs[i].path,
                    old[0] ? "changed" : "was not read");
            break;
        }
        if (i + 1 == c->sw.n_inputs)
            fprintf(stderr, "hwsweep: cannot resume: the sweep reads other files than the interrupted run; "
                    "run without --resume to start over\n");
    }
    return EXIT_BADINPUT;
}

typedef struct {
    unsigned char *done;
    int64_t n;
} done_set_t;

static void mark_done(void *ctx, int64_t id)
{
    done_set_t *d = ctx;
    if (id >= 0 && id < d->n)
        d->done[id >> 3] |= (unsigned char)(1u << (id & 7));
}

static int load_done(sweep_ctx_t *c)
{
    c->done = calloc((size_t)(c->n_servers_total / 8 + 1), 1);
    if (!c->done)
        return -1;
    done_set_t d = {c->done, c->n_servers_total};
    return sweep_store_server_ids(c->db, mark_done, &d);
}

/* --resume without a partial database: a finished one of the same sweep
 * and inputs is complete already (EXIT_COMPLETE), a different one refused. */
#define EXIT_COMPLETE (-1)
static int resume_finished(const sweep_ctx_t *c, const char *shard)
{
    char err[DB_ERR_MAX];
    sqlite3 *db = db_open_readonly(c->final_path, err, sizeof err);
    if (!db) {
        fprintf(stderr, "hwsweep: %s\n", err);
        return EXIT_FAIL;
    }
    int rc = check_resume(c, db, c->final_path, shard);
    db_close(db);
    if (rc == EXIT_OK) {
        if (!c->o->quiet)
            fprintf(stderr, "hwsweep: %s is complete: nothing to resume\n", c->final_path);
        return EXIT_COMPLETE;
    }
    return rc;
}

/* The writer lock first; then the partial database NAME.db.partial, fresh
 * or resumed.  The finished NAME.db is not touched until the new one is
 * complete (see finish). */
static int open_db(sweep_ctx_t *c, char *shard)
{
    char dir[4096], err[DB_ERR_MAX];
    int bad = 0;
    snprintf(dir, sizeof dir, "%s/sweeps", c->o->outdir);
    if (job_mkdirs(dir)) {
        fprintf(stderr, "hwsweep: cannot create %s: %s\n", dir, strerror(errno));
        return EXIT_BADINPUT;
    }
    sweep_db_path(c->o->outdir, c->sw.name, c->o->shard_i, c->o->shard_n, c->final_path, sizeof c->final_path);
    snprintf(c->db_path, sizeof c->db_path, "%s.partial", c->final_path);
    if (c->o->scratch_dir && c->o->scratch_dir[0]) {   /* the database lives in node-local scratch */
        if (scratch_init(&c->scr, c->o->scratch_dir, c->final_path, c->o->publish_every_s, err, sizeof err)) {
            fprintf(stderr, "hwsweep: %s\n", err);
            return EXIT_BADINPUT;
        }
        snprintf(c->db_path, sizeof c->db_path, "%s", c->scr.work);
    }
    c->lock_fd = out_lock_take(c->scr.on ? c->scr.lock : c->final_path, &bad, err, sizeof err);
    if (c->lock_fd < 0) {
        fprintf(stderr, "hwsweep: %s\n", err);
        return bad ? EXIT_BADINPUT : EXIT_FAIL;
    }
    if (c->scr.on && c->o->resume && scratch_fetch(&c->scr, c->o->quiet, err, sizeof err)) {
        fprintf(stderr, "hwsweep: %s\n", err);
        return EXIT_FAIL;
    }
    bool partial = access(c->db_path, F_OK) == 0, finished = access(c->final_path, F_OK) == 0;
    bool resume = c->o->resume && partial;
    if (c->o->resume && !partial && finished)
        return resume_finished(c, shard);
    if (c->o->resume && !partial && !c->o->quiet)
        fprintf(stderr, "hwsweep: %s does not exist yet: starting the sweep\n", c->db_path);
    if (resume && !db_has_run(c->db_path, "run")) {
        /* killed before it recorded its run: nothing in it to keep */
        if (!c->o->quiet)
            fprintf(stderr, "hwsweep: %s holds no finished chunk: starting the sweep\n", c->db_path);
        resume = false;
    }
    if (!resume)
        db_remove(c->db_path);   /* a stale partial run of a plain rerun (we hold the lock) */
    c->db = db_open(c->db_path, err, sizeof err);
    /* the views read the ranking tables, which each chunk's transaction
     * keeps up to date (rank_store.c): nothing to build at the end, and the
     * partial database answers them as fast as a finished one */
    if (!c->db || db_use_wal(c->db, err, sizeof err) || sw_store_points_view(c->db, 1, err, sizeof err)) {
        fprintf(stderr, "hwsweep: %s\n", err);
        return EXIT_FAIL;
    }
    c->resumed = resume;
    if (resume) {
        int rc = check_resume(c, c->db, c->db_path, shard);
        /* runs that never finished were killed: we hold the lock now */
        if (rc == EXIT_OK && sweep_store_mark_killed(c->db, err, sizeof err))
            rc = EXIT_FAIL;
        return rc;
    }
    return EXIT_OK;
}

/* A finished run: rollback-journal mode, then renamed over NAME.db in one
 * step (readers of the old file keep it until they close it). */
static int publish(sweep_ctx_t *c, char *err, size_t errlen)
{
    if (db_finish_journal(c->db, err, errlen))
        return -1;
    db_close(c->db);
    c->db = NULL;
    if (c->scr.on)   /* copied beside the target, fsync'ed, renamed over it */
        return scratch_publish(&c->scr, c->final_path, true, err, errlen);
    db_remove_journal(c->final_path);
    if (rename(c->db_path, c->final_path)) {
        snprintf(err, errlen, "cannot rename it to NAME.db: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* The hardware CSVs of a finished run, read in two halves (the valid
 * servers before and from the median one) on two more connections and
 * threads while the first connection checkpoints the WAL (WAL readers: the
 * servers are all committed and not changed again), the second half then
 * appended to the first; they are renamed into place only once the
 * database is published.  On 2 cores the tail of bench/big.yaml's run was
 * the one CSV thread's (0.75 s of CPU for 131,222 rows). */
typedef struct {
    const char *path, *prefix;
    int64_t lo, hi;
    int part;
    store_hw_csvs_t csvs;
    int rc;
    char err[DB_ERR_MAX];
} csv_job_t;

static void *csv_main(void *arg)
{
    csv_job_t *j = arg;
    sqlite3 *db = db_open_readonly(j->path, j->err, sizeof j->err);
    j->rc = !db || store_hw_csvs_write_part(db, j->prefix, j->lo, j->hi, j->part, &j->csvs, j->err, sizeof j->err) ? -1
                                                                                                                  : 0;
    db_close(db);
    return NULL;
}

static int finish(sweep_ctx_t *c, int rc)
{
    char err[DB_ERR_MAX] = "", prefix[4200];
    bool csvs = rc == EXIT_OK && c->o->shard_n == 1, csv_thread[2] = {false, false};
    int64_t mid = INT64_MAX;
    csv_job_t job[2] = {{c->db_path, prefix, INT64_MIN, INT64_MAX, 0, {NULL, 0}, 0, ""},
                        {c->db_path, prefix, INT64_MAX, INT64_MAX, 1, {NULL, 0}, 0, ""}};
    pthread_t csv_th[2];
    if (csvs) {
        snprintf(prefix, sizeof prefix, "%s/sweeps/%s", c->o->outdir, c->sw.name);
        if (store_hw_csvs_split_id(c->db, &mid) == 0)   /* else one part: all rows */
            job[0].hi = job[1].lo = mid;
        for (int k = 0; k < 2; k++)
            csv_thread[k] = pthread_create(&csv_th[k], NULL, csv_main, &job[k]) == 0;
    }
    /* a fresh single run's writer numbered the server rows (run_points); a
     * resumed one's are numbered here, the earlier attempts' servers included */
    if (rc == EXIT_OK && c->o->shard_n == 1 && c->resumed &&
        (store_begin(c->db, err, sizeof err) || store_server_rows(c->db, err, sizeof err) ||
         store_commit(c->db, err, sizeof err))) {
        fprintf(stderr, "hwsweep: %s: %s\n", c->db_path, err);
        rc = EXIT_FAIL;
    }
    bool stopped = rc == EXIT_INTERRUPTED || rc == SWEEP_EXIT_CHECKPOINT;
    const char *status = rc == EXIT_OK ? "done" : stopped ? "interrupted" : "failed";
    if (c->run_id > 0 && db_run_finish(c->db, c->run_id, status, err, sizeof err)) {
        fprintf(stderr, "hwsweep: %s\n", err);
        rc = rc == EXIT_OK ? EXIT_FAIL : rc;
    }
    if ((csv_thread[0] || csv_thread[1]) && rc == EXIT_OK)   /* the WAL copied back while the CSVs are read: publish has less to do */
        db_checkpoint(c->db);
    /* the invalid points counted meanwhile too, on this connection (printed at the end) */
    invalid_summary_t invalid = {.ok = 0};
    if (csvs && rc == EXIT_OK)
        job_invalid_collect(c->db, c->o->quiet, &invalid);
    for (int k = 0; k < 2; k++) {
        if (csv_thread[k])
            pthread_join(csv_th[k], NULL);   /* leaving WAL (publish) needs the only connection */
        else if (csvs && rc == EXIT_OK)
            csv_main(&job[k]);
        if (csvs && rc == EXIT_OK && job[k].rc) {
            fprintf(stderr, "hwsweep: %s: %s\n", c->db_path, job[k].err);
            rc = EXIT_FAIL;
        }
    }
    if (csvs && rc == EXIT_OK && store_hw_csvs_append(&job[0].csvs, &job[1].csvs, err, sizeof err)) {
        fprintf(stderr, "hwsweep: %s: %s\n", c->db_path, err);
        rc = EXIT_FAIL;
    }
    if (csvs)
        store_hw_csvs_abort(&job[1].csvs);   /* whatever is left of the second half */
    if (rc == EXIT_OK && publish(c, err, sizeof err)) {
        fprintf(stderr, "hwsweep: %s: %s\n", c->db_path, err);
        rc = EXIT_FAIL;
    }
    if (csvs && rc == EXIT_OK) {
        if (store_hw_csvs_commit(&job[0].csvs, c->o->quiet, err, sizeof err)) {
            fprintf(stderr, "hwsweep: %s: %s\n", c->final_path, err);
            rc = EXIT_FAIL;
        }
    } else if (csvs) {
        store_hw_csvs_abort(&job[0].csvs);
    }
    const char *saved = c->db_path;
    if (stopped && c->scr.on) {   /* the checkpoint goes to the shared folder: a requeue may run elsewhere */
        if (scratch_checkpoint(&c->scr, &c->db, c->final_path, err, sizeof err)) {
            fprintf(stderr, "hwsweep: publishing the checkpoint %s: %s\n", c->scr.published, err);
            rc = EXIT_FAIL;
        }
        saved = c->scr.published;
    }
    if (rc == EXIT_INTERRUPTED || rc == SWEEP_EXIT_CHECKPOINT) {
        fprintf(stderr, "hwsweep: %s; every finished chunk is saved in %s\n"
                "resume with: hwsweep run --resume", rc == EXIT_INTERRUPTED ? "interrupted" : "checkpointed",
                saved);
        if (strcmp(c->o->outdir, "outputs"))
            fprintf(stderr, " -o %s", c->o->outdir);
        if (c->o->shard_n > 1)
            fprintf(stderr, " --shard %d/%d", c->o->shard_i, c->o->shard_n);
        fprintf(stderr, " %s\n", c->sw.path);
    } else if (rc == EXIT_OK && !c->o->quiet) {
        printf("wrote %s\n", c->final_path);
    }
    if (rc == EXIT_OK && c->o->shard_n == 1)
        job_invalid_print(c->final_path, &invalid);
    return rc;
}

static void ctx_free(sweep_ctx_t *c)
{
    for (size_t u = 0; c->units && u < c->sw.n_units; u++) {
        hw_points_free(&c->units[u].hp);
        free(c->units[u].valid_pkg);
    }
    free(c->units);
    free(c->refs);
    free(c->done);
    free(c->hs_keys);
    if (c->db)
        db_close(c->db);
    out_lock_release(c->lock_fd);
    sweep_free(&c->sw);
}

static int start_run(sweep_ctx_t *c, const char *shard, double t0)
{
    char err[DB_ERR_MAX];
    run_input_t *in = calloc(c->sw.n_inputs, sizeof *in);
    if (!in)
        return EXIT_FAIL;
    for (size_t i = 0; i < c->sw.n_inputs; i++)
        in[i] = (run_input_t){c->sw.inputs[i].role, c->sw.inputs[i].path};
    run_info_t run = {.kind = "run", .command = c->o->command, .threads = c->o->threads, .inputs = in,
                      .n_inputs = c->sw.n_inputs, .started_at = t0, .sweep = c->sw.name,
                      .fingerprint = c->sw.fingerprint, .shard = shard};
    c->run_id = db_save_inputs(c->db, in, c->sw.n_inputs, err, sizeof err) ? -1
                                                                             : db_run_start(c->db, &run, err, sizeof err);
    free(in);
    if (c->run_id < 0) {
        fprintf(stderr, "hwsweep: %s\n", err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int hardware_phase(sweep_ctx_t *c)
{
    char err[DB_ERR_MAX];
    progress_t p;
    size_t n_chips = 0;
    for (size_t u = 0; u < c->sw.n_units; u++)
        n_chips += c->sw.units[u].cfg.n_chips;
    progress_start(&p, "chips and packages", n_chips, c->o->quiet);
    c->units = calloc(c->sw.n_units, sizeof *c->units);
    if (!c->units || eval_parts(c)) {
        fprintf(stderr, "hwsweep: out of memory\n");
        return EXIT_FAIL;
    }
    size_t valid = 0;
    for (size_t u = 0; u < c->sw.n_units; u++)
        for (size_t i = 0; i < c->units[u].hp.n_chips; i++)
            valid += c->units[u].hp.chips[i].valid;
    progress_add(&p, n_chips, valid);
    progress_end(&p);
    if (c->db && write_parts(c, err, sizeof err)) {
        fprintf(stderr, "hwsweep: %s: %s\n", c->db_path, err);
        return EXIT_FAIL;
    }
    if (c->o->resume && load_done(c)) {
        fprintf(stderr, "hwsweep: %s: cannot read the stored servers\n", c->db_path);
        return EXIT_FAIL;
    }
    progress_start(&p, "heat sink searches", 0, c->o->quiet);
    if (build_heatsinks(c)) {
        fprintf(stderr, "hwsweep: out of memory\n");
        return EXIT_FAIL;
    }
    size_t ok = 0;
    for (size_t i = 0; i < c->hs.n; i++)
        ok += c->hs.keys[i].hs.valid;
    p.total = c->hs.n;
    progress_add(&p, c->hs.n, ok);
    progress_end(&p);
    return EXIT_OK;
}

static int sweep_run_body(const sweep_opts_t *o)
{
    double t0 = db_now();
    sweep_ctx_t c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.lock_fd = -1;
    cfg_err_t cerr;
    sweep_limits_t lim = {(o->max_memory_mib > 0 ? o->max_memory_mib : SWEEP_DEFAULT_MAX_MEMORY_MIB) * 1048576.0,
                          o->yes, o->quiet};
    if (sweep_load_sized(o->sweep_path, &lim, &c.sw, &cerr)) {
        fprintf(stderr, "%s\n", cerr.msg);
        return EXIT_BADINPUT;
    }
    char shard[32];
    snprintf(shard, sizeof shard, "%d/%d", o->shard_i, o->shard_n);
    int rc = o->dry_run ? EXIT_OK : open_db(&c, shard);
    if (rc == EXIT_COMPLETE) {
        ctx_free(&c);
        return EXIT_OK;
    }
    if (rc == EXIT_OK && !o->dry_run)
        rc = start_run(&c, shard, t0);
    if (rc == EXIT_OK)
        rc = hardware_phase(&c);
    if (rc == EXIT_OK) {
        interrupt_saved_t saved;
        interrupt_begin(&saved);
        rc = run_points(&c);
        interrupt_end(&saved);
        if (rc == EXIT_INTERRUPTED && interrupt_checkpoint_requested())
            rc = SWEEP_EXIT_CHECKPOINT;
    }
    if (c.db)
        rc = finish(&c, rc);
    ctx_free(&c);
    return rc;
}

int sweep_run(const sweep_opts_t *o)
{
    /* SIGUSR1 (Slurm's warning before the time limit) may come at any
     * moment: from here on it only asks for a checkpoint, which the points
     * phase takes before its first chunk when it came earlier */
    struct sigaction old_usr1;
    interrupt_checkpoint_begin(&old_usr1);
    int rc = sweep_run_body(o);
    interrupt_checkpoint_end(&old_usr1);
    return rc;
}

/*
 * npu_perf.c -- the per-operator performance model (see npu_perf.h; spec
 * §6): compute times, the HBM tiling search, memory / vmem / ICI times,
 * execution time, bound and utilisations.
 */
#include "npu/npu_perf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/strfmt.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

/* ---- compute-time helpers (§6.2) ----------------------------------------------- */

/* MXU time of n sa x sa x sa block products: a 100-cycle push/matmul/pop
 * pipeline fill, then sa cycles per block per systolic array. */
static double mxu_time_ns(const npu_chip_t *c, double n)
{
    double ii = c->sa_dim / 128.0 * 100;
    double a = ceil(ii / c->freq_GHz);
    double b = ceil((n + 2) * c->sa_dim / c->num_sa / c->freq_GHz);
    double t = a > b ? a : b;
    return t > 1 ? t : 1;
}

/* VPU time of n vector ops, one per cycle per VU (truncated to ns, >= 1). */
static double vpu_time_ns(const npu_chip_t *c, double n)
{
    double t = trunc(ceil(n / c->num_vu) / c->freq_GHz);
    return t > 1 ? t : 1;
}

static double vu_ops_per_mxu_op(const npu_chip_t *c) { return ceil(c->sa_dim / 128.0 * 8 * 2); }

static double cdiv_f(double a, double b) { return ceil(a / b); }

/* ---- einsum axes --------------------------------------------------------------- */

typedef struct {
    int64_t b, m, n, k;
    /* axis positions: for each lhs/rhs/out axis, its class: 0 batch, 1 reduction, 2 lhs free, 3 rhs free */
    int cls_l[OP_MAX_RANK], cls_r[OP_MAX_RANK], cls_o[OP_MAX_RANK];
    const char *el, *er, *eo; /* letters */
    int rl, rr, ro;
} mm_axes_t;

static bool has(const char *s, int n, char c)
{
    for (int i = 0; i < n; i++)
        if (s[i] == c)
            return true;
    return false;
}

static bool mm_axes(const op_t *op, mm_axes_t *x)
{
    memset(x, 0, sizeof *x);
    const char *e = op->einsum;
    if (!e)
        return false;
    const char *semi = strchr(e, ';'), *arrow = strstr(e, "->");
    if (!semi || !arrow)
        return false;
    x->el = e;
    x->rl = (int)(semi - e);
    x->er = semi + 1;
    x->rr = (int)(arrow - semi - 1);
    x->eo = arrow + 2;
    x->ro = (int)strlen(arrow + 2);
    if (x->rl != op->in[0].rank || x->rr != op->in[1].rank)
        return false;
    x->b = x->m = x->n = x->k = 1;
    for (int i = 0; i < x->rl; i++) {
        char c = x->el[i];
        bool inr = has(x->er, x->rr, c), ino = has(x->eo, x->ro, c);
        int cls = inr && ino ? 0 : inr ? 1 : 2;
        x->cls_l[i] = cls;
        int64_t s = op->in[0].dim[i];
        if (cls == 0)
            x->b *= s;
        else if (cls == 1)
            x->k *= s;
        else
            x->m *= s;
    }
    for (int i = 0; i < x->rr; i++) {
        char c = x->er[i];
        bool inl = has(x->el, x->rl, c), ino = has(x->eo, x->ro, c);
        int cls = inl && ino ? 0 : inl ? 1 : 3;
        x->cls_r[i] = cls;
        if (cls == 3)
            x->n *= op->in[1].dim[i];
    }
    for (int i = 0; i < x->ro; i++) {
        char c = x->eo[i];
        bool inl = has(x->el, x->rl, c), inr = has(x->er, x->rr, c);
        x->cls_o[i] = inl && inr ? 0 : inl ? 2 : 3;
    }
    return true;
}

/* ---- divisor lists ------------------------------------------------------------- */

typedef struct {
    int64_t *d;
    size_t n;
} divs_t;

static bool divisors(int64_t v, divs_t *out)
{
    size_t cap = 64, n = 0;
    int64_t *lo = malloc(cap * sizeof *lo), *hi = malloc(cap * sizeof *hi);
    size_t nh = 0;
    if (!lo || !hi) {
        free(lo);
        free(hi);
        return false;
    }
    for (int64_t i = 1; i * i <= v; i++) {
        if (v % i)
            continue;
        if (n == cap || nh == cap) {
            cap *= 2;
            int64_t *a = realloc(lo, cap * sizeof *a), *b = a ? realloc(hi, cap * sizeof *b) : NULL;
            if (!a || !b) {
                free(a ? a : lo);
                free(b ? b : hi);
                return false;
            }
            lo = a;
            hi = b;
        }
        lo[n++] = i;
        if (i != v / i)
            hi[nh++] = v / i;
    }
    int64_t *all = realloc(lo, (n + nh) * sizeof *all);
    if (!all) {
        free(lo);
        free(hi);
        return false;
    }
    for (size_t i = 0; i < nh; i++)
        all[n + i] = hi[nh - 1 - i];
    free(hi);
    out->d = all;
    out->n = n + nh;
    return true;
}

/* ---- the tile search (§6.3) ---------------------------------------------------- */

typedef struct {
    int64_t b, m, n, k;
    int l, r, o, sa;
    double vmem, freq, bw;
} tile_key_t;

typedef struct {
    tile_key_t key;
    int64_t M, N, K;
    bool ok, used;
} tile_entry_t;

typedef struct {
    npu_conv_key_t key;
    npu_conv_tile_t v;
    bool used;
} conv_entry_t;

struct npu_tile_cache {
    tile_entry_t *e;
    size_t cap, n;
    uint64_t lookups, hits;
    conv_entry_t *ce;       /* Conv2D tile searches (npu_perf_conv.c) */
    size_t ccap, cn;
};

npu_tile_cache_t *npu_tile_cache_new(void) { return calloc(1, sizeof(npu_tile_cache_t)); }

void npu_tile_cache_free(npu_tile_cache_t *c)
{
    if (c) {
        free(c->e);
        free(c->ce);
    }
    free(c);
}

void npu_tile_cache_stats(const npu_tile_cache_t *c, uint64_t *lookups, uint64_t *hits)
{
    *lookups = c ? c->lookups : 0;
    *hits = c ? c->hits : 0;
}

/* FNV-1a of a key's bytes (keys hold no padding) */
static uint64_t bytes_hash(const void *k, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    const unsigned char *p = k;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static uint64_t key_hash(const tile_key_t *k) { return bytes_hash(k, sizeof *k); }

static tile_entry_t *cache_slot(npu_tile_cache_t *c, const tile_key_t *k)
{
    if (c->n * 2 >= c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 256;
        tile_entry_t *ne = calloc(nc, sizeof *ne);
        if (!ne)
            return NULL;
        for (size_t i = 0; i < c->cap; i++)
            if (c->e[i].used) {
                size_t j = key_hash(&c->e[i].key) & (nc - 1);
                while (ne[j].used)
                    j = (j + 1) & (nc - 1);
                ne[j] = c->e[i];
            }
        free(c->e);
        c->e = ne;
        c->cap = nc;
    }
    size_t j = key_hash(k) & (c->cap - 1);
    while (c->e[j].used && memcmp(&c->e[j].key, k, sizeof *k) != 0)
        j = (j + 1) & (c->cap - 1);
    return &c->e[j];
}

/* the slot of k (found, or the free one it goes to); NULL when the table cannot grow */
static conv_entry_t *conv_slot(npu_tile_cache_t *c, const npu_conv_key_t *k)
{
    if (c->cn * 2 >= c->ccap) {
        size_t nc = c->ccap ? c->ccap * 2 : 64;
        conv_entry_t *ne = calloc(nc, sizeof *ne);
        if (!ne)
            return NULL;
        for (size_t i = 0; i < c->ccap; i++)
            if (c->ce[i].used) {
                size_t j = bytes_hash(&c->ce[i].key, sizeof c->ce[i].key) & (nc - 1);
                while (ne[j].used)
                    j = (j + 1) & (nc - 1);
                ne[j] = c->ce[i];
            }
        free(c->ce);
        c->ce = ne;
        c->ccap = nc;
    }
    size_t j = bytes_hash(k, sizeof *k) & (c->ccap - 1);
    while (c->ce[j].used && memcmp(&c->ce[j].key, k, sizeof *k) != 0)
        j = (j + 1) & (c->ccap - 1);
    return &c->ce[j];
}

bool npu_tile_cache_conv_find(npu_tile_cache_t *cache, const npu_conv_key_t *k, npu_conv_tile_t *out)
{
    if (!cache)
        return false;
    cache->lookups++;
    conv_entry_t *e = conv_slot(cache, k);
    if (!e || !e->used)
        return false;
    cache->hits++;
    *out = e->v;
    return true;
}

void npu_tile_cache_conv_put(npu_tile_cache_t *cache, const npu_conv_key_t *k, const npu_conv_tile_t *v)
{
    conv_entry_t *e = cache ? conv_slot(cache, k) : NULL;
    if (!e || e->used)
        return;
    e->key = *k;
    e->v = *v;
    e->used = true;
    cache->cn++;
}

static double tile_ops(int64_t M, int64_t N, int64_t K, int sa)
{
    double v = cdiv_f((double)M, sa) * cdiv_f((double)N, sa) * cdiv_f((double)K, sa);
    return v > 3 ? v : 3;
}

static double tile_hbm(const tile_key_t *t, int64_t M, int64_t N)
{
    double mn = (double)t->m * (double)t->n, kmn = mn * (double)t->k;
    return (double)t->b * (mn * t->o + trunc(ceil(kmn / (double)N) * t->l) + trunc(ceil(kmn / (double)M) * t->r));
}

static double tile_mem_cycles(const tile_key_t *t, double hbm) { return hbm / (t->bw * GIB / (1e9 * t->freq)); }

/* is candidate a (mem, ops, tile) at least as good as b under NeuSim's key
 * (-mem, 0, ops, -hbm, -tile) maximised, later enumeration winning ties? */
static bool key_ge(double mem_a, double ops_a, double hbm_a, double tile_a, double mem_b, double ops_b,
                   double hbm_b, double tile_b)
{
    if (mem_a != mem_b)
        return mem_a < mem_b;
    if (ops_a != ops_b)
        return ops_a > ops_b;
    if (hbm_a != hbm_b)
        return hbm_a < hbm_b;
    return tile_a <= tile_b;
}

/* NeuSim's search, same answer as the full enumeration
 * (npu_best_matmul_tile_bruteforce, checked by test_npu):
 * 1. per (M, N) the largest K that fits gives the most MXU ops, maxops;
 *    the fit is monotone in K and in N, so for each M a pointer walks K
 *    down as N grows (no search per pair);
 * 2. candidates are the (M, N) with maxops over the threshold; the key
 *    is (memory time, -ops, HBM bytes, tile bytes), smallest first, the
 *    later enumerated winning a full tie.  The memory time depends on
 *    (M, N) only and does not increase with N, so in each row M only the
 *    largest passing N and the N of equal memory time can be the best of
 *    all (any other has a strictly larger memory time than one of the
 *    same row): only those are evaluated, in enumeration order. */
static bool search_fast(const tile_key_t *t, int64_t *bM, int64_t *bN, int64_t *bK)
{
    divs_t dm, dn, dk;
    if (!divisors(t->m, &dm))
        return false;
    if (!divisors(t->n, &dn)) {
        free(dm.d);
        return false;
    }
    if (!divisors(t->k, &dk)) {
        free(dm.d);
        free(dn.d);
        return false;
    }
    size_t np = dm.n * dn.n;
    double *maxops = malloc(np * sizeof *maxops);
    size_t *kmax = malloc(np * sizeof *kmax);
    /* ceil(d / sa) of every divisor, the factors of tile_ops */
    double *cm = malloc((dm.n + dn.n + dk.n) * sizeof *cm), *cn = cm ? cm + dm.n : NULL, *ck = cm ? cn + dn.n : NULL;
    bool ok = false;
    if (maxops && kmax && cm) {
        double sa = t->sa;
        for (size_t i = 0; i < dm.n; i++)
            cm[i] = cdiv_f((double)dm.d[i], sa);
        for (size_t j = 0; j < dn.n; j++)
            cn[j] = cdiv_f((double)dn.d[j], sa);
        for (size_t q = 0; q < dk.n; q++)
            ck[q] = cdiv_f((double)dk.d[q], sa);
        double G = 0;
        for (size_t i = 0; i < dm.n; i++) {
            size_t q = dk.n; /* one past the largest K that fits (non-increasing in N) */
            double M = (double)dm.d[i];
            for (size_t j = 0; j < dn.n; j++) {
                size_t p = i * dn.n + j;
                double N = (double)dn.d[j];
                double base = M * N * t->o, per = M * t->l + N * t->r;
                while (q > 0 && base + per * (double)dk.d[q - 1] > t->vmem)
                    q--;
                if (q == 0) {
                    for (; j < dn.n; j++)
                        maxops[i * dn.n + j] = -1;
                    break;
                }
                kmax[p] = q - 1;
                double v = cm[i] * cn[j] * ck[q - 1];
                maxops[p] = v > 3 ? v : 3; /* tile_ops */
                if (maxops[p] > G)
                    G = maxops[p];
            }
        }
        if (G > 0) {
            double thr = G - 1 < 10 ? G - 1 : 10; /* NeuSim relaxes 10, 9, ... until a candidate passes */
            double bmem = 0, bops = 0, bhbm = 0, btile = 0;
            for (size_t i = 0; i < dm.n; i++) {
                size_t top = dn.n;
                while (top > 0 && !(maxops[i * dn.n + top - 1] > thr))
                    top--;
                if (top == 0)
                    continue;
                int64_t M = dm.d[i];
                double m0 = tile_mem_cycles(t, tile_hbm(t, M, dn.d[top - 1]));
                size_t lo = top - 1;
                while (lo > 0 && tile_mem_cycles(t, tile_hbm(t, M, dn.d[lo - 1])) == m0)
                    lo--;
                for (size_t j = lo; j < top; j++) {
                    size_t p = i * dn.n + j;
                    if (!(maxops[p] > thr))
                        continue;
                    int64_t N = dn.d[j];
                    /* smallest K with the same op count: least VMEM */
                    size_t a = 0, z = kmax[p];
                    while (a < z) {
                        size_t mid = (a + z) / 2;
                        if (tile_ops(M, N, dk.d[mid], t->sa) >= maxops[p])
                            z = mid;
                        else
                            a = mid + 1;
                    }
                    int64_t K = dk.d[a];
                    double hbm = tile_hbm(t, M, N), mem = tile_mem_cycles(t, hbm);
                    double tile = (double)M * N * t->o + (double)M * K * t->l + (double)K * N * t->r;
                    if (!ok || key_ge(mem, maxops[p], hbm, tile, bmem, bops, bhbm, btile)) {
                        ok = true;
                        bmem = mem;
                        bops = maxops[p];
                        bhbm = hbm;
                        btile = tile;
                        *bM = M;
                        *bN = N;
                        *bK = K;
                    }
                }
            }
        }
    }
    free(cm);
    free(maxops);
    free(kmax);
    free(dm.d);
    free(dn.d);
    free(dk.d);
    return ok;
}

static void fill_key(tile_key_t *t, const npu_chip_t *c, int64_t b, int64_t m, int64_t n, int64_t k, int l, int r,
                     int o)
{
    memset(t, 0, sizeof *t);
    t->b = b;
    t->m = m;
    t->n = n;
    t->k = k;
    t->l = l;
    t->r = r;
    t->o = o;
    t->sa = c->sa_dim;
    t->vmem = c->vmem_size_MB * 1024 * 1024;
    t->freq = c->freq_GHz;
    t->bw = c->hbm_bw_GBps;
}

bool npu_best_matmul_tile(const npu_chip_t *chip, int64_t b, int64_t m, int64_t n, int64_t k, int l, int r, int o,
                          npu_tile_cache_t *cache, int64_t *M, int64_t *N, int64_t *K)
{
    tile_key_t t;
    fill_key(&t, chip, b, m, n, k, l, r, o);
    tile_entry_t *e = NULL;
    if (cache) {
        cache->lookups++;
        e = cache_slot(cache, &t);
        if (e && e->used) {
            cache->hits++;
            *M = e->M;
            *N = e->N;
            *K = e->K;
            return e->ok;
        }
    }
    bool ok = search_fast(&t, M, N, K);
    if (e) {
        e->key = t;
        e->used = true;
        e->ok = ok;
        e->M = *M;
        e->N = *N;
        e->K = *K;
        cache->n++;
    }
    return ok;
}

bool npu_best_matmul_tile_bruteforce(const npu_chip_t *chip, int64_t b, int64_t m, int64_t n, int64_t k, int l,
                                     int r, int o, int64_t *bM, int64_t *bN, int64_t *bK)
{
    tile_key_t t;
    fill_key(&t, chip, b, m, n, k, l, r, o);
    divs_t dm, dn, dk;
    if (!divisors(m, &dm) || !divisors(n, &dn) || !divisors(k, &dk))
        return false;
    bool found = false;
    for (int thr = 10; thr >= 1 && !found; thr--) {
        double bmem = 0, bops = 0, bhbm = 0, btile = 0;
        for (size_t i = 0; i < dm.n; i++)
            for (size_t j = 0; j < dn.n; j++)
                for (size_t q = 0; q < dk.n; q++) {
                    int64_t M = dm.d[i], N = dn.d[j], K = dk.d[q];
                    double ops = tile_ops(M, N, K, t.sa);
                    double tile = (double)M * N * o + (double)M * K * l + (double)K * N * r;
                    if (!(ops > thr && tile <= t.vmem))
                        continue;
                    double hbm = tile_hbm(&t, M, N), mem = tile_mem_cycles(&t, hbm);
                    if (!found || key_ge(mem, ops, hbm, tile, bmem, bops, bhbm, btile)) {
                        found = true;
                        bmem = mem;
                        bops = ops;
                        bhbm = hbm;
                        btile = tile;
                        *bM = M;
                        *bN = N;
                        *bK = K;
                    }
                }
    }
    free(dm.d);
    free(dn.d);
    free(dk.d);
    return found;
}

/* ---- tile shapes per axis ------------------------------------------------------ */

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* NeuSim's split_axes: split `split` over the axes of class cls of one
 * tensor (largest axis first, stable), copying each tile size to the
 * same-named axis of the other tensor. */
static void split_axes(const char *letters, const int64_t *dims, int rank, const int *cls, int want,
                       int64_t *tile, int64_t split, const char *oletters, int orank, int64_t *otile)
{
    int idx[OP_MAX_RANK], n = 0;
    for (int i = 0; i < rank; i++)
        if (cls[i] == want)
            idx[n++] = i;
    /* stable sort by size, descending */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && dims[idx[j]] > dims[idx[j - 1]]; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    for (int a = 0; a < n; a++) {
        int i = idx[a];
        int64_t g = gcd64(dims[i], split);
        tile[i] = dims[i] / g;
        for (int j = 0; j < orank; j++)
            if (oletters[j] == letters[i]) {
                otile[j] = tile[i];
                break;
            }
        split /= g;
    }
}

/* "[1, 4096, 4096]" */
static void list_str(str_buf_t *b, const int64_t *d, int n)
{
    str_put_n(b, "[", 1);
    for (int i = 0; i < n; i++) {
        if (i)
            str_put_n(b, ", ", 2);
        str_put_i64(b, d[i]);
    }
    str_put_n(b, "]", 1);
}

/* ---- per-op models ------------------------------------------------------------- */

static void matmul(const npu_chip_t *c, const op_t *op, npu_tile_cache_t *cache, npu_op_perf_t *p,
                   npu_op_detail_t *d)
{
    mm_axes_t x;
    if (!mm_axes(op, &x))
        return;
    double sa = c->sa_dim;
    double n_mxu = (double)x.b * cdiv_f((double)x.m, sa) * cdiv_f((double)x.n, sa) * cdiv_f((double)x.k, sa);
    double mxu_on_mxu = mxu_time_ns(c, n_mxu), vpu_on_mxu = vpu_time_ns(c, n_mxu * vu_ops_per_mxu_op(c));
    double m = (double)x.m, n = (double)x.n, k = (double)x.k;
    double a1 = cdiv_f(m, 8) * cdiv_f(n, 128) * cdiv_f(k, 8), a2 = cdiv_f(m, 128) * cdiv_f(n, 8) * cdiv_f(k, 8),
           a3 = cdiv_f(m, 8) * cdiv_f(n, 8) * cdiv_f(k, 128);
    double mn = a1 < a2 ? a1 : a2;
    mn = mn < a3 ? mn : a3;
    double vpu_on_vpu = vpu_time_ns(c, (double)x.b * mn * 2);
    double on_mxu = mxu_on_mxu > vpu_on_mxu ? mxu_on_mxu : vpu_on_mxu;
    if (!c->use_vu_for_small_matmul || on_mxu <= 4 * vpu_on_vpu) {
        p->mxu_time_ns = mxu_on_mxu;
        p->vpu_time_ns = vpu_on_mxu;
    } else {
        p->mxu_time_ns = 0;
        p->vpu_time_ns = vpu_on_vpu;
    }
    p->num_mxu_ops = n_mxu;
    d->has_einsum_sizes = true;
    d->einsum_B = x.b;
    d->einsum_M = x.m;
    d->einsum_N = x.n;
    d->einsum_K = x.k;

    /* bytes: VMEM tiling */
    int l = (int)op_dtype_bytes(op->in[0].dtype), r = (int)op_dtype_bytes(op->in[1].dtype),
        o = (int)op_dtype_bytes(op->out.dtype);
    double kk = (double)(x.k < 8 * c->sa_dim ? x.k : 8 * c->sa_dim);
    p->max_vmem_demand_bytes = o * m * n + l * m * kk + r * kk * n;
    d->has_vmem_demand = true;
    double vmem = c->vmem_size_MB * 1024 * 1024;
    int64_t lt[OP_MAX_RANK], rt[OP_MAX_RANK], ot[OP_MAX_RANK];
    double b = (double)x.b;
    if (b * (l * m * k + r * k * n + o * m * n) <= vmem) {
        memcpy(lt, op->in[0].dim, sizeof lt);
        memcpy(rt, op->in[1].dim, sizeof rt);
        memcpy(ot, op->out.dim, sizeof ot);
    } else {
        int64_t M = x.m, N = x.n, K = x.k;
        if (!npu_best_matmul_tile(c, x.b, x.m, x.n, x.k, l, r, o, cache, &M, &N, &K)) {
            M = 1;
            N = 1;
            K = 1;
        }
        for (int i = 0; i < OP_MAX_RANK; i++)
            lt[i] = rt[i] = ot[i] = -1;
        for (int i = 0; i < x.rl; i++)
            if (x.cls_l[i] == 0)
                lt[i] = 1;
        for (int i = 0; i < x.rr; i++)
            if (x.cls_r[i] == 0)
                rt[i] = 1;
        for (int i = 0; i < x.ro; i++)
            if (x.cls_o[i] == 0)
                ot[i] = 1;
        split_axes(x.el, op->in[0].dim, x.rl, x.cls_l, 2, lt, (int64_t)ceil(m / (double)M), x.eo, x.ro, ot);
        split_axes(x.er, op->in[1].dim, x.rr, x.cls_r, 3, rt, (int64_t)ceil(n / (double)N), x.eo, x.ro, ot);
        split_axes(x.el, op->in[0].dim, x.rl, x.cls_l, 1, lt, (int64_t)ceil(k / (double)K), x.er, x.rr, rt);
    }
    /* tile aggregates (M, N) as the per-axis tiles give them */
    double Mt = 1, Nt = 1, otp = 1, outp = 1;
    for (int i = 0; i < x.rl; i++)
        if (x.cls_l[i] == 2)
            Mt *= (double)lt[i];
    for (int i = 0; i < x.rr; i++)
        if (x.cls_r[i] == 3)
            Nt *= (double)rt[i];
    for (int i = 0; i < x.ro; i++) {
        otp *= (double)ot[i];
        outp *= (double)op->out.dim[i];
    }
    d->num_tiles = (int64_t)ceil(outp / otp);
    double bmn = b * m * n, bkmn = bmn * k;
    p->bytes = bmn * o + trunc(ceil(bkmn / Nt) * l) + trunc(ceil(bkmn / Mt) * r);
    str_buf_t ts = str_buf(d->tile_shapes, sizeof d->tile_shapes);
    str_put_n(&ts, "[", 1);
    list_str(&ts, lt, x.rl);
    str_put_n(&ts, ", ", 2);
    list_str(&ts, rt, x.rr);
    str_put_n(&ts, ", ", 2);
    list_str(&ts, ot, x.ro);
    str_put_n(&ts, "]", 1);
}

static void flash(const npu_chip_t *c, const op_t *op, const npu_perf_opts_t *opts, npu_op_perf_t *p,
                  npu_op_detail_t *d)
{
    double B = (double)op->in[0].dim[0], q = (double)op->in[0].dim[1], H = (double)op->in[0].dim[2],
           dh = (double)op->in[0].dim[3], kv = (double)op->in[1].dim[1], Hkv = (double)op->in[1].dim[2];
    double sa = c->sa_dim;
    double n1 = H * B * (cdiv_f(kv, sa) * cdiv_f(q, sa) * cdiv_f(dh, sa));
    double softmax = vpu_time_ns(c, ceil(4 * B * H * q * kv / 128 / 8));
    p->mxu_time_ns = 2 * mxu_time_ns(c, n1);
    p->vpu_time_ns = 2 * vpu_time_ns(c, n1 * vu_ops_per_mxu_op(c)) + softmax;
    p->num_mxu_ops = 2 * n1;
    d->vu_softmax_time_ns = softmax;
    d->has_einsum_sizes = true;
    d->einsum_B = (int64_t)(B * H);
    d->einsum_M = (int64_t)kv;
    d->einsum_N = (int64_t)q;
    d->einsum_K = (int64_t)dh;
    d->has_vmem_demand = true;
    double s = op_dtype_bytes(op->in[0].dtype);
    double vmem = c->vmem_size_MB * 1024 * 1024;
    /* NeuSim's fits test counts the scores with an extra d_head (Q5) */
    double scores = opts->compat ? B * kv * q * H * dh : B * kv * q * H;
    double full = (B * q * H * dh + 2 * B * kv * Hkv * dh + scores + B * q * H * dh) * s;
    if (full <= vmem) {
        p->bytes = full;
        p->max_vmem_demand_bytes = full;
        str_fmt(d->tile_shapes, sizeof d->tile_shapes, "[%lld, %lld]", (long long)kv, (long long)q);
        return;
    }
    double bc1 = sa > kv ? sa : kv;
    p->max_vmem_demand_bytes = (2 * bc1 * dh + sa * dh + 2 * bc1 * sa) * s;
    double E = trunc(vmem / s), Br = sa;
    double fitc = floor((E - Br * dh) / (2 * (Br + dh)));
    double Bc = kv < fitc ? kv : fitc;
    Bc = sa > Bc ? sa : Bc;
    double tiles = cdiv_f(kv, Bc);
    p->bytes = B * (Hkv * 2 * kv * dh + H * 2 * tiles * q * dh) * s;
    str_fmt(d->tile_shapes, sizeof d->tile_shapes, "[%lld, %lld]", (long long)Bc, (long long)Br);
}

static double tensor_bytes(const op_t *op)
{
    double b = 0;
    for (int i = 0; i < op->n_in; i++)
        b += trunc(op_dtype_bytes(op->in[i].dtype) * (double)op_tensor_elems(&op->in[i]));
    return b + trunc((double)op_tensor_elems(&op->out) * op_dtype_bytes(op->out.dtype));
}

void npu_perf_op(const npu_chip_t *c, const op_t *op, const npu_op_comm_t *comm, const npu_perf_opts_t *opts,
                 npu_tile_cache_t *cache, npu_op_perf_t *p, npu_op_detail_t *d)
{
    static const npu_perf_opts_t dflt = {0};
    if (!opts)
        opts = &dflt;
    memset(p, 0, sizeof *p);
    memset(d, 0, sizeof *d);
    d->num_tiles = -1;
    p->op_type = comm->op_type;
    p->flops = op->flops;
    p->ici_in_bytes = comm->ici_in_bytes;
    p->ici_out_bytes = comm->ici_out_bytes;
    p->ici_time_ns = comm->ici_time_ns;
    p->pcie_time_ns = comm->pcie_time_ns;
    double vu_speed = (double)c->num_vu * 8 * 128;

    bool mxu_kind = false;
    switch (op->kind) {
    case OPK_MATMUL:
        matmul(c, op, cache, p, d);
        mxu_kind = true;
        break;
    case OPK_ATTENTION:
        flash(c, op, opts, p, d);
        mxu_kind = true;
        break;
    case OPK_CONV: /* npu_perf_conv.c */
        npu_perf_conv(c, op, cache, p, d);
        mxu_kind = true;
        break;
    case OPK_COLLECTIVE:
    case OPK_TRANSFER:
        if (op->coll == COLL_REDUCE_SCATTER || op->coll == COLL_ALL_REDUCE)
            p->vpu_time_ns = ceil(op->flops / vu_speed); /* cycles, not ns (Q14) */
        break;
    case OPK_NORM:
    case OPK_SOFTMAX:
    case OPK_ELEMENTWISE:
    case OPK_MEMORY: {
        double nin = (double)op_tensor_elems(&op->in[0]);
        p->vpu_time_ns = ceil(ceil(op_flops_per_element(op->opcode) * nin / vu_speed) / c->freq_GHz);
        break;
    }
    default:
        if (op->flops > 0)
            p->vpu_time_ns = ceil(ceil(op->flops / vu_speed) / c->freq_GHz);
        break;
    }
    if (!mxu_kind)
        p->bytes = comm->preset_bytes > 0 ? comm->preset_bytes : tensor_bytes(op);
    p->compute_time_ns = p->mxu_time_ns > p->vpu_time_ns ? p->mxu_time_ns : p->vpu_time_ns;
    double bw = c->hbm_bw_GBps * GIB / 1e9;
    p->memory_time_ns = 0;
    if (p->bytes != 0) {
        double t = ceil(p->bytes / bw);
        p->memory_time_ns = t > c->hbm_latency_ns ? t : c->hbm_latency_ns;
    }
    double vmem = 0;
    if (p->op_type == NPU_OP_MXU) {
        double sa_bw = (double)((c->sa_dim + c->sa_dim) * 2 * c->num_sa) * c->freq_GHz;
        vmem = (p->mxu_time_ns * sa_bw + p->memory_time_ns * c->hbm_bw_GBps) / c->vmem_bw_GBps;
    } else if (p->op_type == NPU_OP_VPU) {
        double vpu_bw = (double)(128 * 8 * c->num_vu_ports) * c->freq_GHz;
        vmem = (p->vpu_time_ns * vpu_bw + p->memory_time_ns * c->hbm_bw_GBps) / c->vmem_bw_GBps;
    }
    p->vmem_time_ns = trunc(vmem);
    double exe = p->compute_time_ns;
    if (p->ici_time_ns > exe)
        exe = p->ici_time_ns;
    if (p->memory_time_ns > exe)
        exe = p->memory_time_ns;
    if (vmem > exe)
        exe = vmem;
    exe = trunc(exe);
    p->exe_time_ns = exe;
    if (p->compute_time_ns == exe)
        p->bound = NPU_BOUND_COMPUTE;
    else if (p->memory_time_ns == exe)
        p->bound = NPU_BOUND_MEMORY;
    else if (vmem == exe)
        p->bound = NPU_BOUND_COMPUTE;
    else
        p->bound = NPU_BOUND_ICI;
    if (exe > 0) {
        p->tflops_per_sec = p->flops * 1e9 / exe / 1e12;
        p->hbm_bw_GBps = p->bytes / 1024 / 1024 / 1024 * 1e9 / exe;
    }
    p->flops_util = p->tflops_per_sec / (p->op_type == NPU_OP_MXU ? c->peak_tflops : c->peak_VU_tflops);
    p->hbm_bw_util = p->hbm_bw_GBps / c->hbm_bw_GBps;
}

/* for npu_perf_conv.c: the MXU and VPU time rules above */
double npu_perf_mxu_time_ns(const npu_chip_t *c, double n) { return mxu_time_ns(c, n); }
double npu_perf_vpu_time_ns(const npu_chip_t *c, double n) { return vpu_time_ns(c, n); }
double npu_perf_vu_ops_per_mxu_op(const npu_chip_t *c) { return vu_ops_per_mxu_op(c); }

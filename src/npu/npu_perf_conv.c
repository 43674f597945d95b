/*
 * npu_perf_conv.c -- the per-operator model of Conv2D (NeuSim's
 * compute_node_cost_compute_time_for_conv2d and the Conv2D VMEM tile search,
 * spec §6.2-6.3): MXU/VPU time of the convolution unrolled into a matmul,
 * and the HBM bytes of the best tile.  Hooked into npu_perf_op's dispatch.
 */
#include "npu/npu_perf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/strfmt.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

typedef struct {
    int64_t b, ic, ih, iw, oc, kh, kw, oh, ow, stride;
    double bi, bk, bo;     /* element sizes of input, kernel, output */
} conv_t;

/* input rows (cols) a tile of OH output rows reads */
static int64_t in_rows(const conv_t *v, int64_t OH, int64_t k)
{
    return v->stride >= k ? OH * k : OH * v->stride + k - 1;
}

static double tile_bytes(const conv_t *v, int64_t B, int64_t IC, int64_t OC, int64_t OH, int64_t OW)
{
    return (double)(B * IC * in_rows(v, OH, v->kh) * in_rows(v, OW, v->kw)) * v->bi +
           (double)(IC * OC * v->kh * v->kw) * v->bk + (double)(B * OC * OH * OW) * v->bo;
}

static int64_t tiles_of(const conv_t *v, int64_t B, int64_t OC, int64_t OH, int64_t OW)
{
    return (int64_t)ceil((double)(v->b * v->oc * v->oh * v->ow) / (double)(B * OC * OH * OW));
}

/* HBM bytes of a tiling: every tile reads its input rows of all ic channels, its kernel slice, writes its output */
static double hbm_bytes(const conv_t *v, int64_t B, int64_t OC, int64_t OH, int64_t OW, bool whole_input)
{
    int64_t nt = tiles_of(v, B, OC, OH, OW);
    double in = whole_input && nt == 1 ? (double)(B * v->ic * v->ih * v->iw)
                                        : (double)(B * v->ic * in_rows(v, OH, v->kh) * in_rows(v, OW, v->kw));
    return (double)nt * (in * v->bi + (double)(B * OC * OH * OW) * v->bo + (double)(v->ic * OC * v->kh * v->kw) * v->bk);
}

static int divisors(int64_t n, int64_t *out, int max)
{
    int k = 0;
    for (int64_t d = 1; d <= n && k < max; d++)
        if (n % d == 0)
            out[k++] = d;
    return k;
}

void npu_perf_conv(const npu_chip_t *c, const op_t *op, npu_tile_cache_t *cache, npu_op_perf_t *p,
                   npu_op_detail_t *d)
{
    conv_t v = {op->in[0].dim[0], op->in[0].dim[1], op->in[0].dim[2], op->in[0].dim[3], op->in[1].dim[1],
                op->in[1].dim[2], op->in[1].dim[3], op->out.dim[2], op->out.dim[3],
                op->conv_stride > 0 ? op->conv_stride : 1, op_dtype_bytes(op->in[0].dtype),
                op_dtype_bytes(op->in[1].dtype), op_dtype_bytes(op->out.dtype)};
    double sa = c->sa_dim;
    int64_t m = v.oc, k = v.ic * v.kh * v.kw, n = v.b * v.oh * v.ow;
    double ops = ceil((double)m / sa) * ceil((double)n / sa) * ceil((double)k / sa);
    p->num_mxu_ops = ops;
    p->mxu_time_ns = npu_perf_mxu_time_ns(c, ops);
    p->vpu_time_ns = npu_perf_vpu_time_ns(c, ops * npu_perf_vu_ops_per_mxu_op(c));
    d->has_einsum_sizes = true;
    d->einsum_B = v.b;
    d->einsum_M = m;
    d->einsum_N = n;
    d->einsum_K = k;
    int64_t icmax = c->sa_dim * 8 < v.ic ? c->sa_dim * 8 : v.ic;
    p->max_vmem_demand_bytes = tile_bytes(&v, v.b, icmax, v.oc, v.oh, v.ow);
    d->has_vmem_demand = true;
    double vmem = c->vmem_size_MB * 1024 * 1024;
    double whole = (double)(v.b * v.ic * v.ih * v.iw) * v.bi + (double)(v.ic * v.oc * v.kh * v.kw) * v.bk +
                   (double)(v.b * v.oc * v.oh * v.ow) * v.bo;
    int64_t B = v.b, IC = v.ic, OC = v.oc, OH = v.oh, OW = v.ow;
    bool tiled = false;
    /* the search depends on the shapes, element sizes, MXU edge, VMEM, HBM bandwidth and clock only */
    npu_conv_key_t key;
    memset(&key, 0, sizeof key);
    key = (npu_conv_key_t){v.b, v.ic, v.ih, v.iw, v.oc, v.kh, v.kw, v.oh, v.ow, v.stride, v.bi, v.bk, v.bo,
                           sa, vmem, c->hbm_bw_GBps, c->freq_GHz};
    npu_conv_tile_t hit;
    if (whole > vmem && npu_tile_cache_conv_find(cache, &key, &hit)) {
        B = hit.B, IC = hit.IC, OC = hit.OC, OH = hit.OH, OW = hit.OW;
        tiled = hit.tiled;
    } else if (whole > vmem) {
        /* NeuSim's enumeration, loop order B, OH, OW, OC, IC; the candidate with the largest key
         * (-op cycles, -the smaller of MXU and memory cycles, ops, -bytes, -tile) wins, the last
         * enumerated on a tie.  The MXU cycles come from the tile's ops (compute time is still 0). */
        static const int MAXD = 4096;
        int64_t *dv = malloc(5 * (size_t)MAXD * sizeof *dv);
        if (dv) {
            int64_t *db = dv, *doh = dv + MAXD, *dow = dv + 2 * MAXD, *doc = dv + 3 * MAXD, *dic = dv + 4 * MAXD;
            int nb = divisors(v.b, db, MAXD), noh = divisors(v.oh, doh, MAXD), now = divisors(v.ow, dow, MAXD),
                noc = divisors(v.oc, doc, MAXD), nic = divisors(v.ic, dic, MAXD);
            double best[5] = {0};
            double cyc_per_byte = 1.0 / (c->hbm_bw_GBps * GIB / (1e9 * c->freq_GHz));
            for (int i0 = 0; i0 < nb; i0++)
                for (int i1 = 0; i1 < noh; i1++)
                    for (int i2 = 0; i2 < now; i2++)
                        for (int i3 = 0; i3 < noc; i3++)
                            for (int i4 = 0; i4 < nic; i4++) {
                                int64_t tB = db[i0], tOH = doh[i1], tOW = dow[i2], tOC = doc[i3], tIC = dic[i4];
                                double o = ceil((double)tOC / sa) * ceil((double)(tB * tOH * tOW) / sa) *
                                           ceil((double)(tIC * v.kh * v.kw) / sa);
                                if (o < 3)
                                    o = 3;
                                double tb = tile_bytes(&v, tB, tIC, tOC, tOH, tOW);
                                if (!(o > 10 && tb <= vmem))
                                    continue;
                                double hbm = hbm_bytes(&v, tB, tOC, tOH, tOW, false);
                                double nt = (double)tiles_of(&v, tB, tOC, tOH, tOW);
                                double mxu = 100 * (o + 2) * nt, mem = hbm * cyc_per_byte;
                                double key[5] = {-(mxu > mem ? mxu : mem), -(mxu > mem ? mem : mxu), o, -hbm, -tb};
                                int cmp = 0;
                                for (int q = 0; q < 5 && !cmp; q++)
                                    cmp = key[q] > best[q] ? 1 : key[q] < best[q] ? -1 : 0;
                                if (!tiled || cmp >= 0) {
                                    memcpy(best, key, sizeof best);
                                    B = tB, IC = tIC, OC = tOC, OH = tOH, OW = tOW;
                                    tiled = true;
                                }
                            }
            free(dv);
            npu_conv_tile_t put = {B, IC, OC, OH, OW, tiled};
            npu_tile_cache_conv_put(cache, &key, &put);
        }
    }
    int64_t nt = tiles_of(&v, B, OC, OH, OW);
    if (tiled) {
        p->bytes = hbm_bytes(&v, B, OC, OH, OW, true);
        str_fmt(d->tile_shapes, sizeof d->tile_shapes, "[[%lld, %lld, %lld, %lld], [%lld, %lld, %lld, %lld], [%lld, %lld, %lld, %lld]]",
                 (long long)B, (long long)IC, (long long)in_rows(&v, OH, v.kh), (long long)in_rows(&v, OW, v.kw),
                 (long long)IC, (long long)OC, (long long)v.kh, (long long)v.kw, (long long)B, (long long)OC,
                 (long long)OH, (long long)OW);
    } else {
        /* fits in VMEM (or no tile does: NeuSim stops there; the whole tensors are counted) */
        nt = 1;
        p->bytes = whole;
        str_fmt(d->tile_shapes, sizeof d->tile_shapes, "[[%lld, %lld, %lld, %lld], [%lld, %lld, %lld, %lld], [%lld, %lld, %lld, %lld]]",
                 (long long)v.b, (long long)v.ic, (long long)v.ih, (long long)v.iw, (long long)v.ic, (long long)v.oc,
                 (long long)v.kh, (long long)v.kw, (long long)v.b, (long long)v.oc, (long long)v.oh, (long long)v.ow);
    }
    d->num_tiles = nt;
}

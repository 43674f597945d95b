/*
 * neusim_ops.c -- NeuSim-style operator lists and their primitive
 * constructors (see neusim_ops.h; spec §3).
 */
#include "ops/neusim_ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/strfmt.h"

#define DT_STR "DT_BFLOAT16"

const char *ns_optype_name(ns_optype_t t)
{
    static const char *const names[] = {"MXU", "VPU", "ICINoCompute", "Other"};
    return t <= NS_OTHER ? names[t] : "Other";
}

bool ns_oplist_init(ns_oplist_t *L, double ici_bw_GBps, double ici_latency_ns, double pcie_bw_GBps,
                    double pcie_latency_ns)
{
    memset(L, 0, sizeof *L);
    L->g = op_graph_new();
    L->ici_bw_GBps = ici_bw_GBps;
    L->ici_latency_ns = ici_latency_ns;
    L->pcie_bw_GBps = pcie_bw_GBps;
    L->pcie_latency_ns = pcie_latency_ns;
    return L->g != NULL;
}

void ns_oplist_free(ns_oplist_t *L)
{
    op_graph_free(L->g);
    free(L->lab);
    memset(L, 0, sizeof *L);
}

size_t ns_oplist_len(const ns_oplist_t *L) { return L->g ? op_graph_len(L->g) : 0; }

void ns_format_name(char *out, size_t len, const char *name, const char *description)
{
    size_t o = 0;
    const char *parts[3] = {description, "_", name};
    for (int p = 0; p < 3; p++)
        for (const char *s = parts[p]; *s && o + 1 < len; s++)
            if ((*s >= '0' && *s <= '9') || ((*s | 32) >= 'a' && (*s | 32) <= 'z')) /* isalnum in ASCII */
                out[o++] = *s;
    out[o] = 0;
}

const char *ns_dtype_name(const ns_oplist_t *L) { return L->dt_name ? L->dt_name : DT_STR; }

void ns_set_dtype(ns_oplist_t *L, op_dtype_t dt, const char *name)
{
    L->dt = dt;
    L->dt_name = name;
}

static const char *intern(ns_oplist_t *L, const char *s)
{
    const char *r = op_graph_strdup(L->g, s);
    if (!r)
        L->failed = 1;
    return r ? r : "";
}

/* Append op + label; fills the label's strings from the given texts. */
static long push(ns_oplist_t *L, op_t *op, ns_label_t *lab, const char *name, const char *desc)
{
    char full[512];
    ns_format_name(full, sizeof full, name, desc);
    op->name = full;
    lab->description = intern(L, desc);
    long i = op_graph_add(L->g, op);
    if (i < 0) {
        L->failed = 1;
        return -1;
    }
    if ((size_t)i >= L->cap) {
        size_t nc = L->cap ? 2 * L->cap : 64;
        ns_label_t *nl = realloc(L->lab, nc * sizeof *nl);
        if (!nl) {
            L->failed = 1;
            return -1;
        }
        L->lab = nl;
        L->cap = nc;
    }
    L->lab[i] = *lab;
    return i;
}

bool ns_oplist_append(ns_oplist_t *dst, const ns_oplist_t *src)
{
    for (size_t i = 0; i < ns_oplist_len(src); i++) {
        op_t op = *op_graph_get(src->g, i);
        op.n_deps = 0;
        op.deps = NULL;
        ns_label_t lab = src->lab[i];
        lab.config = intern(dst, lab.config);
        lab.in_shapes = intern(dst, lab.in_shapes);
        lab.out_shapes = intern(dst, lab.out_shapes);
        lab.parsed_type = intern(dst, lab.parsed_type);
        lab.description = intern(dst, lab.description);
        long j = op_graph_add(dst->g, &op);
        if (j < 0)
            return false;
        if ((size_t)j >= dst->cap) {
            size_t nc = dst->cap ? 2 * dst->cap : 64;
            ns_label_t *nl = realloc(dst->lab, nc * sizeof *nl);
            if (!nl)
                return false;
            dst->lab = nl;
            dst->cap = nc;
        }
        dst->lab[j] = lab;
    }
    return !dst->failed;
}

/* "1x4096x4096" */
static void dims_x(char *buf, size_t len, const int64_t *d, int r)
{
    str_buf_t b = str_buf(buf, len);
    for (int i = 0; i < r; i++) {
        if (i)
            str_put_n(&b, "x", 1);
        str_put_i64(&b, d[i]);
    }
}

/* "[1,4096,4096]" with sep "," or "['1', '4096']" with sep ", " and quote "'" */
static void dims_join(str_buf_t *b, const int64_t *d, int r, const char *sep, const char *open, const char *close,
                      const char *quote)
{
    str_put(b, open);
    for (int i = 0; i < r; i++) {
        if (i)
            str_put(b, sep);
        str_put(b, quote);
        str_put_i64(b, d[i]);
        str_put(b, quote);
    }
    str_put(b, close);
}

static void dims_list(char *buf, size_t len, const int64_t *d, int r, const char *sep, const char *open,
                      const char *close, const char *quote)
{
    str_buf_t b = str_buf(buf, len);
    dims_join(&b, d, r, sep, open, close, quote);
}

/* "DT:[1,4096,4096],DT:[...]" */
static void in_shapes_str(char *buf, size_t len, const int64_t *const *shapes, const int *ranks, int n,
                          const char *dt)
{
    str_buf_t b = str_buf(buf, len);
    for (int i = 0; i < n; i++) {
        if (i)
            str_put_n(&b, ",", 1);
        str_put(&b, dt);
        str_put_n(&b, ":", 1);
        dims_join(&b, shapes[i], ranks[i], ",", "[", "]", "");
    }
}

/* "[DT:(1,4096,4096)]" */
static void out_shape_str(char *buf, size_t len, const int64_t *d, int r, const char *dt)
{
    str_buf_t b = str_buf(buf, len);
    str_put_n(&b, "[", 1);
    str_put(&b, dt);
    str_put_n(&b, ":", 1);
    dims_join(&b, d, r, ",", "(", ")", "");
    str_put_n(&b, "]", 1);
}

static int64_t prod(const int64_t *d, int r)
{
    int64_t p = 1;
    for (int i = 0; i < r; i++)
        p *= d[i];
    return p;
}

static void set_label_shapes(ns_oplist_t *L, ns_label_t *lab, const int64_t *const *ins, const int *ranks, int n,
                             const int64_t *out, int ro)
{
    char buf[1024];
    in_shapes_str(buf, sizeof buf, ins, ranks, n, lab->dt_name ? lab->dt_name : DT_STR);
    lab->in_shapes = intern(L, buf);
    out_shape_str(buf, sizeof buf, out, ro, lab->dt_name ? lab->dt_name : DT_STR);
    lab->out_shapes = intern(L, buf);
}

long ns_einsum(ns_oplist_t *L, const int64_t *a, int ra, const int64_t *b, int rb, const char *expr,
               const char *placement, int64_t fid, const char *desc, const char *name, int64_t count,
               double weight_bytes)
{
    op_t op = {0};
    op.opcode = "Einsum";
    op.einsum = expr;
    op.kind = OPK_MATMUL;
    op.n_in = 2;
    op.in[0] = op_tensor(L->dt, ra, a);
    op.in[1] = op_tensor(L->dt, rb, b);
    /* output: each output letter takes its size from A, else B */
    const char *semi = strchr(expr, ';'), *arrow = strstr(expr, "->");
    int64_t out[OP_MAX_RANK];
    int ro = 0;
    for (const char *c = arrow + 2; *c && ro < OP_MAX_RANK; c++) {
        const char *p = memchr(expr, *c, (size_t)(semi - expr));
        if (p)
            out[ro++] = a[p - expr];
        else {
            p = memchr(semi + 1, *c, (size_t)(arrow - semi - 1));
            out[ro++] = p ? b[p - semi - 1] : 1;
        }
    }
    op.out = op_tensor(L->dt, ro, out);
    op.flops = op_einsum_flops(expr, &op.in[0], &op.in[1]);
    op.weight_bytes = weight_bytes >= 0 ? weight_bytes : 2.0 * (double)prod(b, rb);
    op.count = count;

    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.dt_name = L->dt_name;
    lab.op_type = NS_MXU;
    lab.parsed_type = "Einsum";
    char as[128], bs[128], cfg[512];
    dims_x(as, sizeof as, a, ra);
    dims_x(bs, sizeof bs, b, rb);
    str_fmt(cfg, sizeof cfg, "XlaEinsum(a=%s,b=%s,eq=%s,memory_placements=%s,type=%s)", as, bs, expr,
             placement, ns_dtype_name(L));
    lab.config = intern(L, cfg);
    const int64_t *ins[2] = {a, b};
    int ranks[2] = {ra, rb};
    set_label_shapes(L, &lab, ins, ranks, 2, out, ro);
    return push(L, &op, &lab, name, desc);
}

long ns_unary(ns_oplist_t *L, const int64_t *x, int rx, const char *opname, const char *placement, int64_t fid,
              const char *desc, const char *name, int64_t count)
{
    op_t op = {0};
    op.opcode = opname;
    op.kind = !strcmp(opname, "Softmax") ? OPK_SOFTMAX : strstr(opname, "Norm") ? OPK_NORM : OPK_ELEMENTWISE;
    op.n_in = 1;
    op.in[0] = op_tensor(L->dt, rx, x);
    op.out = op.in[0];
    op.flops = op_flops_per_element(opname) * (double)prod(x, rx);
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.dt_name = L->dt_name;
    lab.op_type = NS_VPU;
    lab.parsed_type = intern(L, opname);
    char xs[128], cfg[512];
    dims_x(xs, sizeof xs, x, rx);
    str_fmt(cfg, sizeof cfg, "%s(x=%s,memory_placements=%s,type=%s)", opname, xs, placement, ns_dtype_name(L));
    lab.config = intern(L, cfg);
    const int64_t *ins[1] = {x};
    int ranks[1] = {rx};
    set_label_shapes(L, &lab, ins, ranks, 1, x, rx);
    return push(L, &op, &lab, name ? name : opname, desc ? desc : opname);
}

long ns_binary(ns_oplist_t *L, const int64_t *x, int rx, const char *opname, const char *placement, int64_t fid,
               const char *desc, const char *name, int64_t count, bool two_inputs)
{
    op_t op = {0};
    op.opcode = opname;
    op.kind = OPK_ELEMENTWISE;
    op.n_in = two_inputs ? 2 : 1;
    op.in[0] = op_tensor(L->dt, rx, x);
    op.in[1] = two_inputs ? op.in[0] : (op_tensor_t){0};
    op.out = op.in[0];
    op.flops = (double)prod(x, rx);
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.dt_name = L->dt_name;
    lab.op_type = NS_VPU;
    lab.parsed_type = intern(L, opname);
    char xs[128], cfg[512];
    dims_x(xs, sizeof xs, x, rx);
    str_fmt(cfg, sizeof cfg, "%s(a=%s,b=%s,memory_placements=%s,type=%s)", opname, xs, xs, placement, ns_dtype_name(L));
    lab.config = intern(L, cfg);
    const int64_t *ins[2] = {x, x};
    int ranks[2] = {rx, rx};
    set_label_shapes(L, &lab, ins, ranks, two_inputs ? 2 : 1, x, rx);
    return push(L, &op, &lab, name ? name : opname, desc ? desc : opname);
}

long ns_flash(ns_oplist_t *L, const int64_t *q, const int64_t *k, int64_t fid, const char *desc, const char *name,
              int64_t count, bool neusim_flops)
{
    op_t op = {0};
    op.opcode = "FlashAttention";
    op.kind = OPK_ATTENTION;
    op.n_in = 3;
    op.in[0] = op_tensor(DT_BF16, 4, q);
    op.in[1] = op_tensor(DT_BF16, 4, k);
    op.in[2] = op.in[1];
    double B = (double)q[0], Lq = (double)q[1], H = (double)q[2], dh = (double)q[3], Lkv = (double)k[1];
    int64_t out[4] = {q[0], q[1], q[2], neusim_flops ? q[2] : q[3]};
    op.out = op_tensor(DT_BF16, 4, out);
    double inner = neusim_flops ? H : dh; /* NeuSim uses num_heads where d_head belongs (Q5) */
    op.flops = 2 * (H * B * Lq * inner * Lkv * 2) + 4 * (H * B * Lq * Lkv);
    op.gemm_batch = q[0] * q[2];
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.op_type = NS_MXU;
    lab.parsed_type = "FlashAttention";
    char qs[128], ks[128], cfg[512];
    dims_x(qs, sizeof qs, q, 4);
    dims_x(ks, sizeof ks, k, 4);
    str_fmt(cfg, sizeof cfg, "FlashAttention(q=%s,k=%s,v=%s,memory_placements=[0, 0, 0],type=" DT_STR ")", qs, ks,
             ks);
    lab.config = intern(L, cfg);
    const int64_t *ins[3] = {q, k, k};
    int ranks[3] = {4, 4, 4};
    set_label_shapes(L, &lab, ins, ranks, 3, out, 4);
    return push(L, &op, &lab, name, desc);
}

/* spec §3.3 traffic helpers */
static int64_t rs_elems(int64_t x, const int64_t *axes, int n)
{
    int64_t tot = 0, cur = x;
    for (int i = 0; i < n; i++) {
        tot += cur;
        cur = (cur + axes[i] - 1) / axes[i];
    }
    return tot;
}

/* Python's ceil(a / b) with float division */
static int64_t ceil_div_f(double a, double b) { return (int64_t)ceil(a / b); }

/* Time of bytes over links (spec 3.3): bytes at the bandwidth (GB/s = bytes
 * per ns) rounded up, never under the latency floor. */
static int64_t link_time_ns(double bytes, double bw_GBps, double floor_ns)
{
    double t = (double)ceil_div_f(bytes, bw_GBps);
    return (int64_t)(t > floor_ns ? t : floor_ns);
}

/* The record and label every collective shares (spec 3.3): input x, output
 * out, the same traffic in and out, read and written through HBM. */
static void collective(op_t *op, ns_label_t *lab, const char *opcode, op_coll_t coll, ns_optype_t type,
                       int64_t traffic, int64_t p, const int64_t *x, const int64_t *out, int rx, int64_t fid,
                       int64_t count, int64_t ici_time_ns)
{
    op->opcode = opcode;
    op->kind = OPK_COLLECTIVE;
    op->coll = coll;
    op->coll_bytes = (double)traffic;
    op->coll_group = (int)p;
    op->n_in = 1;
    op->in[0] = op_tensor(DT_BF16, rx, x);
    op->out = op_tensor(DT_BF16, rx, out);
    op->count = count;
    lab->fusion_id = fid;
    lab->op_type = type;
    lab->parsed_type = opcode;
    lab->ici_in_bytes = lab->ici_out_bytes = traffic;
    lab->ici_time_ns = ici_time_ns;
    lab->preset_bytes = 2 * traffic;
}

long ns_all_gather(ns_oplist_t *L, const int64_t *x, int rx, const int64_t *axes, int naxes, int gather_dim,
                   int64_t fid, const char *desc, const char *name, int64_t count)
{
    int64_t p = prod(axes, naxes);
    int64_t traffic = (int64_t)op_dtype_bytes(L->dt) * rs_elems(prod(x, rx) * p, axes, naxes);
    double agg = naxes * L->ici_bw_GBps;
    int64_t out[OP_MAX_RANK];
    memcpy(out, x, (size_t)rx * sizeof *x);
    out[gather_dim] *= p;
    op_t op = {0};
    ns_label_t lab = {0};
    collective(&op, &lab, "AllGather", COLL_ALL_GATHER, NS_ICI, traffic, p, x, out, rx, fid, count,
               link_time_ns((double)traffic, agg, L->ici_latency_ns * (double)(p - 1)));
    char xs[128], os[128], cfg[512];
    dims_x(xs, sizeof xs, x, rx);
    dims_x(os, sizeof os, out, rx);
    str_fmt(cfg, sizeof cfg, "AllGather(%s->%s)", xs, os);
    lab.config = intern(L, cfg);
    const int64_t *ins[1] = {x};
    int ranks[1] = {rx};
    set_label_shapes(L, &lab, ins, ranks, 1, out, rx);
    return push(L, &op, &lab, name ? name : "AllGather", desc ? desc : "AllGather");
}

long ns_reduce_scatter(ns_oplist_t *L, const int64_t *x, int rx, const int64_t *axes, int naxes, int dim,
                       int64_t fid, const char *desc, const char *name, int64_t count)
{
    int64_t p = prod(axes, naxes);
    int64_t per_chip = rs_elems(ceil_div_f((double)prod(x, rx), (double)p), axes, naxes);
    int64_t traffic = 2 * per_chip;
    double agg = naxes * L->ici_bw_GBps;
    int64_t out[OP_MAX_RANK];
    memcpy(out, x, (size_t)rx * sizeof *x);
    out[dim] = (out[dim] + p - 1) / p;
    op_t op = {0};
    ns_label_t lab = {0};
    collective(&op, &lab, "ReduceScatter", COLL_REDUCE_SCATTER, NS_VPU, traffic, p, x, out, rx, fid, count,
               link_time_ns((double)traffic, agg, L->ici_latency_ns * (double)(p - 1)));
    op.flops = (double)(per_chip * (p - 1));
    char xs[256], os[256], cfg[600];
    dims_list(xs, sizeof xs, x, rx, ", ", "[", "]", "'");
    dims_list(os, sizeof os, out, rx, ", ", "[", "]", "'");
    str_fmt(cfg, sizeof cfg, "ReduceScatter(%s->%s)", xs, os);
    lab.config = intern(L, cfg);
    const int64_t *ins[1] = {x};
    int ranks[1] = {rx};
    set_label_shapes(L, &lab, ins, ranks, 1, out, rx);
    return push(L, &op, &lab, name ? name : "ReduceScatter", desc ? desc : "ReduceScatter");
}

long ns_all_reduce(ns_oplist_t *L, const int64_t *x, int rx, const int64_t *axes, int naxes, double agg_bw_GBps,
                   int64_t fid, const char *desc, const char *name, int64_t count)
{
    int64_t p = prod(axes, naxes);
    int64_t traffic = 2 * 2 * rs_elems(prod(x, rx), axes, naxes);
    double agg = agg_bw_GBps > 0 ? agg_bw_GBps : naxes * L->ici_bw_GBps;
    op_t op = {0};
    ns_label_t lab = {0};
    collective(&op, &lab, "AllReduce", COLL_ALL_REDUCE, NS_VPU, traffic, p, x, x, rx, fid, count,
               link_time_ns((double)traffic, agg, L->ici_latency_ns * (double)(p - 1) * 2));
    char xs[128], cfg[512];
    dims_x(xs, sizeof xs, x, rx);
    str_fmt(cfg, sizeof cfg, "AllReduce(%s->%s)", xs, xs);
    lab.config = intern(L, cfg);
    const int64_t *ins[1] = {x};
    int ranks[1] = {rx};
    set_label_shapes(L, &lab, ins, ranks, 1, x, rx);
    return push(L, &op, &lab, name ? name : "AllReduce", desc ? desc : "AllReduce");
}

long ns_transfer(ns_oplist_t *L, const int64_t *x, int rx, bool output, int64_t fid, const char *desc,
                 const char *name, int64_t count)
{
    return ns_transfer_over(L, x, rx, output, fid, desc, name, count, L->ici_bw_GBps, L->ici_latency_ns);
}

long ns_transfer_over(ns_oplist_t *L, const int64_t *x, int rx, bool output, int64_t fid, const char *desc,
                      const char *name, int64_t count, double bw_GBps, double latency_ns)
{
    int64_t size = 2 * prod(x, rx);
    op_t op = {0};
    op.opcode = output ? "InterChipXferOutput" : "InterChipXferInput";
    op.kind = OPK_TRANSFER;
    op.coll = output ? COLL_SEND : COLL_RECV;
    op.coll_bytes = (double)size;
    op.coll_group = 2;
    op.n_in = 1;
    op.in[0] = op_tensor(DT_BF16, rx, x);
    op.out = op.in[0];
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.op_type = NS_ICI;
    lab.parsed_type = output ? "InterChipCommOutput" : "InterChipCommInput";
    if (output)
        lab.ici_out_bytes = size;
    else
        lab.ici_in_bytes = size;
    lab.ici_time_ns = link_time_ns((double)size, bw_GBps, latency_ns);
    lab.preset_bytes = size;
    char xs[256], cfg[512];
    dims_list(xs, sizeof xs, x, rx, ", ", "[", "]", "");
    str_fmt(cfg, sizeof cfg, "InterChipComm%s(%s)", output ? "Output" : "Input", xs);
    lab.config = intern(L, cfg);
    const int64_t *ins[1] = {x};
    int ranks[1] = {rx};
    set_label_shapes(L, &lab, ins, ranks, 1, x, rx);
    return push(L, &op, &lab, name, desc);
}

long ns_kvswap(ns_oplist_t *L, int64_t bytes, bool output, int64_t fid, const char *desc, const char *name,
               int64_t count, bool neusim_bytes)
{
    int64_t size = neusim_bytes ? 2 * bytes : bytes; /* NeuSim treats the byte count as BF16 elements (Q24) */
    op_t op = {0};
    op.opcode = output ? "KVSwapOutput" : "KVSwapInput";
    op.kind = OPK_TRANSFER;
    op.coll = output ? COLL_SEND : COLL_RECV;
    op.coll_bytes = (double)size;
    op.n_in = 1;
    int64_t x[1] = {bytes};
    op.in[0] = op_tensor(DT_BF16, 1, x);
    op.out = op.in[0];
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.op_type = NS_ICI;
    lab.parsed_type = output ? "KVSwapOutput" : "KVSwapInput";
    if (output)
        lab.ici_out_bytes = size;
    else
        lab.ici_in_bytes = size;
    double t = (double)(int64_t)ceil((double)size * 1e9 / 1024 / 1024 / 1024 / L->pcie_bw_GBps);
    lab.ici_time_ns = (int64_t)(t > L->ici_latency_ns ? t : L->ici_latency_ns);
    lab.pcie_time_ns = (int64_t)(t > L->pcie_latency_ns ? t : L->pcie_latency_ns);
    lab.preset_bytes = size;
    char xs[64], cfg[128];
    str_fmt(xs, sizeof xs, "[%lld]", (long long)bytes);
    str_fmt(cfg, sizeof cfg, "KVSwap%s(%s)", output ? "Output" : "Input", xs);
    lab.config = intern(L, cfg);
    const int64_t *ins[1] = {x};
    int ranks[1] = {1};
    set_label_shapes(L, &lab, ins, ranks, 1, x, 1);
    return push(L, &op, &lab, name, desc);
}

long ns_io(ns_oplist_t *L, const int64_t *x, int rx, bool output, ns_optype_t type, int64_t fid, const char *desc,
           const char *name, int64_t count)
{
    op_t op = {0};
    op.opcode = output ? "Output" : "Input";
    op.kind = OPK_MEMORY;
    op.n_in = 1;
    op.in[0] = op_tensor(DT_BF16, rx, x);
    op.out = op.in[0];
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.op_type = type;
    lab.parsed_type = "Abs";
    char xs[128], cfg[256];
    dims_x(xs, sizeof xs, x, rx);
    str_fmt(cfg, sizeof cfg, "Abs(x=%s,type=" DT_STR ")", xs);
    lab.config = intern(L, cfg);
    const int64_t *ins[1] = {x};
    int ranks[1] = {rx};
    set_label_shapes(L, &lab, ins, ranks, 1, x, rx);
    return push(L, &op, &lab, name, desc);
}

int ns_split_parallelism(int64_t p, int n, int64_t *axes)
{
    if (n <= 0 || p <= 0)
        return 0;
    if (n == 1) {
        axes[0] = p;
        return 1;
    }
    int64_t f[64];
    int nf = 0;
    for (int64_t d = 2; d * d <= p && nf < 63; d++)
        while (p % d == 0 && nf < 63) {
            f[nf++] = d;
            p /= d;
        }
    if (p > 1)
        f[nf++] = p;
    int na = nf < n ? nf : n;
    for (int i = 0; i < na; i++)
        axes[i] = f[i];
    for (int i = na; i < nf; i++) {
        int m = 0;
        for (int j = 1; j < na; j++)
            if (axes[j] < axes[m])
                m = j;
        axes[m] *= f[i];
    }
    return na;
}

/* ---- part 2: all-to-all (MoE dispatch/combine, DLRM) ------------------------- */

double ns_bisection_bw_GBps(double ici_bw_GBps, int64_t num_chips, int ici_axes, int64_t *topo, int *ntopo)
{
    int64_t t[64];
    int n = ns_split_parallelism(num_chips, ici_axes, t);
    /* ns_split_parallelism(1, n) gives [] like NeuSim's (no prime factors) */
    if (num_chips == 1)
        n = 0;
    if (topo && ntopo) {
        memcpy(topo, t, (size_t)n * sizeof *t);
        *ntopo = n;
    }
    if (n == 1)
        return ici_bw_GBps / (double)num_chips;
    /* sorted(topo)[:-1]: every axis but one largest */
    int64_t p = 1, mx = 0;
    for (int i = 0; i < n; i++) {
        p *= t[i];
        if (t[i] > mx)
            mx = t[i];
    }
    if (n > 0)
        p /= mx;
    /* n == 0 (one chip): ici_bw * 1 / 1 * (0 - 1) = -ici_bw (NeuSim's, Q12) */
    return ici_bw_GBps * (double)p / (double)num_chips * (double)(n - 1);
}

long ns_all_to_all(ns_oplist_t *L, const int64_t *x, int rx, double bisection_bw_GBps, int64_t n, int64_t fid,
                   const char *desc, const char *name, int64_t count)
{
    int64_t size = (int64_t)(op_dtype_bytes(L->dt) * (double)prod(x, rx));
    op_t op = {0};
    op.opcode = "AllToAll";
    op.kind = OPK_COLLECTIVE;
    op.coll = COLL_ALL_TO_ALL;
    op.coll_bytes = (double)size;
    op.coll_group = (int)n;
    op.n_in = 1;
    op.in[0] = op_tensor(L->dt, rx, x);
    op.out = op.in[0];
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.op_type = NS_ICI;
    lab.parsed_type = "AllToAll";
    lab.ici_in_bytes = lab.ici_out_bytes = size;
    lab.ici_time_ns = link_time_ns((double)size, bisection_bw_GBps, L->ici_latency_ns * (double)(n - 1));
    lab.preset_bytes = 2 * size;
    char xs[128], cfg[512];
    dims_x(xs, sizeof xs, x, rx);
    str_fmt(cfg, sizeof cfg, "AllToAll(%s->%s)", xs, xs);
    lab.config = intern(L, cfg);
    const int64_t *ins[1] = {x};
    int ranks[1] = {rx};
    set_label_shapes(L, &lab, ins, ranks, 1, x, rx);
    return push(L, &op, &lab, name, desc);
}

/* ---- part 2: DLRM embedding-bag lookup (spec §3.2, §5.5) --------------------------- */

long ns_embedding_bag(ns_oplist_t *L, int64_t batch, int64_t num_indices, int64_t table_rows, int64_t dim, int64_t fid,
                      const char *desc, const char *name, int64_t count)
{
    int64_t entries = batch * num_indices;
    op_t op = {0};
    op.opcode = "EmbeddingBag";
    op.kind = OPK_EMBEDDING;
    op.n_in = 2;
    op.in[0] = op_tensor(DT_INT64, 3, (int64_t[]){batch, 1, num_indices});
    op.in[1] = op_tensor(DT_FP32, 2, (int64_t[]){table_rows, dim});
    op.out = op_tensor(DT_FP32, 3, (int64_t[]){batch, 1, dim});
    op.flops = (double)(entries * dim * 2);
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.op_type = NS_VPU;
    lab.parsed_type = "EmbeddingBag";
    /* indices (INT64), the gathered FP32 rows, the FP32 output */
    lab.preset_bytes = entries * 8 + entries * dim * 4 + batch * dim * 4;
    char buf[512];
    str_fmt(buf, sizeof buf,
             "EmbeddingBag(batch=%lld,table_sizes=[%lld],num_indices=[%lld],embedding_dim=%lld,reduction=sum,"
             "memory_placements=[0, 0],type=DT_FLOAT)",
             (long long)batch, (long long)table_rows, (long long)num_indices, (long long)dim);
    lab.config = intern(L, buf);
    str_fmt(buf, sizeof buf, "DT_INT64:[%lld,1,%lld],DT_FLOAT:[%lld,%lld]", (long long)batch, (long long)num_indices,
             (long long)table_rows, (long long)dim);
    lab.in_shapes = intern(L, buf);
    str_fmt(buf, sizeof buf, "[DT_FLOAT:(%lld,1,%lld)]", (long long)batch, (long long)dim);
    lab.out_shapes = intern(L, buf);
    long i = push(L, &op, &lab, name, desc);
    /* NeuSim keeps this op's name as given (not description + name) */
    if (i >= 0)
        op_graph_at(L->g, (size_t)i)->name = intern(L, name);
    return i;
}

/* ---- part 2: Conv2D and Upsample (GLIGEN's UNet; spec §3.2) ------------------------- */

long ns_conv2d(ns_oplist_t *L, const int64_t *in, const int64_t *kernel, int stride, int pad, int64_t fid,
               const char *desc, const char *name, int64_t count)
{
    /* output size floor((in + 2p - (k - 1) - 1) / s + 1) */
    int64_t out[4] = {in[0], kernel[1], (in[2] + 2 * pad - (kernel[2] - 1) - 1) / stride + 1,
                      (in[3] + 2 * pad - (kernel[3] - 1) - 1) / stride + 1};
    op_t op = {0};
    op.opcode = "Conv2D";
    op.einsum = "bf01;io01->bf01";
    op.kind = OPK_CONV;
    op.n_in = 2;
    op.in[0] = op_tensor(L->dt, 4, in);
    op.in[1] = op_tensor(L->dt, 4, kernel);
    op.out = op_tensor(L->dt, 4, out);
    op.conv_stride = stride;
    op.conv_pad = pad;
    op.gemm_batch = 1;
    op.gemm_m = kernel[1];
    op.gemm_n = in[0] * out[2] * out[3];
    op.gemm_k = kernel[0] * kernel[2] * kernel[3];
    op.flops = (double)(in[0] * out[2] * out[3] * prod(kernel, 4) * 2);
    op.weight_bytes = op_dtype_bytes(L->dt) * (double)prod(kernel, 4);
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.op_type = NS_MXU;
    lab.parsed_type = "Conv2D";
    lab.dt_name = L->dt_name;
    char a[64], b[64], o[64], cfg[512];
    dims_x(a, sizeof a, in, 4);
    dims_x(b, sizeof b, kernel, 4);
    dims_x(o, sizeof o, out, 4);
    str_fmt(cfg, sizeof cfg,
             "Conv2D(a=%s,b=%s,c=%s,eq=bf01;io01->bf01,window={size=%lldx%lld stride=%dx%d pad=0_%dx0_%d},"
             "memory_placements=0_0_0,type=%s)",
             a, b, o, (long long)kernel[2], (long long)kernel[3], stride, stride, pad, pad, ns_dtype_name(L));
    lab.config = intern(L, cfg);
    const int64_t *ins[2] = {in, kernel};
    int ranks[2] = {4, 4};
    set_label_shapes(L, &lab, ins, ranks, 2, out, 4);
    return push(L, &op, &lab, name, desc);
}

long ns_upsample(ns_oplist_t *L, const int64_t *in, int scale, int64_t fid, const char *desc, int64_t count)
{
    int64_t out[4] = {in[0], in[1], in[2] * scale, in[3] * scale};
    op_t op = {0};
    op.opcode = "Upsample";
    op.kind = OPK_OTHER; /* no FLOPs: VPU time 0, bytes from the tensors */
    op.n_in = 1;
    op.in[0] = op_tensor(L->dt, 4, in);
    op.out = op_tensor(L->dt, 4, out);
    op.count = count;
    ns_label_t lab = {0};
    lab.fusion_id = fid;
    lab.op_type = NS_VPU;
    lab.parsed_type = "Upsample";
    lab.dt_name = L->dt_name;
    char a[64], cfg[256];
    dims_x(a, sizeof a, in, 4);
    str_fmt(cfg, sizeof cfg, "Upsample(a=%s,scale_factor=%d,memory_placements=0_0_0,type=%s)", a, scale,
             ns_dtype_name(L));
    lab.config = intern(L, cfg);
    const int64_t *ins[1] = {in};
    int ranks[1] = {4};
    set_label_shapes(L, &lab, ins, ranks, 1, out, 4);
    return push(L, &op, &lab, "Upsample", desc);
}

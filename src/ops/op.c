/*
 * op.c -- the operator record and graph (see op.h): number formats,
 * tensor helpers, the graph's storage, topological order, einsum FLOPs.
 */
#define _DEFAULT_SOURCE /* madvise */
#include "ops/op.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

/* Strings and dependency lists live in an arena of chunks: one graph
 * makes hundreds of thousands of them (DeepSeek-V3's experts), and
 * op_graph_clear reuses the chunks instead of freeing each. */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(8) char data[];
} chunk_t;

#define RECENT 16         /* interned strings compared before copying */

struct op_graph {
    op_t *ops;
    size_t n, cap;
    chunk_t *chunks, *cur;
    const char *recent[RECENT];
    uint64_t recent_key[RECENT]; /* length, first and last bytes of each recent string, mixed */
    unsigned nrecent;
};

#define HUGE_BYTES ((size_t)2 << 20)

/* malloc, or for 2 MiB and more huge-page-aligned memory marked for
 * transparent huge pages: first-touch page faults, not the copying,
 * dominate building graphs of hundreds of thousands of records. */
static void *big_alloc(size_t bytes)
{
    if (bytes < HUGE_BYTES)
        return malloc(bytes);
    bytes = (bytes + HUGE_BYTES - 1) / HUGE_BYTES * HUGE_BYTES;
    void *p = aligned_alloc(HUGE_BYTES, bytes);
    if (p)
        madvise(p, bytes, MADV_HUGEPAGE);
    return p;
}

/* Append a chunk of at least cap bytes to the arena and make it current. */
static chunk_t *chunk_add(op_graph_t *g, size_t cap)
{
    chunk_t *c = big_alloc(sizeof *c + cap);
    if (!c)
        return NULL;
    c->used = 0;
    c->cap = cap;
    c->next = NULL;
    chunk_t **tail = &g->chunks;
    while (*tail)
        tail = &(*tail)->next;
    *tail = c;
    return c;
}

static void *arena_alloc(op_graph_t *g, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    while (g->cur && g->cur->used + size > g->cur->cap)
        g->cur = g->cur->next;
    if (!g->cur) {
        /* a graph's first chunk is 64 KB (a small graph's names fit, from
         * the heap without an mmap and its page faults), later ones 1 MB */
        size_t cap = g->chunks ? (size_t)1 << 20 : (size_t)1 << 16;
        while (cap < size)
            cap *= 2;
        if (!(g->cur = chunk_add(g, cap)))
            return NULL;
    }
    void *p = g->cur->data + g->cur->used;
    g->cur->used += size;
    return p;
}

static char *arena_strdup(op_graph_t *g, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = arena_alloc(g, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static const struct {
    const char *name;
    double bytes;
} dtypes[DT__COUNT] = {
    [DT_BF16] = {"bf16", 2}, [DT_FP16] = {"fp16", 2}, [DT_FP32] = {"fp32", 4},
    [DT_FP64] = {"fp64", 8}, [DT_FP8] = {"fp8", 1},   [DT_FP4] = {"fp4", 0.5},
    [DT_INT4] = {"int4", 0.5}, [DT_INT8] = {"int8", 1}, [DT_INT16] = {"int16", 2},
    [DT_INT32] = {"int32", 4}, [DT_INT64] = {"int64", 8}, [DT_BOOL] = {"bool", 1},
};

double op_dtype_bytes(op_dtype_t t)
{
    return (unsigned)t < DT__COUNT ? dtypes[t].bytes : 0;
}

const char *op_dtype_name(op_dtype_t t)
{
    return (unsigned)t < DT__COUNT ? dtypes[t].name : "?";
}

int op_dtype_parse(const char *s)
{
    static const struct {
        const char *alias;
        op_dtype_t t;
    } aliases[] = {
        {"bfloat16", DT_BF16}, {"float16", DT_FP16}, {"half", DT_FP16},
        {"float32", DT_FP32}, {"float", DT_FP32}, {"float64", DT_FP64}, {"double", DT_FP64},
        {"float8", DT_FP8}, {"float8_e4m3fn", DT_FP8}, {"float8_e5m2", DT_FP8}, {"e4m3", DT_FP8},
        {"DT_BFLOAT16", DT_BF16}, {"DT_HALF", DT_FP16}, {"DT_FLOAT", DT_FP32},
        {"DT_FLOAT32", DT_FP32}, {"DT_DOUBLE", DT_FP64}, {"DT_FLOAT8", DT_FP8},
        {"DT_INT8", DT_INT8}, {"DT_INT32", DT_INT32}, {"DT_INT", DT_INT32},
        {"DT_INT64", DT_INT64}, {"DT_BOOL", DT_BOOL},
    };
    if (!s)
        return -1;
    for (int i = 0; i < DT__COUNT; i++)
        if (strcasecmp(s, dtypes[i].name) == 0)
            return i;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(s, aliases[i].alias) == 0)
            return (int)aliases[i].t;
    return -1;
}

int64_t op_tensor_elems(const op_tensor_t *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++)
        n *= t->dim[i];
    return n;
}

double op_tensor_bytes(const op_tensor_t *t)
{
    return (double)op_tensor_elems(t) * op_dtype_bytes(t->dtype);
}

char *op_tensor_str(const op_tensor_t *t, char *buf, size_t len)
{
    size_t o = 0;
    if (len == 0)
        return buf;
    buf[0] = '\0';
    o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "[");
    for (int i = 0; i < t->rank; i++)
        o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%lld", i ? "," : "", (long long)t->dim[i]);
    snprintf(buf + (o < len ? o : len - 1), o < len ? len - o : 1, "]");
    return buf;
}

op_tensor_t op_tensor(op_dtype_t dt, int n, const int64_t *dims)
{
    op_tensor_t t;
    memset(&t, 0, sizeof t);
    t.dtype = dt;
    t.rank = n < 0 ? 0 : n > OP_MAX_RANK ? OP_MAX_RANK : n;
    for (int i = 0; i < t.rank; i++)
        t.dim[i] = dims[i];
    return t;
}

const char *op_kind_name(op_kind_t k)
{
    static const char *const names[OPK__COUNT] = {
        [OPK_MATMUL] = "matmul", [OPK_ATTENTION] = "attention", [OPK_CONV] = "conv",
        [OPK_ELEMENTWISE] = "elementwise", [OPK_NORM] = "norm", [OPK_SOFTMAX] = "softmax",
        [OPK_REDUCE] = "reduce", [OPK_EMBEDDING] = "embedding", [OPK_MEMORY] = "memory",
        [OPK_COLLECTIVE] = "collective", [OPK_TRANSFER] = "transfer", [OPK_OTHER] = "other",
    };
    return (unsigned)k < OPK__COUNT ? names[k] : "?";
}

const char *op_coll_name(op_coll_t c)
{
    static const char *const names[COLL__COUNT] = {
        [COLL_NONE] = "", [COLL_ALL_REDUCE] = "AllReduce", [COLL_ALL_GATHER] = "AllGather",
        [COLL_REDUCE_SCATTER] = "ReduceScatter", [COLL_ALL_TO_ALL] = "AllToAll",
        [COLL_SEND] = "Send", [COLL_RECV] = "Recv",
    };
    return (unsigned)c < COLL__COUNT ? names[c] : "?";
}

op_graph_t *op_graph_new(void)
{
    return calloc(1, sizeof(op_graph_t));
}

void op_graph_free(op_graph_t *g)
{
    if (!g)
        return;
    for (chunk_t *c = g->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(g->ops);
    free(g);
}

void op_graph_clear(op_graph_t *g)
{
    for (chunk_t *c = g->chunks; c; c = c->next)
        c->used = 0;
    g->cur = g->chunks;
    g->n = 0;
    g->nrecent = 0;
}

const char *op_graph_strdup(op_graph_t *g, const char *s)
{
    if (!s)
        return NULL;
    /* the same pointer or text as the last few interned strings is reused:
     * generators repeat opcodes and einsum expressions op after op (a key of
     * length and end bytes is compared before the text) */
    unsigned n = g->nrecent < RECENT ? g->nrecent : RECENT;
    for (unsigned i = 0; i < n; i++)
        if (g->recent[i] == s)
            return s;
    size_t len = strlen(s);
    uint64_t head = 0, tail = 0; /* the first and last 8 bytes (a short string's bytes) */
    if (len >= 8) {
        memcpy(&head, s, 8);
        memcpy(&tail, s + len - 8, 8);
    } else {
        for (size_t i = 0; i < len; i++)
            head = head << 8 | (unsigned char)s[i];
    }
    uint64_t key = (uint64_t)len * 0x9E3779B97F4A7C15ULL ^ head ^ (tail * 0xC2B2AE3D27D4EB4FULL);
    for (unsigned i = 0; i < n; i++)
        if (g->recent_key[i] == key && memcmp(g->recent[i], s, len) == 0)
            return g->recent[i];
    char *d = arena_alloc(g, len + 1);
    if (d) {
        memcpy(d, s, len + 1);
        g->recent_key[g->nrecent % RECENT] = key;
        g->recent[g->nrecent++ % RECENT] = d;
    }
    return d;
}

/* Room for n records, and about 64 bytes of names and dependency lists
 * each in the arena. */
int op_graph_reserve(op_graph_t *g, size_t n)
{
    size_t free_bytes = 0;
    for (chunk_t *c = g->cur; c; c = c->next)
        free_bytes += c->cap - c->used;
    if (n > g->n && (n - g->n) * 64 > free_bytes) {
        chunk_t *c = chunk_add(g, (n - g->n) * 64);
        if (!c)
            return -1;
        if (!g->cur)
            g->cur = c;
    }
    if (n <= g->cap)
        return 0;
    op_t *p = big_alloc(n * sizeof *p);
    if (!p)
        return -1;
    if (g->n)
        memcpy(p, g->ops, g->n * sizeof *p);
    free(g->ops);
    g->ops = p;
    g->cap = n;
    return 0;
}

/* *dst = *src in 64-byte pieces: the plain struct copy compiles to rep
 * movs, whose start-up cost dominated building graphs of hundreds of
 * thousands of records; the pieces become vector moves.  Copies every
 * field, present and future. */
static void copy_record(op_t *dst, const op_t *src)
{
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0;
    for (; i + 64 <= sizeof *dst; i += 64)
        memcpy(d + i, s + i, 64);
    memcpy(d + i, s + i, sizeof *dst - i);
}

long op_graph_add(op_graph_t *g, const op_t *op)
{
    if (g->n == g->cap && op_graph_reserve(g, g->cap ? 2 * g->cap : 64))
        return -1;
    op_t *o = &g->ops[g->n];
    copy_record(o, op);
    /* names are unique: copied without the search op_graph_strdup does */
    o->name = arena_strdup(g, op->name ? op->name : "");
    o->opcode = op_graph_strdup(g, op->opcode ? op->opcode : "");
    o->einsum = op->einsum ? op_graph_strdup(g, op->einsum) : NULL;
    if (!o->name || !o->opcode || (op->einsum && !o->einsum))
        return -1;
    if (o->count < 1)
        o->count = 1;
    o->deps = NULL;
    o->n_deps = 0;
    if (op->n_deps) {
        o->deps = arena_alloc(g, op->n_deps * sizeof *o->deps);
        if (!o->deps)
            return -1;
        memcpy(o->deps, op->deps, op->n_deps * sizeof *o->deps);
        o->n_deps = op->n_deps;
    }
    return (long)g->n++;
}

int op_graph_dep(op_graph_t *g, size_t to, size_t from)
{
    if (to >= g->n || from >= g->n)
        return -1;
    op_t *o = &g->ops[to];
    for (size_t i = 0; i < o->n_deps; i++)
        if (o->deps[i] == from)
            return 0;
    uint32_t *p = arena_alloc(g, (o->n_deps + 1) * sizeof *p);
    if (!p)
        return -1;
    if (o->n_deps)
        memcpy(p, o->deps, o->n_deps * sizeof *p);
    p[o->n_deps++] = (uint32_t)from;
    o->deps = p;
    return 0;
}

size_t op_graph_len(const op_graph_t *g)
{
    return g->n;
}

op_t *op_graph_at(op_graph_t *g, size_t i)
{
    return i < g->n ? &g->ops[i] : NULL;
}

const op_t *op_graph_get(const op_graph_t *g, size_t i)
{
    return i < g->n ? &g->ops[i] : NULL;
}

uint32_t *op_graph_topo_order(const op_graph_t *g)
{
    size_t n = g->n;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    size_t *indeg = calloc(n ? n : 1, sizeof *indeg);
    size_t *nout = calloc(n + 1, sizeof *nout);
    if (!order || !indeg || !nout)
        goto fail;
    /* successor lists in CSR form */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < g->ops[i].n_deps; j++) {
            nout[g->ops[i].deps[j] + 1]++;
            indeg[i]++;
        }
    for (size_t i = 0; i < n; i++)
        nout[i + 1] += nout[i];
    uint32_t *succ = malloc((nout[n] ? nout[n] : 1) * sizeof *succ);
    size_t *fill = calloc(n ? n : 1, sizeof *fill);
    if (!succ || !fill) {
        free(succ);
        free(fill);
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < g->ops[i].n_deps; j++) {
            uint32_t f = g->ops[i].deps[j];
            succ[nout[f] + fill[f]++] = (uint32_t)i;
        }
    /* Kahn's algorithm with a min-heap on the index: deterministic, and the
     * construction order wherever the data flow allows it */
    uint32_t *heap = malloc((n ? n : 1) * sizeof *heap);
    size_t hn = 0, done = 0;
    if (!heap) {
        free(succ);
        free(fill);
        goto fail;
    }
#define HEAP_PUSH(v)                                                                                   \
    do {                                                                                               \
        size_t c_ = hn++;                                                                              \
        heap[c_] = (v);                                                                                \
        while (c_ > 0 && heap[(c_ - 1) / 2] > heap[c_]) {                                              \
            uint32_t t_ = heap[c_];                                                                    \
            heap[c_] = heap[(c_ - 1) / 2];                                                             \
            heap[(c_ - 1) / 2] = t_;                                                                   \
            c_ = (c_ - 1) / 2;                                                                         \
        }                                                                                              \
    } while (0)
    for (size_t i = 0; i < n; i++)
        if (indeg[i] == 0)
            HEAP_PUSH((uint32_t)i);
    while (hn > 0) {
        uint32_t v = heap[0];
        heap[0] = heap[--hn];
        for (size_t c = 0;;) {
            size_t l = 2 * c + 1, r = l + 1, m = c;
            if (l < hn && heap[l] < heap[m])
                m = l;
            if (r < hn && heap[r] < heap[m])
                m = r;
            if (m == c)
                break;
            uint32_t t = heap[c];
            heap[c] = heap[m];
            heap[m] = t;
            c = m;
        }
        order[done++] = v;
        for (size_t k = nout[v]; k < nout[v + 1]; k++)
            if (--indeg[succ[k]] == 0)
                HEAP_PUSH(succ[k]);
    }
#undef HEAP_PUSH
    free(heap);
    free(succ);
    free(fill);
    free(indeg);
    free(nout);
    if (done != n) {
        free(order);
        return NULL;
    }
    return order;
fail:
    free(order);
    free(indeg);
    free(nout);
    return NULL;
}

double op_einsum_flops(const char *expr, const op_tensor_t *a, const op_tensor_t *b)
{
    /* every distinct (letter, size) pair of A and B is a batch, reduction
     * or free axis; each contributes its size once */
    char letters[2 * OP_MAX_RANK];
    int64_t sizes[2 * OP_MAX_RANK];
    int npairs = 0;
    const char *semi = strchr(expr, ';');
    const char *arrow = strstr(expr, "->");
    if (!semi || !arrow || arrow < semi)
        return -1;
    const op_tensor_t *ts[2] = {a, b};
    const char *spans[2][2] = {{expr, semi}, {semi + 1, arrow}};
    for (int t = 0; t < 2; t++) {
        int len = (int)(spans[t][1] - spans[t][0]);
        if (len != ts[t]->rank)
            return -1;
        for (int i = 0; i < len; i++) {
            char c = spans[t][0][i];
            int64_t s = ts[t]->dim[i];
            int dup = 0;
            for (int k = 0; k < npairs; k++)
                if (letters[k] == c && sizes[k] == s)
                    dup = 1;
            if (!dup) {
                letters[npairs] = c;
                sizes[npairs++] = s;
            }
        }
    }
    double f = 2;
    for (int k = 0; k < npairs; k++)
        f *= (double)sizes[k];
    return f;
}

double op_flops_per_element(const char *opcode)
{
    if (!strcmp(opcode, "LayerNorm") || !strcmp(opcode, "GroupNorm"))
        return 8;
    if (!strcmp(opcode, "RMSNorm"))
        return 6;
    if (!strcmp(opcode, "Softmax"))
        return 4;
    return 1;
}

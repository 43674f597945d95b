/*
 * chakra.c -- ASTRA-sim 2's input: one Chakra execution trace per NPU
 * (specs/astrasim.md §4), a stream of protobuf messages each preceded by
 * its length as a varint: a GlobalMetadata, then the Node DAG of the
 * training loop.  Encoded with protobuf-c from src/astra/chakra_et.proto.
 *
 * The DAG of one iteration, for layers 0..n-1 (every strategy):
 *   forward, layer i:  FWD compute <- previous layer's FWD collective (or
 *                      compute); FWD collective <- FWD compute
 *   backward, layer i = n-1..0: WG compute <- the gradient frontier (the
 *                      last forward node, then layer i+1's IG collective or
 *                      compute); WG collective <- WG compute (not waited
 *                      for by the backward chain); for i > 0 IG compute <-
 *                      WG compute and IG collective <- IG compute (the
 *                      first layer's input gradient is never needed)
 *   next iteration:    FWD compute of layer i also waits for layer i's WG
 *                      collective (or compute) of the previous iteration.
 * Compute nodes carry duration_micros (cycles at the clock), num_ops and
 * tensor_size (ASTRA-sim's roofline mode) and our exact compute_cycles;
 * collectives carry comm_type, comm_size and, for the hybrid strategies,
 * involved_dim over a two-dimensional network [inside package, between
 * packages].  Every NPU gets the same trace (the strategies are symmetric).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "astra/astra.h"
#include "chakra_et.pb-c.h"

#define CHAKRA_ET_VERSION "0.0.4"
#define CHAKRA_MAX_FILES 65536

uint64_t astra_cycles_to_us(uint64_t cycles, double freq_hz)
{
    if (cycles == 0)
        return 0;
    double us = floor((double)cycles / freq_hz * 1e6 + 0.5);
    return us < 1 ? 1 : (uint64_t)us;
}

typedef struct {
    unsigned char *buf;
    size_t len, cap;
    int oom;
} bytes_t;

static void put(bytes_t *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = (b->cap + n) * 2;
        unsigned char *nb = realloc(b->buf, cap);
        if (!nb) {
            b->oom = 1;
            return;
        }
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}

static void put_varint(bytes_t *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        tmp[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            tmp[n] |= 0x80;
        n++;
    } while (v);
    put(b, tmp, n);
}

/* a length-prefixed message */
static void put_message(bytes_t *b, const ProtobufCMessage *m)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    put_varint(b, n);
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2;
        unsigned char *nb = realloc(b->buf, cap);
        if (!nb) {
            b->oom = 1;
            return;
        }
        b->buf = nb;
        b->cap = cap;
    }
    b->len += protobuf_c_message_pack(m, b->buf + b->len);
}

static int comm_type_of(op_coll_t c)
{
    switch (c) {
    case COLL_ALL_GATHER: return CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_GATHER;
    case COLL_REDUCE_SCATTER: return CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__REDUCE_SCATTER;
    case COLL_ALL_TO_ALL: return CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_TO_ALL;
    default: return CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_REDUCE;
    }
}

static const char *const pass_names[ASTRA_PASSES] = {"fwd", "ig", "wg"};

typedef struct {
    bytes_t out;
    uint64_t next_id;
    const astra_workload_t *w;
    const astra_chakra_opts_t *o;
} trace_t;

#define NO_DEP UINT64_MAX

static void add_deps(ChakraProtoMsg__Node *n, uint64_t *deps, const uint64_t *want, int k)
{
    n->n_data_deps = 0;
    for (int i = 0; i < k; i++)
        if (want[i] != NO_DEP)
            deps[n->n_data_deps++] = want[i];
    n->data_deps = deps;
}

static uint64_t emit_comp(trace_t *t, const astra_layer_t *l, int pass, int iter, uint64_t dep1, uint64_t dep2)
{
    char name[320];
    if (t->o->passes > 1)
        snprintf(name, sizeof name, "%s.%s.iter%d", l->name, pass_names[pass], iter);
    else
        snprintf(name, sizeof name, "%s.%s", l->name, pass_names[pass]);
    ChakraProtoMsg__Node n = CHAKRA_PROTO_MSG__NODE__INIT;
    uint64_t deps[2];
    add_deps(&n, deps, (const uint64_t[]){dep1, dep2}, 2);
    n.id = t->next_id++;
    n.name = name;
    n.type = CHAKRA_PROTO_MSG__NODE_TYPE__COMP_NODE;
    n.duration_micros = astra_cycles_to_us(l->cycles[pass], t->o->freq_hz);
    const astra_gemm_t *g = &l->gemm[pass];
    uint64_t tensor_bytes = (g->m * g->k + g->k * g->n + g->m * g->n) * t->w->datatype_bytes;
    ChakraProtoMsg__AttributeProto a[4] = {CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT,
                                           CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT,
                                           CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT,
                                           CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT};
    a[0].name = "is_cpu_op";
    a[0].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_BOOL_VAL;
    a[0].bool_val = 0;
    a[1].name = "num_ops";
    a[1].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_INT64_VAL;
    a[1].int64_val = (int64_t)l->flops[pass];
    a[2].name = "tensor_size";
    a[2].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_UINT64_VAL;
    a[2].uint64_val = tensor_bytes;
    a[3].name = "compute_cycles";
    a[3].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_UINT64_VAL;
    a[3].uint64_val = l->cycles[pass];
    ChakraProtoMsg__AttributeProto *ap[4] = {&a[0], &a[1], &a[2], &a[3]};
    n.attr = ap;
    n.n_attr = 4;
    put_message(&t->out, &n.base);
    return n.id;
}

static uint64_t emit_coll(trace_t *t, const astra_layer_t *l, int pass, int iter, uint64_t dep)
{
    char name[320];
    if (t->o->passes > 1)
        snprintf(name, sizeof name, "%s.%s.%s.iter%d", l->name, pass_names[pass], astra_coll_token(l->coll[pass]),
                 iter);
    else
        snprintf(name, sizeof name, "%s.%s.%s", l->name, pass_names[pass], astra_coll_token(l->coll[pass]));
    ChakraProtoMsg__Node n = CHAKRA_PROTO_MSG__NODE__INIT;
    uint64_t deps[1];
    add_deps(&n, deps, (const uint64_t[]){dep}, 1);
    n.id = t->next_id++;
    n.name = name;
    n.type = CHAKRA_PROTO_MSG__NODE_TYPE__COMM_COLL_NODE;
    ChakraProtoMsg__AttributeProto a[4] = {CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT,
                                           CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT,
                                           CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT,
                                           CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT};
    a[0].name = "is_cpu_op";
    a[0].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_BOOL_VAL;
    a[0].bool_val = 0;
    a[1].name = "comm_type";
    a[1].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_INT64_VAL;
    a[1].int64_val = comm_type_of(l->coll[pass]);
    a[2].name = "comm_size";
    a[2].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_INT64_VAL;
    a[2].int64_val = (int64_t)l->comm_bytes[pass];
    protobuf_c_boolean dims[2] = {l->dims[pass] == ASTRA_DIMS_INNER, l->dims[pass] == ASTRA_DIMS_OUTER};
    ChakraProtoMsg__BoolList bl = CHAKRA_PROTO_MSG__BOOL_LIST__INIT;
    bl.n_values = 2;
    bl.values = dims;
    a[3].name = "involved_dim";
    a[3].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_BOOL_LIST;
    a[3].bool_list = &bl;
    ChakraProtoMsg__AttributeProto *ap[4] = {&a[0], &a[1], &a[2], &a[3]};
    n.attr = ap;
    /* all dimensions: leave involved_dim out (ASTRA-sim's default) */
    n.n_attr = l->dims[pass] == ASTRA_DIMS_INNER || l->dims[pass] == ASTRA_DIMS_OUTER ? 4 : 3;
    put_message(&t->out, &n.base);
    return n.id;
}

static void emit_metadata(trace_t *t)
{
    const astra_workload_t *w = t->w;
    ChakraProtoMsg__GlobalMetadata g = CHAKRA_PROTO_MSG__GLOBAL_METADATA__INIT;
    g.version = CHAKRA_ET_VERSION;
    ChakraProtoMsg__AttributeProto a[4] = {CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT,
                                           CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT,
                                           CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT,
                                           CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__INIT};
    a[0].name = "generator";
    a[0].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_STRING_VAL;
    a[0].string_val = "hwsweep astra";
    a[1].name = "parallel";
    a[1].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_STRING_VAL;
    a[1].string_val = (char *)astra_strategy_name(w->parallel);
    a[2].name = "num_npus";
    a[2].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_UINT64_VAL;
    a[2].uint64_val = w->num_npus;
    a[3].name = "freq_hz";
    a[3].value_case = CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_DOUBLE_VAL;
    a[3].double_val = t->o->freq_hz;
    ChakraProtoMsg__AttributeProto *ap[4] = {&a[0], &a[1], &a[2], &a[3]};
    g.attr = ap;
    g.n_attr = 4;
    put_message(&t->out, &g.base);
}

unsigned char *astra_chakra_render(const astra_workload_t *w, const astra_chakra_opts_t *o, size_t *len)
{
    trace_t t = {{NULL, 0, 0, 0}, 0, w, o};
    uint64_t *prev_wg = malloc((w->n ? w->n : 1) * sizeof *prev_wg);
    if (!prev_wg)
        return NULL;
    for (size_t i = 0; i < w->n; i++)
        prev_wg[i] = NO_DEP;
    emit_metadata(&t);
    for (int it = 0; it < o->passes; it++) {
        uint64_t frontier = NO_DEP;
        for (size_t i = 0; i < w->n; i++) {
            const astra_layer_t *l = &w->layers[i];
            frontier = emit_comp(&t, l, ASTRA_FWD, it, frontier, prev_wg[i]);
            if (l->coll[ASTRA_FWD] != COLL_NONE)
                frontier = emit_coll(&t, l, ASTRA_FWD, it, frontier);
        }
        for (size_t i = w->n; i-- > 0;) {
            const astra_layer_t *l = &w->layers[i];
            uint64_t wg = emit_comp(&t, l, ASTRA_WG, it, frontier, NO_DEP);
            prev_wg[i] = l->coll[ASTRA_WG] != COLL_NONE ? emit_coll(&t, l, ASTRA_WG, it, wg) : wg;
            frontier = wg;
            if (i > 0) {
                frontier = emit_comp(&t, l, ASTRA_IG, it, wg, NO_DEP);
                if (l->coll[ASTRA_IG] != COLL_NONE)
                    frontier = emit_coll(&t, l, ASTRA_IG, it, frontier);
            }
        }
    }
    free(prev_wg);
    if (t.out.oom) {
        free(t.out.buf);
        return NULL;
    }
    *len = t.out.len;
    return t.out.buf;
}

int astra_chakra_write(const astra_workload_t *w, const astra_chakra_opts_t *o, const char *prefix, char *err,
                       size_t errlen)
{
    if (w->num_npus > CHAKRA_MAX_FILES) {
        snprintf(err, errlen, "--format chakra writes one file per NPU: at most %d NPUs", CHAKRA_MAX_FILES);
        return -1;
    }
    size_t len;
    unsigned char *bytes = astra_chakra_render(w, o, &len);
    if (!bytes) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t plen = strlen(prefix) + 64;
    char *path = malloc(plen), *tmp = malloc(plen);
    uint64_t done = 0;
    int rc = path && tmp ? 0 : -1;
    if (rc)
        snprintf(err, errlen, "out of memory");
    for (; rc == 0 && done < w->num_npus; done++) {
        snprintf(tmp, plen, "%s.%llu.et.tmp.%ld", prefix, (unsigned long long)done, (long)getpid());
        FILE *f = fopen(tmp, "wb");
        int bad = !f;
        if (f) {
            bad |= fwrite(bytes, 1, len, f) != len;
            bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
            bad |= fclose(f) != 0;
        }
        if (bad) {
            snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
            if (f)
                unlink(tmp);
            rc = -1;
            break;
        }
    }
    /* every temporary written: move them all into place; else remove them */
    for (uint64_t i = 0; i < done; i++) {
        snprintf(tmp, plen, "%s.%llu.et.tmp.%ld", prefix, (unsigned long long)i, (long)getpid());
        snprintf(path, plen, "%s.%llu.et", prefix, (unsigned long long)i);
        if (rc == 0 && rename(tmp, path) != 0) {
            snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
            rc = -1;
        }
        if (rc)
            unlink(tmp);
    }
    free(path);
    free(tmp);
    free(bytes);
    return rc;
}

/*
 * expand.c -- sweep expansion of a mapping into its points (contract:
 * cfg_expand / cfg_points_free in node.h).
 *
 * Reproduces ReaLLM v1's expand_dict: every key of a mapping contributes a
 * list of alternatives (a scalar: itself; a list: its elements, a mapping
 * element contributing all of its points; a mapping: its points), and the
 * points are the Cartesian product over the keys in YAML order, first key
 * slowest.  `associated_explore: KEY` couples keys: one mapping per value
 * v of KEY's list, where every other mapping-valued key takes its entry for
 * v; each of those mappings is then expanded normally.
 *
 * Point maps are allocated in the doc arena and share the input's leaves;
 * the scratch vectors of alternatives are malloc'd and freed here.  Counts
 * are checked against max_points before anything is built.
 */
#include "config/node.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASSOCIATED_KEY "associated_explore"

typedef struct {            /* growable vector of alternatives */
    const node_t **v;
    size_t n, cap;
} alts_t;

typedef struct {
    cfg_doc_t *doc;
    size_t max;
    cfg_err_t *err;
} ctx_t;

static bool expand_map(const ctx_t *c, const node_t *map, alts_t *out);

static bool too_many(const ctx_t *c, const node_t *at)
{
    cfg_node_errorf(c->err, at, "the sweep has more than %zu points",
                    c->max);
    return false;
}

static bool out_of_memory(const ctx_t *c, const node_t *at)
{
    cfg_node_errorf(c->err, at, "out of memory expanding the sweep");
    return false;
}

static bool alts_push(const ctx_t *c, alts_t *a, const node_t *n,
                      const node_t *at)
{
    if (a->n >= c->max)
        return too_many(c, at);
    if (a->n == a->cap) {
        size_t ncap = a->cap ? a->cap * 2 : 8;
        const node_t **nv = ncap <= SIZE_MAX / sizeof *nv
                                ? realloc(a->v, ncap * sizeof *nv) : NULL;
        if (!nv)
            return out_of_memory(c, at);
        a->v = nv;
        a->cap = ncap;
    }
    a->v[a->n++] = n;
    return true;
}

static bool empty_list(const ctx_t *c, const node_t *seq)
{
    cfg_node_errorf(c->err, seq, "empty list: nothing to sweep");
    return false;
}

/* The alternatives one value contributes, appended to out. */
static bool alternatives(const ctx_t *c, const node_t *value, alts_t *out)
{
    if (value->kind == NODE_MAP)
        return expand_map(c, value, out);
    if (value->kind == NODE_SCALAR)
        return alts_push(c, out, value, value);
    if (value->n == 0)
        return empty_list(c, value);
    for (size_t i = 0; i < value->n; i++) {
        const node_t *e = value->items[i];
        bool ok = e->kind == NODE_MAP ? expand_map(c, e, out)
                                      : alts_push(c, out, e, value);
        if (!ok)
            return false;
    }
    return true;
}

/* -- Cartesian product -- */

static void free_dims(alts_t *dims, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(dims[i].v);
    free(dims);
}

/* Point number idx of the product (last key fastest) as a new map. */
static node_t *make_point(const ctx_t *c, const node_t *map,
                          const alts_t *dims, size_t idx)
{
    node_t *p = cfg_new_map(c->doc, map, map->n);
    if (!p)
        return NULL;
    for (size_t i = map->n; i-- > 0;) {
        p->keys[i] = map->keys[i];
        p->key_line[i] = map->key_line[i];
        p->key_col[i] = map->key_col[i];
        p->items[i] = (node_t *)dims[i].v[idx % dims[i].n];
        idx /= dims[i].n;
    }
    return p;
}

static bool cartesian(const ctx_t *c, const node_t *map, alts_t *out)
{
    alts_t *dims = calloc(map->n ? map->n : 1, sizeof *dims);
    if (!dims)
        return out_of_memory(c, map);
    size_t count = 1;
    bool ok = true;
    for (size_t i = 0; ok && i < map->n; i++) {
        ok = alternatives(c, map->items[i], &dims[i]);
        if (ok && count > c->max / dims[i].n)
            ok = too_many(c, map);
        if (ok)
            count *= dims[i].n;
    }
    if (ok && count > c->max - out->n)
        ok = too_many(c, map);
    for (size_t k = 0; ok && k < count; k++) {
        node_t *p = make_point(c, map, dims, k);
        ok = p ? alts_push(c, out, p, map) : out_of_memory(c, map);
    }
    free_dims(dims, map->n);
    return ok;
}

/* -- associated_explore -- */

/* "a, b, c" of the map's keys except skip, cut to fit cap. */
static void list_keys(const node_t *map, size_t skip, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < map->n; i++) {
        if (i == skip)
            continue;
        size_t need = strlen(map->keys[i]) + 2;
        if (k + need + 4 >= cap) {
            strcpy(buf + k, k ? ", ..." : "...");
            return;
        }
        k += (size_t)sprintf(buf + k, "%s%s", k ? ", " : "", map->keys[i]);
    }
}

/* The index of the key named by associated_explore (at index ai). */
static bool coupled_key(const ctx_t *c, const node_t *map, size_t ai,
                        size_t *ki)
{
    const node_t *av = map->items[ai];
    if (av->kind != NODE_SCALAR) {
        cfg_node_errorf(c->err, av, ASSOCIATED_KEY " must name a key of "
                                    "this mapping");
        return false;
    }
    int k = cfg_key_index(map, av->scalar);
    if (k < 0 || (size_t)k == ai) {
        char keys[512];
        list_keys(map, ai, keys, sizeof keys);
        cfg_node_errorf(c->err, av, ASSOCIATED_KEY ": '%s' is not a key of "
                        "this mapping (keys: %s)", av->scalar, keys);
        return false;
    }
    const node_t *kv = map->items[k];
    if (kv->kind != NODE_SEQ) {
        cfg_node_errorf(c->err, kv, ASSOCIATED_KEY ": '%s' must be a list",
                        av->scalar);
        return false;
    }
    if (kv->n == 0)
        return empty_list(c, kv);
    *ki = (size_t)k;
    return true;
}

/* The mapping for one value v of the coupled key (at index ki). */
static node_t *coupled_map(const ctx_t *c, const node_t *map, size_t ai,
                           size_t ki, const node_t *v)
{
    node_t *m = cfg_new_map(c->doc, map, map->n - 1);
    if (!m) {
        out_of_memory(c, map);
        return NULL;
    }
    for (size_t i = 0, j = 0; i < map->n; i++) {
        if (i == ai)
            continue;
        const node_t *val = map->items[i];
        if (i == ki) {
            val = v;
        } else if (val->kind == NODE_MAP) {
            val = cfg_get(val, v->scalar);
            if (!val) {
                cfg_node_errorf(c->err, map->items[i], "%s has no value for "
                                "'%s' (" ASSOCIATED_KEY ": %s)", map->keys[i],
                                v->scalar, map->keys[ki]);
                return NULL;
            }
        }
        m->keys[j] = map->keys[i];
        m->key_line[j] = map->key_line[i];
        m->key_col[j] = map->key_col[i];
        m->items[j++] = (node_t *)val;
    }
    return m;
}

static bool associated(const ctx_t *c, const node_t *map, size_t ai,
                       alts_t *out)
{
    size_t ki;
    if (!coupled_key(c, map, ai, &ki))
        return false;
    const node_t *list = map->items[ki];
    for (size_t i = 0; i < list->n; i++) {
        const node_t *v = list->items[i];
        if (v->kind != NODE_SCALAR) {
            cfg_node_errorf(c->err, v, ASSOCIATED_KEY ": the values of '%s' "
                            "must be scalars", map->keys[ki]);
            return false;
        }
        node_t *m = coupled_map(c, map, ai, ki, v);
        if (!m || !cartesian(c, m, out))
            return false;
    }
    return true;
}

static bool expand_map(const ctx_t *c, const node_t *map, alts_t *out)
{
    int ai = cfg_key_index(map, ASSOCIATED_KEY);
    if (ai >= 0)
        return associated(c, map, (size_t)ai, out);
    return cartesian(c, map, out);
}

bool cfg_expand(cfg_doc_t *doc, const node_t *map, size_t max_points,
                cfg_points_t *out, cfg_err_t *err)
{
    if (!out)
        return false;
    out->n = 0;
    out->points = NULL;
    if (!doc || !map || map->kind != NODE_MAP) {
        cfg_node_errorf(err, map, "a sweep must be a mapping");
        return false;
    }
    ctx_t c = {doc, max_points, err};
    alts_t pts = {NULL, 0, 0};
    if (!expand_map(&c, map, &pts)) {
        free(pts.v);
        return false;
    }
    out->n = pts.n;
    out->points = pts.v;
    return true;
}

void cfg_points_free(cfg_points_t *pts)
{
    if (!pts)
        return;
    free(pts->points);
    pts->points = NULL;
    pts->n = 0;
}

/* -- counting without building (sizes a sweep before it is expanded) -- */

static double count_map(const node_t *map);

static double count_value(const node_t *v)
{
    if (!v)
        return 1;
    if (v->kind == NODE_MAP)
        return count_map(v);
    if (v->kind == NODE_SCALAR)
        return 1;
    double n = 0;
    for (size_t i = 0; i < v->n; i++)
        n += v->items[i]->kind == NODE_MAP ? count_map(v->items[i]) : 1;
    return n;
}

static double count_map(const node_t *map)
{
    int ai = cfg_key_index(map, ASSOCIATED_KEY);
    const node_t *av = ai >= 0 ? map->items[ai] : NULL;
    int ki = av && av->kind == NODE_SCALAR ? cfg_key_index(map, av->scalar) : -1;
    if (ki < 0 || ki == ai || map->items[ki]->kind != NODE_SEQ) {
        double n = 1;
        for (size_t i = 0; i < map->n; i++)
            if ((int)i != ai)
                n *= count_value(map->items[i]);
        return n;
    }
    const node_t *list = map->items[ki];
    double total = 0;
    for (size_t j = 0; j < list->n; j++) {
        const node_t *v = list->items[j];
        double n = 1;
        for (size_t i = 0; i < map->n; i++) {
            if ((int)i == ai || (int)i == ki)
                continue;
            const node_t *val = map->items[i];
            if (val->kind == NODE_MAP && v->kind == NODE_SCALAR)
                val = cfg_get(val, v->scalar);
            n *= count_value(val);
        }
        total += n;
    }
    return total;
}

double cfg_expand_count(const node_t *map)
{
    return map && map->kind == NODE_MAP ? count_map(map) : 0;
}

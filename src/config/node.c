/*
 * node.c -- the generic YAML part of the config layer (contract: node.h):
 * reading a file and building the tree from libyaml events.  The arena is
 * in node_arena.c, diagnostics and lookups in node_diag.c, the YAML 1.1
 * scalars in node_scalar.c (shared declarations: node_internal.h).
 *
 * Owns:
 *  - the doc arena (every node and string of a loaded or derived document);
 *  - loading one YAML file with libyaml's event API into a tree of node_t
 *    that remembers 1-based line/column of every node and map key, with
 *    anchors/aliases resolved (shared nodes) and the input limits enforced:
 *    16 MiB per file, nesting depth 64, 1,000,000 nodes after alias
 *    expansion, no recursive or undefined aliases, one document whose root
 *    is a mapping, scalar and unique map keys, no NUL inside scalars;
 *  - `file:line:col: message` diagnostics and nearest-key suggestions;
 *  - map lookups and the YAML 1.1 scalar conversions (numbers and booleans
 *    as PyYAML's safe_load reads them).
 *
 * A scalar is `quoted` (always a string) when it is written single- or
 * double-quoted; literal/folded block scalars and scalars tagged `!!str`
 * or `!` are treated the same way, since YAML never resolves them to
 * numbers or booleans either.
 *
 * No mutable global state: every load owns its parser, builder and arena.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L        /* strerror_r */
#endif
#include "config/node.h"
#include "config/node_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>


#define CFG_MAX_DEPTH 64
#define CFG_MAX_NODES 1000000u
#define CFG_MAX_FILE ((size_t)16 << 20)

/* ---- reading the file ------------------------------------------------- */

static void errno_text(int e, char *buf, size_t cap)
{
    if (strerror_r(e, buf, cap) != 0)
        snprintf(buf, cap, "error %d", e);
}

/* The whole file into a malloc'd buffer, at most CFG_MAX_FILE bytes. */
static bool read_file(const char *path, unsigned char **out, size_t *len,
                      cfg_err_t *err)
{
    char why[128];
    FILE *f = fopen(path, "rb");
    if (!f) {
        errno_text(errno, why, sizeof why);
        cfg_errorf(err, path, 1, 1, "cannot open file: %s", why);
        return false;
    }
    size_t cap = 64 << 10, n = 0;
    unsigned char *buf = malloc(cap);
    bool ok = buf != NULL;
    while (ok) {
        if (n == cap) {
            size_t ncap = cap * 2 > CFG_MAX_FILE + 1 ? CFG_MAX_FILE + 1
                                                     : cap * 2;
            unsigned char *nb = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!nb) {
                ok = false;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > CFG_MAX_FILE || got == 0)
            break;
    }
    if (!ok) {
        cfg_errorf(err, path, 1, 1, "out of memory reading the file");
    } else if (ferror(f)) {
        errno_text(errno, why, sizeof why);
        cfg_errorf(err, path, 1, 1, "cannot read file: %s", why);
        ok = false;
    } else if (n > CFG_MAX_FILE) {
        cfg_errorf(err, path, 1, 1, "file is larger than 16 MiB");
        ok = false;
    }
    fclose(f);
    if (!ok) {
        free(buf);
        return false;
    }
    *out = buf;
    *len = n;
    return true;
}

/* ---- building the tree from libyaml events ---------------------------- */

typedef struct {            /* one child of an open collection */
    node_t *item;
    const char *key;
    int key_line, key_col;
} slot_t;

typedef struct {            /* an open sequence or mapping */
    node_t *node;
    size_t start;           /* its first slot */
    size_t total_at_start;  /* node count before it, for its anchor size */
    const char *anchor;     /* its anchor name, or NULL */
    bool want_value;        /* mapping: a key is waiting for its value */
} frame_t;

typedef struct {
    const char *name;       /* NULL: empty slot */
    node_t *node;
    size_t size;            /* node count of the node after expansion */
    bool done;              /* false while the anchored node is open */
} anchor_t;

typedef struct {
    cfg_doc_t *doc;
    cfg_err_t *err;
    const unsigned char *text;
    size_t text_len;
    frame_t frames[CFG_MAX_DEPTH];
    int depth;
    slot_t *slots;
    size_t nslots, slots_cap;
    anchor_t *anchors;
    size_t anchors_cap, anchors_used;
    size_t total;           /* nodes so far, aliases counted expanded */
    int ndocs;
} builder_t;

static int mark_int(size_t v)
{
    return v >= (size_t)INT_MAX ? INT_MAX : (int)v + 1;
}

static bool fail_at(builder_t *b, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail_at(builder_t *b, yaml_mark_t m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfg_err_vformat(b->err, b->doc->file, mark_int(m.line), mark_int(m.column),
                fmt, ap);
    va_end(ap);
    return false;
}

static bool fail_oom(builder_t *b, yaml_mark_t m)
{
    return fail_at(b, m, "out of memory");
}

/* -- anchors: open-addressing hash table keyed by name -- */

static size_t hash_name(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static anchor_t *anchor_slot(anchor_t *tab, size_t cap, const char *name)
{
    size_t i = hash_name(name) & (cap - 1);
    while (tab[i].name && strcmp(tab[i].name, name) != 0)
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

static bool anchors_grow(builder_t *b)
{
    size_t ncap = b->anchors_cap ? b->anchors_cap * 2 : 64;
    anchor_t *tab = calloc(ncap, sizeof *tab);
    if (!tab)
        return false;
    for (size_t i = 0; i < b->anchors_cap; i++)
        if (b->anchors[i].name)
            *anchor_slot(tab, ncap, b->anchors[i].name) = b->anchors[i];
    free(b->anchors);
    b->anchors = tab;
    b->anchors_cap = ncap;
    return true;
}

static anchor_t *anchor_find(builder_t *b, const char *name)
{
    if (!b->anchors_cap)
        return NULL;
    anchor_t *a = anchor_slot(b->anchors, b->anchors_cap, name);
    return a->name ? a : NULL;
}

/* Define (or redefine: the latest wins) an anchor; returns its arena name. */
static const char *anchor_define(builder_t *b, const char *name, node_t *node,
                                 size_t size, bool done)
{
    if ((b->anchors_used + 1) * 2 > b->anchors_cap && !anchors_grow(b))
        return NULL;
    anchor_t *a = anchor_slot(b->anchors, b->anchors_cap, name);
    if (!a->name) {
        a->name = cfg_strdup(b->doc, name);
        if (!a->name)
            return NULL;
        b->anchors_used++;
    }
    a->node = node;
    a->size = size;
    a->done = done;
    return a->name;
}

/* -- counting and attaching -- */

static bool count_nodes(builder_t *b, size_t add, yaml_mark_t m)
{
    if (add > CFG_MAX_NODES - b->total)
        return fail_at(b, m, "document has more than %u nodes after alias "
                             "expansion", CFG_MAX_NODES);
    b->total += add;
    return true;
}

static bool push_slot(builder_t *b, node_t *item, const char *key, int line,
                      int col)
{
    if (b->nslots == b->slots_cap) {
        size_t ncap = b->slots_cap ? b->slots_cap * 2 : 256;
        slot_t *ns = realloc(b->slots, ncap * sizeof *ns);
        if (!ns)
            return false;
        b->slots = ns;
        b->slots_cap = ncap;
    }
    b->slots[b->nslots++] = (slot_t){item, key, line, col};
    return true;
}

static const char *kind_name(node_kind_t k)
{
    return k == NODE_SCALAR ? "a scalar" : k == NODE_SEQ ? "a sequence"
                                                         : "a mapping";
}

/* The root: must be a mapping (a lone plain empty scalar is no document). */
static bool set_root(builder_t *b, node_t *node, yaml_mark_t m)
{
    if (node->kind == NODE_SCALAR && !node->quoted && !node->scalar[0])
        return fail_at(b, m, "empty document");
    if (node->kind != NODE_MAP)
        return fail_at(b, m, "the top level must be a mapping, not %s",
                       kind_name(node->kind));
    b->doc->root = node;
    return true;
}

/* Hand a finished node to its parent (at position m of this occurrence). */
static bool attach(builder_t *b, node_t *node, yaml_mark_t m)
{
    if (b->depth == 0)
        return set_root(b, node, m);
    frame_t *f = &b->frames[b->depth - 1];
    if (f->node->kind == NODE_SEQ) {
        if (!push_slot(b, node, NULL, 0, 0))
            return fail_oom(b, m);
        return true;
    }
    if (f->want_value) {
        b->slots[b->nslots - 1].item = node;
        f->want_value = false;
        return true;
    }
    if (node->kind != NODE_SCALAR)
        return fail_at(b, m, "mapping keys must be scalars");
    if (!push_slot(b, NULL, node->scalar, mark_int(m.line),
                   mark_int(m.column)))
        return fail_oom(b, m);
    f->want_value = true;
    return true;
}

static node_t *new_node(builder_t *b, node_kind_t kind, yaml_mark_t m)
{
    node_t *n = cfg_arena_alloc(b->doc, sizeof *n);
    if (n) {
        n->kind = kind;
        n->file = b->doc->file;
        n->line = mark_int(m.line);
        n->col = mark_int(m.column);
    }
    return n;
}

/* -- events -- */

static bool is_string_tag(const yaml_char_t *tag)
{
    return tag && (strcmp((const char *)tag, "tag:yaml.org,2002:str") == 0 ||
                   strcmp((const char *)tag, "!") == 0);
}

static bool on_scalar(builder_t *b, const yaml_event_t *ev)
{
    yaml_mark_t m = ev->start_mark;
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (!value) {
        value = "";
        len = 0;
    }
    if (len && memchr(value, '\0', len))
        return fail_at(b, m, "scalar contains a NUL character");
    if (!count_nodes(b, 1, m))
        return false;
    node_t *n = new_node(b, NODE_SCALAR, m);
    char *text = n ? cfg_arena_strndup(b->doc, value, len) : NULL;
    if (!text)
        return fail_oom(b, m);
    n->scalar = text;
    n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                is_string_tag(ev->data.scalar.tag);
    const yaml_char_t *anchor = ev->data.scalar.anchor;
    if (anchor && !anchor_define(b, (const char *)anchor, n, 1, true))
        return fail_oom(b, m);
    return attach(b, n, m);
}

static bool on_alias(builder_t *b, const yaml_event_t *ev)
{
    yaml_mark_t m = ev->start_mark;
    const char *name = (const char *)ev->data.alias.anchor;
    anchor_t *a = anchor_find(b, name);
    if (!a)
        return fail_at(b, m, "undefined alias '%s'", name);
    if (!a->done)
        return fail_at(b, m, "recursive alias '%s' (it is used inside the "
                             "node it names)", name);
    if (!count_nodes(b, a->size, m))
        return false;
    return attach(b, a->node, m);
}

static bool on_start(builder_t *b, const yaml_event_t *ev, node_kind_t kind)
{
    yaml_mark_t m = ev->start_mark;
    if (b->depth == 0 && kind != NODE_MAP)
        return fail_at(b, m, "the top level must be a mapping, not %s",
                       kind_name(kind));
    if (b->depth > 0) {
        const frame_t *p = &b->frames[b->depth - 1];
        if (p->node->kind == NODE_MAP && !p->want_value)
            return fail_at(b, m, "mapping keys must be scalars");
    }
    if (b->depth == CFG_MAX_DEPTH)
        return fail_at(b, m, "nesting deeper than %d levels", CFG_MAX_DEPTH);
    size_t before = b->total;
    if (!count_nodes(b, 1, m))
        return false;
    node_t *n = new_node(b, kind, m);
    if (!n)
        return fail_oom(b, m);
    const yaml_char_t *anchor = kind == NODE_MAP ? ev->data.mapping_start.anchor
                                                 : ev->data.sequence_start.anchor;
    const char *name = NULL;
    if (anchor && !(name = anchor_define(b, (const char *)anchor, n, 0, false)))
        return fail_oom(b, m);
    b->frames[b->depth++] = (frame_t){n, b->nslots, before, name, false};
    return true;
}

typedef struct {
    const char *key;
    size_t index;
} key_ref_t;

static int key_ref_cmp(const void *pa, const void *pb)
{
    const key_ref_t *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Refuse a mapping with a repeated key: report the earliest repeat. */
static bool check_duplicates(builder_t *b, const node_t *map)
{
    if (map->n < 2)
        return true;
    key_ref_t *refs = malloc(map->n * sizeof *refs);
    if (!refs) {
        cfg_node_errorf(b->err, map, "out of memory");
        return false;
    }
    for (size_t i = 0; i < map->n; i++)
        refs[i] = (key_ref_t){map->keys[i], i};
    qsort(refs, map->n, sizeof *refs, key_ref_cmp);
    size_t dup = SIZE_MAX, first = 0;
    for (size_t i = 1; i < map->n; i++) {
        bool starts_run = i == 1 || strcmp(refs[i - 2].key, refs[i].key) != 0;
        if (starts_run && strcmp(refs[i - 1].key, refs[i].key) == 0 &&
            refs[i].index < dup) {
            dup = refs[i].index;
            first = refs[i - 1].index;
        }
    }
    free(refs);
    if (dup == SIZE_MAX)
        return true;
    cfg_errorf(b->err, map->file, map->key_line[dup], map->key_col[dup],
               "duplicate key '%s' (first defined at line %d)",
               map->keys[dup], map->key_line[first]);
    return false;
}

/* Move the open collection's slots into its arena arrays. */
static bool close_frame(builder_t *b, const frame_t *f, yaml_mark_t m)
{
    node_t *n = f->node;
    size_t k = b->nslots - f->start;
    /* an empty collection may close before any slot exists (slots NULL) */
    const slot_t *s = k ? b->slots + f->start : NULL;
    bool oom = false;
    n->n = k;
    n->items = cfg_arena_array(b->doc, k, sizeof *n->items, &oom);
    if (n->kind == NODE_MAP) {
        n->keys = cfg_arena_array(b->doc, k, sizeof *n->keys, &oom);
        n->key_line = cfg_arena_array(b->doc, k, sizeof *n->key_line, &oom);
        n->key_col = cfg_arena_array(b->doc, k, sizeof *n->key_col, &oom);
    }
    if (oom)
        return fail_oom(b, m);
    for (size_t i = 0; i < k; i++) {
        n->items[i] = s[i].item;
        if (n->kind == NODE_MAP) {
            n->keys[i] = s[i].key;
            n->key_line[i] = s[i].key_line;
            n->key_col[i] = s[i].key_col;
        }
    }
    b->nslots = f->start;
    return n->kind != NODE_MAP || check_duplicates(b, n);
}

static bool on_end(builder_t *b, const yaml_event_t *ev)
{
    frame_t f = b->frames[--b->depth];
    if (!close_frame(b, &f, ev->start_mark))
        return false;
    if (f.anchor) {
        anchor_t *a = anchor_find(b, f.anchor);
        if (a && a->node == f.node) {       /* not redefined inside */
            a->done = true;
            a->size = b->total - f.total_at_start;
        }
    }
    yaml_mark_t at = {0, (size_t)f.node->line - 1, (size_t)f.node->col - 1};
    return attach(b, f.node, at);
}

static bool on_event(builder_t *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->ndocs > 1)
            return fail_at(b, ev->start_mark, "more than one document "
                                              "(only one is allowed)");
        return true;
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_ALIAS_EVENT:
        return on_alias(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, ev, NODE_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, ev, NODE_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b, ev);
    case YAML_STREAM_END_EVENT:
        if (!b->doc->root)
            return fail_at(b, (yaml_mark_t){0, 0, 0}, "empty document");
        return true;
    default:
        return true;
    }
}

/* Line/column (1-based, columns in characters) of a byte offset. */
static void offset_position(const unsigned char *t, size_t len, size_t off,
                            int *line, int *col)
{
    size_t l = 0, c = 0;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= len || t[i + 1] != '\n'))) {
            l++;
            c = 0;
        } else if ((t[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = mark_int(l);
    *col = mark_int(c);
}

static bool parser_failed(builder_t *b, const yaml_parser_t *p)
{
    const char *what = p->problem ? p->problem : "invalid YAML";
    if (p->error == YAML_MEMORY_ERROR)
        return fail_at(b, p->mark, "out of memory while parsing");
    if (p->error == YAML_READER_ERROR) {
        int line, col;
        offset_position(b->text, b->text_len, p->problem_offset, &line, &col);
        cfg_errorf(b->err, b->doc->file, line, col, "%s", what);
        return false;
    }
    return fail_at(b, p->problem_mark, "%s", what);
}

static bool build(builder_t *b, yaml_parser_t *p)
{
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev))
            return parser_failed(b, p);
        bool ok = on_event(b, &ev);
        bool end = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (!ok || end)
            return ok;
    }
}

static bool parse_text(cfg_doc_t *doc, const unsigned char *text, size_t len,
                       cfg_err_t *err)
{
    builder_t *b = calloc(1, sizeof *b);
    yaml_parser_t parser;
    if (!b || !yaml_parser_initialize(&parser)) {
        free(b);
        cfg_errorf(err, doc->file, 1, 1, "out of memory");
        return false;
    }
    b->doc = doc;
    b->err = err;
    b->text = text;
    b->text_len = len;
    yaml_parser_set_input_string(&parser, text, len);
    bool ok = build(b, &parser);
    yaml_parser_delete(&parser);
    free(b->slots);
    free(b->anchors);
    free(b);
    return ok;
}

cfg_doc_t *cfg_load_file(const char *path, cfg_err_t *err)
{
    cfg_err_t scratch;
    if (!err)
        err = &scratch;
    err->msg[0] = '\0';
    if (!path) {
        cfg_errorf(err, NULL, 1, 1, "no file name given");
        return NULL;
    }
    unsigned char *text = NULL;
    size_t len = 0;
    if (!read_file(path, &text, &len, err))
        return NULL;
    cfg_doc_t *doc = cfg_doc_new();
    bool ok = doc && (doc->file = cfg_strdup(doc, path)) != NULL;
    if (!ok)
        cfg_errorf(err, path, 1, 1, "out of memory");
    else
        ok = parse_text(doc, text, len, err);
    free(text);
    if (!ok) {
        cfg_doc_free(doc);
        return NULL;
    }
    return doc;
}

cfg_doc_t *cfg_load_buffer(const char *name, const char *text, size_t len, cfg_err_t *err)
{
    cfg_err_t scratch;
    if (!err)
        err = &scratch;
    err->msg[0] = '\0';
    if (len > CFG_MAX_FILE || memchr(text, '\0', len)) {
        cfg_errorf(err, name, 1, 1, len > CFG_MAX_FILE ? "larger than 16 MiB" : "contains NUL bytes");
        return NULL;
    }
    cfg_doc_t *doc = cfg_doc_new();
    bool ok = doc && (doc->file = cfg_strdup(doc, name)) != NULL;
    if (!ok)
        cfg_errorf(err, name, 1, 1, "out of memory");
    else
        ok = parse_text(doc, (const unsigned char *)text, len, err);
    if (!ok) {
        cfg_doc_free(doc);
        return NULL;
    }
    return doc;
}

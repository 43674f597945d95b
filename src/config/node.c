/*
 * node.c -- the generic YAML part of the config layer (contract: node.h).
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
#define ARENA_BLOCK ((size_t)64 << 10)

/* ---- arena ------------------------------------------------------------ */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
} arena_block_t;

struct cfg_doc {
    arena_block_t *blocks;
    const node_t *root;
    const char *file;
};

static cfg_doc_t *doc_new(void)
{
    return calloc(1, sizeof(cfg_doc_t));
}

static arena_block_t *arena_block_new(size_t cap)
{
    if (cap > SIZE_MAX - sizeof(arena_block_t))
        return NULL;
    arena_block_t *b = malloc(sizeof(arena_block_t) + cap);
    if (b) {
        b->next = NULL;
        b->used = 0;
        b->cap = cap;
    }
    return b;
}

/* Zeroed, max-aligned memory that lives as long as the doc; NULL when out
 * of memory. */
static void *arena_alloc(cfg_doc_t *doc, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    if (size > SIZE_MAX - align)
        return NULL;
    size = size == 0 ? align : (size + align - 1) / align * align;
    arena_block_t *head = doc->blocks;
    if (!head || head->cap - head->used < size) {
        bool big = size > ARENA_BLOCK / 4;
        arena_block_t *b = arena_block_new(big ? size : ARENA_BLOCK);
        if (!b)
            return NULL;
        if (big && head) {          /* keep the head's free space in use */
            b->next = head->next;
            head->next = b;
        } else {
            b->next = head;
            doc->blocks = b;
        }
        head = b;
    }
    void *p = (char *)head->data + head->used;
    head->used += size;
    memset(p, 0, size);
    return p;
}

/* Array of n elements of size sz in the arena (NULL for n == 0 or OOM). */
static void *arena_array(cfg_doc_t *doc, size_t n, size_t sz, bool *oom)
{
    if (n == 0)
        return NULL;
    void *p = n > SIZE_MAX / sz ? NULL : arena_alloc(doc, n * sz);
    if (!p)
        *oom = true;
    return p;
}

static char *arena_strndup(cfg_doc_t *doc, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(doc, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *cfg_strdup(cfg_doc_t *doc, const char *s)
{
    if (!doc || !s)
        return NULL;
    return arena_strndup(doc, s, strlen(s));
}

void cfg_doc_free(cfg_doc_t *doc)
{
    if (!doc)
        return;
    arena_block_t *b = doc->blocks;
    while (b) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    free(doc);
}

const node_t *cfg_doc_root(const cfg_doc_t *doc)
{
    return doc ? doc->root : NULL;
}

node_t *cfg_new_map(cfg_doc_t *doc, const node_t *pos_from, size_t n)
{
    if (!doc)
        return NULL;
    node_t *m = arena_alloc(doc, sizeof *m);
    if (!m)
        return NULL;
    bool oom = false;
    m->kind = NODE_MAP;
    m->n = n;
    m->items = arena_array(doc, n, sizeof *m->items, &oom);
    m->keys = arena_array(doc, n, sizeof *m->keys, &oom);
    m->key_line = arena_array(doc, n, sizeof *m->key_line, &oom);
    m->key_col = arena_array(doc, n, sizeof *m->key_col, &oom);
    if (oom)
        return NULL;
    if (pos_from) {
        m->file = pos_from->file;
        m->line = pos_from->line;
        m->col = pos_from->col;
    } else {
        m->file = doc->file;
    }
    return m;
}

/* ---- diagnostics ------------------------------------------------------ */

static void err_vformat(cfg_err_t *err, const char *file, int line, int col,
                        const char *fmt, va_list ap)
{
    int k = snprintf(err->msg, sizeof err->msg, "%s:%d:%d: ",
                     file ? file : "<input>", line, col);
    if (k < 0)
        k = 0;
    if ((size_t)k < sizeof err->msg)
        vsnprintf(err->msg + k, sizeof err->msg - (size_t)k, fmt, ap);
}

void cfg_errorf(cfg_err_t *err, const char *file, int line, int col,
                const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    err_vformat(err, file, line, col, fmt, ap);
    va_end(ap);
}

void cfg_node_errorf(cfg_err_t *err, const node_t *at, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    err_vformat(err, at ? at->file : NULL, at ? at->line : 0,
                at ? at->col : 0, fmt, ap);
    va_end(ap);
}

/* ---- lookups ---------------------------------------------------------- */

int cfg_key_index(const node_t *map, const char *key)
{
    if (!map || map->kind != NODE_MAP || !key)
        return -1;
    for (size_t i = 0; i < map->n && i < (size_t)INT_MAX; i++)
        if (map->keys[i] && strcmp(map->keys[i], key) == 0)
            return (int)i;
    return -1;
}

const node_t *cfg_get(const node_t *map, const char *key)
{
    int i = cfg_key_index(map, key);
    return i < 0 ? NULL : map->items[i];
}

/* ---- nearest key ------------------------------------------------------ */

/* Case-insensitive Levenshtein distance; row has strlen(b) + 1 slots. */
static size_t edit_distance(const char *a, const char *b, size_t *row)
{
    size_t lb = strlen(b);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 0; a[i]; i++) {
        size_t diag = row[0];
        row[0] = i + 1;
        int ca = tolower((unsigned char)a[i]);
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = ca == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cfg_nearest(const char *word, const char *const *valid, size_t n)
{
    if (!word || !valid)
        return NULL;
    size_t limit = strlen(word) / 2;
    if (limit < 2)
        limit = 2;
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (!valid[i])
            continue;
        size_t lb = strlen(valid[i]);
        size_t *row = lb < SIZE_MAX / sizeof *row - 1
                          ? malloc((lb + 1) * sizeof *row) : NULL;
        if (!row)
            return best;
        size_t d = edit_distance(word, valid[i], row);
        free(row);
        if (d < best_d) {
            best_d = d;
            best = valid[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

/* ---- scalar conversions ----------------------------------------------- */

static bool is_bin(int c) { return c == '0' || c == '1'; }
static bool is_oct(int c) { return c >= '0' && c <= '7'; }
static bool is_dec(int c) { return c >= '0' && c <= '9'; }
static bool is_hex(int c) { return isxdigit((unsigned char)c) != 0; }

/* s[0..) is one or more chars each digit-or-underscore, with at least one
 * digit; true when the whole string matches. */
static bool all_digits(const char *s, bool (*digit)(int), bool need_digit)
{
    bool any = false;
    for (; *s; s++) {
        if (*s == '_')
            continue;
        if (!digit((unsigned char)*s))
            return false;
        any = true;
    }
    return any || !need_digit;
}

/* Copy s without underscores into buf (capacity cap); false if too long. */
static bool strip_underscores(const char *s, char *buf, size_t cap)
{
    size_t k = 0;
    for (; *s; s++) {
        if (*s == '_')
            continue;
        if (k + 1 >= cap)
            return false;
        buf[k++] = *s;
    }
    buf[k] = '\0';
    return true;
}

/* Integer in base 2 or 8 (underscores allowed); exact up to 2^64, then
 * accumulated in double. */
static double parse_radix(const char *s, unsigned base)
{
    uint64_t u = 0;
    double d = 0.0;
    bool wide = false;
    for (; *s; s++) {
        if (*s == '_')
            continue;
        unsigned v = (unsigned)(*s - '0');
        if (!wide && u > (UINT64_MAX - v) / base) {
            wide = true;
            d = (double)u;
        }
        if (wide)
            d = d * base + v;
        else
            u = u * base + v;
    }
    return wide ? d : (double)u;
}

/* strtod over the whole of text (already validated); false on leftovers. */
static bool full_strtod(const char *text, double *out)
{
    char buf[512];
    if (!strip_underscores(text, buf, sizeof buf))
        return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0' || isnan(v))
        return false;
    *out = v;
    return true;
}

/* Decimal float: [0-9][0-9_]*(.[0-9_]*)?(e[-+]?[0-9]+)? needing a dot or an
 * exponent, or .[0-9_]+(e[-+]?[0-9]+)?  (sign already removed). */
static bool is_decimal_float(const char *s)
{
    const char *p = s;
    bool int_digits = is_dec((unsigned char)*p), frac_digits = false;
    bool dot = false, expo = false;
    while (is_dec((unsigned char)*p) || (p != s && *p == '_'))
        p++;
    if (*p == '.') {
        dot = true;
        for (p++; is_dec((unsigned char)*p) || *p == '_'; p++)
            frac_digits |= *p != '_';
    }
    if (*p == 'e' || *p == 'E') {
        expo = true;
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_dec((unsigned char)*p))
            return false;
        while (is_dec((unsigned char)*p))
            p++;
    }
    if (*p != '\0')
        return false;
    if (int_digits)
        return dot || expo;
    return dot && frac_digits && is_dec((unsigned char)s[1]);  /* .5 not ._5 */
}

/* Base 60 (`1:30` = 90, `1:30.5` = 90.5), summed as PyYAML does. */
static bool parse_sexagesimal(const char *s, bool is_float, double *out)
{
    double parts[64];
    size_t np = 0;
    char buf[512];
    if (!strip_underscores(s, buf, sizeof buf))
        return false;
    for (char *tok = buf; tok; np++) {
        char *colon = strchr(tok, ':');
        if (colon)
            *colon = '\0';
        if (np == 64 || !full_strtod(tok, &parts[np]))
            return false;
        tok = colon ? colon + 1 : NULL;
    }
    double v = 0.0, base = 1.0;
    if (is_float) {
        for (size_t i = np; i-- > 0; base *= 60.0)
            v += parts[i] * base;
    } else {
        uint64_t u = 0;          /* exact while it fits, like Python ints */
        bool wide = false;
        for (size_t i = 0; i < np; i++) {
            uint64_t d = parts[i] < 1e15 ? (uint64_t)parts[i] : UINT64_MAX;
            if (!wide && (d == UINT64_MAX || u > (UINT64_MAX - d) / 60)) {
                wide = true;
                v = (double)u;
            }
            if (wide)
                v = v * 60.0 + parts[i];
            else
                u = u * 60 + d;
        }
        if (!wide)
            v = (double)u;
    }
    *out = v;
    return true;
}

/* One `:[0-5]?[0-9]` group list after a leading [0-9][0-9_]* (sign
 * removed).  Sets *is_float when the last group carries `.[0-9_]*`. */
static bool is_sexagesimal(const char *s, bool *is_float)
{
    const char *p = s;
    if (!is_dec((unsigned char)*p))
        return false;
    bool lead_zero = *p == '0';
    while (is_dec((unsigned char)*p) || *p == '_')
        p++;
    int groups = 0;
    while (*p == ':') {
        p++;
        if (is_dec((unsigned char)p[0]) && is_dec((unsigned char)p[1])) {
            if (p[0] > '5')
                return false;
            p += 2;
        } else if (is_dec((unsigned char)p[0])) {
            p += 1;
        } else {
            return false;
        }
        groups++;
    }
    if (groups == 0)
        return false;
    *is_float = *p == '.';
    if (*is_float)
        for (p++; is_dec((unsigned char)*p) || *p == '_'; p++)
            ;
    /* the integer form needs [1-9] first; the float form allows 0 */
    return *p == '\0' && (*is_float || !lead_zero);
}

/* The number in text without its sign, or false. */
static bool parse_unsigned_number(const char *r, double *out)
{
    bool sexa_float;
    if (!strcmp(r, ".inf") || !strcmp(r, ".Inf") || !strcmp(r, ".INF")) {
        *out = INFINITY;
        return true;
    }
    if (r[0] == '0' && r[1] == 'b') {
        if (!all_digits(r + 2, is_bin, true))
            return false;
        *out = parse_radix(r + 2, 2);
        return true;
    }
    if (r[0] == '0' && r[1] == 'x') {
        if (!all_digits(r + 2, is_hex, true))
            return false;
        return full_strtod(r, out);           /* C strtod reads hex */
    }
    if (r[0] == '0' && r[1] != '\0' && all_digits(r + 1, is_oct, false)) {
        *out = parse_radix(r + 1, 8);          /* YAML 1.1 octal: 010 = 8 */
        return true;
    }
    if (is_sexagesimal(r, &sexa_float))
        return parse_sexagesimal(r, sexa_float, out);
    if ((r[0] == '0' && r[1] == '\0') ||
        (r[0] >= '1' && r[0] <= '9' && all_digits(r, is_dec, true)))
        return full_strtod(r, out);
    if (is_decimal_float(r))
        return full_strtod(r, out);
    return false;
}

bool cfg_scalar_double(const node_t *n, double *out)
{
    if (!n || n->kind != NODE_SCALAR || n->quoted || !n->scalar || !out)
        return false;
    const char *s = n->scalar;
    double sign = 1.0;
    if (*s == '-' || *s == '+') {
        sign = *s == '-' ? -1.0 : 1.0;
        s++;
    }
    double v;
    if (*s == '\0' || !parse_unsigned_number(s, &v))
        return false;
    *out = sign * v;
    if (v == 0.0 && !strpbrk(s, ".eE"))   /* integer forms: -0 is 0 */
        *out = 0.0;
    return true;
}

bool cfg_scalar_bool(const node_t *n, bool *out)
{
    static const char *const words[] = {
        "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON",
        "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF",
    };
    if (!n || n->kind != NODE_SCALAR || n->quoted || !n->scalar || !out)
        return false;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strcmp(n->scalar, words[i]) == 0) {
            *out = i < 9;
            return true;
        }
    }
    return false;
}

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
    err_vformat(b->err, b->doc->file, mark_int(m.line), mark_int(m.column),
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
    node_t *n = arena_alloc(b->doc, sizeof *n);
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
    char *text = n ? arena_strndup(b->doc, value, len) : NULL;
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
    n->items = arena_array(b->doc, k, sizeof *n->items, &oom);
    if (n->kind == NODE_MAP) {
        n->keys = arena_array(b->doc, k, sizeof *n->keys, &oom);
        n->key_line = arena_array(b->doc, k, sizeof *n->key_line, &oom);
        n->key_col = arena_array(b->doc, k, sizeof *n->key_col, &oom);
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
    cfg_doc_t *doc = doc_new();
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
    cfg_doc_t *doc = doc_new();
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

/*
 * node_arena.c -- the document arena of the YAML layer: every node and
 * string of a loaded or derived document lives in its blocks and is freed
 * with it (cfg_doc_free).
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


/* ---- arena ------------------------------------------------------------ */


cfg_doc_t *cfg_doc_new(void)
{
    return calloc(1, sizeof(cfg_doc_t));
}

static arena_block_t *cfg_arena_block_new(size_t cap)
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
void *cfg_arena_alloc(cfg_doc_t *doc, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    if (size > SIZE_MAX - align)
        return NULL;
    size = size == 0 ? align : (size + align - 1) / align * align;
    arena_block_t *head = doc->blocks;
    if (!head || head->cap - head->used < size) {
        bool big = size > ARENA_BLOCK / 4;
        arena_block_t *b = cfg_arena_block_new(big ? size : ARENA_BLOCK);
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
void *cfg_arena_array(cfg_doc_t *doc, size_t n, size_t sz, bool *oom)
{
    if (n == 0)
        return NULL;
    void *p = n > SIZE_MAX / sz ? NULL : cfg_arena_alloc(doc, n * sz);
    if (!p)
        *oom = true;
    return p;
}

char *cfg_arena_strndup(cfg_doc_t *doc, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = cfg_arena_alloc(doc, len + 1);
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
    return cfg_arena_strndup(doc, s, strlen(s));
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
    node_t *m = cfg_arena_alloc(doc, sizeof *m);
    if (!m)
        return NULL;
    bool oom = false;
    m->kind = NODE_MAP;
    m->n = n;
    m->items = cfg_arena_array(doc, n, sizeof *m->items, &oom);
    m->keys = cfg_arena_array(doc, n, sizeof *m->keys, &oom);
    m->key_line = cfg_arena_array(doc, n, sizeof *m->key_line, &oom);
    m->key_col = cfg_arena_array(doc, n, sizeof *m->key_col, &oom);
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

/*
 * node_internal.h -- what the parts of the YAML layer share (node.h is the
 * contract for everyone else): the document arena (node_arena.c) and the
 * diagnostics formatter (node_diag.c), used by the event builder (node.c).
 */
#ifndef CONFIG_NODE_INTERNAL_H
#define CONFIG_NODE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "config/node.h"

#define ARENA_BLOCK ((size_t)64 << 10)

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

cfg_doc_t *cfg_doc_new(void);
void *cfg_arena_alloc(cfg_doc_t *doc, size_t size);
void *cfg_arena_array(cfg_doc_t *doc, size_t n, size_t sz, bool *oom);
char *cfg_arena_strndup(cfg_doc_t *doc, const char *s, size_t len);
void cfg_err_vformat(cfg_err_t *err, const char *file, int line, int col, const char *fmt, va_list ap);

#endif

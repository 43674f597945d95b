/*
 * node_diag.c -- `file:line:col: message` diagnostics, map lookups and the
 * nearest valid key for did-you-mean suggestions.
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


/* ---- diagnostics ------------------------------------------------------ */

void cfg_err_vformat(cfg_err_t *err, const char *file, int line, int col,
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
    cfg_err_vformat(err, file, line, col, fmt, ap);
    va_end(ap);
}

void cfg_node_errorf(cfg_err_t *err, const node_t *at, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    cfg_err_vformat(err, at ? at->file : NULL, at ? at->line : 0,
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

/*
 * override.c -- inline overrides: replace (or add) the value at a dotted
 * path of a loaded document, e.g. Chip.area = [100, 200, 400] from a sweep
 * file.  The maps along the path are copied, so the original tree (and
 * any other document sharing nodes) is left as it was.
 */
#include <string.h>

#include "config/node.h"

/* Copy of map with room for one more key. */
static node_t *map_copy(cfg_doc_t *doc, const node_t *map, size_t extra)
{
    node_t *m = cfg_new_map(doc, map, map->n + extra);
    if (!m)
        return NULL;
    m->n = map->n;
    for (size_t i = 0; i < map->n; i++) {
        m->keys[i] = map->keys[i];
        m->items[i] = map->items[i];
        m->key_line[i] = map->key_line[i];
        m->key_col[i] = map->key_col[i];
    }
    return m;
}

const node_t *cfg_override(cfg_doc_t *doc, const node_t *map, const char *const *path, size_t depth,
                           const node_t *value, const node_t *key_pos, cfg_err_t *err)
{
    if (map->kind != NODE_MAP) {
        cfg_node_errorf(err, key_pos, "override: '%s' is not inside a mapping in %s", path[0], map->file);
        return NULL;
    }
    int i = cfg_key_index(map, path[0]);
    if (depth > 1 && i < 0) {
        cfg_node_errorf(err, key_pos, "override: %s has no mapping '%s'", map->file, path[0]);
        return NULL;
    }
    node_t *m = map_copy(doc, map, i < 0 ? 1 : 0);
    if (!m) {
        cfg_node_errorf(err, key_pos, "out of memory");
        return NULL;
    }
    if (i < 0) {   /* a new key: schema binding will judge it, at the override's position */
        i = (int)m->n++;
        m->keys[i] = cfg_strdup(doc, path[0]);
        m->key_line[i] = key_pos->line;
        m->key_col[i] = key_pos->col;
        if (!m->keys[i]) {
            cfg_node_errorf(err, key_pos, "out of memory");
            return NULL;
        }
    }
    if (depth == 1) {
        m->items[i] = (node_t *)value;
        return m;
    }
    const node_t *child = cfg_override(doc, m->items[i], path + 1, depth - 1, value, key_pos, err);
    if (!child)
        return NULL;
    m->items[i] = (node_t *)child;
    return m;
}

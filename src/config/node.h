/*
 * node.h -- the YAML document as a tree of nodes that remember where they
 * came from, the diagnostics built on those positions, and sweep expansion.
 *
 * The config layer knows no hardware or model: it loads YAML into nodes
 * (libyaml), reports `file:line:col: message`, suggests the nearest valid
 * key, and expands sweeps exactly like ReaLLM v1's expand_dict.
 */
#ifndef CONFIG_NODE_H
#define CONFIG_NODE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { NODE_SCALAR, NODE_SEQ, NODE_MAP } node_kind_t;

typedef struct node node_t;
struct node {
    node_kind_t kind;
    const char *file;      /* path as given to cfg_load_file; owned by the doc */
    int line, col;         /* 1-based position of the node's first character */
    /* NODE_SCALAR */
    const char *scalar;    /* text of the scalar (never NULL for scalars) */
    bool quoted;           /* written with quotes: always a string */
    /* NODE_SEQ: items[0..n); NODE_MAP: keys[i] -> items[i], in YAML order */
    size_t n;
    node_t **items;
    const char **keys;
    int *key_line, *key_col; /* position of each key (1-based) */
};

typedef struct cfg_doc cfg_doc_t;   /* owns every node and string (an arena) */

#define CFG_ERR_MAX 1024
typedef struct {
    char msg[CFG_ERR_MAX];  /* "file:line:col: what is wrong" */
} cfg_err_t;

/* Load one YAML file.  The root must be a mapping.  Returns NULL and fills
 * err on any problem: unreadable file, syntax error, empty document, root
 * not a mapping, duplicate key, nesting deeper than 64, file over 16 MiB,
 * more than one document.  Anchors and aliases are resolved (an alias
 * becomes the anchored node). */
cfg_doc_t *cfg_load_file(const char *path, cfg_err_t *err);
/* The same for text held in memory (e.g. an input stored in a database);
 * name stands in for the file name in messages. */
cfg_doc_t *cfg_load_buffer(const char *name, const char *text, size_t len, cfg_err_t *err);
const node_t *cfg_doc_root(const cfg_doc_t *doc);
void cfg_doc_free(cfg_doc_t *doc);

/* Nodes made at run time (sweep expansion, overrides) live in the doc too. */
node_t *cfg_new_map(cfg_doc_t *doc, const node_t *pos_from, size_t n);
char *cfg_strdup(cfg_doc_t *doc, const char *s);

/* A copy of map whose value at path[0..depth) is value (the last key is
 * added when missing; intermediate mappings must exist).  Nodes are shared
 * with map; new maps live in doc.  key_pos locates the override for
 * messages.  NULL + err when the path does not lead through mappings. */
const node_t *cfg_override(cfg_doc_t *doc, const node_t *map, const char *const *path, size_t depth,
                           const node_t *value, const node_t *key_pos, cfg_err_t *err);

/* Map lookup: the value node for key, or NULL. */
const node_t *cfg_get(const node_t *map, const char *key);
/* Index of key in map, or -1. */
int cfg_key_index(const node_t *map, const char *key);

/* Diagnostics.  cfg_errorf formats "file:line:col: " + message. */
void cfg_errorf(cfg_err_t *err, const char *file, int line, int col,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void cfg_node_errorf(cfg_err_t *err, const node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Nearest of valid[0..n) to word by edit distance, or NULL when nothing is
 * close (distance > max(2, strlen(word)/2)). */
const char *cfg_nearest(const char *word, const char *const *valid, size_t n);

/* Scalar conversions.  Each returns false when the text is not of that
 * type (YAML 1.1 core forms: 1e9, 1.0e+9, .5, 0x10, true/false/True/...). */
bool cfg_scalar_double(const node_t *n, double *out);
bool cfg_scalar_bool(const node_t *n, bool *out);

/*
 * Sweep expansion, the reference's expand_dict:
 *  - a scalar is one alternative;
 *  - a list is a sweep dimension: each element is one alternative (a list
 *    element that is a mapping is itself expanded and contributes all of
 *    its points; a list element that is a list is a single value, e.g.
 *    eval_len: [[256, 64], [1024, 256]]);
 *  - a nested mapping is expanded recursively and its points become the
 *    alternatives of that key;
 *  - `associated_explore: KEY` in a mapping couples keys: for each value v
 *    of KEY's list, every other key whose value is a mapping takes its
 *    entry for v (an error names the key and the missing value when there
 *    is none); other keys keep their value; each resulting mapping is then
 *    expanded normally;
 *  - the Cartesian product runs over keys in YAML order, first key slowest
 *    (Python's itertools.product).
 * Each point is a NODE_MAP whose values are scalars, value lists, or
 * nested point maps.  Points are allocated in doc.  Returns false and fills
 * err (with the position of the offending node) on an empty list, an
 * associated_explore that names a missing key or whose key is not a list,
 * or more than max_points points.
 */
typedef struct {
    size_t n;
    const node_t **points;
} cfg_points_t;
bool cfg_expand(cfg_doc_t *doc, const node_t *map, size_t max_points,
                cfg_points_t *out, cfg_err_t *err);
void cfg_points_free(cfg_points_t *pts);
/* The number of points cfg_expand would make of map, counted without
 * building them (as a double: a huge sweep does not overflow); malformed
 * input (that cfg_expand refuses) is counted loosely. */
double cfg_expand_count(const node_t *map);

#endif

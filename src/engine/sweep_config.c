/*
 * sweep_config.c -- loading a sweep file and every input it names, with
 * overrides applied, into typed structs (see sweep_config.h).  Every
 * problem is reported as file:line:col before any evaluation starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/named.h"
#include "config/paths.h"
#include "engine/sweep_config.h"
#include "perf/model_hf.h"
#include "perf/sw_config.h"
#include "store/sha256.h"

#define MAX_FILES 256
#define MAX_OVERRIDES 256
#define MAX_DEPTH 16

typedef enum { T_HARDWARE, T_MODEL, T_CONSTANTS, T_SYSTEM } target_t;

typedef struct {
    target_t target;
    const char *path[MAX_DEPTH];
    size_t depth;
    const node_t *value;
    node_t pos;                 /* the override key's position */
} override_t;

typedef struct {
    const char *files[MAX_FILES];
    const node_t *at[MAX_FILES];
    size_t n;
} file_list_t;

typedef struct {
    cfg_doc_t *doc;             /* the sweep file */
    override_t ov[MAX_OVERRIDES];
    size_t n_ov;
    cfg_err_t *err;
    const sweep_limits_t *lim;  /* NULL: no sizing */
    double bytes;               /* estimated so far (every hardware file) */
    const char *from;           /* the sweep file: relative names resolve next to it */
    char **owned;               /* the resolved file names */
    size_t n_owned;
} loader_t;

/* rel resolved (config/paths.h), kept until the loader is freed; NULL: out of memory */
static const char *resolve(loader_t *L, const char *rel, int shipped)
{
    char buf[SWEEP_PATH_MAX];
    const char *p = shipped ? paths_shipped(rel, buf, sizeof buf) : paths_near(L->from, rel, buf, sizeof buf);
    char **o = realloc(L->owned, (L->n_owned + 1) * sizeof *o);
    if (!o)
        return NULL;
    L->owned = o;
    return (o[L->n_owned] = strdup(p)) ? o[L->n_owned++] : NULL;
}

static const char *const top_keys[] = {"hardware", "constants", "models", "systems", "overrides"};

int sweep_is_sweep_file(const char *path, cfg_err_t *err)
{
    cfg_doc_t *doc = cfg_load_file(path, err);
    if (!doc)
        return -1;
    const node_t *root = cfg_doc_root(doc);
    int yes = cfg_get(root, "hardware") || cfg_get(root, "models") || cfg_get(root, "overrides");
    cfg_doc_free(doc);
    return yes;
}

static int files_of(loader_t *L, const node_t *v, const char *what, file_list_t *out)
{
    cfg_err_t *err = L->err;
    out->n = 0;
    if (v->kind == NODE_SCALAR) {
        out->files[0] = resolve(L, v->scalar, 0);
        out->at[0] = v;
        out->n = 1;
        return out->files[0] ? 0 : -1;
    }
    if (v->kind == NODE_SEQ && v->n > 0 && v->n <= MAX_FILES) {
        for (size_t i = 0; i < v->n; i++) {
            if (v->items[i]->kind != NODE_SCALAR) {
                cfg_node_errorf(err, v->items[i], "%s: expected a file name", what);
                return -1;
            }
            if (!(out->files[out->n] = resolve(L, v->items[i]->scalar, 0)))
                return -1;
            out->at[out->n++] = v->items[i];
        }
        return 0;
    }
    cfg_node_errorf(err, v, "%s: expected a file or a list of 1 to %d files", what, MAX_FILES);
    return -1;
}

/* ---- overrides ---------------------------------------------------------- */

static int parse_override(loader_t *L, const node_t *map, size_t i)
{
    static const char *const targets[] = {"Chip", "Package", "Server", "Model", "constants", "system"};
    override_t *o = &L->ov[L->n_ov];
    memset(o, 0, sizeof *o);
    o->pos = *map;
    o->pos.line = map->key_line[i];
    o->pos.col = map->key_col[i];
    o->value = map->items[i];
    char *key = cfg_strdup(L->doc, map->keys[i]);
    for (char *tok = key, *dot; tok && o->depth < MAX_DEPTH; tok = dot ? dot + 1 : NULL) {
        dot = strchr(tok, '.');
        if (dot)
            *dot = '\0';
        o->path[o->depth++] = tok;
    }
    const char *first = o->path[0];
    size_t t;
    for (t = 0; t < 6 && strcmp(first, targets[t]); t++)
        ;
    if (t == 6 || o->depth < 2) {
        const char *near = cfg_nearest(first, targets, 6);
        cfg_node_errorf(L->err, &o->pos, "override '%s': a dotted path starting with Chip, Package, Server, "
                        "Model, constants or system%s%s%s", map->keys[i], near ? " (did you mean '" : "",
                        near ? near : "", near ? "'?)" : "");
        return -1;
    }
    if (t <= 2) {
        o->target = T_HARDWARE;
    } else if (t == 3) {
        o->target = T_MODEL;
    } else {   /* constants.X.Y and system.X address inside the file */
        o->target = t == 4 ? T_CONSTANTS : T_SYSTEM;
        memmove(o->path, o->path + 1, (o->depth - 1) * sizeof o->path[0]);
        o->depth--;
    }
    L->n_ov++;
    return 0;
}

static int parse_overrides(loader_t *L, const node_t *root)
{
    const node_t *ov = cfg_get(root, "overrides");
    if (!ov)
        return 0;
    if (ov->kind != NODE_MAP || ov->n > MAX_OVERRIDES) {
        cfg_node_errorf(L->err, ov, "overrides: expected a mapping of at most %d dotted paths", MAX_OVERRIDES);
        return -1;
    }
    for (size_t i = 0; i < ov->n; i++)
        if (parse_override(L, ov, i))
            return -1;
    return 0;
}

/* The file's root with every override of target applied (nodes live in doc). */
static const node_t *apply_overrides(loader_t *L, cfg_doc_t *doc, target_t target)
{
    const node_t *root = cfg_doc_root(doc);
    for (size_t i = 0; i < L->n_ov && root; i++)
        if (L->ov[i].target == target)
            root = cfg_override(doc, root, L->ov[i].path, L->ov[i].depth, L->ov[i].value, &L->ov[i].pos, L->err);
    return root;
}

/* ---- inputs and their hashes -------------------------------------------- */

static int add_input(sweep_t *s, const char *role, const char *path, const node_t *at, cfg_err_t *err)
{
    for (size_t i = 0; i < s->n_inputs; i++)
        if (strcmp(s->inputs[i].path, path) == 0)
            return 0;
    sweep_input_t *in = realloc(s->inputs, (s->n_inputs + 1) * sizeof *in);
    if (!in) {
        cfg_node_errorf(err, at, "out of memory");
        return -1;
    }
    s->inputs = in;
    in = &s->inputs[s->n_inputs];
    memset(in, 0, sizeof *in);
    snprintf(in->role, sizeof in->role, "%s", role);
    snprintf(in->path, sizeof in->path, "%s", path);
    if (sha256_file_hex(path, in->sha256)) {
        cfg_node_errorf(err, at, "%s: cannot read %s", role, path);
        return -1;
    }
    s->n_inputs++;
    return 0;
}

static void fingerprint(sweep_t *s)
{
    size_t len = 0, cap = 1 + s->n_inputs * (SWEEP_PATH_MAX + 100);
    char *buf = malloc(cap);
    if (!buf)
        return;
    for (size_t i = 0; i < s->n_inputs; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s %s %s\n", s->inputs[i].role, s->inputs[i].path,
                                s->inputs[i].sha256);
    sha256_hex(buf, len, s->fingerprint);
    free(buf);
}

/* ---- parts ---------------------------------------------------------------- */

/* Load a file named in the sweep; a file that cannot be opened is reported
 * at the sweep's mention of it. */
static cfg_doc_t *load_at(const char *path, const node_t *at, cfg_err_t *err)
{
    cfg_doc_t *doc = cfg_load_file(path, err);
    const char *why = doc ? NULL : strstr(err->msg, "cannot open");
    if (why) {
        char inner[CFG_ERR_MAX];
        snprintf(inner, sizeof inner, "%s", why);
        cfg_node_errorf(err, at, "%s: %.900s", path, inner);
    }
    return doc;
}

/* A HuggingFace config.json in the model list (perf/model_hf.c): its
 * conversion notes go to stderr; model overrides apply to YAML models only. */
static int sweep_hf_model(loader_t *L, const char *path, const node_t *at, model_cfg_t *m)
{
    char notes[2048];
    for (size_t i = 0; i < L->n_ov; i++)
        if (L->ov[i].target == T_MODEL) {
            cfg_node_errorf(L->err, at, "%s: model overrides apply to YAML models, not to a config.json", path);
            return -1;
        }
    if (model_load_any(path, m, L->err, notes, sizeof notes)) {
        char inner[CFG_ERR_MAX];
        snprintf(inner, sizeof inner, "%s", L->err->msg);
        cfg_node_errorf(L->err, at, "%.900s", inner);
        return -1;
    }
    for (char *line = notes, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        fprintf(stderr, "note: %s: %.*s\n", m->name, (int)(nl - line), line);
    }
    return 0;
}

static int load_models(loader_t *L, sweep_t *s, const node_t *root)
{
    const node_t *v = cfg_get(root, "models");
    file_list_t fl;
    if (!v) {
        cfg_node_errorf(L->err, root, "sweep: missing required key 'models'");
        return -1;
    }
    if (files_of(L, v, "models", &fl))
        return -1;
    s->models = calloc(fl.n, sizeof *s->models);
    for (size_t i = 0; s->models && i < fl.n; i++) {
        int rc;
        if (hf_is_config_path(fl.files[i])) {
            rc = sweep_hf_model(L, fl.files[i], fl.at[i], &s->models[i]);
        } else {
            cfg_doc_t *doc = load_at(fl.files[i], fl.at[i], L->err);
            const node_t *r = doc ? apply_overrides(L, doc, T_MODEL) : NULL;
            rc = r ? sw_model_bind(r, &s->models[i], L->err) : -1;
            cfg_doc_free(doc);
        }
        if (rc || add_input(s, "model", fl.files[i], fl.at[i], L->err))
            return -1;
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->models[k].name, s->models[i].name) == 0) {
                cfg_node_errorf(L->err, fl.at[i], "models: two models are named '%s'", s->models[i].name);
                return -1;
            }
        s->n_models = i + 1;
    }
    return s->models ? 0 : -1;
}

/* Index of the system file in s->systems, loading it the first time. */
static long system_index(loader_t *L, sweep_t *s, const char *path, const node_t *at)
{
    char name[PERF_NAME_MAX];
    named_file_stem(path, name, sizeof name);
    for (size_t i = 0; i < s->n_systems; i++)
        if (strcmp(s->systems[i].name, name) == 0)
            return (long)i;
    sweep_system_t *arr = realloc(s->systems, (s->n_systems + 1) * sizeof *arr);
    if (!arr)
        return -1;
    s->systems = arr;
    sweep_system_t *sys = &arr[s->n_systems];
    memset(sys, 0, sizeof *sys);
    snprintf(sys->name, sizeof sys->name, "%s", name);
    cfg_doc_t *doc = load_at(path, at, L->err);
    const node_t *r = doc ? apply_overrides(L, doc, T_SYSTEM) : NULL;
    int rc = r ? sw_system_bind(doc, r, &sys->cfgs, &sys->n_cfgs, L->err) : -1;
    cfg_doc_free(doc);
    if (rc || add_input(s, "system", path, at, L->err))
        return -1;
    return (long)s->n_systems++;
}

static int unit_systems(loader_t *L, sweep_t *s, sweep_unit_t *u, const char *hw_name, const node_t *root)
{
    const node_t *v = cfg_get(root, "systems");
    if (!v) {
        cfg_node_errorf(L->err, root, "sweep: missing required key 'systems'");
        return -1;
    }
    if (v->kind == NODE_MAP) {
        const node_t *mine = cfg_get(v, hw_name);
        v = mine ? mine : cfg_get(v, "default");
        if (!v) {
            cfg_node_errorf(L->err, cfg_get(root, "systems"), "systems: no entry for hardware '%s' and no default",
                            hw_name);
            return -1;
        }
    }
    file_list_t fl;
    if (files_of(L, v, "systems", &fl))
        return -1;
    u->systems = calloc(fl.n, sizeof *u->systems);
    if (!u->systems)
        return -1;
    for (size_t i = 0; i < fl.n; i++) {
        long k = system_index(L, s, fl.files[i], fl.at[i]);
        if (k < 0)
            return -1;
        u->systems[u->n_systems++] = (size_t)k;
        u->combos += s->n_models * s->systems[k].n_cfgs;
    }
    if (u->combos > s->max_combos)
        s->max_combos = u->combos;
    return 0;
}

/* Bytes one expanded configuration of a part costs: its point map (a node,
 * its key, value and position arrays, the pointer to it) and its struct. */
static double point_bytes(const node_t *part, size_t elem)
{
    size_t keys = part && part->kind == NODE_MAP ? part->n : 0;
    return (double)(sizeof(node_t) + sizeof(node_t *) + keys * (sizeof(char *) + sizeof(node_t *) + 2 * sizeof(int)) +
                    elem);
}

/* Where a refusal points: the hardware override with the longest list, else
 * the part of the hardware file with the most configurations. */
static const node_t *sizing_culprit(const loader_t *L, const node_t *parts[3], const double n[3])
{
    const node_t *best = NULL;
    size_t most = 0;
    for (size_t i = 0; i < L->n_ov; i++)
        if (L->ov[i].target == T_HARDWARE && L->ov[i].value->kind == NODE_SEQ && L->ov[i].value->n > most) {
            most = L->ov[i].value->n;
            best = &L->ov[i].pos;
        }
    if (best)
        return best;
    int k = n[0] >= n[1] && n[0] >= n[2] ? 0 : n[1] >= n[2] ? 1 : 2;
    return parts[k];
}

/* Count a hardware file's configurations before expanding them, say how
 * many and how much memory they take, and refuse above the limit. */
static int size_unit(loader_t *L, const char *file, const node_t *r)
{
    if (!L->lim)
        return 0;
    static const char *const keys[3] = {"Chip", "Package", "Server"};
    const node_t *parts[3];
    double n[3];
    for (int k = 0; k < 3; k++) {
        parts[k] = cfg_get(r, keys[k]);
        n[k] = parts[k] && parts[k]->kind == NODE_MAP ? cfg_expand_count(parts[k]) : 0;
    }
    /* the engine copies the chips and makes valid chips x package configurations */
    double bytes = n[0] * (point_bytes(parts[0], sizeof(chip_t)) + sizeof(chip_t)) +
                   n[1] * point_bytes(parts[1], sizeof(package_t)) + n[2] * point_bytes(parts[2], sizeof(server_t)) +
                   n[0] * n[1] * sizeof(package_t);
    L->bytes += bytes;
    if (!L->lim->quiet)
        fprintf(stderr, "%s: %.0f chip x %.0f package x %.0f server configurations = up to %.0f servers; "
                "about %.1f MiB to expand\n", file, n[0], n[1], n[2], n[0] * n[1] * n[2], bytes / 1048576.0);
    if (L->bytes <= L->lim->max_bytes || L->lim->yes)
        return 0;
    cfg_node_errorf(L->err, sizing_culprit(L, parts, n), "the sweep needs about %.1f MiB to expand (%.0f chip, "
                    "%.0f package and %.0f server configurations in %s), above the limit of %.1f MiB: "
                    "pass --yes to run it anyway, or raise --max-memory", L->bytes / 1048576.0, n[0], n[1], n[2],
                    file, L->lim->max_bytes / 1048576.0);
    return -1;
}

static int load_unit(loader_t *L, sweep_t *s, sweep_unit_t *u, const file_list_t *hw, size_t h,
                     const file_list_t *cs, size_t c, const node_t *root)
{
    cfg_doc_t *doc = load_at(hw->files[h], hw->at[h], L->err);
    const node_t *r = doc ? apply_overrides(L, doc, T_HARDWARE) : NULL;
    if (r && size_unit(L, hw->files[h], r)) {
        cfg_doc_free(doc);
        return -1;
    }
    if (!r || hw_config_bind(doc, r, &u->cfg, L->err)) {
        cfg_doc_free(doc);
        return -1;
    }
    cfg_doc_t *cdoc = load_at(cs->files[c], cs->at[c], L->err);
    const node_t *cr = cdoc ? apply_overrides(L, cdoc, T_CONSTANTS) : NULL;
    int rc = cr ? hw_constants_bind(cr, &u->hc, L->err) : -1;
    cfg_doc_free(cdoc);
    if (rc || add_input(s, "hardware", hw->files[h], hw->at[h], L->err) ||
        add_input(s, "constants", cs->files[c], cs->at[c], L->err))
        return -1;
    char cname[60];
    named_file_stem(cs->files[c], cname, sizeof cname);
    if (cs->n > 1)
        snprintf(u->name, sizeof u->name, "%s.%s", u->cfg.name, cname);
    else
        snprintf(u->name, sizeof u->name, "%s", u->cfg.name);
    for (sweep_unit_t *o = s->units; o < u; o++)
        if (strcmp(o->name, u->name) == 0) {
            cfg_node_errorf(L->err, hw->at[h], "hardware: two hardware configurations are named '%s'", u->name);
            return -1;
        }
    return unit_systems(L, s, u, u->cfg.name, root);
}

static int load_units(loader_t *L, sweep_t *s, const node_t *root)
{
    file_list_t hw, cs;
    const node_t *hv = cfg_get(root, "hardware"), *cv = cfg_get(root, "constants");
    if (!hv) {
        cfg_node_errorf(L->err, root, "sweep: missing required key 'hardware'");
        return -1;
    }
    if (files_of(L, hv, "hardware", &hw))
        return -1;
    if (cv) {
        if (files_of(L, cv, "constants", &cs))
            return -1;
    } else {
        if (!(cs.files[0] = resolve(L, PATHS_DEFAULT_CONSTANTS, 1)))
            return -1;
        cs.at[0] = root;
        cs.n = 1;
    }
    s->units = calloc(hw.n * cs.n, sizeof *s->units);
    if (!s->units)
        return -1;
    for (size_t h = 0; h < hw.n; h++)
        for (size_t c = 0; c < cs.n; c++) {
            sweep_unit_t *u = &s->units[s->n_units++];
            if (load_unit(L, s, u, &hw, h, &cs, c, root))
                return -1;
        }
    return 0;
}

static int check_top(const node_t *root, cfg_err_t *err)
{
    for (size_t i = 0; i < root->n; i++) {
        size_t k;
        for (k = 0; k < 5 && strcmp(root->keys[i], top_keys[k]); k++)
            ;
        if (k == 5) {
            const char *near = cfg_nearest(root->keys[i], top_keys, 5);
            cfg_errorf(err, root->file, root->key_line[i], root->key_col[i],
                       "unknown key '%s' in sweep%s%s%s (valid: hardware, constants, models, systems, overrides)",
                       root->keys[i], near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
            return -1;
        }
    }
    return 0;
}

int sweep_load(const char *path, sweep_t *s, cfg_err_t *err)
{
    return sweep_load_sized(path, NULL, s, err);
}

int sweep_load_sized(const char *path, const sweep_limits_t *lim, sweep_t *s, cfg_err_t *err)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    named_file_stem(path, s->name, sizeof s->name);
    loader_t *L = calloc(1, sizeof *L);
    if (!L) {
        cfg_errorf(err, path, 1, 1, "out of memory");
        return -1;
    }
    L->err = err;
    L->lim = lim;
    L->from = path;
    L->doc = cfg_load_file(path, err);
    int rc = L->doc ? 0 : -1;
    const node_t *root = rc ? NULL : cfg_doc_root(L->doc);
    if (rc == 0)
        rc = check_top(root, err) || add_input(s, "sweep", path, root, err) || parse_overrides(L, root) ||
             load_models(L, s, root) || load_units(L, s, root);
    if (rc == 0 && err->msg[0] == '\0')
        fingerprint(s);
    cfg_doc_free(L->doc);
    for (size_t i = 0; i < L->n_owned; i++)
        free(L->owned[i]);
    free(L->owned);
    free(L);
    if (rc) {
        if (err->msg[0] == '\0')
            cfg_errorf(err, path, 1, 1, "out of memory");
        sweep_free(s);
        return -1;
    }
    return 0;
}

void sweep_free(sweep_t *s)
{
    for (size_t i = 0; i < s->n_units; i++) {
        hw_config_free(&s->units[i].cfg);
        free(s->units[i].systems);
    }
    for (size_t i = 0; i < s->n_systems; i++)
        free(s->systems[i].cfgs);
    free(s->units);
    free(s->systems);
    free(s->models);
    free(s->inputs);
    memset(s, 0, sizeof *s);
}

/*
 * schema.c -- binding expanded YAML mappings to structs (see schema.h).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config/numfmt.h"
#include "config/schema.h"

#define AT(obj, off) ((char *)(obj) + (off))

void schema_defaults(const schema_t *s, void *obj)
{
    for (size_t i = 0; i < s->n; i++) {
        const field_t *f = &s->fields[i];
        if (f->type == F_NUM && f->has_def)
            *(double *)AT(obj, f->off) = f->def;
        else if (f->type == F_BOOL && f->has_def)
            *(bool *)AT(obj, f->off) = f->def != 0;
        else if (f->type == F_SUB)
            schema_defaults(f->sub, AT(obj, f->off));
    }
}

static const field_t *find_field(const schema_t *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->fields[i].key, key) == 0)
            return &s->fields[i];
    return NULL;
}

static void unknown_key(const schema_t *s, const node_t *map, size_t i, cfg_err_t *err)
{
    const char *names[128];
    size_t n = 0;
    for (size_t k = 0; k < s->n && n < 128; k++)
        names[n++] = s->fields[k].key;
    const char *near = cfg_nearest(map->keys[i], names, n);
    char hint[160] = "";
    if (near)
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", near);
    /* a key added by an override lives in the file its value came from */
    const node_t *v = map->items[i];
    if (v->file != map->file && v->file && map->file && strcmp(v->file, map->file))
        cfg_node_errorf(err, v, "unknown key '%s' in %s%s", map->keys[i], s->what, hint);
    else
        cfg_errorf(err, map->file, map->key_line[i], map->key_col[i], "unknown key '%s' in %s%s", map->keys[i],
                   s->what, hint);
}

static int check_range(const field_t *f, const node_t *v, const char *what, double x, cfg_err_t *err)
{
    char num[40];
    num_shortest(num, sizeof num, x);
    const char *need = NULL;
    if ((f->flags & FF_POSITIVE) && !(x > 0))
        need = "must be > 0";
    else if ((f->flags & FF_NONNEG) && !(x >= 0))
        need = "must be >= 0";
    else if ((f->flags & FF_UNIT_OPEN) && !(x > 0 && x < 1))
        need = "must be in (0, 1)";
    else if ((f->flags & FF_UNIT) && !(x > 0 && x <= 1))
        need = "must be in (0, 1]";
    else if ((f->flags & FF_INTEGER) && !(isfinite(x) && x == floor(x) && fabs(x) < 9007199254740992.0))
        need = "must be a whole number";
    else if (!isfinite(x))
        need = "must be a finite number";
    if (!need)
        return 0;
    if (!isfinite(x) && v->kind == NODE_SCALAR && v->scalar) {
        cfg_node_errorf(err, v, "%s.%s: %s %s", what, f->key, v->scalar, need);
        return -1;
    }
    cfg_node_errorf(err, v, "%s.%s: %s %s", what, f->key, num, need);
    return -1;
}

int schema_number(const node_t *v, const char *what, const char *key, double *out, cfg_err_t *err)
{
    if (v->kind == NODE_SCALAR && cfg_scalar_double(v, out))
        return 0;
    if (v->kind == NODE_SCALAR)
        cfg_node_errorf(err, v, "%s.%s: expected a number, got '%s'", what, key, v->scalar);
    else
        cfg_node_errorf(err, v, "%s.%s: expected a number, got a %s", what, key,
                        v->kind == NODE_SEQ ? "list" : "mapping");
    return -1;
}

static int expect_scalar(const field_t *f, const node_t *v, const char *what, const char *type, cfg_err_t *err)
{
    if (v->kind == NODE_SCALAR)
        return 0;
    cfg_node_errorf(err, v, "%s.%s: expected %s, got a %s", what, f->key, type,
                    v->kind == NODE_SEQ ? "list" : "mapping");
    return -1;
}

static int bind_enum(const field_t *f, const node_t *v, void *obj, const char *what, cfg_err_t *err)
{
    if (expect_scalar(f, v, what, "a name", err))
        return -1;
    for (size_t i = 0; f->choices[i]; i++)
        if (strcmp(f->choices[i], v->scalar) == 0) {
            snprintf(AT(obj, f->off), f->size, "%s", v->scalar);
            return 0;
        }
    for (size_t i = 0; f->refusals && f->refusals[i].value; i++)
        if (strcmp(f->refusals[i].value, v->scalar) == 0) {
            cfg_node_errorf(err, v, "%s.%s: '%s' is not supported: %s", what, f->key, v->scalar,
                            f->refusals[i].why);
            return -1;
        }
    char list[256] = "";
    for (size_t i = 0; f->choices[i]; i++) {
        if (i)
            strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, f->choices[i], sizeof list - strlen(list) - 1);
    }
    cfg_node_errorf(err, v, "%s.%s: unknown value '%s' (valid: %s)", what, f->key, v->scalar, list);
    return -1;
}

static int bind_pair(const field_t *f, const node_t *v, void *obj, const char *what, cfg_err_t *err)
{
    if (v->kind != NODE_SEQ || v->n != 2) {
        cfg_node_errorf(err, v, "%s.%s: expected a list of two numbers, e.g. [256, 64]", what, f->key);
        return -1;
    }
    double a, b;
    if (schema_number(v->items[0], what, f->key, &a, err) || check_range(f, v->items[0], what, a, err) ||
        schema_number(v->items[1], what, f->key, &b, err) || check_range(f, v->items[1], what, b, err))
        return -1;
    *(double *)AT(obj, f->off) = a;
    *(double *)AT(obj, f->off2) = b;
    return 0;
}

static int bind_field(const schema_t *s, const field_t *f, const node_t *v, void *obj, cfg_err_t *err)
{
    double x;
    bool b;
    switch (f->type) {
    case F_NUM:
        if (schema_number(v, s->what, f->key, &x, err) || check_range(f, v, s->what, x, err))
            return -1;
        *(double *)AT(obj, f->off) = x;
        return 0;
    case F_BOOL:
        if (expect_scalar(f, v, s->what, "true or false", err))
            return -1;
        if (!cfg_scalar_bool(v, &b)) {
            cfg_node_errorf(err, v, "%s.%s: expected true or false, got '%s'", s->what, f->key, v->scalar);
            return -1;
        }
        *(bool *)AT(obj, f->off) = b;
        return 0;
    case F_STR:
        if (expect_scalar(f, v, s->what, "a name", err))
            return -1;
        if (strlen(v->scalar) >= f->size) {
            cfg_node_errorf(err, v, "%s.%s: longer than %zu characters", s->what, f->key, f->size - 1);
            return -1;
        }
        snprintf(AT(obj, f->off), f->size, "%s", v->scalar);
        return 0;
    case F_ENUM:
        return bind_enum(f, v, obj, s->what, err);
    case F_SUB:
        if (v->kind != NODE_MAP) {
            cfg_node_errorf(err, v, "%s.%s: expected a mapping", s->what, f->key);
            return -1;
        }
        return schema_bind(f->sub, v, AT(obj, f->off), err);
    case F_PAIR:
        return bind_pair(f, v, obj, s->what, err);
    case F_CUSTOM:
        return f->bind(f, v, obj, err);
    case F_IGNORE:
        return 0;
    }
    return 0;
}

int schema_bind(const schema_t *s, const node_t *map, void *obj, cfg_err_t *err)
{
    if (map->kind != NODE_MAP) {
        cfg_node_errorf(err, map, "%s: expected a mapping", s->what);
        return -1;
    }
    schema_defaults(s, obj);
    for (size_t i = 0; i < map->n; i++) {
        const field_t *f = find_field(s, map->keys[i]);
        if (!f) {
            unknown_key(s, map, i, err);
            return -1;
        }
        if (bind_field(s, f, map->items[i], obj, err))
            return -1;
    }
    for (size_t i = 0; i < s->n; i++) {
        const field_t *f = &s->fields[i];
        if ((f->flags & FF_REQUIRED) && cfg_key_index(map, f->key) < 0) {
            cfg_node_errorf(err, map, "%s: missing required key '%s'", s->what, f->key);
            return -1;
        }
    }
    if (s->present_off >= 0)
        *(bool *)AT(obj, (size_t)s->present_off) = true;
    return 0;
}

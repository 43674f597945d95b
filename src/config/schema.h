/*
 * schema.h -- typed binding of a YAML mapping onto a C struct.
 *
 * A schema is a table of fields {key, type, offset, checks, default}.
 * schema_bind() fills the struct from one expanded mapping and reports the
 * first problem as `file:line:col: what is wrong`: an unknown key (with the
 * nearest valid key), a wrong type, a value out of range, a missing
 * required key.  Models declare their schemas; this file knows none.
 */
#ifndef CONFIG_SCHEMA_H
#define CONFIG_SCHEMA_H

#include <stddef.h>

#include "config/node.h"

typedef enum {
    F_NUM,      /* double */
    F_BOOL,     /* bool */
    F_STR,      /* char[size]; any scalar's text */
    F_ENUM,     /* char[size]; one of choices */
    F_SUB,      /* nested mapping bound with sub; sets sub->present_off */
    F_PAIR,     /* list of two numbers -> doubles at off and off2 */
    F_CUSTOM,   /* bound by the field's own function */
    F_IGNORE    /* accepted and ignored (documented in help) */
} field_type_t;

enum {
    FF_REQUIRED = 1 << 0,
    FF_POSITIVE = 1 << 1,   /* > 0 */
    FF_NONNEG = 1 << 2,     /* >= 0 */
    FF_UNIT_OPEN = 1 << 3,  /* in (0, 1) */
    FF_UNIT = 1 << 4,       /* in (0, 1] */
    FF_INTEGER = 1 << 5     /* a whole number */
};

typedef struct schema schema_t;
typedef struct field field_t;

/* Refusal of a known but unsupported enum value, with the reason. */
typedef struct {
    const char *value;
    const char *why;
} refusal_t;

struct field {
    const char *key;
    field_type_t type;
    size_t off;
    size_t size;                 /* F_STR, F_ENUM: buffer size */
    unsigned flags;
    double def;                  /* default for F_NUM (applied when has_def) */
    int has_def;
    const char *const *choices;  /* F_ENUM: NULL-terminated */
    const refusal_t *refusals;   /* F_ENUM: NULL-terminated by value */
    const schema_t *sub;         /* F_SUB */
    size_t off2;                 /* F_PAIR: second value */
    int (*bind)(const field_t *f, const node_t *value, void *obj, cfg_err_t *err); /* F_CUSTOM */
};

struct schema {
    const char *what;            /* name used in messages: "Chip", "Package.hbm" */
    const field_t *fields;
    size_t n;
    long present_off;            /* offset of a bool set when bound, or -1 */
};

/* Set every default and clear the rest (the struct must be zeroed first). */
void schema_defaults(const schema_t *s, void *obj);
/* Bind map onto obj (defaults applied first).  0 on success, -1 + err. */
int schema_bind(const schema_t *s, const node_t *map, void *obj, cfg_err_t *err);
/* A number field's value as text for messages. */
int schema_number(const node_t *value, const char *what, const char *key,
                  double *out, cfg_err_t *err);

#endif

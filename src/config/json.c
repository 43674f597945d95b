/*
 * json.c -- JSON input files with located errors (see json.h).
 */
#include "config/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static json_t *check_root(const char *name, json_t *root, const json_error_t *je, cfg_err_t *err)
{
    if (!root) {
        /* jansson counts columns in characters from 1; position 0 means
         * the error is about the file as a whole */
        int line = je->line > 0 ? je->line : 1, col = je->column > 0 ? je->column : 1;
        cfg_errorf(err, name, line, col, "%s", je->text);
        return NULL;
    }
    if (!json_is_object(root)) {
        cfg_errorf(err, name, 1, 1, "expected a JSON object at the top level");
        json_decref(root);
        return NULL;
    }
    return root;
}

json_t *json_load_located(const char *path, cfg_err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cfg_errorf(err, path, 1, 1, "cannot open file: %s", strerror(errno));
        return NULL;
    }
    json_error_t je;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    fclose(f);
    return check_root(path, root, &je, err);
}

json_t *json_load_text_located(const char *name, const char *text, size_t len, cfg_err_t *err)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    return check_root(name, root, &je, err);
}

static void key_error(cfg_err_t *err, const char *file, const char *key, const char *what)
{
    snprintf(err->msg, sizeof err->msg, "%s: key \"%s\": %s", file, key, what);
}

static bool get_int(const char *file, const json_t *v, const char *key, int64_t *out, cfg_err_t *err)
{
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return true;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (isfinite(d) && d == floor(d) && fabs(d) < 9.0e18) {
            *out = (int64_t)d;
            return true;
        }
    }
    key_error(err, file, key, "expected an integer");
    return false;
}

bool json_req_int(const char *file, const json_t *obj, const char *key, int64_t *out, cfg_err_t *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        snprintf(err->msg, sizeof err->msg, "%s: missing key \"%s\"", file, key);
        return false;
    }
    return get_int(file, v, key, out, err);
}

bool json_opt_int(const char *file, const json_t *obj, const char *key, int64_t dflt, int64_t *out,
                  cfg_err_t *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return true;
    }
    return get_int(file, v, key, out, err);
}

static bool get_num(const char *file, const json_t *v, const char *key, double *out, cfg_err_t *err)
{
    if (!json_is_number(v)) {
        key_error(err, file, key, "expected a number");
        return false;
    }
    *out = json_number_value(v);
    return true;
}

bool json_req_num(const char *file, const json_t *obj, const char *key, double *out, cfg_err_t *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        snprintf(err->msg, sizeof err->msg, "%s: missing key \"%s\"", file, key);
        return false;
    }
    return get_num(file, v, key, out, err);
}

bool json_opt_num(const char *file, const json_t *obj, const char *key, double dflt, double *out,
                  cfg_err_t *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return true;
    }
    return get_num(file, v, key, out, err);
}

bool json_opt_bool(const char *file, const json_t *obj, const char *key, bool dflt, bool *out,
                   cfg_err_t *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return true;
    }
    if (!json_is_boolean(v)) {
        key_error(err, file, key, "expected true or false");
        return false;
    }
    *out = json_is_true(v);
    return true;
}

bool json_req_str(const char *file, const json_t *obj, const char *key, const char **out, cfg_err_t *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        snprintf(err->msg, sizeof err->msg, "%s: missing key \"%s\"", file, key);
        return false;
    }
    if (!json_is_string(v)) {
        key_error(err, file, key, "expected a string");
        return false;
    }
    *out = json_string_value(v);
    return true;
}

bool json_opt_str(const char *file, const json_t *obj, const char *key, const char *dflt, const char **out,
                  cfg_err_t *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return true;
    }
    if (!json_is_string(v)) {
        key_error(err, file, key, "expected a string");
        return false;
    }
    *out = json_string_value(v);
    return true;
}

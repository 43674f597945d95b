/*
 * json.h -- JSON input files (HuggingFace config.json, NeuSim's chip,
 * model and system files) through jansson, with located errors.
 *
 * Every error message has the project's form: "file:line:col: what is
 * wrong" for malformed JSON, "file: missing key \"k\"" or
 * "file: key \"k\": expected an integer" for incomplete or mistyped ones.
 */
#ifndef CONFIG_JSON_H
#define CONFIG_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/node.h"

/* Load path; NULL + err ("file:line:col: ...") when unreadable or malformed
 * or when the root is not an object.  The caller json_decref()s the result. */
json_t *json_load_located(const char *path, cfg_err_t *err);
/* The same for text in memory; name stands in for the file name. */
json_t *json_load_text_located(const char *name, const char *text, size_t len, cfg_err_t *err);

/* Typed reads of obj[key].  The _req forms fill err and return false when
 * the key is missing or of the wrong type; the _opt forms return the
 * default when the key is missing or null and fail only on a wrong type.
 * Integers accept a JSON real with an integral value (2.0). */
bool json_req_int(const char *file, const json_t *obj, const char *key, int64_t *out, cfg_err_t *err);
bool json_opt_int(const char *file, const json_t *obj, const char *key, int64_t dflt, int64_t *out,
                  cfg_err_t *err);
bool json_req_num(const char *file, const json_t *obj, const char *key, double *out, cfg_err_t *err);
bool json_opt_num(const char *file, const json_t *obj, const char *key, double dflt, double *out,
                  cfg_err_t *err);
bool json_opt_bool(const char *file, const json_t *obj, const char *key, bool dflt, bool *out,
                   cfg_err_t *err);
/* String values point into obj (valid while obj lives). */
bool json_req_str(const char *file, const json_t *obj, const char *key, const char **out, cfg_err_t *err);
bool json_opt_str(const char *file, const json_t *obj, const char *key, const char *dflt, const char **out,
                  cfg_err_t *err);

#endif

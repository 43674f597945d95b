/*
 * hf_store.h -- the hf_ops table (one row per operator and setting of
 * `hwsweep hf`) and the hf_settings view, in a SQLite file of their own or
 * next to a sweep's tables.  All of the HF frontend's SQL lives in
 * hf_store.c.
 */
#ifndef STORE_HF_STORE_H
#define STORE_HF_STORE_H

#include <stddef.h>

#include "ops/hf_ops.h"

typedef struct hf_store hf_store_t;

/* Open path for writing in one transaction.  A new file is written under a
 * temporary name and renamed by hf_store_commit; an existing database gets
 * the table (if missing) and keeps everything else.  NULL + err on failure. */
hf_store_t *hf_store_open(const char *path, char *err, size_t errlen);
/* Replace the rows of (model, setting) by the operators of ops. */
int hf_store_add(hf_store_t *st, const char *model, const char *model_type, const hf_setting_t *s,
                 const hf_ops_t *ops, char *err, size_t errlen);
/* Commit (and rename a new file into place); frees st.  0 on success. */
int hf_store_commit(hf_store_t *st, char *err, size_t errlen);
/* Roll back, remove a new file; frees st. */
void hf_store_abort(hf_store_t *st);

#endif

/*
 * dedup.h -- content tables: a row holds a tuple of values stored once and
 * referenced by its key (perf_passes, perf_results, perf_costs, perf_values:
 * sw_store.c).  The key of a tuple is the one its first user proposes (the
 * sweep's writer: derived from the first mapping that used it), so rows are
 * appended in key order, and the same set of stored rows written in the same
 * order gives the same keys (any thread count, a resume, a merge replaying
 * its shards in mapping order).  A writer finds a tuple stored before by a
 * 64-bit hash of its values and compares the values themselves, so two
 * tuples sharing a hash are told apart, never confused.
 */
#ifndef STORE_DEDUP_H
#define STORE_DEDUP_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* DD_REAL: a double (REAL); DD_COUNT: a double holding a whole quantity,
 * declared INTEGER (as table.h's COL_COUNT); DD_KEY: an int64 (INTEGER,
 * another content table's key); DD_TEXT: a short string (TEXT). */
typedef enum { DD_REAL, DD_COUNT, DD_KEY, DD_TEXT } dd_type_t;

typedef struct {
    const char *name;
    dd_type_t type;
} dd_col_t;

typedef struct {
    const char *table, *key;   /* table name, its INTEGER PRIMARY KEY column */
    const dd_col_t *cols;
    size_t n;
    int cache_bits;            /* the writer remembers up to 2^cache_bits tuples */
} dd_spec_t;

/* One value of a tuple: d (DD_REAL, DD_COUNT), i (DD_KEY) or s (DD_TEXT). */
typedef struct {
    double d;
    int64_t i;
    const char *s;
} dd_val_t;

/* Append "CREATE TABLE IF NOT EXISTS table(key INTEGER PRIMARY KEY, col TYPE, ...);\n". */
void dd_sql_create(const dd_spec_t *spec, char *buf, size_t len);
/* Append ", prefix.col" for each column (",prefixcol" with prefix "" too). */
void dd_sql_names(const dd_spec_t *spec, const char *prefix, char *buf, size_t len);

typedef struct dd_table dd_table_t;
dd_table_t *dd_open(sqlite3 *db, const dd_spec_t *spec);
void dd_close(dd_table_t *t);
/* Remember every tuple already stored (a resumed sweep, a database with
 * other models); 0 or -1. */
int dd_load(dd_table_t *t);
/* The key of the tuple: its stored row's, else new_key, under which it is
 * stored now.  -1 on a SQLite error (new_key taken by another tuple
 * included) or a text longer than 31 bytes. */
int dd_put(dd_table_t *t, const dd_val_t *v, int64_t new_key, int64_t *key);
/* How many recent tuples the writer's cache holds now (it doubles while
 * there are more tuples than slots, up to 2^cache_bits). */
size_t dd_cache_slots(const dd_table_t *t);

/* dd_put in two halves, so the first can run on another thread than the
 * writer's (it reads spec only): dd_serialize writes the tuple's bytes into
 * buf (dd_max_bytes(spec) bytes) and returns their length, 0 when a text is
 * too long; dd_hash is their hash; dd_put_bytes is dd_put of the tuple those
 * bytes hold, given its hash. */
size_t dd_max_bytes(const dd_spec_t *spec);
size_t dd_serialize(const dd_spec_t *spec, const dd_val_t *v, unsigned char *buf);
uint64_t dd_hash(const unsigned char *bytes, size_t n);
int dd_put_bytes(dd_table_t *t, const unsigned char *bytes, size_t n, uint64_t hash, int64_t new_key, int64_t *key);

#endif

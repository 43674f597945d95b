/*
 * dedup.c -- content tables (see dedup.h): finding a tuple stored before,
 * storing a new one under the key its first user proposes.
 *
 * A tuple is serialized into bytes (a double as its bits after NaN and -0.0
 * are made the values SQLite reads back, NULL and 0; a key as its 8 bytes;
 * a text with its NUL; zero-padded to whole words).  The writer keeps, for
 * every stored tuple, a 64-bit hash of those bytes and the row's key (16
 * bytes, in an open-addressing table at most 3/4 full), and the bytes of
 * the last tuple of each of up to 2^cache_bits slots (direct-mapped on the
 * key; the slots double, from 2^DD_SLOTS_MIN_BITS, while there are more
 * tuples than slots, so a short command touches a small cache).
 * A hash found is checked against the tuple's bytes, from that cache or else
 * read back from the row: equal hashes of different tuples are refused with
 * a message, not mixed up (about 1e-7 likely for 2 million tuples).  New
 * keys grow with the mappings written, so rows are appended at the end of
 * their table: a chunk's transaction touches the last pages, not pages all
 * over it (random keys made a bench/big.yaml run write 19 GB instead of 3).
 * The table and the cache, once 4 MiB or more, are mapped on transparent
 * huge pages: both are read and written at random places, and in a virtual
 * machine the first touch of each 4 KiB page costs about 13 us (bench/big.yaml:
 * 27,000 of the writer thread's faults), and each probe a TLB miss.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "store/dedup.h"

#define DD_TEXT_MAX 32   /* longest text stored, NUL included */
#define DD_SQL_MAX 4096
#define DD_SLOTS_MIN_BITS 10
#define DD_HUGE_BYTES ((size_t)4 << 20)   /* blocks from this size on: their own 2 MiB pages */
#define DD_HUGE_PAGE ((size_t)2 << 20)

struct dd_table {
    const dd_spec_t *spec;
    sqlite3 *db;
    sqlite3_stmt *ins, *get, *all;   /* insert, the row of a key, every row */
    size_t max_bytes, slot_size, mask;
    unsigned char *slots;   /* per slot: int64 key + 1 (0: empty), uint32 length, bytes */
    size_t slots_bytes;
    unsigned char *buf;     /* the tuple dd_put serializes */
    unsigned char *row;     /* a stored row read back, serialized */
    struct entry {          /* the stored tuples: hash (0: empty) -> key, one cache line per probe */
        uint64_t hash;
        int64_t key;
    } *map;
    size_t cap, n;
};

/* n zeroed bytes: calloc's, or from DD_HUGE_BYTES on a mapping of their own
 * advised MADV_HUGEPAGE (advice only: 4 KiB pages where the kernel has none).
 * zfree needs the same n. */
static size_t huge_round(size_t n)
{
    return (n + DD_HUGE_PAGE - 1) / DD_HUGE_PAGE * DD_HUGE_PAGE;
}

static void *zalloc(size_t n)
{
    if (n < DD_HUGE_BYTES)
        return calloc(1, n);
    size_t body = huge_round(n), len = body + DD_HUGE_PAGE;
    unsigned char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    unsigned char *start = map + (DD_HUGE_PAGE - (uintptr_t)map % DD_HUGE_PAGE) % DD_HUGE_PAGE;
    size_t head = (size_t)(start - map), tail = len - head - body;
    if (head)   /* 2 MiB aligned: the unaligned ends given back */
        munmap(map, head);
    if (tail)
        munmap(start + body, tail);
    madvise(start, body, MADV_HUGEPAGE);
    return start;
}

static void zfree(void *p, size_t n)
{
    if (p && n < DD_HUGE_BYTES)
        free(p);
    else if (p)
        munmap(p, huge_round(n));
}

static const char *type_sql(dd_type_t t)
{
    return t == DD_REAL ? "REAL" : t == DD_TEXT ? "TEXT" : "INTEGER";
}

static void append(char *buf, size_t len, const char *s)
{
    size_t used = strlen(buf);
    snprintf(buf + used, len > used ? len - used : 0, "%s", s);
}

void dd_sql_create(const dd_spec_t *spec, char *buf, size_t len)
{
    char one[160];
    snprintf(one, sizeof one, "CREATE TABLE IF NOT EXISTS %s(%s INTEGER PRIMARY KEY", spec->table, spec->key);
    append(buf, len, one);
    for (size_t i = 0; i < spec->n; i++) {
        snprintf(one, sizeof one, ", %s %s", spec->cols[i].name, type_sql(spec->cols[i].type));
        append(buf, len, one);
    }
    append(buf, len, ");\n");
}

void dd_sql_names(const dd_spec_t *spec, const char *prefix, char *buf, size_t len)
{
    char one[160];
    for (size_t i = 0; i < spec->n; i++) {
        snprintf(one, sizeof one, ", %s%s", prefix, spec->cols[i].name);
        append(buf, len, one);
    }
}

/* NaN (stored as NULL) and -0.0 (stored as 0) as they read back. */
static double canonical(double v)
{
    return isnan(v) ? NAN : v == 0 ? 0.0 : v;
}

/* The tuple's bytes in buf, zero-padded to whole words; their length,
 * 0 when a text is too long. */
size_t dd_serialize(const dd_spec_t *spec, const dd_val_t *v, unsigned char *buf)
{
    size_t n = 0;
    for (size_t i = 0; i < spec->n; i++)
        switch (spec->cols[i].type) {
        case DD_REAL:
        case DD_COUNT: {
            double d = canonical(v[i].d);
            memcpy(buf + n, &d, sizeof d);
            n += sizeof d;
            break;
        }
        case DD_KEY:
            memcpy(buf + n, &v[i].i, sizeof v[i].i);
            n += sizeof v[i].i;
            break;
        case DD_TEXT: {
            const char *s = v[i].s ? v[i].s : "";
            size_t len = strlen(s) + 1;
            if (len > DD_TEXT_MAX)
                return 0;
            memcpy(buf + n, s, len);
            n += len;
            break;
        }
        }
    while (n % 8)
        buf[n++] = 0;
    return n;
}

size_t dd_max_bytes(const dd_spec_t *spec)
{
    size_t n = 0;
    for (size_t i = 0; i < spec->n; i++)
        n += spec->cols[i].type == DD_TEXT ? DD_TEXT_MAX : 8;
    return (n + 7) / 8 * 8;
}

/* A 64-bit hash of whole words (never 0). */
uint64_t dd_hash(const unsigned char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        w *= 0x87c37b91114253d5ull;
        w = (w << 31) | (w >> 33);
        h ^= w * 0x4cf5ad432745937full;
        h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h ? h : 1;
}

dd_table_t *dd_open(sqlite3 *db, const dd_spec_t *spec)
{
    dd_table_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->spec = spec;
    t->db = db;
    t->max_bytes = dd_max_bytes(spec);
    t->slot_size = (12 + t->max_bytes + 7) / 8 * 8;
    t->mask = ((size_t)1 << (spec->cache_bits < DD_SLOTS_MIN_BITS ? spec->cache_bits : DD_SLOTS_MIN_BITS)) - 1;
    t->slots_bytes = (t->mask + 1) * t->slot_size;
    t->slots = zalloc(t->slots_bytes);
    t->buf = malloc(t->max_bytes);
    t->row = malloc(t->max_bytes);
    char sql[DD_SQL_MAX];
    snprintf(sql, sizeof sql, "INSERT INTO %s(%s", spec->table, spec->key);
    dd_sql_names(spec, "", sql, sizeof sql);
    append(sql, sizeof sql, ") VALUES(?");
    for (size_t i = 0; i < spec->n; i++)
        append(sql, sizeof sql, ", ?");
    append(sql, sizeof sql, ")");
    if (t->slots && t->buf && t->row &&
        sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &t->ins, NULL) == SQLITE_OK) {
        snprintf(sql, sizeof sql, "SELECT %s", spec->key);
        dd_sql_names(spec, "", sql, sizeof sql);
        size_t used = strlen(sql);
        snprintf(sql + used, sizeof sql - used, " FROM %s", spec->table);
        if (sqlite3_prepare_v2(db, sql, -1, &t->all, NULL) == SQLITE_OK) {
            used = strlen(sql);
            snprintf(sql + used, sizeof sql - used, " WHERE %s = ?", spec->key);
            if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &t->get, NULL) == SQLITE_OK)
                return t;
        }
    }
    dd_close(t);
    return NULL;
}

void dd_close(dd_table_t *t)
{
    if (!t)
        return;
    sqlite3_finalize(t->ins);
    sqlite3_finalize(t->get);
    sqlite3_finalize(t->all);
    zfree(t->slots, t->slots_bytes);
    free(t->buf);
    free(t->row);
    zfree(t->map, t->cap * sizeof *t->map);
    free(t);
}

/* ---- hash -> key ---------------------------------------------------------- */

/* The position of h: its entry, or the empty one where it goes. */
static size_t map_pos(const dd_table_t *t, uint64_t h)
{
    size_t i = (size_t)h & (t->cap - 1);
    while (t->map[i].hash && t->map[i].hash != h)
        i = (i + 1) & (t->cap - 1);
    return i;
}

static int map_add(dd_table_t *t, uint64_t h, int64_t key)
{
    if (4 * (t->n + 1) > 3 * t->cap) {   /* at most 3/4 full: linear probes stay short, in one or two cache lines */
        size_t cap = t->cap ? 2 * t->cap : 4096, old_cap = t->cap;
        struct entry *map = zalloc(cap * sizeof *map), *old = t->map;
        if (!map)
            return -1;
        t->map = map;
        t->cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].hash)
                t->map[map_pos(t, old[i].hash)] = old[i];
        zfree(old, old_cap * sizeof *old);
    }
    size_t i = map_pos(t, h);
    if (t->map[i].hash)
        return -1;   /* the caller looked it up first */
    t->map[i] = (struct entry){h, key};
    t->n++;
    return 0;
}

/* ---- the bytes of recent tuples, by key ----------------------------------- */

/* By the key itself: new tuples' keys grow, so they fill the slots in
 * order (no cache miss per new tuple) and the cache holds the most recent
 * mappings' tuples. */
static unsigned char *slot_of(const dd_table_t *t, int64_t key)
{
    return t->slots + ((size_t)key & t->mask) * t->slot_size;
}

/* 1: the slot holds this key with these bytes; 0: another key or empty; -1: this key, other bytes. */
static int slot_match(const unsigned char *slot, int64_t key, const unsigned char *bytes, size_t n)
{
    int64_t k;
    uint32_t len;
    memcpy(&k, slot, sizeof k);
    if (k != key + 1)
        return 0;
    memcpy(&len, slot + 8, sizeof len);
    return len == n && memcmp(slot + 12, bytes, n) == 0 ? 1 : -1;
}

static void slot_set(unsigned char *slot, int64_t key, const unsigned char *bytes, size_t n)
{
    uint32_t len = (uint32_t)n;
    int64_t k = key + 1;
    memcpy(slot, &k, sizeof k);
    memcpy(slot + 8, &len, sizeof len);
    memcpy(slot + 12, bytes, n);
}

/* Twice the slots, while there are more tuples than slots and fewer slots
 * than the spec's 2^cache_bits; the slots held are placed again.  Without
 * memory the cache stays as it is (a smaller cache only reads more rows back). */
static void slots_grow(dd_table_t *t)
{
    size_t n = t->mask + 1;
    if (t->n <= n || n >= (size_t)1 << t->spec->cache_bits)
        return;
    size_t old_bytes = t->slots_bytes;
    unsigned char *grown = zalloc(2 * n * t->slot_size), *old = t->slots;
    if (!grown)
        return;
    t->slots = grown;
    t->slots_bytes = 2 * n * t->slot_size;
    t->mask = 2 * n - 1;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *slot = old + i * t->slot_size;
        int64_t k;
        memcpy(&k, slot, sizeof k);
        if (k)
            memcpy(slot_of(t, k - 1), slot, t->slot_size);
    }
    zfree(old, old_bytes);
}

size_t dd_cache_slots(const dd_table_t *t)
{
    return t->mask + 1;
}

/* The current row of st (key, values...: t->get, t->all) serialized into t->row; its length. */
static size_t row_bytes(dd_table_t *t, sqlite3_stmt *st)
{
    dd_val_t v[64];
    char text[64][DD_TEXT_MAX];
    if (t->spec->n > 64)
        return 0;
    for (size_t i = 0; i < t->spec->n; i++) {
        int c = (int)i + 1;
        memset(&v[i], 0, sizeof v[i]);
        switch (t->spec->cols[i].type) {
        case DD_REAL:
        case DD_COUNT:
            v[i].d = sqlite3_column_type(st, c) == SQLITE_NULL ? NAN : sqlite3_column_double(st, c);
            break;
        case DD_KEY:
            v[i].i = sqlite3_column_int64(st, c);
            break;
        case DD_TEXT: {
            const unsigned char *s = sqlite3_column_text(st, c);
            snprintf(text[i], DD_TEXT_MAX, "%s", s ? (const char *)s : "");
            v[i].s = text[i];
            break;
        }
        }
    }
    return dd_serialize(t->spec, v, t->row);
}

int dd_load(dd_table_t *t)
{
    sqlite3_stmt *st = t->all;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t n = row_bytes(t, st);
        uint64_t h = dd_hash(t->row, n);
        int64_t key = sqlite3_column_int64(st, 0);
        if (n == 0 || (t->cap && t->map[map_pos(t, h)].hash)) {
            /* a text too long, or two rows with one hash: not written by this hwsweep's writer */
            fprintf(stderr, "hwsweep: %s: the row %lld has a text too long or the hash of another row\n",
                    t->spec->table, (long long)key);
            rc = SQLITE_ERROR;
            break;
        }
        if (map_add(t, h, key)) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int collision(const dd_table_t *t, int64_t key)
{
    fprintf(stderr, "hwsweep: %s: another tuple has the hash of the row %lld (a hash collision); nothing of "
            "this transaction is stored\n", t->spec->table, (long long)key);
    return -1;
}

/* The tuple (n bytes) is the one of the stored row key? */
static int check_stored(dd_table_t *t, const unsigned char *bytes, size_t n, int64_t key)
{
    unsigned char *slot = slot_of(t, key);
    int m = slot_match(slot, key, bytes, n);
    if (m)
        return m == 1 ? 0 : collision(t, key);
    sqlite3_stmt *st = t->get;
    sqlite3_bind_int64(st, 1, key);
    size_t k = sqlite3_step(st) == SQLITE_ROW ? row_bytes(t, st) : 0;
    sqlite3_reset(st);
    if (k != n || memcmp(t->row, bytes, n) != 0)
        return collision(t, key);
    slot_set(slot, key, bytes, n);
    return 0;
}

/* Store the tuple (n bytes, hash h) under new_key unless stored before:
 * its values bound from those bytes. */
static int put_bytes(dd_table_t *t, const unsigned char *bytes, size_t n, uint64_t h, int64_t new_key, int64_t *key)
{
    if (t->cap) {
        size_t i = map_pos(t, h);
        if (t->map[i].hash) {
            *key = t->map[i].key;
            return check_stored(t, bytes, n, *key);
        }
    }
    sqlite3_stmt *st = t->ins;
    sqlite3_bind_int64(st, 1, new_key);
    size_t at = 0;
    for (size_t i = 0; i < t->spec->n; i++) {
        int c = (int)i + 2;
        switch (t->spec->cols[i].type) {
        case DD_REAL:
        case DD_COUNT: {
            double d;
            memcpy(&d, bytes + at, sizeof d);
            at += sizeof d;
            sqlite3_bind_double(st, c, d);
            break;
        }
        case DD_KEY: {
            int64_t k;
            memcpy(&k, bytes + at, sizeof k);
            at += sizeof k;
            sqlite3_bind_int64(st, c, k);
            break;
        }
        case DD_TEXT: {
            const char *s = (const char *)bytes + at;
            size_t len = strnlen(s, n - at);
            if (len == n - at)
                return -1;   /* not dd_serialize's bytes */
            sqlite3_bind_text(st, c, s, (int)len, SQLITE_STATIC);
            at += len + 1;
            break;
        }
        }
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE || map_add(t, h, new_key))
        return -1;
    slots_grow(t);
    slot_set(slot_of(t, new_key), new_key, bytes, n);
    *key = new_key;
    return 0;
}

int dd_put(dd_table_t *t, const dd_val_t *v, int64_t new_key, int64_t *key)
{
    size_t n = dd_serialize(t->spec, v, t->buf);
    if (n == 0) {
        fprintf(stderr, "hwsweep: %s: a text longer than %d bytes\n", t->spec->table, DD_TEXT_MAX - 1);
        return -1;
    }
    return put_bytes(t, t->buf, n, dd_hash(t->buf, n), new_key, key);
}

int dd_put_bytes(dd_table_t *t, const unsigned char *bytes, size_t n, uint64_t hash, int64_t new_key, int64_t *key)
{
    if (n == 0 || n > t->max_bytes || n % 8) {
        fprintf(stderr, "hwsweep: %s: not a serialized tuple\n", t->spec->table);
        return -1;
    }
    return put_bytes(t, bytes, n, hash, new_key, key);
}

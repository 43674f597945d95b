/*
 * test_config_node.c -- unit tests (Check) for the config layer's generic
 * YAML part: src/config/node.c (loading, positions, diagnostics, scalar
 * conversions, nearest key) and src/config/expand.c (sweep expansion).
 *
 * Fixtures are written at run time into a mkdtemp directory that main()
 * creates and removes.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L        /* mkdtemp, truncate, unlink */
#endif
#include "config/node.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];            /* set once in main, read-only after */

/* ---- helpers ---------------------------------------------------------- */

static void fixture_path(const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", tmpdir, name);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Write text as tmpdir/name, load it, remove the file. */
static cfg_doc_t *load_bytes(const char *name, const void *data, size_t len,
                             cfg_err_t *err)
{
    char path[512];
    fixture_path(name, path, sizeof path);
    write_bytes(path, data, len);
    cfg_doc_t *doc = cfg_load_file(path, err);
    unlink(path);
    return doc;
}

static cfg_doc_t *load_text(const char *name, const char *text,
                            cfg_err_t *err)
{
    return load_bytes(name, text, strlen(text), err);
}

/* Loading must fail with exactly "<tmpdir>/<name>:<where_what>". */
static void expect_load_error_n(const char *name, const void *data,
                                size_t len, const char *where_what)
{
    cfg_err_t err;
    cfg_doc_t *doc = load_bytes(name, data, len, &err);
    char want[CFG_ERR_MAX + 600];
    snprintf(want, sizeof want, "%s/%s:%s", tmpdir, name, where_what);
    if (doc)
        cfg_doc_free(doc);
    ck_assert_msg(doc == NULL, "loaded, expected: %s", want);
    ck_assert_str_eq(err.msg, want);
}

static void expect_load_error(const char *name, const char *text,
                              const char *where_what)
{
    expect_load_error_n(name, text, strlen(text), where_what);
}

static cfg_doc_t *must_load(const char *name, const char *text)
{
    cfg_err_t err;
    cfg_doc_t *doc = load_text(name, text, &err);
    ck_assert_msg(doc != NULL, "load failed: %s", err.msg);
    return doc;
}

static node_t scalar(const char *text, bool quoted)
{
    node_t n;
    memset(&n, 0, sizeof n);
    n.kind = NODE_SCALAR;
    n.scalar = text;
    n.quoted = quoted;
    return n;
}

static void expect_double(const char *text, double want)
{
    node_t n = scalar(text, false);
    double v = 0.0;
    ck_assert_msg(cfg_scalar_double(&n, &v), "'%s' not read as a number",
                  text);
    ck_assert_msg(v == want || (isinf(v) && isinf(want) &&
                                signbit(v) == signbit(want)),
                  "'%s' read as %.17g, want %.17g", text, v, want);
}

static void expect_not_double(const char *text, bool quoted)
{
    node_t n = scalar(text, quoted);
    double v = 0.0;
    ck_assert_msg(!cfg_scalar_double(&n, &v), "'%s' read as number %g",
                  text, v);
}

/* Text of a point value: scalar text, "[a,b]" for a list of scalars, or
 * "{k=v,...}" for a map. */
static void node_text(const node_t *n, char *buf, size_t cap)
{
    size_t k = 0;
    if (n->kind == NODE_SCALAR) {
        snprintf(buf, cap, "%s", n->scalar);
        return;
    }
    bool map = n->kind == NODE_MAP;
    k += (size_t)snprintf(buf + k, cap - k, map ? "{" : "[");
    for (size_t i = 0; i < n->n && k < cap; i++) {
        char sub[256];
        node_text(n->items[i], sub, sizeof sub);
        if (map)
            k += (size_t)snprintf(buf + k, cap - k, "%s%s=%s", i ? "," : "",
                                  n->keys[i], sub);
        else
            k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? "," : "",
                                  sub);
    }
    if (k < cap)
        snprintf(buf + k, cap - k, map ? "}" : "]");
}

/* Expand root[key] (or the root when key is NULL) and compare the points'
 * texts with want[0..n). */
static void expect_points(const char *text, const char *key,
                          const char *const *want, size_t n)
{
    cfg_doc_t *doc = must_load("expand.yaml", text);
    const node_t *map = key ? cfg_get(cfg_doc_root(doc), key)
                            : cfg_doc_root(doc);
    ck_assert_ptr_nonnull(map);
    cfg_points_t pts;
    cfg_err_t err;
    bool ok = cfg_expand(doc, map, 1000, &pts, &err);
    ck_assert_msg(ok, "expand failed: %s", err.msg);
    ck_assert_uint_eq(pts.n, n);
    for (size_t i = 0; i < n; i++) {
        char got[1024];
        node_text(pts.points[i], got, sizeof got);
        ck_assert_msg(strcmp(got, want[i]) == 0, "point %zu: got %s want %s",
                      i, got, want[i]);
    }
    cfg_points_free(&pts);
    ck_assert_ptr_null(pts.points);
    cfg_doc_free(doc);
}

static void expect_expand_error(const char *text, size_t max,
                                const char *where_what)
{
    cfg_doc_t *doc = must_load("experr.yaml", text);
    cfg_points_t pts;
    cfg_err_t err;
    bool ok = cfg_expand(doc, cfg_doc_root(doc), max, &pts, &err);
    char want[CFG_ERR_MAX + 600];
    snprintf(want, sizeof want, "%s/experr.yaml:%s", tmpdir, where_what);
    ck_assert_msg(!ok, "expanded, expected: %s", want);
    ck_assert_uint_eq(pts.n, 0);
    ck_assert_ptr_null(pts.points);
    ck_assert_str_eq(err.msg, want);
    cfg_doc_free(doc);
}

/* ---- loading and positions -------------------------------------------- */

START_TEST(test_positions)
{
    cfg_doc_t *doc = must_load("pos.yaml",
                               "a: 1\n"
                               "b:\n"
                               "  c: [x, 'y']\n"
                               "  d: \"z\"\n"
                               "  e: |\n"
                               "    10\n");
    const node_t *r = cfg_doc_root(doc);
    ck_assert_int_eq(r->kind, NODE_MAP);
    ck_assert_int_eq(r->line, 1);
    ck_assert_int_eq(r->col, 1);
    ck_assert_uint_eq(r->n, 2);
    ck_assert_str_eq(r->keys[0], "a");
    ck_assert_int_eq(r->key_line[0], 1);
    ck_assert_int_eq(r->key_col[0], 1);
    ck_assert_str_eq(r->keys[1], "b");
    ck_assert_int_eq(r->key_line[1], 2);
    ck_assert_int_eq(r->key_col[1], 1);
    const node_t *a = cfg_get(r, "a");
    ck_assert_str_eq(a->scalar, "1");
    ck_assert(!a->quoted);
    ck_assert_int_eq(a->line, 1);
    ck_assert_int_eq(a->col, 4);
    const node_t *b = cfg_get(r, "b");
    ck_assert_int_eq(b->kind, NODE_MAP);
    ck_assert_int_eq(b->line, 3);
    ck_assert_int_eq(b->col, 3);
    ck_assert_int_eq(b->key_line[1], 4);
    ck_assert_int_eq(b->key_col[1], 3);
    const node_t *c = cfg_get(b, "c");
    ck_assert_int_eq(c->kind, NODE_SEQ);
    ck_assert_int_eq(c->line, 3);
    ck_assert_int_eq(c->col, 6);
    ck_assert_uint_eq(c->n, 2);
    ck_assert_ptr_null(c->keys);
    ck_assert_int_eq(c->items[0]->col, 7);
    ck_assert(!c->items[0]->quoted);
    ck_assert_str_eq(c->items[1]->scalar, "y");
    ck_assert_int_eq(c->items[1]->col, 10);
    ck_assert(c->items[1]->quoted);
    const node_t *d = cfg_get(b, "d");
    ck_assert_str_eq(d->scalar, "z");
    ck_assert(d->quoted);
    ck_assert_int_eq(d->line, 4);
    ck_assert_int_eq(d->col, 6);
    const node_t *e = cfg_get(b, "e");
    ck_assert_str_eq(e->scalar, "10\n");
    ck_assert(e->quoted);              /* block scalars are strings */
    ck_assert_int_eq(cfg_key_index(b, "d"), 1);
    ck_assert_int_eq(cfg_key_index(b, "nope"), -1);
    ck_assert_ptr_null(cfg_get(b, "nope"));
    ck_assert_ptr_null(cfg_get(c, "x"));
    ck_assert_int_eq(cfg_key_index(NULL, "x"), -1);
    ck_assert(strstr(a->file, "pos.yaml") != NULL);
    cfg_doc_free(doc);
}
END_TEST

START_TEST(test_aliases)
{
    cfg_doc_t *doc = must_load("alias.yaml",
                               "base: &b {x: 1, y: [2, 3]}\n"
                               "use: *b\n"
                               "s: &s hello\n"
                               "t: *s\n"
                               "*s : 5\n");
    const node_t *r = cfg_doc_root(doc);
    ck_assert_ptr_eq(cfg_get(r, "use"), cfg_get(r, "base"));
    ck_assert_ptr_eq(cfg_get(r, "t"), cfg_get(r, "s"));
    ck_assert_str_eq(cfg_get(r, "hello")->scalar, "5");
    ck_assert_int_eq(r->key_line[4], 5);    /* alias key: its own place */
    ck_assert_int_eq(r->key_col[4], 1);
    cfg_doc_free(doc);
}
END_TEST

START_TEST(test_empty_collections)
{
    cfg_doc_t *doc = must_load("empty.yaml", "a: {}\nb: []\nc:\n");
    const node_t *r = cfg_doc_root(doc);
    ck_assert_uint_eq(cfg_get(r, "a")->n, 0);
    ck_assert_int_eq(cfg_get(r, "b")->kind, NODE_SEQ);
    ck_assert_uint_eq(cfg_get(r, "b")->n, 0);
    ck_assert_str_eq(cfg_get(r, "c")->scalar, "");
    cfg_doc_free(doc);
    /* fuzz finding (tests/fuzz/regress/yaml-empty-flow-map-key): an empty
     * flow map closing before any slot existed did pointer arithmetic on
     * NULL (UBSan); it must be a plain located error */
    expect_load_error("flowroot.yaml", " {}\na: {}\n", "2:1: did not find expected <document start>");
}
END_TEST

START_TEST(test_new_map_and_strdup)
{
    cfg_doc_t *doc = must_load("new.yaml", "a: 1\n");
    const node_t *a = cfg_get(cfg_doc_root(doc), "a");
    node_t *m = cfg_new_map(doc, a, 2);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(m->kind, NODE_MAP);
    ck_assert_uint_eq(m->n, 2);
    ck_assert_int_eq(m->line, 1);
    ck_assert_int_eq(m->col, 4);
    ck_assert_ptr_eq(m->file, a->file);
    m->keys[0] = cfg_strdup(doc, "k");
    m->items[0] = (node_t *)a;
    m->keys[1] = "z";
    m->items[1] = (node_t *)a;
    ck_assert_ptr_eq(cfg_get(m, "k"), a);
    ck_assert_str_eq(m->keys[0], "k");
    cfg_doc_free(doc);
}
END_TEST

/* ---- load errors ------------------------------------------------------ */

START_TEST(test_syntax_error)
{
    expect_load_error("x.yaml", "a: 1\nb: 2\nc: d: e\n",
                      "3:5: mapping values are not allowed in this context");
    expect_load_error("flow.yaml", "a: [1, 2\nb: 3\n",
                      "2:2: did not find expected ',' or ']'");
}
END_TEST

START_TEST(test_duplicate_key)
{
    expect_load_error("dup.yaml", "a: 1\nb: 2\na: 3\n",
                      "3:1: duplicate key 'a' (first defined at line 1)");
    expect_load_error("dup2.yaml", "top:\n  x: 1\n  y: 2\n  y: 3\n  x: 4\n",
                      "4:3: duplicate key 'y' (first defined at line 3)");
}
END_TEST

START_TEST(test_non_scalar_key)
{
    expect_load_error("key.yaml", "a: 1\n? [x, y]\n: 2\n",
                      "2:3: mapping keys must be scalars");
    expect_load_error("key2.yaml", "l: &l [1]\n*l : 2\n",
                      "2:1: mapping keys must be scalars");
}
END_TEST

START_TEST(test_documents)
{
    expect_load_error("two.yaml", "a: 1\n---\nb: 2\n",
                      "2:1: more than one document (only one is allowed)");
    expect_load_error("empty.yaml", "", "1:1: empty document");
    expect_load_error("comment.yaml", "# nothing\n\n", "1:1: empty document");
    expect_load_error("dashes.yaml", "---\n", "2:1: empty document");
    expect_load_error("seq.yaml", "- a\n- b\n",
                      "1:1: the top level must be a mapping, not a sequence");
    expect_load_error("scalar.yaml", "\nhello\n",
                      "2:1: the top level must be a mapping, not a scalar");
}
END_TEST

START_TEST(test_nesting)
{
    char text[256];
    int k = snprintf(text, sizeof text, "a: ");
    for (int i = 0; i < 63; i++)
        text[k++] = '[';
    for (int i = 0; i < 63; i++)
        text[k++] = ']';
    text[k++] = '\n';
    cfg_err_t err;
    cfg_doc_t *doc = load_bytes("deep63.yaml", text, (size_t)k, &err);
    ck_assert_msg(doc != NULL, "%s", err.msg);
    cfg_doc_free(doc);
    k = snprintf(text, sizeof text, "a: ");
    for (int i = 0; i < 64; i++)
        text[k++] = '[';
    text[k] = '\0';
    /* root is level 1, so the 64th '[' (column 67) is level 65 */
    expect_load_error("deep64.yaml", text, "1:67: nesting deeper than 64 levels");
}
END_TEST

START_TEST(test_big_file)
{
    char path[512];
    fixture_path("big.yaml", path, sizeof path);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs("a: 1\n", f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(truncate(path, (16 << 20) + 1), 0);
    cfg_err_t err;
    ck_assert_ptr_null(cfg_load_file(path, &err));
    char want[600];
    snprintf(want, sizeof want, "%s:1:1: file is larger than 16 MiB", path);
    ck_assert_str_eq(err.msg, want);
    unlink(path);
}
END_TEST

START_TEST(test_bad_bytes)
{
    expect_load_error_n("nul.yaml", "a: 1\nb: \0\n", 9,
                        "2:4: control characters are not allowed");
    expect_load_error("utf8.yaml", "a: 1\nb: \xff\n",
                      "2:4: invalid leading UTF-8 octet");
    expect_load_error("qnul.yaml", "a: \"x\\0y\"\n",
                      "1:4: scalar contains a NUL character");
}
END_TEST

START_TEST(test_alias_errors)
{
    expect_load_error("undef.yaml", "a: 1\nb: *nope\n",
                      "2:4: undefined alias 'nope'");
    expect_load_error("rec.yaml", "a: &x [1, *x]\n",
                      "1:11: recursive alias 'x' (it is used inside the node "
                      "it names)");
    /* billion laughs: f would expand to 1,111,111 nodes; the 8th *e
     * (column 36) passes the limit: 133462 + 8 * 111111 > 1e6 */
    const char *bomb =
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    expect_load_error("bomb.yaml", bomb,
                      "6:36: document has more than 1000000 nodes after alias "
                      "expansion");
}
END_TEST

START_TEST(test_unreadable)
{
    char path[512];
    fixture_path("missing.yaml", path, sizeof path);
    cfg_err_t err;
    ck_assert_ptr_null(cfg_load_file(path, &err));
    char want[700];
    snprintf(want, sizeof want,
             "%s:1:1: cannot open file: No such file or directory", path);
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(cfg_load_file(tmpdir, &err));   /* a directory */
    ck_assert(strstr(err.msg, ":1:1: cannot read file: ") != NULL);
}
END_TEST

/* ---- diagnostics ------------------------------------------------------ */

START_TEST(test_errorf)
{
    cfg_err_t err;
    cfg_errorf(&err, "f.yaml", 3, 7, "bad %s %d", "thing", 42);
    ck_assert_str_eq(err.msg, "f.yaml:3:7: bad thing 42");
    node_t n = scalar("v", false);
    n.file = "g.yaml";
    n.line = 9;
    n.col = 2;
    cfg_node_errorf(&err, &n, "unknown key '%s'", "foo");
    ck_assert_str_eq(err.msg, "g.yaml:9:2: unknown key 'foo'");
    char long_text[3000];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    cfg_errorf(&err, "f.yaml", 1, 1, "%s", long_text);
    ck_assert_uint_eq(strlen(err.msg), CFG_ERR_MAX - 1);
}
END_TEST

START_TEST(test_nearest)
{
    const char *const keys[] = {"area", "mac_ratio", "operational_intensity",
                                "tech", "freq"};
    size_t n = sizeof keys / sizeof keys[0];
    ck_assert_str_eq(cfg_nearest("mac_ration", keys, n), "mac_ratio");
    ck_assert_str_eq(cfg_nearest("MAC_RATIO", keys, n), "mac_ratio");
    ck_assert_str_eq(cfg_nearest("operational_intesity", keys, n),
                     "operational_intensity");
    ck_assert_str_eq(cfg_nearest("tehc", keys, n), "tech");
    ck_assert_str_eq(cfg_nearest("fre", keys, n), "freq");
    ck_assert_str_eq(cfg_nearest("tech", keys, n), "tech");
    ck_assert_ptr_null(cfg_nearest("bandwidth", keys, n));
    ck_assert_ptr_null(cfg_nearest("zzzzzz", keys, n));
    ck_assert_ptr_null(cfg_nearest("x", keys, 0));
    /* limit max(2, len/2): "abcdefgh" vs "abcdwxyz" is 4 <= 4 */
    const char *const two[] = {"abcdwxyz"};
    ck_assert_str_eq(cfg_nearest("abcdefgh", two, 1), "abcdwxyz");
    ck_assert_ptr_null(cfg_nearest("abcdefg", (const char *const[]){"abcvwxy"},
                                   1));
}
END_TEST

/* ---- scalar conversions ----------------------------------------------- */

START_TEST(test_scalar_double)
{
    expect_double("10", 10.0);
    expect_double("-3", -3.0);
    expect_double("+5", 5.0);
    expect_double("0", 0.0);
    expect_double("1.0e+9", 1.0e9);
    expect_double("275.0e+12", 275.0e12);
    expect_double("459.0e+12", 459.0e12);
    expect_double("10.0e-9", 10.0e-9);
    expect_double("9.36", 9.36);
    expect_double(".5", 0.5);
    expect_double("1.", 1.0);
    expect_double("1e9", 1e9);
    expect_double("1E-3", 1e-3);
    expect_double("0x1F", 31.0);
    expect_double("-0x10", -16.0);
    expect_double("0b101", 5.0);
    expect_double("010", 8.0);           /* YAML 1.1 octal */
    expect_double("1_000", 1000.0);
    expect_double("1_000.5", 1000.5);
    expect_double("2147483648", 2147483648.0);
    expect_double("9878424780", 9878424780.0);
    expect_double("1:30", 90.0);         /* base 60 */
    expect_double("1:30.5", 90.5);
    expect_double(".inf", INFINITY);
    expect_double("-.inf", -INFINITY);
    expect_double("+.Inf", INFINITY);
    expect_double("0.1", 0.1);
    expect_double("123456789012345678901234567890", 1.2345678901234568e29);
    expect_not_double("10", true);
    expect_not_double("1.5", true);
    expect_not_double("", false);
    expect_not_double("true", false);
    expect_not_double("abc", false);
    expect_not_double("nan", false);
    expect_not_double(".nan", false);
    expect_not_double("NaN", false);
    expect_not_double("inf", false);
    expect_not_double("1.0x", false);
    expect_not_double("10 ", false);
    expect_not_double(" 10", false);
    expect_not_double("1e", false);
    expect_not_double("1e+", false);
    expect_not_double("09", false);
    expect_not_double(".", false);
    expect_not_double("-", false);
    expect_not_double("0x", false);
    expect_not_double("0xG", false);
    expect_not_double("0b2", false);
    expect_not_double("1:70", false);
    expect_not_double("0x1p3", false);
    expect_not_double("_1", false);
    double v;
    ck_assert(!cfg_scalar_double(NULL, &v));
    cfg_doc_t *doc = must_load("num.yaml", "a: '10'\nb: 10\nc: [1]\n");
    const node_t *r = cfg_doc_root(doc);
    ck_assert(!cfg_scalar_double(cfg_get(r, "a"), &v));
    ck_assert(cfg_scalar_double(cfg_get(r, "b"), &v));
    ck_assert(v == 10.0);
    ck_assert(!cfg_scalar_double(cfg_get(r, "c"), &v));
    cfg_doc_free(doc);
}
END_TEST

START_TEST(test_scalar_bool)
{
    const char *yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", "ON"};
    const char *no[] = {"false", "False", "FALSE", "no", "NO", "off", "Off"};
    const char *bad[] = {"tRUE", "1", "0", "y", "", "truth"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        node_t n = scalar(yes[i], false);
        bool b = false;
        ck_assert_msg(cfg_scalar_bool(&n, &b) && b, "%s", yes[i]);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        node_t n = scalar(no[i], false);
        bool b = true;
        ck_assert_msg(cfg_scalar_bool(&n, &b) && !b, "%s", no[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        node_t n = scalar(bad[i], false);
        bool b;
        ck_assert_msg(!cfg_scalar_bool(&n, &b), "%s", bad[i]);
    }
    node_t q = scalar("true", true);
    bool b;
    ck_assert(!cfg_scalar_bool(&q, &b));
}
END_TEST

/* ---- expansion -------------------------------------------------------- */

START_TEST(test_expand_cartesian)
{
    const char *want[] = {
        "{a=1,b={c=3,d=5},e=[7,8]}", "{a=1,b={c=3,d=5},e=[9,10]}",
        "{a=1,b={c=4,d=5},e=[7,8]}", "{a=1,b={c=4,d=5},e=[9,10]}",
        "{a=2,b={c=3,d=5},e=[7,8]}", "{a=2,b={c=3,d=5},e=[9,10]}",
        "{a=2,b={c=4,d=5},e=[7,8]}", "{a=2,b={c=4,d=5},e=[9,10]}",
    };
    expect_points("a: [1, 2]\nb: {c: [3, 4], d: 5}\ne: [[7, 8], [9, 10]]\n",
                  NULL, want, 8);
}
END_TEST

START_TEST(test_expand_shapes)
{
    const char *scalars[] = {"{x=1,y=a}"};
    expect_points("x: 1\ny: a\n", NULL, scalars, 1);
    const char *first_slowest[] = {"{p=1,q=3}", "{p=1,q=4}", "{p=2,q=3}",
                                   "{p=2,q=4}"};
    expect_points("p: [1, 2]\nq: [3, 4]\n", NULL, first_slowest, 4);
    const char *lol[] = {"{eval_len=[256,64],max_batch=1024}",
                         "{eval_len=[1024,256],max_batch=1024}"};
    expect_points("w:\n  eval_len: [[256, 64], [1024, 256]]\n"
                  "  max_batch: 1024\n", "w", lol, 2);
    const char *alts[] = {"{x={a=1},z=0}", "{x={a=2},z=0}", "{x={b=3},z=0}",
                          "{x=s,z=0}"};
    expect_points("x: [{a: [1, 2]}, {b: 3}, s]\nz: 0\n", NULL, alts, 4);
    const char *nested[] = {"{o={i={k=1}}}", "{o={i={k=2}}}"};
    expect_points("o: {i: {k: [1, 2]}}\n", NULL, nested, 2);
    const char *empty_map[] = {"{m={}}"};
    expect_points("m: {}\n", NULL, empty_map, 1);
}
END_TEST

START_TEST(test_expand_associated)
{
    const char *hbm[] = {
        "{config=HBM2E,simulator=False,channel_bytes=2147483648,"
        "num_channels=8,pj_per_byte=31}",
        "{config=HBM3,simulator=False,channel_bytes=2147483648,"
        "num_channels=8,pj_per_byte=24}",
        "{config=HBM3E,simulator=False,channel_bytes=2147483648,"
        "num_channels=12,pj_per_byte=24}",
    };
    expect_points("Package:\n"
                  "  num_chips: 1\n"
                  "  hbm:\n"
                  "    associated_explore: 'config'\n"
                  "    config: ['HBM2E', 'HBM3', 'HBM3E']\n"
                  "    simulator: False\n"
                  "    channel_bytes: 2147483648\n"
                  "    num_channels: {'HBM2E': 8, 'HBM3': 8, 'HBM3E': 12}\n"
                  "    pj_per_byte: {'HBM2E': 31, 'HBM3': 24, 'HBM3E': 24}\n",
                  "Package", (const char *[]){
                      "{num_chips=1,hbm={config=HBM2E,simulator=False,"
                      "channel_bytes=2147483648,num_channels=8,"
                      "pj_per_byte=31}}",
                      "{num_chips=1,hbm={config=HBM3,simulator=False,"
                      "channel_bytes=2147483648,num_channels=8,"
                      "pj_per_byte=24}}",
                      "{num_chips=1,hbm={config=HBM3E,simulator=False,"
                      "channel_bytes=2147483648,num_channels=12,"
                      "pj_per_byte=24}}"}, 3);
    expect_points("hbm:\n"
                  "  associated_explore: 'config'\n"
                  "  config: ['HBM2E', 'HBM3', 'HBM3E']\n"
                  "  simulator: False\n"
                  "  channel_bytes: 2147483648\n"
                  "  num_channels: {'HBM2E': 8, 'HBM3': 8, 'HBM3E': 12}\n"
                  "  pj_per_byte: {'HBM2E': 31, 'HBM3': 24, 'HBM3E': 24}\n",
                  "hbm", hbm, 3);
    /* other lists still sweep, and a coupled entry may itself be a list */
    const char *sweep[] = {"{k=A,v=1,w=x}", "{k=A,v=1,w=y}", "{k=A,v=2,w=x}",
                           "{k=A,v=2,w=y}", "{k=B,v=3,w=x}", "{k=B,v=3,w=y}"};
    expect_points("m:\n  k: [A, B]\n  associated_explore: k\n"
                  "  v: {A: [1, 2], B: 3}\n  w: [x, y]\n", "m", sweep, 6);
}
END_TEST

START_TEST(test_expand_errors)
{
    expect_expand_error("a: [1, 2]\nb:\n  c: []\n", 100,
                        "3:6: empty list: nothing to sweep");
    expect_expand_error("associated_explore: cfg\nconfig: [A]\nx: 1\n", 100,
                        "1:21: associated_explore: 'cfg' is not a key of "
                        "this mapping (keys: config, x)");
    expect_expand_error("associated_explore: config\nconfig: A\n", 100,
                        "2:9: associated_explore: 'config' must be a list");
    expect_expand_error("associated_explore: config\nconfig: []\n", 100,
                        "2:9: empty list: nothing to sweep");
    expect_expand_error("associated_explore: config\n"
                        "config: [HBM3, HBM3E]\n"
                        "num_channels: {HBM3: 8}\n", 100,
                        "3:15: num_channels has no value for 'HBM3E' "
                        "(associated_explore: config)");
    expect_expand_error("associated_explore: config\nconfig: [[A]]\n", 100,
                        "2:10: associated_explore: the values of 'config' "
                        "must be scalars");
    expect_expand_error("a: [1, 2, 3]\nb: [1, 2, 3]\n", 8,
                        "1:1: the sweep has more than 8 points");
    expect_expand_error("a: [1, 2, 3]\n", 0,
                        "1:4: the sweep has more than 0 points");
    /* 16^20 = 2^80 points must not wrap around */
    char text[2048];
    size_t k = 0;
    for (int i = 0; i < 20; i++)
        k += (size_t)snprintf(text + k, sizeof text - k,
                              "k%d: [0,1,2,3,4,5,6,7,8,9,a,b,c,d,e,f]\n", i);
    expect_expand_error(text, SIZE_MAX, "1:1: the sweep has more than "
                        "18446744073709551615 points");
}
END_TEST

/* ---- robustness ------------------------------------------------------- */

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A load returns a doc, or NULL with "path:line:col: message". */
static void check_survives(const char *name, const unsigned char *buf,
                           size_t len)
{
    char path[512];
    fixture_path(name, path, sizeof path);
    cfg_err_t err;
    err.msg[0] = '\0';
    cfg_doc_t *doc = load_bytes(name, buf, len, &err);
    if (doc) {
        ck_assert_int_eq(cfg_doc_root(doc)->kind, NODE_MAP);
        cfg_doc_free(doc);
        return;
    }
    size_t pl = strlen(path);
    int line = 0, col = 0;
    ck_assert_msg(strncmp(err.msg, path, pl) == 0, "%s", err.msg);
    ck_assert_msg(sscanf(err.msg + pl, ":%d:%d: ", &line, &col) == 2 &&
                  line >= 1 && col >= 1, "%s", err.msg);
}

static const char valid_text[] =
    "Name: fuzz\n"
    "Chip: &chip\n"
    "  tech: '7nm'\n"
    "  freq: 1.0e+9\n"
    "  area: [40.0, 80.0]\n"
    "  io: {num: 2, bw: 25.0e+9}\n"
    "  notes: |\n"
    "    free text\n"
    "Copy: *chip\n"
    "hbm:\n"
    "  associated_explore: 'config'\n"
    "  config: [\"HBM2E\", 'HBM3']\n"
    "  num_channels: {'HBM2E': 8, 'HBM3': 8}\n"
    "list:\n"
    "  - a\n"
    "  - [b, c]\n"
    "  - {d: e}\n";

START_TEST(test_robust_random)
{
    static const char alphabet[] = ":-[]{},&*!|>'\"#?%@`\n\t abc01.\\";
    uint64_t seed = 0x9E3779B97F4A7C15u;
    unsigned char buf[512];
    for (int round = 0; round < 200; round++) {
        size_t len = next_rand(&seed) % sizeof buf;
        bool yamlish = round % 2 == 0;
        for (size_t i = 0; i < len; i++) {
            uint64_t r = next_rand(&seed);
            buf[i] = yamlish ? (unsigned char)alphabet[r % (sizeof alphabet - 1)]
                             : (unsigned char)r;
        }
        check_survives("rand.yaml", buf, len);
    }
}
END_TEST

START_TEST(test_robust_truncated)
{
    size_t n = strlen(valid_text);
    check_survives("whole.yaml", (const unsigned char *)valid_text, n);
    cfg_err_t err;
    cfg_doc_t *doc = load_text("whole.yaml", valid_text, &err);
    ck_assert_msg(doc != NULL, "%s", err.msg);
    cfg_doc_free(doc);
    for (size_t len = 0; len < n; len++)
        check_survives("prefix.yaml", (const unsigned char *)valid_text, len);
    uint64_t seed = 12345;
    unsigned char buf[sizeof valid_text];
    for (int round = 0; round < 200; round++) {       /* byte mutations */
        memcpy(buf, valid_text, n);
        for (int k = 0; k < 3; k++)
            buf[next_rand(&seed) % n] = (unsigned char)next_rand(&seed);
        check_survives("mut.yaml", buf, n);
    }
}
END_TEST

START_TEST(test_null_args)
{
    ck_assert_ptr_null(cfg_load_file(NULL, NULL));
    ck_assert_ptr_null(cfg_doc_root(NULL));
    cfg_doc_free(NULL);
    cfg_points_t pts = {0, NULL};
    cfg_points_free(&pts);
    ck_assert_ptr_null(cfg_get(NULL, "a"));
}
END_TEST

/* ---- suite ------------------------------------------------------------ */

static Suite *config_node_suite(void)
{
    Suite *s = suite_create("config_node");
    TCase *load = tcase_create("load");
    tcase_add_test(load, test_positions);
    tcase_add_test(load, test_aliases);
    tcase_add_test(load, test_empty_collections);
    tcase_add_test(load, test_new_map_and_strdup);
    suite_add_tcase(s, load);
    TCase *errors = tcase_create("load_errors");
    tcase_set_timeout(errors, 60);
    tcase_add_test(errors, test_syntax_error);
    tcase_add_test(errors, test_duplicate_key);
    tcase_add_test(errors, test_non_scalar_key);
    tcase_add_test(errors, test_documents);
    tcase_add_test(errors, test_nesting);
    tcase_add_test(errors, test_big_file);
    tcase_add_test(errors, test_bad_bytes);
    tcase_add_test(errors, test_alias_errors);
    tcase_add_test(errors, test_unreadable);
    suite_add_tcase(s, errors);
    TCase *diag = tcase_create("diagnostics");
    tcase_add_test(diag, test_errorf);
    tcase_add_test(diag, test_nearest);
    tcase_add_test(diag, test_scalar_double);
    tcase_add_test(diag, test_scalar_bool);
    suite_add_tcase(s, diag);
    TCase *expand = tcase_create("expand");
    tcase_add_test(expand, test_expand_cartesian);
    tcase_add_test(expand, test_expand_shapes);
    tcase_add_test(expand, test_expand_associated);
    tcase_add_test(expand, test_expand_errors);
    suite_add_tcase(s, expand);
    TCase *robust = tcase_create("robust");
    tcase_set_timeout(robust, 120);
    tcase_add_test(robust, test_robust_random);
    tcase_add_test(robust, test_robust_truncated);
    tcase_add_test(robust, test_null_args);
    suite_add_tcase(s, robust);
    return s;
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_config_node.XXXXXX",
             base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    SRunner *sr = srunner_create(config_node_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    rmdir(tmpdir);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

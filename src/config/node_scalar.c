/*
 * node_scalar.c -- the YAML 1.1 scalar conversions: numbers (binary, octal,
 * hex, underscores, sexagesimal, .inf/.nan) and booleans as PyYAML's
 * safe_load reads them.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L        /* strerror_r */
#endif
#include "config/node.h"
#include "config/node_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>


/* ---- scalar conversions ----------------------------------------------- */

static bool is_bin(int c) { return c == '0' || c == '1'; }
static bool is_oct(int c) { return c >= '0' && c <= '7'; }
static bool is_dec(int c) { return c >= '0' && c <= '9'; }
static bool is_hex(int c) { return isxdigit((unsigned char)c) != 0; }

/* s[0..) is one or more chars each digit-or-underscore, with at least one
 * digit; true when the whole string matches. */
static bool all_digits(const char *s, bool (*digit)(int), bool need_digit)
{
    bool any = false;
    for (; *s; s++) {
        if (*s == '_')
            continue;
        if (!digit((unsigned char)*s))
            return false;
        any = true;
    }
    return any || !need_digit;
}

/* Copy s without underscores into buf (capacity cap); false if too long. */
static bool strip_underscores(const char *s, char *buf, size_t cap)
{
    size_t k = 0;
    for (; *s; s++) {
        if (*s == '_')
            continue;
        if (k + 1 >= cap)
            return false;
        buf[k++] = *s;
    }
    buf[k] = '\0';
    return true;
}

/* Integer in base 2 or 8 (underscores allowed); exact up to 2^64, then
 * accumulated in double. */
static double parse_radix(const char *s, unsigned base)
{
    uint64_t u = 0;
    double d = 0.0;
    bool wide = false;
    for (; *s; s++) {
        if (*s == '_')
            continue;
        unsigned v = (unsigned)(*s - '0');
        if (!wide && u > (UINT64_MAX - v) / base) {
            wide = true;
            d = (double)u;
        }
        if (wide)
            d = d * base + v;
        else
            u = u * base + v;
    }
    return wide ? d : (double)u;
}

/* strtod over the whole of text (already validated); false on leftovers. */
static bool full_strtod(const char *text, double *out)
{
    char buf[512];
    if (!strip_underscores(text, buf, sizeof buf))
        return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0' || isnan(v))
        return false;
    *out = v;
    return true;
}

/* Decimal float: [0-9][0-9_]*(.[0-9_]*)?(e[-+]?[0-9]+)? needing a dot or an
 * exponent, or .[0-9_]+(e[-+]?[0-9]+)?  (sign already removed). */
static bool is_decimal_float(const char *s)
{
    const char *p = s;
    bool int_digits = is_dec((unsigned char)*p), frac_digits = false;
    bool dot = false, expo = false;
    while (is_dec((unsigned char)*p) || (p != s && *p == '_'))
        p++;
    if (*p == '.') {
        dot = true;
        for (p++; is_dec((unsigned char)*p) || *p == '_'; p++)
            frac_digits |= *p != '_';
    }
    if (*p == 'e' || *p == 'E') {
        expo = true;
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_dec((unsigned char)*p))
            return false;
        while (is_dec((unsigned char)*p))
            p++;
    }
    if (*p != '\0')
        return false;
    if (int_digits)
        return dot || expo;
    return dot && frac_digits && is_dec((unsigned char)s[1]);  /* .5 not ._5 */
}

/* Base 60 (`1:30` = 90, `1:30.5` = 90.5), summed as PyYAML does. */
static bool parse_sexagesimal(const char *s, bool is_float, double *out)
{
    double parts[64];
    size_t np = 0;
    char buf[512];
    if (!strip_underscores(s, buf, sizeof buf))
        return false;
    for (char *tok = buf; tok; np++) {
        char *colon = strchr(tok, ':');
        if (colon)
            *colon = '\0';
        if (np == 64 || !full_strtod(tok, &parts[np]))
            return false;
        tok = colon ? colon + 1 : NULL;
    }
    double v = 0.0, base = 1.0;
    if (is_float) {
        for (size_t i = np; i-- > 0; base *= 60.0)
            v += parts[i] * base;
    } else {
        uint64_t u = 0;          /* exact while it fits, like Python ints */
        bool wide = false;
        for (size_t i = 0; i < np; i++) {
            uint64_t d = parts[i] < 1e15 ? (uint64_t)parts[i] : UINT64_MAX;
            if (!wide && (d == UINT64_MAX || u > (UINT64_MAX - d) / 60)) {
                wide = true;
                v = (double)u;
            }
            if (wide)
                v = v * 60.0 + parts[i];
            else
                u = u * 60 + d;
        }
        if (!wide)
            v = (double)u;
    }
    *out = v;
    return true;
}

/* One `:[0-5]?[0-9]` group list after a leading [0-9][0-9_]* (sign
 * removed).  Sets *is_float when the last group carries `.[0-9_]*`. */
static bool is_sexagesimal(const char *s, bool *is_float)
{
    const char *p = s;
    if (!is_dec((unsigned char)*p))
        return false;
    bool lead_zero = *p == '0';
    while (is_dec((unsigned char)*p) || *p == '_')
        p++;
    int groups = 0;
    while (*p == ':') {
        p++;
        if (is_dec((unsigned char)p[0]) && is_dec((unsigned char)p[1])) {
            if (p[0] > '5')
                return false;
            p += 2;
        } else if (is_dec((unsigned char)p[0])) {
            p += 1;
        } else {
            return false;
        }
        groups++;
    }
    if (groups == 0)
        return false;
    *is_float = *p == '.';
    if (*is_float)
        for (p++; is_dec((unsigned char)*p) || *p == '_'; p++)
            ;
    /* the integer form needs [1-9] first; the float form allows 0 */
    return *p == '\0' && (*is_float || !lead_zero);
}

/* The number in text without its sign, or false. */
static bool parse_unsigned_number(const char *r, double *out)
{
    bool sexa_float;
    if (!strcmp(r, ".inf") || !strcmp(r, ".Inf") || !strcmp(r, ".INF")) {
        *out = INFINITY;
        return true;
    }
    if (r[0] == '0' && r[1] == 'b') {
        if (!all_digits(r + 2, is_bin, true))
            return false;
        *out = parse_radix(r + 2, 2);
        return true;
    }
    if (r[0] == '0' && r[1] == 'x') {
        if (!all_digits(r + 2, is_hex, true))
            return false;
        return full_strtod(r, out);           /* C strtod reads hex */
    }
    if (r[0] == '0' && r[1] != '\0' && all_digits(r + 1, is_oct, false)) {
        *out = parse_radix(r + 1, 8);          /* YAML 1.1 octal: 010 = 8 */
        return true;
    }
    if (is_sexagesimal(r, &sexa_float))
        return parse_sexagesimal(r, sexa_float, out);
    if ((r[0] == '0' && r[1] == '\0') ||
        (r[0] >= '1' && r[0] <= '9' && all_digits(r, is_dec, true)))
        return full_strtod(r, out);
    if (is_decimal_float(r))
        return full_strtod(r, out);
    return false;
}

bool cfg_scalar_double(const node_t *n, double *out)
{
    if (!n || n->kind != NODE_SCALAR || n->quoted || !n->scalar || !out)
        return false;
    const char *s = n->scalar;
    double sign = 1.0;
    if (*s == '-' || *s == '+') {
        sign = *s == '-' ? -1.0 : 1.0;
        s++;
    }
    double v;
    if (*s == '\0' || !parse_unsigned_number(s, &v))
        return false;
    *out = sign * v;
    if (v == 0.0 && !strpbrk(s, ".eE"))   /* integer forms: -0 is 0 */
        *out = 0.0;
    return true;
}

bool cfg_scalar_bool(const node_t *n, bool *out)
{
    static const char *const words[] = {
        "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON",
        "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF",
    };
    if (!n || n->kind != NODE_SCALAR || n->quoted || !n->scalar || !out)
        return false;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strcmp(n->scalar, words[i]) == 0) {
            *out = i < 9;
            return true;
        }
    }
    return false;
}

/*
 * strfmt.c -- str_fmt: snprintf's subset for hot paths (see strfmt.h).
 */
#include "config/strfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static size_t u64_text(char *out, uint64_t u)
{
    char t[24], *e = t + sizeof t;
    do {
        *--e = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t n = (size_t)(t + sizeof t - e);
    memcpy(out, e, n);
    return n;
}

size_t str_i64(char *out, int64_t v)
{
    if (v >= 0)
        return u64_text(out, (uint64_t)v);
    out[0] = '-';
    return 1 + u64_text(out + 1, 0ULL - (uint64_t)v);
}

int str_fmt(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap, ap0;
    va_start(ap, fmt);
    va_copy(ap0, ap);
    size_t o = 0; /* length of the whole text; bytes past len - 1 are dropped */
    char num[24];
#define PUT(p, n)                                                                                  \
    do {                                                                                           \
        size_t n_ = (n);                                                                           \
        if (o < len) {                                                                             \
            size_t room_ = len - 1 - o;                                                            \
            memcpy(buf + o, (p), n_ < room_ ? n_ : room_);                                         \
        }                                                                                          \
        o += n_;                                                                                   \
    } while (0)
    for (const char *f = fmt; *f;) {
        const char *pct = strchr(f, '%');
        if (!pct) {
            PUT(f, strlen(f));
            break;
        }
        PUT(f, (size_t)(pct - f));
        f = pct + 1;
        int lng = 0, sz = 0;
        if (f[0] == 'l' && f[1] == 'l') {
            lng = 2;
            f += 2;
        } else if (f[0] == 'l') {
            lng = 1;
            f++;
        } else if (f[0] == 'z') {
            sz = 1;
            f++;
        }
        char conv = *f++;
        if (!(conv == 'd' || conv == 'u' || (!lng && !sz && (conv == 's' || conv == 'c' || conv == '%')))) {
            /* a conversion of snprintf's own: it writes the whole text */
            va_end(ap);
            int r = vsnprintf(buf, len, fmt, ap0);
            va_end(ap0);
            return r;
        }
        switch (conv) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            PUT(s, strlen(s));
            break;
        }
        case 'd': {
            int64_t v = lng == 2 ? (int64_t)va_arg(ap, long long) : lng == 1 ? (int64_t)va_arg(ap, long)
                      : sz ? (int64_t)va_arg(ap, size_t) : (int64_t)va_arg(ap, int);
            PUT(num, str_i64(num, v));
            break;
        }
        case 'u': {
            uint64_t v = lng == 2 ? (uint64_t)va_arg(ap, unsigned long long) : lng == 1 ? (uint64_t)va_arg(ap, unsigned long)
                       : sz ? (uint64_t)va_arg(ap, size_t) : (uint64_t)va_arg(ap, unsigned);
            PUT(num, u64_text(num, v));
            break;
        }
        case 'c':
            num[0] = (char)va_arg(ap, int);
            PUT(num, 1);
            break;
        default: /* '%' */
            PUT("%", 1);
            break;
        }
    }
#undef PUT
    va_end(ap);
    va_end(ap0);
    if (len)
        buf[o < len ? o : len - 1] = 0;
    return (int)o;
}

void str_put_slow(str_buf_t *b, const char *s, size_t n)
{
    if (b->len && b->o < b->len - 1) {
        size_t room = b->len - 1 - b->o, k = n < room ? n : room;
        memcpy(b->buf + b->o, s, k);
        b->buf[b->o + k] = 0;
    }
    b->o += n;
}

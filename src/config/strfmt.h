/*
 * strfmt.h -- text building for the hot paths that make op names, labels
 * and CSV fields.  str_fmt is snprintf with the same text, truncation and
 * return value for the conversions %s, %d, %u, %ld, %lld, %lu, %llu, %zu,
 * %c and %% (no flags, width or precision; any other format is handed to
 * vsnprintf).  glibc's snprintf sets up a FILE per call (about 0.15 us);
 * the NPU op lists format a dozen strings per operator.
 */
#ifndef CONFIG_STRFMT_H
#define CONFIG_STRFMT_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define STRFMT_PRINTF __attribute__((format(printf, 3, 4)))
#else
#define STRFMT_PRINTF
#endif

int str_fmt(char *buf, size_t len, const char *fmt, ...) STRFMT_PRINTF;

/* Decimal digits of v at out (no NUL); returns the number written (<= 20). */
size_t str_i64(char *out, int64_t v);

/* A bounded text builder: appends like a chain of snprintf calls (the
 * text is cut at len - 1 bytes and always NUL-terminated; o counts the
 * whole length, as snprintf's return value does). */
typedef struct {
    char *buf;
    size_t len, o;
} str_buf_t;

static inline str_buf_t str_buf(char *buf, size_t len)
{
    str_buf_t b = {buf, len, 0};
    if (len)
        buf[0] = 0;
    return b;
}

void str_put_slow(str_buf_t *b, const char *s, size_t n); /* the cut at len - 1 */

static inline void str_put_n(str_buf_t *b, const char *s, size_t n)
{
    if (b->o + n < b->len) {
        for (size_t i = 0; i < n; i++)
            b->buf[b->o + i] = s[i];
        b->o += n;
        b->buf[b->o] = 0;
    } else {
        str_put_slow(b, s, n);
    }
}

static inline void str_put(str_buf_t *b, const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    str_put_n(b, s, n);
}

static inline void str_put_i64(str_buf_t *b, int64_t v)
{
    char t[24];
    str_put_n(b, t, str_i64(t, v));
}

#endif

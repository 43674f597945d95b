/*
 * numfmt.c -- shortest round-trip formatting of doubles (see numfmt.h).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/numfmt.h"

/* The old way, three tries of printf and strtod (about 2 us a number): the
 * cases the digits below cannot decide. */
static void shortest_by_printf(char *buf, size_t len, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* ---- Python's repr: shortest round-trip digits by exact arithmetic ----
 *
 * The free-format digit generation of Steele & White / Burger & Dybvig
 * ("Printing floating-point numbers quickly and accurately", 1996) on
 * exact big integers: v = r / s, and the values that read back to v are
 * those within (r - mm) / s .. (r + mp) / s (ends included when the
 * significand is even, as round-half-even reading does).  Digits come
 * one at a time until the rest of the interval holds a shorter decimal;
 * the last digit is the nearer one, an exact tie taking the even digit
 * (David Gay's dtoa mode 0, which Python's float.__repr__ uses). */

#define BIG_LIMBS 40 /* 1280 bits: 2^1075 x 10^17 and 2^54 x 10^324 fit */

typedef struct {
    int n;                   /* limbs in use, most significant nonzero */
    uint32_t d[BIG_LIMBS];   /* little endian */
} big_t;

static void big_set(big_t *a, uint64_t v)
{
    a->n = 0;
    while (v) {
        a->d[a->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static void big_mul_small(big_t *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry)
        a->d[a->n++] = (uint32_t)carry;
}

static void big_shl(big_t *a, int bits)
{
    int w = bits / 32, b = bits % 32;
    if (a->n == 0)
        return;
    if (b) {
        uint32_t carry = 0;
        for (int i = 0; i < a->n; i++) {
            uint32_t x = a->d[i];
            a->d[i] = (x << b) | carry;
            carry = x >> (32 - b);
        }
        if (carry)
            a->d[a->n++] = carry;
    }
    if (w) {
        memmove(a->d + w, a->d, (size_t)a->n * sizeof a->d[0]);
        memset(a->d, 0, (size_t)w * sizeof a->d[0]);
        a->n += w;
    }
}

static void big_pow10(big_t *a, int k) /* a *= 10^k, k >= 0 */
{
    for (; k >= 9; k -= 9)
        big_mul_small(a, 1000000000u);
    static const uint32_t p10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    if (k)
        big_mul_small(a, p10[k]);
}

static int big_cmp(const big_t *a, const big_t *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

/* compare a + b with c */
static int big_cmp_sum(const big_t *a, const big_t *b, const big_t *c)
{
    big_t t;
    int n = a->n > b->n ? a->n : b->n;
    uint64_t carry = 0;
    for (int i = 0; i < n; i++) {
        uint64_t x = (uint64_t)(i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
        t.d[i] = (uint32_t)x;
        carry = x >> 32;
    }
    t.n = n;
    if (carry)
        t.d[t.n++] = (uint32_t)carry;
    return big_cmp(&t, c);
}

static void big_sub(big_t *a, const big_t *b) /* a -= b, a >= b */
{
    int64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        int64_t x = (int64_t)a->d[i] - (i < b->n ? b->d[i] : 0) - borrow;
        borrow = x < 0;
        a->d[i] = (uint32_t)(x + (borrow ? ((int64_t)1 << 32) : 0));
    }
    while (a->n && a->d[a->n - 1] == 0)
        a->n--;
}

/* The same generation on 128-bit integers, for the v whose r, s, mp and
 * mm stay under 2^120 at every step (about 1e-18 < v < 1e18, nearly every
 * number of a simulation): no big-integer loops.  Returns 0 when v is out
 * of its range. */
typedef unsigned __int128 u128_t;

/* The digit loop of the shortest-digits generation on an unsigned integer
 * type T wide enough for r, s, mp and mm times 10 (the callers check):
 * one definition, made for 64-bit (s < 2^58) and 128-bit integers. */
#define DIGIT_LOOP(name, T)                                                                       \
    static int name(T r, T s, T mp, T mm, bool even, char digits[24])                            \
    {                                                                                             \
        int nd = 0;                                                                               \
        for (;;) {                                                                                \
            r *= 10;                                                                              \
            mp *= 10;                                                                             \
            mm *= 10;                                                                             \
            int d = 0;                                                                            \
            while (r >= s) {                                                                      \
                r -= s;                                                                           \
                d++;                                                                              \
            }                                                                                     \
            bool tc1 = even ? r <= mm : r < mm;                                                   \
            bool tc2 = even ? r + mp >= s : r + mp > s;                                           \
            if (!tc1 && !tc2) {                                                                   \
                digits[nd++] = (char)('0' + d);                                                   \
                continue;                                                                         \
            }                                                                                     \
            if (tc1 && tc2) {                                                                     \
                if (2 * r > s || (2 * r == s && (d & 1)))                                         \
                    d++;                                                                          \
            } else if (tc2)                                                                       \
                d++;                                                                              \
            digits[nd++] = (char)('0' + d);                                                       \
            return nd;                                                                            \
        }                                                                                         \
    }
DIGIT_LOOP(digit_loop_u64, uint64_t)
DIGIT_LOOP(digit_loop_u128, u128_t)

static int shortest_digits_u128(uint64_t m, int e, bool even, bool uneven, int k, char digits[24], int *k_out)
{
    /* bit sizes after scaling by 10^|k| (+1 for the fix-up below) */
    int s_bits = e >= 0 ? 3 + (k + 1) * 10 / 3 + 1 : 2 - e + uneven + (k > 0 ? (k + 1) * 10 / 3 + 1 : 0);
    int r_bits = e >= 0 ? 56 + e + uneven : 56 + (k < 0 ? (-k + 1) * 10 / 3 + 1 : 0);
    if (s_bits > 118 || r_bits > 118 || k < -38 || k > 38)
        return 0;
    u128_t r, s, mp, mm, p10 = 1;
    for (int i = 0; i < (k < 0 ? -k : k); i++)
        p10 *= 10;
    if (e >= 0) {
        r = (u128_t)m << (e + 1 + uneven);
        s = (u128_t)(uneven ? 4 : 2);
        mp = (u128_t)1 << (e + uneven);
        mm = (u128_t)1 << e;
    } else {
        r = (u128_t)m << (1 + uneven);
        s = (u128_t)1 << (1 - e + uneven);
        mp = uneven ? 2 : 1;
        mm = 1;
    }
    if (k >= 0)
        s *= p10;
    else {
        r *= p10;
        mp *= p10;
        mm *= p10;
    }
    if (even ? r + mp >= s : r + mp > s) {
        s *= 10;
        k++;
    } else if (even ? (r + mp) * 10 < s : (r + mp) * 10 <= s) {
        r *= 10;
        mp *= 10;
        mm *= 10;
        k--;
    }
    *k_out = k;
    /* from here r + mp <= s (about) and every value stays under 20 s: when
     * s is under 2^58 the digits come from 64-bit arithmetic (most
     * numbers between 1e-3 and 1e4), the same steps on a narrower type */
    if (s < (u128_t)1 << 58)
        return digit_loop_u64((uint64_t)r, (uint64_t)s, (uint64_t)mp, (uint64_t)mm, even, digits);
    return digit_loop_u128(r, s, mp, mm, even, digits);
}

/* The shortest digits of v > 0 (finite) that read back to v, nearest to v:
 * v ~ 0.DIGITS x 10^*k.  Returns the number of digits (at most 17). */
static int shortest_digits(double v, char digits[24], int *k_out)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int bexp = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    int e;
    if (bexp == 0)
        e = -1074; /* subnormal */
    else {
        m |= UINT64_C(1) << 52;
        e = bexp - 1075;
    }
    bool even = (m & 1) == 0;
    /* the gap below a power of two is half the gap above */
    bool uneven = bexp > 1 && m == UINT64_C(1) << 52;
    /* k: the decimal exponent with 0.1 <= high < 1 (high <= 1 when the
     * upper end is excluded); the estimate is off by at most one */
    int k = (int)ceil(log10(v) - 1e-10);
    int nd = shortest_digits_u128(m, e, even, uneven, k, digits, k_out);
    if (nd)
        goto carry;
    big_t r, s, mp, mm;
    if (e >= 0) {
        big_set(&r, m);
        big_shl(&r, e + 1 + uneven);
        big_set(&s, uneven ? 4 : 2);
        big_set(&mp, 1);
        big_shl(&mp, e + uneven);
        big_set(&mm, 1);
        big_shl(&mm, e);
    } else {
        big_set(&r, m << (1 + uneven));
        big_set(&s, 1);
        big_shl(&s, 1 - e + uneven);
        big_set(&mp, uneven ? 2 : 1);
        big_set(&mm, 1);
    }
    if (k >= 0)
        big_pow10(&s, k);
    else {
        big_pow10(&r, -k);
        big_pow10(&mp, -k);
        big_pow10(&mm, -k);
    }
    for (;;) {
        int c = big_cmp_sum(&r, &mp, &s);
        if (even ? c >= 0 : c > 0) {
            big_mul_small(&s, 10);
            k++;
            continue;
        }
        /* high x 10 must reach 1: else scale up */
        big_t r10 = r, mp10 = mp;
        big_mul_small(&r10, 10);
        big_mul_small(&mp10, 10);
        c = big_cmp_sum(&r10, &mp10, &s);
        if (even ? c >= 0 : c > 0)
            break;
        r = r10;
        mp = mp10;
        big_mul_small(&mm, 10);
        k--;
    }
    nd = 0;
    for (;;) {
        big_mul_small(&r, 10);
        big_mul_small(&mp, 10);
        big_mul_small(&mm, 10);
        /* the digit: r / s < 10 */
        int d = 0;
        while (big_cmp(&r, &s) >= 0) {
            big_sub(&r, &s);
            d++;
        }
        int lo = big_cmp(&r, &mm), hi = big_cmp_sum(&r, &mp, &s);
        bool tc1 = even ? lo <= 0 : lo < 0;
        bool tc2 = even ? hi >= 0 : hi > 0;
        if (!tc1 && !tc2) {
            digits[nd++] = (char)('0' + d);
            continue;
        }
        if (tc1 && tc2) {
            /* both neighbours read back: the nearer, an exact tie to even */
            big_t r2 = r;
            big_mul_small(&r2, 2);
            int h = big_cmp(&r2, &s);
            if (h > 0 || (h == 0 && (d & 1)))
                d++;
        } else if (tc2)
            d++;
        digits[nd++] = (char)('0' + d);
        break;
    }
    *k_out = k;
carry:
    /* a last digit rounded up to 10 carries */
    for (int i = nd - 1; i > 0 && digits[i] > '9'; i--) {
        digits[i] = '0';
        digits[i - 1]++;
    }
    if (digits[0] > '9') {
        digits[0] = '1';
        for (int i = 1; i < nd; i++)
            digits[i] = '0';
        (*k_out)++;
    }
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = 0;
    return nd;
}

/* The digits d[0..nd) of d.ddd x 10^exp10 written at out + o in
 * scientific form, "d.ddde+XX" (at least two exponent digits, as both
 * Python's repr and printf's %g write them); returns the new length. */
static size_t put_scientific(char *out, size_t o, const char *digits, int nd, int exp10)
{
    out[o++] = digits[0];
    if (nd > 1) {
        out[o++] = '.';
        for (int i = 1; i < nd; i++)
            out[o++] = digits[i];
    }
    int x = exp10 < 0 ? -exp10 : exp10;
    out[o++] = 'e';
    out[o++] = exp10 < 0 ? '-' : '+';
    if (x >= 100)
        out[o++] = (char)('0' + x / 100);
    out[o++] = (char)('0' + x / 10 % 10);
    out[o++] = (char)('0' + x % 10);
    return o;
}

/* The same value, exp10 < 0, written as "0.000ddd". */
static size_t put_below_one(char *out, size_t o, const char *digits, int nd, int exp10)
{
    out[o++] = '0';
    out[o++] = '.';
    for (int i = 0; i < -exp10 - 1; i++)
        out[o++] = '0';
    for (int i = 0; i < nd; i++)
        out[o++] = digits[i];
    return o;
}

/* snprintf(buf, len, "%s", out) for a text of n characters */
static void put(char *buf, size_t len, const char *out, size_t n)
{
    if (len == 0)
        return;
    if (n >= len)
        n = len - 1;
    memcpy(buf, out, n);
    buf[n] = 0;
}

void num_repr(char *buf, size_t len, double v)
{
    /* Python's float.__repr__: the shortest round-trip digits, fixed
     * notation for decimal exponents -4..15, else d.ddde+XX */
    if (isnan(v) || isinf(v) || v == 0) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : isinf(v) ? (v > 0 ? "inf" : "-inf")
                                 : (signbit(v) ? "-0.0" : "0.0"));
        return;
    }
    char out[64];
    size_t o = 0;
    int neg = v < 0;
    if (neg) {
        out[o++] = '-';
        v = -v;
    }
    if (v < 1e15 && v == (double)(long long)v) { /* integral: "100.0" */
        char t[24];
        int n = 0;
        for (long long x = (long long)v; x; x /= 10)
            t[n++] = (char)('0' + x % 10);
        while (n)
            out[o++] = t[--n];
        out[o++] = '.';
        out[o++] = '0';
        out[o] = 0;
        put(buf, len, out, o);
        return;
    }
    char digits[24];
    int k;
    int nd = shortest_digits(v, digits, &k);
    int exp10 = k - 1; /* v = d.ddd x 10^exp10 */
    if (exp10 >= -4 && exp10 < 16) {
        if (exp10 < 0) {
            o = put_below_one(out, o, digits, nd, exp10);
        } else {
            for (int i = 0; i <= exp10; i++)
                out[o++] = i < nd ? digits[i] : '0';
            out[o++] = '.';
            if (nd > exp10 + 1)
                for (int i = exp10 + 1; i < nd; i++)
                    out[o++] = digits[i];
            else
                out[o++] = '0';
        }
        out[o] = 0;
    } else {
        o = put_scientific(out, o, digits, nd, exp10);
        out[o] = 0;
    }
    put(buf, len, out, o);
}

/* %.Pg of the value whose decimal digits are digits[0..nd) x 10^(exp10 -
 * nd + 1) (trailing zeros already dropped, as %g drops them). */
static void format_g(char *buf, size_t len, bool neg, const char *digits, int nd, int exp10, int prec)
{
    char out[64];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (exp10 < -4 || exp10 >= prec) {
        o = put_scientific(out, o, digits, nd, exp10);
    } else if (exp10 < 0) {
        o = put_below_one(out, o, digits, nd, exp10);
    } else {
        for (int i = 0; i <= exp10; i++)
            out[o++] = i < nd ? digits[i] : '0';
        if (nd > exp10 + 1) {
            out[o++] = '.';
            for (int i = exp10 + 1; i < nd; i++)
                out[o++] = digits[i];
        }
    }
    put(buf, len, out, o);
}

/* %.15g, else %.16g, else %.17g: the first that reads back.  From the
 * shortest round-trip digits D (nd of them) of a normal double, without
 * printf: with nd <= 15, %.15g prints exactly D (v lies within half an
 * ulp of D, under a third of half a 15-digit unit); with nd = 16 or 17 no
 * shorter text reads back, and D is the correctly rounded nd-digit text
 * (the nearest of those that read back, and the interval that reads back
 * is symmetric) unless v is a power of two, whose lower neighbour is
 * nearer than the upper: those, subnormals, zero, nan and inf take the
 * printf path.  tests/test_numfmt.c compares both on random numbers. */
void num_shortest(char *buf, size_t len, double v)
{
    if (isnan(v)) {
        snprintf(buf, len, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, len, v > 0 ? "inf" : "-inf");
        return;
    }
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int bexp = (int)((bits >> 52) & 0x7ff);
    bool pow2 = (bits & ((UINT64_C(1) << 52) - 1)) == 0;
    if (bexp == 0) {
        shortest_by_printf(buf, len, v);
        return;
    }
    char digits[24];
    int k;
    int nd = shortest_digits(fabs(v), digits, &k);
    if (nd > 15 && pow2) {
        shortest_by_printf(buf, len, v);
        return;
    }
    format_g(buf, len, v < 0, digits, nd, k - 1, nd > 15 ? nd : 15);
}

/*
 * numfmt.c -- shortest round-trip formatting of doubles (see numfmt.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/numfmt.h"

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
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
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
    if (fabs(v) < 1e15 && v == (double)(long long)v) { /* integral: "100.0" */
        snprintf(buf, len, "%lld.0", (long long)v);
        return;
    }
    /* the fewest significant digits p (1..17) that read back to v: if p
     * digits round-trip so do p + 1, so binary search */
    char e[40];
    /* most values of a computation need 16 or 17 digits: try 15 first */
    int lo = 1, hi = 17;
    snprintf(e, sizeof e, "%.*e", 14, v);
    if (strtod(e, NULL) == v)
        hi = 15;
    else
        lo = 16;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(e, sizeof e, "%.*e", mid - 1, v);
        if (strtod(e, NULL) == v)
            hi = mid;
        else
            lo = mid + 1;
    }
    int p = lo;
    snprintf(e, sizeof e, "%.*e", p - 1, v);
    char digits[24];
    int nd = 0, neg = e[0] == '-';
    const char *q = e + neg;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            digits[nd++] = *q;
    digits[nd] = 0;
    int exp10 = atoi(q + 1);
    char out[64];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (exp10 >= -4 && exp10 < 16) {
        if (exp10 < 0) {
            out[o++] = '0';
            out[o++] = '.';
            for (int i = 0; i < -exp10 - 1; i++)
                out[o++] = '0';
            for (int i = 0; i < nd; i++)
                out[o++] = digits[i];
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
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            for (int i = 1; i < nd; i++)
                out[o++] = digits[i];
        }
        snprintf(out + o, sizeof out - o, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    }
    snprintf(buf, len, "%s", out);
}

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
    num_shortest(buf, len, v);
    if (!strpbrk(buf, ".eni") && strlen(buf) + 2 < len)
        strcat(buf, ".0");
}

/*
 * named.c -- named-choice lookup (see named.h).
 */
#include <stdio.h>
#include <string.h>

#include "config/named.h"

static const char *entry_name(const void *table, size_t stride, size_t i)
{
    return *(const char *const *)((const char *)table + i * stride);
}

long named_find(const void *table, size_t count, size_t stride, const char *name, const char *what, char *err,
                size_t errlen)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(entry_name(table, stride, i), name) == 0)
            return (long)i;
    int len = snprintf(err, errlen, "unknown %s '%s' (valid:", what, name);
    for (size_t i = 0; i < count && len >= 0 && (size_t)len < errlen; i++)
        len += snprintf(err + len, errlen - (size_t)len, "%s %s", i ? "," : "", entry_name(table, stride, i));
    if (len >= 0 && (size_t)len < errlen)
        snprintf(err + len, errlen - (size_t)len, ")");
    return -1;
}

void named_file_stem(const char *path, char *out, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
        n -= 5;
    else if (n > 4 && strcmp(base + n - 4, ".yml") == 0)
        n -= 4;
    if (n >= len)
        n = len - 1;
    memcpy(out, base, n);
    out[n] = '\0';
}

const char *named_path_name_problem(const char *name)
{
    if (!name || !name[0])
        return "is empty";
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return "cannot be '.' or '..'";
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p == '/' || *p == '\\')
            return "cannot contain '/' or '\\'";
        if (*p < 0x20 || *p == 0x7f)
            return "cannot contain control characters";
        if (*p == ' ')
            return "cannot contain spaces";
    }
    if (name[0] == '-')
        return "cannot start with '-'";
    return NULL;
}

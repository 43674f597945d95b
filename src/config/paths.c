/*
 * paths.c -- where input files are found (see paths.h): next to the file
 * that names them, in the current directory, in the installation or the
 * source tree of the running binary.
 */
#define _XOPEN_SOURCE 700   /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/paths.h"

static int readable(const char *p)
{
    return access(p, R_OK) == 0;
}

/* dir/inputs exists: dir is a data folder */
static int holds_inputs(const char *dir)
{
    char p[PATH_MAX];
    return snprintf(p, sizeof p, "%s/inputs", dir) < (int)sizeof p && access(p, X_OK) == 0;
}

int paths_data_dir(char *out, size_t len)
{
    const char *env = getenv("HWSWEEP_DATA");
    if (env && *env) {
        snprintf(out, len, "%s", env);
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';                       /* exe: the binary's folder */
    static const char *const up[] = {"/../share/hwsweep", "/.."};
    for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
        char cand[PATH_MAX];
        if (snprintf(cand, sizeof cand, "%s%s", exe, up[i]) >= (int)sizeof cand)
            continue;
        if (holds_inputs(cand)) {
            char *real = realpath(cand, NULL);
            snprintf(out, len, "%s", real ? real : cand);
            free(real);
            return 0;
        }
    }
    return -1;
}

/* the data folder's copy of rel into buf when readable */
static const char *from_data(const char *rel, char *buf, size_t len)
{
    char dir[PATH_MAX];
    if (paths_data_dir(dir, sizeof dir) == 0 && snprintf(buf, len, "%s/%s", dir, rel) < (int)len && readable(buf))
        return buf;
    return NULL;
}

const char *paths_shipped(const char *rel, char *buf, size_t len)
{
    if (rel[0] == '/' || readable(rel) || !from_data(rel, buf, len)) {
        snprintf(buf, len, "%s", rel);
    }
    return buf;
}

const char *paths_near(const char *from, const char *rel, char *buf, size_t len)
{
    if (rel[0] != '/') {
        const char *slash = strrchr(from, '/');
        if (slash && snprintf(buf, len, "%.*s/%s", (int)(slash - from), from, rel) < (int)len && readable(buf))
            return buf;
        if (!slash && readable(rel)) {   /* `from` is in the current directory */
            snprintf(buf, len, "%s", rel);
            return buf;
        }
        if (readable(rel) || !from_data(rel, buf, len))
            snprintf(buf, len, "%s", rel);
        return buf;
    }
    snprintf(buf, len, "%s", rel);
    return buf;
}

/*
 * inputs_job.c -- `hwsweep inputs DB [--extract DIR]`: the input files a
 * database keeps (every kind: hw, sw, sweep, merge), listed with their
 * SHA-256, or written back under DIR so the result can be re-run from the
 * database alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/jobs.h"
#include "store/db.h"
#include "store/sha256.h"

typedef struct {
    const char *dir;       /* NULL: list only */
    int quiet, n, failed;
} extract_t;

/* DIR/PATH for a relative path without '..'; else DIR/ROLE/BASENAME. */
static void dest_of(const char *dir, const char *role, const char *path, char *out, size_t len)
{
    int plain = path[0] && path[0] != '/';
    for (const char *p = path; plain && *p; p++)
        if (p[0] == '.' && p[1] == '.' && (p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
            plain = 0;
    if (plain) {
        snprintf(out, len, "%s/%s", dir, path[0] == '.' && path[1] == '/' ? path + 2 : path);
    } else {
        const char *base = strrchr(path, '/');
        snprintf(out, len, "%s/%s/%s", dir, role, base ? base + 1 : path);
    }
}

static int write_file(const char *dest, const char *content, size_t len)
{
    char dir[4400], tmp[4500];
    snprintf(dir, sizeof dir, "%s", dest);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        if (dir[0] && job_mkdirs(dir))
            return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", dest, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -1;
    int bad = fwrite(content, 1, len, f) != len;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, dest)) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int one_input(void *ctx, const char *role, const char *path, const char *sha256, const char *content, size_t len)
{
    extract_t *x = ctx;
    char hex[65];
    sha256_hex(content, len, hex);
    int intact = strcmp(hex, sha256) == 0;
    x->n++;
    if (!x->dir) {
        printf("%-9s %s  %8zu  %s%s\n", role, sha256, len, path, intact ? "" : "  (content does not match its SHA-256)");
        return 0;
    }
    char dest[4400];
    dest_of(x->dir, role, path, dest, sizeof dest);
    if (!intact) {
        fprintf(stderr, "hwsweep inputs: %s: the stored text does not match its SHA-256; not written\n", path);
        x->failed = 1;
        return 0;
    }
    if (write_file(dest, content, len)) {
        fprintf(stderr, "hwsweep inputs: cannot write %s: %s\n", dest, strerror(errno));
        x->failed = 1;
        return 1;
    }
    if (!x->quiet)
        printf("wrote %s (%s %s)\n", dest, role, path);
    return 0;
}

int job_inputs(const char *db_path, const char *extract_dir, int quiet)
{
    char err[DB_ERR_MAX] = "";
    sqlite3 *db = db_open_readonly(db_path, err, sizeof err);
    if (!db) {
        fprintf(stderr, "hwsweep inputs: %s\n", err);
        return EXIT_BADINPUT;
    }
    extract_t x = {extract_dir, quiet, 0, 0};
    if (!extract_dir && !quiet)
        printf("%-9s %-64s  %8s  %s\n", "role", "sha256", "bytes", "path");
    int rc = db_inputs_each(db, one_input, &x, err, sizeof err);
    db_close(db);
    if (rc < 0) {
        fprintf(stderr, "hwsweep inputs: %s: not a hwsweep database (%s)\n", db_path, err);
        return EXIT_BADINPUT;
    }
    if (x.n == 0) {
        fprintf(stderr, "hwsweep inputs: %s keeps no input files (written by an older hwsweep?)\n", db_path);
        return EXIT_FAIL;
    }
    if (extract_dir && !quiet && !x.failed)
        printf("re-run from %s with the command in the database's runs table (paths are relative to it)\n",
               extract_dir);
    return x.failed ? EXIT_FAIL : EXIT_OK;
}

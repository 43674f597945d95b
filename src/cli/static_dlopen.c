/*
 * static_dlopen.c -- dlopen for the fully static bin/hwsweep (the Makefile's
 * LINK_STATIC=full, the default with gcc and glibc): the link redirects
 * SQLite's one dlopen call (extension loading, which hwsweep never enables)
 * here with -Wl,--wrap=dlopen, so that glibc's static dlopen, which would
 * need the shared libraries of the glibc it was linked with and warns about
 * it at every link, is not used.  Loading a library then fails as SQLite's
 * load_extension expects a missing file to fail (NULL).
 */
#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);

void *__wrap_dlopen(const char *file, int mode)
{
    (void)file;
    (void)mode;
    return NULL;
}

/*
 * hugemem.c -- one large zeroed block on transparent huge pages (see
 * hugemem.h): an anonymous mapping aligned to 2 MiB and advised
 * MADV_HUGEPAGE (a no-op where THP is off: then it is an ordinary zeroed
 * mapping, as calloc would give).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "engine/hugemem.h"

#define HUGE_BYTES ((size_t)2 << 20)

int hugemem_alloc(hugemem_t *m, size_t bytes)
{
    memset(m, 0, sizeof *m);
    if (bytes == 0)
        return 0;
    size_t len = (bytes + HUGE_BYTES - 1) / HUGE_BYTES * HUGE_BYTES + HUGE_BYTES;
    if (len < bytes)
        return -1;
    void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return -1;
    /* the first 2 MiB boundary: whole huge pages from there on, at least bytes of them */
    uintptr_t start = ((uintptr_t)map + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1);
    size_t usable = (len - (size_t)(start - (uintptr_t)map)) & ~(HUGE_BYTES - 1);
#ifdef MADV_HUGEPAGE
    madvise((void *)start, usable, MADV_HUGEPAGE); /* advice only: failure leaves 4 KiB pages */
#endif
    m->p = (void *)start;
    m->map = map;
    m->map_bytes = len;
    return 0;
}

void hugemem_free(hugemem_t *m)
{
    if (m->map)
        munmap(m->map, m->map_bytes);
    memset(m, 0, sizeof *m);
}

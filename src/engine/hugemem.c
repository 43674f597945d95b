/*
 * hugemem.c -- one large zeroed block on transparent huge pages (see
 * hugemem.h): an anonymous mapping aligned to 2 MiB and advised
 * MADV_HUGEPAGE (a no-op where THP is off: then it is an ordinary zeroed
 * mapping, as calloc would give); and malloc's main heap on huge pages for
 * the whole command (hugemem_heap_init).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include <malloc.h>
#include <stdint.h>
#include <unistd.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "engine/hugemem.h"

#define HUGE_BYTES ((size_t)2 << 20)

int hugemem_alloc(hugemem_t *m, size_t bytes)
{
    memset(m, 0, sizeof *m);
    if (bytes == 0)
        return 0;
    if (bytes < HUGEMEM_MIN_BYTES)
        return -1;
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

/* The first block malloc carves from the extended heap: under
 * M_MMAP_THRESHOLD (32 MiB), so it comes from the heap. */
#define HEAP_GROW_BYTES ((size_t)14 << 20)
#define MALLOC_DEFAULT_BYTES (128 * 1024) /* glibc's default top pad and thresholds */

/* malloc's defaults again (when the heap could not be extended) */
static void heap_defaults(void)
{
    mallopt(M_MMAP_THRESHOLD, MALLOC_DEFAULT_BYTES);
    mallopt(M_TRIM_THRESHOLD, MALLOC_DEFAULT_BYTES);
    mallopt(M_TOP_PAD, MALLOC_DEFAULT_BYTES);
}

void hugemem_heap_init(size_t reserve_bytes)
{
    /* the address space counts against RLIMIT_DATA: leave a tight limit to malloc alone */
    struct rlimit data;
    if (reserve_bytes > (size_t)1 << 29 ||
        (getrlimit(RLIMIT_DATA, &data) == 0 && data.rlim_cur != RLIM_INFINITY &&
         data.rlim_cur / 4 < HEAP_GROW_BYTES + reserve_bytes))
        return;
    if (mallopt(M_MMAP_THRESHOLD, 32 << 20) != 1 || mallopt(M_TRIM_THRESHOLD, (int)(2 * reserve_bytes)) != 1 ||
        mallopt(M_TOP_PAD, (int)reserve_bytes) != 1) {
        heap_defaults();
        return;
    }
    size_t old_top = mallinfo2().keepcost; /* free heap below the break (a static libc's start used some) */
    /* A 4 KiB page of the kernel's faults at once a 2 MiB range that has
     * page tables already, so no byte past the boundary may be written
     * before the advice: the break moves to 4 KiB below a 2 MiB boundary
     * (malloc steps over a gap it did not make), where malloc writes the
     * header of the new heap, and the first block reaches 14 MiB past it,
     * where it writes the next header. */
    char *cur = sbrk(0);
    uintptr_t start = ((uintptr_t)cur + 4096 + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1);
    if (cur == (char *)-1 || sbrk((intptr_t)(start - 4096 - (uintptr_t)cur)) == (void *)-1) {
        heap_defaults();
        return;
    }
    void *volatile grow = malloc(HEAP_GROW_BYTES); /* volatile: the pair is not optimized away */
    char *end = sbrk(0);
    if (!grow || end == (char *)-1 || (uintptr_t)end <= start) {
        free(grow);
        heap_defaults();
        return;
    }
    madvise((void *)start, (uintptr_t)end - start, MADV_HUGEPAGE); /* advice only, as above */
    /* the old top, below the boundary on 4 KiB pages, now a free block
     * that malloc would hand out first: kept for good (reachable) */
    static void *below_boundary;
    if (old_top > 1024 && !below_boundary)
        below_boundary = malloc(old_top - 256);
    free(grow);
    /* later extensions as malloc's own: a top pad would ask for more than the block */
    mallopt(M_TOP_PAD, MALLOC_DEFAULT_BYTES);
}

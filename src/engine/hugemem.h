/*
 * hugemem.h -- one large zeroed block for the results of a whole command,
 * backed by transparent huge pages where the kernel offers them.
 *
 * Many small blocks, each touched once, cost a page fault per 4 KiB (in a
 * virtual machine a few microseconds each: for `hwsweep sw` on cc_sweep x
 * gpt3, 2,400 faults for 232 points' best-mapping records); a block of
 * 2 MiB pages faults once per 2 MiB.
 */
#ifndef ENGINE_HUGEMEM_H
#define ENGINE_HUGEMEM_H

#include <stddef.h>

typedef struct {
    void *p;         /* the block (2 MiB aligned when mapped), NULL when empty */
    void *map;       /* what was mapped, and its size: for hugemem_free */
    size_t map_bytes;
} hugemem_t;

/* A zeroed block of at least `bytes` (none for 0); -1 when out of memory. */
int hugemem_alloc(hugemem_t *m, size_t bytes);
void hugemem_free(hugemem_t *m);

#endif

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

/* A zeroed block of at least `bytes` (none for 0) on huge pages; -1 when
 * out of memory, or when bytes is under HUGEMEM_MIN_BYTES: a block that
 * small is cheaper from malloc's heap (which a short command keeps on huge
 * pages already) than a 2 MiB page the kernel zeroes for it (~0.25 ms). */
#define HUGEMEM_MIN_BYTES ((size_t)256 << 10)
int hugemem_alloc(hugemem_t *m, size_t bytes);
void hugemem_free(hugemem_t *m);

/* malloc's main heap, from here on, on transparent huge pages: the heap is
 * extended once by 14 MiB + reserve_bytes (address space; memory only as
 * touched) from a 2 MiB boundary and advised MADV_HUGEPAGE, blocks up to
 * 32 MiB come from it instead of their own mappings, and it is trimmed
 * only past 2 x reserve_bytes free; later extensions are malloc's usual
 * ones (4 KiB pages).  Nothing is done under an RLIMIT_DATA of less than
 * four times the extension, and malloc's defaults are restored when the
 * extension fails.  Once, early (bin/hwsweep's main,
 * for the short commands): their SQLite page cache, statements and
 * records then fault once per 2 MiB instead of once per 4 KiB; memory is
 * taken in 2 MiB granules, so a long run's peak RSS grows.  The same
 * memory, so the same results; where malloc or the kernel cannot, nothing
 * changes (THP off: 4 KiB pages as before). */
void hugemem_heap_init(size_t reserve_bytes);

#endif

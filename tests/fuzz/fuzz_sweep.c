/*
 * fuzz_sweep.c -- libFuzzer target: sweep expansion of every mapping at the
 * top of any YAML document.  The count made before expanding
 * (cfg_expand_count, which sizes sweeps) must equal the number of points
 * cfg_expand builds whenever the expansion succeeds; refusals are located.
 * Run by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cfg_err_t err;
    err.msg[0] = '\0';
    cfg_doc_t *doc = cfg_load_buffer("fuzz.yaml", (const char *)data, size, &err);
    if (!doc)
        return 0;
    const node_t *root = cfg_doc_root(doc);
    for (size_t i = 0; i < root->n; i++) {
        const node_t *m = root->items[i];
        if (m->kind != NODE_MAP)
            continue;
        double count = cfg_expand_count(m);
        cfg_points_t pts;
        if (cfg_expand(doc, m, 100000, &pts, &err)) {
            if ((double)pts.n != count)
                abort();   /* the sizing would lie */
            cfg_points_free(&pts);
        } else if (strncmp(err.msg, "fuzz.yaml:", 10) != 0) {
            abort();
        }
    }
    cfg_doc_free(doc);
    return 0;
}

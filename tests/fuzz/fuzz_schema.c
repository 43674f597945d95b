/*
 * fuzz_schema.c -- libFuzzer target: any YAML document bound by the four
 * schemas (hardware, constants, model, system).  Each binding either
 * succeeds or reports a located error; nothing crashes.  Run by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/node.h"
#include "hw/hw_config.h"
#include "perf/sw_config.h"

static void located(const cfg_err_t *err)
{
    if (strncmp(err->msg, "fuzz.yaml:", 10) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cfg_err_t err;
    err.msg[0] = '\0';
    cfg_doc_t *doc = cfg_load_buffer("fuzz.yaml", (const char *)data, size, &err);
    if (!doc)
        return 0;
    const node_t *root = cfg_doc_root(doc);
    hw_config_t hw;
    if (hw_config_bind(doc, root, &hw, &err) == 0) {
        hw.doc = NULL;   /* the document is still ours: the other schemas read it */
        hw_config_free(&hw);
    }
    else
        located(&err);
    hw_constants_t hc;
    if (hw_constants_bind(root, &hc, &err))
        located(&err);
    model_cfg_t m;
    if (sw_model_bind(root, &m, &err))
        located(&err);
    system_cfg_t *cfgs = NULL;
    size_t n = 0;
    if (sw_system_bind(doc, root, &cfgs, &n, &err) == 0)
        free(cfgs);
    else
        located(&err);
    cfg_doc_free(doc);
    return 0;
}

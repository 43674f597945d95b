/*
 * kern_hw.c -- schema of the kernel model's hardware YAML (see kern_hw.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/schema.h"
#include "kernels/kern_hw.h"

#define NUM(k, fl) {.key = #k, .type = F_NUM, .off = offsetof(kern_hw_t, k), .flags = FF_REQUIRED | (fl)}

static const field_t hw_fields[] = {
    {.key = "name", .type = F_STR, .off = offsetof(kern_hw_t, name), .size = 64, .flags = FF_REQUIRED},
    NUM(cores, FF_POSITIVE | FF_INTEGER),
    NUM(frequency_hz, FF_POSITIVE),
    NUM(macs_per_cycle, FF_POSITIVE),
    NUM(bandwidth_bytes_per_s, FF_POSITIVE),
    NUM(cache_bytes, FF_POSITIVE),
};
static const schema_t hw_schema = {"kernel hardware", hw_fields, sizeof hw_fields / sizeof hw_fields[0], -1};

static int bind(cfg_doc_t *doc, kern_hw_t *hw, cfg_err_t *err)
{
    if (!doc)
        return -1;
    kern_hw_t h;
    memset(&h, 0, sizeof h);
    int rc = schema_bind(&hw_schema, cfg_doc_root(doc), &h, err);
    cfg_doc_free(doc);
    if (rc)
        return -1;
    /* the notebook's order: Num_Cores * Frequency * MACs_per_cycle */
    h.macs_per_s = h.cores * h.frequency_hz * h.macs_per_cycle;
    *hw = h;
    return 0;
}

int kern_hw_load(const char *path, kern_hw_t *hw, cfg_err_t *err)
{
    return bind(cfg_load_file(path, err), hw, err);
}

int kern_hw_load_text(const char *name, const char *text, kern_hw_t *hw, cfg_err_t *err)
{
    return bind(cfg_load_buffer(name, text, strlen(text), err), hw, err);
}

/*
 * fuzz_yaml.c -- libFuzzer target: any bytes through the YAML loader.  It
 * must return a document or a located error ("name:line:col: ..."), never
 * crash, leak or read out of bounds.  Run by `make fuzz`.
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
    if (!doc && strncmp(err.msg, "fuzz.yaml:", 10) != 0)
        abort();   /* every refusal is located */
    cfg_doc_free(doc);
    return 0;
}

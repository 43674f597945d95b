/*
 * sha256.h -- SHA-256 of a file, as 64 lowercase hex digits (FIPS 180-4).
 */
#ifndef STORE_SHA256_H
#define STORE_SHA256_H

#include <stddef.h>

void sha256_hex(const void *data, size_t len, char out[65]);
/* 0 on success, -1 when the file cannot be read. */
int sha256_file_hex(const char *path, char out[65]);

#endif

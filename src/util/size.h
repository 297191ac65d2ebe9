/*
 * size.h - amounts of memory as users write them: "512M", "4G", "1.5GiB",
 * "65536" (bytes); K, M, G and T are powers of 1024, with or without "iB"
 * or "B".
 */
#ifndef IPA_UTIL_SIZE_H
#define IPA_UTIL_SIZE_H

#include <stdbool.h>
#include <stdint.h>

/* Parses @text into bytes. False for anything else or for overflow. */
bool ipa_size_parse(const char *text, uint64_t *out_bytes);

#endif

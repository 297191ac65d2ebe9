/*
 * fuzz.h - the entry point every harness defines: libFuzzer calls it in the
 * clang fuzz build (IPASIM_FUZZ=ON), replay.c in the normal build.
 */
#ifndef IPA_FUZZ_FUZZ_H
#define IPA_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

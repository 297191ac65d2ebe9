/*
 * input.h - reading an input file whole, within a size cap checked before
 * its contents are read. Parsing costs memory in proportion to the input
 * (a JSON trace about 57 times its size, kernel trace text about 17, an
 * rt-app file about 160: docs/robustness.md), so the cap on bytes is what
 * bounds the memory a file can make ipasim spend before any other limit
 * of the format is checked. Every reader of a user's file goes through
 * ipa_input_read.
 */
#ifndef IPA_UTIL_INPUT_H
#define IPA_UTIL_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* The default caps. Kernel trace text (trace-cmd report, perf script) is
 * what long recordings produce, and costs the least per byte. */
#define IPA_INPUT_MAX_TEXT ((uint64_t)256 << 20)
#define IPA_INPUT_MAX ((uint64_t)64 << 20) /* JSON, XML, policies */
#define IPA_INPUT_MAX_RTAPP ((uint64_t)16 << 20)

enum ipa_input_kind {
    IPA_INPUT_FILE,  /* JSON, XML, policy source: IPA_INPUT_MAX */
    IPA_INPUT_TRACE, /* IPA_INPUT_MAX_TEXT unless it starts as JSON does */
    IPA_INPUT_RTAPP, /* the cap of an rt-app file, once recognised */
};

/* --max-input-size: every cap is @bytes from now on; 0 restores the
 * defaults. */
void ipa_input_set_max_size(uint64_t bytes);
uint64_t ipa_input_cap(enum ipa_input_kind kind);

/* Fails (naming @what, "trace" say, the path and its size) when @size is
 * over @kind's cap. */
bool ipa_input_check_size(const char *what, const char *path,
                          enum ipa_input_kind kind, uint64_t size,
                          GError **error);

/* Reads @path whole into *@text (NUL-terminated, g_free it) and *@len.
 * The size is checked before reading (as it is read, for a pipe); errors
 * read "WHAT 'PATH': why". A trace compressed by gzip (recordings often
 * are) is read decompressed, and its cap holds for what it expands to. */
bool ipa_input_read(const char *what, const char *path,
                    enum ipa_input_kind kind, char **text, size_t *len,
                    GError **error);

#endif

/*
 * common.h - what every stage shares: assertions for bugs, the GError
 * domain for recoverable input errors, and exit codes.
 */
#ifndef IPA_UTIL_COMMON_H
#define IPA_UTIL_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

/* A bug in ipasim itself (never bad input): abort with where it happened. */
#define IPA_ASSERT(cond, msg)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: %s: assertion '%s' failed: %s\n",          \
                    __FILE__, __LINE__, __func__, #cond, msg);                 \
            abort();                                                           \
        }                                                                      \
    } while (0)

#define IPA_UNREACHABLE()                                                      \
    do {                                                                       \
        fprintf(stderr, "%s:%d: %s: unreachable\n", __FILE__, __LINE__,        \
                __func__);                                                     \
        abort();                                                               \
    } while (0)

/* Bytes of a cache line, which the layouts of the engine's hot structures
 * (thread records, the event heap) are laid out by. */
#define IPA_CACHE_LINE 64

/* Exit codes, like compilers and linters. */
enum {
    IPA_EXIT_OK = 0,
    IPA_EXIT_FAIL = 1,  /* policy failed a check or faulted; asked-for failure */
    IPA_EXIT_USAGE = 2, /* bad usage or unreadable input */
};

/* Orders a GPtrArray of strings (g_ptr_array_sort): strcmp of the
 * strings its elements point to. */
gint ipa_cmp_strings(gconstpointer a, gconstpointer b);

/* GError domain for input errors (files, JSON, topologies, flags). */
#define IPA_ERROR (ipa_error_quark())
GQuark ipa_error_quark(void);

enum ipa_error_code {
    IPA_ERROR_INPUT,  /* malformed or unreadable input: exit 2 */
    IPA_ERROR_POLICY, /* the policy failed a check or faulted: exit 1 */
};

#endif

/*
 * loader.h - turning a policy file into an ops table.
 *
 * A .c file is compiled with the system C compiler against the runtime
 * headers into the policy cache (policy/cache.h) and loaded with dlopen
 * from the very bytes whose hash was checked; a .so is loaded as it is.
 * An entry's key covers the preprocessed source (so the runtime header and
 * every file the policy includes), the ipasim version, the compiler (the
 * file it resolves to and the version it reports) and its flags, so a
 * stale object is never used; a damaged one is rebuilt.
 */
#ifndef IPA_POLICY_LOADER_H
#define IPA_POLICY_LOADER_H

#include <stdbool.h>

#include <glib.h>

#include <ipasim/runtime.h>

#include "interp/interp.h"

/* What a policy may declare (checked at load, docs/runtime-api.md): each
 * *_data_size, and run queues of each kind. */
#define IPA_POLICY_MAX_DATA_SIZE ((size_t)1 << 20)
#define IPA_POLICY_MAX_RQS 64

struct ipa_policy {
    char *path;
    char *name; /* file name without folder, for reports */
    const struct ipa_policy_ops *ops; /* a composition's: its first class's */
    void *ctx; /* for policies that need a context (the DSL) */
    void *dl;
    int object_fd; /* the checked object dl maps, held open; -1 if none */
    /* a composition (policy/compose.h): struct ipa_policy_class *,
     * highest first; NULL for a single policy */
    GPtrArray *classes;
};

struct ipa_policy_class {
    char *name;
    char **attach; /* trace attributes that attach a thread */
    int share;     /* its share (dsl/compose.h); 0: fixed priority */
    struct ipa_policy *policy;
};

/* Loads @path (already resolved): a DSL policy (.ipa, interpreted, with
 * @dsl's parameters; NULL for none), a composition of policies (.ipa
 * declaring `classes`: each class loaded so), C source or a shared
 * object. C
 * compiler errors are copied into the error message. IPA_ERROR_INPUT for
 * unreadable or uncompilable files, IPA_ERROR_POLICY for a DSL policy
 * failing its checks (diagnostics on stderr). */
bool ipa_policy_load(const char *path, const struct ipa_interp_options *dsl,
                     struct ipa_policy **out, GError **error);
/* Compiles a C policy into the cache (or finds its entry there, checked);
 * returns the shared object's path in the cache. */
char *ipa_policy_compile_c(const char *path, GError **error);
void ipa_policy_free(struct ipa_policy *policy);

#endif

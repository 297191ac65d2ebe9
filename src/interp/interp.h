/*
 * interp.h - running a DSL policy (.ipa) as a runtime callback table.
 *
 * The file is parsed, checked (ipasim check's rules) and compiled once
 * (lower/program.h); the returned ops table runs it, one instance per partition.
 */
#ifndef IPA_INTERP_INTERP_H
#define IPA_INTERP_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <ipasim/runtime.h>

/* Steps (statements, loop iterations, selections) one event may take
 * before it is ended as a fault: far above any real handler, low enough
 * to stop a runaway one in about a second. */
#define IPA_INTERP_STEP_LIMIT 100000000ULL

struct ipa_interp_options {
    const char *const *params; /* "NAME=VALUE" (--param) */
    int nr_params;
    uint64_t step_limit; /* 0: IPA_INTERP_STEP_LIMIT */
    /* for the policy loader (src/policy): run C generated from the policy
     * instead of interpreting it (--mode compiled) */
    bool compiled;
};

/* Loads @path. A policy that fails its checks prints its diagnostics on
 * stderr and fails with IPA_ERROR_POLICY; an unreadable one with
 * IPA_ERROR_INPUT. *@ctx goes to ipa_sim_add_partition and is freed with
 * ipa_interp_free after the simulation. */
bool ipa_interp_load(const char *path, const struct ipa_interp_options *opts,
                     const struct ipa_policy_ops **ops, void **ctx,
                     GError **error);
void ipa_interp_free(void *ctx);

#endif

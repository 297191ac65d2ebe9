/*
 * setup.h - what run and bench share: resolving file names given bare,
 * reading "[CPULIST:]FILE" policy specs, and loading them as partitions.
 */
#ifndef IPA_CLI_SETUP_H
#define IPA_CLI_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

struct ipa_interp_options;
struct ipa_sim;
struct ipa_topo;

/* Loaded policies and the partitions they run; freed after the run. */
struct ipa_setup {
    GPtrArray *policies; /* struct ipa_policy * */
    GPtrArray *cores;    /* GArray of int per policy, NULL = the rest */
    char *label;         /* the specs as the user gave them, for reports */
};

/* Loads every spec (ipa_find_shipped in policies/); @dsl: parameters of
 * DSL policies (NULL for none). */
bool ipa_setup_policies(struct ipa_setup *setup, char **specs,
                        const struct ipa_interp_options *dsl, GError **error);
/* Adds the loaded policies to @sim as partitions, in order. */
bool ipa_setup_partitions(struct ipa_setup *setup, struct ipa_sim *sim,
                          GError **error);
void ipa_setup_fini(struct ipa_setup *setup);

/* Reads --mode (NULL: the default, interpreted): *@compiled says whether
 * DSL policies run as generated C. */
bool ipa_setup_mode(const char *mode, bool *compiled, GError **error);

/* Reads duration option @flag's @text (NULL: not given, *@out kept). */
bool ipa_setup_duration(const char *flag, const char *text, uint64_t *out,
                        GError **error);

/* Reads --max-input-size's @text (NULL: not given): the cap of every
 * input file from now on (util/input.h). */
bool ipa_setup_max_input(const char *text, GError **error);

/* Resolves a topology argument: a shipped or existing file, else the
 * string itself (synthetic description or "host"). */
bool ipa_setup_topology(const char *arg, struct ipa_topo **out,
                        GError **error);

#endif

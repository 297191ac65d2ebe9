/*
 * setup.h - what run and bench share: resolving file names given bare,
 * reading "[CPULIST:]FILE" policy specs, and loading them as partitions.
 */
#ifndef IPA_CLI_SETUP_H
#define IPA_CLI_SETUP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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
/* The names the loaded policies of @specs will have (the file name
 * without its folder), by partition index; g_strfreev() them. */
char **ipa_setup_policy_names(char **specs);
/* The policy files of --policy specs, resolved as ipa_setup_policies
 * would, without loading them (NULL-terminated, g_strfreev). */
char **ipa_setup_policy_paths(char **specs);
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

/* The file a policy spec ("[CPULIST:]FILE") names, found as
 * ipa_setup_policies would (new string), or NULL with *error. */
char *ipa_setup_policy_file(const char *spec, GError **error);
/* The file a topology argument names (*@path, new string), or *@path NULL
 * for a synthetic description or "host"; false with *error when it names
 * a file that is not there. */
bool ipa_setup_topology_file(const char *arg, char **path, GError **error);

/* Prints @ctx's help (its summary, description and options) under
 * @usage ("usage: ipasim run ..."), the first line every command's help
 * starts with, in place of glib's "Usage: run [OPTION...]". @ctx must have
 * its own help disabled, and a --help entry that calls this. */
void ipa_cli_print_help(GOptionContext *ctx, const char *usage, FILE *out);

/* Reads --max-input-size's @text (NULL: not given): the cap of every
 * input file from now on (util/input.h). */
bool ipa_setup_max_input(const char *text, GError **error);

/* Resolves a topology argument: a shipped or existing file, else the
 * string itself (synthetic description or "host"). */
bool ipa_setup_topology(const char *arg, struct ipa_topo **out,
                        GError **error);

/* --recorded-on TOPOLOGY (convert, run): the machine a kernel recording
 * was made on, its CPUs' capacities by OS index; freed by
 * ipa_setup_recording_machine_fini. */
struct ipa_recording_machine;
bool ipa_setup_recording_machine(const char *arg,
                                 struct ipa_recording_machine *out,
                                 GError **error);
void ipa_setup_recording_machine_fini(struct ipa_recording_machine *m);

#endif

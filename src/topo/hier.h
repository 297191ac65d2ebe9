/*
 * hier.h - scheduling-domain hierarchies, per core.
 *
 * For each core and each level 1..nr_levels, a domain (a set of cores
 * holding the core) split into groups; level nr_levels spans every core of
 * the hierarchy, and each group of a level-l domain is a level-(l-1) domain
 * (level 0 being the single core). The default builder follows the Ipanema
 * talk's construction over the topology's distance ranks:
 *
 *   foreach (dist in distances starting_at 1)
 *       domain (c | distance(c, self) <= dist) to groups =
 *           group (c1, c2 | distance(c1, c2) <= dist - 1) to cores;
 *
 * restricted to a subset of cores (a machine partition). Other builders (the
 * DSL's) fill the same structure and check it with ipa_hier_validate().
 */
#ifndef IPA_TOPO_HIER_H
#define IPA_TOPO_HIER_H

#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

#include <ipasim/runtime.h>

struct ipa_topo;

struct ipa_hier {
    int nr_cores;  /* cores in the hierarchy */
    int *cores;    /* their global ids, ascending */
    int max_core;  /* largest global id + 1 (size of core_index) */
    int *core_index; /* [max_core] global id -> index in cores, -1 if absent */
    int nr_levels;   /* levels 1..nr_levels */
    /* [nr_cores * nr_levels]: domain of cores[i] at level l is
     * domains[i * nr_levels + (l - 1)]. Core and group arrays point into
     * storage owned by the hierarchy. */
    struct ipa_sched_domain *domains;
    GPtrArray *storage; /* every allocation the domains point into */
    /* [nr_levels] the topology distance rank each level spans (level l
     * holds the cores within level_rank[l - 1] of its core), or NULL for a
     * hierarchy not built from distances. Freed with the hierarchy. */
    int *level_rank;
};

/* Builds the default hierarchy over @cores (ascending global ids, NULL and
 * 0 for the whole machine). Levels whose distance rank no pair of the
 * subset has are skipped, so a 1-core subset has one level. */
struct ipa_hier *ipa_hier_build(const struct ipa_topo *topo, const int *cores,
                                int nr_cores);

/* Checks the three rules: the top domain of every core holds all cores,
 * groups at a level partition their domain (no core in two groups, none
 * missing), each group is a domain one level down (of each of its cores).
 * Also that every domain holds its own core and domains grow with the
 * level. The error names the core, level and group at fault. */
bool ipa_hier_validate(const struct ipa_hier *hier, GError **error);

static inline const struct ipa_sched_domain *
ipa_hier_domain(const struct ipa_hier *h, int core, int level)
{
    return &h->domains[(size_t)h->core_index[core] * (size_t)h->nr_levels +
                       (size_t)(level - 1)];
}

/* `ipasim topo`: the topology's description, distance ranks and NUMA
 * matrix (when @topo is not NULL), then per level each distinct domain once
 * with its groups as CPU lists, and last "hierarchy: valid" or the first
 * fault ipa_hier_validate() finds (domains are then not listed). */
void ipa_hier_print(const struct ipa_hier *hier, const struct ipa_topo *topo,
                    FILE *out);

/* `ipasim topo --json`: the same as one JSON object (levels, each with its
 * distinct domains as arrays of core ids and their groups). */
void ipa_hier_print_json(const struct ipa_hier *hier,
                         const struct ipa_topo *topo, FILE *out);

/* Frees the arrays of the struct, level_rank and storage (whose free
 * function must free its elements, as g_ptr_array_new_with_free_func(g_free)
 * does), then the struct. NULL is a no-op. */
void ipa_hier_free(struct ipa_hier *hier);

#endif

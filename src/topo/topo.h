/*
 * topo.h - the simulated machine, loaded through hwloc.
 *
 * A topology comes from an hwloc XML file (v1 or v2), an hwloc synthetic
 * description ("pack:2 numa:1 core:8 pu:2"), or "host". ipasim's cores are
 * hwloc's PUs, numbered 0..nr_cores-1 in hwloc's logical order.
 *
 * Distances between cores are ranks 0..nr_distances-1: 0 is the same core,
 * then SMT siblings, shared caches, the same NUMA node, and beyond a node
 * the NUMA distance matrix when the topology has one (distances2 in v2 XML,
 * distances in v1), else the hwloc tree (packages, groups). The ranks form
 * an ultrametric (the matrix is turned into a tree by complete-linkage
 * clustering), so balls of radius r partition the machine at every r; the
 * raw matrix stays available in numa_matrix.
 *
 * Each core has a capacity, as Linux's cpu_capacity: 1024 for the fastest
 * kind of core, proportionally less for slower ones; a run of d ns lasts
 * d * 1024 / capacity there. It comes from hwloc's CPU kinds (their
 * LinuxCapacity, else their efficiency ranking, else their frequency or
 * core type: docs/topologies.md), or from "capacity:CORES=VALUE" words
 * of a synthetic description; 1024 everywhere when nothing says otherwise.
 */
#ifndef IPA_TOPO_TOPO_H
#define IPA_TOPO_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include <ipasim/runtime.h>

struct ipa_topo {
    char *source;      /* what the user gave (path, synthetic string, host) */
    char *description; /* one line: "64 cores, 8 NUMA nodes, ..." */
    int nr_cores;
    int *os_index; /* [nr_cores] the PU's OS index */
    int *node;     /* [nr_cores] NUMA node (0..nr_nodes-1) of each core */
    int *package;  /* [nr_cores] package index, 0 when hwloc has none */
    int nr_nodes;
    int *numa_matrix; /* [nr_nodes * nr_nodes] from the topology, or NULL */
    int nr_distances; /* distinct distance ranks, including 0 */
    uint8_t *dist;    /* [nr_cores * nr_cores] distance ranks */
    char **distance_names; /* [nr_distances] "core", "smt", "L2", "node", ... */
    int *capacity;         /* [nr_cores] 1..IPA_CAPACITY_SCALE */
    bool heterogeneous;    /* some core's capacity is not the scale */
};

/* Loads @spec: an existing file is read as hwloc XML; "host" is this
 * machine; anything else is tried as a synthetic description. Errors name
 * the input and what hwloc said (IPA_ERROR_INPUT). */
bool ipa_topo_load(const char *spec, struct ipa_topo **out, GError **error);
/* Loads hwloc XML from @len bytes of @xml (need not end in a NUL); @name
 * only names it in messages. */
bool ipa_topo_load_xml_buffer(const char *name, const char *xml, size_t len,
                              struct ipa_topo **out, GError **error);
void ipa_topo_free(struct ipa_topo *topo);
/* Appends what two cores at the distance named @name have in common
 * ("share an L2 cache", "NUMA nodes at distance 16"), for legends. */
void ipa_topo_distance_meaning(GString *out, const char *name);

/* The core whose PU has OS index @os_index (a CPU number as Linux and
 * recordings give it), or -1. */
int ipa_topo_core_of_os_index(const struct ipa_topo *t, int os_index);
/* Appends "1024 on cores 4-5, 383 on cores 0-3", highest capacity
 * first. */
void ipa_topo_capacity_summary(GString *out, const struct ipa_topo *t);

static inline int ipa_topo_distance(const struct ipa_topo *t, int a, int b)
{
    return t->dist[(size_t)a * (size_t)t->nr_cores + (size_t)b];
}

#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

/* Reaches complete_linkage() and the other statics. */
#include "topo/topo.c"

static struct ipa_topo *load_ok(const char *spec)
{
    struct ipa_topo *t = NULL;
    GError *err = NULL;
    bool ok = ipa_topo_load(spec, &t, &err);
    if (!ok)
        fail_msg("loading '%s': %s", spec, err->message);
    assert_non_null(t);
    return t;
}

/* dist(a,c) <= max(dist(a,b), dist(b,c)) for all triples, symmetric, zero
 * exactly on the diagonal, every rank used. */
static void assert_ultrametric(const struct ipa_topo *t)
{
    int n = t->nr_cores;
    bool *used = g_new0(bool, t->nr_distances);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            int ab = ipa_topo_distance(t, a, b);
            assert_int_equal(ab, ipa_topo_distance(t, b, a));
            assert_true(ab < t->nr_distances);
            assert_true((ab == 0) == (a == b));
            used[ab] = true;
            for (int c = 0; c < n; c++) {
                int ac = ipa_topo_distance(t, a, c);
                int bc = ipa_topo_distance(t, b, c);
                if (ac > MAX(ab, bc))
                    fail_msg("%s: dist(%d,%d)=%d > max(dist(%d,%d)=%d, "
                             "dist(%d,%d)=%d)",
                             t->source, a, c, ac, a, b, ab, b, c, bc);
            }
        }
    for (int r = 0; r < t->nr_distances; r++)
        assert_true(used[r]);
    g_free(used);
}

static void assert_names(const struct ipa_topo *t, const char *const *names,
                         int nr)
{
    assert_int_equal(t->nr_distances, nr);
    for (int r = 0; r < nr; r++)
        assert_string_equal(t->distance_names[r], names[r]);
}

static void test_synthetic_smt(void **state)
{
    (void)state;
    struct ipa_topo *t = load_ok("pack:2 core:4 pu:2");
    static const char *const names[] = {"core", "smt", "package", "machine"};
    assert_int_equal(t->nr_cores, 16);
    assert_int_equal(t->nr_nodes, 1);
    assert_null(t->numa_matrix);
    assert_names(t, names, 4);
    assert_int_equal(ipa_topo_distance(t, 0, 0), 0);
    assert_int_equal(ipa_topo_distance(t, 0, 1), 1);
    assert_int_equal(ipa_topo_distance(t, 0, 2), 2);
    assert_int_equal(ipa_topo_distance(t, 6, 7), 1);
    assert_int_equal(ipa_topo_distance(t, 7, 8), 3);
    assert_int_equal(ipa_topo_distance(t, 0, 15), 3);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(t->os_index[i], i);
        assert_int_equal(t->node[i], 0);
        assert_int_equal(t->package[i], i / 8);
    }
    assert_string_equal(t->description, "16 cores, 1 NUMA node, 2 packages, "
                                        "distances: core smt package machine");
    assert_ultrametric(t);
    ipa_topo_free(t);
}

static void test_synthetic_numa_no_matrix(void **state)
{
    (void)state;
    struct ipa_topo *t = load_ok("pack:2 [numa] core:4 pu:2");
    static const char *const names[] = {"core", "smt", "node", "machine"};
    assert_int_equal(t->nr_cores, 16);
    assert_int_equal(t->nr_nodes, 2);
    assert_null(t->numa_matrix);
    assert_names(t, names, 4);
    for (int i = 0; i < 16; i++)
        assert_int_equal(t->node[i], i / 8);
    assert_int_equal(ipa_topo_distance(t, 2, 3), 1);
    assert_int_equal(ipa_topo_distance(t, 2, 5), 2);
    assert_int_equal(ipa_topo_distance(t, 2, 9), 3);
    assert_ultrametric(t);
    ipa_topo_free(t);
}

/* Without a matrix, dies of one package are closer than other packages. */
static void test_synthetic_dies_tree(void **state)
{
    (void)state;
    struct ipa_topo *t = load_ok("pack:2 die:2 [numa] l3:1 l2:2 core:2 pu:1");
    static const char *const names[] = {"core", "L2", "node", "package",
                                        "machine"};
    assert_int_equal(t->nr_cores, 16);
    assert_int_equal(t->nr_nodes, 4);
    assert_names(t, names, 5);
    assert_int_equal(ipa_topo_distance(t, 0, 1), 1);
    assert_int_equal(ipa_topo_distance(t, 0, 3), 2);
    assert_int_equal(ipa_topo_distance(t, 0, 4), 3);
    assert_int_equal(ipa_topo_distance(t, 0, 8), 4);
    assert_int_equal(t->package[7], 0);
    assert_int_equal(t->package[8], 1);
    assert_ultrametric(t);
    ipa_topo_free(t);
}

static void test_single_pu(void **state)
{
    (void)state;
    struct ipa_topo *t = load_ok("pu:1");
    assert_int_equal(t->nr_cores, 1);
    assert_int_equal(t->nr_nodes, 1);
    assert_int_equal(t->nr_distances, 1);
    assert_string_equal(t->distance_names[0], "core");
    assert_int_equal(ipa_topo_distance(t, 0, 0), 0);
    ipa_topo_free(t);
}

static void test_shipped_64core(void **state)
{
    (void)state;
    struct ipa_topo *t = load_ok(IPASIM_SOURCE_DIR "/topologies/64core.xml");
    static const char *const names[] = {"core", "L2", "node", "numa:16",
                                        "numa:22"};
    assert_int_equal(t->nr_cores, 64);
    assert_int_equal(t->nr_nodes, 8);
    assert_names(t, names, 5);
    assert_non_null(t->numa_matrix);
    assert_int_equal(t->numa_matrix[0], 10);
    assert_int_equal(t->numa_matrix[0 * 8 + 1], 16);
    assert_int_equal(t->numa_matrix[0 * 8 + 2], 16);
    assert_int_equal(t->numa_matrix[0 * 8 + 3], 22);
    assert_int_equal(t->node[63], 7);
    assert_int_equal(t->package[63], 3);
    assert_int_equal(ipa_topo_distance(t, 0, 1), 1); /* module */
    assert_int_equal(ipa_topo_distance(t, 0, 7), 2); /* die */
    assert_int_equal(ipa_topo_distance(t, 0, 8), 3); /* package */
    /* Nodes 0 and 2 are one hop apart (16), but node 2 is two hops from
     * node 1, which joined node 0 first: complete linkage puts them at 22. */
    assert_int_equal(ipa_topo_distance(t, 0, 16), 4);
    assert_int_equal(ipa_topo_distance(t, 0, 63), 4);
    assert_string_equal(t->description,
                        "64 cores, 8 NUMA nodes, 4 packages, distances: "
                        "core L2 node numa:16 numa:22");
    assert_ultrametric(t);
    ipa_topo_free(t);
}

static void test_shipped_all(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int cores, nodes, distances;
        bool matrix;
    } cases[] = {
        {"1core.xml", 1, 1, 1, false},       {"4core.xml", 4, 1, 2, false},
        {"2socket-smt.xml", 32, 2, 4, true}, {"64core.xml", 64, 8, 5, true},
        {"256core.xml", 256, 8, 5, true},    {"juno-r2.xml", 6, 1, 3, false},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *path = g_build_filename(IPASIM_SOURCE_DIR, "topologies",
                                      cases[i].file, NULL);
        struct ipa_topo *t = load_ok(path);
        assert_int_equal(t->nr_cores, cases[i].cores);
        assert_int_equal(t->nr_nodes, cases[i].nodes);
        assert_int_equal(t->nr_distances, cases[i].distances);
        assert_int_equal(t->numa_matrix != NULL, cases[i].matrix);
        assert_ultrametric(t);
        ipa_topo_free(t);
        g_free(path);
    }
}

static void test_complete_linkage(void **state)
{
    (void)state;
    /* Two tight pairs. */
    const uint64_t pairs[16] = {0, 1, 5, 5, 1, 0, 5, 5, 5, 5, 0, 2, 5, 5, 2, 0};
    uint64_t h[16];
    complete_linkage(pairs, 4, h);
    assert_int_equal(h[0 * 4 + 1], 1);
    assert_int_equal(h[2 * 4 + 3], 2);
    assert_int_equal(h[0 * 4 + 2], 5);
    assert_int_equal(h[3 * 4 + 1], 5);
    assert_int_equal(h[2 * 4 + 2], 0);
    /* Not ultrametric: 0-2 is close but 1-2 far; once 0 and 1 merge, the
     * cluster is as far from 2 as its farthest member. */
    const uint64_t skew[9] = {0, 2, 3, 2, 0, 9, 3, 9, 0};
    uint64_t h3[9];
    complete_linkage(skew, 3, h3);
    assert_int_equal(h3[0 * 3 + 1], 2);
    assert_int_equal(h3[0 * 3 + 2], 9);
    assert_int_equal(h3[1 * 3 + 2], 9);
    /* Ties go to the lowest indices: (0,1) before (0,2). */
    const uint64_t tie[9] = {0, 1, 1, 1, 0, 7, 1, 7, 0};
    complete_linkage(tie, 3, h3);
    assert_int_equal(h3[0 * 3 + 1], 1);
    assert_int_equal(h3[0 * 3 + 2], 7);
    assert_int_equal(h3[2 * 3 + 0], 7);
}

static void assert_load_error(const char *spec, const char *want);

static void assert_capacities(const struct ipa_topo *t, const int *want)
{
    bool heterogeneous = false;
    for (int i = 0; i < t->nr_cores; i++) {
        if (t->capacity[i] != want[i])
            fail_msg("%s: core %d has capacity %d, not %d", t->source, i,
                     t->capacity[i], want[i]);
        heterogeneous |= want[i] != IPA_CAPACITY_SCALE;
    }
    assert_int_equal(t->heterogeneous, heterogeneous);
    assert_int_equal(strstr(t->description, ", capacity ") != NULL,
                     heterogeneous);
}

/* The Juno r2 board: LITTLE CPUs 0,3-5 (383) are cores 0-3, big CPUs
 * 1-2 (1024) are cores 4-5, from the XML's CPU kinds (LinuxCapacity). */
static void test_capacity_juno(void **state)
{
    (void)state;
    struct ipa_topo *t =
        load_ok(IPASIM_SOURCE_DIR "/topologies/juno-r2.xml");
    static const int os[] = {0, 3, 4, 5, 1, 2};
    static const int cap[] = {383, 383, 383, 383, 1024, 1024};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(t->os_index[i], os[i]);
        assert_int_equal(ipa_topo_core_of_os_index(t, os[i]), i);
    }
    assert_int_equal(ipa_topo_core_of_os_index(t, 6), -1);
    assert_capacities(t, cap);
    assert_non_null(strstr(t->description,
                           "capacity 1024 on cores 4-5, 383 on cores 0-3"));
    ipa_topo_free(t);
}

/* Topologies that say nothing of kinds: every core at 1024. */
static void test_capacity_default(void **state)
{
    (void)state;
    static const char *const names[] = {"1core.xml", "4core.xml",
                                        "2socket-smt.xml", "64core.xml",
                                        "256core.xml"};
    int ones[256];
    for (int i = 0; i < 256; i++)
        ones[i] = IPA_CAPACITY_SCALE;
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        char *path = g_build_filename(IPASIM_SOURCE_DIR, "topologies",
                                      names[i], NULL);
        struct ipa_topo *t = load_ok(path);
        assert_capacities(t, ones);
        ipa_topo_free(t);
        g_free(path);
    }
    struct ipa_topo *t = load_ok("pack:2 core:4 pu:2");
    assert_capacities(t, ones);
    ipa_topo_free(t);
}

/* "capacity:CORES=VALUE" words of a synthetic description, a later word
 * winning; they leave the rest to hwloc. */
static void test_capacity_synthetic(void **state)
{
    (void)state;
    struct ipa_topo *t =
        load_ok("pack:2 core:2 pu:1 capacity:2-3=446 capacity:3=512");
    static const int cap[] = {1024, 1024, 446, 512};
    assert_int_equal(t->nr_cores, 4);
    assert_capacities(t, cap);
    assert_string_equal(t->source,
                        "pack:2 core:2 pu:1 capacity:2-3=446 capacity:3=512");
    ipa_topo_free(t);
    t = load_ok("capacity:0-1=1024 pack:1 core:2 pu:1");
    static const int full[] = {1024, 1024};
    assert_capacities(t, full);
    ipa_topo_free(t);

    assert_load_error("pack:1 core:4 pu:1 capacity:4=446",
                      "'capacity:4=446': core 4 does not exist (the "
                      "topology has 4 cores)");
    assert_load_error("pack:1 core:4 pu:1 capacity:1=0",
                      "expected capacity:CORES=VALUE with VALUE from 1 to "
                      "1024");
    assert_load_error("pack:1 core:4 pu:1 capacity:1=1025", "from 1 to 1024");
    assert_load_error("pack:1 core:4 pu:1 capacity:1=4x", "from 1 to 1024");
    assert_load_error("pack:1 core:4 pu:1 capacity:1", "from 1 to 1024");
    assert_load_error("pack:1 core:4 pu:1 capacity:3-1=5",
                      "'capacity:3-1=5': ");
    assert_load_error("pack:1 core:4 pu:1 capacity:=5", "'capacity:=5': ");
}

static void assert_load_error(const char *spec, const char *want)
{
    struct ipa_topo *t = (struct ipa_topo *)0x1;
    GError *err = NULL;
    assert_false(ipa_topo_load(spec, &t, &err));
    assert_null(t);
    assert_non_null(err);
    assert_true(g_error_matches(err, IPA_ERROR, IPA_ERROR_INPUT));
    char *name = g_strdup_printf("topology '%s'", spec);
    if (!strstr(err->message, name) || !strstr(err->message, want))
        fail_msg("error for '%s' was '%s'", spec, err->message);
    g_free(name);
    g_error_free(err);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    assert_load_error("", "empty");
    assert_load_error("pack:x", "not a file and not a valid hwloc synthetic "
                                "description");
    assert_load_error("pack:2 core:4 pu:2 bogus:3", "not a valid hwloc "
                                                    "synthetic");
    assert_load_error("/nonexistent/dir/topo.xml", "no such file");
    assert_load_error("missing.xml", "no such file");
    /* Over the cap: one found by hwloc, and descriptions too large to
     * hand to hwloc at all. */
    assert_load_error("pack:16 core:256 pu:3", "more than 8192 PUs");
    assert_load_error("pack:1000 core:1000 pu:100", "more than 8192 PUs");
    assert_load_error("pack:99999999999999999999 pu:2", "more than 8192 PUs");

    char *dir = g_dir_make_tmp("ipasim-topo-XXXXXX", NULL);
    assert_non_null(dir);
    assert_load_error(dir, "is a directory");
    static const char *const bodies[][2] = {
        {"this is not XML\n", "1:1: not well-formed XML"},
        {"<?xml version=\"1.0\"?>\n<topology version=\"2.0\">\n<object ",
         "3:10: not well-formed XML"},
        {"<?xml version=\"1.0\"?>\n<foo/>\n", "root element is <foo>"},
        {"", "1:1: not well-formed XML"},
        /* hwloc 2.9 would crash on it */
        {"<topology version=\"2.0\"><object type=\"Machine\" cpuset=\"0x1\" "
         "complete_cpuset=\"0x1\" nodeset=\"0x1\"/></topology>",
         "1:97: object of type Machine has a nodeset but no complete_nodeset"},
        {"<topology version=\"2.0\"><object type=\"Machine\" os_index=\"0\"/>"
         "</topology>",
         "hwloc could not load it as XML"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++) {
        char *path = g_strdup_printf("%s/bad%zu.xml", dir, i);
        assert_true(g_file_set_contents(path, bodies[i][0], -1, NULL));
        assert_load_error(path, bodies[i][1]);
        g_unlink(path);
        g_free(path);
    }

    /* An XML file over the cap, written by hwloc itself. */
    hwloc_topology_t big;
    char *path = g_strdup_printf("%s/big.xml", dir);
    assert_int_equal(hwloc_topology_init(&big), 0);
    assert_int_equal(hwloc_topology_set_synthetic(big, "pack:3 core:2731 pu:1"),
                     0);
    assert_int_equal(hwloc_topology_load(big), 0);
    assert_int_equal(hwloc_topology_export_xml(big, path, 0), 0);
    hwloc_topology_destroy(big);
    assert_load_error(path, "has 8193 PUs, more than the 8192 ipasim supports");
    g_unlink(path);
    g_free(path);

    g_rmdir(dir);
    g_free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic_smt),
        cmocka_unit_test(test_synthetic_numa_no_matrix),
        cmocka_unit_test(test_synthetic_dies_tree),
        cmocka_unit_test(test_single_pu),
        cmocka_unit_test(test_shipped_64core),
        cmocka_unit_test(test_shipped_all),
        cmocka_unit_test(test_complete_linkage),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_capacity_juno),
        cmocka_unit_test(test_capacity_default),
        cmocka_unit_test(test_capacity_synthetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

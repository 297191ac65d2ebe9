/*
 * Conformance: every topology of hwloc's own test suite that hwloc itself
 * loads must load in ipasim, with ultrametric distances and a valid
 * hierarchy (whole machine and one partition).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <hwloc.h>

#include "topo/hier.h"
#include "topo/topo.h"

static bool hwloc_loads(const char *path)
{
    hwloc_topology_t h;
    bool ok = false;
    if (hwloc_topology_init(&h) < 0)
        return false;
    ok = hwloc_topology_set_xml(h, path) == 0 && hwloc_topology_load(h) == 0;
    hwloc_topology_destroy(h);
    return ok;
}

static void check_ultrametric(const struct ipa_topo *t)
{
    int n = t->nr_cores;
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            int ab = ipa_topo_distance(t, a, b);
            assert_int_equal(ab, ipa_topo_distance(t, b, a));
            assert_true((ab == 0) == (a == b));
            for (int c = 0; c < n; c++)
                if (ipa_topo_distance(t, a, c) >
                    MAX(ab, ipa_topo_distance(t, b, c)))
                    fail_msg("%s: not ultrametric at cores %d %d %d", t->source,
                             a, b, c);
        }
}

static void check_hier(const struct ipa_topo *t, const int *cores, int n)
{
    GError *err = NULL;
    struct ipa_hier *h = ipa_hier_build(t, cores, n);
    if (!ipa_hier_validate(h, &err))
        fail_msg("%s: invalid hierarchy: %s", t->source, err->message);
    ipa_hier_free(h);
}

static void test_hwloc_xml_corpus(void **state)
{
    (void)state;
    const char *data = g_getenv("IPASIM_SHARED_DATA");
    if (!data) {
        print_message("IPASIM_SHARED_DATA not set\n");
        skip();
    }
    char *dir = g_build_filename(data, "hwloc-xml", NULL);
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d) {
        print_message("%s absent\n", dir);
        g_free(dir);
        skip();
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".xml"))
            g_ptr_array_add(names, g_strdup(name));
    g_dir_close(d);
    g_ptr_array_sort(names, (GCompareFunc)g_ascii_strcasecmp);

    int loaded = 0, skipped = 0;
    for (guint i = 0; i < names->len; i++) {
        char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
        if (!hwloc_loads(path)) {
            print_message("skipped (hwloc " HWLOC_VERSION " rejects it): "
                          "%s\n",
                          (const char *)g_ptr_array_index(names, i));
            skipped++;
            g_free(path);
            continue;
        }
        struct ipa_topo *t = NULL;
        GError *err = NULL;
        if (!ipa_topo_load(path, &t, &err))
            fail_msg("%s", err->message);
        assert_true(t->nr_cores >= 1);
        assert_true(t->nr_nodes >= 1);
        for (int c = 0; c < t->nr_cores; c++) {
            assert_true(t->node[c] >= 0 && t->node[c] < t->nr_nodes);
            assert_true(t->package[c] >= 0);
            assert_true(t->capacity[c] >= 1 &&
                        t->capacity[c] <= IPA_CAPACITY_SCALE);
        }
        for (int r = 0; r < t->nr_distances; r++)
            assert_non_null(t->distance_names[r]);
        check_ultrametric(t);
        check_hier(t, NULL, 0);
        /* A partition: the odd cores (or the only one). */
        GArray *odd = g_array_new(FALSE, FALSE, sizeof(int));
        for (int c = t->nr_cores > 1 ? 1 : 0; c < t->nr_cores; c += 2)
            g_array_append_val(odd, c);
        check_hier(t, &g_array_index(odd, int, 0), (int)odd->len);
        g_array_free(odd, TRUE);
        ipa_topo_free(t);
        g_free(path);
        loaded++;
    }
    print_message("hwloc-xml: %d loaded, %d skipped (rejected by hwloc "
                  "itself)\n",
                  loaded, skipped);
    assert_true(loaded > 0);
    g_ptr_array_unref(names);
    g_free(dir);
}

static struct ipa_topo *load_shared(const char *name)
{
    const char *data = g_getenv("IPASIM_SHARED_DATA");
    char *path = data ? g_build_filename(data, "hwloc-xml", name, NULL) : NULL;
    if (!path || !g_file_test(path, G_FILE_TEST_EXISTS)) {
        print_message("%s absent\n", name);
        g_free(path);
        return NULL;
    }
    struct ipa_topo *t = NULL;
    GError *err = NULL;
    if (!ipa_topo_load(path, &t, &err))
        fail_msg("%s", err->message);
    g_free(path);
    return t;
}

/*
 * Capacities from hwloc's CPU kinds. fakecpukinds.xml has three kinds
 * with forced efficiencies 0, 7, 10 (hwloc ranks them 0, 1, 2) and no
 * LinuxCapacity: 1024 * (rank + 1) / 3. Its cores 0 and 1 hold PUs P#0,
 * P#2 and P#1, P#3, so the logical PUs 0-3 are P#0, P#2, P#1, P#3, in
 * kinds 0, 1, 0, 2. The KNL file carries no kinds: all 1024.
 */
static void test_cpukinds(void **state)
{
    (void)state;
    struct ipa_topo *t = load_shared("fakecpukinds.xml");
    if (!t)
        skip();
    static const int os[] = {0, 2, 1, 3};
    static const int cap[] = {341, 682, 341, 1024};
    assert_int_equal(t->nr_cores, 4);
    for (int c = 0; c < 4; c++) {
        assert_int_equal(t->os_index[c], os[c]);
        assert_int_equal(t->capacity[c], cap[c]);
    }
    assert_true(t->heterogeneous);
    ipa_topo_free(t);
    t = load_shared("64intel64-fakeKNL-SNC4-hybrid.xml");
    if (!t)
        skip();
    assert_int_equal(t->nr_cores, 64);
    for (int c = 0; c < t->nr_cores; c++)
        assert_int_equal(t->capacity[c], IPA_CAPACITY_SCALE);
    assert_false(t->heterogeneous);
    ipa_topo_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hwloc_xml_corpus),
        cmocka_unit_test(test_cpukinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* ipa_topo_load_xml_buffer and the XML checks in front of hwloc. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "topo/topo.h"
#include "util/common.h"

/* The same topology from the file and from memory (without a NUL at the
 * end: the copy is exactly the file's bytes). */
static void test_buffer_matches_file(void **state)
{
    (void)state;
    char *path = g_build_filename(IPASIM_SOURCE_DIR, "topologies",
                                  "2socket-smt.xml", NULL);
    gchar *text = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(path, &text, &len, NULL));
    char *exact = g_memdup2(text, len);
    struct ipa_topo *a = NULL, *b = NULL;
    GError *err = NULL;
    assert_true(ipa_topo_load(path, &a, &err));
    assert_true(ipa_topo_load_xml_buffer("mem.xml", exact, len, &b, &err));
    assert_null(err);
    assert_int_equal(a->nr_cores, b->nr_cores);
    assert_int_equal(a->nr_nodes, b->nr_nodes);
    assert_int_equal(a->nr_distances, b->nr_distances);
    assert_string_equal(a->description, b->description);
    assert_memory_equal(a->dist, b->dist, (size_t)a->nr_cores * a->nr_cores);
    assert_memory_equal(a->os_index, b->os_index, sizeof(int) * a->nr_cores);
    assert_string_equal(b->source, "mem.xml");
    ipa_topo_free(a);
    ipa_topo_free(b);
    g_free(exact);
    g_free(text);
    g_free(path);
}

static void assert_buffer_error(const char *xml, const char *want)
{
    struct ipa_topo *t = (struct ipa_topo *)0x1;
    GError *err = NULL;
    assert_false(ipa_topo_load_xml_buffer("bad.xml", xml, strlen(xml), &t,
                                          &err));
    assert_null(t);
    assert_true(g_error_matches(err, IPA_ERROR, IPA_ERROR_INPUT));
    if (!strstr(err->message, want))
        fail_msg("error was '%s', expected '%s'", err->message, want);
    g_error_free(err);
}

static void test_buffer_errors(void **state)
{
    (void)state;
    assert_buffer_error("", "topology 'bad.xml': 1:1: not well-formed XML");
    assert_buffer_error("<topology>\n  <object type=\"Machine\"",
                        "topology 'bad.xml': 2:26: not well-formed XML");
    assert_buffer_error("<machine/>", "the root element is <machine>, not "
                                      "<topology>");
    assert_buffer_error("<topology version=\"2.0\">\n<object type=\"NUMANode\" "
                        "cpuset=\"0x1\" complete_cpuset=\"0x1\" "
                        "nodeset=\"0x1\"/></topology>",
                        "2:75: object of type NUMANode has a nodeset but no "
                        "complete_nodeset");
    assert_buffer_error("<topology version=\"2.0\"><object type=\"Machine\" "
                        "os_index=\"0\"/></topology>",
                        "hwloc could not load it as XML");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffer_matches_file),
        cmocka_unit_test(test_buffer_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

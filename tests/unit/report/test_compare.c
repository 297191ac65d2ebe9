/*
 * test_compare.c - `ipasim compare`: reading JSON reports, the table of
 * metrics with relative changes, and errors naming the file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "report/viz.h"
#include "util/common.h"

static const char report_a[] =
    "{\"ipasim_report\": 1, \"policy\": \"fifo.c\", \"topology\": "
    "\"4core.xml\", \"trace\": \"db.json\", \"makespan_ns\": 2000000,"
    " \"events\": 100,"
    " \"latency\": {\"p50_ns\": 1000, \"p99_ns\": 5000, \"max_ns\": 9000},"
    " \"work_conservation\": {\"violations\": 2, \"wasted_core_ns\": 500000,"
    "   \"flagged\": [{}]},"
    " \"threads\": [{\"migrations\": 3}, {\"migrations\": 1}],"
    " \"cores\": [{\"busy_ns\": 1000, \"idle_ns\": 1000},"
    "   {\"busy_ns\": 2000, \"idle_ns\": 0}]}";

static const char report_b[] =
    "{\"ipasim_report\": 1, \"policy\": \"pinned.c\", \"topology\": "
    "\"4core.xml\", \"trace\": \"db.json\", \"makespan_ns\": 3000000,"
    " \"events\": 100,"
    " \"latency\": {\"p50_ns\": 1000, \"p99_ns\": 2500, \"max_ns\": 9000},"
    " \"work_conservation\": {\"violations\": 0, \"wasted_core_ns\": 0,"
    "   \"flagged\": []},"
    " \"threads\": [{\"migrations\": 0}],"
    " \"cores\": [{\"busy_ns\": 500, \"idle_ns\": 1500}]}";

static char *dir;

static char *put(const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static int setup(void **state)
{
    (void)state;
    dir = g_dir_make_tmp("ipasim-compare-XXXXXX", NULL);
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, name, NULL);
        g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
    g_free(dir);
    return 0;
}

static void test_values(void **state)
{
    (void)state;
    char *a = put("a.json", report_a);
    struct ipa_compare_run run;
    GError *error = NULL;
    assert_true(ipa_compare_load(a, &run, &error));
    assert_string_equal(run.label, "a");
    assert_string_equal(run.policy, "fifo.c");
    assert_true(run.value[IPA_CMP_MAKESPAN] == 2e6);
    assert_true(run.value[IPA_CMP_WASTED] == 5e5);
    assert_true(run.value[IPA_CMP_FLAGGED] == 1);
    assert_true(run.value[IPA_CMP_MIGRATIONS] == 4);
    assert_true(run.value[IPA_CMP_P99] == 5000);
    assert_true(run.value[IPA_CMP_UTIL] == 0.75);
    ipa_compare_run_fini(&run);
    g_free(a);
}

static void test_table(void **state)
{
    (void)state;
    char *a = put("a.json", report_a), *b = put("b.json", report_b);
    struct ipa_compare_run runs[2];
    assert_true(ipa_compare_load(a, &runs[0], NULL));
    assert_true(ipa_compare_load(b, &runs[1], NULL));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ipa_compare_table(runs, 2, f);
    fclose(f);
    assert_string_equal(
        text, "report                 a          b\n"
              "policy                 fifo.c     pinned.c\n"
              "topology               4core.xml  4core.xml\n"
              "trace                  db.json    db.json\n"
              "makespan (ms)              2.000      3.000 (+50.0%)\n"
              "events                       100        100 (=)\n"
              "wasted core-time (ms)      0.500      0.000 (-100.0%)\n"
              "violations                     2          0 (-100.0%)\n"
              "flagged intervals              1          0 (-100.0%)\n"
              "latency p50 (us)           1.000      1.000 (=)\n"
              "latency p99 (us)           5.000      2.500 (-50.0%)\n"
              "latency max (us)           9.000      9.000 (=)\n"
              "migrations                     4          0 (-100.0%)\n"
              "mean utilisation (%)      75.000     25.000 (-66.7%)\n");
    free(text);
    ipa_compare_run_fini(&runs[0]);
    ipa_compare_run_fini(&runs[1]);
    g_free(a);
    g_free(b);
}

static void expect_error(const char *name, const char *text,
                         const char *message)
{
    char *path = text ? put(name, text) : g_build_filename(dir, name, NULL);
    struct ipa_compare_run run;
    GError *error = NULL;
    assert_false(ipa_compare_load(path, &run, &error));
    assert_non_null(error);
    char *want = g_strdup_printf("%s%s", path, message);
    if (!g_str_has_prefix(error->message, want))
        fail_msg("got '%s', want a prefix '%s'", error->message, want);
    g_free(want);
    g_error_free(error);
    g_free(path);
}

static void test_errors(void **state)
{
    (void)state;
    /* unreadable: named as every input reader names its file */
    char *missing = g_build_filename(dir, "missing.json", NULL);
    struct ipa_compare_run run;
    GError *error = NULL;
    assert_false(ipa_compare_load(missing, &run, &error));
    char *want = g_strdup_printf("report '%s': No such file", missing);
    if (!g_str_has_prefix(error->message, want))
        fail_msg("got '%s', want a prefix '%s'", error->message, want);
    g_free(want);
    g_error_free(error);
    g_free(missing);
    expect_error("syntax.json", "{\"ipasim_report\": 1,\n  \"x\": ]}",
                 ":2:8: ");
    expect_error("trace.json", "{\"ipasim_trace\": 1}",
                 ": not an ipasim report");
    expect_error("nofield.json", "{\"ipasim_report\": 1, \"makespan_ns\": 1}",
                 ": 'events' is missing or not a number");
    expect_error("badcore.json",
                 "{\"ipasim_report\": 1, \"makespan_ns\": 1, \"events\": 1,"
                 " \"latency\": {\"p50_ns\": 1, \"p99_ns\": 1, \"max_ns\": 1},"
                 " \"work_conservation\": {\"violations\": 0,"
                 " \"wasted_core_ns\": 0, \"flagged\": []},"
                 " \"threads\": [], \"cores\": [{\"busy_ns\": \"x\"}]}",
                 ": 'cores[0]' lacks busy_ns or idle_ns");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

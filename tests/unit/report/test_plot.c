/*
 * test_plot.c - --plot: the directory appears whole or not at all, keeps
 * a user's files, and holds scripts and data (checked
 * without gnuplot, by clearing PATH; the e2e tests render with it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../scratch.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "report/report.h"
#include "report/viz.h"
#include "util/common.h"

#include "tiny_run.h"

static char *base;

static int setup(void **state)
{
    (void)state;
    base = g_dir_make_tmp("ipasim-plot-XXXXXX", NULL);
    g_setenv("PATH", "", TRUE);
    return base ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove_tree(base);
    g_free(base);
    return 0;
}

static const char two_threads[] =
    "{\"ipasim_trace\": 1, \"threads\": ["
    "{\"name\": \"alpha\", \"ops\": [{\"run\": \"3ms\"}]},"
    "{\"name\": \"beta\", \"ops\": [{\"run\": \"3ms\"}]}]}";

static bool plot(const char *path, GError **error)
{
    struct tiny_run r;
    assert_true(tiny_start(&r, "pack:1 core:2 pu:1", two_threads, 1));
    struct ipa_report_info info = {
        .topology = "t", .trace = "two.json", .policies = "tiny"};
    struct ipa_plot_dir dir;
    bool ok = ipa_plot_dir_open(&dir, path, error) &&
              ipa_report_plot(r.sim, r.rec, &info, &dir, error);
    ipa_plot_dir_fini(&dir);
    tiny_finish(&r);
    return ok;
}

static char *slurp(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        fail_msg("%s is missing", path);
    g_free(path);
    return text;
}

static void test_files(void **state)
{
    (void)state;
    char *out = g_build_filename(base, "figs", NULL);
    GError *error = NULL;
    if (!plot(out, &error))
        fail_msg("%s", error->message);
    /* Marker + 4 scripts + 5 data files; no figures without gnuplot. */
    assert_int_equal(scratch_entries(out), 10);
    char *png = g_build_filename(out, "timeline.png", NULL);
    assert_false(g_file_test(png, G_FILE_TEST_EXISTS));
    g_free(png);
    /* Only the directory itself beside it: no temporary left. */
    assert_int_equal(scratch_entries(base), 1);

    /* Exact boxes: core start end height colour tid, colour by thread. */
    char *tl = slurp(out, "timeline.dat");
    assert_string_equal(tl, "# core start end height colour tid\n"
                            "0 0 1 1 2062260 0\n"
                            "0 1 2 1 16744206 1\n"
                            "0 2 3 1 2062260 0\n"
                            "0 3 4 1 16744206 1\n"
                            "0 4 5 1 2062260 0\n"
                            "0 5 6 1 16744206 1\n");
    g_free(tl);
    /* Core 1 idled while a thread waited on core 0, all along. */
    char *fl = slurp(out, "timeline-flagged.dat");
    assert_string_equal(fl, "# core start end (flagged violations)\n"
                            "1 0 5\n");
    g_free(fl);
    char *gp = slurp(out, "timeline.gp");
    assert_non_null(strstr(gp, "data = \"timeline.dat\"\n"));
    assert_non_null(strstr(gp, "title = 'tiny on t, two.json'\n"));
    assert_non_null(strstr(gp, "key_names[2] = 'beta'"));
    assert_non_null(strstr(gp, "set output name . \".\" . fmt"));
    g_free(gp);
    char *util = slurp(out, "util.dat");
    assert_non_null(strstr(util, "\n0 1.0000 0\n1 0.0000 0\n"));
    g_free(util);

    /* A second run replaces the files of the first. */
    if (!plot(out, &error))
        fail_msg("%s", error->message);
    assert_int_equal(scratch_entries(out), 10);
    assert_int_equal(scratch_entries(base), 1);
    g_free(out);
}

static void test_foreign_directory(void **state)
{
    (void)state;
    char *mine = g_build_filename(base, "mine", NULL);
    char *file = g_build_filename(mine, "notes.txt", NULL);
    g_mkdir(mine, 0755);
    assert_true(g_file_set_contents(file, "keep me", -1, NULL));
    GError *error = NULL;
    struct ipa_plot_dir dir;
    /* the figures go beside the user's files (test_plot_dir.c) */
    if (!plot(mine, &error))
        fail_msg("%s", error->message);
    assert_int_equal(scratch_entries(mine), 11);
    assert_true(g_file_test(file, G_FILE_TEST_EXISTS));
    assert_false(ipa_plot_dir_open(&dir, file, &error));
    ipa_plot_dir_fini(&dir);
    assert_non_null(strstr(error->message, "is not a directory"));
    g_clear_error(&error);
    g_free(file);
    g_free(mine);
}

/* gnuplot's scanner takes a doubled quote only after another character,
 * and a line ends a command even inside a string: each quote is "'"
 * joined on, control characters and invalid UTF-8 become U+FFFD
 * (docs/robustness.md; the e2e test viz.plot_hostile_names runs gnuplot). */
static void test_quote(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", "''"},
        {"plain", "'plain'"},
        {"a`touch x`b $(y) @m \\ \"z\"", "'a`touch x`b $(y) @m \\ \"z\"'"},
        {"it's", "'it' . \"'\" . 's'"},
        {"''", "'' . \"'\" . '' . \"'\" . ''"},
        {"a\n!touch x\r\t", "'a\xef\xbf\xbd!touch x\xef\xbf\xbd\xef\xbf\xbd'"},
        {"\xff\xc3", "'\xef\xbf\xbd\xef\xbf\xbd'"},
        {"\xc3\xa9t\xc3\xa9 \xc2\x85", "'\xc3\xa9t\xc3\xa9 \xef\xbf\xbd'"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *q = ipa_plot_quote(cases[i].in);
        assert_string_equal(q, cases[i].out);
        g_free(q);
    }
}

/* Names read from the trace reach the scripts only quoted, and the data
 * files not at all. */
static void test_hostile_names(void **state)
{
    (void)state;
    static const char trace[] =
        "{\"ipasim_trace\": 1, \"threads\": ["
        "{\"name\": \"a`touch x`\\n!touch y\", \"group\": \"g'; system('z\","
        " \"ops\": [{\"run\": \"3ms\"}]},"
        "{\"name\": \"b\", \"ops\": [{\"run\": \"3ms\"}]}]}";
    struct tiny_run r;
    assert_true(tiny_start(&r, "pack:1 core:2 pu:1", trace, 1));
    struct ipa_report_info info = {
        .topology = "t", .trace = "it's.json", .policies = "tiny"};
    char *out = g_build_filename(base, "hostile", NULL);
    struct ipa_plot_dir dir;
    GError *error = NULL;
    if (!ipa_plot_dir_open(&dir, out, &error) ||
        !ipa_report_plot(r.sim, r.rec, &info, &dir, &error))
        fail_msg("%s", error->message);
    ipa_plot_dir_fini(&dir);
    tiny_finish(&r);
    char *gp = slurp(out, "timeline.gp");
    assert_non_null(strstr(gp, "title = 'tiny on t, it' . \"'\" . 's.json'\n"));
    assert_non_null(
        strstr(gp, "key_names[1] = 'g' . \"'\" . '; system(' . \"'\" . 'z'; "));
    assert_null(strstr(gp, "\n!touch"));
    g_free(gp);
    gp = slurp(out, "latency.gp");
    assert_non_null(strstr(
        gp, "group_names[1] = 'g' . \"'\" . '; system(' . \"'\" . 'z'\n"));
    assert_non_null(strstr(gp, "group_names[2] = '(no group)'\n"));
    g_free(gp);
    static const char *const data[] = {"timeline.dat", "timeline-flagged.dat",
                                       "rqheat.dat", "latency.dat", "util.dat"};
    for (size_t i = 0; i < G_N_ELEMENTS(data); i++) {
        char *text = slurp(out, data[i]);
        assert_null(strpbrk(text, "`'\"$"));
        assert_null(strstr(text, "system"));
        g_free(text);
    }
    g_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_foreign_directory),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_hostile_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

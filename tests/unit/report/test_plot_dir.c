/*
 * test_plot_dir.c - a --plot directory on a shared machine: a symlink
 * planted at the temporary name ipasim once used is never followed, a
 * user's files in the directory stay, only the files the marker lists are
 * replaced or removed (a listed symlink goes, not what it points to), an
 * existing directory keeps its mode, and a name in the way stops the
 * commit before anything moves. gnuplot is kept out (PATH cleared).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../scratch.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "report/viz.h"
#include "util/common.h"

static char *base;

static int setup(void **state)
{
    (void)state;
    base = g_dir_make_tmp("ipasim-plotdir-XXXXXX", NULL);
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

static char *in(const char *dir, const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static bool exists(const char *dir, const char *name)
{
    char *p = in(dir, name);
    bool e = g_file_test(p, G_FILE_TEST_EXISTS);
    g_free(p);
    return e;
}

static void put(const char *dir, const char *name, const char *text)
{
    char *p = in(dir, name);
    assert_true(g_file_set_contents(p, text, -1, NULL));
    g_free(p);
}

static char *slurp(const char *dir, const char *name)
{
    char *p = in(dir, name), *text = NULL;
    assert_true(g_file_get_contents(p, &text, NULL, NULL));
    g_free(p);
    return text;
}

/* One --plot: each name of @names written with @text. */
static bool plot(const char *path, const char *const *names, const char *text,
                 GError **error)
{
    struct ipa_plot_dir dir;
    bool ok = ipa_plot_dir_open(&dir, path, error);
    for (int i = 0; ok && names[i]; i++)
        ok = ipa_plot_dir_write(&dir, names[i], text, error);
    ok = ok && ipa_plot_dir_commit(&dir, error);
    ipa_plot_dir_fini(&dir);
    return ok;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(g_stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* ipasim once cleared .NAME.PID.tmp before use, through a symlink there:
 * an unrelated directory lost its files. */
static void test_planted_symlink(void **state)
{
    (void)state;
    char *victim = in(base, "victim");
    char *out = in(base, "plots");
    g_mkdir(victim, 0755);
    put(victim, "data.txt", "precious\n");
    char *planted = g_strdup_printf("%s/.plots.%d.tmp", base, (int)getpid());
    assert_int_equal(symlink(victim, planted), 0);
    GError *error = NULL;
    const char *names[] = {"a.dat", NULL};
    if (!plot(out, names, "1 2\n", &error))
        fail_msg("%s", error->message);
    char *kept = slurp(victim, "data.txt");
    assert_string_equal(kept, "precious\n");
    g_free(kept);
    assert_int_equal(scratch_entries(victim), 1);
    assert_true(exists(out, "a.dat"));
    /* victim, the link and plots: no temporary left */
    assert_int_equal(scratch_entries(base), 3);
    g_unlink(planted);
    scratch_remove_tree(victim);
    scratch_remove_tree(out);
    g_free(planted);
    g_free(victim);
    g_free(out);
}

/* A new directory gets mkdir's mode and the marker lists the files. */
static void test_new_directory(void **state)
{
    (void)state;
    char *out = in(base, "new");
    mode_t saved = umask(022);
    GError *error = NULL;
    const char *names[] = {"a.dat", "a.gp", NULL};
    bool ok = plot(out, names, "x\n", &error);
    umask(saved);
    if (!ok)
        fail_msg("%s", error->message);
    assert_int_equal(mode_of(out), 0755);
    char *marker = slurp(out, ".ipasim-plot");
    assert_non_null(strstr(marker, "\na.dat\na.gp\n"));
    g_free(marker);
    assert_int_equal(scratch_entries(out), 3);
    assert_int_equal(scratch_entries(base), 1);
    scratch_remove_tree(out);
    g_free(out);
}

/* A second plot into the first: the user's file stays, a listed file
 * that this plot does not write goes, a listed symlink goes without its
 * target. */
static void test_only_listed_files_go(void **state)
{
    (void)state;
    char *out = in(base, "plots");
    char *victim = in(base, "victim.txt");
    GError *error = NULL;
    const char *first[] = {"a.dat", "b.dat", "c.dat", NULL};
    if (!plot(out, first, "first\n", &error))
        fail_msg("%s", error->message);
    put(out, "notes.txt", "mine\n");
    /* c.dat replaced by a symlink to an unrelated file */
    assert_true(g_file_set_contents(victim, "precious\n", -1, NULL));
    char *c = in(out, "c.dat");
    g_unlink(c);
    assert_int_equal(symlink(victim, c), 0);
    g_chmod(out, 0750);

    const char *second[] = {"a.dat", NULL};
    if (!plot(out, second, "second\n", &error))
        fail_msg("%s", error->message);
    char *a = slurp(out, "a.dat"), *notes = slurp(out, "notes.txt");
    assert_string_equal(a, "second\n");
    assert_string_equal(notes, "mine\n");
    assert_false(exists(out, "b.dat"));
    assert_false(g_file_test(c, G_FILE_TEST_IS_SYMLINK));
    char *v = NULL;
    assert_true(g_file_get_contents(victim, &v, NULL, NULL));
    assert_string_equal(v, "precious\n");
    char *marker = slurp(out, ".ipasim-plot");
    assert_non_null(strstr(marker, "\na.dat\n"));
    assert_null(strstr(marker, "b.dat"));
    assert_null(strstr(marker, "notes.txt"));
    /* a.dat, notes.txt and the marker: no temporary left */
    assert_int_equal(scratch_entries(out), 3);
    assert_int_equal(mode_of(out), 0750);
    g_free(a);
    g_free(notes);
    g_free(v);
    g_free(marker);
    g_free(c);
    g_unlink(victim);
    scratch_remove_tree(out);
    g_free(victim);
    g_free(out);
}

/* An empty 0700 directory, and a user's directory with other files: both
 * keep their mode and files; ours are written beside them. */
static void test_existing_directories(void **state)
{
    (void)state;
    char *empty = in(base, "empty");
    char *mine = in(base, "mine");
    g_mkdir(empty, 0700);
    g_mkdir(mine, 0711);
    put(mine, "notes.txt", "keep me\n");
    GError *error = NULL;
    const char *names[] = {"a.dat", NULL};
    if (!plot(empty, names, "x\n", &error) ||
        !plot(mine, names, "x\n", &error))
        fail_msg("%s", error->message);
    assert_int_equal(mode_of(empty), 0700);
    assert_int_equal(mode_of(mine), 0711);
    assert_true(exists(empty, "a.dat"));
    assert_true(exists(mine, "a.dat"));
    char *notes = slurp(mine, "notes.txt");
    assert_string_equal(notes, "keep me\n");
    g_free(notes);
    assert_int_equal(scratch_entries(mine), 3);
    scratch_remove_tree(empty);
    scratch_remove_tree(mine);
    g_free(empty);
    g_free(mine);
}

/* A user's file at one of our names stops the commit: nothing moves,
 * nothing is left behind. */
static void test_name_in_the_way(void **state)
{
    (void)state;
    char *mine = in(base, "mine");
    g_mkdir(mine, 0755);
    put(mine, "b.dat", "user's\n");
    GError *error = NULL;
    const char *names[] = {"a.dat", "b.dat", NULL};
    assert_false(plot(mine, names, "x\n", &error));
    assert_non_null(strstr(error->message, "b.dat exists and was not written "
                                           "by ipasim --plot"));
    g_clear_error(&error);
    char *b = slurp(mine, "b.dat");
    assert_string_equal(b, "user's\n");
    g_free(b);
    assert_int_equal(scratch_entries(mine), 1);
    scratch_remove_tree(mine);
    g_free(mine);
}

/* A plot directory of an ipasim whose marker had no list: the names ipasim
 * writes are replaced, nothing else is touched. */
static void test_marker_without_list(void **state)
{
    (void)state;
    char *old = in(base, "old");
    g_mkdir(old, 0755);
    put(old, ".ipasim-plot", "written by ipasim --plot\n");
    put(old, "a.dat", "earlier\n");
    put(old, "gone.png", "earlier\n");
    put(old, "notes.txt", "mine\n");
    GError *error = NULL;
    const char *names[] = {"a.dat", NULL};
    if (!plot(old, names, "now\n", &error))
        fail_msg("%s", error->message);
    char *a = slurp(old, "a.dat");
    assert_string_equal(a, "now\n");
    g_free(a);
    assert_true(exists(old, "gone.png"));
    assert_true(exists(old, "notes.txt"));
    char *marker = slurp(old, ".ipasim-plot");
    assert_non_null(strstr(marker, "\na.dat\n"));
    g_free(marker);
    scratch_remove_tree(old);
    g_free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_symlink),
        cmocka_unit_test(test_new_directory),
        cmocka_unit_test(test_only_listed_files_go),
        cmocka_unit_test(test_existing_directories),
        cmocka_unit_test(test_name_in_the_way),
        cmocka_unit_test(test_marker_without_list),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_outfile.c - output files on a shared machine: a symlink planted at a
 * guessable temporary name is never followed, a failed write leaves the
 * old file and no temporary, modes are those a plain write would give, and
 * outputs naming an input or each other are told apart from different
 * files, whatever path names them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../scratch.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "util/common.h"
#include "util/outfile.h"

static char *base;

static int setup(void **state)
{
    (void)state;
    base = g_dir_make_tmp("ipasim-outfile-XXXXXX", NULL);
    return base ? 0 : -1;
}

static void remove_files(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, name, NULL);
        g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove_tree(base);
    g_free(base);
    return 0;
}

static char *slurp(const char *path)
{
    char *text = NULL;
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

static char *in_base(const char *name)
{
    return g_build_filename(base, name, NULL);
}

/* The names ipasim 0.1 wrote through (.NAME.PID.tmp) and a few more an
 * attacker might guess hold symlinks to a victim: it stays unchanged. */
static void test_planted_symlinks_not_followed(void **state)
{
    (void)state;
    char *victim = in_base("victim");
    char *out = in_base("out.log");
    assert_true(g_file_set_contents(victim, "precious\n", -1, NULL));
    char *guesses[] = {
        g_strdup_printf("%s/.out.log.%d.tmp", base, (int)getpid()),
        g_strdup_printf("%s/out.log.tmp", base),
        g_strdup_printf("%s/.out.log.tmp", base),
    };
    for (size_t i = 0; i < G_N_ELEMENTS(guesses); i++)
        assert_int_equal(symlink(victim, guesses[i]), 0);

    struct ipa_outfile o;
    GError *error = NULL;
    assert_true(ipa_outfile_open(&o, out, &error));
    fputs("the log\n", o.f);
    assert_true(ipa_outfile_commit(&o, &error));
    char *v = slurp(victim), *t = slurp(out);
    assert_string_equal(v, "precious\n");
    assert_string_equal(t, "the log\n");
    g_free(v);
    g_free(t);
    /* victim, out.log and the three links: no temporary left */
    assert_int_equal(scratch_entries(base), 5);
    for (size_t i = 0; i < G_N_ELEMENTS(guesses); i++) {
        assert_true(g_file_test(guesses[i], G_FILE_TEST_IS_SYMLINK));
        g_unlink(guesses[i]);
        g_free(guesses[i]);
    }
    remove_files(base);
    g_free(victim);
    g_free(out);
}

/* A write that fails half-way (the file size limit) leaves the earlier
 * file as it was and no temporary. */
static void test_failed_write_leaves_old_file(void **state)
{
    (void)state;
    char *out = in_base("report.json");
    assert_true(g_file_set_contents(out, "old\n", -1, NULL));
    size_t len = 1 << 16;
    char *big = g_malloc(len);
    memset(big, 'x', len);

    struct rlimit saved, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 4096;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    GError *error = NULL;
    bool ok = ipa_write_file(out, big, len, &error);
    /* the same through the streaming interface: the error surfaces at
     * commit */
    struct ipa_outfile o;
    GError *error2 = NULL;
    bool opened = ipa_outfile_open(&o, out, &error2);
    for (int i = 0; opened && i < 16; i++)
        fwrite(big, 1, len, o.f);
    bool committed = opened && ipa_outfile_commit(&o, &error2);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old_handler);

    assert_false(ok);
    assert_non_null(strstr(error->message, "cannot write"));
    assert_non_null(strstr(error->message, "report.json"));
    g_clear_error(&error);
    assert_true(opened);
    assert_false(committed);
    assert_non_null(strstr(error2->message, "cannot write"));
    g_clear_error(&error2);
    char *t = slurp(out);
    assert_string_equal(t, "old\n");
    g_free(t);
    assert_int_equal(scratch_entries(base), 1);
    remove_files(base);
    g_free(big);
    g_free(out);
}

/* Unwritable places: nothing created, a message naming the file. */
static void test_unwritable(void **state)
{
    (void)state;
    GError *error = NULL;
    char *missing = in_base("no/such/dir/x.json");
    assert_false(ipa_write_file(missing, "x", 1, &error));
    assert_non_null(strstr(error->message, "cannot write"));
    assert_non_null(strstr(error->message, "no/such/dir/x.json"));
    g_clear_error(&error);
    /* a directory is not replaced by a file */
    struct ipa_outfile o;
    assert_false(ipa_outfile_open(&o, base, &error));
    assert_non_null(strstr(error->message, "Is a directory"));
    g_clear_error(&error);
    assert_int_equal(scratch_entries(base), 0);
    /* discarded: nothing left */
    char *out = in_base("x.log");
    assert_true(ipa_outfile_open(&o, out, &error));
    fputs("partial", o.f);
    ipa_outfile_discard(&o);
    ipa_outfile_discard(&o); /* a second time does nothing */
    assert_int_equal(scratch_entries(base), 0);
    g_free(out);
    g_free(missing);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(g_stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* A new file gets 0666 less the umask (mkstemp alone would give 0600); a
 * replaced file keeps its mode. */
static void test_modes(void **state)
{
    (void)state;
    GError *error = NULL;
    char *out = in_base("out.txt");
    mode_t saved = umask(022);
    assert_true(ipa_write_file(out, "a", 1, &error));
    assert_int_equal(mode_of(out), 0644);
    g_chmod(out, 0600);
    assert_true(ipa_write_file(out, "b", 1, &error));
    assert_int_equal(mode_of(out), 0600);
    g_unlink(out);
    umask(002);
    assert_true(ipa_write_file(out, "c", 1, &error));
    assert_int_equal(mode_of(out), 0664);
    umask(saved);
    remove_files(base);
    g_free(out);
}

static bool apart(const char *out_a, const char *out_b, const char *input,
                  GError **error)
{
    const struct ipa_named_file outputs[] = {{"--json", out_a},
                                             {"--log", out_b}};
    const struct ipa_named_file inputs[] = {{"the trace", input}};
    return ipa_check_outputs(outputs, 2, inputs, 1, error);
}

static void test_same_files(void **state)
{
    (void)state;
    GError *error = NULL;
    char *trace = in_base("t.json");
    char *sym = in_base("link.json");
    char *hard = in_base("hard.json");
    char *dotted = g_strdup_printf("%s/./sub/../t.json", base);
    char *sub = in_base("sub");
    char *new_a = in_base("new.json");
    char *new_b = g_strdup_printf("%s/sub/../new.json", base);
    g_mkdir(sub, 0755);
    assert_true(g_file_set_contents(trace, "{}", -1, NULL));
    assert_int_equal(symlink(trace, sym), 0);
    assert_int_equal(link(trace, hard), 0);

    /* different files, absent outputs, NULL outputs */
    assert_true(apart(new_a, NULL, trace, &error));
    assert_true(apart(NULL, NULL, trace, &error));
    assert_true(apart(new_a, hard, NULL, &error));
    /* an input that does not exist is no file to overwrite */
    assert_true(apart(new_a, sym, "host", &error));

    const char *same_as_trace[] = {trace, sym, hard, dotted};
    for (size_t i = 0; i < G_N_ELEMENTS(same_as_trace); i++) {
        assert_false(apart(same_as_trace[i], NULL, trace, &error));
        assert_non_null(strstr(error->message, "--json"));
        assert_non_null(strstr(error->message, "names the trace"));
        g_clear_error(&error);
    }
    /* two outputs, neither existing yet, by different paths */
    assert_false(apart(new_a, new_b, trace, &error));
    assert_non_null(strstr(error->message, "--json"));
    assert_non_null(strstr(error->message, "--log"));
    assert_non_null(strstr(error->message, "name the same file"));
    g_clear_error(&error);
    assert_false(g_file_test(new_a, G_FILE_TEST_EXISTS));

    g_rmdir(sub);
    remove_files(base);
    g_free(trace);
    g_free(sym);
    g_free(hard);
    g_free(dotted);
    g_free(sub);
    g_free(new_a);
    g_free(new_b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_symlinks_not_followed),
        cmocka_unit_test(test_failed_write_leaves_old_file),
        cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_same_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

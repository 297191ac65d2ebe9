/* `ipasim check` and `ipasim fmt` entry points: exit codes, options. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* the subcommands are not in a library: compile them in */
#define help_fmt check_help_fmt
#include "../../../src/cli/cmd_check.c"
#undef help_fmt
#define help_fmt fmt_help_fmt
#include "../../../src/cli/cmd_fmt.c"
#undef help_fmt

#define GOLDEN IPASIM_SOURCE_DIR "/tests/golden/check/"

static int run(int (*cmd)(int, char **), const char *a0, const char *a1,
               const char *a2, const char *a3)
{
    char *argv[5] = {(char *)a0, (char *)a1, (char *)a2, (char *)a3, NULL};
    int argc = a1 ? (a2 ? (a3 ? 4 : 3) : 2) : 1;
    /* diagnostics and output are not what this test looks at */
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    FILE *null = fopen("/dev/null", "w");
    dup2(fileno(null), 1);
    dup2(fileno(null), 2);
    int rc = cmd(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    fclose(null);
    return rc;
}

static void test_check_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(run(ipa_cmd_check, "check", GOLDEN "talk_policy.ipa",
                         NULL, NULL), 0);
    assert_int_equal(run(ipa_cmd_check, "check", GOLDEN "lost_block_else.ipa",
                         NULL, NULL), 1);
    assert_int_equal(run(ipa_cmd_check, "check", GOLDEN "syntax_while.ipa",
                         NULL, NULL), 1);
    assert_int_equal(run(ipa_cmd_check, "check", "/nonexistent.ipa", NULL,
                         NULL), 2);
    assert_int_equal(run(ipa_cmd_check, "check", NULL, NULL, NULL), 2);
    assert_int_equal(run(ipa_cmd_check, "check", "--bogus", GOLDEN "rr.ipa",
                         NULL), 2);
    assert_int_equal(run(ipa_cmd_check, "check", "-h", NULL, NULL), 0);
    /* the worst of several files wins */
    assert_int_equal(run(ipa_cmd_check, "check", GOLDEN "rr.ipa",
                         "/nonexistent.ipa", NULL), 2);
}

static void test_check_params(void **state)
{
    (void)state;
    assert_int_equal(run(ipa_cmd_check, "check", "--param", "quantum=30",
                         GOLDEN "rr.ipa"), 0);
    assert_int_equal(run(ipa_cmd_check, "check", "--param=quantum=3ms",
                         GOLDEN "rr.ipa", NULL), 1);
    assert_int_equal(run(ipa_cmd_check, "check", "--param", "nosuch=1",
                         GOLDEN "rr.ipa"), 1);
    assert_int_equal(run(ipa_cmd_check, "check", "--param", "noequals",
                         GOLDEN "rr.ipa"), 2);
}

static void test_fmt_write(void **state)
{
    (void)state;
    char *tmp = g_build_filename(g_get_tmp_dir(), "ipasim-fmt-XXXXXX.ipa",
                                 NULL);
    int fd = g_mkstemp(tmp);
    assert_true(fd >= 0);
    close(fd);
    const char *messy = "const   int   q=(1+2)*3 ;";
    assert_true(g_file_set_contents(tmp, messy, -1, NULL));
    assert_int_equal(run(ipa_cmd_fmt, "fmt", "-w", tmp, NULL), 0);
    char *text = NULL;
    assert_true(g_file_get_contents(tmp, &text, NULL, NULL));
    assert_string_equal(text, "const int q = (1 + 2) * 3;\n");
    g_free(text);
    /* a file with syntax errors is left alone */
    assert_true(g_file_set_contents(tmp, "const int = ;", -1, NULL));
    assert_int_equal(run(ipa_cmd_fmt, "fmt", "-w", tmp, NULL), 1);
    assert_true(g_file_get_contents(tmp, &text, NULL, NULL));
    assert_string_equal(text, "const int = ;");
    g_free(text);
    assert_int_equal(run(ipa_cmd_fmt, "fmt", "/nonexistent.ipa", NULL, NULL),
                     2);
    assert_int_equal(run(ipa_cmd_fmt, "fmt", NULL, NULL, NULL), 2);
    unlink(tmp);
    g_free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_exit_codes),
        cmocka_unit_test(test_check_params),
        cmocka_unit_test(test_fmt_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

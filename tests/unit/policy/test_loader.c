/*
 * test_loader.c - compiling and loading C policies: the cache, its key,
 * compiler errors, and objects without an entry point.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/loader.h"
#include "util/common.h"

static char *tmpdir;

static int setup(void **state)
{
    (void)state;
    tmpdir = g_dir_make_tmp("ipasim-loader-XXXXXX", NULL);
    assert_non_null(tmpdir);
    char *cache = g_build_filename(tmpdir, "cache", NULL);
    g_setenv("IPASIM_CACHE_DIR", cache, TRUE);
    g_free(cache);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
    assert_int_equal(system(cmd), 0);
    g_free(cmd);
    g_free(tmpdir);
    return 0;
}

static char *write_policy(const char *name, const char *text)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static const char good[] =
    "#include <ipasim/runtime.h>\n"
    "static void nop(struct ipa_rt *rt, struct ipa_process_event *e)\n"
    "{ (void)rt; (void)e; }\n"
    "static void sched(struct ipa_rt *rt, struct ipa_core_event *e)\n"
    "{ (void)rt; (void)e; }\n"
    "IPA_POLICY_DEFINE(.name = \"NAME\", .new_place = nop,\n"
    "    .unblock_place = nop, .block = nop, .terminate = nop,\n"
    "    .schedule = sched);\n";

/* Files of the cache whose names end in @suffix. */
static int cache_files(const char *suffix)
{
    char *cache = g_build_filename(tmpdir, "cache", NULL);
    GDir *dir = g_dir_open(cache, 0, NULL);
    int n = 0;
    const char *name;
    if (dir) {
        while ((name = g_dir_read_name(dir)))
            n += g_str_has_suffix(name, suffix);
        g_dir_close(dir);
    }
    g_free(cache);
    return n;
}

/* Compiled objects in the cache (each has its hash beside it). */
static int cache_entries(void)
{
    return cache_files(".so");
}

static void test_compile_load_and_cache(void **state)
{
    (void)state;
    char *path = write_policy("good.c", good);
    struct ipa_policy *p = NULL;
    GError *error = NULL;
    assert_true(ipa_policy_load(path, NULL, &p, &error));
    assert_string_equal(p->ops->name, "NAME");
    assert_int_equal(p->ops->abi, IPA_RUNTIME_ABI);
    assert_string_equal(p->name, "good.c");
    assert_int_equal(cache_entries(), 1);
    char *so1 = ipa_policy_compile_c(path, &error);
    assert_non_null(so1);
    struct stat st1;
    assert_int_equal(stat(so1, &st1), 0);
    /* same source: same entry, not rebuilt */
    char *so2 = ipa_policy_compile_c(path, &error);
    assert_string_equal(so1, so2);
    assert_int_equal(cache_entries(), 1);
    /* a changed source gets a new entry: never a stale object */
    char *text = g_strdup(good);
    memcpy(strstr(text, "NAME"), "EMAN", 4);
    g_free(write_policy("good.c", text));
    char *so3 = ipa_policy_compile_c(path, &error);
    assert_non_null(so3);
    assert_string_not_equal(so1, so3);
    assert_int_equal(cache_entries(), 2);
    struct ipa_policy *q = NULL;
    assert_true(ipa_policy_load(path, NULL, &q, &error));
    assert_string_equal(q->ops->name, "EMAN");
    ipa_policy_free(q);
    ipa_policy_free(p);
    g_free(text);
    g_free(so1);
    g_free(so2);
    g_free(so3);
    g_free(path);
}

static void test_compile_error_is_shown(void **state)
{
    (void)state;
    char *path = write_policy("bad.c", "#include <ipasim/runtime.h>\n"
                                       "int f(void) { return nope; }\n");
    struct ipa_policy *p = NULL;
    GError *error = NULL;
    assert_false(ipa_policy_load(path, NULL, &p, &error));
    assert_int_equal(error->code, IPA_ERROR_INPUT);
    assert_non_null(strstr(error->message, "does not compile"));
    assert_non_null(strstr(error->message, "bad.c:2:"));
    assert_non_null(strstr(error->message, "nope"));
    assert_int_equal(cache_files(""), 0); /* nothing half-written kept */
    g_error_free(error);
    g_free(path);
}

static void test_missing_entry_point(void **state)
{
    (void)state;
    char *path = write_policy("empty.c", "int ipa_not_a_policy;\n");
    struct ipa_policy *p = NULL;
    GError *error = NULL;
    assert_false(ipa_policy_load(path, NULL, &p, &error));
    assert_non_null(strstr(error->message, "defines no 'ipa_policy'"));
    g_error_free(error);
    g_free(path);
}

static void test_unknown_kind_and_missing_file(void **state)
{
    (void)state;
    struct ipa_policy *p = NULL;
    GError *error = NULL;
    assert_false(ipa_policy_load("policy.txt", NULL, &p, &error));
    assert_non_null(strstr(error->message, "expected a .ipa, .bossa, .c or .so file"));
    g_clear_error(&error);
    assert_false(ipa_policy_load("/nonexistent/x.c", NULL, &p, &error));
    assert_non_null(strstr(error->message, "policy '/nonexistent/x.c'"));
    g_clear_error(&error);
    assert_false(ipa_policy_load("/nonexistent/x.so", NULL, &p, &error));
    assert_non_null(strstr(error->message, "cannot load"));
    g_clear_error(&error);
}

/* A DSL policy is checked and compiled for the interpreter: a good one
 * yields an ops table with the runtime's rules (a queue per READY or
 * BLOCKED state, the handled events only), a bad one a policy error, a
 * missing one an input error. */
static void test_dsl_policy(void **state)
{
    (void)state;
    struct ipa_policy *p = NULL;
    GError *error = NULL;
    char *rr = g_build_filename(IPASIM_SOURCE_DIR, "tests", "golden", "check",
                                "rr.ipa", NULL);
    const char *params[] = {"quantum=30"};
    struct ipa_interp_options opts = {.params = params, .nr_params = 1};
    assert_true(ipa_policy_load(rr, &opts, &p, &error));
    assert_string_equal(p->name, "rr.ipa");
    assert_int_equal(p->ops->abi, IPA_RUNTIME_ABI);
    assert_int_equal(p->ops->nr_core_rqs, 2); /* ready, blocked */
    assert_int_equal(p->ops->core_rqs[0].state, IPA_STATE_READY);
    assert_true(p->ops->core_rqs[0].shared);
    assert_int_equal(p->ops->core_rqs[1].state, IPA_STATE_BLOCKED);
    assert_non_null(p->ops->tick);
    assert_null(p->ops->balancing_select);
    assert_non_null(p->ctx);
    ipa_policy_free(p);

    const char *bad[] = {"quantum=ten"};
    opts.params = bad;
    assert_false(ipa_policy_load(rr, &opts, &p, &error));
    assert_int_equal(error->code, IPA_ERROR_POLICY);
    g_clear_error(&error);
    g_free(rr);

    assert_false(ipa_policy_load("/nonexistent/x.ipa", NULL, &p, &error));
    assert_int_equal(error->code, IPA_ERROR_INPUT);
    g_clear_error(&error);
}

/* The shipped policies compile warning-free against the runtime header
 * (loading them needs the runtime's symbols, which the ipasim executable
 * exports: the end-to-end tests load them). */
static void test_shipped_policies_compile(void **state)
{
    (void)state;
    const char *names[] = {"fifo.c", "pinned.c"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        char *path = g_build_filename(IPASIM_SOURCE_DIR, "policies", names[i],
                                      NULL);
        GError *error = NULL;
        char *so = ipa_policy_compile_c(path, &error);
        if (!so)
            fail_msg("%s: %s", names[i], error->message);
        assert_true(g_file_test(so, G_FILE_TEST_IS_REGULAR));
        g_free(so);
        g_free(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_compile_load_and_cache, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_compile_error_is_shown, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_entry_point, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_kind_and_missing_file,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_policies_compile, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dsl_policy, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

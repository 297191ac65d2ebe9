/*
 * test_cache.c - the compiled-policy cache is private and verified: what
 * its key covers, entries that were altered or damaged (rebuilt, never
 * loaded), and cache directories that must not be used.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/loader.c" /* entry_key, load_c */

static char *tmpdir;

static int setup(void **state)
{
    (void)state;
    tmpdir = g_dir_make_tmp("ipasim-cache-test-XXXXXX", NULL);
    assert_non_null(tmpdir);
    char *cache = g_build_filename(tmpdir, "cache", NULL);
    g_setenv("IPASIM_CACHE_DIR", cache, TRUE);
    g_free(cache);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char *cmd = g_strdup_printf("chmod -R u+rwx '%s'; rm -rf '%s'", tmpdir,
                                tmpdir);
    assert_int_equal(system(cmd), 0);
    g_free(cmd);
    g_free(tmpdir);
    return 0;
}

static char *in_tmp(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static char *write_file(const char *name, const char *text)
{
    char *path = in_tmp(name);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* A policy whose only mark is its name, so a test can tell which object
 * was loaded. */
static char *write_policy(const char *file, const char *name)
{
    char *text = g_strdup_printf(
        "#include <ipasim/runtime.h>\n"
        "static void nop(struct ipa_rt *rt, struct ipa_process_event *e)\n"
        "{ (void)rt; (void)e; }\n"
        "static void sched(struct ipa_rt *rt, struct ipa_core_event *e)\n"
        "{ (void)rt; (void)e; }\n"
        "IPA_POLICY_DEFINE(.name = \"%s\", .new_place = nop,\n"
        "    .unblock_place = nop, .block = nop, .terminate = nop,\n"
        "    .schedule = sched);\n",
        name);
    char *path = write_file(file, text);
    g_free(text);
    return path;
}

static char *compile(const char *path)
{
    GError *error = NULL;
    char *so = ipa_policy_compile_c(path, &error);
    if (!so)
        fail_msg("%s: %s", path, error->message);
    return so;
}

/* Sends stderr to a file of the test folder until capture_end, which
 * returns what was written there. */
static int capture_begin(void)
{
    char *log = in_tmp("stderr.txt");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    g_free(log);
    return saved;
}

static char *capture_end(int saved)
{
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char *log = in_tmp("stderr.txt");
    char *text = NULL;
    assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_free(log);
    return text;
}

/* Loads @path and returns its ops' name; what the load printed on stderr
 * goes to *err when asked for. */
static char *load_name(const char *path, char **err)
{
    int saved = capture_begin();
    struct ipa_policy *p = NULL;
    GError *error = NULL;
    bool ok = ipa_policy_load(path, NULL, &p, &error);
    char *printed = capture_end(saved);
    if (!ok)
        fail_msg("%s: %s\n%s", path, error->message, printed);
    char *name = g_strdup(p->ops->name);
    ipa_policy_free(p);
    if (err)
        *err = printed;
    else
        g_free(printed);
    return name;
}

static char *sum_of(const char *so)
{
    char *sum_path = g_strconcat(so, ".sha256", NULL);
    char *sum = NULL;
    assert_true(g_file_get_contents(sum_path, &sum, NULL, NULL));
    g_free(sum_path);
    return sum;
}

static void assert_entry_sound(const char *so)
{
    char *bytes = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(so, &bytes, &len, NULL));
    char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                            (const guchar *)bytes, len);
    char *line = g_strconcat(hex, "\n", NULL);
    char *sum = sum_of(so);
    assert_string_equal(sum, line);
    g_free(sum);
    g_free(line);
    g_free(hex);
    g_free(bytes);
}

/* Another policy's valid object put in an entry's place is not loaded:
 * its bytes do not hash to the recorded sum; the entry is rebuilt. */
static void test_replaced_entry_is_rebuilt(void **state)
{
    (void)state;
    char *genuine = write_policy("genuine.c", "GENUINE");
    char *other = write_policy("other.c", "OTHER");
    char *so = compile(genuine);
    char *other_so = compile(other);
    assert_int_equal(rename(other_so, so), 0);
    char *err = NULL;
    char *name = load_name(genuine, &err);
    assert_string_equal(name, "GENUINE");
    assert_non_null(strstr(err, "does not match its recorded hash; "
                                "rebuilding it"));
    assert_entry_sound(so);
    g_free(err);
    g_free(name);
    /* the rebuilt entry is used from now on, silently */
    name = load_name(genuine, &err);
    assert_string_equal(name, "GENUINE");
    assert_string_equal(err, "");
    g_free(err);
    g_free(name);
    g_free(so);
    g_free(other_so);
    g_free(genuine);
    g_free(other);
}

/* A truncated entry, an entry without its recorded hash, and one that
 * is a symbolic link (to a sound object) are each rebuilt. */
static void test_damaged_entries_are_rebuilt(void **state)
{
    (void)state;
    char *path = write_policy("p.c", "P");
    char *so = compile(path);
    struct {
        const char *damage;
        const char *note;
    } cases[] = {
        {"truncate", "does not match its recorded hash"},
        {"no sum", "has no recorded hash"},
        {"symlink", "cannot be opened"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        if (strcmp(cases[i].damage, "truncate") == 0) {
            assert_int_equal(truncate(so, 1000), 0);
        } else if (strcmp(cases[i].damage, "no sum") == 0) {
            char *sum_path = g_strconcat(so, ".sha256", NULL);
            assert_int_equal(unlink(sum_path), 0);
            g_free(sum_path);
        } else {
            char *elsewhere = in_tmp("elsewhere.so");
            assert_int_equal(rename(so, elsewhere), 0);
            assert_int_equal(symlink(elsewhere, so), 0);
            g_free(elsewhere);
        }
        char *err = NULL;
        char *name = load_name(path, &err);
        assert_string_equal(name, "P");
        if (!strstr(err, cases[i].note))
            fail_msg("%s: no note '%s' in: %s", cases[i].damage,
                     cases[i].note, err);
        struct stat st;
        assert_int_equal(lstat(so, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_entry_sound(so);
        g_free(err);
        g_free(name);
    }
    g_free(so);
    g_free(path);
}

/* An entry whose hash matches but which the dynamic loader refuses (its
 * sum rewritten to match bad bytes) is rebuilt once, not fatal. */
static void test_unloadable_entry_is_rebuilt(void **state)
{
    (void)state;
    char *path = write_policy("p.c", "P");
    char *so = compile(path);
    const char junk[] = "not an ELF object";
    assert_true(g_file_set_contents(so, junk, sizeof junk, NULL));
    char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                            (const guchar *)junk, sizeof junk);
    char *line = g_strconcat(hex, "\n", NULL);
    char *sum_path = g_strconcat(so, ".sha256", NULL);
    assert_true(g_file_set_contents(sum_path, line, -1, NULL));
    assert_int_equal(chmod(so, 0700), 0);
    assert_int_equal(chmod(sum_path, 0600), 0);
    char *err = NULL;
    char *name = load_name(path, &err);
    assert_string_equal(name, "P");
    assert_non_null(strstr(err, "cannot be loaded"));
    assert_non_null(strstr(err, "rebuilding it"));
    assert_entry_sound(so);
    g_free(err);
    g_free(name);
    g_free(sum_path);
    g_free(line);
    g_free(hex);
    g_free(so);
    g_free(path);
}

/* A policy loaded twice at once, one of them freed, then another policy:
 * the second is what runs, although the dynamic loader still knows the
 * first under the freed load's descriptor name. */
static void test_reused_descriptor_names_the_new_object(void **state)
{
    (void)state;
    char *a = write_policy("a.c", "A");
    char *b = write_policy("b.c", "B");
    g_free(compile(b));
    struct ipa_policy *first = NULL, *second = NULL, *third = NULL;
    GError *error = NULL;
    assert_true(ipa_policy_load(a, NULL, &first, &error));
    assert_true(ipa_policy_load(a, NULL, &second, &error));
    ipa_policy_free(second);
    assert_true(ipa_policy_load(b, NULL, &third, &error));
    assert_string_equal(third->ops->name, "B");
    assert_string_equal(first->ops->name, "A");
    ipa_policy_free(third);
    ipa_policy_free(first);
    g_free(a);
    g_free(b);
}

/* A compiler that writes nothing where it was told (as when the cache
 * directory was moved away meanwhile) leaves no entry behind. */
static void test_missing_output_is_not_stored(void **state)
{
    (void)state;
    char *real_cc = g_find_program_in_path("cc");
    assert_non_null(real_cc);
    char *script = g_strdup_printf(
        "#!/bin/sh\n"
        /* whole words: a temporary path may hold "-E" (test-EM08Z3) */
        "for a; do case \"$a\" in -E|--version) exec '%s' \"$@\";; esac; "
        "done\n"
        "exit 0\n",
        real_cc);
    char *lazy = write_file("lazy-cc", script);
    assert_int_equal(chmod(lazy, 0700), 0);
    char *saved_cc = g_strdup(g_getenv("CC"));
    g_setenv("CC", lazy, TRUE);
    char *path = write_policy("p.c", "P");
    struct ipa_policy *p = NULL;
    GError *error = NULL;
    assert_false(ipa_policy_load(path, NULL, &p, &error));
    assert_non_null(strstr(error->message, "the compiler wrote nothing"));
    g_clear_error(&error);
    if (saved_cc)
        g_setenv("CC", saved_cc, TRUE);
    else
        g_unsetenv("CC");
    char *cache = in_tmp("cache");
    GDir *d = g_dir_open(cache, 0, NULL);
    assert_non_null(d);
    assert_null(g_dir_read_name(d));
    g_dir_close(d);
    g_free(cache);
    g_free(path);
    g_free(saved_cc);
    g_free(lazy);
    g_free(script);
    g_free(real_cc);
}

/* The key covers the flags, the compiler's identity and the version
 * string besides the source. */
static void test_key_covers_flags_and_compiler(void **state)
{
    (void)state;
    const char *source = "int x;\n";
    char *base = entry_key("cc 1", cflags, G_N_ELEMENTS(cflags), source);
    const char *o3[G_N_ELEMENTS(cflags)];
    memcpy(o3, cflags, sizeof cflags);
    o3[1] = "-O3";
    char *flags = entry_key("cc 1", o3, G_N_ELEMENTS(o3), source);
    char *fewer = entry_key("cc 1", cflags, G_N_ELEMENTS(cflags) - 1, source);
    char *cc = entry_key("cc 2", cflags, G_N_ELEMENTS(cflags), source);
    char *again = entry_key("cc 1", cflags, G_N_ELEMENTS(cflags), source);
    assert_string_not_equal(base, flags);
    assert_string_not_equal(base, fewer);
    assert_string_not_equal(base, cc);
    assert_string_equal(base, again);
    g_free(base);
    g_free(flags);
    g_free(fewer);
    g_free(cc);
    g_free(again);
}

/* Another compiler under the same name (first in PATH), or the same file
 * reporting another version, gets its own entry. */
static void test_key_follows_the_compiler(void **state)
{
    (void)state;
    char *real_cc = g_find_program_in_path("cc");
    assert_non_null(real_cc);
    char *saved_cc = g_strdup(g_getenv("CC"));
    char *saved_path = g_strdup(g_getenv("PATH"));
    g_unsetenv("CC");
    char *path = write_policy("p.c", "P");
    char *so_real = compile(path);

    char *bin = in_tmp("bin");
    assert_int_equal(mkdir(bin, 0700), 0);
    char *wrapper = g_build_filename(bin, "cc", NULL);
    const char *versions[] = {"wrapped cc 1", "wrapped cc 2"};
    char *so[2];
    for (int i = 0; i < 2; i++) {
        char *script = g_strdup_printf(
            "#!/bin/sh\n"
            "if [ \"$1\" = --version ]; then echo '%s'; exit 0; fi\n"
            "exec '%s' \"$@\"\n",
            versions[i], real_cc);
        assert_true(g_file_set_contents(wrapper, script, -1, NULL));
        assert_int_equal(chmod(wrapper, 0700), 0);
        g_free(script);
        char *new_path = g_strconcat(bin, ":", saved_path, NULL);
        g_setenv("PATH", new_path, TRUE);
        g_free(new_path);
        so[i] = compile(path);
        g_setenv("PATH", saved_path, TRUE);
    }
    assert_string_not_equal(so_real, so[0]);
    assert_string_not_equal(so[0], so[1]);
    if (saved_cc)
        g_setenv("CC", saved_cc, TRUE);
    g_free(so[0]);
    g_free(so[1]);
    g_free(so_real);
    g_free(wrapper);
    g_free(bin);
    g_free(path);
    g_free(saved_path);
    g_free(saved_cc);
    g_free(real_cc);
}

/* A changed runtime header (another include folder) gets its own entry. */
static void test_key_follows_the_runtime_header(void **state)
{
    (void)state;
    char *path = write_policy("p.c", "P");
    char *so_shipped = compile(path);
    char *inc = in_tmp("include");
    char *cmd = g_strdup_printf("cp -r '%s/include' '%s'", IPASIM_SOURCE_DIR,
                                tmpdir);
    assert_int_equal(system(cmd), 0);
    char *header = g_build_filename(inc, "ipasim", "runtime.h", NULL);
    char *text = NULL;
    assert_true(g_file_get_contents(header, &text, NULL, NULL));
    char *changed = g_strconcat(text, "\nstruct ipa_cache_test_mark;\n", NULL);
    assert_true(g_file_set_contents(header, changed, -1, NULL));
    g_setenv("IPASIM_INCLUDE_DIR", inc, TRUE);
    char *so_changed = compile(path);
    g_unsetenv("IPASIM_INCLUDE_DIR");
    assert_string_not_equal(so_shipped, so_changed);
    g_free(so_changed);
    g_free(changed);
    g_free(text);
    g_free(header);
    g_free(cmd);
    g_free(inc);
    g_free(so_shipped);
    g_free(path);
}

static void assert_mode(const char *path, unsigned mode)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, mode);
}

/* A cache made by ipasim is 0700, and so are the parents it makes. */
static void test_fresh_cache_is_private(void **state)
{
    (void)state;
    char *cache = g_build_filename(tmpdir, "a", "b", "cache", NULL);
    g_setenv("IPASIM_CACHE_DIR", cache, TRUE);
    const struct ipa_cache *c = ipa_cache_open(NULL);
    assert_non_null(c);
    assert_string_equal(c->path, cache);
    char *a = in_tmp("a");
    char *b = g_build_filename(a, "b", NULL);
    assert_mode(a, 0700);
    assert_mode(b, 0700);
    assert_mode(cache, 0700);
    g_free(b);
    g_free(a);
    g_free(cache);
}

/* Opens the cache for @asked, which must be refused for @why: the cache
 * used is a private 0700 directory elsewhere, the warning comes once. */
static void assert_refused(const char *asked, const char *why)
{
    g_setenv("IPASIM_CACHE_DIR", asked, TRUE);
    int saved = capture_begin();
    const struct ipa_cache *c = ipa_cache_open(NULL);
    const struct ipa_cache *again = ipa_cache_open(NULL);
    char *err = capture_end(saved);
    assert_non_null(c);
    assert_ptr_equal(c, again);
    assert_string_not_equal(c->path, asked);
    assert_mode(c->path, 0700);
    /* named without a trailing slash, which would follow a link */
    char *shown = g_strdup(asked);
    while (g_str_has_suffix(shown, "/"))
        shown[strlen(shown) - 1] = '\0';
    char *expect = g_strdup_printf("ipasim: warning: policy cache %s %s: "
                                   "not used",
                                   shown, why);
    g_free(shown);
    if (!g_str_has_prefix(err, expect))
        fail_msg("expected '%s...', got: %s", expect, err);
    assert_null(strstr(err + 1, "ipasim: warning")); /* once */
    g_free(expect);
    g_free(err);
}

static void test_unsafe_cache_is_not_used(void **state)
{
    (void)state;
    char *open_dir = in_tmp("open");
    assert_int_equal(mkdir(open_dir, 0700), 0);
    assert_int_equal(chmod(open_dir, 0777), 0);
    assert_refused(open_dir,
                   "is writable by group or others (mode 0777)");

    char *group = in_tmp("group");
    assert_int_equal(mkdir(group, 0700), 0);
    assert_int_equal(chmod(group, 0770), 0);
    assert_refused(group, "is writable by group or others (mode 0770)");

    char *real = in_tmp("real");
    char *link = in_tmp("link");
    assert_int_equal(mkdir(real, 0700), 0);
    assert_int_equal(symlink(real, link), 0);
    assert_refused(link, "is a symbolic link");
    char *link2 = in_tmp("link2");
    assert_int_equal(symlink(real, link2), 0);
    char *slash = g_strconcat(link2, "/", NULL); /* still the link */
    assert_refused(slash, "is a symbolic link");

    char *file = write_file("file", "");
    assert_refused(file, "cannot be opened (Not a directory)");

    /* nothing was written into any of them */
    const char *dirs[] = {open_dir, group, real};
    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        GDir *d = g_dir_open(dirs[i], 0, NULL);
        assert_non_null(d);
        assert_null(g_dir_read_name(d));
        g_dir_close(d);
    }
    g_free(file);
    g_free(slash);
    g_free(link2);
    g_free(link);
    g_free(real);
    g_free(group);
    g_free(open_dir);
}

/* A cache owned by someone else is not used (needs root to give it). */
static void test_foreign_cache_is_not_used(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    char *foreign = in_tmp("foreign");
    assert_int_equal(mkdir(foreign, 0700), 0);
    assert_int_equal(chown(foreign, 65534, 65534), 0);
    assert_refused(foreign, "is owned by uid 65534, not by this user (uid 0)");
    char *path = write_policy("p.c", "P");
    char *name = load_name(path, NULL);
    assert_string_equal(name, "P");
    GDir *d = g_dir_open(foreign, 0, NULL);
    assert_null(g_dir_read_name(d));
    g_dir_close(d);
    g_free(name);
    g_free(path);
    g_free(foreign);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replaced_entry_is_rebuilt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_damaged_entries_are_rebuilt,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_unloadable_entry_is_rebuilt,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_reused_descriptor_names_the_new_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_output_is_not_stored,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_covers_flags_and_compiler,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_follows_the_compiler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_key_follows_the_runtime_header,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_fresh_cache_is_private, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unsafe_cache_is_not_used, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_foreign_cache_is_not_used, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

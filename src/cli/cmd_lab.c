/* ipasim lab: the shipped labs, and a student's own copy of one. The copy
 * holds the exercises (policies to fix, traces, scenarios, README) but not
 * the lab's solutions/ folder, which is for teachers: a student's
 * `ipasim test .` then runs the student's own policies. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "cli/commands.h"
#include "util/common.h"
#include "util/outfile.h"
#include "util/paths.h"
#include "util/suggest.h"

static const char help_fmt[] =
    "usage: ipasim lab list\n"
    "       ipasim lab init LAB DIR\n"
    "\n"
    "list  print the shipped labs, a line each.\n"
    "init  copy the lab LAB into DIR, a new or empty folder: its README,\n"
    "      a policy to fix per exercise (EXERCISE/policy.ipa), the traces\n"
    "      and a scenario per exercise. In DIR, 'ipasim test .' fails until\n"
    "      every policy is fixed. The lab's solutions are not copied.\n"
    "\n"
    "  -h, --help  print this help and exit\n";

/* The folder a teacher keeps the answers in: never copied. */
#define SOLUTIONS "solutions"

static int usage(const char *fmt, const char *arg)
{
    fputs("ipasim lab: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", help_fmt);
    return IPA_EXIT_USAGE;
}

/* The labs shipped in the data dir's labs/ (sorted new strings). */
static GPtrArray *lab_names(void)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    char *data = ipa_data_dir();
    char *labs = g_build_filename(data, "labs", NULL);
    GDir *dir = g_dir_open(labs, 0, NULL);
    for (const char *n; dir && (n = g_dir_read_name(dir));) {
        char *path = g_build_filename(labs, n, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            g_ptr_array_add(names, g_strdup(n));
        g_free(path);
    }
    if (dir)
        g_dir_close(dir);
    g_ptr_array_sort(names, ipa_cmp_strings);
    g_free(labs);
    g_free(data);
    return names;
}

static char *lab_path(const char *name)
{
    char *data = ipa_data_dir();
    char *path = g_build_filename(data, "labs", name, NULL);
    g_free(data);
    return path;
}

/* A lab's title: its README's first line, "# Lab: TITLE". */
static char *lab_title(const char *name)
{
    char *dir = lab_path(name);
    char *readme = g_build_filename(dir, "README.md", NULL);
    char *text = NULL;
    char *title = NULL;
    if (g_file_get_contents(readme, &text, NULL, NULL)) {
        char *eol = strchr(text, '\n');
        if (eol)
            *eol = '\0';
        const char *t = text;
        if (g_str_has_prefix(t, "# "))
            t += 2;
        if (g_str_has_prefix(t, "Lab: "))
            t += 5;
        title = g_strdup(t);
    }
    g_free(text);
    g_free(readme);
    g_free(dir);
    return title ? title : g_strdup("(no README.md)");
}

static int lab_list(void)
{
    GPtrArray *names = lab_names();
    printf("labs (ipasim lab init LAB DIR):\n");
    for (guint i = 0; i < names->len; i++) {
        char *title = lab_title(g_ptr_array_index(names, i));
        printf("  %-16s %s\n", (char *)g_ptr_array_index(names, i), title);
        g_free(title);
    }
    g_ptr_array_free(names, TRUE);
    return IPA_EXIT_OK;
}

/* A Markdown file's links that leave the lab (../../docs/monitor.md) would
 * point nowhere from the student's copy: each becomes the absolute path of
 * its target in the shipped data, when that target exists. Links inside
 * the lab stay relative, since the copy keeps them true. */
static char *relink_markdown(const char *text, const char *src_dir,
                             const char *lab_root)
{
    GString *out = g_string_new(NULL);
    char *root = g_canonicalize_filename(lab_root, NULL);
    const char *p = text;
    for (const char *at; (at = strstr(p, "](")); ) {
        const char *target = at + 2;
        const char *end = strpbrk(target, ")# \n");
        const char *scheme = strstr(target, "://");
        g_string_append_len(out, p, target - p);
        p = target;
        if (!end || end == target || *target == '/' || (scheme && scheme < end))
            continue;
        char *link = g_strndup(target, end - target);
        char *path = g_canonicalize_filename(link, src_dir);
        bool inside = g_str_has_prefix(path, root) &&
                      (path[strlen(root)] == '/' || !path[strlen(root)]);
        if (!inside && g_file_test(path, G_FILE_TEST_EXISTS)) {
            g_string_append(out, path);
            p = end;
        }
        g_free(path);
        g_free(link);
    }
    g_string_append(out, p);
    g_free(root);
    return g_string_free(out, FALSE);
}

/* Copies the files of @from into @to, folders included, but not the top
 * level's solutions/. @lab_root is the lab's own folder. */
static bool copy_tree(const char *from, const char *to, bool top,
                      const char *lab_root, GError **error)
{
    GDir *dir = g_dir_open(from, 0, error);
    if (!dir)
        return false;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (const char *n; (n = g_dir_read_name(dir));)
        if (!(top && !strcmp(n, SOLUTIONS)))
            g_ptr_array_add(names, g_strdup(n));
    g_dir_close(dir);
    /* sorted, so that a failure part-way always stops at the same file */
    g_ptr_array_sort(names, ipa_cmp_strings);
    bool ok = true;
    for (guint i = 0; ok && i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        char *src = g_build_filename(from, n, NULL);
        char *dst = g_build_filename(to, n, NULL);
        if (g_file_test(src, G_FILE_TEST_IS_DIR)) {
            if (g_mkdir(dst, 0777) != 0) {
                g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                            "cannot create %s: %s", dst, g_strerror(errno));
                ok = false;
            } else {
                ok = copy_tree(src, dst, false, lab_root, error);
            }
        } else {
            char *text = NULL;
            gsize len = 0;
            ok = g_file_get_contents(src, &text, &len, error);
            if (ok && g_str_has_suffix(n, ".md")) {
                char *relinked = relink_markdown(text, from, lab_root);
                g_free(text);
                text = relinked;
                len = strlen(text);
            }
            ok = ok && ipa_write_file(dst, text, len, error);
            g_free(text);
        }
        g_free(dst);
        g_free(src);
    }
    g_ptr_array_free(names, TRUE);
    return ok;
}

/* Removes the temporary copy @path, which only this process wrote. */
static void remove_copy(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    for (const char *n; dir && (n = g_dir_read_name(dir));) {
        char *child = g_build_filename(path, n, NULL);
        if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
            !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            remove_copy(child);
        else
            g_unlink(child);
        g_free(child);
    }
    if (dir)
        g_dir_close(dir);
    g_rmdir(path);
}

/* Copies the lab @from as the folder @to, whole or not at all: into a
 * fresh temporary folder beside @to (mkdtemp: nothing planted there is
 * used), renamed to @to once complete (rename replaces an empty folder). */
static bool copy_lab(const char *from, const char *to, GError **error)
{
    char *name = g_strdup(to);
    for (size_t n = strlen(name); n > 1 && name[n - 1] == '/'; n--)
        name[n - 1] = '\0';
    char *parent = g_path_get_dirname(name);
    char *base = g_path_get_basename(name);
    char *tmp = g_strdup_printf("%s/.%s.XXXXXX", parent, base);
    bool ok = true;
    if (g_mkdir_with_parents(parent, 0777) != 0 || !g_mkdtemp_full(tmp, 0777)) {
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT, "cannot create %s: %s",
                    to, g_strerror(errno));
        ok = false;
    } else {
        ok = copy_tree(from, tmp, true, from, error);
        if (ok && rename(tmp, name) != 0) {
            g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                        "cannot create %s: %s", to, g_strerror(errno));
            ok = false;
        }
        if (!ok)
            remove_copy(tmp);
    }
    g_free(tmp);
    g_free(base);
    g_free(parent);
    g_free(name);
    return ok;
}

/* True when @path does not exist or is an empty folder (which the copy
 * then replaces); else false with the reason. */
static bool usable_dir(const char *path, GError **error)
{
    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return true;
    GDir *dir = g_dir_open(path, 0, error);
    if (!dir)
        return false;
    bool empty = g_dir_read_name(dir) == NULL;
    g_dir_close(dir);
    if (!empty)
        g_set_error(error, IPA_ERROR, IPA_ERROR_INPUT,
                    "%s exists and is not empty: give a new or empty folder",
                    path);
    return empty;
}

static int lab_init(const char *name, const char *to)
{
    GPtrArray *names = lab_names();
    bool known = false;
    for (guint i = 0; i < names->len; i++)
        known |= !strcmp(g_ptr_array_index(names, i), name);
    if (!known) {
        g_ptr_array_add(names, NULL);
        const char *near = ipa_suggest(
            name, (const char *const *)names->pdata, (int)names->len - 1);
        fprintf(stderr, "ipasim lab: error: no lab '%s'", name);
        if (near)
            fprintf(stderr, " (did you mean '%s'?)", near);
        fprintf(stderr, "; 'ipasim lab list' lists them\n");
        g_ptr_array_free(names, TRUE);
        return IPA_EXIT_USAGE;
    }
    g_ptr_array_free(names, TRUE);

    GError *error = NULL;
    char *from = lab_path(name);
    bool ok = usable_dir(to, &error) && copy_lab(from, to, &error);
    g_free(from);
    if (!ok) {
        fprintf(stderr, "ipasim lab: error: %s\n", error->message);
        g_error_free(error);
        return IPA_EXIT_USAGE;
    }
    printf("%s: the %s lab. Read %s/README.md; run 'ipasim test .' in %s "
           "to check your policies.\n",
           to, name, to, to);
    return IPA_EXIT_OK;
}

int ipa_cmd_lab(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(help_fmt, stdout);
            return IPA_EXIT_OK;
        }
    }
    if (argc < 2)
        return usage("%s", "missing action: list or init");
    if (!strcmp(argv[1], "list")) {
        if (argc > 2)
            return usage("unexpected argument '%s'", argv[2]);
        return lab_list();
    }
    if (!strcmp(argv[1], "init")) {
        if (argc != 4)
            return usage("%s", "init takes a lab's name and a folder");
        return lab_init(argv[2], argv[3]);
    }
    return usage("unknown action '%s' (list or init)", argv[1]);
}

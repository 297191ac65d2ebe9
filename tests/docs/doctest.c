/*
 * doctest.c - runs the commands a Markdown page quotes and checks the
 * output it shows, so that a change which moves a figure fails until the
 * page moves too.
 *
 * In a code block (fenced, or indented four spaces), a line "$ COMMAND" is
 * run with /bin/sh in a scratch folder that links the source tree's
 * top-level entries (so `traces/db.json` and `tests/scenarios` resolve), and
 * the lines after it, up to the next "$ " line or the block's end, must
 * appear in its output (stdout, then stderr), in order; other output lines
 * may come between them. Within a line, "..." stands for any text, and a
 * line that is only "..." stands for nothing. A comment
 * "<!-- doctest: COMMAND -->" runs COMMAND first (to make the reports a
 * `compare` example reads); "<!-- doctest: skip -->" skips the next block.
 *
 * usage: doctest SOURCE_DIR PAGE.md   (ipasim must be on PATH)
 */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

static char *scratch;
static int failures, checked;

static char *run(const char *cmd)
{
    char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
    char *out = NULL, *err = NULL;
    GError *error = NULL;
    if (!g_spawn_sync(scratch, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                      &err, NULL, &error)) {
        fprintf(stderr, "cannot run '%s': %s\n", cmd, error->message);
        g_error_free(error);
        return g_strdup("");
    }
    /* as a terminal shows it: the messages a command ends with come last */
    char *both = g_strconcat(out, err, NULL);
    g_free(out);
    g_free(err);
    return both;
}

/* @line matches @pattern, where "..." in the pattern stands for any text. */
static bool matches(const char *line, const char *pattern)
{
    char **parts = g_strsplit(pattern, "...", -1);
    guint n = g_strv_length(parts);
    bool ok = true;
    const char *at = line;
    for (guint i = 0; ok && i < n; i++) {
        const char *p = parts[i];
        if (i == 0) {
            ok = g_str_has_prefix(at, p);
            at += strlen(p);
        } else if (i == n - 1 && *p) {
            size_t la = strlen(at), lp = strlen(p);
            ok = la >= lp && !strcmp(at + la - lp, p);
        } else {
            const char *f = strstr(at, p);
            ok = f != NULL;
            if (f)
                at = f + strlen(p);
        }
    }
    if (ok && n == 1)
        ok = *at == '\0';
    g_strfreev(parts);
    return ok;
}

static void check(const char *page, int line_no, const char *cmd,
                  GPtrArray *expect)
{
    char *out = run(cmd);
    char **lines = g_strsplit(out, "\n", -1);
    for (char **l = lines; *l; l++)
        g_strchomp(*l);
    char **at = lines;
    for (guint i = 0; i < expect->len; i++) {
        const char *e = g_ptr_array_index(expect, i);
        if (!*e || !strcmp(e, "..."))
            continue;
        while (*at && !matches(*at, e))
            at++;
        if (!*at) {
            fprintf(stderr,
                    "%s:%d: `%s` does not print, in this order:\n  %s\n"
                    "--- it printed:\n%s\n",
                    page, line_no, cmd, e, out);
            failures++;
            break;
        }
        at++;
    }
    checked++;
    g_strfreev(lines);
    g_free(out);
}

/* Runs every "$ " command of one block (lines without the block's indent). */
static void block(const char *page, int first_line, GPtrArray *lines)
{
    for (guint i = 0; i < lines->len; i++) {
        const char *l = g_ptr_array_index(lines, i);
        if (!g_str_has_prefix(l, "$ "))
            continue;
        GPtrArray *expect = g_ptr_array_new();
        guint j = i + 1;
        for (; j < lines->len; j++) {
            const char *e = g_ptr_array_index(lines, j);
            if (g_str_has_prefix(e, "$ "))
                break;
            g_ptr_array_add(expect, (gpointer)e);
        }
        check(page, first_line + (int)i, l + 2, expect);
        g_ptr_array_free(expect, TRUE);
        i = j - 1;
    }
}

static void link_tree(const char *source)
{
    GDir *dir = g_dir_open(source, 0, NULL);
    for (const char *n; dir && (n = g_dir_read_name(dir));) {
        if (n[0] == '.' || g_str_has_prefix(n, "build"))
            continue;
        char *from = g_build_filename(source, n, NULL);
        char *to = g_build_filename(scratch, n, NULL);
        if (symlink(from, to) != 0)
            perror(to);
        g_free(from);
        g_free(to);
    }
    if (dir)
        g_dir_close(dir);
}

static void remove_scratch(void)
{
    char *argv[] = {"rm", "-rf", scratch, NULL};
    g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                 NULL, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: doctest SOURCE_DIR PAGE.md\n");
        return 2;
    }
    char *text = NULL;
    if (!g_file_get_contents(argv[2], &text, NULL, NULL)) {
        fprintf(stderr, "doctest: cannot read %s\n", argv[2]);
        return 2;
    }
    scratch = g_dir_make_tmp("doctest-XXXXXX", NULL);
    char *source = g_canonicalize_filename(argv[1], NULL);
    link_tree(source);
    g_free(source);
    char **lines = g_strsplit(text, "\n", -1);
    GPtrArray *cur = g_ptr_array_new_with_free_func(g_free);
    bool fenced = false, indented = false, skip = false;
    int start = 0;
    for (int i = 0; lines[i]; i++) {
        char *l = lines[i];
        const char *t = l + strspn(l, " ");
        if (!fenced && !indented && g_str_has_prefix(t, "<!-- doctest:")) {
            char *c = g_strstrip(g_strndup(t + 13, strcspn(t + 13, ">") - 2));
            if (!strcmp(c, "skip"))
                skip = true;
            else
                g_free(run(c));
            g_free(c);
            continue;
        }
        if (g_str_has_prefix(t, "```")) {
            if (fenced && !skip)
                block(argv[2], start, cur);
            if (fenced)
                skip = false;
            fenced = !fenced;
            g_ptr_array_set_size(cur, 0);
            start = i + 2;
            continue;
        }
        if (fenced) {
            g_ptr_array_add(cur, g_strdup(l));
            continue;
        }
        bool in_block = g_str_has_prefix(l, "    ") || (indented && !*t);
        if (in_block) {
            if (!indented)
                start = i + 1;
            indented = true;
            g_ptr_array_add(cur, g_strdup(strlen(l) >= 4 ? l + 4 : ""));
        } else if (indented) {
            if (!skip)
                block(argv[2], start, cur);
            skip = false;
            indented = false;
            g_ptr_array_set_size(cur, 0);
        }
    }
    if (indented && !skip)
        block(argv[2], start, cur);
    printf("%s: %d commands checked, %d wrong\n", argv[2], checked, failures);
    g_ptr_array_free(cur, TRUE);
    g_strfreev(lines);
    g_free(text);
    remove_scratch();
    g_free(scratch);
    return failures ? 1 : 0;
}

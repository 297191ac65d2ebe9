/*
 * Fuzzes the gnuplot script writer (report_plot.c, compare.c) with names.
 * The input, cut at NUL bytes, names three threads, the groups of threads
 * 0 and 2 and of thread 1 (none when empty), and the policy, topology and
 * trace of a tiny run plotted with --plot; its first and fourth pieces
 * name two reports plotted by compare --plot. Nothing written may depend
 * on the names except the single-quoted strings of the scripts: with each
 * such string (quotes joined by . "'" . included) emptied, every script
 * equals the one written for plain names of the same equalities, and every
 * data file is byte-identical; each single-quoted string holds valid UTF-8
 * and no control character, and no backquote is read outside one. The
 * harness aborts otherwise. gnuplot itself does not run (PATH is cleared).
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-c/json.h>

#include "report/report.h"
#include "report/viz.h"

#include "../unit/report/tiny_run.h"

enum { THREAD0, THREAD1, THREAD2, GROUP0, GROUP1, POLICY, TOPOLOGY, TRACE, N };

static void broken(const char *file, const char *why, const char *text)
{
    fprintf(stderr, "fuzz_plot: %s: %s\n--- script:\n%s\n", file, why, text);
    abort();
}

/* @text with every string of the writer's quoting emptied, checking each
 * piece as gnuplot's scanner would read it. */
static char *shape(const char *file, const char *text)
{
    static const char join[] = " . \"'\" . '";
    GString *out = g_string_new(NULL);
    const char *p = text;
    while (*p) {
        if (*p == '\'') {
            /* Pieces hold no quote; a quote right after one would be
             * read by gnuplot as a doubled quote inside it. */
            for (;;) {
                const char *end = strchr(p + 1, '\'');
                if (!end)
                    broken(file, "unterminated single-quoted string", text);
                if (!g_utf8_validate(p + 1, end - p - 1, NULL))
                    broken(file, "invalid UTF-8 in a string", text);
                for (const char *c = p + 1; c < end; c = g_utf8_next_char(c))
                    if (g_unichar_iscntrl(g_utf8_get_char(c)))
                        broken(file, "control character in a string", text);
                p = end + 1;
                if (*p == '\'')
                    broken(file, "quote after a closing quote", text);
                if (!g_str_has_prefix(p, join))
                    break;
                p += strlen(join) - 1;
            }
            g_string_append(out, "''");
        } else if (*p == '"') {
            const char *start = p++;
            while (*p && *p != '"' && *p != '\n')
                p += p[0] == '\\' && p[1] ? 2 : 1;
            if (*p != '"')
                broken(file, "unterminated double-quoted string", text);
            p++;
            g_string_append_len(out, start, p - start);
        } else if (*p == '#') {
            size_t len = strcspn(p, "\n");
            g_string_append_len(out, p, len);
            p += len;
        } else {
            if (*p == '`')
                broken(file, "backquote outside a string", text);
            g_string_append_c(out, *p++);
        }
    }
    return g_string_free(out, FALSE);
}

static char *slurp(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        broken(path, "not written", "");
    g_free(path);
    return text;
}

static void remove_dir(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        char *f = g_build_filename(path, name, NULL);
        g_unlink(f);
        g_free(f);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(path);
}

/* The trace of @names as JSON (json-c escapes what JSON needs). */
static char *trace_json(char *const *names)
{
    json_object *threads = json_object_new_array();
    for (int i = THREAD0; i <= THREAD2; i++) {
        json_object *t = json_object_new_object();
        json_object_object_add(t, "name", json_object_new_string(names[i]));
        const char *group = names[i == THREAD1 ? GROUP1 : GROUP0];
        if (*group)
            json_object_object_add(t, "group", json_object_new_string(group));
        json_object *ops = json_object_new_array();
        json_object *run = json_object_new_object();
        json_object_object_add(run, "run", json_object_new_string("2ms"));
        json_object_array_add(ops, run);
        json_object *sleep = json_object_new_object();
        json_object_object_add(sleep, "sleep", json_object_new_string("1ms"));
        json_object_array_add(ops, sleep);
        json_object_array_add(ops, json_object_get(run));
        json_object_object_add(t, "ops", ops);
        json_object_array_add(threads, t);
    }
    json_object *root = json_object_new_object();
    json_object_object_add(root, "ipasim_trace", json_object_new_int(1));
    json_object_object_add(root, "threads", threads);
    char *text = g_strdup(json_object_to_json_string(root));
    json_object_put(root);
    return text;
}

/* Plots the run and the comparison of @names into @dir; false when the
 * trace does not load. */
static bool plot(char *const *names, const char *dir)
{
    char *json = trace_json(names);
    struct tiny_run r;
    bool loaded = tiny_start(&r, "pack:1 core:2 pu:1", json, 1);
    g_free(json);
    if (!loaded) {
        tiny_finish(&r);
        return false;
    }
    struct ipa_report_info info = {.policies = names[POLICY],
                                   .topology = names[TOPOLOGY],
                                   .trace = names[TRACE]};
    char *figs = g_build_filename(dir, "figs", NULL);
    char *cmp = g_build_filename(dir, "cmp", NULL);
    struct ipa_plot_dir pd;
    GError *error = NULL;
    if (!ipa_plot_dir_open(&pd, figs, &error) ||
        !ipa_report_plot(r.sim, r.rec, &info, &pd, &error))
        broken(figs, error->message, "");
    ipa_plot_dir_fini(&pd);
    tiny_finish(&r);
    struct ipa_compare_run runs[2] = {
        {.label = names[THREAD0], .value = {1, 2, 3}},
        {.label = names[GROUP0], .value = {4, 5, 6}},
    };
    if (!ipa_compare_plot(runs, 2, cmp, &error))
        broken(cmp, error->message, "");
    g_free(figs);
    g_free(cmp);
    return true;
}

static void check_same(const char *a, const char *b, const char *sub,
                       const char *name)
{
    char *da = g_build_filename(a, sub, NULL);
    char *db = g_build_filename(b, sub, NULL);
    char *ta = slurp(da, name), *tb = slurp(db, name);
    if (g_str_has_suffix(name, ".gp")) {
        char *sa = shape(name, ta), *sb = shape(name, tb);
        if (strcmp(sa, sb))
            broken(name, "differs from plain names' outside strings", ta);
        g_free(sa);
        g_free(sb);
    } else if (strcmp(ta, tb)) {
        broken(name, "data depends on the names", ta);
    }
    g_free(ta);
    g_free(tb);
    g_free(da);
    g_free(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    g_setenv("PATH", "", TRUE);
    char *names[N], *plain[N];
    const char *p = (const char *)data, *end = p + size;
    for (int i = 0; i < N; i++) {
        const char *nul = memchr(p, '\0', end - p);
        const char *stop = nul ? nul : end;
        names[i] = g_strndup(p, stop - p);
        p = nul ? nul + 1 : end;
    }
    for (int i = THREAD0; i <= THREAD2; i++)
        if (!*names[i]) {
            g_free(names[i]);
            names[i] = g_strdup_printf("t%d", i);
        }
    /* Plain names keep which names are equal and which groups empty. */
    for (int i = 0; i < N; i++) {
        int first = 0;
        while (strcmp(names[first], names[i]))
            first++;
        plain[i] = *names[i] ? g_strdup_printf("n%d", first) : g_strdup("");
    }
    char *a = g_dir_make_tmp("fuzz-plot-XXXXXX", NULL);
    char *b = g_dir_make_tmp("fuzz-plot-XXXXXX", NULL);
    if (!a || !b)
        abort();
    if (plot(names, a)) {
        if (!plot(plain, b))
            broken("trace", "plain names do not load", "");
        static const char *const figs[] = {
            "timeline.gp", "timeline.dat", "timeline-flagged.dat",
            "rqheat.gp",   "rqheat.dat",   "latency.gp",
            "latency.dat", "util.gp",      "util.dat",
        };
        for (size_t i = 0; i < G_N_ELEMENTS(figs); i++)
            check_same(a, b, "figs", figs[i]);
        check_same(a, b, "cmp", "compare.gp");
        check_same(a, b, "cmp", "compare.dat");
    }
    for (int k = 0; k < 2; k++) {
        char *root = k ? b : a;
        char *figs = g_build_filename(root, "figs", NULL);
        char *cmp = g_build_filename(root, "cmp", NULL);
        remove_dir(figs);
        remove_dir(cmp);
        g_rmdir(root);
        g_free(figs);
        g_free(cmp);
    }
    g_free(a);
    g_free(b);
    for (int i = 0; i < N; i++) {
        g_free(names[i]);
        g_free(plain[i]);
    }
    return 0;
}

/*
 * The golden corpus (tests/golden/check, files *.ipa and *.bossa, read by
 * the front end their extension selects): each file carries its
 * expected diagnostics inline,
 *     // expect error: 12:7 message substring
 *     // expect warning: 3:1 message substring
 * and optionally "// params: NAME=VALUE ..." for --param overrides. A file
 * must produce exactly its expected errors and warnings (notes are free).
 * Every file that parses is also printed with fmt and reparsed (same tree,
 * same text when printed again), and every prefix and some garbled copies
 * of each file are fed to the parser and checker, which must not crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "dsl/check.h"
#include "dsl/compose.h"
#include "dsl/diag.h"
#include "dsl/fmt.h"
#include "dsl/front.h"
#include "dsl/parser.h"

struct got {
    enum ipa_severity sev;
    int line, col;
    char *msg;
    bool matched;
};

static void collect(void *data, const struct ipa_diag *d)
{
    GArray *a = data;
    if (d->severity == IPA_SEV_NOTE)
        return;
    struct got g = {d->severity, d->line, d->col, g_strdup(d->message), 0};
    g_array_append_val(a, g);
}

static int cmp_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_dir(GPtrArray *files, const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    assert_non_null(d);
    const char *n;
    while ((n = g_dir_read_name(d))) {
        if (ipa_front_is_dsl(n))
            g_ptr_array_add(files, g_build_filename(dir, n, NULL));
    }
    g_dir_close(d);
}

/* The golden corpus; @shipped adds the policy library (valid, and too
 * large for the every-prefix test). */
static GPtrArray *corpus_of(bool shipped)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    add_dir(files, IPASIM_SOURCE_DIR "/tests/golden/check");
    if (shipped)
        add_dir(files, IPASIM_SOURCE_DIR "/policies");
    g_ptr_array_sort(files, cmp_paths);
    return files;
}

static GPtrArray *corpus(void)
{
    return corpus_of(true);
}

/* Runs parse (+ check when the parse is clean) on @src into @sink. */
static struct ipa_ast *run(struct ipa_source *src, struct ipa_diag_sink *sink,
                           GPtrArray *params)
{
    struct ipa_ast *ast = ipa_front_parse(src, sink);
    if (!sink->errors) {
        struct ipa_check_options o = {
            params ? (const char *const *)params->pdata : NULL,
            params ? (int)params->len : 0};
        ipa_check(ast, &o, sink);
    }
    return ast;
}

static bool has_expectations(const struct ipa_source *src)
{
    return strstr(src->text, "// expect ") != NULL;
}

static void test_expectations(void **state)
{
    (void)state;
    GPtrArray *files = corpus();
    int failures = 0, nr_valid = 0, nr_failing = 0;
    for (unsigned f = 0; f < files->len; f++) {
        const char *path = g_ptr_array_index(files, f);
        struct ipa_source *src = ipa_source_load(path, NULL);
        assert_non_null(src);
        if (ipa_compose_detect(src)) {
            /* a composition (edf_over_cfs.ipa): no program of its own;
             * its classes are in the corpus (tests/e2e/classes.cmake) */
            struct ipa_diag_sink sink;
            ipa_diag_sink_init(&sink, stderr);
            GPtrArray *classes = ipa_compose_parse(src, &sink);
            assert_non_null(classes);
            g_ptr_array_free(classes, TRUE);
            nr_valid++;
            ipa_source_free(src);
            continue;
        }
        GArray *got = g_array_new(FALSE, FALSE, sizeof(struct got));
        GPtrArray *params = g_ptr_array_new_with_free_func(g_free);
        GArray *want = g_array_new(FALSE, FALSE, sizeof(struct got));
        char **lines = g_strsplit(src->text, "\n", -1);
        for (int i = 0; lines[i]; i++) {
            const char *l = lines[i];
            const char *p;
            if ((p = strstr(l, "// params:"))) {
                char **ps = g_strsplit(p + 10, " ", -1);
                for (int k = 0; ps[k]; k++) {
                    if (*ps[k])
                        g_ptr_array_add(params, g_strdup(ps[k]));
                }
                g_strfreev(ps);
            }
            enum ipa_severity sev;
            if ((p = strstr(l, "// expect error: ")))
                sev = IPA_SEV_ERROR, p += 17;
            else if ((p = strstr(l, "// expect warning: ")))
                sev = IPA_SEV_WARNING, p += 19;
            else
                continue;
            struct got w = {sev, 0, 0, NULL, false};
            int used = 0;
            if (sscanf(p, "%d:%d %n", &w.line, &w.col, &used) < 2) {
                fprintf(stderr, "%s:%d: malformed expectation\n", path, i + 1);
                failures++;
                continue;
            }
            w.msg = g_strdup(p + used);
            g_strchomp(w.msg);
            g_array_append_val(want, w);
        }
        g_strfreev(lines);
        struct ipa_diag_sink sink = {0};
        sink.fn = collect;
        sink.data = got;
        struct ipa_ast *ast = run(src, &sink, params);
        if (want->len)
            nr_failing++;
        else
            nr_valid++;
        for (unsigned i = 0; i < want->len; i++) {
            struct got *w = &g_array_index(want, struct got, i);
            bool found = false;
            for (unsigned j = 0; j < got->len && !found; j++) {
                struct got *g = &g_array_index(got, struct got, j);
                if (!g->matched && g->sev == w->sev && g->line == w->line &&
                    g->col == w->col && strstr(g->msg, w->msg)) {
                    g->matched = found = true;
                }
            }
            if (!found) {
                fprintf(stderr, "%s: missing %s at %d:%d containing '%s'\n",
                        path, w->sev == IPA_SEV_ERROR ? "error" : "warning",
                        w->line, w->col, w->msg);
                failures++;
            }
        }
        for (unsigned j = 0; j < got->len; j++) {
            struct got *g = &g_array_index(got, struct got, j);
            if (!g->matched) {
                fprintf(stderr, "%s:%d:%d: unexpected %s: %s\n", path,
                        g->line, g->col,
                        g->sev == IPA_SEV_ERROR ? "error" : "warning", g->msg);
                failures++;
            }
            g_free(g->msg);
        }
        for (unsigned i = 0; i < want->len; i++)
            g_free(g_array_index(want, struct got, i).msg);
        g_array_free(want, TRUE);
        g_array_free(got, TRUE);
        g_ptr_array_free(params, TRUE);
        ipa_ast_free(ast);
        ipa_source_free(src);
    }
    fprintf(stderr, "golden: %d valid, %d failing policies\n", nr_valid,
            nr_failing);
    assert_true(nr_valid >= 3);
    assert_true(nr_failing >= 40);
    g_ptr_array_free(files, TRUE);
    assert_int_equal(failures, 0);
}

static struct ipa_diag_sink quiet_sink(FILE *null)
{
    struct ipa_diag_sink s;
    ipa_diag_sink_init(&s, null);
    return s;
}

/* fmt: parse -> print -> parse gives the same tree; printing is stable.
 * A .bossa file is printed in Ipanema (`fmt --to ipa`), whose parse must
 * give the very tree the Bossa front end made. */
static void test_fmt_roundtrip(void **state)
{
    (void)state;
    GPtrArray *files = corpus();
    FILE *null = fopen("/dev/null", "w");
    assert_non_null(null);
    int checked = 0;
    for (unsigned f = 0; f < files->len; f++) {
        const char *path = g_ptr_array_index(files, f);
        struct ipa_source *src = ipa_source_load(path, NULL);
        struct ipa_diag_sink s1 = quiet_sink(null);
        struct ipa_ast *a1 = ipa_front_parse(src, &s1);
        if (s1.errors) {
            ipa_ast_free(a1);
            ipa_source_free(src);
            continue;
        }
        GString *t1 = g_string_new(NULL);
        ipa_fmt_print(a1, src, t1);
        struct ipa_source *src2 = ipa_source_new("printed", t1->str, t1->len);
        struct ipa_diag_sink s2 = quiet_sink(stderr);
        struct ipa_ast *a2 = ipa_parse(src2, &s2);
        if (s2.errors || !ipa_node_equal(a1->root, a2->root))
            fprintf(stderr, "%s: fmt changed the tree:\n%s\n", path, t1->str);
        assert_int_equal(s2.errors, 0);
        assert_true(ipa_node_equal(a1->root, a2->root));
        GString *t2 = g_string_new(NULL);
        ipa_fmt_print(a2, src2, t2);
        assert_string_equal(t1->str, t2->str);
        /* the checker sees the same policy */
        struct ipa_diag_sink c1 = quiet_sink(null), c2 = quiet_sink(null);
        ipa_check(a1, NULL, &c1);
        ipa_check(a2, NULL, &c2);
        assert_int_equal(c1.errors, c2.errors);
        checked++;
        g_string_free(t1, TRUE);
        g_string_free(t2, TRUE);
        ipa_ast_free(a1);
        ipa_ast_free(a2);
        ipa_source_free(src);
        ipa_source_free(src2);
    }
    fclose(null);
    assert_true(checked >= 10);
    g_ptr_array_free(files, TRUE);
}

/* Feeds @text to the parser and, if it parses, to the checker. */
static void feed(const char *name, const char *text, size_t len, FILE *null)
{
    struct ipa_source *src = ipa_source_new(name, text, len);
    struct ipa_diag_sink s = quiet_sink(null);
    struct ipa_ast *ast = run(src, &s, NULL);
    ipa_ast_free(ast);
    ipa_source_free(src);
}

/* Every prefix of every valid policy (and every 5th of the failing ones):
 * a clean diagnostic, never a crash or a hang. */
static void test_prefixes(void **state)
{
    (void)state;
    GPtrArray *files = corpus_of(false);
    FILE *null = fopen("/dev/null", "w");
    long fed = 0;
    for (unsigned f = 0; f < files->len; f++) {
        const char *path = g_ptr_array_index(files, f);
        struct ipa_source *src = ipa_source_load(path, NULL);
        size_t step = has_expectations(src) ? 5 : 1;
        for (size_t n = 0; n < src->len; n += step) {
            struct ipa_source *pre = ipa_source_new(path, src->text, n);
            struct ipa_diag_sink s = quiet_sink(null);
            struct ipa_ast *ast = run(pre, &s, NULL);
            /* a prefix that cuts a declaration short is an error */
            if (!has_expectations(src) && n > 0 && src->text[n - 1] != '}' &&
                src->text[n - 1] != '\n' && src->text[n - 1] != ';' &&
                src->text[n - 1] != ' ' && src->text[n - 1] != '/' &&
                !s.errors) {
                /* only possible inside a trailing comment */
                const char *nl = g_strrstr_len(src->text, (gssize)n, "\n");
                const char *start = nl ? nl + 1 : src->text;
                assert_non_null(g_strstr_len(start, src->text + n - start,
                                             "//"));
            }
            ipa_ast_free(ast);
            ipa_source_free(pre);
            fed++;
        }
        ipa_source_free(src);
    }
    fclose(null);
    assert_true(fed > 1000);
    g_ptr_array_free(files, TRUE);
}

/* Garbled copies: bytes replaced, deleted, duplicated (deterministic). */
static void test_garbled(void **state)
{
    (void)state;
    GPtrArray *files = corpus_of(false);
    FILE *null = fopen("/dev/null", "w");
    static const char junk[] = "{}()<>;,.=|!&+-*/%\"'#\t\n\0\xff\xc3" "a9_";
    uint32_t seed = 12345;
    for (unsigned f = 0; f < files->len; f++) {
        const char *path = g_ptr_array_index(files, f);
        struct ipa_source *src = ipa_source_load(path, NULL);
        if (has_expectations(src) || src->len == 0) {
            ipa_source_free(src);
            continue;
        }
        for (int v = 0; v < 300; v++) {
            GString *t = g_string_new_len(src->text, (gssize)src->len);
            for (int k = 0; k < 1 + v % 4; k++) {
                seed = seed * 1103515245u + 12345u;
                size_t at = (seed >> 8) % t->len;
                seed = seed * 1103515245u + 12345u;
                switch ((seed >> 8) % 3) {
                case 0:
                    t->str[at] = junk[(seed >> 12) % (sizeof junk - 1)];
                    break;
                case 1:
                    g_string_erase(t, (gssize)at,
                                   (gssize)MIN(t->len - at,
                                               1 + (seed >> 12) % 8));
                    break;
                default:
                    g_string_insert_len(t, (gssize)at, t->str + at / 2,
                                        (gssize)MIN(t->len - at, 12));
                    break;
                }
                if (!t->len)
                    break;
            }
            feed(path, t->str, t->len, null);
            g_string_free(t, TRUE);
        }
        ipa_source_free(src);
    }
    /* deep nesting must not exhaust the stack */
    GString *deep = g_string_new("handler (core_event e) { on schedule { ");
    for (int i = 0; i < 100000; i++)
        g_string_append(deep, "if (((");
    feed("deep", deep->str, deep->len, null);
    g_string_free(deep, TRUE);
    deep = g_string_new("handler(event e) { On process.new { if (((");
    for (int i = 0; i < 100000; i++)
        g_string_append(deep, "select() + ((");
    feed("deep.bossa", deep->str, deep->len, null);
    g_string_free(deep, TRUE);
    fclose(null);
    g_ptr_array_free(files, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expectations),
        cmocka_unit_test(test_fmt_roundtrip),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_garbled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

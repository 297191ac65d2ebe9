/*
 * Fuzzes the DSL front end as `ipasim check` and `ipasim fmt` drive it: the
 * input is a policy; one that parses is checked twice (plain, then with a
 * --param override of its first constant, or of a name that does not exist)
 * and printed by fmt (which, like `ipasim fmt`, needs only a clean parse),
 * whose output must parse again to an equal tree and print to the same
 * text. The input is read twice: as Ipanema (.ipa) and as Bossa (.bossa),
 * whose tree fmt prints in Ipanema (`fmt --to ipa`): the Ipanema parse of
 * that must be the Bossa front end's tree.
 * A broken round trip aborts: that is a bug libFuzzer should report,
 * not bad input. Diagnostics are printed to /dev/null, so that their
 * source echo and caret line run too.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsl/check.h"
#include "dsl/diag.h"
#include "dsl/fmt.h"
#include "dsl/front.h"
#include "dsl/parser.h"

static struct ipa_diag_sink quiet(void)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w")))
        abort();
    struct ipa_diag_sink sink;
    ipa_diag_sink_init(&sink, null);
    return sink;
}

/* A --param override of the first constant (a value of the wrong type for
 * half the inputs), or of an unknown name when there is no constant. */
static char *override_of(const struct ipa_ast *ast, size_t size)
{
    const struct ipa_node *root = ast->root;
    for (unsigned i = 0; i < ipa_node_count(root); i++) {
        const struct ipa_node *d = ipa_node_at(root, i);
        if (d->kind == IPA_N_CONST && d->name)
            return g_strdup_printf("%s=%s", d->name,
                                   size % 2 ? "3ms" : "17");
    }
    return g_strdup("nosuchparam=1");
}

static void fail(const char *what, const GString *text)
{
    fprintf(stderr, "fuzz_dsl: %s; fmt printed:\n%s\n", what, text->str);
    abort();
}

static void roundtrip(const struct ipa_ast *ast, const struct ipa_source *src)
{
    GString *t1 = g_string_new(NULL);
    ipa_fmt_print(ast, src, t1);
    struct ipa_source *src2 = ipa_source_new("fuzz/fmt.ipa", t1->str, t1->len);
    struct ipa_diag_sink s2 = quiet();
    struct ipa_ast *ast2 = ipa_parse(src2, &s2);
    if (s2.errors)
        fail("fmt output does not parse", t1);
    if (!ipa_node_equal(ast->root, ast2->root))
        fail("fmt output parses to another tree", t1);
    GString *t2 = g_string_new(NULL);
    ipa_fmt_print(ast2, src2, t2);
    if (strcmp(t1->str, t2->str) != 0)
        fail("fmt is not stable (printing its output changes it)", t1);
    g_string_free(t2, TRUE);
    ipa_ast_free(ast2);
    ipa_source_free(src2);
    g_string_free(t1, TRUE);
}

/* Parses, checks and prints @data as the front end of @name selects. */
static void one_front_end(const char *name, const uint8_t *data, size_t size)
{
    struct ipa_source *src = ipa_source_new(name, (const char *)data, size);
    struct ipa_diag_sink sink = quiet();
    struct ipa_ast *ast = ipa_front_parse(src, &sink);
    if (!sink.errors) {
        ipa_check(ast, NULL, &sink);
        char *param = override_of(ast, size);
        const char *params[] = {param};
        struct ipa_check_options opts = {params, 1};
        struct ipa_diag_sink s2 = quiet();
        ipa_check(ast, &opts, &s2);
        g_free(param);
        roundtrip(ast, src);
    }
    ipa_ast_free(ast);
    ipa_source_free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_front_end("fuzz/p.ipa", data, size);
    one_front_end("fuzz/p.bossa", data, size);
    return 0;
}

/* The parser (spans, recovery, messages), the printer and the checker's
 * --param handling, through the library API. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dsl/check.h"
#include "dsl/fmt.h"
#include "dsl/parser.h"

struct capture {
    GString *all; /* "L:C sev: message\n" for each diagnostic */
};

static void capture(void *data, const struct ipa_diag *d)
{
    struct capture *c = data;
    static const char *const sev[] = {"error", "warning", "note"};
    g_string_append_printf(c->all, "%d:%d %s: %s\n", d->line, d->col,
                           sev[d->severity], d->message);
}

static struct ipa_ast *parse(const char *text, struct ipa_source **src,
                             struct ipa_diag_sink *sink, struct capture *c)
{
    c->all = g_string_new(NULL);
    memset(sink, 0, sizeof *sink);
    sink->fn = capture;
    sink->data = c;
    *src = ipa_source_new("t.ipa", text, strlen(text));
    return ipa_parse(*src, sink);
}

static void walk_spans(const struct ipa_node *n, const struct ipa_source *src,
                       int *count)
{
    if (!n)
        return;
    assert_ptr_equal(n->span.file, src);
    assert_true(n->span.off + n->span.len <= src->len);
    (*count)++;
    walk_spans(n->a, src, count);
    walk_spans(n->b, src, count);
    walk_spans(n->c, src, count);
    walk_spans(n->d, src, count);
    for (unsigned i = 0; i < ipa_node_count(n); i++) {
        const struct ipa_node *k = ipa_node_at(n, i);
        /* children lie inside their parent (the program spans the file) */
        assert_true(k->span.off >= n->span.off);
        assert_true(k->span.off + k->span.len <= n->span.off + n->span.len);
        walk_spans(k, src, count);
    }
}

static const char *const small =
    "process = { int quanta; }\n"
    "core = { processes = { RUNNING process current;\n"
    "    shared READY set<process> ready : order = { lowest quanta }; } }\n"
    "handler (core_event e) {\n"
    "    on schedule { first(ready) => current; }\n"
    "}\n";

static void test_spans(void **state)
{
    (void)state;
    struct ipa_source *src;
    struct ipa_diag_sink sink;
    struct capture c;
    struct ipa_ast *ast = parse(small, &src, &sink, &c);
    assert_int_equal(sink.errors, 0);
    int count = 0;
    walk_spans(ast->root, src, &count);
    assert_true(count > 15);
    /* the move statement spans "first(ready) => current;" */
    const struct ipa_node *h = ipa_node_at(ast->root, 2);
    const struct ipa_node *mv = ipa_node_at(ipa_node_at(h, 0)->a, 0);
    assert_int_equal(mv->kind, IPA_N_MOVE);
    assert_memory_equal(src->text + mv->span.off, "first(ready) => current;",
                        mv->span.len);
    g_string_free(c.all, TRUE);
    ipa_ast_free(ast);
    ipa_source_free(src);
}

static void test_recovery_reports_all(void **state)
{
    (void)state;
    struct ipa_source *src;
    struct ipa_diag_sink sink;
    struct capture c;
    struct ipa_ast *ast = parse("handler (core_event e) {\n"
                                "    on schedule {\n"
                                "        x = ;\n"
                                "        y = 1\n"
                                "        z => => w;\n"
                                "    }\n"
                                "    on newly_idle {\n"
                                "        if (a {\n",
                                &src, &sink, &c);
    assert_string_equal(c.all->str,
                        "3:13 error: expected an expression, found ';'\n"
                        "4:14 error: expected ';' after the statement, found "
                        "'z'\n"
                        "5:14 error: expected an expression, found '=>'\n"
                        "8:15 error: expected ')' to close '(' opened at "
                        "8:12, found '{'\n");
    g_string_free(c.all, TRUE);
    ipa_ast_free(ast);
    ipa_source_free(src);
    ast = parse("handler (core_event e) {\n  on schedule {\n    if (a) {\n",
                &src, &sink, &c);
    assert_string_equal(c.all->str, "3:13 error: expected '}' to close block "
                                    "opened at 3:12, found end of file\n");
    g_string_free(c.all, TRUE);
    ipa_ast_free(ast);
    ipa_source_free(src);
}

static char *roundtrip(const char *text)
{
    struct ipa_source *src;
    struct ipa_diag_sink sink;
    struct capture c;
    struct ipa_ast *ast = parse(text, &src, &sink, &c);
    assert_int_equal(sink.errors, 0);
    GString *out = g_string_new(NULL);
    ipa_fmt_print(ast, src, out);
    g_string_free(c.all, TRUE);
    ipa_ast_free(ast);
    ipa_source_free(src);
    return g_string_free(out, FALSE);
}

static void test_fmt_parentheses_and_comments(void **state)
{
    (void)state;
    char *s = roundtrip("const  int x=(1+2)*3-(4-5)-6;// trailing\n"
                        "/* lead */ const bool b = !(x>1||x<0)&&true;\n"
                        "\n\n\n"
                        "const time t = 10ms;\n"
                        "process = { int a;\n\n\n   int b; int c; }\n");
    /* constants stay together, one empty line is kept where there were
     * several, declarations are separated by one */
    assert_string_equal(s, "const int x = (1 + 2) * 3 - (4 - 5) - 6; // "
                           "trailing\n"
                           "/* lead */\n"
                           "const bool b = !(x > 1 || x < 0) && true;\n"
                           "\n"
                           "const time t = 10ms;\n"
                           "\n"
                           "process = {\n"
                           "    int a;\n"
                           "\n"
                           "    int b;\n"
                           "    int c;\n"
                           "}\n");
    g_free(s);
}

static void test_params(void **state)
{
    (void)state;
    struct ipa_source *src;
    struct ipa_diag_sink sink;
    struct capture c;
    char *text = g_strconcat("const int quantum = 10;\nconst time slice = 1ms;"
                             "\n",
                             small, NULL);
    struct ipa_ast *ast = parse(text, &src, &sink, &c);
    assert_int_equal(sink.errors, 0);
    static const char *const good[] = {"quantum=30", "slice=20us"};
    struct ipa_check_options o = {good, 2};
    /* small lacks thread handlers: count only the param diagnostics */
    assert_false(ipa_check(ast, &o, &sink));
    assert_null(strstr(c.all->str, "--param"));
    g_string_truncate(c.all, 0);
    static const char *const bad[] = {"quantum=3ms", "slice=fast", "quantm=1"};
    struct ipa_check_options ob = {bad, 3};
    ipa_check(ast, &ob, &sink);
    assert_non_null(strstr(c.all->str, "--param quantum=3ms: '3ms' is not a "
                                       "valid int"));
    assert_non_null(strstr(c.all->str, "--param slice=fast"));
    assert_non_null(strstr(c.all->str, "no constant 'quantm'"));
    assert_non_null(strstr(c.all->str, "did you mean 'quantum'?"));
    g_free(text);
    g_string_free(c.all, TRUE);
    ipa_ast_free(ast);
    ipa_source_free(src);
}

/* A chain of @n unary minuses over the literal @leaf, built without the
 * parser (as a fuzz harness or an embedding program could). */
static struct ipa_node *minus_chain(struct ipa_ast *ast, struct ipa_span sp,
                                    int n, int64_t leaf)
{
    struct ipa_node *e = ipa_ast_node(ast, IPA_N_INT_LIT, sp);
    e->ival = leaf;
    for (int i = 0; i < n; i++) {
        struct ipa_node *u = ipa_ast_node(ast, IPA_N_UNARY, sp);
        u->op = IPA_TOK_MINUS;
        u->a = e;
        e = u;
    }
    return e;
}

/* Trees deeper than the parser allows are walked without recursion where
 * they can be, and refused by the checker, not a stack overflow. */
static void test_deep_tree_built_by_hand(void **state)
{
    (void)state;
    struct ipa_source *src;
    struct ipa_diag_sink sink;
    struct capture c;
    char *text = g_strconcat("const int q = 1;\n", small, NULL);
    struct ipa_ast *ast = parse(text, &src, &sink, &c);
    assert_int_equal(sink.errors, 0);
    struct ipa_node *q = ipa_node_at(ast->root, 0);
    assert_int_equal(q->kind, IPA_N_CONST);
    enum { DEEP = 200000 };
    q->b = minus_chain(ast, q->b->span, DEEP, 1);
    assert_int_equal(ipa_node_height(q->b), DEEP + 1);
    struct ipa_node *same = minus_chain(ast, q->b->span, DEEP, 1);
    struct ipa_node *other = minus_chain(ast, q->b->span, DEEP, 2);
    assert_true(ipa_node_equal(q->b, same));
    assert_false(ipa_node_equal(q->b, other));
    assert_false(ipa_check(ast, NULL, &sink));
    assert_non_null(strstr(c.all->str, "1:1 error: the policy nests more "
                                       "than 800 levels deep"));
    g_free(text);
    g_string_free(c.all, TRUE);
    ipa_ast_free(ast);
    ipa_source_free(src);
}

static void test_events_table(void **state)
{
    (void)state;
    assert_int_equal(ipa_event_lookup("balancing_select"),
                     IPA_EV_balancing_select);
    assert_int_equal(ipa_event_lookup("tock"), -1);
    assert_string_equal(ipa_event_name(IPA_EV_unblock), "unblock");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_recovery_reports_all),
        cmocka_unit_test(test_fmt_parentheses_and_comments),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_events_table),
        cmocka_unit_test(test_deep_tree_built_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

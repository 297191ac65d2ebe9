/* The DSL scanner: tokens, literals, comments, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dsl/lexer.h"

static FILE *null_out;

static GArray *lex_all(const char *text, struct ipa_diag_sink *sink,
                       struct ipa_source **src_out, GArray *comments)
{
    struct ipa_source *src = ipa_source_new("t.ipa", text, strlen(text));
    ipa_diag_sink_init(sink, null_out);
    struct ipa_lexer lx;
    ipa_lex_init(&lx, src, sink, comments);
    GArray *toks = g_array_new(FALSE, FALSE, sizeof(struct ipa_token));
    for (;;) {
        struct ipa_token t = ipa_lex_next(&lx);
        g_array_append_val(toks, t);
        if (t.kind == IPA_TOK_EOF)
            break;
    }
    *src_out = src;
    return toks;
}

#define TOK(i) g_array_index(toks, struct ipa_token, (i))

static void test_keywords_and_operators(void **state)
{
    (void)state;
    struct ipa_diag_sink sink;
    struct ipa_source *src;
    GArray *toks = lex_all("foreach (p in ready) p => self.ready; x += 1; "
                           "a <= b && !c || d != e",
                           &sink, &src, NULL);
    static const enum ipa_tok want[] = {
        IPA_TOK_FOREACH, IPA_TOK_LPAREN, IPA_TOK_IDENT, IPA_TOK_IN,
        IPA_TOK_IDENT, IPA_TOK_RPAREN, IPA_TOK_IDENT, IPA_TOK_ARROW,
        IPA_TOK_IDENT, IPA_TOK_DOT, IPA_TOK_IDENT, IPA_TOK_SEMI,
        IPA_TOK_IDENT, IPA_TOK_PLUS_ASSIGN, IPA_TOK_INT, IPA_TOK_SEMI,
        IPA_TOK_IDENT, IPA_TOK_LE, IPA_TOK_IDENT, IPA_TOK_AND, IPA_TOK_BANG,
        IPA_TOK_IDENT, IPA_TOK_OR, IPA_TOK_IDENT, IPA_TOK_NE, IPA_TOK_IDENT,
        IPA_TOK_EOF};
    assert_int_equal(toks->len, G_N_ELEMENTS(want));
    for (unsigned i = 0; i < toks->len; i++)
        assert_int_equal(TOK(i).kind, want[i]);
    /* spans point at the text */
    assert_int_equal(TOK(7).span.off, 23);
    assert_int_equal(TOK(7).span.len, 2);
    assert_int_equal(sink.errors, 0);
    g_array_free(toks, TRUE);
    ipa_source_free(src);
}

static void test_time_literals(void **state)
{
    (void)state;
    struct ipa_diag_sink sink;
    struct ipa_source *src;
    GArray *toks = lex_all("7 5ns 20us 4ms 1s", &sink, &src, NULL);
    assert_int_equal(TOK(0).kind, IPA_TOK_INT);
    assert_int_equal(TOK(0).value, 7);
    assert_int_equal(TOK(1).kind, IPA_TOK_TIME);
    assert_int_equal(TOK(1).value, 5);
    assert_int_equal(TOK(2).value, 20000);
    assert_int_equal(TOK(3).value, 4000000);
    assert_int_equal(TOK(4).value, 1000000000);
    assert_int_equal(sink.errors, 0);
    g_array_free(toks, TRUE);
    ipa_source_free(src);
}

static void test_errors(void **state)
{
    (void)state;
    struct ipa_diag_sink sink;
    struct ipa_source *src;
    GArray *toks = lex_all("a @ 10xs 99999999999999999999 \xc3\xa9 /* open",
                           &sink, &src, NULL);
    /* '@', the bad unit, the overflow, the UTF-8 character, the comment */
    assert_int_equal(sink.errors, 5);
    assert_int_equal(TOK(0).kind, IPA_TOK_IDENT);
    assert_int_equal(TOK(1).kind, IPA_TOK_ERROR);
    assert_int_equal(TOK(2).kind, IPA_TOK_TIME);
    assert_int_equal(TOK(3).kind, IPA_TOK_INT);
    assert_int_equal(TOK(4).kind, IPA_TOK_ERROR);
    assert_int_equal(TOK(4).span.len, 2); /* one diagnostic per character */
    assert_int_equal(TOK(5).kind, IPA_TOK_EOF);
    g_array_free(toks, TRUE);
    ipa_source_free(src);
}

static void test_comments_kept(void **state)
{
    (void)state;
    struct ipa_diag_sink sink;
    struct ipa_source *src;
    GArray *comments = g_array_new(FALSE, FALSE, sizeof(struct ipa_comment));
    GArray *toks = lex_all("x // one\n/* two */ y", &sink, &src, comments);
    assert_int_equal(toks->len, 3);
    assert_int_equal(comments->len, 2);
    struct ipa_comment c = g_array_index(comments, struct ipa_comment, 1);
    assert_memory_equal(src->text + c.off, "/* two */", c.len);
    g_array_free(comments, TRUE);
    g_array_free(toks, TRUE);
    ipa_source_free(src);
}

static void test_describe(void **state)
{
    (void)state;
    assert_string_equal(ipa_tok_describe(IPA_TOK_RBRACE), "'}'");
    assert_string_equal(ipa_tok_describe(IPA_TOK_IDENT), "identifier");
    assert_string_equal(ipa_tok_text(IPA_TOK_STARTING_AT), "starting_at");
}

int main(void)
{
    null_out = fopen("/dev/null", "w");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keywords_and_operators),
        cmocka_unit_test(test_time_literals),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_comments_kept),
        cmocka_unit_test(test_describe),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fclose(null_out);
    return rc;
}

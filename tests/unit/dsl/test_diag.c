/* Diagnostics: gcc's layout, tab expansion, positions, edit distance. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dsl/diag.h"

/* Prints one diagnostic at [off, off+len) of @text and returns the text. */
static char *render(const char *text, uint32_t off, uint32_t len,
                    enum ipa_severity sev, const char *msg)
{
    struct ipa_source *src = ipa_source_new("p.ipa", text, strlen(text));
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    struct ipa_diag_sink sink;
    ipa_diag_sink_init(&sink, out);
    ipa_diag_report(&sink, sev, (struct ipa_span){src, off, len}, "%s", msg);
    fclose(out);
    assert_int_equal(sink.errors, sev == IPA_SEV_ERROR);
    ipa_source_free(src);
    return buf;
}

static void test_gcc_layout(void **state)
{
    (void)state;
    const char *text = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n    t.vruntme += delta;\n";
    const char *at = strstr(text, "vruntme");
    char *s = render(text, (uint32_t)(at - text), 7, IPA_SEV_ERROR,
                     "unknown field 'vruntme' in 'task'");
    assert_string_equal(s, "p.ipa:12:7: error: unknown field 'vruntme' in "
                           "'task'\n"
                           "   12 |     t.vruntme += delta;\n"
                           "      |       ^~~~~~~\n");
    free(s);
}

static void test_tabs_expand_to_8(void **state)
{
    (void)state;
    char *s = render("\tx\ty;\n", 3, 1, IPA_SEV_NOTE, "here");
    assert_string_equal(s, "p.ipa:1:17: note: here\n"
                           "    1 |         x       y;\n"
                           "      |                 ^\n");
    free(s);
}

static void test_end_of_line_and_file(void **state)
{
    (void)state;
    /* a zero-length span past the last character of a line */
    char *s = render("a = b\n", 5, 0, IPA_SEV_ERROR, "expected ';'");
    assert_string_equal(s, "p.ipa:1:6: error: expected ';'\n"
                           "    1 | a = b\n"
                           "      |      ^\n");
    free(s);
    /* at the very end of a file without newline */
    s = render("abc", 3, 0, IPA_SEV_WARNING, "w");
    assert_string_equal(s, "p.ipa:1:4: warning: w\n"
                           "    1 | abc\n"
                           "      |    ^\n");
    free(s);
}

static void test_long_line_not_echoed(void **state)
{
    (void)state;
    GString *t = g_string_new(NULL);
    for (int i = 0; i < 1000; i++)
        g_string_append_c(t, 'x');
    char *s = render(t->str, 500, 1, IPA_SEV_ERROR, "e");
    assert_string_equal(s, "p.ipa:1:501: error: e\n");
    free(s);
    g_string_free(t, TRUE);
}

static void test_error_cap(void **state)
{
    (void)state;
    struct ipa_source *src = ipa_source_new("p.ipa", "x", 1);
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    struct ipa_diag_sink sink;
    ipa_diag_sink_init(&sink, out);
    for (int i = 0; i < IPA_DIAG_MAX_ERRORS + 50; i++)
        ipa_diag_error(&sink, ((struct ipa_span){src, 0, 1}), "e%d", i);
    fclose(out);
    /* all counted, the first ones shown, then one line saying so */
    assert_int_equal(sink.errors, IPA_DIAG_MAX_ERRORS + 50);
    assert_int_equal(sink.suppressed, 50);
    assert_non_null(strstr(buf, "error: e99\n"));
    assert_null(strstr(buf, "error: e100\n"));
    assert_non_null(strstr(buf, "too many errors"));
    free(buf);
    ipa_source_free(src);
}

static void test_positions(void **state)
{
    (void)state;
    struct ipa_source *src = ipa_source_new("p", "ab\n\tc\n", 6);
    int line, col;
    ipa_source_position(src, 4, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 9);
    ipa_source_position(src, 100, &line, &col); /* clamped */
    assert_int_equal(line, 3);
    ipa_source_free(src);
}

static void test_unreadable(void **state)
{
    (void)state;
    GError *error = NULL;
    assert_null(ipa_source_load("/nonexistent/x.ipa", &error));
    assert_non_null(error);
    assert_non_null(strstr(error->message, "/nonexistent/x.ipa"));
    g_error_free(error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gcc_layout),
        cmocka_unit_test(test_tabs_expand_to_8),
        cmocka_unit_test(test_end_of_line_and_file),
        cmocka_unit_test(test_long_line_not_echoed),
        cmocka_unit_test(test_error_cap),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

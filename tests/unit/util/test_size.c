/*
 * test_size.c - memory sizes as --max-memory reads and prints them, and
 * the decimal numbers they share with durations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>

#include "util/duration.h"
#include "util/size.h"

static void test_parse(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        uint64_t bytes;
    } good[] = {
        {"0", 0},
        {"65536", 65536},
        {"100B", 100},
        {"96M", UINT64_C(96) << 20},
        {"512MB", UINT64_C(512) << 20},
        {"4G", UINT64_C(4) << 30},
        {"1.5GiB", UINT64_C(3) << 29},
        {"2K", 2048},
        {"16383T", UINT64_C(16383) << 40},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        uint64_t v = 1;
        assert_true(ipa_size_parse(good[i].text, &v));
        assert_int_equal(v, good[i].bytes);
    }
    static const char *const bad[] = {"", "M", "12Q", "1.5", "-1",
                                      "4 G", "4GiBs", "16777216T",
                                      "99999999999999999999"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        uint64_t v = 7;
        assert_false(ipa_size_parse(bad[i], &v));
        assert_int_equal(v, 7);
    }
}

static void test_format(void **state)
{
    (void)state;
    static const struct {
        uint64_t bytes;
        const char *text;
    } cases[] = {
        {100, "100 bytes"},
        {1536, "1.5 KiB"},
        {UINT64_C(96) << 20, "96 MiB"},
        {UINT64_C(3) << 29, "1.5 GiB"},
        {(UINT64_C(12) << 30) + 1, "12 GiB"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *s = g_string_new(NULL);
        ipa_size_format(s, cases[i].bytes);
        assert_string_equal(s->str, cases[i].text);
        g_string_free(s, TRUE);
    }
}

/* Durations read their number the same way. */
static void test_durations_unchanged(void **state)
{
    (void)state;
    uint64_t ns = 0;
    assert_true(ipa_duration_parse("1.5ms", &ns));
    assert_int_equal(ns, 1500000);
    assert_true(ipa_duration_parse("250", &ns));
    assert_int_equal(ns, 250);
    assert_false(ipa_duration_parse("1.5", &ns));
    assert_false(ipa_duration_parse("99999999999s", &ns));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_durations_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
